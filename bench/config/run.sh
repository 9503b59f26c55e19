#!/usr/bin/env bash
# Times Vigil's `config` scanner (`vigil scan fs DIR --scanners config`) against Trivy's misconfiguration scanner
# (`trivy config`, offline, its embedded checks) with hyperfine (one warm-up, RUNS runs, medians, page cache warm):
#   docker  bench/work/config/corpus-docker: only Dockerfiles, which both tools check (like for like);
#   mixed   bench/work/config/corpus-mixed: whole repositories; Trivy checks only their Dockerfiles (it parses
#           the YAML too, looking for Kubernetes/CloudFormation/... files), Vigil also workflows, actions,
#           GitLab CI and shell scripts, so it does more work there.
# Also: Trivy's start-up (`trivy --version`, subtracted for the "corrected" column), peak RSS (/usr/bin/time -f %M,
# median of RSS_RUNS runs; the last run's report is kept), finding counts per check id, and, for the
# false-alarm/recall reading, both tools' reports on one copy of the 12 Dockerfiles (corpus-docker/copy-001).
# Prerequisites: bash bench/get-trivy.sh; a release build (cmake --preset release; ninja -C build/release vigil).
# Makes the corpora with make-corpus.sh when missing or of another N.
# Usage: bench/config/run.sh [docker] [mixed]       (default both)
#   N=40 (copies; Trivy takes ~0.2 s per copy of the Dockerfiles on this machine)  RUNS=5  RSS_RUNS=3
#   VIGIL=path/to/vigil (default build/release/src/vigil)  TOOLS="vigil trivy"
# Results: bench/work/config/results/{summary.md,summary.json,<corpus>.hyperfine.json,<corpus>.<tool>.json,
#   files.<tool>.json, repo-001.vigil.json, rss.txt, trivy-version.hyperfine.json}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/bench/work
cfg=$work/config
out=$cfg/results
scratch=$cfg/run
vigil=$(realpath -m "${VIGIL:-$root/build/release/src/vigil}")
trivy=$work/trivy
trivy_cache=$work/trivy-cache
n=${N:-40}
runs=${RUNS:-5}
rss_runs=${RSS_RUNS:-3}
tools=${TOOLS:-vigil trivy}
corpora=("$@")
((${#corpora[@]})) || corpora=(docker mixed)

has() { [[ " $tools " == *" $1 "* ]]; }
log() { echo "== $*" >&2; }
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install -y hyperfine" >&2; exit 2; }
if has trivy && [[ ! -x $trivy ]]; then echo "get Trivy first: bash bench/get-trivy.sh" >&2; exit 2; fi
if has vigil; then
  [[ -x $vigil ]] || { echo "no vigil at $vigil: cmake --preset release && ninja -C build/release vigil" >&2; exit 2; }
  "$vigil" scan fs --help 2>&1 | grep -q config || { echo "$vigil has no config scanner" >&2; exit 2; }
fi
if ! grep -q "^corpus-mixed: $n copies" "$cfg/corpus.txt" 2>/dev/null; then
  log "make-corpus.sh $n"
  bash "$here/make-corpus.sh" "$n" >&2
fi
mkdir -p "$out" "$scratch"
# Trivy reads ./trivy.yaml when present: run from the results dir, which has none.
cd "$out"

vigil_cmd() {  # DIR OUTPUT
  echo "$vigil scan fs $1 --scanners config -q -f json -o $2"
}
trivy_cmd() {  # DIR OUTPUT
  echo "$trivy config --cache-dir $trivy_cache --skip-policy-update -q -f json -o $2 $1"
}

median() { python3 -c "import statistics,sys; print(int(statistics.median(int(x) for x in sys.argv[1:])))" "$@"; }
peak_rss_kib() {  # COMMAND: median of RSS_RUNS runs
  local k vals=()
  for ((k = 0; k < rss_runs; k++)); do
    /usr/bin/time -f %M -o "$scratch/rss" bash -c "exec $1" >/dev/null 2>&1
    vals+=("$(tail -n 1 "$scratch/rss")")
  done
  median "${vals[@]}"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC') start, load average $(cut -d' ' -f1-3 /proc/loadavg)" >"$out/load.txt"
if has trivy; then
  log "trivy --version (UPX self-unpacking start-up)"
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/trivy-version.hyperfine.json" \
    "$trivy --version" >&2
fi

: >"$out/rss.txt.new"
[[ -f $out/rss.txt ]] && grep -v -E "^($(IFS='|'; echo "${corpora[*]}")) " "$out/rss.txt" >>"$out/rss.txt.new" || true
for c in "${corpora[@]}"; do
  dir=$cfg/corpus-$c
  [[ -d $dir ]] || { echo "unknown corpus $c (docker, mixed)" >&2; exit 2; }
  log "corpus $c: warming the page cache"
  find "$dir" -type f -print0 | xargs -0 cat >/dev/null
  cmds=()
  for t in $tools; do cmds+=(-n "$t" "$("${t}_cmd" "$dir" "$scratch/$c.$t.json")"); done
  log "hyperfine $c: $tools"
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/$c.hyperfine.json" "${cmds[@]}" >&2
  for t in $tools; do
    log "peak RSS $c $t"
    echo "$c $t $(peak_rss_kib "$("${t}_cmd" "$dir" "$out/$c.$t.json")")" >>"$out/rss.txt.new"
  done
done
mv "$out/rss.txt.new" "$out/rss.txt"

# Reports for the per-file reading: one copy of the 12 Dockerfiles; and one repository of the mixed corpus
# scanned alone (GitLab local includes resolve against the scanned root, so a scan of the whole corpus does
# not reach ci/*.yml).
for t in $tools; do bash -c "$("${t}_cmd" "$cfg/corpus-docker/copy-001" "$out/files.$t.json")"; done
if has vigil; then bash -c "$(vigil_cmd "$cfg/corpus-mixed/repo-001" "$out/repo-001.vigil.json")"; fi
echo "$(date -u '+%Y-%m-%d %H:%M UTC') end, load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/load.txt"

python3 "$here/summarize.py" "$out" "$cfg" "$runs" "$rss_runs" >"$out/summary.md"
cat "$out/summary.md"
