#!/usr/bin/env bash
# Builds the benchmark corpora in bench/work/:
#   rootfs-bookworm/  a minimal Debian 12 root file system (debootstrap minbase), built once and kept;
#   lockfiles/        every language file of tests/data under the name its analyzer wants, COPIES times over.
# Usage: bench/make-corpora.sh [rootfs|lockfiles|all]   (root is needed for the rootfs; env MIRROR, COPIES)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${here}/work"
data="${here}/../tests/data"
what="${1:-all}"
mkdir -p "${work}"

# The Debian mirror this machine already uses: classic sources.list lines or deb822 *.sources stanzas.
find_mirror() {
  local url
  url="$(grep -hsE '^deb\s+(\[[^]]*\]\s+)?https?://\S+\s+bookworm(\s|$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
         sed -E 's/^deb\s+(\[[^]]*\]\s+)?(\S+).*/\2/' | head -n 1 || true)"
  if [[ -z "${url}" ]]; then
    url="$(awk 'BEGIN { RS = ""; FS = "\n" }
                { uris = ""; ok = 0
                  for (i = 1; i <= NF; i++) {
                    if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, u, /[ \t]+/); uris = u[1] }
                    if ($i ~ /^Suites:/ && $i ~ /[ \t]bookworm([ \t]|$)/) { ok = 1 }
                  }
                  if (ok && uris != "") { print uris; exit } }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
  fi
  echo "${url:-http://deb.debian.org/debian}"
}

make_rootfs() {
  local target="${work}/rootfs-bookworm"
  if [[ -s "${target}/var/lib/dpkg/status" ]]; then
    echo "rootfs: ${target} already present (delete it to rebuild)"
    return
  fi
  local mirror="${MIRROR:-$(find_mirror)}"
  local tmp="${target}.partial"
  rm -rf "${tmp}"
  echo "rootfs: debootstrap --variant=minbase bookworm from ${mirror} (about 75 s)"
  debootstrap --variant=minbase bookworm "${tmp}" "${mirror}" >"${work}/debootstrap.log" 2>&1 ||
    { echo "debootstrap failed; see ${work}/debootstrap.log" >&2; exit 1; }
  mv "${tmp}" "${target}"
  echo "rootfs: $(grep -c '^Package:' "${target}/var/lib/dpkg/status") dpkg packages in ${target}"
}

# Where a tests/data file goes in the corpus (relative to its own folder), or nothing to leave it out.
# Hostile test inputs (zip bombs, deeply nested archives) are left out: they measure limits, not speed.
corpus_name() {
  local rel="$1" base="${1##*/}" stem
  stem="${base%.*}"
  case "${rel}" in
    java/bomb* | java/evil* | java/broken* | java/deep* | rust/bomb*) ;;
    npm/node_modules/*-package.json) echo "node_modules/${base%-package.json}/package.json" ;;
    npm/package-lock*.json) echo "package-lock.json" ;;
    npm/yarn*.lock) echo "yarn.lock" ;;
    npm/pnpm-lock*.yaml) echo "pnpm-lock.yaml" ;;
    python/requirements*.txt) echo "${base}" ;;
    python/poetry*.lock) echo "poetry.lock" ;;
    python/Pipfile*.lock) echo "Pipfile.lock" ;;
    python/uv*.lock) echo "uv.lock" ;;
    python/*.METADATA) echo "site-packages/${stem}.dist-info/METADATA" ;;
    python/*.PKG-INFO) echo "site-packages/${stem}.egg-info/PKG-INFO" ;;
    go/go.mod | go/*.go.mod) echo "go.mod" ;;
    go/hello-go | rust/ripgrep-auditable) echo "bin/${base}" ;;
    rust/Cargo*.lock) echo "Cargo.lock" ;;
    java/*.jar | java/*.war | java/*.ear) echo "lib/${base}" ;;
    java/pom*.xml) echo "pom.xml" ;;
    java/gradle*.lockfile) echo "gradle.lockfile" ;;
    php/composer*.lock) echo "composer.lock" ;;
    ruby/Gemfile*.lock) echo "Gemfile.lock" ;;
    dotnet/packages*.lock.json) echo "packages.lock.json" ;;
    dotnet/*.deps.json) echo "${base}" ;;
    cpp/conan*.lock) echo "conan.lock" ;;
    cpp/vcpkg*.json) echo "vcpkg.json" ;;
    cpp/status) echo "vcpkg_installed/vcpkg/status" ;;
  esac
}

# tests/data/java/pom.xml names a parent at ../platform-parent/pom.xml (a multi-module project). Without it,
# Trivy dev (cdxgen 1.8.0) re-reads the pom ~144,000 times: ~40 s and 2.5 GB for that one file, which would
# swamp the whole benchmark. The corpus therefore holds the parent too, as a checked-out project would.
write_parent_pom() {
  mkdir -p "$(dirname "$1")"
  cat > "$1" <<'POM'
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example.platform</groupId>
  <artifactId>platform-parent</artifactId>
  <version>7.3.0</version>
  <packaging>pom</packaging>
  <properties>
    <spring.version>6.1.1</spring.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.slf4j</groupId>
        <artifactId>slf4j-api</artifactId>
        <version>2.0.9</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>
POM
}

make_lockfiles() {
  local target="${work}/lockfiles" copies="${COPIES:-8}" files=0 skipped=()
  rm -rf "${target}"
  local rel name group stem dest
  while IFS= read -r rel; do
    name="$(corpus_name "${rel}")"
    if [[ -z "${name}" ]]; then
      skipped+=("${rel}")
      continue
    fi
    # One folder per source file, so files that share a canonical name (three package-lock.json) coexist.
    group="${rel%%/*}"
    stem="$(basename "${rel}" | tr -c 'A-Za-z0-9_\n-' '_')"
    for ((i = 1; i <= copies; i++)); do
      dest="${target}/$(printf 'copy-%02d' "${i}")/${group}/${stem}/${name}"
      mkdir -p "$(dirname "${dest}")"
      cp -p "${data}/${rel}" "${dest}"
      if [[ "${name}" == bin/* ]]; then
        chmod +x "${dest}"  # binaries in a real tree are executable; scanners may look only at those
      fi
    done
    files=$((files + 1))
  done < <(cd "${data}" && find . -type f ! -path './os/*' ! -path './schemas/*' | sed 's|^\./||' | LC_ALL=C sort)
  for ((i = 1; i <= copies; i++)); do
    write_parent_pom "${target}/$(printf 'copy-%02d' "${i}")/java/platform-parent/pom.xml"
  done
  echo "lockfiles: ${files} files x ${copies} copies in ${target} ($(du -sh "${target}" | cut -f1))"
  if ((${#skipped[@]} > 0)); then
    echo "lockfiles: left out (no analyzer name or hostile input): ${skipped[*]}"
  fi
}

case "${what}" in
  rootfs) make_rootfs ;;
  lockfiles) make_lockfiles ;;
  all) make_rootfs && make_lockfiles ;;
  *) echo "usage: $0 [rootfs|lockfiles|all]" >&2; exit 2 ;;
esac
