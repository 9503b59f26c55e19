FROM python:3.12-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 app
WORKDIR /home/app
USER app

FROM base AS test
COPY --chown=app:app . .
RUN pip install --user -r requirements-dev.txt && python -m pytest

FROM base AS final
COPY --chown=app:app . .
RUN pip install --user --no-cache-dir -r requirements.txt
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app.wsgi"]
