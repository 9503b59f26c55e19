#!/usr/bin/python3
"""`vigil scan --incidents URL --token T` against a real `vigil incidents serve`: a scan's vulnerabilities and
secrets become incidents about what was scanned, a second scan of the same tree adds counts but no incidents,
and a refused token makes the scan fail (exit 2) instead of silently losing its findings."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from test_incidents_api import IncidentsServer  # noqa: E402
from vigil_e2e import SOURCE, VIGIL, example_db  # noqa: E402

SAMPLE = os.path.join(SOURCE, "examples", "sample-project")
# A real-looking (but revoked-format) AWS key pair in a config file: the secret scanner's critical rules.
AWS = "aws_access_key_id = AKIAQ7DXK3MLNE7PJB5V\naws_secret_access_key = q7Kx0Yt3cYB1qVq9V0wS2vJm8bGk4pXzR6sT1uAe\n"


class ScanIncidentsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="vigil-scan-incidents-")
        cls.project = os.path.join(cls.dir, "project")
        shutil.copytree(SAMPLE, cls.project)
        with open(os.path.join(cls.project, "deploy.env"), "w", encoding="utf-8") as f:
            f.write(AWS)
        cls.server = IncidentsServer(cls.dir)
        cls.ingest = cls.server.token("ingest", "ci")
        cls.read = cls.server.token("read", "viewer")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def scan(self, token, *extra):
        return subprocess.run([VIGIL, "scan", "fs", self.project, "--db", example_db(), "-f", "json",
                               "--incidents", self.server.url + "/api/v1/events", "--token", token, *extra],
                              capture_output=True, text=True, timeout=300)

    def incidents(self):
        status, _, doc = self.server.request("GET", "/api/v1/incidents?source=vigil-scan&limit=500", self.read)
        self.assertEqual(status, 200, doc)
        return doc["incidents"]

    def test_findings_become_incidents_once(self):
        proc = self.scan(self.ingest)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads(proc.stdout)
        vulns = [v for v in report.get("vulnerabilities", []) if not v.get("suppressed")]
        secrets = [s for s in report.get("secrets", []) if not s.get("suppressed")]
        misconfigurations = [m for m in report.get("misconfigurations", []) if not m.get("suppressed")]
        self.assertTrue(vulns, "the sample project has known vulnerabilities in examples/osv")
        self.assertTrue(secrets, "deploy.env holds an AWS key pair")
        findings = len(vulns) + len(secrets) + len(misconfigurations)
        self.assertIn(f"incidents: {findings} findings sent", proc.stderr)
        first = self.incidents()
        self.assertTrue(first)
        subject = f"{os.uname().nodename}:{os.path.realpath(self.project)}"
        for incident in first:
            self.assertEqual(incident["subject"], subject)
        # One scan's findings are about one subject, so they correlate into few incidents; every finding counted.
        self.assertLessEqual(len(first), findings)
        self.assertEqual(sum(i["count"] for i in first), findings)
        worst = max(first, key=lambda i: ["low", "medium", "high", "critical"].index(i["severity"]))
        self.assertEqual(worst["severity"], "critical", "the AWS key pair is critical")

        proc = self.scan(self.ingest)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        second = self.incidents()
        self.assertEqual(sorted(i["id"] for i in second), sorted(i["id"] for i in first), "no new incidents")
        self.assertEqual(sum(i["count"] for i in second), 2 * findings)

    def test_refused_token_fails_the_scan(self):
        proc = self.scan(self.read)  # a read token may not ingest: 403
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("HTTP 403", proc.stderr)
        self.assertIn("not delivered", proc.stderr)
        self.assertNotIn(self.read, proc.stderr)


if __name__ == "__main__":
    unittest.main()
