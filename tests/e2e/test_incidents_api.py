#!/usr/bin/python3
"""End-to-end tests of the incidents HTTP API: `vigil incidents serve` on an ephemeral loopback port, tokens made
with `vigil incidents token create`, requests with urllib. Every test class runs twice: on a SQLite database in a
temporary directory and (its *PostgresTest twin) on a throw-away PostgreSQL cluster (tests/support/postgres.py).
IncidentsServer is shared with test_incidents_cli.py."""
import datetime
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from postgres import OnPostgres  # noqa: E402
from vigil_e2e import VIGIL, errors_text, validator_for  # noqa: E402

SCHEMA = os.path.join(os.environ.get("VIGIL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                      "docs", "schemas", "incident.schema.json")


class IncidentsServer:
    """A `vigil incidents serve` process; start() waits for its "listening on" line and parses the port."""

    def __init__(self, workdir, extra_args=(), db=None):
        self.workdir = workdir
        self.db = db or "sqlite:" + os.path.join(workdir, "incidents.db")
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        self.log_path = os.path.join(workdir, "serve.log")

    def token(self, role, name=None):
        args = [VIGIL, "incidents", "token", "create", "--db", self.db, "--role", role]
        if name:
            args += ["--name", name]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)
        return proc.stdout.strip()

    def start(self):
        log = open(self.log_path, "a", encoding="utf-8")
        offset = log.tell()  # a restart appends: only this run's "listening" line counts
        self.proc = subprocess.Popen([VIGIL, "incidents", "serve", "--listen", "127.0.0.1:0", "--db", self.db,
                                      *self.extra_args], stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(self.log_path, encoding="utf-8") as f:
                f.seek(offset)
                found = re.findall(r"listening on http://127\.0\.0\.1:(\d+) \(", f.read())
            if found:
                self.port = int(found[-1])
                return self
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited {self.proc.returncode}: {self.log()}")
            time.sleep(0.05)
        raise AssertionError(f"serve did not start: {self.log()}")

    def log(self):
        with open(self.log_path, encoding="utf-8") as f:
            return f.read()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        """SIGTERM and wait: the graceful path; returns the exit code."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def request(self, method, path, token=None, body=None, raw=None):
        """(status, headers, parsed JSON or text); never raises on HTTP statuses."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, headers, payload = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, headers, payload = e.code, e.headers, e.read()
        text = payload.decode()
        if headers.get("Content-Type", "").startswith("application/json"):
            return status, headers, json.loads(text)
        return status, headers, text


def event(i, fingerprints=50, severity=None):
    k = i % fingerprints
    return {"source": "vigil-watch", "rule": f"rule-{k % 5}", "severity": severity or ["low", "medium", "high"][i % 3],
            "subject": f"host-{k}:/usr/bin/tool-{k}", "title": f"Detection {k}", "labels": {"host": f"host-{k}"}}


class OnSqlite:
    """The default back end: IncidentsServer's SQLite file in the test's directory (OnPostgres replaces it)."""
    backend = "sqlite"

    @classmethod
    def database(cls):
        return None


class ServerTest(OnSqlite, unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-incidents-e2e-")
        self.server = IncidentsServer(self.dir, db=self.database())
        self.admin = self.server.token("admin", "alice")
        self.read = self.server.token("read", "dashboard")
        self.ingest = self.server.token("ingest", "ci")
        self.server.start()

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def incidents(self, query="limit=1000"):
        status, _, doc = self.server.request("GET", f"/api/v1/incidents?{query}", self.read)
        self.assertEqual(status, 200, doc)
        return doc


class IngestTest(ServerTest):
    def test_10000_events_of_50_fingerprints_become_50_incidents(self):
        events = [event(i) for i in range(10000)]
        batches = [events[i:i + 1000] for i in range(0, len(events), 1000)]
        results = []

        def post(batch):
            results.append(self.server.request("POST", "/api/v1/events", self.ingest, batch))

        threads = [threading.Thread(target=post, args=(b,)) for b in batches]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([r[0] for r in results], [202] * 10)
        self.assertEqual(sum(r[2]["accepted"] for r in results), 10000)
        doc = self.incidents()
        self.assertEqual(len(doc["incidents"]), 50)
        self.assertIsNone(doc["next"])
        self.assertEqual(sorted(i["count"] for i in doc["incidents"]), [200] * 50)
        self.assertEqual({i["severity"] for i in doc["incidents"]}, {"high"}, "the worst event's severity")
        self.assertEqual({i["status"] for i in doc["incidents"]}, {"open"})
        one = next(i for i in doc["incidents"] if i["subject"] == "host-7:/usr/bin/tool-7")
        self.assertEqual((one["title"], one["rule"], one["labels"]), ("Detection 7", "rule-2", {"host": "host-7"}))
        # Paging: 20 per page, "next" is the last id shown.
        page = self.incidents("limit=20")
        self.assertEqual(len(page["incidents"]), 20)
        self.assertEqual(page["next"], page["incidents"][-1]["id"])
        rest = self.incidents(f"limit=1000&before={page['next']}")
        self.assertEqual(len(rest["incidents"]), 30)

    def test_bad_json_is_400_naming_the_problem(self):
        status, _, doc = self.server.request("POST", "/api/v1/events", self.ingest, raw=b'[{"source": "x",')
        self.assertEqual(status, 400)
        self.assertTrue(doc["error"])
        bad = [event(0), {k: v for k, v in event(1).items() if k != "severity"}]
        status, _, doc = self.server.request("POST", "/api/v1/events", self.ingest, bad)
        self.assertEqual(status, 400)
        self.assertIn("severity", doc["error"])
        self.assertIn("1", doc["error"], "the index of the bad event")
        status, _, doc = self.server.request("POST", "/api/v1/events", self.ingest, [dict(event(0), severity="huge")])
        self.assertEqual(status, 400)
        self.assertIn("severity", doc["error"])
        self.assertEqual(self.incidents()["incidents"], [], "a rejected batch writes nothing")

    def test_filters(self):
        batch = [event(0, severity="critical"), event(1, severity="low"),
                 dict(event(2, severity="high"), source="vigil-scan")]
        self.assertEqual(self.server.request("POST", "/api/v1/events", self.ingest, batch)[0], 202)
        self.assertEqual(len(self.incidents("severity=high")["incidents"]), 2)
        self.assertEqual([i["source"] for i in self.incidents("source=vigil-scan")["incidents"]], ["vigil-scan"])
        self.assertEqual(len(self.incidents("status=open")["incidents"]), 3)
        self.assertEqual(self.incidents("status=resolved")["incidents"], [])
        status, _, doc = self.server.request("GET", "/api/v1/incidents?status=closed", self.read)
        self.assertEqual(status, 400)
        self.assertIn("status", doc["error"])


class AuthTest(ServerTest):
    def test_missing_invalid_and_insufficient_tokens(self):
        status, headers, doc = self.server.request("POST", "/api/v1/events", None, [event(0)])
        self.assertEqual(status, 401)
        self.assertTrue(headers["WWW-Authenticate"].startswith("Bearer"))
        forged = self.ingest[:-4] + ("AAAA" if not self.ingest.endswith("AAAA") else "BBBB")
        self.assertEqual(self.server.request("POST", "/api/v1/events", forged, [event(0)])[0], 401)
        self.assertEqual(self.server.request("POST", "/api/v1/events", "garbage", [event(0)])[0], 401)
        self.assertEqual(self.server.request("GET", "/api/v1/incidents", self.ingest)[0], 403)
        self.assertEqual(self.server.request("GET", "/api/v1/incidents", None)[0], 401)
        self.assertEqual(self.server.request("POST", "/api/v1/events", self.ingest, [event(0)])[0], 202)
        iid = self.incidents()["incidents"][0]["id"]
        status, _, doc = self.server.request("PATCH", f"/api/v1/incidents/{iid}", self.read, {"status": "resolved"})
        self.assertEqual(status, 403)
        self.assertIn("admin", doc["error"])
        self.assertEqual(self.server.request("POST", f"/api/v1/incidents/{iid}/comments", self.read,
                                             {"text": "x"})[0], 403)
        self.assertNotIn(self.ingest, self.server.log(), "tokens are never logged")


class LifecycleTest(ServerTest):
    def test_patch_and_comments(self):
        self.assertEqual(self.server.request("POST", "/api/v1/events", self.ingest, [event(3)])[0], 202)
        iid = self.incidents()["incidents"][0]["id"]
        status, _, doc = self.server.request("PATCH", f"/api/v1/incidents/{iid}", self.admin,
                                             {"status": "acknowledged", "assignee": "bob"})
        self.assertEqual(status, 200, doc)
        self.assertEqual((doc["status"], doc["assignee"]), ("acknowledged", "bob"))
        status, _, doc = self.server.request("POST", f"/api/v1/incidents/{iid}/comments", self.admin,
                                             {"text": "rotating the key"})
        self.assertEqual(status, 201, doc)
        status, _, doc = self.server.request("PATCH", f"/api/v1/incidents/{iid}", self.admin, {"status": "resolved"})
        self.assertEqual((status, doc["status"]), (200, "resolved"))
        self.assertIsNotNone(doc["resolved_at"])
        status, _, doc = self.server.request("PATCH", f"/api/v1/incidents/{iid}", self.admin,
                                             {"status": "acknowledged"})
        self.assertEqual(status, 409, "acknowledging a resolved incident is refused")
        status, _, detail = self.server.request("GET", f"/api/v1/incidents/{iid}", self.read)
        self.assertEqual(status, 200)
        kinds = [(t["kind"], t["actor"], t["text"]) for t in detail["timeline"]]
        self.assertEqual(kinds[0][0], "created")
        self.assertIn(("acknowledged", "alice", ""), [(k, a, "") for k, a, _ in kinds])
        self.assertIn(("assigned", "alice", "bob"), kinds)
        self.assertIn(("commented", "alice", "rotating the key"), kinds)
        self.assertEqual(kinds[-1][:2], ("resolved", "alice"))
        self.assertEqual(len(detail["events"]), 1)
        self.assertEqual(detail["deliveries"], [])
        status, _, doc = self.server.request("PATCH", f"/api/v1/incidents/{iid}", self.admin, {"status": "open"})
        self.assertEqual((status, doc["status"]), (200, "open"))

    def test_errors(self):
        self.assertEqual(self.server.request("GET", "/api/v1/incidents/999", self.read)[0], 404)
        self.assertEqual(self.server.request("GET", "/api/v1/incidents/abc", self.read)[0], 404)
        self.assertEqual(self.server.request("PATCH", "/api/v1/incidents/999", self.admin,
                                             {"status": "resolved"})[0], 404)
        self.assertEqual(self.server.request("POST", "/api/v1/events", self.ingest, [event(0)])[0], 202)
        iid = self.incidents()["incidents"][0]["id"]
        for body, word in (({"status": "closed"}, "status"), ({"colour": "red"}, "colour"), ({}, "nothing"),
                           ({"assignee": 5}, "assignee")):
            status, _, doc = self.server.request("PATCH", f"/api/v1/incidents/{iid}", self.admin, body)
            self.assertEqual(status, 400, body)
            self.assertIn(word, doc["error"])
        status, _, doc = self.server.request("POST", f"/api/v1/incidents/{iid}/comments", self.admin, {"text": ""})
        self.assertEqual(status, 400)
        status, headers, doc = self.server.request("DELETE", f"/api/v1/incidents/{iid}", self.admin)
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "GET, PATCH")
        status, _, doc = self.server.request("GET", "/api/v2/nothing", self.admin)
        self.assertEqual(status, 404)
        self.assertIn("error", doc)


class SchemaTest(ServerTest):
    def test_list_and_detail_match_the_schema(self):
        batch = [event(i) for i in range(20)] + [dict(event(21), details={"pid": 42, "argv": ["sh", "-c", "id"]},
                                                      time="2026-11-27T10:00:00.5Z")]
        self.assertEqual(self.server.request("POST", "/api/v1/events", self.ingest, batch)[0], 202)
        doc = self.incidents()
        iid = doc["incidents"][0]["id"]
        self.server.request("PATCH", f"/api/v1/incidents/{iid}", self.admin, {"status": "resolved"})
        doc = self.incidents()
        with open(SCHEMA, encoding="utf-8") as f:
            schema = json.load(f)
        root = validator_for(schema)
        self.assertEqual(errors_text(root, doc["incidents"][0]), "")
        listing = validator_for({"$ref": schema["$id"] + "#/$defs/list"}, [schema])
        self.assertEqual(errors_text(listing, doc), "")
        for incident in doc["incidents"]:
            status, _, detail = self.server.request("GET", f"/api/v1/incidents/{incident['id']}", self.read)
            self.assertEqual(status, 200)
            detail_validator = validator_for({"$ref": schema["$id"] + "#/$defs/detail"}, [schema])
            self.assertEqual(errors_text(detail_validator, detail), "")
        self.assertNotEqual(errors_text(root, {"id": 1}), "", "the schema does reject incomplete objects")


class MetricsTest(ServerTest):
    def test_metrics_and_healthz(self):
        self.assertEqual(self.server.request("POST", "/api/v1/events", self.ingest,
                                             [event(i) for i in range(30)])[0], 202)
        self.server.request("POST", "/api/v1/events", self.ingest, raw=b"{nope")
        self.server.request("POST", "/api/v1/events", None, [event(0)])
        self.assertEqual(self.server.request("GET", "/healthz")[2], {"status": "ok", "db": self.backend})
        self.assertIn(f"({self.server.db})", self.server.log(), "the startup line names the database")
        status, headers, text = self.server.request("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))
        lines = set(text.splitlines())
        self.assertIn('vigil_incidents{status="open",severity="high"} 10', lines)
        self.assertIn('vigil_incidents{status="resolved",severity="low"} 0', lines)
        self.assertIn("vigil_events_ingested_total 30", lines)
        self.assertIn('vigil_ingest_rejected_total{reason="invalid"} 1', lines)
        self.assertIn('vigil_ingest_rejected_total{reason="unauthorized"} 1', lines)
        self.assertIn("vigil_outbox_pending 0", lines)
        self.assertIn('vigil_http_requests_total{route="/api/v1/events",code="202"} 1', lines)
        self.assertIn('vigil_http_requests_total{route="/api/v1/events",code="400"} 1', lines)
        self.assertIn('vigil_http_requests_total{route="/healthz",code="200"} 1', lines)
        for line in text.splitlines():
            self.assertRegex(line, r'^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? \d+)$')


class DurabilityTest(OnSqlite, unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-incidents-e2e-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_acknowledged_events_survive_kill_9(self):
        server = IncidentsServer(self.dir, db=self.database())
        ingest, read = server.token("ingest"), server.token("read")
        server.start()
        acknowledged = []
        stop = threading.Event()

        def sender(offset):
            n = 0
            while not stop.is_set():
                batch = [event(offset + n * 7 + i) for i in range(200)]
                try:
                    status, _, _ = server.request("POST", "/api/v1/events", ingest, batch)
                except (OSError, urllib.error.URLError):
                    return  # the server is gone; this batch was never acknowledged
                if status == 202:
                    acknowledged.append(len(batch))
                n += 1

        threads = [threading.Thread(target=sender, args=(k * 1000,)) for k in range(4)]
        for t in threads:
            t.start()
        while sum(acknowledged) < 20000:
            time.sleep(0.01)
        server.kill9()
        stop.set()
        for t in threads:
            t.join()
        acked = sum(acknowledged)
        restarted = IncidentsServer(self.dir, db=server.db).start()
        try:
            status, _, doc = restarted.request("GET", "/api/v1/incidents?limit=1000", read)
            self.assertEqual(status, 200)
            stored = sum(i["count"] for i in doc["incidents"])
            self.assertGreaterEqual(stored, acked, "every event answered 202 is stored")
            self.assertLessEqual(len(doc["incidents"]), 50)
        finally:
            restarted.stop()


class WebhookSink:
    """A webhook receiver on 127.0.0.1: records every POSTed JSON body."""

    def __init__(self):
        bodies = self.bodies = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def wait_for(condition, timeout=30):
    """Polls condition() until it returns something true (state changes on the server's threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


class ConfiguredServerTest(OnSqlite, unittest.TestCase):
    """The service with a --config file: notifications through the outbox, request-flood detection."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-incidents-e2e-")
        self.sink = WebhookSink()
        config = os.path.join(self.dir, "vigil.yaml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"""notifiers:
  - name: hook
    type: webhook
    url: {self.sink.url}
routes:
  - notifiers: [hook]
flood:
  window: 1s
  source_capacity_rps: 100
  total_capacity_rps: 500
  clear_after: 1s
  service: shop
""")
        self.server = IncidentsServer(self.dir, ["--config", config], db=self.database())
        self.ingest, self.read = self.server.token("ingest"), self.server.token("read")
        self.server.start()

    def tearDown(self):
        self.server.stop()
        self.sink.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_10000_detections_become_50_notifications(self):
        events = [dict(event(i), severity="high") for i in range(10000)]
        for i in range(0, 10000, 2000):
            self.assertEqual(self.server.request("POST", "/api/v1/events", self.ingest, events[i:i + 2000])[0], 202)

        def delivered():
            _, _, doc = self.server.request("GET", "/api/v1/incidents?limit=1000", self.read)
            details = [self.server.request("GET", f"/api/v1/incidents/{i['id']}", self.read)[2]
                       for i in doc["incidents"]]
            done = [d for det in details for d in det["deliveries"] if d["delivered"]]
            return done if len(done) >= 50 else None

        done = wait_for(delivered)
        self.assertIsNotNone(done, "50 deliveries within the wait")
        self.assertEqual(len(done), 50)
        self.assertEqual({d["kind"] for d in done}, {"created"})
        self.assertEqual(len({d["idempotency_key"] for d in done}), 50)
        self.assertGreaterEqual(len(self.sink.bodies), 1)
        _, _, text = self.server.request("GET", "/metrics")
        self.assertIn('vigil_notifications_total{notifier="hook",result="sent"} 50', text.splitlines())

    def test_request_flood_opens_and_resolves_an_incident(self):
        now = time.time()
        records = [{"time": datetime.datetime.fromtimestamp(now - 1.2 + i * 0.0005, datetime.timezone.utc)
                    .strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "source": "203.0.113.9", "method": "GET", "path": "/login",
                    "status": 200, "bytes": 512} for i in range(2000)]
        status, _, doc = self.server.request("POST", "/api/v1/requests", self.ingest, records)
        self.assertEqual(status, 202, doc)
        self.assertEqual(doc["accepted"], 2000)
        self.assertEqual(self.server.request("POST", "/api/v1/requests", self.ingest, raw=b'[{"source": 5}]')[0], 400)

        # The detector learns per-client baselines for a while before it reports one client's flood; a total
        # over capacity is reported at once, and that is what this burst (about 1600 requests/s) is.
        def flood_incident(status):
            _, _, doc = self.server.request("GET", "/api/v1/incidents?source=vigil-flood", self.read)
            found = [i for i in doc["incidents"] if i["subject"] == "shop" and i["status"] == status]
            return found[0] if found else None

        incident = wait_for(lambda: flood_incident("open") or flood_incident("resolved"))
        self.assertIsNotNone(incident)
        self.assertEqual(incident["rule"], "total-over-capacity")
        self.assertIn(incident["severity"], ("high", "critical"))
        # No more requests: the ticker notices the flood ended (clear_after 1s) and resolves it.
        self.assertIsNotNone(wait_for(lambda: flood_incident("resolved")), "resolved after the flood ended")


# The same tests on PostgreSQL (`--db postgres://...`): one cluster per class, a database per test.
class IngestPostgresTest(OnPostgres, IngestTest):
    pass


class AuthPostgresTest(OnPostgres, AuthTest):
    pass


class LifecyclePostgresTest(OnPostgres, LifecycleTest):
    pass


class SchemaPostgresTest(OnPostgres, SchemaTest):
    pass


class MetricsPostgresTest(OnPostgres, MetricsTest):
    pass


class DurabilityPostgresTest(OnPostgres, DurabilityTest):
    pass


class ConfiguredServerPostgresTest(OnPostgres, ConfiguredServerTest):
    pass


class ServeTest(unittest.TestCase):
    def test_bind_error_and_graceful_stop(self):
        with tempfile.TemporaryDirectory(prefix="vigil-incidents-e2e-") as d:
            first = IncidentsServer(d).start()
            try:
                proc = subprocess.run([VIGIL, "incidents", "serve", "--listen", f"127.0.0.1:{first.port}", "--db",
                                       first.db], capture_output=True, text=True, timeout=60)
                self.assertEqual(proc.returncode, 2)
                self.assertIn(f"127.0.0.1:{first.port}: address in use", proc.stderr)
            finally:
                self.assertEqual(first.stop(), 0)
            self.assertIn("stopped", first.log())
            logged = IncidentsServer(d, ["--access-log"])
            token = logged.token("ingest")
            logged.start()
            try:
                self.assertEqual(logged.request("POST", "/api/v1/events?x=secret", token, [event(0)])[0], 202)
            finally:
                logged.stop()
            self.assertRegex(logged.log(), r"\n127\.0\.0\.1 POST /api/v1/events 202 \d+ms\n")
            self.assertNotIn(token, logged.log())
            self.assertNotIn("secret", logged.log())
            proc = subprocess.run([VIGIL, "incidents", "serve", "--listen", "nonsense", "--db", first.db],
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(proc.returncode, 2)
            self.assertIn("HOST:PORT", proc.stderr)


if __name__ == "__main__":
    unittest.main()
