#!/usr/bin/env bash
# The incidents service's ingest rate, on this machine, in one run, beside Alertmanager taking the same load:
#   vigil         `vigil incidents serve` (release build, SQLite in a fresh temp dir) takes EVENTS events of
#                 FINGERPRINTS distinct fingerprints in batches of BATCH from 4 client threads (loadgen.py), RUNS
#                 times, each run into a fresh database; afterwards the service must hold exactly FINGERPRINTS
#                 incidents whose counts sum to EVENTS (dedup checked, not assumed);
#   alertmanager  prometheus-alertmanager 0.25 (Debian) takes the same alerts on /api/v2/alerts (its own dedup by
#                 label set; in memory, no durable store, so a lower bound on what a durable store could do).
#   notify        notification latency (notify_latency.py): POST creating an incident -> webhook arrival, 300
#                 incidents at 50/s beside a background ingest load, RUNS times.
# Medians of RUNS runs; the ratio is vigil events/s over alertmanager events/s.
# Prerequisites: apt-get install -y prometheus-alertmanager; cmake --preset release && ninja -C build/release vigil.
# Usage: bench/incidents/run.sh   (RUNS=5 EVENTS=200000 FINGERPRINTS=50 BATCH=500 VIGIL=path/to/vigil)
# Results: bench/work/incidents/results/{summary.json,vigil.N.json,alertmanager.N.json,notify.N.json}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/bench/work/incidents
out=$work/results
vigil=$(realpath -m "${VIGIL:-$root/build/release/src/vigil}")
runs=${RUNS:-5}
events=${EVENTS:-200000}
fingerprints=${FINGERPRINTS:-50}
batch=${BATCH:-500}
log() { echo "== $*" >&2; }

[[ -x $vigil ]] || { echo "no vigil at $vigil: cmake --preset release && ninja -C build/release vigil" >&2; exit 2; }
command -v prometheus-alertmanager >/dev/null || { echo "apt-get install -y prometheus-alertmanager" >&2; exit 2; }
mkdir -p "$work" "$out"
rm -f "$out"/*

server_pid=
stop_server() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=; }
trap stop_server EXIT
# Waits for a line matching a pattern in a file (the server's start line), up to 30 s.
wait_for() {
  for _ in $(seq 300); do grep -qE "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1
}

for run in $(seq "$runs"); do
  db=$(mktemp -d "$work/db.XXXX")
  token=$("$vigil" incidents token create --db "sqlite:$db/incidents.db" --role ingest --name bench)
  read_token=$("$vigil" incidents token create --db "sqlite:$db/incidents.db" --role read --name bench-read)
  "$vigil" incidents serve --listen 127.0.0.1:0 --db "sqlite:$db/incidents.db" 2>"$work/serve.err" &
  server_pid=$!
  wait_for "$work/serve.err" 'listening on'
  port=$(grep -oE '127\.0\.0\.1:[0-9]+' "$work/serve.err" | head -1 | cut -d: -f2)
  log "vigil run $run (port $port)"
  # ingest token for the posts; the verify step reads with the read token
  python3 "$here/loadgen.py" vigil --url "http://127.0.0.1:$port" --token "$token" --events "$events" \
    --fingerprints "$fingerprints" --batch "$batch" >"$out/vigil.$run.json"
  python3 - "$out/vigil.$run.json" "$port" "$read_token" "$events" "$fingerprints" <<'PY'
import json, sys, urllib.request
path, port, token, n, k = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
r = json.load(open(path))
incidents, before = [], None
while True:
    url = f"http://127.0.0.1:{port}/api/v1/incidents?source=bench&limit=500" + (f"&before={before}" if before else "")
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    page = json.load(urllib.request.urlopen(req))
    incidents += page["incidents"]
    before = page.get("next")
    if not before:
        break
total = sum(i["count"] for i in incidents)
r["verify"] = {"incidents": len(incidents), "count_sum": total, "ok": len(incidents) == k and total == n}
json.dump(r, open(path, "w"))
if not r["verify"]["ok"]:
    sys.exit(f"dedup check failed: {r['verify']}")
PY
  stop_server
  rm -rf "$db"
done

am_dir=$(mktemp -d "$work/am.XXXX")
cat >"$am_dir/am.yml" <<'YAML'
route: {receiver: none, group_by: [alertname, subject], group_wait: 30s}
receivers: [{name: none}]
YAML
for run in $(seq "$runs"); do
  port=$((19093 + run))
  rm -rf "$am_dir/data"
  prometheus-alertmanager --config.file="$am_dir/am.yml" --storage.path="$am_dir/data" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address= 2>"$work/am.err" &
  server_pid=$!
  wait_for "$work/am.err" 'Listening'
  log "alertmanager run $run"
  python3 "$here/loadgen.py" alertmanager --url "http://127.0.0.1:$port" --events "$events" \
    --fingerprints "$fingerprints" --batch "$batch" >"$out/alertmanager.$run.json"
  stop_server
done
rm -rf "$am_dir"

for run in $(seq "$runs"); do
  log "notification latency run $run"
  python3 "$here/notify_latency.py" --vigil "$vigil" --incidents 300 --rate 50 >"$out/notify.$run.json"
done

python3 - "$out" "$runs" <<'PY'
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
def med(target, key):
    return statistics.median(json.load(open(f"{out}/{target}.{i}.json"))[key] for i in range(1, runs + 1))
s = {t: {"events_per_second": med(t, "events_per_second"), "request_p50_ms": med(t, "request_p50_ms"),
         "request_p99_ms": med(t, "request_p99_ms")} for t in ("vigil", "alertmanager")}
s["notify"] = {k: med("notify", k) for k in ("p50_ms", "p99_ms", "max_ms")}
s["ratio_vigil_over_alertmanager"] = round(s["vigil"]["events_per_second"] / s["alertmanager"]["events_per_second"], 2)
json.dump(s, open(f"{out}/summary.json", "w"), indent=1)
print(json.dumps(s, indent=1))
PY
