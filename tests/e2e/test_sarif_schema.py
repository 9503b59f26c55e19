#!/usr/bin/env python3
"""Vulnerability reports validated against the official SARIF 2.1.0 and CycloneDX 1.5 JSON schemas (offline).

The documents are tests/data/reports/*.sarif and *.cdx.json: what the writers produce for hand-built reports
(a realistic one, a hostile one, an empty scan). tests/unit/report/vuln_writers_test.cpp checks they match the
writers byte for byte, so validating them here validates the writers. Also checked: what GitHub code scanning
needs beyond the schema (rule ids, fingerprints, security-severity, relative URIs).

`run_sarif_scan()` runs the real binary (`vigil scan ... -f sarif`); it is meant for the scan tests written once
the vulnerability scanner is wired into `vigil scan`.

Env: VIGIL_BINARY (the vigil executable, only for run_sarif_scan), VIGIL_TEST_DATA (tests/data).
"""
import json
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

import jsonschema
from vigil_e2e import cyclonedx_validator, errors_text
from vigil_e2e import sarif_validator as shared_sarif_validator

DATA = Path(os.environ.get("VIGIL_TEST_DATA", Path(__file__).resolve().parent.parent / "data"))
BINARY = os.environ.get("VIGIL_BINARY", "")
SCHEMAS = DATA / "schemas"
REPORTS = DATA / "reports"
SAMPLES = ("sample", "hostile", "empty", "secrets")
LEVELS = {"none", "note", "warning", "error"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def sarif_validator():
    schema = load(SCHEMAS / "sarif-schema-2.1.0.json")
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft7Validator
    return shared_sarif_validator()


def run_sarif_scan(target, *args, kind="fs"):
    """Runs `vigil scan KIND TARGET -f sarif -o FILE ARGS...` and returns (the parsed SARIF log, the process).

    The exit code is not checked here (1 means a --fail-on gate fired); the caller asserts on it.
    """
    if not BINARY:
        raise unittest.SkipTest("VIGIL_BINARY is not set (ctest sets it)")
    with tempfile.TemporaryDirectory(prefix="vigil-sarif-e2e-") as tmp:
        out = Path(tmp) / "report.sarif"
        proc = subprocess.run([BINARY, "scan", kind, str(target), "-f", "sarif", "-o", str(out), *args],
                              capture_output=True, text=True, timeout=300, check=False)
        if not out.is_file():
            raise AssertionError(f"vigil scan {kind} exited {proc.returncode} without a report: {proc.stderr[-2000:]}")
        text = out.read_text(encoding="utf-8")
        assert text.endswith("\n"), "output should end with a newline"
        return json.loads(text), proc


def github_problems(log):
    """What GitHub code scanning needs beyond the schema, as a list of problems (empty when fine)."""
    problems = []
    if len(log.get("runs", [])) != 1:
        return ["expected exactly one run"]
    run = log["runs"][0]
    rules = run["tool"]["driver"].get("rules", [])
    ids = [r["id"] for r in rules]
    if len(ids) != len(set(ids)):
        problems.append("rule ids are not unique")
    for rule in rules:
        if not rule.get("shortDescription", {}).get("text"):
            problems.append(f"rule {rule['id']}: empty shortDescription")
        score = rule.get("properties", {}).get("security-severity")
        if score is not None and not 0.0 <= float(score) <= 10.0:
            problems.append(f"rule {rule['id']}: security-severity {score!r} out of range")
        if "security" not in rule.get("properties", {}).get("tags", []):
            problems.append(f"rule {rule['id']}: no 'security' tag")
    for n, result in enumerate(run.get("results", [])):
        index = result.get("ruleIndex")
        if index is None or not 0 <= index < len(rules) or rules[index]["id"] != result.get("ruleId"):
            problems.append(f"result {n}: ruleIndex does not point at rule {result.get('ruleId')}")
        if result.get("level") not in LEVELS:
            problems.append(f"result {n}: level {result.get('level')!r}")
        if not result.get("partialFingerprints"):
            problems.append(f"result {n}: no partialFingerprints")
        for loc in result.get("locations", []):
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            if uri.startswith("/") or ":" in uri or " " in uri:
                problems.append(f"result {n}: uri {uri!r} is not a relative URI reference")
    fingerprints = [json.dumps(r["partialFingerprints"], sort_keys=True) for r in run.get("results", [])]
    if len(fingerprints) != len(set(fingerprints)):
        problems.append("two results share a fingerprint")
    return problems


class SarifSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.validator = sarif_validator()
        cls.logs = {name: load(REPORTS / f"{name}.sarif") for name in SAMPLES}

    def test_samples_match_official_schema(self):
        for name, log in self.logs.items():
            with self.subTest(sample=name):
                self.assertEqual(errors_text(self.validator, log), "")
                self.assertEqual(log["version"], "2.1.0")

    def test_samples_meet_github_code_scanning_needs(self):
        for name, log in self.logs.items():
            with self.subTest(sample=name):
                self.assertEqual(github_problems(log), [])

    def test_sample_content(self):
        run = self.logs["sample"]["runs"][0]
        self.assertEqual(run["tool"]["driver"]["name"], "vigil")
        self.assertEqual(len(run["tool"]["driver"]["rules"]), 8)
        self.assertEqual(len(run["results"]), 11)
        suppressed = sorted(r["ruleId"] for r in run["results"] if "suppressions" in r)
        self.assertEqual(suppressed, ["DEBIAN-CVE-2023-31484", "GHSA-29mw-wpgm-hmr9", "GHSA-29mw-wpgm-hmr9"])
        self.assertEqual(self.logs["empty"]["runs"][0]["results"], [])

    def test_validator_rejects_broken_logs(self):
        """The schema is really applied: documents that GitHub would reject fail here too."""
        broken = json.loads(json.dumps(self.logs["sample"]))
        broken["runs"][0]["results"][0]["level"] = "critical"
        del broken["runs"][0]["tool"]["driver"]["name"]
        broken["runs"][0]["results"][1]["suppressions"] = [{"kind": "ignored"}]
        text = errors_text(self.validator, broken)
        self.assertIn("runs/0/results/0/level", text)
        self.assertIn("'name' is a required property", text)
        self.assertIn("runs/0/results/1/suppressions/0/kind", text)


class CycloneDxVulnerabilitiesSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.validator = cyclonedx_validator()
        cls.boms = {name: load(REPORTS / f"{name}.cdx.json") for name in SAMPLES}

    def test_samples_match_official_schema(self):
        for name, bom in self.boms.items():
            with self.subTest(sample=name):
                self.assertEqual(errors_text(self.validator, bom), "")
                self.assertIn("vulnerabilities", bom)

    def test_affects_refer_to_components(self):
        for name, bom in self.boms.items():
            refs = {c["bom-ref"] for c in bom["components"]}
            for v in bom["vulnerabilities"]:
                for a in v["affects"]:
                    with self.subTest(sample=name, id=v["id"]):
                        self.assertIn(a["ref"], refs)

    def test_validator_rejects_broken_vulnerabilities(self):
        broken = json.loads(json.dumps(self.boms["sample"]))
        broken["vulnerabilities"][0]["ratings"] = [{"severity": "urgent"}]
        broken["vulnerabilities"][1]["analysis"] = {"state": "ignored"}
        text = errors_text(self.validator, broken)
        self.assertIn("vulnerabilities/0/ratings/0/severity", text)
        self.assertIn("vulnerabilities/1/analysis/state", text)


class ScanReportsFromBinaryTest(unittest.TestCase):
    """SARIF and CycloneDX written by the real binary for tests/data/vulnscan/project against a DB built from
    tests/data/vulnscan/osv (the data of test_vuln_scan.py), validated the same way as the samples above."""

    @classmethod
    def setUpClass(cls):
        if not BINARY:
            raise unittest.SkipTest("VIGIL_BINARY is not set (ctest sets it)")
        cls.tmp = tempfile.TemporaryDirectory(prefix="vigil-reports-e2e-")
        cls.db = str(Path(cls.tmp.name) / "vuln.db")
        cls.project = DATA / "vulnscan" / "project"
        cls.vigil("db", "import", "--db", cls.db, "-q", str(DATA / "vulnscan" / "osv"))
        cls.findings = json.loads(cls.vigil("scan", "fs", str(cls.project), "--db", cls.db, "-f", "json").stdout)[
            "vulnerabilities"]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def vigil(cls, *args, expect=0):
        proc = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=300, check=False)
        if proc.returncode != expect:
            raise AssertionError(f"vigil {' '.join(args)} exited {proc.returncode}: {proc.stderr[-2000:]}")
        return proc

    def test_sarif_has_one_result_per_finding_and_location(self):
        ignore = Path(self.tmp.name) / "ignore.yaml"
        ignore.write_text("ignore:\n  - id: CVE-2021-23337\n    reason: template is never called\n", encoding="utf-8")
        log, proc = run_sarif_scan(self.project, "--db", self.db, "--ignore-file", str(ignore), "--fail-on", "high")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(errors_text(sarif_validator(), log), "")
        self.assertEqual(github_problems(log), [])
        results = log["runs"][0]["results"]
        expected = sorted((f["id"], loc) for f in self.findings for loc in f["locations"])
        got = sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results)
        self.assertEqual(got, expected)
        self.assertGreater(len(results), len(self.findings))  # lodash is in two lockfiles
        rules = log["runs"][0]["tool"]["driver"]["rules"]
        self.assertEqual(sorted(r["id"] for r in rules), sorted({f["id"] for f in self.findings}))
        suppressed = sorted(r["ruleId"] for r in results if "suppressions" in r)
        self.assertEqual(suppressed, ["GHSA-35jh-r3h4-6jhm", "GHSA-35jh-r3h4-6jhm"])
        for r in results:
            if "suppressions" in r:
                self.assertEqual(r["suppressions"][0]["kind"], "external")
                self.assertIn("template is never called", r["suppressions"][0]["justification"])

    def test_sarif_of_a_purl_list_without_locations(self):
        purls = Path(self.tmp.name) / "purls.txt"
        purls.write_text("pkg:npm/lodash@4.17.20\npkg:cargo/quinn-proto@0.10.6\n", encoding="utf-8")
        log, proc = run_sarif_scan(purls, "--db", self.db, kind="purl")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(errors_text(sarif_validator(), log), "")
        self.assertEqual(github_problems(log), [])
        self.assertEqual(sorted(r["ruleId"] for r in log["runs"][0]["results"]),
                         ["GHSA-29mw-wpgm-hmr9", "GHSA-35jh-r3h4-6jhm", "RUSTSEC-2026-0037"])

    def test_cyclonedx_with_vulnerabilities_validates(self):
        out = Path(self.tmp.name) / "report.cdx.json"
        self.vigil("scan", "fs", str(self.project), "--db", self.db, "-f", "cyclonedx", "-o", str(out))
        bom = load(out)
        self.assertEqual(errors_text(cyclonedx_validator(), bom), "")
        self.assertEqual(sorted(v["id"] for v in bom["vulnerabilities"]), sorted(f["id"] for f in self.findings))
        refs = {c["bom-ref"]: c for c in bom["components"]}
        for v in bom["vulnerabilities"]:
            for a in v["affects"]:
                with self.subTest(id=v["id"]):
                    self.assertIn(a["ref"], refs)
        quinn = next(v for v in bom["vulnerabilities"] if v["id"] == "RUSTSEC-2026-0037")
        self.assertEqual([(r.get("method"), r.get("score"), r.get("severity")) for r in quinn["ratings"]],
                         [("CVSSv4", 8.7, "high")])
        self.assertEqual(refs[quinn["affects"][0]["ref"]]["purl"], "pkg:cargo/quinn-proto@0.10.6")


if __name__ == "__main__":
    unittest.main()
