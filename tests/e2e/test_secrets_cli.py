"""Secret scanning from the CLI: findings in JSON, the --baseline workflow (CI fails only on new secrets), rule
and path entries of .vigilignore.yaml, inline vigil:allow, --fail-on over secrets; the secret never printed."""
import json
import os
import shutil
import tempfile
import unittest

from vigil_e2e import run

# Synthetic fakes in valid formats (not real credentials).
AWS_KEY = "ASIAGOALRDSM562DKVS5"
DB_PASSWORD = "Vq8rT2mKx9LwZ4pN"
STRIPE = "sk_live_" + "4kZq9TbV2mXr7Lw1Np8Yc3Hd"


class SecretsCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vigil-secrets-")
        self.project = os.path.join(self.tmp, "app")
        os.makedirs(os.path.join(self.project, "deploy"))
        self.write("deploy/env.sh", f"export AWS_ACCESS_KEY_ID={AWS_KEY}\n")
        self.write("settings.py", f'DATABASE_URL = "postgres://app:{DB_PASSWORD}@db.internal:5432/app"\n')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, rel, text):
        with open(os.path.join(self.project, rel), "w") as f:
            f.write(text)

    def scan(self, *args, expect=0):
        proc = run("scan", "fs", self.project, "--scanners", "secret", "-f", "json", *args, check=False)
        self.assertEqual(proc.returncode, expect, proc.stderr)
        for secret in (AWS_KEY, DB_PASSWORD, STRIPE):
            self.assertNotIn(secret, proc.stdout + proc.stderr)
        return json.loads(proc.stdout)

    def test_findings_and_gate(self):
        report = self.scan("--fail-on", "critical", expect=1)
        found = {(s["rule"], s["path"], s["line"]) for s in report["secrets"]}
        self.assertEqual(found, {("aws-access-key-id", "deploy/env.sh", 1),
                                 ("url-password-database", "settings.py", 1)})
        self.assertNotIn("vulnerabilities", report)

    def test_baseline_fails_only_on_new_secrets(self):
        baseline = os.path.join(self.tmp, "baseline.json")
        with open(baseline, "w") as f:
            json.dump(self.scan(), f)
        report = self.scan("--baseline", baseline, "--fail-on", "low")
        self.assertTrue(all(s["suppressed"]["kind"] == "baseline" for s in report["secrets"]))
        self.write("billing.py", f'stripe.api_key = "{STRIPE}"\n')
        report = self.scan("--baseline", baseline, "--fail-on", "low", expect=1)
        new = [s for s in report["secrets"] if "suppressed" not in s]
        self.assertEqual([(s["rule"], s["path"]) for s in new], [("stripe-secret-key", "billing.py")])
        proc = run("scan", "fs", self.project, "--scanners", "secret", "--baseline", os.path.join(self.tmp, "nope"),
                   check=False)
        self.assertEqual(proc.returncode, 2)

    def test_ignore_entries_and_inline_allow(self):
        self.write(".vigilignore.yaml", "ignore:\n"
                                        "  - id: url-password-database\n"
                                        "    path: settings.py\n"
                                        "    reason: local development database\n")
        self.write("deploy/env.sh", f"export AWS_ACCESS_KEY_ID={AWS_KEY}  # vigil:allow aws-access-key-id\n")
        report = self.scan("--fail-on", "low")
        self.assertEqual([(s["rule"], s["suppressed"]["reason"]) for s in report["secrets"]],
                         [("url-password-database", "local development database")])


if __name__ == "__main__":
    unittest.main()
