FROM nginx:1.27-alpine
COPY nginx.conf /etc/nginx/nginx.conf
USER nginx
RUN nginx -t
# Certificates are installed as root at start-up by the entrypoint.
USER root
COPY docker-entrypoint.d/ /docker-entrypoint.d/
