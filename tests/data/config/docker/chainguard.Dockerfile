ARG RUNTIME=cgr.dev/chainguard/python:latest

FROM cgr.dev/chainguard/python:latest-dev AS builder
WORKDIR /app
RUN python -m venv /app/venv
COPY requirements.txt .
RUN /app/venv/bin/pip install --no-cache-dir -r requirements.txt

FROM ${RUNTIME}
WORKDIR /app
COPY --from=builder /app/venv /app/venv
COPY main.py .
ENTRYPOINT ["/app/venv/bin/python", "main.py"]
