#!/usr/bin/env bash
# Log follower throughput (issue 8: >= 500k lines/s parse + detect on one core), on this machine, one run:
#   follow_bench  our LogFollower + parse_access_view + FloodDetector (Release, -O2), built here from the sources
#                 with g++ (no CMake target needed): lines/s over the whole file, polling the detector per block;
#   vigil         `vigil incidents tail FILE --from-start --once` of a release build, when VIGIL points at one
#                 that has the command (the CLI around the same loop: wall time of the process);
#   wc -l         floor reference: only counts newlines (memchr over the page cache);
#   awk           floor reference of a minimal "parse": splits fields and counts requests per client
#                 (nginx: `awk '{n[$1]++}'`; JSON: the text after "remote_addr":"; mawk or gawk as installed) —
#                 no time parsing, no validation, no windows.
# Same file, page cache warm (read once first); medians of RUNS runs. Files: gen_access_log.py (2M nginx
# "combined" lines, 5000 clients, one 20 s flood; and 1M JSON lines).
# Usage: bench/incidents/tail/run.sh   (RUNS=3 LINES=2000000 VIGIL=build/release/src/vigil)
# Results: bench/work/incidents-tail/summary.json
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$root/bench/work/incidents-tail
runs=${RUNS:-3}
lines=${LINES:-2000000}
vigil=${VIGIL:-$root/build/release/src/vigil}
mkdir -p "$work"
log() { echo "== $*" >&2; }

if [[ ! -s $work/access.log ]]; then
  log "generating $lines nginx lines"; python3 "$here/gen_access_log.py" --lines "$lines" --out "$work/access.log"
fi
if [[ ! -s $work/access.jsonl ]]; then
  log "generating $((lines / 2)) JSON lines"
  python3 "$here/gen_access_log.py" --lines $((lines / 2)) --format json --out "$work/access.jsonl"
fi
log "building follow_bench (g++ -O2)"
g++ -std=c++20 -O2 -DNDEBUG -I"$root/src" -o "$work/follow_bench" "$here/follow_bench.cpp" \
  "$root"/src/incidents/flood/{access_log,detector,follower}.cpp "$root"/src/incidents/{event_json,model}.cpp \
  "$root/src/core/sha256.cpp" -lsimdjson -lfmt -lcrypto

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# lines/s of a command over a file: wall time of the whole process.
rate() {
  local file=$1; shift
  local n t0 t1; n=$(wc -l <"$file")
  for _ in $(seq "$runs"); do
    t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
    awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f\n", n / (b - a)}'
  done | median
}

summary="{"
for kind in nginx json; do
  file=$work/access.log; [[ $kind == json ]] && file=$work/access.jsonl
  cat "$file" >/dev/null
  fb=$(for _ in $(seq "$runs"); do "$work/follow_bench" "$file" "$kind" 2>"$work/$kind.events"; done |
       python3 -c 'import json,sys; r=[json.loads(l) for l in sys.stdin]; print(sorted(x["lines_per_s"] for x in r)[len(r)//2])')
  log "$kind follow_bench: $fb lines/s"
  wc_rate=$(rate "$file" wc -l "$file")
  if [[ $kind == nginx ]]; then
    awk_rate=$(rate "$file" awk '{n[$1]++} END {print length(n)}' "$file")
  else  # the client address is the text after "remote_addr":" up to the next quote
    awk_rate=$(rate "$file" awk -F'"remote_addr":"' '{split($2, a, "\""); n[a[1]]++} END {print length(n)}' "$file")
  fi
  log "$kind wc -l: $wc_rate lines/s; awk: $awk_rate lines/s"
  vigil_rate=null
  if [[ -x $vigil ]] && "$vigil" incidents tail --help >/dev/null 2>&1; then
    vigil_rate=$(rate "$file" "$vigil" incidents tail "$file" --format "$kind" --from-start --once \
      --total-capacity 10000)
    log "$kind vigil incidents tail --once: $vigil_rate lines/s"
  fi
  summary+="\"$kind\": {\"follow_bench\": $fb, \"vigil_tail_once\": $vigil_rate, \"wc_l\": $wc_rate, \"awk\": $awk_rate},"
done
summary="${summary%,}, \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\", \"nproc\": $(nproc)}"
echo "$summary" | python3 -m json.tool | tee "$work/summary.json"
