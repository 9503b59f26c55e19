"""The `config` scanner end to end on a realistic project (tests/data/config/project): GitHub workflows (the
Codecov bash uploader, a pull_request_target preview build, an issue-triage template injection, and a careful
workflow that must stay silent), a multi-stage Dockerfile, GitLab CI with a local include, and install scripts (one
verified, one not). Checks the exact findings, the JSON and SARIF shapes, gating, suppression (ignore file and
`vigil:allow`), --allowed-registry, and `scan repo` checking HEAD only."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from vigil_e2e import DATA, errors_text, run, run_json, sarif_validator

PROJECT = os.path.join(DATA, "config", "project")

# (path, line, check) of every finding the project must give, and nothing else.
EXPECTED = {
    (".github/workflows/ci.yml", 6, "permissions-missing"),
    (".github/workflows/ci.yml", 11, "secrets-in-workflow-env"),
    (".github/workflows/ci.yml", 26, "download-and-execute"),
    (".github/workflows/preview.yml", 18, "untrusted-checkout"),
    (".github/workflows/preview.yml", 27, "action-not-pinned"),
    (".github/workflows/triage.yml", 16, "template-injection"),
    (".github/workflows/triage.yml", 17, "template-injection"),
    ("Dockerfile", 2, "image-not-pinned"),
    ("Dockerfile", 5, "download-and-execute"),
    ("Dockerfile", 11, "image-not-pinned"),
    ("ci/deploy.yml", 3, "image-not-pinned"),
    ("ci/deploy.yml", 6, "download-and-execute"),
    ("scripts/get-tools.sh", 6, "download-and-execute"),
}


def found(report):
    return {(m["path"], m["line"], m["check"]) for m in report["misconfigurations"]}


def git(repo, *args):
    env = {"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com", "GIT_COMMITTER_NAME": "Dev",
           "GIT_COMMITTER_EMAIL": "dev@example.com", "HOME": repo, "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}
    subprocess.run(["/usr/bin/git", "-C", repo, *args], check=True, capture_output=True, env=env)


class ScanConfigTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.project = os.path.join(self.tmp.name, "project")
        shutil.copytree(PROJECT, self.project, symlinks=True)

    def tearDown(self):
        self.tmp.cleanup()

    def scan(self, *extra, target=None, kind="fs"):
        return run_json("scan", kind, target or self.project, "--scanners", "config", "-f", "json", *extra)

    def test_exact_findings_of_the_project(self):
        report = self.scan()
        self.assertEqual(found(report), EXPECTED)
        self.assertEqual(report["packages"], [])
        for m in report["misconfigurations"]:
            self.assertEqual(set(m), {"check", "severity", "title", "message", "remediation", "path", "line"}, m)
            self.assertIn(m["severity"], {"LOW", "MEDIUM", "HIGH", "CRITICAL"})
            self.assertTrue(m["title"] and m["message"] and m["remediation"], m)

    def test_codecov_uploader_is_flagged_with_what_runs(self):
        report = self.scan()
        codecov = [m for m in report["misconfigurations"]
                   if m["path"] == ".github/workflows/ci.yml" and m["check"] == "download-and-execute"]
        self.assertEqual(len(codecov), 1)
        self.assertEqual(codecov[0]["severity"], "HIGH")
        self.assertIn("codecov.io/bash", codecov[0]["message"])

    def test_careful_workflow_and_verified_script_are_silent(self):
        paths = {m["path"] for m in self.scan()["misconfigurations"]}
        self.assertNotIn(".github/workflows/lint.yml", paths)
        self.assertNotIn("scripts/bootstrap.sh", paths)
        self.assertNotIn(".gitlab-ci.yml", paths)

    def test_sarif_has_file_and_line_for_code_scanning(self):
        proc = run("scan", "fs", self.project, "--scanners", "config", "-f", "sarif")
        sarif = json.loads(proc.stdout)
        validator = sarif_validator()
        self.assertEqual(errors_text(validator, sarif), "")
        results = sarif["runs"][0]["results"]
        locations = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                      r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in results}
        self.assertEqual(locations, EXPECTED)
        rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
        self.assertEqual(set(rules), {check for _, _, check in EXPECTED})
        # Rule help explains why, not only what: the check table's explanation text.
        self.assertIn("Codecov", rules["download-and-execute"]["fullDescription"]["text"])
        self.assertIn("Fix:", rules["untrusted-checkout"]["help"]["markdown"])

    def test_fail_on_gates_on_misconfigurations(self):
        self.assertEqual(run("scan", "fs", self.project, "--scanners", "config", "--fail-on", "critical",
                             check=False).returncode, 1)  # untrusted-checkout is critical
        os.remove(os.path.join(self.project, ".github", "workflows", "preview.yml"))
        self.assertEqual(run("scan", "fs", self.project, "--scanners", "config", "--fail-on", "critical",
                             check=False).returncode, 0)
        self.assertEqual(run("scan", "fs", self.project, "--scanners", "config", "--fail-on", "high",
                             check=False).returncode, 1)

    def test_ignore_file_and_inline_comment_suppress(self):
        with open(os.path.join(self.project, ".vigilignore.yaml"), "w") as f:
            f.write("ignore:\n  - id: image-not-pinned\n    path: Dockerfile\n    reason: base images are mirrored\n")
        script = os.path.join(self.project, "scripts", "get-tools.sh")
        with open(script) as f:
            text = f.read()
        with open(script, "w") as f:
            f.write(text.replace("task --version", "task --version  # vigil:allow download-and-execute"))
        report = self.scan()
        suppressed = {(m["path"], m["line"], m["check"]): m["suppressed"]
                      for m in report["misconfigurations"] if "suppressed" in m}
        self.assertEqual(set(suppressed), {("Dockerfile", 2, "image-not-pinned"), ("Dockerfile", 11, "image-not-pinned"),
                                           ("scripts/get-tools.sh", 6, "download-and-execute")})
        self.assertEqual(suppressed[("Dockerfile", 2, "image-not-pinned")]["kind"], "ignore")
        self.assertEqual(suppressed[("scripts/get-tools.sh", 6, "download-and-execute")]["kind"], "inline")
        self.assertEqual(found(report), EXPECTED)  # suppressed findings are still reported

    def test_allowed_registry(self):
        report = self.scan("--allowed-registry", "registry.internal", "--allowed-registry", "gcr.io/distroless")
        outside = {(m["path"], m["line"]) for m in report["misconfigurations"]
                   if m["check"] == "image-registry-not-allowed"}
        self.assertEqual(outside, {("Dockerfile", 2), ("ci/deploy.yml", 3), (".gitlab-ci.yml", 8)})

    def test_pin_first_party_actions(self):
        report = self.scan("--pin-first-party-actions")
        unpinned = {(m["path"], m["line"]) for m in report["misconfigurations"] if m["check"] == "action-not-pinned"}
        self.assertIn((".github/workflows/ci.yml", 17), unpinned)  # actions/checkout@v4
        self.assertIn((".github/workflows/preview.yml", 27), unpinned)
        self.assertNotIn(".github/workflows/lint.yml", {p for p, _ in unpinned})

    def test_malformed_workflow_is_a_warning_naming_the_file(self):
        with open(os.path.join(self.project, ".github", "workflows", "broken.yml"), "w") as f:
            f.write("on: [push\njobs: {\n")
        proc = run("scan", "fs", self.project, "--scanners", "config", "-f", "json")
        report = json.loads(proc.stdout)
        self.assertEqual(found(report), EXPECTED)
        warnings = [w for w in report["warnings"] if w["file"] == ".github/workflows/broken.yml"]
        self.assertEqual(len(warnings), 1, report["warnings"])
        self.assertIn(".github/workflows/broken.yml", proc.stderr)

    def test_scan_repo_checks_head_only(self):
        git(self.project, "init", "-q", "-b", "main")
        git(self.project, "add", ".")
        git(self.project, "commit", "-q", "-m", "project")
        os.remove(os.path.join(self.project, "scripts", "get-tools.sh"))
        git(self.project, "commit", "-q", "-a", "-m", "drop the unverified installer")
        report = self.scan(kind="repo")
        self.assertEqual(found(report), EXPECTED - {("scripts/get-tools.sh", 6, "download-and-execute")})
        bare = os.path.join(self.tmp.name, "bare.git")
        subprocess.run(["/usr/bin/git", "clone", "-q", "--bare", self.project, bare], check=True)
        self.assertEqual(found(self.scan(kind="repo", target=bare)), found(report))

    def test_table_output_names_file_line_and_fix(self):
        out = run("scan", "fs", self.project, "--scanners", "config").stdout
        self.assertIn(".github/workflows/ci.yml:26", out)
        self.assertIn("download-and-execute", out)
        self.assertIn("fix: ", out)


if __name__ == "__main__":
    unittest.main()
