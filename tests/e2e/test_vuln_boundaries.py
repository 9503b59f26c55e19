"""Matching on real advisories, end to end: the shared PyPI archive is imported with `vigil db import`, and
versions just below, at and above every range boundary of a sample of records go through `vigil scan purl`.
The expected answer comes from the OSV schema's evaluation pseudocode run with Python's `packaging` (the
reference PEP 440 implementation, Debian python3-packaging)."""
import functools
import json
import os
import random
import tempfile
import time
import unittest
import zipfile

from packaging.version import InvalidVersion, Version

from vigil_e2e import SHARED_OSV, run

SAMPLE_RECORDS = 400


@functools.lru_cache(maxsize=None)
def parse(v):
    try:
        return Version(v)
    except InvalidVersion:
        return None


def included_in_ranges(v, ranges):
    """The schema's IncludedInRanges, with "0" below everything and limits honoured."""
    for r in ranges:
        if r.get("type") not in ("ECOSYSTEM", "SEMVER"):
            continue
        events = r.get("events", [])
        limits = [e["limit"] for e in events if "limit" in e]
        if limits and not any("*" in lim or (parse(lim) is not None and v < parse(lim)) for lim in limits):
            continue

        def key(item):
            index, e = item
            value = next(iter(e.values()))
            if "introduced" in e and value == "0":
                return (0, Version("0"), index)
            return (1, parse(value) or Version("0"), index)

        vulnerable = False
        for _, e in sorted(enumerate(events), key=key):
            if "introduced" in e and (e["introduced"] == "0" or v >= parse(e["introduced"])):
                vulnerable = True
            elif "fixed" in e and v >= parse(e["fixed"]):
                vulnerable = False
            elif "last_affected" in e and v > parse(e["last_affected"]):
                vulnerable = False
        if vulnerable:
            return True
    return False


def affects(record, name, v):
    for a in record.get("affected", []):
        if a.get("package", {}).get("name") != name:
            continue
        if any(parse(x) == v for x in a.get("versions", []) if parse(x) is not None):
            return True
        if included_in_ranges(v, a.get("ranges", [])):
            return True
    return False


def boundary_versions(record):
    """Every event version, plus one just below (.dev0 sorts first) and one just above (.post1)."""
    points = set()
    for a in record.get("affected", []):
        for r in a.get("ranges", []):
            for e in r.get("events", []):
                value = next(iter(e.values()))
                if value == "0" or parse(value) is None:
                    continue
                base = parse(value)
                points.update({str(base), f"{base.base_version}.dev0" if not base.is_devrelease else str(base),
                               f"{base.base_version}.post1"})
    return {p for p in points if parse(p) is not None}


class BoundaryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        zip_path = os.path.join(SHARED_OSV, "PyPI.zip")
        if not os.path.exists(zip_path):
            raise AssertionError(f"missing {zip_path}: ../shared must be beside the checkout")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "vuln.db")
        run("db", "import", "--db", cls.db, "-q", zip_path)
        with zipfile.ZipFile(zip_path) as z:
            records = [json.loads(z.read(n)) for n in z.namelist()]
        cls.records = {r["id"]: r for r in records if not r.get("withdrawn")}
        cls.by_package = {}
        for r in cls.records.values():
            for a in r.get("affected", []):
                cls.by_package.setdefault(a["package"]["name"], []).append(r)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_boundaries_match_the_reference(self):
        rng = random.Random(20261127)
        sample = rng.sample(sorted(self.records), SAMPLE_RECORDS)
        queries = set()
        for rid in sample:
            record = self.records[rid]
            names = {a["package"]["name"] for a in record.get("affected", []) if a["package"].get("ecosystem") == "PyPI"}
            for name in names:
                for v in boundary_versions(record):
                    queries.add((name, v))
        self.assertGreater(len(queries), 1500)
        purls = "".join(f"pkg:pypi/{name}@{v}\n" for name, v in sorted(queries))
        started = time.monotonic()
        report = json.loads(run("scan", "purl", "-", "--db", self.db, "-f", "json", "-q", input=purls).stdout)
        print(f"vigil scan purl: {time.monotonic() - started:.2f}s for {len(queries)} purls")
        got = {}
        for f in report["vulnerabilities"]:
            key = (f["package"]["name"], f["package"]["version"])
            got.setdefault(key, set()).update({f["id"], *f["aliases"]})
        mismatches = []
        for name, v in sorted(queries):
            expected = {r["id"] for r in self.by_package.get(name, []) if affects(r, name, parse(v))}
            found = got.get((name, v), set()) & set(self.records)
            if expected != found:
                mismatches.append(f"{name} {v}: expected {sorted(expected)}, vigil {sorted(found)}")
        self.assertEqual(mismatches, [], "\n".join(mismatches[:20]))
        print(f"{len(queries)} (package, version) points from {SAMPLE_RECORDS} records agree with the reference")


if __name__ == "__main__":
    unittest.main()
