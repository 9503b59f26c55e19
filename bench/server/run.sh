#!/usr/bin/env bash
# HTTP stack throughput: our server library (src/server, vigil_server over cpp-httplib 0.11) against Boost.Beast
# 1.74, both serving the same two routes (routes.hpp: GET /healthz, POST /api/v1/echo parsing a ~16 KiB events
# batch with simdjson), plus the real `vigil incidents serve` (GET /healthz and POST /api/v1/events with a token).
#   beast            bench/server/beast_server.cpp, one io_context run by one thread per core
#   vigil_server     bench/server/vigil_stack_server.cpp on src/server/http_server.cpp as it is, with the service's
#                    defaults (64 worker threads, 48 requests in flight)
#   httplib_defaults the same from a generated copy of http_server.cpp without our three socket settings
#                    (TCP_NODELAY, keep-alive max count, listen backlog), i.e. cpp-httplib's defaults, to show
#                    what they are worth (the source in src/ is not changed)
#   vigil serve      build/release/src/vigil incidents serve, SQLite in a fresh temp dir
# Each wrk run: -t2 -c64 -d${DURATION}s (throughput) or -t1 -c1 -d${LAT_DURATION}s (latency), keep-alive.
# RUNS rounds (default 3); inside a round every test runs against every server back to back, and the server order
# rotates each round, so all servers see the same background noise. wrk and the servers share the machine's cores.
# Reported: median requests/s, median p50/p99 latency, peak RSS (VmHWM at the end), listen-queue overflows (nstat),
# and the 1-minute load average before each round.
# Usage: bench/server/run.sh   (RUNS=3 DURATION=10 LAT_DURATION=5 VIGIL=path/to/vigil)
# Results: bench/work/server/results/{raw.jsonl,summary.md,summary.json}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/bench/work/server
out=$work/results
runs=${RUNS:-3}
duration=${DURATION:-10}
lat_duration=${LAT_DURATION:-5}
vigil_src=$(realpath -m "${VIGIL:-$root/build/release/src/vigil}")
log() { echo "== $*" >&2; }

# Prerequisites from Debian only; `apt-get update` only when the plain install fails (a stale package list).
need=()
[[ -f /usr/include/boost/beast/http.hpp ]] || need+=(libboost-dev)
command -v wrk >/dev/null || need+=(wrk)
pkg-config --exists simdjson || need+=(libsimdjson-dev)
pkg-config --exists cpp-httplib || need+=(libcpp-httplib-dev)
pkg-config --exists fmt || need+=(libfmt-dev)
[[ -f /usr/include/tl/expected.hpp ]] || need+=(libtl-expected-dev)
command -v nstat >/dev/null || need+=(iproute2)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt-get install -y "${need[@]}" >&2 || { apt-get update >&2 && apt-get install -y "${need[@]}" >&2; }
fi
[[ -x $vigil_src ]] || { echo "no vigil at $vigil_src: cmake --preset release && ninja -C build/release vigil" >&2; exit 2; }

mkdir -p "$work" "$out"
rm -f "$out"/*

# Builds: the same compiler flags for both stacks; our stack compiled from src/server directly (its only src/
# dependency is the header-only core/result.hpp), so no CMake build tree is needed.
cxx=(g++ -O2 -DNDEBUG -std=c++20 -pthread -I"$here" -I"$root/src")
read -ra simdjson_flags <<<"$(pkg-config --cflags --libs simdjson)"
read -ra httplib_flags <<<"$(pkg-config --cflags --libs simdjson cpp-httplib fmt)"
log "building beast_server"
"${cxx[@]}" "$here/beast_server.cpp" -o "$work/beast_server" "${simdjson_flags[@]}" &
build_ours() {  # NAME SOURCE
  log "building $1"
  "${cxx[@]}" "$here/vigil_stack_server.cpp" "$2" -o "$work/$1" "${httplib_flags[@]}" -lssl -lcrypto
}
# The what-if copy: our three socket-setting lines deleted; each must be found, or the script fails.
settings=('http->set_tcp_nodelay(true);' 'http->set_keep_alive_max_count(kKeepAliveMaxRequests);'
          'if (impl_->listen_fd >= 0) ::listen(impl_->listen_fd, SOMAXCONN);')
cp "$root/src/server/http_server.cpp" "$work/http_server_defaults.cpp"
for line in "${settings[@]}"; do
  grep -qF "$line" "$work/http_server_defaults.cpp" || { echo "not in http_server.cpp: $line" >&2; exit 1; }
  grep -vF "$line" "$work/http_server_defaults.cpp" >"$work/tmp.cpp" && mv "$work/tmp.cpp" "$work/http_server_defaults.cpp"
done
build_ours vigil_stack_server "$root/src/server/http_server.cpp" &
build_ours vigil_stack_defaults "$work/http_server_defaults.cpp" &
wait -n && wait -n && wait -n
# A private copy of vigil: other work may relink build/release while this runs.
cp "$vigil_src" "$work/vigil"

# Servers: started once, kept up through every round (so VmHWM is each one's peak over the whole bench).
declare -A pid port
servers=(beast vigil_server httplib_defaults serve)
cleanup() {
  for s in "${!pid[@]}"; do kill "${pid[$s]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
wait_port() {  # NAME FILE: waits up to 30 s for "127.0.0.1:PORT" in FILE
  for _ in $(seq 300); do
    if p=$(grep -oE '127\.0\.0\.1:[0-9]+' "$2" | head -1 | cut -d: -f2) && [[ -n $p ]]; then
      port[$1]=$p
      return 0
    fi
    sleep 0.1
  done
  echo "$1 did not start: $(cat "$2")" >&2
  exit 1
}
start() {  # NAME COMMAND...
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  pid[$name]=$!
  wait_port "$name" "$work/$name.log"
}
cores=$(nproc)
start beast "$work/beast_server" "$cores"
start vigil_server "$work/vigil_stack_server" 64 48
start httplib_defaults "$work/vigil_stack_defaults" 64 48
db=$(mktemp -d)
token=$("$work/vigil" incidents token create --db "sqlite:$db/incidents.db" --role ingest --name bench)
start serve "$work/vigil" incidents serve --listen 127.0.0.1:0 --db "sqlite:$db/incidents.db"

# Tests: name, path kind, wrk options. The real service takes GET /healthz and a POST of the same batch to
# /api/v1/events (with the ingest token); the bench servers take the POST on /api/v1/echo.
tests=(get_c64 post_c64 get_c1 post_c1)
run_wrk() {  # ROUND SERVER TEST
  local round=$1 server=$2 test=$3 url path conns threads secs post=0 auth=""
  case $test in
    get_*) path=/healthz ;;
    post_*) post=1 path=/api/v1/echo ;;
  esac
  if [[ $server == serve && $post == 1 ]]; then path=/api/v1/events auth=$token; fi
  case $test in
    *_c64) conns=64 threads=2 secs=$duration ;;
    *_c1) conns=1 threads=1 secs=$lat_duration ;;
  esac
  url="http://127.0.0.1:${port[$server]}$path"
  nstat -n >/dev/null 2>&1 || true  # resets nstat's history: the next nstat prints this run's deltas
  local line
  line=$(BENCH_POST=$post BENCH_TOKEN=$auth wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 5s -s "$here/wrk.lua" "$url" |
    sed -n 's/^RESULT //p')
  local overflows
  overflows=$(nstat -z TcpExtListenOverflows 2>/dev/null | awk '/ListenOverflows/ {print $2}')
  echo "{\"round\":$round,\"server\":\"$server\",\"test\":\"$test\",\"listen_overflows\":${overflows:-0},\"load1\":$(cut -d' ' -f1 /proc/loadavg),\"wrk\":$line}" >>"$out/raw.jsonl"
  log "round $round $server $test: $(echo "$line" | cut -c1-110)"
}
: >"$out/raw.jsonl"
: >"$out/load.txt"
for round in $(seq "$runs"); do
  echo "round $round start $(date -u +%H:%M:%S) loadavg $(cat /proc/loadavg)" >>"$out/load.txt"
  # rotate the server order by one each round, so no server always runs first or last after another
  order=("${servers[@]:$(((round - 1) % ${#servers[@]}))}" "${servers[@]:0:$(((round - 1) % ${#servers[@]}))}")
  for test in "${tests[@]}"; do
    for server in "${order[@]}"; do
      # the real service runs the GETs and the c64 POST (its c1 POST is a durable write, not an HTTP-stack cost)
      [[ $server == serve && $test == post_c1 ]] && continue
      run_wrk "$round" "$server" "$test"
    done
  done
done
echo "end $(date -u +%H:%M:%S) loadavg $(cat /proc/loadavg)" >>"$out/load.txt"
rss=$(for s in "${servers[@]}"; do echo "$s $(awk '/VmHWM/ {print $2}' "/proc/${pid[$s]}/status")"; done)
echo "$rss" >"$out/rss.txt"
cleanup
trap - EXIT
rm -rf "$db"

python3 - "$out" "$runs" "$duration" "$lat_duration" "$cores" <<'PY'
import json, statistics, sys
out, runs, duration, lat, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
rows = [json.loads(l) for l in open(f"{out}/raw.jsonl")]
rss = dict(l.split() for l in open(f"{out}/rss.txt") if l.strip())
labels = {"beast": "Boost.Beast 1.74", "vigil_server": "vigil_server (as shipped)",
          "httplib_defaults": "vigil_server with cpp-httplib's socket defaults", "serve": "vigil incidents serve (real)"}
summary = {}
for r in rows:
    summary.setdefault((r["server"], r["test"]), []).append(r)
med = lambda xs: statistics.median(xs)
res = {}
lines = ["| server | test | req/s (median) | p50 ms | p99 ms | events/s | non-2xx | socket errors | listen overflows |",
         "|---|---|---|---|---|---|---|---|---|"]
for (server, test), rs in summary.items():
    w = [r["wrk"] for r in rs]
    rps = med([x["rps"] for x in w])
    ev = rps * w[0]["batch_events"] if w[0]["batch_events"] else None
    errs = sum(x["connect_errors"] + x["read_errors"] + x["write_errors"] + x["timeouts"] for x in w)
    entry = {"rps_median": rps, "rps_all": [x["rps"] for x in w], "p50_ms": med([x["p50_us"] for x in w]) / 1000,
             "p99_ms": med([x["p99_us"] for x in w]) / 1000, "events_per_s": ev,
             "non_2xx": sum(x["non_2xx"] for x in w), "socket_errors": errs,
             "listen_overflows": sum(r["listen_overflows"] for r in rs), "batch_events": w[0]["batch_events"],
             "body_bytes": w[0]["body_bytes"]}
    res[f"{server}/{test}"] = entry
    lines.append(f"| {labels[server]} | {test} | {rps:,.0f} | {entry['p50_ms']:.2f} | {entry['p99_ms']:.2f} | "
                 f"{'' if ev is None else f'{ev:,.0f}'} | {entry['non_2xx']} | {errs} | {entry['listen_overflows']} |")
lines.append("")
lines.append("| server | peak RSS MiB |")
lines.append("|---|---|")
for s, kb in rss.items():
    lines.append(f"| {labels[s]} | {int(kb) / 1024:.1f} |")
open(f"{out}/summary.md", "w").write("\n".join(lines) + "\n")
json.dump({"runs": runs, "duration_s": duration, "latency_duration_s": lat, "cores": cores, "results": res,
           "peak_rss_kib": rss}, open(f"{out}/summary.json", "w"), indent=1)
print("\n".join(lines))
PY
cat "$out/load.txt"
