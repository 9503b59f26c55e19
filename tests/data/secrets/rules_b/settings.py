"""Django settings for the reports project."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "django-insecure-DnkHIfxIq2HZt*%+@PlJhx2jIclHkCiHp6bR-1Iq"
DEBUG = False
ALLOWED_HOSTS = ["reports.acme.internal"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "reports",
        "USER": "reports",
        "PASSWORD": "Wq4!Lz8#Xm2v",
        "HOST": os.environ.get("DB_HOST", "localhost"),
    }
}

CELERY_BROKER_URL = "amqp://reports:Hm5Lq9Zw2Xk8@rabbitmq.internal:5672/reports"
TWILIO_CLIENT = ("AC173581569969e58b081006f7e3dfc967", "a64cb14028d512c9791e558e08baa719")
SERVICE_JWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJpc3MiOiAiaHR0cHM6Ly9hdXRoLmFjbWUuaW50ZXJuYWwiLCAic3ViIjogInN2Yy1yZXBvcnRzIiwgImV4cCI6IDE4OTM0NTYwMDB9.nTxaQWk8JzFalHlsZfYcMMDktXP-tKsf2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6-Wj9KfzjsQGMrb9h_ImB_LKD"
API_HEADERS = {"Authorization": "Bearer DDXh5Jmtf7EbsDe0G9Cryn687neLfjVHq8xiM0OG", "Accept": "application/json"}
EMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]
