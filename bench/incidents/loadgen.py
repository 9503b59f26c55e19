#!/usr/bin/python3
"""Load generator for the incidents service's ingest (and, for comparison, Alertmanager's /api/v2/alerts).

Pre-builds every request body first, so the generator's own cost is per request, not per event; then posts them
from --concurrency threads over keep-alive connections and reports events/s (wall time from the first request to
the last 2xx), request latency p50/p99 and how many requests were refused (429 and retried after Retry-After).
(run.sh then checks with a read token that N events of K fingerprints became exactly K incidents whose counts
sum to N.)

  loadgen.py vigil --url http://127.0.0.1:8080 --token T --events 200000 --fingerprints 50 --batch 500
  loadgen.py alertmanager --url http://127.0.0.1:9093 --events 200000 --fingerprints 50 --batch 500
Prints one JSON object on stdout.
"""
import argparse
import http.client
import json
import queue
import statistics
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timezone


def vigil_bodies(n, k, batch, run_id):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    bodies = []
    for start in range(0, n, batch):
        events = []
        for i in range(start, min(n, start + batch)):
            f = i % k
            events.append({"source": "bench", "rule": f"rule-{f % 7}", "severity": ["low", "medium", "high"][f % 3],
                           "subject": f"{run_id}:host-{f}:/usr/bin/app", "title": f"bench detection {f}",
                           "time": now, "labels": {"host": f"host-{f}", "run": run_id},
                           "details": {"seq": i, "pid": 1000 + i % 300}})
        bodies.append(json.dumps(events, separators=(",", ":")).encode())
    return bodies


def alertmanager_bodies(n, k, batch, run_id):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    bodies = []
    for start in range(0, n, batch):
        alerts = [{"labels": {"alertname": f"rule-{(i % k) % 7}", "subject": f"{run_id}:host-{i % k}:/usr/bin/app",
                              "severity": ["low", "medium", "high"][(i % k) % 3], "run": run_id},
                   "annotations": {"summary": f"bench detection {i % k}"}, "startsAt": now}
                  for i in range(start, min(n, start + batch))]
        bodies.append(json.dumps(alerts, separators=(",", ":")).encode())
    return bodies


def post_all(url, path, token, bodies, concurrency):
    parsed = urllib.parse.urlsplit(url)
    work = queue.Queue()
    for b in bodies:
        work.put(b)
    latencies, refused, errors = [], [0], []
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        while True:
            try:
                body = work.get_nowait()
            except queue.Empty:
                break
            while True:
                t0 = time.perf_counter()
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                except (OSError, http.client.HTTPException) as e:
                    conn.close()
                    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
                    with lock:
                        errors.append(str(e))
                    if len(errors) > 100:
                        return
                    continue
                dt = time.perf_counter() - t0
                if resp.status == 429:
                    with lock:
                        refused[0] += 1
                    time.sleep(float(resp.getheader("Retry-After", "1")))
                    continue
                if resp.status // 100 != 2:
                    with lock:
                        errors.append(f"HTTP {resp.status}")
                    break
                with lock:
                    latencies.append(dt)
                break
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, refused[0], errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("target", choices=["vigil", "alertmanager"])
    ap.add_argument("--url", required=True)
    ap.add_argument("--token", default="")
    ap.add_argument("--events", type=int, default=100000)
    ap.add_argument("--fingerprints", type=int, default=50)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--concurrency", type=int, default=4)
    a = ap.parse_args()
    run_id = f"run{time.time_ns()}"
    make = vigil_bodies if a.target == "vigil" else alertmanager_bodies
    bodies = make(a.events, a.fingerprints, a.batch, run_id)
    path = "/api/v1/events" if a.target == "vigil" else "/api/v2/alerts"
    wall, latencies, refused, errors = post_all(a.url, path, a.token, bodies, a.concurrency)
    latencies.sort()
    result = {"target": a.target, "events": a.events, "fingerprints": a.fingerprints, "batch": a.batch,
              "concurrency": a.concurrency, "seconds": round(wall, 3),
              "events_per_second": round(a.events / wall) if wall else None,
              "requests": len(latencies), "refused_429": refused, "errors": errors[:5],
              "request_p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
              "request_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 2) if latencies else None}
    print(json.dumps(result))
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
