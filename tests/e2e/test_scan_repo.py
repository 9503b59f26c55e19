"""`vigil scan repo` end to end on real git repositories built with /usr/bin/git: a secret committed and later
deleted is found at the commit that added it and marked as gone from HEAD; one still present is marked present;
the secret never appears in any output; --fail-on gates on history findings; a non-repository is an error."""
import json
import os
import subprocess
import tempfile
import unittest

from vigil_e2e import run

# Format-valid fake (AWS key ids are base32 after the prefix); not a real credential.
DELETED_KEY = "ASIAGOALRDSM562DKVS5"
KEPT_URL_PASSWORD = "Vq8rT2mKx9LwZ4pN"


def git(repo, *args, date="2024-01-02T10:00:00+00:00"):
    env = {"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com", "GIT_COMMITTER_NAME": "Dev",
           "GIT_COMMITTER_EMAIL": "dev@example.com", "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "HOME": repo, "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["/usr/bin/git", "-C", repo, *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


class ScanRepoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.repo = os.path.join(cls.tmp.name, "app")
        os.makedirs(cls.repo)
        git(cls.repo, "init", "-q", "-b", "main")
        with open(os.path.join(cls.repo, "deploy.sh"), "w") as f:
            f.write(f"#!/bin/sh\nexport AWS_ACCESS_KEY_ID={DELETED_KEY}\naws s3 sync build s3://bucket\n")
        with open(os.path.join(cls.repo, "settings.py"), "w") as f:
            f.write(f'DATABASE_URL = "postgres://app:{KEPT_URL_PASSWORD}@db.internal:5432/app"\n')
        git(cls.repo, "add", ".")
        git(cls.repo, "commit", "-q", "-m", "add deploy script", date="2024-01-02T10:00:00+00:00")
        cls.first = git(cls.repo, "rev-parse", "HEAD")
        os.remove(os.path.join(cls.repo, "deploy.sh"))
        with open(os.path.join(cls.repo, "README.md"), "w") as f:
            f.write("Deploys use the CI role now.\n")
        git(cls.repo, "add", "-A")
        git(cls.repo, "commit", "-q", "-m", "remove the key", date="2024-02-03T10:00:00+00:00")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_deleted_secret_is_found_at_the_commit_that_added_it(self):
        proc = run("scan", "repo", self.repo, "-f", "json")
        self.assertNotIn(DELETED_KEY, proc.stdout + proc.stderr)
        self.assertNotIn(KEPT_URL_PASSWORD, proc.stdout + proc.stderr)
        secrets = {s["rule"]: s for s in json.loads(proc.stdout)["secrets"]}
        aws = secrets["aws-access-key-id"]
        self.assertEqual((aws["path"], aws["line"], aws["commit"]), ("deploy.sh", 2, self.first))
        self.assertTrue(aws["author_date"].startswith("2024-01-02T10:00:00"))
        self.assertFalse(aws["present_at_head"])
        self.assertEqual(aws["severity"], "CRITICAL")
        self.assertTrue(aws["redacted"].endswith("*****"))
        url = secrets["url-password-database"]
        self.assertEqual(url["path"], "settings.py")
        self.assertTrue(url["present_at_head"])

    def test_gate_and_table(self):
        proc = run("scan", "repo", self.repo, "--fail-on", "critical", check=False)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("not in HEAD", proc.stdout)
        self.assertNotIn(DELETED_KEY, proc.stdout)

    def test_vulnerability_options_are_not_offered(self):
        for option in ("--db", "--vex", "--ignore-unfixed"):
            proc = run("scan", "repo", self.repo, option, "x", check=False)
            self.assertEqual(proc.returncode, 2, option)
        self.assertNotIn("--vex", run("scan", "repo", "--help").stdout)

    def test_not_a_repository_is_an_error(self):
        proc = run("scan", "repo", self.tmp.name, check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(self.tmp.name, proc.stderr)


if __name__ == "__main__":
    unittest.main()
