#!/usr/bin/env python3
"""Vulnerability scanning end to end with the real binary: matching, alias merging, severities from CVSS v3 and
v4, --severity / --ignore-unfixed / --fail-on, the ignore file, VEX, `scan sbom` and `scan purl`.

Data: tests/data/vulnscan/osv (OSV records, imported into a fresh DB with `vigil db import`) and
tests/data/vulnscan/project (requirements.txt + package-lock.json + web/package-lock.json + Cargo.lock); see
tests/data/vulnscan/README.md for what each record is there to exercise. Expected CVSS scores were computed with
the reference calculator (ae-cvss-calculator 1.0.13, as tests/data/cvss/generate_golden.js), not with Vigil.
"""
import datetime
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from vigil_e2e import DATA, VIGIL, run

VULNSCAN = os.path.join(DATA, "vulnscan")
PROJECT = os.path.join(VULNSCAN, "project")
LOWONLY = os.path.join(VULNSCAN, "lowonly")

# (id, package, version) of every finding `scan fs project` must give: nothing more, nothing less.
# Not here: jinja2 (its only advisory has GIT ranges only), tower-http (RUSTSEC-2021-0135 is withdrawn),
# flask/ms/serde/... (no advisory), GHSA-j8r2-6x86-q33q (merged into PYSEC-2023-74 by alias).
EXPECTED = {
    ("PYSEC-2024-47", "django", "3.2.0"),
    ("PYSEC-2022-42969", "py", "1.11.0"),
    ("PYSEC-2023-74", "requests", "2.25.1"),
    ("GHSA-9hjg-9r4m-mvj7", "requests", "2.25.1"),
    ("GHSA-35jh-r3h4-6jhm", "lodash", "4.17.20"),
    ("GHSA-29mw-wpgm-hmr9", "lodash", "4.17.20"),
    ("GHSA-xvch-5gv4-984h", "minimist", "1.2.5"),
    ("RUSTSEC-2026-0037", "quinn-proto", "0.10.6"),
    ("RUSTSEC-2022-0013", "regex", "1.5.4"),
    ("RUSTSEC-2026-0109", "sequoia-git", "0.5.0"),
    ("RUSTSEC-2021-0003", "smallvec", "1.6.0"),
    ("RUSTSEC-2026-0009", "time", "0.3.20"),
}
RATING = {
    "PYSEC-2024-47": "UNKNOWN",
    "PYSEC-2022-42969": "UNKNOWN",
    "PYSEC-2023-74": "MEDIUM",
    "GHSA-9hjg-9r4m-mvj7": "MEDIUM",
    "GHSA-35jh-r3h4-6jhm": "HIGH",
    "GHSA-29mw-wpgm-hmr9": "MEDIUM",
    "GHSA-xvch-5gv4-984h": "CRITICAL",
    "RUSTSEC-2026-0037": "HIGH",
    "RUSTSEC-2022-0013": "HIGH",
    "RUSTSEC-2026-0109": "LOW",
    "RUSTSEC-2021-0003": "CRITICAL",
    "RUSTSEC-2026-0009": "MEDIUM",
}
GIT_WARNING = "have only GIT (commit) ranges and were not evaluated"


def keys(report):
    return {(v["id"], v["package"]["name"], v["package"]["version"]) for v in report["vulnerabilities"]}


def by_id(report):
    out = {}
    for v in report["vulnerabilities"]:
        assert v["id"] not in out, f"{v['id']} reported twice"
        out[v["id"]] = v
    return out


def date_from_today(days):
    return (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=days)).isoformat()


class VulnScanTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="vigil-vulnscan-e2e-")
        cls.db = os.path.join(cls.tmp.name, "vuln.db")
        run("db", "import", "--db", cls.db, "-q", os.path.join(VULNSCAN, "osv"))
        cls.report = cls.scan_json(PROJECT)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def vigil(cls, *args, input=None, cwd=None):
        """Runs vigil with the test DB; returns the CompletedProcess whatever the exit code. Scans of fs and rootfs
        targets look for vulnerabilities only (these tests are about them) unless --scanners is given."""
        if args[:1] == ("scan",) and args[1:2] in (("fs",), ("rootfs",)) and "--scanners" not in args:
            args = (*args, "--scanners", "vuln")
        env = dict(os.environ, VIGIL_DB=cls.db)
        return subprocess.run([VIGIL, *args], capture_output=True, text=True, timeout=120, input=input, cwd=cwd,
                              env=env)

    @classmethod
    def scan_json(cls, target, *args, kind="fs", expect=0, input=None, cwd=None):
        proc = cls.vigil("scan", kind, target, "-f", "json", *args, input=input, cwd=cwd)
        if proc.returncode != expect:
            raise AssertionError(f"scan {kind} {target} {args} exited {proc.returncode}, not {expect}: {proc.stderr}")
        report = json.loads(proc.stdout)
        report["_stderr"] = proc.stderr
        return report

    def project_copy(self, ignore_text=None):
        """A copy of the project (so a .vigilignore.yaml can be written beside it); removed after the test."""
        tmp = tempfile.mkdtemp(prefix="vigil-vulnscan-project-")
        self.addCleanup(shutil.rmtree, tmp, True)
        dest = os.path.join(tmp, "project")
        shutil.copytree(PROJECT, dest)
        if ignore_text is not None:
            with open(os.path.join(dest, ".vigilignore.yaml"), "w", encoding="utf-8") as f:
                f.write(ignore_text)
        return dest

    # --- matching ---------------------------------------------------------------------------------------------

    def test_findings_are_exactly_the_expected_ones(self):
        self.assertEqual(keys(self.report), EXPECTED)
        self.assertEqual({v["id"]: v["severity"]["rating"] for v in self.report["vulnerabilities"]}, RATING)
        self.assertEqual(self.report["vuln_db"], self.db)
        self.assertFalse(any("suppressed" in v for v in self.report["vulnerabilities"]))

    def test_alias_merged_records_give_one_finding(self):
        requests = [v for v in self.report["vulnerabilities"] if v["package"]["name"] == "requests"]
        self.assertEqual(sorted(v["id"] for v in requests), ["GHSA-9hjg-9r4m-mvj7", "PYSEC-2023-74"])
        merged = by_id(self.report)["PYSEC-2023-74"]
        # The ecosystem-native id names the finding; the GHSA record that shares the CVE became an alias and
        # lent its CVSS vector (the PYSEC record has none).
        self.assertEqual(merged["aliases"], ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"])
        self.assertEqual(merged["severity"], {"rating": "MEDIUM", "score": 6.1, "source": "CVSS_V3",
                                              "vector": "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"})
        self.assertEqual(merged["fixed_versions"], ["2.31.0"])
        self.assertEqual(merged["package"]["purl"], "pkg:pypi/requests@2.25.1")
        self.assertEqual(merged["osv_ecosystem"], "PyPI")
        self.assertEqual(by_id(self.report)["GHSA-9hjg-9r4m-mvj7"]["aliases"], ["CVE-2024-47081"])

    def test_severity_from_cvss_v3_and_v4(self):
        found = by_id(self.report)
        expected = {
            "RUSTSEC-2021-0003": ("CRITICAL", 9.8, "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            "GHSA-35jh-r3h4-6jhm": ("HIGH", 7.2, "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"),
            "RUSTSEC-2022-0013": ("HIGH", 7.5, "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"),
            "RUSTSEC-2026-0037": ("HIGH", 8.7, "CVSS_V4",
                                  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"),
            "RUSTSEC-2026-0009": ("MEDIUM", 6.8, "CVSS_V4",
                                  "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H"),
            "RUSTSEC-2026-0109": ("LOW", 1.8, "CVSS_V4",
                                  "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N"),
        }
        for vid, (rating, score, source, vector) in expected.items():
            with self.subTest(id=vid):
                self.assertEqual(found[vid]["severity"],
                                 {"rating": rating, "score": score, "source": source, "vector": vector})
        # No vector and no database rating: UNKNOWN, without score, vector or source.
        self.assertEqual(found["PYSEC-2024-47"]["severity"], {"rating": "UNKNOWN"})

    def test_fixed_versions_and_locations(self):
        found = by_id(self.report)
        self.assertEqual(found["PYSEC-2024-47"]["fixed_versions"], ["3.2.25", "4.2.11", "5.0.3"])
        self.assertEqual(found["RUSTSEC-2021-0003"]["fixed_versions"], ["1.6.1"])
        self.assertEqual(found["GHSA-xvch-5gv4-984h"]["fixed_versions"], ["1.2.6"])
        self.assertEqual(found["PYSEC-2022-42969"]["fixed_versions"], [])
        self.assertEqual(found["GHSA-35jh-r3h4-6jhm"]["locations"], ["package-lock.json", "web/package-lock.json"])
        self.assertEqual(found["RUSTSEC-2026-0037"]["locations"], ["Cargo.lock"])
        self.assertEqual(found["PYSEC-2023-74"]["locations"], ["requirements.txt"])
        self.assertEqual(found["RUSTSEC-2026-0109"]["package"]["purl"], "pkg:cargo/sequoia-git@0.5.0")

    def test_withdrawn_record_never_matches(self):
        self.assertNotIn("tower-http", {v["package"]["name"] for v in self.report["vulnerabilities"]})
        self.assertIn("tower-http", {p["name"] for p in self.report["packages"]})
        report = self.scan_json("-", kind="purl", input="pkg:cargo/tower-http@0.1.2\npkg:cargo/tower-http@0.2.0\n")
        self.assertEqual(report["vulnerabilities"], [])

    def test_git_only_ranges_warn_and_do_not_match(self):
        self.assertNotIn("jinja2", {v["package"]["name"] for v in self.report["vulnerabilities"]})
        warnings = [w["message"] for w in self.report["warnings"] if GIT_WARNING in w["message"]]
        self.assertEqual(len(warnings), 1, self.report["warnings"])
        self.assertTrue(warnings[0].startswith("1 advisory entries"), warnings[0])
        self.assertIn(f"warning: 1 advisory entries {GIT_WARNING}", self.report["_stderr"])  # no empty "file: "

    def test_last_affected_is_inclusive(self):
        purls = "pkg:pypi/py@1.10.0\npkg:pypi/py@1.11.0\npkg:pypi/py@1.11.1\npkg:pypi/py@2.0.0\n"
        report = self.scan_json("-", kind="purl", input=purls)
        self.assertEqual(keys(report), {("PYSEC-2022-42969", "py", "1.10.0"), ("PYSEC-2022-42969", "py", "1.11.0")})
        for v in report["vulnerabilities"]:
            self.assertEqual(v["fixed_versions"], [])
            self.assertEqual(v["aliases"], ["CVE-2022-42969", "GHSA-w596-4wvx-j9j6"])

    # --- filters and the gate ---------------------------------------------------------------------------------

    def test_severity_filter(self):
        report = self.scan_json(PROJECT, "--severity", "HIGH,critical")
        self.assertEqual({v["id"] for v in report["vulnerabilities"]},
                         {i for i, r in RATING.items() if r in ("HIGH", "CRITICAL")})
        report = self.scan_json(PROJECT, "--severity", "LOW", "--severity", "UNKNOWN")
        self.assertEqual({v["id"] for v in report["vulnerabilities"]},
                         {"RUSTSEC-2026-0109", "PYSEC-2024-47", "PYSEC-2022-42969"})
        proc = self.vigil("scan", "fs", PROJECT, "--severity", "SEVERE")
        self.assertEqual(proc.returncode, 2, proc.stderr)

    def test_ignore_unfixed_drops_findings_without_a_fix(self):
        report = self.scan_json(PROJECT, "--ignore-unfixed")
        self.assertEqual(keys(report), EXPECTED - {("PYSEC-2022-42969", "py", "1.11.0")})
        self.assertTrue(all(v["fixed_versions"] for v in report["vulnerabilities"]))

    def test_fail_on_gate(self):
        report = self.scan_json(PROJECT, "--fail-on", "high", expect=1)
        self.assertEqual(keys(report), EXPECTED)  # the report is still written in full
        self.scan_json(PROJECT, "--fail-on", "CRITICAL", expect=1)
        self.scan_json(PROJECT, expect=0)
        low = self.scan_json(LOWONLY, "--fail-on", "high", expect=0)
        self.assertEqual({v["severity"]["rating"] for v in low["vulnerabilities"]}, {"MEDIUM"})
        self.scan_json(LOWONLY, "--fail-on", "medium", expect=1)
        # The gate counts what is reported: filtered out by --severity, a high finding cannot trip it.
        self.scan_json(PROJECT, "--fail-on", "high", "--severity", "MEDIUM,LOW", expect=0)
        # UNKNOWN means any finding.
        self.scan_json(LOWONLY, "--fail-on", "unknown", expect=1)
        proc = self.vigil("scan", "fs", PROJECT, "--fail-on", "high")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("RUSTSEC-2021-0003", proc.stdout)

    def test_suppressed_findings_never_trip_the_gate(self):
        ignore = "ignore:\n" + "".join(
            f"  - id: {vid}\n    reason: accepted risk in test {n}\n"
            for n, (vid, rating) in enumerate(sorted(RATING.items())) if rating in ("HIGH", "CRITICAL"))
        project = self.project_copy(ignore)
        report = self.scan_json(project, "--fail-on", "high", expect=0)
        suppressed = {v["id"] for v in report["vulnerabilities"] if "suppressed" in v}
        self.assertEqual(suppressed, {i for i, r in RATING.items() if r in ("HIGH", "CRITICAL")})
        self.scan_json(project, "--fail-on", "medium", expect=1)

    def test_missing_db_is_an_error_with_advice(self):
        missing = os.path.join(self.tmp.name, "no-such-dir", "vuln.db")
        proc = self.vigil("scan", "fs", PROJECT, "--db", missing)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertIn("vigil db import", proc.stderr)
        self.assertIn("--scanners none", proc.stderr)
        env_missing = subprocess.run([VIGIL, "scan", "purl", "-"], input="pkg:npm/lodash@4.17.20\n",
                                     capture_output=True, text=True, timeout=60,
                                     env=dict(os.environ, VIGIL_DB=missing))
        self.assertEqual(env_missing.returncode, 2, env_missing.stderr)
        self.assertIn("--scanners none", env_missing.stderr)
        # Inventory only: no DB needed, and no vulnerabilities key at all.
        proc = self.vigil("scan", "fs", PROJECT, "--db", missing, "--scanners", "none", "-f", "json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads(proc.stdout)
        self.assertNotIn("vulnerabilities", report)
        self.assertNotIn("vuln_db", report)
        self.assertIn("lodash", {p["name"] for p in report["packages"]})

    # --- ignore file ------------------------------------------------------------------------------------------

    def test_ignore_file_from_target_dir(self):
        today, yesterday, later = date_from_today(0), date_from_today(-1), date_from_today(30)
        lines = [
            "# Ignore file of the vulnscan demo (e2e test)",
            "ignore:",
            "  - id: CVE-2021-23337",  # alias of GHSA-35jh-r3h4-6jhm
            "    reason: lodash.template is never called",
            f"    expires: {later}",
            "  - id: ghsa-xvch-5gv4-984h",  # ids compare case-insensitively
            "    reason: minimist only parses our own argv",
            "  - package: regex",
            "    reason: patterns are compile-time constants",
            "  - package: pkg:cargo/smallvec@1.6.0",
            "    id: RUSTSEC-2021-0003",
            "    reason: insert_many is never called",
            "  - path: requirements.txt",
            "    reason: the Python tool is only run by developers",
            "  - id: RUSTSEC-2026-0009",
            "    reason: expires today, so still suppresses",
            f"    expires: {today}",
            "  - id: RUSTSEC-2026-0037",
            "    reason: expired yesterday",
            f"    expires: {yesterday}",
            "  - package: lodash",
            "    version: 4.17.21",  # exact version only: 4.17.20 stays
            "    reason: not the installed version",
        ]
        project = self.project_copy("\n".join(lines) + "\n")
        ignore_path = os.path.join(project, ".vigilignore.yaml")
        expired_line = lines.index("  - id: RUSTSEC-2026-0037") + 1
        report = self.scan_json(project, "--fail-on", "high", expect=1)  # RUSTSEC-2026-0037 (HIGH) is back
        found = by_id(report)
        suppressed = {i for i, v in found.items() if "suppressed" in v}
        self.assertEqual(suppressed, {"GHSA-35jh-r3h4-6jhm", "GHSA-xvch-5gv4-984h", "RUSTSEC-2022-0013",
                                      "RUSTSEC-2021-0003", "PYSEC-2024-47", "PYSEC-2022-42969", "PYSEC-2023-74",
                                      "GHSA-9hjg-9r4m-mvj7", "RUSTSEC-2026-0009"})
        self.assertEqual(found["GHSA-35jh-r3h4-6jhm"]["suppressed"],
                         {"kind": "ignore", "file": ignore_path, "reason": "lodash.template is never called"})
        self.assertEqual(found["PYSEC-2023-74"]["suppressed"]["reason"],
                         "the Python tool is only run by developers")
        self.assertEqual(found["RUSTSEC-2026-0009"]["suppressed"]["reason"], "expires today, so still suppresses")
        expected_warning = (f"{ignore_path}:{expired_line}: ignore entry for RUSTSEC-2026-0037 expired on "
                            f"{yesterday}; it no longer suppresses")
        self.assertIn(expected_warning, report["_stderr"])
        self.assertEqual(sum("expired" in line for line in report["_stderr"].splitlines()), 1, report["_stderr"])

        table = self.vigil("scan", "fs", project)
        self.assertEqual(table.returncode, 0, table.stderr)
        head, _, tail = table.stdout.partition("\nSuppressed:\n")
        self.assertIn("3 vulnerabilities (0 critical, 1 high, 1 medium, 1 low, 0 unknown), 9 suppressed", head)
        self.assertEqual(len(tail.strip().splitlines()), 9, tail)
        # (the table shortens the long temporary path of the ignore file)
        self.assertIn("GHSA-35jh-r3h4-6jhm (CVE-2021-23337)  lodash 4.17.20 (npm)  ignore: lodash.template is never "
                      f"called ({os.path.dirname(ignore_path)[:20]}", tail)
        for vid in ("RUSTSEC-2026-0037", "GHSA-29mw-wpgm-hmr9", "RUSTSEC-2026-0109"):
            self.assertIn(vid, head)
            self.assertNotIn(vid, tail)

    def test_ignore_file_from_cwd_and_explicit(self):
        cwd = tempfile.mkdtemp(prefix="vigil-vulnscan-cwd-")
        self.addCleanup(shutil.rmtree, cwd, True)
        with open(os.path.join(cwd, ".vigilignore.yaml"), "w", encoding="utf-8") as f:
            f.write("ignore:\n  - package: time\n    reason: from the working directory\n")
        report = self.scan_json(PROJECT, cwd=cwd)
        self.assertEqual({v["id"] for v in report["vulnerabilities"] if "suppressed" in v}, {"RUSTSEC-2026-0009"})
        self.assertEqual(by_id(report)["RUSTSEC-2026-0009"]["suppressed"]["file"], ".vigilignore.yaml")
        # The target directory's file wins over the working directory's.
        project = self.project_copy("ignore:\n  - package: minimist\n    reason: from the target\n")
        report = self.scan_json(project, cwd=cwd)
        self.assertEqual({v["id"] for v in report["vulnerabilities"] if "suppressed" in v}, {"GHSA-xvch-5gv4-984h"})
        # --ignore-file replaces both.
        explicit = os.path.join(cwd, "other.yaml")
        with open(explicit, "w", encoding="utf-8") as f:
            f.write("ignore:\n  - path: '**/Cargo.lock'\n    reason: explicit file\n")
        report = self.scan_json(project, "--ignore-file", explicit, cwd=cwd)
        self.assertEqual({v["id"] for v in report["vulnerabilities"] if "suppressed" in v},
                         {i for i in RATING if i.startswith("RUSTSEC-")})
        self.assertEqual({v["suppressed"]["file"] for v in report["vulnerabilities"] if "suppressed" in v},
                         {explicit})

    def test_path_entry_must_match_every_location_of_the_finding(self):
        # Documented: a finding merges every location of the package, and a path entry suppresses it only when
        # all of them match (lodash is in package-lock.json and web/package-lock.json: "./web/" alone is not
        # enough, "**/package-lock.json" is).
        project = self.project_copy('ignore:\n  - path: "./web/"\n    reason: the web bundle is a demo\n'
                                    '  - id: CVE-2022-24713\n    path: "**/Cargo.lock"\n    reason: both must match\n'
                                    '  - id: CVE-2022-24713\n    path: "*.json"\n    reason: wrong file\n')
        found = by_id(self.scan_json(project))
        self.assertEqual({i for i, v in found.items() if "suppressed" in v}, {"RUSTSEC-2022-0013"})
        self.assertEqual(found["RUSTSEC-2022-0013"]["suppressed"]["reason"], "both must match")
        project = self.project_copy('ignore:\n  - path: "**/package-lock.json"\n    reason: all lockfiles\n')
        found = by_id(self.scan_json(project))
        self.assertEqual({i for i, v in found.items() if "suppressed" in v} & {"GHSA-35jh-r3h4-6jhm", "GHSA-29mw-wpgm-hmr9"},
                         {"GHSA-35jh-r3h4-6jhm", "GHSA-29mw-wpgm-hmr9"})

    def test_bad_ignore_file_lists_every_problem(self):
        text = ("ignore:\n"
                "  - id: CVE-2021-23337\n"            # 2: no reason
                "  - package: lodash\n"               # 4: unknown key 'ids'
                "    ids: CVE-2020-28500\n"
                "    reason: typo in the key\n"
                "  - id: CVE-2023-32681\n"            # 7: impossible date
                "    reason: bad date\n"
                "    expires: 2025-02-30\n"
                "  - version: 1.2.3\n"                # 10: version without package
                "    reason: no package\n")
        project = self.project_copy(text)
        path = os.path.join(project, ".vigilignore.yaml")
        proc = self.vigil("scan", "fs", project, "-f", "json")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(proc.stdout, "")
        # The last entry has two problems (no id/package/path, and version without package).
        self.assertIn(f"{path} has 5 problem(s)", proc.stderr)
        problem_lines = [line.strip() for line in proc.stderr.splitlines() if line.startswith("  ")]
        self.assertEqual(len(problem_lines), 5, proc.stderr)
        for line, word in zip(problem_lines, ("no reason", '"ids"', "2025-02-30", "at least one of", "version")):
            self.assertTrue(line.startswith(f"{path}:"), line)
            self.assertIn(word, line)
        self.assertEqual([int(line[len(path) + 1:].split(":")[0]) for line in problem_lines], [2, 4, 6, 9, 9])
        # Not YAML at all: rejected with the position.
        with open(path, "w", encoding="utf-8") as f:
            f.write("ignore:\n  - id: [unclosed\n")
        proc = self.vigil("scan", "fs", project)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(path, proc.stderr)
        self.assertIn("line", proc.stderr)
        # A missing --ignore-file is an error too, not silently nothing.
        proc = self.vigil("scan", "fs", PROJECT, "--ignore-file", os.path.join(project, "nope.yaml"))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("nope.yaml", proc.stderr)

    # --- VEX --------------------------------------------------------------------------------------------------

    def write_json(self, name, doc):
        tmp = tempfile.mkdtemp(prefix="vigil-vulnscan-vex-")
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
        return path

    def test_openvex(self):
        def statement(vuln, products, status, **extra):
            return {"vulnerability": vuln, "products": products, "status": status, **extra}

        doc = {
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": "https://openvex.dev/docs/public/vex-vulnscan-demo",
            "author": "Vulnscan demo security team",
            "timestamp": "2025-05-20T14:02:11+02:00",
            "version": 1,
            "statements": [
                # By alias (the finding is GHSA-35jh-r3h4-6jhm), product as a subcomponent of the app.
                statement({"name": "CVE-2021-23337"},
                          [{"@id": "pkg:oci/vulnscan-demo@sha256%3Aabc",
                            "subcomponents": [{"@id": "pkg:npm/lodash@4.17.20"}]}],
                          "not_affected", justification="vulnerable_code_not_in_execute_path",
                          impact_statement="_.template is never called"),
                # A product without a version covers every version.
                statement({"name": "RUSTSEC-2022-0013"}, [{"@id": "pkg:cargo/regex"}], "not_affected",
                          justification="inline_mitigations_already_exist"),
                statement({"name": "RUSTSEC-2026-0037"}, [{"@id": "pkg:cargo/quinn-proto@0.10.6"}], "affected",
                          action_statement="upgrade to 0.11.14"),
                statement({"name": "GHSA-xvch-5gv4-984h"}, [{"@id": "pkg:npm/minimist@1.2.5"}],
                          "under_investigation"),
                # Another version of the package: no match.
                statement({"name": "RUSTSEC-2021-0003"}, [{"@id": "pkg:cargo/smallvec@1.6.1"}], "not_affected",
                          justification="component_not_present"),
                # Last statement wins: not_affected, then affected again.
                statement({"name": "RUSTSEC-2026-0009"}, [{"@id": "pkg:cargo/time@0.3.20"}], "not_affected",
                          justification="vulnerable_code_not_present"),
                statement({"name": "RUSTSEC-2026-0009"}, [{"@id": "pkg:cargo/time@0.3.20"}], "affected"),
                # Invalid: not_affected without justification or impact: dropped with a warning.
                statement({"name": "GHSA-29mw-wpgm-hmr9"}, [{"@id": "pkg:npm/lodash@4.17.20"}], "not_affected"),
            ],
        }
        path = self.write_json("demo.openvex.json", doc)
        report = self.scan_json(PROJECT, "--vex", path, "--fail-on", "critical", expect=1)
        found = by_id(report)
        self.assertEqual({i for i, v in found.items() if "suppressed" in v},
                         {"GHSA-35jh-r3h4-6jhm", "RUSTSEC-2022-0013"})
        self.assertEqual(found["GHSA-35jh-r3h4-6jhm"]["suppressed"],
                         {"kind": "vex", "file": path,
                          "reason": "vulnerable_code_not_in_execute_path: _.template is never called"})
        self.assertEqual(found["RUSTSEC-2022-0013"]["suppressed"]["reason"], "inline_mitigations_already_exist")
        self.assertTrue(any("statements[7]" in w["message"] for w in report["warnings"]), report["warnings"])
        # Not JSON: rejected, naming the file.
        bad = self.write_json("bad.openvex.json", {})
        with open(bad, "w", encoding="utf-8") as f:
            f.write('{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [')
        proc = self.vigil("scan", "fs", PROJECT, "--vex", bad)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(bad, proc.stderr)

    def test_cyclonedx_vex(self):
        doc = {
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "version": 1,
            "metadata": {"component": {"bom-ref": "app", "name": "vulnscan-demo", "type": "application"}},
            "components": [
                {"bom-ref": "npm-minimist", "type": "library", "name": "minimist", "version": "1.2.5",
                 "purl": "pkg:npm/minimist@1.2.5"},
                {"bom-ref": "cargo-smallvec", "type": "library", "name": "smallvec", "version": "1.6.0",
                 "purl": "pkg:cargo/smallvec@1.6.0"},
            ],
            "vulnerabilities": [
                {"id": "CVE-2021-44906", "references": [{"id": "GHSA-xvch-5gv4-984h"}],
                 "analysis": {"state": "not_affected", "justification": "code_not_reachable",
                              "detail": "only parses our own argv"},
                 "affects": [{"ref": "npm-minimist"}]},
                {"id": "RUSTSEC-2021-0003", "analysis": {"state": "exploitable"},
                 "affects": [{"ref": "cargo-smallvec"}]},
                # A purl used directly as the ref.
                {"id": "CVE-2024-47081", "analysis": {"state": "resolved", "detail": "backported .netrc fix"},
                 "affects": [{"ref": "pkg:pypi/requests@2.25.1"}]},
                # No analysis: a finding, not a statement.
                {"id": "RUSTSEC-2026-0109", "affects": [{"ref": "app"}]},
            ],
        }
        path = self.write_json("demo.vex.cdx.json", doc)
        report = self.scan_json(PROJECT, "--vex", path)
        found = by_id(report)
        self.assertEqual({i for i, v in found.items() if "suppressed" in v}, {"GHSA-xvch-5gv4-984h",
                                                                               "GHSA-9hjg-9r4m-mvj7"})
        self.assertEqual(found["GHSA-xvch-5gv4-984h"]["suppressed"],
                         {"kind": "vex", "file": path, "reason": "code_not_reachable: only parses our own argv"})
        self.assertTrue(found["GHSA-9hjg-9r4m-mvj7"]["suppressed"]["reason"].startswith("fixed"),
                        found["GHSA-9hjg-9r4m-mvj7"]["suppressed"])
        # The project-level ref (metadata.component) covers every package.
        doc["vulnerabilities"].append({"id": "RUSTSEC-2026-0037", "analysis": {"state": "false_positive"},
                                       "affects": [{"ref": "app"}]})
        path = self.write_json("demo2.vex.cdx.json", doc)
        found = by_id(self.scan_json(PROJECT, "--vex", path))
        self.assertIn("suppressed", found["RUSTSEC-2026-0037"])
        # VEX-suppressed findings do not trip the gate either.
        gate = self.write_json("critical.vex.cdx.json", {
            "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "metadata": {"component": {"bom-ref": "app", "name": "vulnscan-demo", "type": "application"}},
            "vulnerabilities": [{"id": vid, "analysis": {"state": "not_affected", "justification": "code_not_present"},
                                 "affects": [{"ref": "app"}]}
                                for vid in ("CVE-2021-25900", "GHSA-xvch-5gv4-984h")]})
        self.scan_json(PROJECT, "--vex", gate, "--fail-on", "critical", expect=0)
        self.scan_json(PROJECT, "--vex", gate, "--fail-on", "high", expect=1)
        # Ignore file and VEX together: the ignore entry is applied first.
        project = self.project_copy("ignore:\n  - package: minimist\n    reason: ignore file first\n")
        found = by_id(self.scan_json(project, "--vex", path))
        self.assertEqual(found["GHSA-xvch-5gv4-984h"]["suppressed"]["kind"], "ignore")
        self.assertEqual(found["RUSTSEC-2026-0037"]["suppressed"]["kind"], "vex")

    # --- scan sbom / scan purl --------------------------------------------------------------------------------

    def test_scan_sbom_gives_the_same_findings_as_scan_fs(self):
        for fmt in ("cyclonedx", "spdx-json"):
            with self.subTest(format=fmt):
                sbom = self.vigil("sbom", PROJECT, "-f", fmt)
                self.assertEqual(sbom.returncode, 0, sbom.stderr)
                path = self.write_json(f"project.{fmt}.json", json.loads(sbom.stdout))
                report = self.scan_json(path, kind="sbom")
                self.assertEqual(keys(report), EXPECTED)
                self.assertEqual({v["id"]: v["aliases"] for v in report["vulnerabilities"]},
                                 {v["id"]: v["aliases"] for v in self.report["vulnerabilities"]})
                self.assertEqual(report["target"], {"name": path, "kind": "sbom"})
                # From stdin, with the gate.
                piped = self.scan_json("-", "--fail-on", "critical", kind="sbom", input=sbom.stdout, expect=1)
                self.assertEqual(keys(piped), EXPECTED)

    def test_scan_sbom_malformed(self):
        path = self.write_json("broken.cdx.json", {})
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"name": "lodash", ')
        proc = self.vigil("scan", "sbom", path)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(path, proc.stderr)
        self.assertEqual(proc.stdout, "")
        proc = self.vigil("scan", "sbom", "-", input="this is not an SBOM\n")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("<stdin>", proc.stderr)
        proc = self.vigil("scan", "sbom", os.path.join(self.tmp.name, "missing.cdx.json"))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("missing.cdx.json", proc.stderr)

    def test_scan_purl_file_and_stdin(self):
        text = ("# production dependencies\n"
                "pkg:npm/lodash@4.17.20\n"
                "lodash@4.17.20\n"                       # line 3: not a purl
                "\n"
                "# pinned by the vendor\n"
                "   pkg:cargo/smallvec@1.6.0   \n"
                "pkg:pypi/Requests@2.25.1\n"             # PyPI names are case-insensitive
                "pkg:npm/express\n")                     # line 8: no version
        path = self.write_json("deps.txt", {})
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        expected = {("GHSA-35jh-r3h4-6jhm", "lodash", "4.17.20"), ("GHSA-29mw-wpgm-hmr9", "lodash", "4.17.20"),
                    ("RUSTSEC-2021-0003", "smallvec", "1.6.0"), ("PYSEC-2023-74", "requests", "2.25.1"),
                    ("GHSA-9hjg-9r4m-mvj7", "requests", "2.25.1")}
        for target, stdin, name in ((path, None, path), ("-", text, "<stdin>")):
            with self.subTest(target=target):
                report = self.scan_json(target, kind="purl", input=stdin)
                self.assertEqual({(i, n.lower(), v) for i, n, v in keys(report)}, expected)
                warned = [(w["file"], w["line"]) for w in report["warnings"]]
                self.assertIn((name, 3), warned)  # not a purl
                self.assertIn((name, 8), warned)  # no version
                self.assertIn(f"warning: {name}:3:", report["_stderr"])
        proc = self.vigil("scan", "purl", path, "--fail-on", "critical")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("RUSTSEC-2021-0003", proc.stdout)


if __name__ == "__main__":
    unittest.main()
