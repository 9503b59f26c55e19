#!/bin/sh
# CI image bootstrap: kubectl, helm, docker, golang, yq.
set -eu

KUBECTL_VERSION="v1.29.3"
GO_VERSION="1.22.1"
GO_SHA256="aab8e15785c997ae20f9c88422ee35d962c4562212bb0f879d052a35c8307c7f"
ARCH="amd64"

# kubectl: checked against the published checksum before it is installed.
curl -fsSLO "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${ARCH}/kubectl"
curl -fsSLO "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${ARCH}/kubectl.sha256"
echo "$(cat kubectl.sha256)  kubectl" | sha256sum --check
sudo install -o root -g root -m 0755 kubectl /usr/local/bin/kubectl
kubectl version --client

# Go: tarball verified, then extracted.
curl -fsSL "https://go.dev/dl/go${GO_VERSION}.linux-${ARCH}.tar.gz" -o /tmp/go.tar.gz
echo "${GO_SHA256}  /tmp/go.tar.gz" | sha256sum -c -
tar -C /usr/local -xzf /tmp/go.tar.gz

# helm: the get-helm-3 script, not verified.
curl -fsSL -o get_helm.sh https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3
chmod 700 get_helm.sh
./get_helm.sh

# docker: convenience script.
curl -fsSL https://get.docker.com -o get-docker.sh
sudo sh ./get-docker.sh --version 25.0

# yq: a binary, renamed on the way.
wget -q https://github.com/mikefarah/yq/releases/download/v4.42.1/yq_linux_amd64
mv yq_linux_amd64 /usr/local/bin/yq
chmod +x /usr/local/bin/yq
yq --version

# A release asset from GitHub, downloaded but only unpacked.
gh release download v2.46.0 --repo cli/cli --pattern 'gh_*_linux_amd64.tar.gz' --dir /tmp/gh
tar -xzf /tmp/gh/gh_2.46.0_linux_amd64.tar.gz -C /opt
