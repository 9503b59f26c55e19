#!/usr/bin/env bash
# Installs every Debian package Vigil needs to build (with --demo, also what the README's demo uses; with --test,
# also what the test suite needs).
# Debian 12; run as root. The list mirrors cmake/Dependencies.cmake.
set -euo pipefail

build_packages=(
  cmake ninja-build g++ pkg-config
  libexpected-dev libfmt-dev libcli11-dev nlohmann-json3-dev libsimdjson-dev libyaml-dev
  libtomlplusplus-dev libpugixml-dev libarchive-dev libsqlite3-dev zlib1g-dev libssl-dev libcurl4-openssl-dev
  libhyperscan-dev libpcre2-dev libgit2-dev
  # the eBPF sensor: libbpf, and clang + bpftool to build its probes into a skeleton
  libbpf-dev libelf-dev bpftool clang llvm
  # the incidents service: HTTP server, PostgreSQL client
  libcpp-httplib-dev libpq-dev
)
test_packages=(
  libgtest-dev libgmock-dev python3 python3-jsonschema python3-packaging git
  clang-19 libfuzzer-19-dev libclang-rt-19-dev clang-tidy-19
  # container images: real registry, clients and image builder (shared/PEERS.md); htpasswd, openssl and
  # python3-cryptography for the registry's Basic and token auth in tests
  docker-registry skopeo umoci apache2-utils busybox-static openssl python3-cryptography
  # the incidents service's peers: PostgreSQL, a real Alertmanager, headless Chromium for the dashboard
  postgresql prometheus-alertmanager chromium
)

# The demo builds its sample container image with umoci (python3 drives it).
demo_packages=(umoci busybox-static python3)

packages=("${build_packages[@]}")
if [[ "${1:-}" == "--demo" ]]; then
  packages+=("${demo_packages[@]}")
fi
if [[ "${1:-}" == "--test" ]]; then
  packages+=("${test_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
