"""`vigil db import|update|info` end to end: real OSV archives (../shared/data/osv), a local GCS-like HTTP server
(tests/support/http_server.py) with injected faults for `db update`, and scans reading the DB while it is rebuilt.
What the archives hold is counted here in Python; the DB must agree, and a failed command must leave it untouched."""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import unittest
import zipfile

from vigil_e2e import SHARED_OSV, SOURCE, VIGIL

SCHEMA_VERSION = 2  # src/scan/vulndb/vulndb.hpp kSchemaVersion

SERVER = os.path.join(SOURCE, "tests", "support", "http_server.py")
ECOSYSTEMS = ["Go", "PyPI", "crates.io"]

# Two Rocky Linux advisories as osv.dev publishes them (RLSA ids mirror Red Hat's RHSA-2022:1642 and :1065).
ROCKY_RECORDS = [
    {"schema_version": "1.6.0", "id": "RLSA-2022:1642", "modified": "2023-02-08T18:38:07Z",
     "published": "2022-05-03T19:32:02Z", "upstream": ["CVE-2018-25032"],
     "summary": "Important: zlib security update",
     "affected": [{"package": {"ecosystem": "Rocky Linux:8", "name": "zlib"},
                   "ranges": [{"type": "ECOSYSTEM",
                               "events": [{"introduced": "0"}, {"fixed": "1.2.11-18.el8_5"}]}]}]},
    {"schema_version": "1.6.0", "id": "RLSA-2022:1065", "modified": "2023-02-08T18:37:19Z",
     "published": "2022-03-28T16:12:31Z", "upstream": ["CVE-2022-0778"],
     "summary": "Important: openssl security update",
     "affected": [{"package": {"ecosystem": "Rocky Linux:8", "name": "openssl"},
                   "ranges": [{"type": "ECOSYSTEM",
                               "events": [{"introduced": "0"}, {"fixed": "1:1.1.1k-6.el8_5"}]}]}]},
]

_zip_cache = {}


def shared_zip(eco):
    path = os.path.join(SHARED_OSV, eco + ".zip")
    if not os.path.exists(path):
        raise AssertionError(f"missing {path}: ../shared must be beside the checkout")
    return path


def zip_records(path):
    """{id: record} of every *.json entry, withdrawn ones included (cached: the zips are read-only)."""
    if path not in _zip_cache:
        with zipfile.ZipFile(path) as z:
            _zip_cache[path] = {r["id"]: r for r in (json.loads(z.read(n)) for n in z.namelist()
                                                      if n.endswith(".json"))}
    return _zip_cache[path]


def counts(records):
    """What `db info` must say for these records: {source ecosystem: (records, withdrawn)}."""
    out = {}
    for r in records.values():
        affected = r.get("affected") or []
        source = affected[0]["package"]["ecosystem"].split(":")[0] if affected else "unknown"
        total, withdrawn = out.get(source, (0, 0))
        out[source] = (total + 1, withdrawn + (1 if r.get("withdrawn") else 0))
    return out


def write_zip(path, records):
    """An all.zip as osv.dev lays it out: one <ID>.json per record, no folders."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for r in records:
            z.writestr(r["id"] + ".json", json.dumps(r, indent=2))


def subset(eco, n):
    """The first n records (by id) of a shared archive."""
    records = zip_records(shared_zip(eco))
    return [records[i] for i in sorted(records)[:n]]


def vigil(*args, env=None, timeout=300):
    full_env = dict(os.environ)
    full_env.pop("VIGIL_DB", None)
    full_env.update(env or {})
    return subprocess.run([VIGIL, *args], capture_output=True, text=True, timeout=timeout, env=full_env)


def info(db):
    proc = vigil("db", "info", "--db", db, "-f", "json")
    if proc.returncode != 0:
        raise AssertionError(f"db info exited {proc.returncode}: {proc.stderr}")
    return json.loads(proc.stdout)


def db_counts(doc):
    return {eco: (c["records"], c["withdrawn"]) for eco, c in doc["ecosystems"].items()}


def snapshot(path):
    """Identity and content of a file: a command that must not touch it leaves all of these equal."""
    st = os.stat(path)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return st.st_ino, st.st_mtime_ns, st.st_size, digest


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vigil-e2e-db-")
        self.db = os.path.join(self.tmp, "db", "vuln.db")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_ok(self, proc):
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc

    def assert_no_leftovers(self):
        """A finished command leaves only the DB in its directory (no .tmp-<pid> files)."""
        self.assertEqual(sorted(os.listdir(os.path.dirname(self.db))), ["vuln.db"])


class ImportTest(TempDirTest):
    def test_three_archives_counts_and_sources(self):
        paths = [shared_zip(eco) for eco in ECOSYSTEMS]
        proc = self.assert_ok(vigil("db", "import", "--db", self.db, "-q", *paths))
        doc = info(self.db)
        expected = {}
        for path in paths:
            expected.update(counts(zip_records(path)))
        self.assertEqual(set(expected), set(ECOSYSTEMS))  # each archive holds its own ecosystem only
        self.assertEqual(db_counts(doc), expected)
        total = sum(n for n, _ in expected.values())
        withdrawn = sum(w for _, w in expected.values())
        self.assertIn(f"{total} records imported ({withdrawn} withdrawn)", proc.stderr)
        self.assertEqual(doc["schema_version"], SCHEMA_VERSION)
        self.assertRegex(doc["built_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual([(s["ecosystem"], s["origin"]) for s in doc["sources"]], list(zip(ECOSYSTEMS, paths)))
        for s in doc["sources"]:
            self.assertEqual((s["etag"], s["last_modified"], s["sha256"]), ("", "", ""))
        newest = max(r["modified"] for r in zip_records(paths[2]).values())
        self.assertEqual(doc["ecosystems"]["crates.io"]["newest_modified"], newest)
        # Importing the same archive again duplicates nothing (records at the same "modified" are rewritten).
        self.assert_ok(vigil("db", "import", "--db", self.db, paths[2]))
        self.assertEqual(db_counts(info(self.db)), expected)
        table = self.assert_ok(vigil("db", "info", "--db", self.db)).stdout
        self.assertRegex(table, rf"crates\.io\s+{expected['crates.io'][0]}\s+{expected['crates.io'][1]}\s")
        self.assertRegex(table, rf"total\s+{total}\n")
        self.assert_no_leftovers()

    def test_directory_then_single_record(self):
        crates = subset("crates.io", 40)
        tree = os.path.join(self.tmp, "advisories")
        for i, r in enumerate(crates):  # nested folders, as in a checkout of an advisory repository
            folder = os.path.join(tree, "crates", r["affected"][0]["package"]["name"] if i % 2 else "")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, r["id"] + ".json"), "w", encoding="utf-8") as f:
                json.dump(r, f)
        with open(os.path.join(tree, "README.md"), "w", encoding="utf-8") as f:
            f.write("not a record\n")
        self.assert_ok(vigil("db", "import", "--db", self.db, tree + "/"))
        self.assertEqual(db_counts(info(self.db)), counts({r["id"]: r for r in crates}))

        pypi = zip_records(shared_zip("PyPI"))
        record = pypi["PYSEC-2021-9"] if "PYSEC-2021-9" in pypi else pypi[sorted(pypi)[0]]
        single = os.path.join(self.tmp, record["id"] + ".json")
        with open(single, "w", encoding="utf-8") as f:
            json.dump(record, f)
        self.assert_ok(vigil("db", "import", "--db", self.db, single))
        doc = info(self.db)
        self.assertEqual(doc["ecosystems"]["PyPI"]["records"], 1)
        self.assertEqual(doc["ecosystems"]["crates.io"]["records"], len(crates))
        # A directory given with a trailing slash is recorded under its own name, like one without.
        self.assertEqual({s["ecosystem"]: s["origin"] for s in doc["sources"]},
                         {"advisories": tree + "/", record["id"]: single})
        self.assert_no_leftovers()

    def test_older_copy_is_kept_out_newer_copy_replaces(self):
        crates = subset("crates.io", 10)
        write_zip(os.path.join(self.tmp, "in", "crates.io.zip"), crates)
        self.assert_ok(vigil("db", "import", "--db", self.db, os.path.join(self.tmp, "in", "crates.io.zip")))
        record = dict(crates[0], modified="2000-01-01T00:00:00Z", withdrawn="2000-01-01T00:00:00Z")
        single = os.path.join(self.tmp, record["id"] + ".json")
        with open(single, "w", encoding="utf-8") as f:
            json.dump(record, f)
        proc = self.assert_ok(vigil("db", "import", "--db", self.db, single))
        self.assertIn("0 records imported (0 withdrawn), 1 already up to date", proc.stderr)
        self.assertEqual(info(self.db)["ecosystems"]["crates.io"]["withdrawn"], counts(
            {r["id"]: r for r in crates})["crates.io"][1])
        record["modified"] = record["withdrawn"] = "2099-01-01T00:00:00Z"
        with open(single, "w", encoding="utf-8") as f:
            json.dump(record, f)
        proc = self.assert_ok(vigil("db", "import", "--db", self.db, single))
        self.assertIn("1 records imported (1 withdrawn), 0 already up to date", proc.stderr)
        crates[0] = record
        self.assertEqual(db_counts(info(self.db)), counts({r["id"]: r for r in crates}))
        self.assertEqual(info(self.db)["ecosystems"]["crates.io"]["newest_modified"], "2099-01-01T00:00:00Z")

    def test_source_names(self):
        """Each input is recorded under a name (a later input of the same name replaces its row)."""
        record = subset("crates.io", 1)[0]
        for folder in ("crates.io", "PyPI", os.path.join("mirror", "Go")):
            os.makedirs(os.path.join(self.tmp, folder))
            with open(os.path.join(self.tmp, folder, record["id"] + ".json"), "w", encoding="utf-8") as f:
                json.dump(record, f)
        write_zip(os.path.join(self.tmp, "mirror", "Go", "all.zip"), [record])
        inputs = ["crates.io/", "PyPI", "./mirror/Go/all.zip"]
        proc = subprocess.run([VIGIL, "db", "import", "--db", self.db, *inputs], cwd=self.tmp, capture_output=True,
                              text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual({s["ecosystem"]: s["origin"] for s in info(self.db)["sources"]},
                         {"crates.io": "crates.io/", "PyPI": "PyPI", "Go": "./mirror/Go/all.zip"})
        proc = subprocess.run([VIGIL, "db", "import", "--db", self.db, "."], cwd=os.path.join(self.tmp, "PyPI"),
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual({s["ecosystem"]: s["origin"] for s in info(self.db)["sources"]}["PyPI"], ".")

    def test_malformed_record_leaves_db_unchanged(self):
        self.assert_ok(vigil("db", "import", "--db", self.db, shared_zip("crates.io")))
        before = snapshot(self.db)
        bad = os.path.join(self.tmp, "GHSA-bad.json")
        with open(bad, "w", encoding="utf-8") as f:
            f.write('{"id": "GHSA-bad", "modified": "2024-01-01T00:00:00Z", "affected": [')  # truncated
        proc = vigil("db", "import", "--db", self.db, bad)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(bad, proc.stderr)
        self.assertIn("the DB was not changed", proc.stderr)
        self.assertEqual(snapshot(self.db), before)
        # A bad record among good inputs fails the whole command: nothing of the good ones is kept either.
        good = os.path.join(self.tmp, "good")
        write_zip(os.path.join(good, "PyPI.zip"), subset("PyPI", 5))
        proc = vigil("db", "import", "--db", self.db, os.path.join(good, "PyPI.zip"), bad)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(snapshot(self.db), before)
        # Wrong types are as fatal as broken syntax for a record named on the command line.
        with open(bad, "w", encoding="utf-8") as f:
            json.dump({"id": 42, "modified": [], "affected": "PyPI"}, f)
        proc = vigil("db", "import", "--db", self.db, bad)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(bad, proc.stderr)
        self.assertEqual(snapshot(self.db), before)
        self.assert_no_leftovers()

    def test_missing_path_is_exit_2(self):
        missing = os.path.join(self.tmp, "nope", "PyPI.zip")
        proc = vigil("db", "import", "--db", self.db, missing)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(missing, proc.stderr)
        self.assertFalse(os.path.exists(self.db))  # no DB appears from a failed first import
        proc = vigil("db", "info", "--db", self.db)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("vigil db import", proc.stderr)

    def test_not_a_zip_and_empty_inputs_are_exit_2(self):
        self.assert_ok(vigil("db", "import", "--db", self.db, shared_zip("crates.io")))
        before = snapshot(self.db)
        junk = os.path.join(self.tmp, "Go.zip")
        with open(junk, "wb") as f:
            f.write(b"PK\x03\x04 this is not really a zip archive")
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        for path in (junk, empty):
            proc = vigil("db", "import", "--db", self.db, path)
            self.assertEqual(proc.returncode, 2, path)
            self.assertIn(path, proc.stderr)
            self.assertEqual(snapshot(self.db), before)

    def test_other_schema_version_is_rebuilt(self):
        self.assert_ok(vigil("db", "import", "--db", self.db, shared_zip("crates.io")))
        with sqlite3.connect(self.db) as conn:
            conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        conn.close()
        proc = vigil("db", "info", "--db", self.db)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("schema version 99", proc.stderr)
        self.assertIn(f"reads version {SCHEMA_VERSION}", proc.stderr)
        self.assertIn("rebuild it", proc.stderr)
        purls = os.path.join(self.tmp, "purls.txt")
        with open(purls, "w", encoding="utf-8") as f:
            f.write("pkg:cargo/smallvec@1.6.0\n")
        proc = vigil("scan", "purl", purls, "--db", self.db)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("schema version 99", proc.stderr)
        pypi = subset("PyPI", 7)
        write_zip(os.path.join(self.tmp, "in", "PyPI.zip"), pypi)
        self.assert_ok(vigil("db", "import", "--db", self.db, os.path.join(self.tmp, "in", "PyPI.zip")))
        doc = info(self.db)
        self.assertEqual(doc["schema_version"], SCHEMA_VERSION)
        # Rebuilt from scratch: the old layout's rows are not carried over.
        self.assertEqual(db_counts(doc), counts({r["id"]: r for r in pypi}))
        self.assertEqual([s["ecosystem"] for s in doc["sources"]], ["PyPI"])

    def test_db_location_env_and_option(self):
        record = subset("crates.io", 1)[0]
        single = os.path.join(self.tmp, record["id"] + ".json")
        with open(single, "w", encoding="utf-8") as f:
            json.dump(record, f)
        home = os.path.join(self.tmp, "home")
        self.assert_ok(vigil("db", "import", single, env={"HOME": home, "XDG_DATA_HOME": ""}))
        self.assertTrue(os.path.isfile(os.path.join(home, ".local", "share", "vigil", "vuln.db")))
        xdg = os.path.join(self.tmp, "xdg")
        self.assert_ok(vigil("db", "import", single, env={"HOME": home, "XDG_DATA_HOME": xdg}))
        self.assertTrue(os.path.isfile(os.path.join(xdg, "vigil", "vuln.db")))
        self.assert_ok(vigil("db", "import", single, env={"HOME": home, "VIGIL_DB": self.db}))
        out = self.assert_ok(vigil("db", "info", "-f", "json", env={"VIGIL_DB": self.db})).stdout
        self.assertEqual(json.loads(out)["path"], self.db)
        other = os.path.join(self.tmp, "other.db")
        proc = vigil("db", "info", "--db", other, env={"VIGIL_DB": self.db})  # --db wins over $VIGIL_DB
        self.assertEqual(proc.returncode, 2)
        self.assertIn(other, proc.stderr)


class Server:
    """tests/support/http_server.py on an ephemeral port, serving root; control() sets per-path faults."""

    def __init__(self, root, tmp):
        self.root = root
        self.log_path = os.path.join(tmp, "requests.jsonl")
        self.control_path = os.path.join(tmp, "control.json")
        self.control({})
        self.proc = subprocess.Popen([sys.executable, SERVER, "--root", root, "--log", self.log_path,
                                      "--control", self.control_path], stdout=subprocess.PIPE, text=True)
        self.url = f"http://127.0.0.1:{int(self.proc.stdout.readline())}/osv"
        self.seen = 0

    def control(self, overrides):
        with open(self.control_path + ".new", "w", encoding="utf-8") as f:
            json.dump(overrides, f)
        os.replace(self.control_path + ".new", self.control_path)

    def new_requests(self):
        """Requests logged since the last call."""
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path, encoding="utf-8") as f:
            entries = [json.loads(line) for line in f]
        fresh, self.seen = entries[self.seen:], len(entries)
        return fresh

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


class UpdateTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.root = os.path.join(self.tmp, "www")
        os.makedirs(os.path.join(self.root, "osv"))
        self.server = Server(self.root, self.tmp)

    def tearDown(self):
        self.server.stop()
        super().tearDown()

    def archive(self, eco):
        return os.path.join(self.root, "osv", eco, "all.zip")

    def update(self, *ecosystems):
        args = ["db", "update", "--db", self.db, "--base-url", self.server.url]
        for eco in ecosystems:
            args += ["--ecosystem", eco]
        return vigil(*args)

    def serve_small(self, eco, n):
        records = subset(eco, n)
        write_zip(self.archive(eco), records)
        return counts({r["id"]: r for r in records})

    def test_download_then_not_modified_then_one_changed(self):
        for eco in ECOSYSTEMS:
            os.makedirs(os.path.dirname(self.archive(eco)))
            shutil.copyfile(shared_zip(eco), self.archive(eco))
        expected = {}
        for eco in ECOSYSTEMS:
            expected.update(counts(zip_records(shared_zip(eco))))

        self.assert_ok(self.update(*ECOSYSTEMS))
        doc = info(self.db)
        self.assertEqual(db_counts(doc), expected)
        first_sources = {s["ecosystem"]: s for s in doc["sources"]}
        for eco in ECOSYSTEMS:
            with open(self.archive(eco), "rb") as f:
                sha = hashlib.sha256(f.read()).hexdigest()
            s = first_sources[eco]
            self.assertEqual(s["origin"], f"{self.server.url}/{eco}/all.zip")
            self.assertEqual(s["etag"], f'"{sha[:16]}"')
            self.assertTrue(s["last_modified"].endswith(" GMT"), s)
            self.assertEqual(s["sha256"], sha)
        requests = self.server.new_requests()
        self.assertEqual([(r["path"], r["status"]) for r in requests],
                         [(f"/osv/{eco}/all.zip", 200) for eco in ECOSYSTEMS])
        self.assertTrue(all("if-none-match" not in r["headers"] for r in requests))
        self.assertTrue(all(r["headers"]["user-agent"].startswith("vigil/") for r in requests))
        self.assert_no_leftovers()

        # Nothing changed: one conditional request per ecosystem (taken from the DB's sources), a 304 each,
        # and the DB file is not rewritten.
        before = snapshot(self.db)
        proc = self.assert_ok(vigil("db", "update", "--db", self.db, "--base-url", self.server.url))
        self.assertEqual(proc.stderr.count("not modified"), 3, proc.stderr)
        self.assertIn("up to date", proc.stderr)
        requests = self.server.new_requests()
        self.assertEqual(sorted((r["path"], r["status"], r["headers"].get("if-none-match")) for r in requests),
                         [(f"/osv/{eco}/all.zip", 304, first_sources[eco]["etag"]) for eco in ECOSYSTEMS])
        self.assertEqual(snapshot(self.db), before)

        # crates.io drops six records upstream (two of them withdrawn ones): only it is fetched and re-imported.
        crates = zip_records(shared_zip("crates.io"))
        withdrawn = sorted(i for i, r in crates.items() if r.get("withdrawn"))[:2]
        dropped = set(withdrawn) | set(sorted(i for i in crates if i not in withdrawn)[:4])
        kept = {i: r for i, r in crates.items() if i not in dropped}
        write_zip(self.archive("crates.io"), kept.values())
        self.assert_ok(self.update())
        requests = self.server.new_requests()
        self.assertEqual(sorted((r["path"], r["status"]) for r in requests),
                         [("/osv/Go/all.zip", 304), ("/osv/PyPI/all.zip", 304), ("/osv/crates.io/all.zip", 200)])
        doc = info(self.db)
        expected["crates.io"] = counts(kept)["crates.io"]
        self.assertEqual(expected["crates.io"][0], len(crates) - 6)
        self.assertEqual(expected["crates.io"][1], counts(crates)["crates.io"][1] - 2)
        self.assertEqual(db_counts(doc), expected)
        sources = {s["ecosystem"]: s for s in doc["sources"]}
        for eco in ("Go", "PyPI"):
            self.assertEqual(sources[eco], first_sources[eco])  # same validators, same import time
        self.assertNotEqual(sources["crates.io"]["etag"], first_sources["crates.io"]["etag"])
        self.assertNotEqual(os.stat(self.db).st_ino, before[0])  # a new file renamed into place
        self.assert_no_leftovers()

    def test_503_twice_then_success(self):
        expected = self.serve_small("crates.io", 30)
        self.server.control({"/osv/crates.io/all.zip": {"fail_first": 2}})
        self.assert_ok(self.update("crates.io"))
        self.assertEqual([r["status"] for r in self.server.new_requests()], [503, 503, 200])
        self.assertEqual(db_counts(info(self.db)), expected)

    def test_truncated_body_is_retried(self):
        expected = self.serve_small("PyPI", 60)
        self.server.control({"/osv/PyPI/all.zip": {"truncate_first": 1}})
        self.assert_ok(self.update("PyPI"))
        requests = self.server.new_requests()
        self.assertEqual([(r["status"], r["truncated"]) for r in requests], [(200, True), (200, False)])
        self.assertEqual(db_counts(info(self.db)), expected)

    def test_permanent_404_keeps_old_db(self):
        self.serve_small("Go", 25)
        self.assert_ok(self.update("Go"))
        before = snapshot(self.db)
        self.server.new_requests()
        self.serve_small("Go", 30)  # changed, so a successful run would rebuild the DB
        proc = self.update("Go", "npm")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("npm", proc.stderr)
        self.assertIn("404", proc.stderr)
        self.assertIn("the DB was not changed", proc.stderr)
        self.assertEqual([(r["path"], r["status"]) for r in self.server.new_requests()],
                         [("/osv/Go/all.zip", 200), ("/osv/npm/all.zip", 404)])  # a 404 is not retried
        self.assertEqual(snapshot(self.db), before)
        self.assert_no_leftovers()

    def test_bad_md5_keeps_old_db(self):
        self.serve_small("Go", 25)
        self.assert_ok(self.update("Go"))
        before = snapshot(self.db)
        self.server.new_requests()
        self.serve_small("Go", 30)
        self.server.control({"*": {"bad_md5": True}})
        proc = self.update("Go")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("checksum mismatch", proc.stderr)
        self.assertIn("gave up after 4 attempts", proc.stderr)
        self.assertEqual([r["status"] for r in self.server.new_requests()], [200] * 4)
        self.assertEqual(snapshot(self.db), before)
        self.assert_no_leftovers()

    def test_not_a_zip_or_empty_archive_keeps_old_db(self):
        self.serve_small("Go", 25)
        self.assert_ok(self.update("Go"))
        before = snapshot(self.db)
        with open(self.archive("Go"), "wb") as f:
            f.write(b"<html>captive portal</html>\n")
        proc = self.update("Go")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("not a readable zip archive", proc.stderr)
        self.assertEqual(snapshot(self.db), before)
        write_zip(self.archive("Go"), [])
        proc = self.update("Go")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no OSV records", proc.stderr)
        self.assertEqual(snapshot(self.db), before)
        self.assert_no_leftovers()

    def test_ecosystem_with_space_is_url_encoded(self):
        write_zip(self.archive("Rocky Linux"), ROCKY_RECORDS)
        self.assert_ok(self.update("Rocky Linux"))
        requests = self.server.new_requests()
        # Python's server rejects a request line with a raw space (400) and would log "%20" for a double escape.
        self.assertEqual([(r["path"], r["status"]) for r in requests], [("/osv/Rocky Linux/all.zip", 200)])
        doc = info(self.db)
        self.assertEqual(db_counts(doc), {"Rocky Linux": (2, 0)})
        self.assertEqual(doc["sources"][0]["origin"], f"{self.server.url}/Rocky%20Linux/all.zip")
        self.assert_ok(self.update())  # the next run asks for the same URL, conditionally
        requests = self.server.new_requests()
        self.assertEqual([(r["path"], r["status"]) for r in requests], [("/osv/Rocky Linux/all.zip", 304)])

    def test_credentials_in_base_url_are_sent_but_never_stored_or_shown(self):
        self.serve_small("Go", 5)
        secret_url = self.server.url.replace("http://", "http://mirror:s3cret-token@")
        args = ["db", "update", "--db", self.db, "--base-url", secret_url, "--ecosystem", "Go"]
        self.assert_ok(vigil(*args))
        requests = self.server.new_requests()
        self.assertEqual(requests[0]["headers"]["authorization"], "Basic bWlycm9yOnMzY3JldC10b2tlbg==")
        self.assertEqual(info(self.db)["sources"][0]["origin"], f"{self.server.url}/Go/all.zip")
        for fmt in ("table", "json"):
            self.assertNotIn("s3cret", vigil("db", "info", "--db", self.db, "-f", fmt).stdout)
        with open(self.db, "rb") as f:
            self.assertNotIn(b"s3cret", f.read())
        self.assert_ok(vigil(*args))  # the stored validators still apply to the same mirror
        self.assertEqual([r["status"] for r in self.server.new_requests()], [304])
        write_zip(self.archive("Go"), [])
        proc = vigil(*args)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no OSV records", proc.stderr)
        self.assertNotIn("s3cret", proc.stderr)

    def test_base_url_must_be_http(self):
        proc = vigil("db", "update", "--db", self.db, "--base-url", "file:///etc", "--ecosystem", "Go")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("unsupported URL scheme", proc.stderr)
        self.assertFalse(os.path.exists(self.db))


class ConcurrentReadersTest(TempDirTest):
    READERS = 4
    PURLS = "pkg:cargo/smallvec@1.6.0\npkg:pypi/django@3.2.0\npkg:golang/golang.org/x/text@v0.3.5\n"

    def reader(self, stop, results):
        while True:
            proc = vigil("scan", "purl", self.purls, "--db", self.db, "-f", "json", "-q")
            try:
                doc = json.loads(proc.stdout)
            except ValueError:
                doc = None
            results.append((proc.returncode, doc is not None and "vulnerabilities" in doc, proc.stderr))
            if stop.is_set():
                return

    def test_scans_keep_working_during_import(self):
        self.purls = os.path.join(self.tmp, "purls.txt")
        with open(self.purls, "w", encoding="utf-8") as f:
            f.write(self.PURLS)
        small = os.path.join(self.tmp, "in", "crates.io.zip")
        write_zip(small, subset("crates.io", 50))
        self.assert_ok(vigil("db", "import", "--db", self.db, small))
        stop = threading.Event()
        results = [[] for _ in range(self.READERS)]
        threads = [threading.Thread(target=self.reader, args=(stop, results[i])) for i in range(self.READERS)]
        for t in threads:
            t.start()
        try:
            self.assert_ok(vigil("db", "import", "--db", self.db, *(shared_zip(eco) for eco in ECOSYSTEMS)))
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        runs = [r for per_thread in results for r in per_thread]
        self.assertGreaterEqual(len(runs), self.READERS)
        failures = [r for r in runs if r[0] != 0 or not r[1] or "error" in r[2]]
        self.assertEqual(failures, [], f"{len(failures)} of {len(runs)} scans failed")
        # After the import the readers see the new DB: the Django, smallvec and x/text advisories.
        proc = self.assert_ok(vigil("scan", "purl", self.purls, "--db", self.db, "-f", "json", "-q"))
        names = {v["package"]["name"] for v in json.loads(proc.stdout)["vulnerabilities"]}
        self.assertEqual(names, {"smallvec", "django", "golang.org/x/text"})
        print(f"{len(runs)} scans ran during the import, none failed")


if __name__ == "__main__":
    unittest.main()
