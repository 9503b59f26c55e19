FROM alpine:3.20

# tini, pinned by checksum
ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee \
    https://github.com/krallin/tini/releases/download/v0.19.0/tini-static-amd64 /sbin/tini
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static-muslc-amd64 /sbin/tini-musl
ADD --chmod=755 https://raw.githubusercontent.com/vishnubob/wait-for-it/master/wait-for-it.sh /usr/local/bin/
ADD ["https://dl.k8s.io/release/v1.30.2/bin/linux/amd64/kubectl", "/usr/local/bin/kubectl"]
ADD https://github.com/moby/buildkit.git#v0.14.1 /src/buildkit
ADD git@github.com:acme/build-tools.git#9f3c5e0d1b2a4c6e8f0a1b3c5d7e9f1a2b4c6d8e /src/tools
ADD rootfs.tar.gz /
ADD --chown=1000:1000 config/ /etc/app/

RUN chmod +x /sbin/tini /sbin/tini-musl /usr/local/bin/kubectl && adduser -D -u 10001 app
USER 10001
ENTRYPOINT ["/sbin/tini", "--"]
