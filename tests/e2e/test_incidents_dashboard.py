"""The incidents dashboard in a real browser: `vigil incidents serve` on an ephemeral port with a SQLite DB (and again,
in IncidentsDashboardPostgresTest, on PostgreSQL) and two webhook notifiers (one answering 500), events posted through the API (one with a hostile title), then Debian's
headless Chromium, driven by tests/e2e/dashboard/drive.js (playwright-core from npm, never a downloaded browser),
logs in through the form, reads the list, filters, pages, opens details and takes screenshots."""
import hashlib
import http.server
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time
import sys
import unittest
import urllib.request

from vigil_e2e import SOURCE, VIGIL

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from postgres import OnPostgres  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
NODE = shutil.which("node") or "/usr/bin/node"
DRIVER_DIR = os.path.join(SOURCE, "tests", "e2e", "dashboard")
HOSTILE = "<script>alert(\"pwned\")</script> & 'quoted' <img src=x onerror=alert(1)>"


def node_modules():
    """A node_modules with the pinned playwright-core: the source tree's if present, else `npm ci` into a cache
    beside the build (keyed by the lock file's hash, so a changed lock installs afresh)."""
    local = os.path.join(DRIVER_DIR, "node_modules")
    if os.path.isdir(os.path.join(local, "playwright-core")):
        return local
    with open(os.path.join(DRIVER_DIR, "package-lock.json"), "rb") as f:
        lock_hash = hashlib.sha256(f.read()).hexdigest()[:16]
    build_dir = os.path.dirname(os.path.dirname(os.path.abspath(VIGIL)))  # build/X from build/X/src/vigil
    cache_root = os.environ.get("VIGIL_NODE_CACHE") or os.path.join(build_dir, "e2e-node")
    cache = os.path.join(cache_root, "dashboard-" + lock_hash)
    if not os.path.isdir(os.path.join(cache, "node_modules", "playwright-core")):
        os.makedirs(cache, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(DRIVER_DIR, name), cache)
        env = dict(os.environ, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1")
        proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=cache, env=env, capture_output=True,
                              text=True, timeout=600)
        if proc.returncode != 0:
            raise AssertionError(f"npm ci for the dashboard driver failed: {proc.stderr[-2000:]}")
    return os.path.join(cache, "node_modules")


class Sink(http.server.BaseHTTPRequestHandler):
    """Webhook receiver: /hook answers 204, /broken answers 500."""
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Sink.received.append((self.path, body))
        self.send_response(500 if self.path == "/broken" else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


# Event times: whole minutes from half an hour ago (recent, so no incident is quiet long enough to auto-resolve).
T0 = (int(time.time()) // 60 - 30) * 60


def at(minute):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(T0 + 60 * minute))


def png_size(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise AssertionError(f"{path} is not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height, len(data)


class IncidentsDashboardTest(unittest.TestCase):
    backend = "sqlite"

    @classmethod
    def database(cls):
        return "sqlite:" + os.path.join(cls.tmp, "incidents.db")

    @classmethod
    def setUpClass(cls):
        for tool in (CHROMIUM, NODE):
            if not os.access(tool, os.X_OK):
                raise AssertionError(f"{tool} is needed (apt-get install chromium nodejs npm)")
        cls.modules = node_modules()
        cls.tmp = tempfile.mkdtemp(prefix="vigil-dashboard-")
        cls.sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
        threading.Thread(target=cls.sink.serve_forever, daemon=True).start()
        cls.db = cls.database()
        cls.start_server()
        try:
            cls.read_token = cls.token("read")
            cls.ingest_token = cls.token("ingest")
            cls.admin_token = cls.token("admin")
            cls.post_events()
            cls.wait_for_deliveries()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        server = getattr(cls, "server", None)
        if server and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        cls.sink.shutdown()
        cls.sink.server_close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def start_server(cls):
        port = cls.sink.server_address[1]
        config = os.path.join(cls.tmp, "incidents.yaml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"""auto_resolve_after: 1d
retry:
  initial: 100ms
  max: 200ms
  max_attempts: 2
notifiers:
  - name: ops-hook
    type: webhook
    url: http://127.0.0.1:{port}/hook
  - name: broken-hook
    type: webhook
    url: http://127.0.0.1:{port}/broken
routes:
  - match:
      severity: [critical]
    notifiers: [ops-hook, broken-hook]
  - notifiers: [ops-hook]
""")
        cls.server = subprocess.Popen([VIGIL, "incidents", "serve", "--listen", "127.0.0.1:0", "--db", cls.db,
                                       "--config", config], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                      text=True)
        line = cls.server.stderr.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if not match:
            rest = "" if cls.server.poll() is None else cls.server.stderr.read()
            raise AssertionError(f"vigil incidents serve did not start: {line}{rest}")
        cls.base = match.group(1)
        # Keep draining stderr so the server never blocks on a full pipe.
        threading.Thread(target=cls.server.stderr.read, daemon=True).start()

    @classmethod
    def token(cls, role):
        proc = subprocess.run([VIGIL, "incidents", "token", "create", "--db", cls.db, "--role", role, "--name",
                               f"dashboard-{role}"], capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise AssertionError(f"token create failed: {proc.stderr}")
        return proc.stdout.strip()

    @classmethod
    def api(cls, path, token, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(cls.base + path, data=data, method="POST" if data else "GET",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")

    @classmethod
    def post_events(cls):
        def event(source, rule, severity, subject, title, **extra):
            return dict(source=source, rule=rule, severity=severity, subject=subject, title=title, **extra)

        batches = [
            [event("vigil-watch", "shell_in_container", "high", "web-1:/bin/sh", HOSTILE,
                   time=at(0), labels={"cluster": "prod", "team": "<payments>"},
                   details={"pid": 4242, "cmdline": "sh -c '<x>'"})],
            [event("vigil-scan", "CVE-2024-1234", "high", "openssl@3.0.1", "openssl 3.0.1: CVE-2024-1234",
                   time=at(1)),
             event("vigil-flood", "flood_from_source", "medium", "client 203.0.113.7", "request flood",
                   time=at(2)),
             event("backup", "job_late", "low", "nightly-db", "nightly backup is late", time=at(3))],
            [event("vigil-scan", "CVE-2024-9999", "critical", "sha256:" + "ab" * 32, "image: CVE-2024-9999",
                   time=at(4))],
            # Two more of the hostile one; the second escalates it to critical.
            [event("vigil-watch", "shell_in_container", "high", "web-1:/bin/sh", HOSTILE, time=at(5)),
             event("vigil-watch", "shell_in_container", "critical", "web-1:/bin/sh", HOSTILE,
                   time=at(6))],
        ]
        for batch in batches:
            status, _ = cls.api("/api/v1/events", cls.ingest_token, batch)
            if status != 202:
                raise AssertionError(f"POST /api/v1/events answered {status}")
        _, listing = cls.api("/api/v1/incidents", cls.read_token)
        cls.incidents = {i["title"]: i for i in listing["incidents"]}
        cls.hostile_id = cls.incidents[HOSTILE]["id"]

    @classmethod
    def wait_for_deliveries(cls):
        """Until every notification of the hostile incident is delivered or given up (bounded)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            _, detail = cls.api(f"/api/v1/incidents/{cls.hostile_id}", cls.read_token)
            deliveries = detail.get("deliveries", [])
            settled = [d for d in deliveries if d.get("delivered") or d.get("failed")]
            if deliveries and len(settled) == len(deliveries) and any(d.get("failed") for d in deliveries):
                return
            time.sleep(0.2)
        raise AssertionError(f"deliveries did not settle: {deliveries}")

    def drive(self):
        # VIGIL_DASHBOARD_SHOTS keeps the screenshots for a person to look at.
        shots = os.path.join(os.environ.get("VIGIL_DASHBOARD_SHOTS") or os.path.join(self.tmp, "shots"), self.backend)
        os.makedirs(shots, exist_ok=True)
        env = dict(os.environ, NODE_PATH=self.modules, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1",
                   VIGIL_DASHBOARD_TOKEN=self.read_token, VIGIL_DASHBOARD_ADMIN_TOKEN=self.admin_token,
                   VIGIL_DASHBOARD_DETAIL_ID=str(self.hostile_id))
        proc = subprocess.Popen([NODE, os.path.join(DRIVER_DIR, "drive.js"), self.base, shots], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:  # the driver and its Chromium are one process group: none is left behind
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.assertEqual(proc.returncode, 0, err)
        return json.loads(out.strip().splitlines()[-1]), shots

    def test_dashboard_in_chromium(self):
        summary, shots = self.drive()
        base = self.base
        self.assertEqual(summary["unauthenticated_url"], base + "/login")
        self.assertEqual(summary["bad_login_error"], "That is not a valid token.")
        self.assertEqual(summary["cookie"], {"httpOnly": True, "sameSite": "Strict", "secure": False,
                                             "value_is_token": True})
        self.assertEqual(summary["document_cookie"], "")  # HttpOnly: invisible to scripts
        self.assertEqual(summary["list_headers"]["csp"],
                         "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                         "frame-ancestors 'none'; base-uri 'none'")
        self.assertTrue(summary["list_headers"]["content_type"].startswith("text/html"))

        # The list: five incidents, newest first, with severity badges of distinct colours.
        rows = summary["list_rows"]
        self.assertEqual(len(rows), 5)
        self.assertEqual([r["id"] for r in rows], sorted((r["id"] for r in rows), reverse=True))
        by_title = {r["title"]: r for r in rows}
        hostile = by_title[HOSTILE]  # rendered as text, exactly as sent
        self.assertEqual(hostile["title_child_elements"], 0)
        self.assertEqual((hostile["severity"], hostile["status"], hostile["count"]), ("critical", "open", 3))
        self.assertEqual(hostile["source"], "vigil-watch")
        self.assertEqual(hostile["first_seen"], at(0).replace("Z", ".000Z"))
        self.assertEqual(hostile["last_seen"], at(6).replace("Z", ".000Z"))
        self.assertEqual(by_title["nightly backup is late"]["severity"], "low")
        colours = {r["severity"]: r["badge_color"] for r in rows}
        self.assertEqual(set(colours), {"low", "medium", "high", "critical"})
        self.assertEqual(len(set(colours.values())), 4)
        for r in rows:
            self.assertEqual(r["severity_text"], r["severity"])
        self.assertEqual(summary["script_elements"], 0)
        self.assertEqual(summary["img_elements"], 0)
        self.assertEqual(summary["dialogs"], [])
        self.assertEqual(summary["external_requests"], [])
        # No CSP violation or script error; the only failed loads are the refused login (401) and the missing
        # incident (404) asked for on purpose.
        others = [m for m in summary["console_errors"] if not m.startswith("Failed to load resource")]
        self.assertEqual(others, [])
        self.assertEqual(len(summary["console_errors"]), 2, summary["console_errors"])

        # Filters: severity at least critical; then also source vigil-scan.
        self.assertIn("severity=critical", summary["filtered_url"])
        self.assertEqual(summary["filter_selected"], "critical")
        self.assertEqual(sorted(r["title"] for r in summary["filtered_rows"]), sorted([HOSTILE, "image: CVE-2024-9999"]))
        self.assertEqual([r["title"] for r in summary["source_filtered_rows"]], ["image: CVE-2024-9999"])

        # Paging one row at a time through high and above keeps the filter and walks down the ids.
        high_ids = sorted((r["id"] for r in rows if r["severity"] in ("high", "critical")), reverse=True)
        self.assertEqual(summary["paged_ids"], high_ids)
        self.assertIn("severity=high", summary["paged_url"])

        # Detail (reached by clicking the row): timeline merged with events, labels, deliveries.
        detail = summary["hostile_detail"]
        self.assertEqual(summary["hostile_id"], self.hostile_id)
        self.assertIn(HOSTILE, detail["heading"])
        self.assertTrue(detail["has_fields"])
        self.assertEqual(detail["labels"], [["cluster", "prod"], ["team", "<payments>"]])
        kinds = detail["timeline_kinds"]
        self.assertEqual(kinds.count("event"), 3)
        self.assertEqual(kinds[0], "created")
        self.assertIn("escalated", kinds)
        self.assertEqual(detail["event_titles"], [HOSTILE] * 3)
        self.assertEqual(detail["timeline_times"], sorted(detail["timeline_times"]))
        deliveries = {(d["notifier"], d["kind"]): d for d in detail["deliveries"]}
        self.assertEqual(deliveries[("ops-hook", "created")]["state"], "delivered")
        self.assertEqual(deliveries[("ops-hook", "escalated")]["state"], "delivered")
        broken = deliveries[("broken-hook", "escalated")]
        self.assertEqual((broken["state"], broken["attempts"]), ("failed", 2))
        self.assertIn("500", broken["last_error"])
        self.assertEqual(summary["detail"], detail)
        self.assertFalse(detail["has_actions"])  # a read token gets no forms
        self.assertTrue(detail["deliveries_section"])
        self.assertEqual(summary["missing_status"], 404)

        # Logging out forgets the cookie; pages send the browser back to the login form.
        self.assertFalse(summary["cookie_after_logout"])
        self.assertEqual(summary["after_logout_url"], base + "/login")

        # An admin acknowledges and comments through the forms (CSRF token included by the page).
        admin = summary["admin"]
        self.assertEqual(admin["buttons"], ["action-acknowledge", "action-resolve", "action-assign", "action-comment"])
        self.assertEqual(admin["status_after_ack"], "acknowledged")
        self.assertEqual(admin["comments"], [{"actor": "dashboard-admin", "text": "looking into it <b>now</b>",
                                              "bold_elements": 0}])
        self.assertEqual(admin["kinds"][-1], "commented")
        self.assertIn("acknowledged", admin["kinds"])
        _, after = self.api(f"/api/v1/incidents/{self.hostile_id}", self.read_token)
        self.assertEqual(after["status"], "acknowledged")

        for name in ("list.png", "detail.png"):
            width, height, size = png_size(os.path.join(shots, name))
            self.assertEqual(width, 1400)
            self.assertGreaterEqual(height, 400)
            self.assertGreater(size, 10_000)

    def test_pages_need_a_read_token(self):
        request = urllib.request.Request(self.base + "/", method="GET")
        opener = urllib.request.build_opener(NoRedirect)
        with self.assertRaises(urllib.error.HTTPError) as caught:
            opener.open(request, timeout=30)
        self.assertEqual(caught.exception.code, 303)
        self.assertEqual(caught.exception.headers["Location"], "/login")
        # An ingest token is not enough, a read token in a Bearer header is.
        for token, expected in ((self.ingest_token, 303), (self.read_token, 200)):
            request = urllib.request.Request(self.base + "/", headers={"Authorization": f"Bearer {token}"})
            try:
                with opener.open(request, timeout=30) as response:
                    status = response.status
                    body = response.read().decode()
            except urllib.error.HTTPError as e:
                status = e.code
            self.assertEqual(status, expected)
        self.assertIn("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;", body)
        self.assertNotIn("<script>", body)


class IncidentsDashboardPostgresTest(OnPostgres, IncidentsDashboardTest):
    pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


if __name__ == "__main__":
    unittest.main()
