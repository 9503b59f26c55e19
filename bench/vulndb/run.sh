#!/usr/bin/env bash
# Times the vulnerability DB: `vigil db import` of the shared OSV zips and of synthetic osv.dev-scale zips, and
# matching purl lists of several sizes against the resulting DBs (`vigil scan purl`, with `--scanners none` as
# the baseline without matching, and match_inventory alone through match_bench when it is built).
# Builds nothing: expects a release build (cmake --preset release && cmake --build --preset release --target
# vigil, i.e. build/release/src/vigil; VIGIL=... for another) and, optionally, bench/work/vulndb/match_bench
# (cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DVIGIL_BUILD_BENCH=ON -DVIGIL_BUILD_TESTS=OFF && ninja -C build/bench vigil_match_bench). Generates missing inputs with make-synthetic.py/make-purls.py.
# Usage: bench/vulndb/run.sh [import] [synthetic] [match | match-synthetic | match-shared]   (default: all)
# Env: RUNS (5, small inputs), BIG_RUNS (2, 250k/500k imports), SIZES ("100 250 500", thousands of records),
#      COUNTS ("1000 10000 50000" purls), MATCH_DB (synthetic size the purl lists match against, 500).
# Results: bench/work/vulndb/results/{summary.md,*.json}; DBs and inputs in bench/work/vulndb/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/bench/work/vulndb
out=$work/results
vigil=${VIGIL:-$root/build/release/src/vigil}
match_bench=${MATCH_BENCH:-$root/build/bench/vigil_match_bench}
runs=${RUNS:-5}
big_runs=${BIG_RUNS:-2}
read -r -a sizes <<<"${SIZES:-100 250 500}"
read -r -a counts <<<"${COUNTS:-1000 10000 50000}"
match_db=${MATCH_DB:-500}
steps=("$@")
((${#steps[@]})) || steps=(import synthetic match)
shared=(../shared/data/osv/Go.zip ../shared/data/osv/PyPI.zip ../shared/data/osv/crates.io.zip)  # from $root

[[ -x $vigil ]] || { echo "build vigil first: cmake --preset release && cmake --build --preset release --target vigil" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install -y hyperfine" >&2; exit 2; }
mkdir -p "$out"
cd "$root"
summary=$out/summary.md
[[ -f $summary ]] || echo "# Vulnerability DB benchmark ($(date -u +%F), $(nproc) cores, $(basename "$vigil") at $vigil)" >"$summary"
note() { echo "$*" | tee -a "$summary" >&2; }
median_of() {  # hyperfine JSON -> "median stddev cpu" of its first command (cpu: mean user+system)
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]
print(f\"{r['median']:.3f} {r['stddev'] or 0:.3f} {r['user'] + r['system']:.3f}\")" "$1"
}
mib() { python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1]) / 2**20:.1f}')" "$1"; }
peak_rss_mib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1 | awk '{printf "%.0f", $1 / 1024}'; }
want() { local s; for s in "${steps[@]}"; do [[ $s == "$1" ]] && return 0; done; return 1; }

# Import: fresh DB each run (hyperfine --prepare removes it); the DB of the last run is kept for matching.
time_import() {  # NAME RUNS DB ZIP...
  local name=$1 n=$2 db=$3
  shift 3
  hyperfine --style basic --runs "$n" --prepare "rm -f $db" --export-json "$out/import-$name.json" \
    -n "import $name" "$vigil db import --db $db -q $*" >&2
  read -r med sd cpu < <(median_of "$out/import-$name.json")
  local rss records
  rss=$(peak_rss_mib bash -c "rm -f $db && $vigil db import --db $db -q $*")
  records=$("$vigil" db info --db "$db" -f json | python3 -c "
import json,sys; d=json.load(sys.stdin); e=d.get('ecosystems', {})
print(sum(v['records'] for v in (e.values() if isinstance(e, dict) else e)))" 2>/dev/null || echo "?")
  echo "| $name | $records | $(du -m "$@" | awk '{s+=$1} END {print s}') | $med ± $sd | $cpu | $n | $(mib "$db") | $rss |" >>"$summary"
}

if want import || want synthetic; then
  { echo; echo "## Import (hyperfine median ± σ, fresh DB per run)"; echo
    echo "| input | records | zip MiB | median s | CPU s (user+sys, mean) | runs | DB MiB | peak RSS MiB |"
    echo "|---|---|---|---|---|---|---|---|"; } >>"$summary"
fi
if want import; then
  time_import shared-zips "$runs" "$work/shared.db" "${shared[@]}"
fi
if want synthetic; then
  for k in "${sizes[@]}"; do
    zip=$work/osv-synth-${k}k.zip
    [[ -s $zip ]] || python3 "$here/make-synthetic.py" --records $((k * 1000)) --out "$zip"
    n=$runs
    ((k < 250)) || n=$big_runs
    time_import "synthetic-${k}k" "$n" "$work/synth-${k}k.db" "$zip"
  done
fi

# Matching: the same purl list with and without the vuln scanner (the difference is open + match + the larger
# report), then match_inventory alone. Output goes to stdout (hyperfine discards it): never `-o /dev/null`.
match_against() {  # LABEL DB PREFIX
  local label=$1 db=$2 prefix=$3
  [[ -s $db ]] || { echo "missing $db: run the import/synthetic step first" >&2; return; }
  { echo; echo "## Matching against $label ($(mib "$db") MiB DB)"; echo
    echo "| purls | scan median s | --scanners none median s | difference ms | CPU difference ms | match_inventory ms, fresh connection (wall / CPU) | again ms | findings | lookups ms | lookups+evaluate ms | rows fetched |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"; } >>"$summary"
  for c in "${counts[@]}"; do
    local list=$prefix-$((c / 1000))k.txt json=$out/match-$label-$((c / 1000))k.json
    hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$json" \
      -n scan "$vigil scan purl $list --db $db -f json -q" \
      -n none "$vigil scan purl $list --db $db -f json -q --scanners none" >&2
    read -r scan none cpu_scan cpu_none < <(python3 -c "
import json,sys; r={x['command']: x for x in json.load(open(sys.argv[1]))['results']}
cpu = lambda x: x['user'] + x['system']
print(f\"{r['scan']['median']:.3f} {r['none']['median']:.3f} {cpu(r['scan']):.3f} {cpu(r['none']):.3f}\")" "$json")
    local mb="| | | | | |"
    if [[ -x $match_bench ]]; then
      "$match_bench" "$db" "$list" "$runs" >"$out/match_bench-$label-$((c / 1000))k.json"
      mb=$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
print(f\"| {d['match_ms']:.1f} / {d['match_cpu_ms']:.1f} | {d['match_again_ms']:.1f} | {d['findings']} | {d['lookup_ms']:.1f} | {d['evaluate_ms']:.1f} | {d['rows']} |\")" \
        "$out/match_bench-$label-$((c / 1000))k.json")
    fi
    echo "| $c | $scan | $none | $(python3 -c "print(f'{($scan - $none) * 1000:.0f}')") | $(python3 -c "print(f'{($cpu_scan - $cpu_none) * 1000:.0f}')") $mb" >>"$summary"
  done
}

lists() {  # PREFIX ZIP...: makes the purl lists that are missing
  local prefix=$1 c missing=()
  shift
  for c in "${counts[@]}"; do
    [[ -s $prefix-$((c / 1000))k.txt ]] || missing+=(--count "$c")
  done
  ((${#missing[@]} == 0)) || python3 "$here/make-purls.py" "${missing[@]}" --out-prefix "$prefix" "$@"
}

if want match || want match-synthetic || want match-shared; then
  [[ -x $match_bench ]] || echo "note: $match_bench not built (see the header of this script): match_inventory columns left empty" >&2
fi
if want match || want match-synthetic; then
  lists "$work/purls-synth-${match_db}k" "$work/osv-synth-${match_db}k.zip"
  match_against "synthetic-${match_db}k" "$work/synth-${match_db}k.db" "$work/purls-synth-${match_db}k"
fi
if want match || want match-shared; then
  lists "$work/purls-shared" "${shared[@]}"
  match_against shared-zips "$work/shared.db" "$work/purls-shared"
fi
cat "$summary"
