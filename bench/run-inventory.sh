#!/usr/bin/env bash
# Times `vigil scan rootfs` against `trivy rootfs` (offline, package listing only) on the same corpora
# in the same run: hyperfine medians of several runs, peak RSS (median of 3), and a package diff.
# Prerequisites: bash bench/get-trivy.sh; bash bench/make-corpora.sh; a release build (cmake --preset release).
# Usage: bench/run-inventory.sh [MODE:CORPUS...]
#   default: rootfs:rootfs-bookworm fs:lockfiles rootfs:/   (MODE is the subcommand both tools run:
#   Trivy's rootfs skips lockfiles, so the lockfile corpus is scanned with `fs` by both)
# Results: bench/work/results/<corpus>.{md,json,diff.txt} and bench/work/results/summary.md
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work=$here/work
vigil=$root/build/release/src/vigil
trivy=$work/trivy
cache=$work/trivy-cache
runs=${RUNS:-5}
out=$work/results
mkdir -p "$out"
[[ -x $vigil ]] || { echo "build vigil first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
[[ -x $trivy ]] || { echo "get Trivy first: bash bench/get-trivy.sh" >&2; exit 2; }

corpora=("$@")
((${#corpora[@]})) || corpora=(rootfs:rootfs-bookworm fs:lockfiles rootfs:/)

trivy_cmd() {  # trivy_cmd DIR OUTPUT (uses $mode)
  echo "$trivy $mode --cache-dir $cache --skip-db-update --skip-java-db-update --offline-scan --quiet" \
       "--format json --list-all-pkgs --scanners vuln --output $2 $1"
}
vigil_cmd() {
  echo "$vigil scan $mode $1 --format json --quiet --output $2"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
peak_rss_kib() {  # median of 3 runs of a command line
  for _ in 1 2 3; do /usr/bin/time -f %M bash -c "$1" 2>&1 >/dev/null | tail -n 1; done | median
}

echo "== trivy --version (its UPX self-unpacking start-up)" >&2
hyperfine --style basic --runs "$runs" --export-json "$out/trivy-version.json" "$trivy --version" >&2
startup=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$out/trivy-version.json")

summary=$out/summary.md
{
  echo "# Inventory benchmark: vigil scan vs trivy (same mode) ($(date -u +%F), $(nproc) cores, $runs runs)"
  echo
  echo "Trivy start-up (median of \`trivy --version\`): ${startup} s; 'corrected' = Trivy median minus that."
  echo
  echo "| corpus | vigil median s | trivy median s | trivy corrected s | speed-up (corrected) | vigil peak MiB | trivy peak MiB | packages vigil / trivy |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$summary"

for spec in "${corpora[@]}"; do
  mode=${spec%%:*}
  corpus=${spec#*:}
  dir=$corpus
  [[ $corpus == /* ]] || dir=$work/$corpus
  name=$(echo "$corpus" | tr '/' '_')
  [[ $name == _ ]] && name=this-machine
  echo "== $corpus" >&2
  vjson=$out/$name.vigil.json
  tjson=$out/$name.trivy.json
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/$name.json" \
    -n vigil "$(vigil_cmd "$dir" "$vjson")" -n trivy "$(trivy_cmd "$dir" "$tjson")" >&2
  read -r vmed tmed < <(python3 -c "
import json,sys
r={x['command']:x['median'] for x in json.load(open(sys.argv[1]))['results']}
print(r['vigil'], r['trivy'])" "$out/$name.json")
  vrss=$(peak_rss_kib "$(vigil_cmd "$dir" /dev/null)")
  trss=$(peak_rss_kib "$(trivy_cmd "$dir" /dev/null)")
  python3 "$here/compare-packages.py" "$vjson" "$tjson" >"$out/$name.diff.txt"
  counts=$(grep '^unique' "$out/$name.diff.txt" | sed 's/.*vigil \([0-9]*\), trivy \([0-9]*\)/\1 \/ \2/')
  python3 - "$mode $corpus" "$vmed" "$tmed" "$startup" "$vrss" "$trss" "$counts" >>"$summary" <<'PY'
import sys
corpus, v, t, s, vr, tr, counts = sys.argv[1:]
v, t, s, vr, tr = float(v), float(t), float(s), float(vr), float(tr)
corr = max(t - s, 1e-9)
print(f"| {corpus} | {v:.3f} | {t:.3f} | {corr:.3f} | {corr / v:.1f}x | {vr / 1024:.1f} | {tr / 1024:.1f} | {counts} |")
PY
done
cat "$summary"
