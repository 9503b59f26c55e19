#!/usr/bin/python3
"""End-to-end tests of `vigil incidents tail`: a baseline access log, a generated flood from one address appended
in real time (with a rotation by rename in the middle), the flood detected and resolved, nothing for normal
traffic; then the same flood sent to a real `vigil incidents serve` where it opens (and resolves) an incident, on
SQLite and on PostgreSQL."""
import json
import os
import queue
import signal
import subprocess
import sys
import shutil
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from postgres import OnPostgres  # noqa: E402
from vigil_e2e import VIGIL  # noqa: E402
from test_incidents_api import IncidentsServer, OnSqlite  # noqa: E402

FLOODER = "203.0.113.66"
NORMAL = [f"192.0.2.{i}" for i in range(10, 20)]
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def clf_time(t):
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t))


def line(source, t, path="/", status=200, size=512):
    return f'{source} - - [{clf_time(t)}] "GET {path} HTTP/1.1" {status} {size} "-" "{AGENT}"\n'


def baseline_log(path, seconds=60):
    """Ten clients at about 2 requests/s each over the last `seconds` seconds."""
    now = time.time()
    with open(path, "w", encoding="utf-8") as f:
        for k in range(seconds * 2):
            t = now - seconds + k / 2
            for s in NORMAL:
                f.write(line(s, t, f"/products/{k % 37}"))


class Tail:
    """A running `vigil incidents tail`; stdout lines are collected by a thread (events as parsed JSON)."""

    def __init__(self, args):
        self.proc = subprocess.Popen([VIGIL, "incidents", "tail", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.events = queue.Queue()
        self.seen = []
        self.stderr = ""
        threading.Thread(target=self._read, daemon=True).start()
        self.first_stderr = self.proc.stderr.readline()

    def _read(self):
        for text in self.proc.stdout:
            self.events.put(json.loads(text))

    def wait_for(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                e = self.events.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(e)
            if predicate(e):
                return e
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            _, self.stderr = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, self.stderr = self.proc.communicate()
        while not self.events.empty():
            self.seen.append(self.events.get())
        return self.proc.returncode


def write_traffic(log, seconds, flood_rps=0, rotate_at=None):
    """Appends normal traffic (and a flood from FLOODER) in real time, 10 slices a second; rotates the log by
    rename (access.log -> access.log.1, a new access.log) rotate_at seconds in."""
    start = time.time()
    rotated = False
    f = open(log, "a", encoding="utf-8")
    slice_no = 0
    while time.time() - start < seconds:
        now = time.time()
        if rotate_at is not None and not rotated and now - start >= rotate_at:
            f.close()
            os.rename(log, log + ".1")
            f = open(log, "a", encoding="utf-8")
            rotated = True
        chunk = [line(NORMAL[slice_no % len(NORMAL)], now, "/cart")] if slice_no % 2 == 0 else []
        chunk += [line(FLOODER, now, "/login", 401, 98) for _ in range(flood_rps // 10)]
        f.write("".join(chunk))
        f.flush()
        slice_no += 1
        time.sleep(max(0, start + slice_no / 10 - time.time()))
    f.close()


class TailCase(unittest.TestCase):
    """A baseline access log in a temporary directory; start_tail follows it."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-tail-e2e-")
        self.log = os.path.join(self.dir, "access.log")
        baseline_log(self.log)
        self.tails = []

    def tearDown(self):
        for t in self.tails:
            t.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start_tail(self, *extra):
        tail = Tail([self.log, "--format", "nginx", "--from-start", "--clear-after", "3", *extra])
        self.tails.append(tail)
        self.assertIn("vigil incidents tail: following", tail.first_stderr)
        return tail


class TailTest(TailCase):
    def test_flood_with_rotation_is_detected_and_resolved(self):
        tail = self.start_tail("--print")
        write_traffic(self.log, 1)
        self.assertIsNone(tail.wait_for(lambda e: True, 0.5), "baseline traffic is not a flood")
        write_traffic(self.log, 4, flood_rps=400, rotate_at=2)
        fired = tail.wait_for(lambda e: e["state"] == "firing", 10)
        self.assertIsNotNone(fired, tail.seen)
        self.assertEqual(fired["source"], "vigil-flood")
        self.assertEqual(fired["rule"], "flood-from-source")
        self.assertEqual(fired["subject"], FLOODER)
        self.assertIn(fired["severity"], ("high", "critical"))
        self.assertGreater(float(fired["labels"]["rate"]), 100)
        self.assertLess(float(fired["labels"]["baseline"]), 10)
        write_traffic(self.log, 2)  # normal traffic goes on after the flood
        resolved = tail.wait_for(lambda e: e["state"] == "resolved", 15)
        self.assertIsNotNone(resolved, tail.seen)
        self.assertEqual(resolved["subject"], FLOODER)
        self.assertEqual(resolved["fingerprint"], fired["fingerprint"])
        self.assertEqual(tail.stop(), 0, tail.stderr)
        self.assertEqual({e["subject"] for e in tail.seen}, {FLOODER}, tail.seen)
        self.assertIn("1 rotations", tail.stderr)
        self.assertIn("floods opened 1, ended 1", tail.stderr)
        self.assertIn(" 0 malformed", tail.stderr)

    def test_bad_format_and_missing_file_are_errors(self):
        proc = subprocess.run([VIGIL, "incidents", "tail", self.log, "--format", "iis"], capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("expected nginx, apache or json", proc.stderr)
        proc = subprocess.run([VIGIL, "incidents", "tail", os.path.join(self.dir, "none.log"), "--once"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("cannot open", proc.stderr)

    def test_once_reads_a_log_and_exits(self):
        with open(self.log, "a", encoding="utf-8") as f:
            t = time.time()
            for k in range(3000):
                f.write(line(FLOODER, t + k / 300, "/login"))  # 300 requests/s for 10 s
            f.write("garbage\n")
        proc = subprocess.run([VIGIL, "incidents", "tail", self.log, "--from-start", "--once"], capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        events = [json.loads(x) for x in proc.stdout.splitlines()]
        self.assertEqual([(e["subject"], e["state"]) for e in events], [(FLOODER, "firing")], events)
        self.assertIn("1 malformed", proc.stderr)

    def test_apache_and_json_lines(self):
        t0 = time.time() - 120
        apache = os.path.join(self.dir, "apache.log")
        jsonl = os.path.join(self.dir, "app.jsonl")
        with open(apache, "w", encoding="utf-8") as a, open(jsonl, "w", encoding="utf-8") as j:
            for k in range(60 * 4):  # a minute of normal traffic, then 10 s of 300 requests/s from one client
                t = t0 + k / 4
                a.write(f'{NORMAL[k % 10]} - - [{clf_time(t)}] "GET /a\\"b HTTP/1.0" 200 -\n')
                j.write(json.dumps({"time": round(t, 3), "remote_addr": NORMAL[k % 10], "request": "GET / HTTP/1.1",
                                    "status": "200", "body_bytes_sent": "12"}) + "\n")
            for k in range(3000):
                t = t0 + 60 + k / 300
                a.write(f'{FLOODER} - - [{clf_time(t)}] "POST /login HTTP/1.1" 401 98 "-" "{AGENT}"\n')
                j.write(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + "Z",
                                    "client": FLOODER, "method": "POST", "uri": "/login", "status": 401}) + "\n")
            for k in range(15 * 4):  # normal traffic goes on for longer than clear_after: the flood ends in the log
                t = t0 + 70 + k / 4
                a.write(f'{NORMAL[k % 10]} - - [{clf_time(t)}] "GET / HTTP/1.1" 200 512\n')
                j.write(json.dumps({"timestamp": str(round(t, 3)), "source": NORMAL[k % 10], "status": 200}) + "\n")
        for path, fmt in ((apache, "apache"), (jsonl, "json")):
            proc = subprocess.run([VIGIL, "incidents", "tail", path, "--format", fmt, "--from-start", "--once"],
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            events = [json.loads(x) for x in proc.stdout.splitlines()]
            self.assertEqual([(e["subject"], e["state"]) for e in events], [(FLOODER, "firing"), (FLOODER, "resolved")],
                             (fmt, events))
            self.assertIn("3300 lines read", proc.stderr)
            self.assertIn(" 0 malformed", proc.stderr)


class TailToServiceTest(OnSqlite, TailCase):
    def test_flood_opens_and_resolves_an_incident_in_the_service(self):
        server = IncidentsServer(self.dir, db=self.database())
        token = server.token("ingest", "flood-tail")
        reader = server.token("read", "test")
        server.start()
        try:
            tail = self.start_tail("--incidents", server.url + "/api/v1/events", "--token", token)
            write_traffic(self.log, 3, flood_rps=300)
            write_traffic(self.log, 1)
            deadline = time.monotonic() + 20
            incidents = []
            while time.monotonic() < deadline:
                status, _, doc = server.request("GET", "/api/v1/incidents", token=reader)
                self.assertEqual(status, 200, doc)
                incidents = doc["incidents"] if isinstance(doc, dict) else doc
                if any(i["status"] == "resolved" for i in incidents):
                    break
                time.sleep(0.2)
            self.assertEqual(tail.stop(), 0, tail.stderr)
            self.assertEqual(len(incidents), 1, incidents)
            self.assertEqual(incidents[0]["subject"], FLOODER)
            self.assertEqual(incidents[0]["rule"], "flood-from-source")
            self.assertEqual(incidents[0]["status"], "resolved")
            self.assertIn("events delivered, 0 dropped", tail.stderr)
            self.assertEqual(tail.seen, [], "without --print nothing goes to stdout")
        finally:
            server.stop()


class TailToServicePostgresTest(OnPostgres, TailToServiceTest):
    pass


if __name__ == "__main__":
    unittest.main()
