#!/usr/bin/env bash
# Times `vigil scan image docker-archive:X` against `trivy image --input X` (offline, vuln scanner only) on the
# images of make-images.sh, cold (empty layer cache before every run: hyperfine --prepare) and warm (layers cached
# by the warm-up run), with hyperfine medians; Trivy's time is also given "corrected" by the median of
# `trivy --version` (its UPX self-unpacking start-up). Peak RSS: /usr/bin/time -f %M, median of RSS_RUNS runs.
# Prerequisites: bash bench/get-trivy.sh; bash bench/image/make-images.sh; a release build (cmake --preset release).
# Builds nothing but a Vigil DB (bench/work/image/vigil.db, `vigil db import` of ../shared/data/osv/*.zip) if missing.
# Usage: bench/image/run.sh [IMAGE...]            (default: debian lang big wide)
#   VIGIL=path/to/vigil (default build/release/src/vigil)  RUNS=5  RSS_RUNS=3  TOOLS="vigil trivy"
#   MODES="cold warm"
# Results: bench/work/image/results/{summary.md,summary.json,*.hyperfine.json,*.report.json}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/bench/work
img=$work/image
out=$img/results
scratch=$img/run
vigil=${VIGIL:-}
if [[ -z $vigil ]]; then
  vigil=$root/build/release/src/vigil
  [[ -x $vigil ]] || vigil=$root/build/release/vigil
fi
vigil=$(realpath -m "$vigil")
trivy=$work/trivy
trivy_cache=$work/trivy-cache
runs=${RUNS:-5}
rss_runs=${RSS_RUNS:-3}
tools=${TOOLS:-vigil trivy}
modes=${MODES:-cold warm}
images=("$@")
((${#images[@]})) || images=(debian lang big wide)
db=${VIGIL_BENCH_DB:-$img/vigil.db}

has() { [[ " $tools " == *" $1 "* ]]; }
log() { echo "== $*" >&2; }
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install -y hyperfine" >&2; exit 2; }
for i in "${images[@]}"; do
  [[ -s $img/$i.docker.tar ]] || { echo "missing $img/$i.docker.tar: bash bench/image/make-images.sh" >&2; exit 2; }
done
if has trivy && [[ ! -x $trivy ]]; then echo "get Trivy first: bash bench/get-trivy.sh" >&2; exit 2; fi
if has vigil; then
  [[ -x $vigil ]] || { echo "no vigil at $vigil: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
  "$vigil" scan image --help >/dev/null 2>&1 || { echo "$vigil has no 'scan image' yet" >&2; exit 2; }
  if [[ ! -s $db ]]; then
    log "vigil db import -> $db"
    "$vigil" db import --db "$db.tmp" -q "$root"/../shared/data/osv/*.zip && mv "$db.tmp" "$db"
  fi
fi
mkdir -p "$out" "$scratch"
# Empty caches in the scratch dir; run from the results dir (Trivy reads ./trivy*.yaml when present).
cd "$out"

# Commands. Trivy's cache dir holds the (offline, stand-in) vulnerability and Java DBs and its layer cache
# (fanal/); a cold run gets a fresh copy of the DBs only.
trivy_cmd() {  # IMAGE CACHE OUTPUT [EXTRA...]
  local image=$1 cache=$2 output=$3
  shift 3
  echo "$trivy image --input $img/$image.docker.tar --cache-dir $cache --skip-db-update --skip-java-db-update" \
       "--offline-scan --scanners vuln --format json -o $output -q $*"
}
trivy_reset() { echo "rm -rf $1 && mkdir -p $1 && cp -a $trivy_cache/db $trivy_cache/java-db $1/"; }
vigil_cmd() {  # IMAGE CACHE OUTPUT
  echo "$vigil scan image docker-archive:$img/$1.docker.tar --scanners vuln --db $db --cache-dir $2 -f json -o $3 -q"
}
vigil_reset() { echo "rm -rf $1"; }

startup=0
if has trivy; then
  log "trivy --version (UPX self-unpacking start-up)"
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/trivy-version.hyperfine.json" \
    "$trivy --version" >&2
fi

median() { python3 -c "import statistics,sys; print(int(statistics.median(int(x) for x in sys.argv[1:])))" "$@"; }
peak_rss_kib() {  # PREPARE COMMAND: median of RSS_RUNS runs, PREPARE before each
  local prep=$1 cmd=$2 k vals=()
  for ((k = 0; k < rss_runs; k++)); do
    [[ -z $prep ]] || bash -c "$prep"
    /usr/bin/time -f %M -o "$scratch/rss" bash -c "exec $cmd" >/dev/null 2>&1
    vals+=("$(tail -n 1 "$scratch/rss")")
  done
  median "${vals[@]}"
}

: >"$out/rss.txt.new"
[[ -f $out/rss.txt ]] && grep -v -E "^($(IFS='|'; echo "${images[*]}")) " "$out/rss.txt" >>"$out/rss.txt.new" || true
for image in "${images[@]}"; do
  for t in $tools; do
    # The output of one more untimed run is kept (package and finding counts).
    for mode in $modes; do
      cache=$scratch/$t-$mode-$image
      reset=$("${t}_reset" "$cache")
      cmd=$("${t}_cmd" "$image" "$cache" /dev/null)
      name=$image.$t.$mode
      log "$name: $cmd"
      if [[ $mode == cold ]]; then
        hyperfine --style basic --warmup 1 --runs "$runs" --prepare "$reset" \
          --export-json "$out/$name.hyperfine.json" -n "$name" "$cmd" >&2
        rss=$(peak_rss_kib "$reset" "$cmd")
      else
        bash -c "$reset"  # the warm-up run fills the cache
        hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/$name.hyperfine.json" -n "$name" "$cmd" >&2
        rss=$(peak_rss_kib "" "$cmd")
      fi
      echo "$image $t $mode $rss" >>"$out/rss.txt.new"
    done
    report=$out/$image.$t.report.json
    if [[ $t == trivy ]]; then
      bash -c "$(trivy_reset "$scratch/report") && $(trivy_cmd "$image" "$scratch/report" "$report" --list-all-pkgs)"
    else
      bash -c "$(vigil_reset "$scratch/report") && $(vigil_cmd "$image" "$scratch/report" "$report")"
    fi
    rm -rf "$scratch/report" "$scratch/$t-cold-$image"
  done
done
mv "$out/rss.txt.new" "$out/rss.txt"

python3 "$here/summarize.py" "$out" "$img" "$db" "$runs" "$rss_runs" >"$out/summary.md"
cat "$out/summary.md"
