# syntax=docker/dockerfile:1
FROM debian:bookworm-slim

RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl
rm -rf /var/lib/apt/lists/*
EOF

COPY <<-"EOT" /etc/app/config.toml
	[server]
	port = 8080
	EOT

RUN <<INSTALL bash -e
curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
apt-get install -y nodejs
INSTALL

RUN useradd --system --uid 10001 --no-create-home app
USER app
CMD ["node", "/srv/index.js"]
