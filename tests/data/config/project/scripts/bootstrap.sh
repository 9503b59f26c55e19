#!/usr/bin/env bash
# Installs the pinned kubectl this project is tested with.
set -euo pipefail
version=v1.31.2
curl -fsSLO "https://dl.k8s.io/release/${version}/bin/linux/amd64/kubectl"
curl -fsSLO "https://dl.k8s.io/release/${version}/bin/linux/amd64/kubectl.sha256"
echo "$(cat kubectl.sha256)  kubectl" | sha256sum --check
chmod +x kubectl
./kubectl version --client
