#!/usr/bin/env python3
"""`vigil sbom` output validated against the official CycloneDX 1.5 and SPDX 2.3 JSON schemas (offline).

Env: VIGIL_BINARY (the vigil executable), VIGIL_TEST_DATA (tests/data). The scanned tree is a Debian 12 root
filesystem (tests/data/os) plus every lockfile found under tests/data/*/, so coverage grows with the parsers.
"""
import fnmatch
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import jsonschema
from vigil_e2e import cyclonedx_validator, errors_text, spdx_validator

DATA = Path(os.environ.get("VIGIL_TEST_DATA", Path(__file__).resolve().parent.parent / "data"))
BINARY = os.environ.get("VIGIL_BINARY", "")
SCHEMAS = DATA / "schemas"

# Test-data file name pattern -> the name the analyzer table (src/scan/analyzers/table.cpp) looks for.
# Each file goes in a directory of its own, so several versions of one lockfile can coexist.
LOCKFILES = [
    ("package-lock*.json", "package-lock.json"),
    ("npm-shrinkwrap*.json", "npm-shrinkwrap.json"),
    ("yarn*.lock", "yarn.lock"),
    ("pnpm-lock*.yaml", "pnpm-lock.yaml"),
    ("poetry*.lock", "poetry.lock"),
    ("Pipfile*.lock", "Pipfile.lock"),
    ("uv*.lock", "uv.lock"),
    ("requirements*.txt", None),
    ("go.mod", "go.mod"),
    ("Cargo*.lock", "Cargo.lock"),
    ("gradle*.lockfile", "gradle.lockfile"),
    ("pom*.xml", "pom.xml"),
    ("composer*.lock", "composer.lock"),
    ("Gemfile*.lock", "Gemfile.lock"),
    ("packages*.lock.json", "packages.lock.json"),
    ("*.deps.json", None),
    ("conan*.lock", "conan.lock"),
    ("vcpkg*.json", "vcpkg.json"),
]
# Deliberately hostile inputs of the parser tests: they would only slow the scan down.
HOSTILE = re.compile(r"bomb|evil|broken|malformed|truncated|invalid|hostile|deep", re.IGNORECASE)


def canonical_name(name):
    for pattern, target in LOCKFILES:
        if fnmatch.fnmatchcase(name, pattern):
            return target or name
    return None


def build_tree(root):
    """Debian 12 rootfs with its dpkg status, plus one directory per lockfile found in tests/data."""
    (root / "etc").mkdir(parents=True)
    shutil.copy(DATA / "os" / "debian12-os-release", root / "etc" / "os-release")
    dpkg_status = DATA / "os" / "dpkg-status-debian12"
    if dpkg_status.is_file():
        (root / "var/lib/dpkg").mkdir(parents=True)
        shutil.copy(dpkg_status, root / "var/lib/dpkg/status")
    copied = []
    for group in sorted(p for p in DATA.iterdir() if p.is_dir() and p.name != "schemas"):
        for n, src in enumerate(sorted(p for p in group.iterdir() if p.is_file())):
            target = canonical_name(src.name)
            if target is None or HOSTILE.search(src.name) or src.name.endswith(".expected"):
                continue
            dest = root / "src" / group.name / str(n) / target
            dest.parent.mkdir(parents=True)
            shutil.copy(src, dest)
            copied.append(f"{group.name}/{src.name}")
    return copied


def load(name):
    with open(SCHEMAS / name, encoding="utf-8") as f:
        return json.load(f)


@unittest.skipUnless(BINARY, "VIGIL_BINARY is not set (ctest sets it)")
class SbomSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="vigil-sbom-e2e-")
        cls.root = Path(cls.tmp.name) / "rootfs"
        cls.copied = build_tree(cls.root)
        cls.cyclonedx = cls.run_sbom("cyclonedx")
        cls.spdx = cls.run_sbom("spdx-json")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def run_sbom(cls, fmt):
        out = Path(cls.tmp.name) / f"sbom.{fmt}.json"
        proc = subprocess.run(
            [BINARY, "sbom", str(cls.root), "--format", fmt, "--output", str(out), "--quiet"],
            capture_output=True, text=True, timeout=300, check=False)
        if proc.returncode != 0:
            raise AssertionError(f"vigil sbom --format {fmt} exited {proc.returncode}: {proc.stderr[-2000:]}")
        text = out.read_text(encoding="utf-8")
        assert text.endswith("\n"), "output should end with a newline"
        return json.loads(text)

    def test_cyclonedx_matches_official_schema(self):
        self.assertEqual(errors_text(cyclonedx_validator(), self.cyclonedx), "")
        self.assertEqual(self.cyclonedx["specVersion"], "1.5")

    def test_spdx_matches_official_schema(self):
        schema = load("spdx-schema.json")
        self.assertIs(jsonschema.validators.validator_for(schema), jsonschema.Draft7Validator)
        self.assertEqual(errors_text(spdx_validator(), self.spdx), "")
        self.assertEqual(self.spdx["spdxVersion"], "SPDX-2.3")
        self.assertRegex(self.spdx["creationInfo"]["created"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_scan_found_os_and_language_packages(self):
        components = self.cyclonedx["components"]
        os_components = [c for c in components if c["type"] == "operating-system"]
        self.assertEqual([(c["name"], c.get("version")) for c in os_components], [("debian", "12")])
        types = {c["purl"].split("/")[0] for c in components if "purl" in c}
        self.assertIn("pkg:deb", types)
        self.assertGreater(len(types), 1, f"only {types} from {self.copied}")

    def test_dpkg_purls_carry_the_distro(self):
        deb = [c["purl"] for c in self.cyclonedx["components"] if c.get("purl", "").startswith("pkg:deb/")]
        self.assertTrue(deb, "no dpkg package in the CycloneDX output")
        for purl in deb:
            self.assertRegex(purl, r"^pkg:deb/debian/[^@]+@[^?]+\?(.*&)?distro=debian-12(&|$)")
        spdx_deb = [r["referenceLocator"] for p in self.spdx["packages"] for r in p.get("externalRefs", [])
                    if r["referenceLocator"].startswith("pkg:deb/")]
        self.assertEqual(sorted(spdx_deb), sorted(deb))

    def test_both_formats_list_the_same_packages(self):
        cdx = sorted(c["purl"] for c in self.cyclonedx["components"] if "purl" in c)
        spdx = sorted(r["referenceLocator"] for p in self.spdx["packages"] for r in p.get("externalRefs", [])
                      if r["referenceType"] == "purl")
        self.assertEqual(cdx, spdx)
        refs = [c["bom-ref"] for c in self.cyclonedx["components"]]
        self.assertEqual(len(refs), len(set(refs)), "bom-refs must be unique")
        ids = [p["SPDXID"] for p in self.spdx["packages"]]
        self.assertEqual(len(ids), len(set(ids)), "SPDXIDs must be unique")
        for spdx_id in ids:
            self.assertRegex(spdx_id, r"^SPDXRef-[A-Za-z0-9.-]+$")


if __name__ == "__main__":
    unittest.main()
