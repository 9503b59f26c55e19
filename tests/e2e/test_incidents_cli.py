#!/usr/bin/python3
"""End-to-end tests of `vigil incidents token create|list|show|ack|resolve` against a real `vigil incidents serve`
(see test_incidents_api.py for the server harness)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from test_incidents_api import IncidentsServer, event  # noqa: E402
from vigil_e2e import VIGIL  # noqa: E402


class IncidentsCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="vigil-incidents-cli-")
        cls.server = IncidentsServer(cls.dir)
        cls.admin = cls.server.token("admin", "alice")
        cls.read = cls.server.token("read", "viewer")
        cls.ingest = cls.server.token("ingest")
        cls.server.start()
        batch = [event(i) for i in range(30)]  # 30 fingerprints, one event each
        batch += [dict(event(0), severity="critical", title="Detection 0")]
        batch += [dict(event(5), source="vigil-scan", subject="pkg:npm/left-pad@1.0.0", title="left-pad")]
        status, _, doc = cls.server.request("POST", "/api/v1/events", cls.ingest, batch)
        assert status == 202, doc

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def vigil(self, *args, token=None, server=None):
        env = dict(os.environ)
        env["VIGIL_INCIDENTS_URL"] = server or self.server.url
        env["VIGIL_INCIDENTS_TOKEN"] = token if token is not None else self.admin
        return subprocess.run([VIGIL, "incidents", *args], capture_output=True, text=True, timeout=120, env=env)

    def incident_id(self, subject):
        proc = self.vigil("list", "--format", "json", "--limit", "1000")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return next(i["id"] for i in json.loads(proc.stdout)["incidents"] if i["subject"] == subject)

    def test_token_create_prints_only_the_token(self):
        proc = subprocess.run([VIGIL, "incidents", "token", "create", "--db", self.server.db, "--role", "read"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(proc.stdout, r"^vgl_\d+_[A-Za-z0-9_-]{43}\n$")
        self.assertEqual(proc.stderr, "")
        proc = subprocess.run([VIGIL, "incidents", "token", "create", "--db", self.server.db, "--role", "root"],
                              capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stdout, "")

    def test_list_table_and_json(self):
        proc = self.vigil("list", token=self.read)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertRegex(lines[0], r"^\s+ID\s+STATUS\s+SEVERITY\s+COUNT\s+LAST SEEN\s+SOURCE\s+TITLE$")
        self.assertEqual(len(lines), 1 + 31)
        row = next(line for line in lines if line.rstrip().endswith("Detection 0"))
        self.assertRegex(row, r"^\s+\d+\s+open\s+critical\s+2\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+vigil-watch\s+Detection 0$")
        proc = self.vigil("list", "--severity", "critical", "--format", "json", token=self.read)
        doc = json.loads(proc.stdout)
        self.assertEqual([i["title"] for i in doc["incidents"]], ["Detection 0"])
        proc = self.vigil("list", "--source", "vigil-scan", "--format", "json", token=self.read)
        self.assertEqual([i["subject"] for i in json.loads(proc.stdout)["incidents"]], ["pkg:npm/left-pad@1.0.0"])
        proc = self.vigil("list", "--limit", "5", token=self.read)
        self.assertEqual(len(proc.stdout.splitlines()), 1 + 5 + 1, "5 rows and the 'more' hint")
        self.assertIn("more", proc.stdout.splitlines()[-1])

    def test_show_ack_resolve(self):
        iid = self.incident_id("host-9:/usr/bin/tool-9")
        proc = self.vigil("ack", str(iid), "--comment", "looking into it")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, f"incident {iid} acknowledged: Detection 9\n")
        proc = self.vigil("show", str(iid), token=self.read)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(f"Incident {iid}: Detection 9\n", proc.stdout)
        self.assertRegex(proc.stdout, r"\n  status:\s+acknowledged\n")
        self.assertRegex(proc.stdout, r"\n  subject:\s+host-9:/usr/bin/tool-9\n")
        self.assertRegex(proc.stdout, r"Timeline:\n  \S+Z  created\s+ingest\n  \S+Z  acknowledged\s+alice\n"
                                      r"  \S+Z  commented\s+alice: looking into it\n")
        self.assertIn("Latest events (1 shown):", proc.stdout)
        self.assertIn("Deliveries:\n  none\n", proc.stdout)
        proc = self.vigil("resolve", str(iid))
        self.assertEqual((proc.returncode, proc.stdout), (0, f"incident {iid} resolved: Detection 9\n"))
        proc = self.vigil("ack", str(iid))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("HTTP 409", proc.stderr)
        self.assertIn("resolved", proc.stderr)
        detail = json.loads(self.vigil("show", str(iid), "--format", "json").stdout)
        self.assertEqual(detail["status"], "resolved")
        self.assertEqual([t["kind"] for t in detail["timeline"]], ["created", "acknowledged", "commented", "resolved"])

    def test_errors_exit_2(self):
        proc = self.vigil("ack", "1", token=self.read)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("HTTP 403", proc.stderr)
        proc = self.vigil("list", token="")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("HTTP 401", proc.stderr)
        proc = self.vigil("show", "99999", token=self.read)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("HTTP 404: incident 99999 not found", proc.stderr)
        # A port nothing listens on (the server's own port after it was taken and released is racy; port 9 is
        # the discard service, closed on CI machines).
        proc = self.vigil("list", server="http://127.0.0.1:9")
        self.assertEqual(proc.returncode, 2)
        self.assertTrue(proc.stderr.startswith("error: http://127.0.0.1:9: "), proc.stderr)
        self.assertNotIn(self.admin, proc.stderr + proc.stdout)

    def test_help_has_examples(self):
        for sub in (["serve"], ["token", "create"], ["list"], ["show"], ["ack"], ["resolve"]):
            proc = subprocess.run([VIGIL, "incidents", *sub, "--help"], capture_output=True, text=True, timeout=60)
            self.assertEqual(proc.returncode, 0, sub)
            self.assertIn("Examples:", proc.stdout, sub)
            self.assertTrue(re.search(r"vigil incidents " + sub[0], proc.stdout), sub)


if __name__ == "__main__":
    unittest.main()
