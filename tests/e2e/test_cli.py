"""The CLI end to end: help on every command, exit codes, warnings that name the file, atomic output."""
import json
import os
import shutil
import stat
import threading
import tempfile
import unittest

from vigil_e2e import DATA, SOURCE, run, run_json

COMMANDS = [[], ["scan"], ["scan", "fs"], ["scan", "rootfs"], ["sbom"]]


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vigil-e2e-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_help_everywhere_with_examples(self):
        for cmd in COMMANDS:
            out = run(*cmd, "--help").stdout
            self.assertIn("Usage:", out, cmd)
            if cmd and cmd[-1] in ("fs", "rootfs", "sbom"):
                self.assertIn("Examples:", out, cmd)

    def test_version(self):
        self.assertRegex(run("--version").stdout, r"^vigil \d+\.\d+\.\d+")

    def test_missing_target_is_exit_2_naming_it(self):
        proc = run("scan", "fs", os.path.join(self.tmp, "nope"), check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("nope", proc.stderr)

    def test_unknown_format_is_exit_2(self):
        proc = run("scan", "fs", self.tmp, "--format", "xml", check=False)
        self.assertEqual(proc.returncode, 2)

    def test_broken_lockfile_warns_and_scan_goes_on(self):
        os.makedirs(os.path.join(self.tmp, "app"))
        with open(os.path.join(self.tmp, "app", "package-lock.json"), "w") as f:
            f.write('{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0"')  # truncated
        shutil.copy(os.path.join(DATA, "os", "debian12-os-release"), os.path.join(self.tmp, "os-release"))
        proc = run("scan", "fs", self.tmp, "-f", "json")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("app/package-lock.json", proc.stderr)
        report = json.loads(proc.stdout)
        self.assertTrue(any(w["file"] == "app/package-lock.json" for w in report["warnings"]))

    def test_output_file_is_written_whole_or_not_at_all(self):
        out = os.path.join(self.tmp, "report.json")
        run("scan", "fs", self.tmp, "-f", "json", "-o", out)
        with open(out) as f:
            self.assertEqual(json.load(f)["target"]["kind"], "fs")
        proc = run("scan", "fs", self.tmp, "-o", os.path.join(self.tmp, "no-such-dir", "r.json"), check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(os.listdir(self.tmp), ["report.json"])  # no temporary file left behind

    def test_output_to_a_fifo_writes_in_place(self):
        # A device or FIFO is written to, never replaced by a renamed temp file (as root, -o /dev/null once
        # turned /dev/null into a regular file).
        fifo = os.path.join(self.tmp, "pipe")
        os.mkfifo(fifo)
        chunks = []
        reader = threading.Thread(target=lambda: chunks.append(open(fifo).read()))
        reader.start()
        run("scan", "fs", self.tmp, "-f", "json", "-o", fifo)
        reader.join(timeout=60)
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))
        self.assertEqual(json.loads(chunks[0])["target"]["kind"], "fs")
        run("scan", "fs", self.tmp, "-q", "-o", "/dev/null")
        self.assertTrue(stat.S_ISCHR(os.stat("/dev/null").st_mode))

    def test_sample_project_has_packages_of_many_ecosystems(self):
        report = run_json("scan", "fs", os.path.join(SOURCE, "examples", "sample-project"), "-f", "json")
        ecosystems = {p["ecosystem"] for p in report["packages"]}
        self.assertGreaterEqual(len(ecosystems), 5, ecosystems)
        for pkg in report["packages"]:
            self.assertTrue(pkg["purl"].startswith("pkg:"), pkg)
            self.assertTrue(pkg["name"] and pkg["location"], pkg)


if __name__ == "__main__":
    unittest.main()
