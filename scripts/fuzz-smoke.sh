#!/usr/bin/env bash
# Runs every libFuzzer target for a few seconds, seeded from its tests/data folder.
# Usage: fuzz-smoke.sh BUILD_FUZZ_DIR SECONDS. Fails on the first crash, leak or timeout.
set -euo pipefail
dir=$(cd "$1" && pwd)
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)

# fuzz target -> seed folder under tests/data (the parser's group)
seed_dir() {
  case "$1" in
    os_release|dpkg_status|apk_installed|rpmdb_sqlite) echo os ;;
    npm_lock|yarn_lock|pnpm_lock|node_package_json|yaml_tree) echo npm ;;
    requirements_txt|poetry_lock|pipfile_lock|uv_lock|python_metadata|python_egg) echo python ;;
    go_*) echo go ;;
    cargo_*) echo rust ;;
    jar|pom_xml|gradle_lockfile) echo java ;;
    composer_lock) echo php ;;
    gemfile_lock) echo ruby ;;
    nuget_lock|dotnet_deps) echo dotnet ;;
    conan_lock|vcpkg_*) echo cpp ;;
    elf) echo rust ;;
    osv_record) echo osv ;;
    cvss) echo cvss/seeds ;;
    cyclonedx_in|spdx_in|purl_list) echo sbom_in ;;
    vigil_ignore|openvex|cyclonedx_vex|secret_baseline) echo policy ;;
    secret_scan) echo secrets/engine ;;
    oci_manifest|oci_image_config|docker_archive_manifest|image_reference) echo oci ;;
    www_authenticate|registry_token|registry_credential) echo oci-auth ;;
    image_layer) echo image/layers ;;
    image_archive) echo image/archives ;;
    github_workflow) echo config/github ;;
    gitlab_ci) echo config/gitlab ;;
    dockerfile) echo config/docker ;;
    config_scan) echo config ;;
    watch_events) echo watch/events ;;
    watch_rules) echo watch/rules ;;
    incident_events) echo incidents/events ;;
    incidents_config) echo incidents/config ;;
    access_log|request_records) echo incidents/logs ;;
    *) echo "" ;;
  esac
}

count=0
for target in "$dir"/fuzz_*; do
  [[ -x "$target" ]] || continue
  name=$(basename "$target")
  name=${name#fuzz_}
  work=$(mktemp -d)
  sub=$(seed_dir "$name")
  seeds=""
  [[ -n "$sub" && -d "$root/tests/data/$sub" ]] && seeds="$root/tests/data/$sub"
  echo "fuzz $name (${seconds}s, seeds: ${seeds:-none})" >&2
  (cd "$work" && "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=0 "$work" $seeds >"$work/log" 2>&1) || {
    tail -n 40 "$work/log" >&2
    echo "fuzz target $name failed (log above)" >&2
    exit 1
  }
  rm -rf "$work"
  count=$((count + 1))
done
echo "$count passed, 0 failed (fuzz smoke: every target ran ${seconds}s without a crash)"
