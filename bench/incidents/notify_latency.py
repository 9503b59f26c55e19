#!/usr/bin/python3
"""Notification latency of `vigil incidents serve`: from the POST that creates an incident to the webhook
notification arriving at a receiver on this machine (a new fingerprint and subject per event, one event per
request, at --rate per second, while a background load of --load-batch-events events per request of 50 known
fingerprints keeps the ingest path busy). Prints p50/p99/max in ms as one JSON object.

  notify_latency.py --vigil build/release/src/vigil --incidents 300 --rate 50
"""
import argparse
import http.server
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

arrived = {}  # incident title -> perf_counter at arrival
lock = threading.Lock()


class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        now = time.perf_counter()
        for n in json.loads(body)["notifications"]:
            with lock:
                arrived.setdefault(n["incident"]["title"], now)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def post(url, token, events):
    req = urllib.request.Request(url + "/api/v1/events", data=json.dumps(events).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        resp.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--incidents", type=int, default=300)
    ap.add_argument("--rate", type=float, default=50)
    ap.add_argument("--load-batch-events", type=int, default=500)
    a = ap.parse_args()
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    work = tempfile.mkdtemp(prefix="vigil-notify-bench-")
    config = os.path.join(work, "vigil.yaml")
    with open(config, "w") as f:
        f.write(f"notifiers:\n  - name: hook\n    type: webhook\n    url: http://127.0.0.1:{sink.server_address[1]}/\n"
                "routes:\n  - match: {source: [latency]}\n    notifiers: [hook]\n")
    db = f"sqlite:{work}/incidents.db"
    token = subprocess.run([a.vigil, "incidents", "token", "create", "--db", db, "--role", "ingest"],
                           capture_output=True, text=True, check=True).stdout.strip()
    server = subprocess.Popen([a.vigil, "incidents", "serve", "--listen", "127.0.0.1:0", "--db", db, "--config", config],
                              stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    url = "http://" + re.search(r"127\.0\.0\.1:\d+", line).group(0)
    stop = threading.Event()

    def background():
        i = 0
        while not stop.is_set():
            post(url, token, [{"source": "load", "rule": f"r{k % 50}", "severity": "low", "subject": f"s{k % 50}",
                               "title": "load"} for k in range(i, i + a.load_batch_events)])
            i += a.load_batch_events

    loader = threading.Thread(target=background, daemon=True)
    loader.start()
    sent = {}
    try:
        for n in range(a.incidents):
            title = f"latency-{n}"
            t0 = time.perf_counter()
            post(url, token, [{"source": "latency", "rule": "new", "severity": "high", "subject": f"subject-{n}",
                               "title": title}])
            sent[title] = t0
            time.sleep(max(0.0, 1.0 / a.rate - (time.perf_counter() - t0)))
        deadline = time.time() + 30
        while time.time() < deadline and len(arrived) < len(sent):
            time.sleep(0.05)
    finally:
        stop.set()
        loader.join(timeout=30)  # before the server goes: its last post must not meet a closed port
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted((arrived[t] - sent[t]) * 1000 for t in sent if t in arrived)
    missing = len(sent) - len(latencies)
    result = {"incidents": len(sent), "notified": len(latencies), "missing": missing,
              "p50_ms": round(statistics.median(latencies), 1),
              "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 1), "max_ms": round(latencies[-1], 1)}
    print(json.dumps(result))
    return 0 if missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
