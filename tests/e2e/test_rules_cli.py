"""`vigil rules check` and `vigil rules list` end to end: exit codes, FILE:LINE problems, table and JSON."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

VIGIL = os.environ.get("VIGIL_BINARY", "vigil")
DATA = os.environ.get("VIGIL_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
RULES = os.path.join(DATA, "watch", "rules")


def vigil(*args):
    # No vulnerability DB needed: the rules commands never open it.
    return subprocess.run([VIGIL, *args], capture_output=True, text=True, timeout=120)


class RulesCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vigil-e2e-rules-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_check_good_files(self):
        proc = vigil("rules", "check", os.path.join(RULES, "web_rules.yaml"), os.path.join(RULES, "extra_rules.yaml"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, "4 rules, 1 macros, 1 lists: OK\n")
        self.assertEqual(proc.stderr, "")

    def test_check_reports_every_problem_with_file_and_line(self):
        path = os.path.join(RULES, "problems.yaml")
        proc = vigil("rules", "check", path)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stdout, "")
        lines = proc.stderr.splitlines()
        self.assertEqual(lines[-1], "13 problems")
        self.assertEqual(lines[0], f"{path}:2: list 'never_used' is never used")
        self.assertIn(f"{path}:7: unknown field 'fd.nme'", lines)
        self.assertIn(f"{path}:75: unknown key 'enabeld'", lines)

    def test_check_missing_and_garbage_files(self):
        garbage = os.path.join(self.tmp, "garbage.yaml")
        with open(garbage, "wb") as f:
            f.write(b"- rule: [\x00\xff\n  - {")
        missing = os.path.join(self.tmp, "missing.yaml")
        proc = vigil("rules", "check", garbage, missing)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(f"{missing}: cannot read the file", proc.stderr)
        self.assertIn(f"{garbage}: invalid YAML at byte 9: control characters are not allowed", proc.stderr)

    def test_list_builtin_table(self):
        proc = vigil("rules", "list")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertRegex(lines[0], r"^RULE +PRIORITY +KIND +ENABLED +TAGS$")
        self.assertTrue(any(l.startswith("Downloaded file made executable and run ") and " sequence " in l
                            for l in lines), proc.stdout)
        self.assertTrue(any(" threshold " in l for l in lines))
        self.assertGreaterEqual(len(lines) - 1, 8)

    def test_list_json_of_files(self):
        proc = vigil("rules", "list", "--rules", os.path.join(RULES, "web_rules.yaml"), "-f", "json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rules = json.loads(proc.stdout)["rules"]
        self.assertEqual([r["rule"] for r in rules], ["Shell spawned by a web server", "Dropped binary executed",
                                                      "Connect storm", "Package manager in a container"])
        self.assertEqual(rules[1]["kind"], "sequence")
        self.assertEqual(rules[2]["priority"], "NOTICE")
        self.assertEqual(rules[3]["enabled"], False)
        self.assertEqual(rules[0]["tags"], ["process", "mitre_execution", "T1059.004"])
        self.assertEqual(rules[0]["line"], 2)

    def test_list_with_problems_fails(self):
        proc = vigil("rules", "list", "--rules", os.path.join(RULES, "problems.yaml"))
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stdout, "")

    def test_print_gives_the_builtin_rules_and_they_combine_with_files(self):
        printed = vigil("rules", "print")
        self.assertEqual(printed.returncode, 0, printed.stderr)
        copy = os.path.join(self.tmp, "copy.yaml")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(printed.stdout)
        builtin = json.loads(vigil("rules", "list", "-f", "json").stdout)["rules"]
        copied = json.loads(vigil("rules", "list", "--rules", copy, "-f", "json").stdout)["rules"]
        self.assertEqual([r["rule"] for r in copied], [r["rule"] for r in builtin])
        extra = os.path.join(self.tmp, "extra.yaml")
        with open(extra, "w", encoding="utf-8") as f:
            f.write("- list: exfil_allowed_hosts\n  items: [203.0.113.7]\n  append: true\n"
                    "- rule: Extra\n  desc: d\n  condition: evt.type = execve and proc.name = x\n"
                    "  output: o\n  priority: NOTICE\n")
        both = vigil("rules", "check", "builtin:default.yaml", extra)
        self.assertEqual(both.returncode, 0, both.stderr)
        self.assertTrue(both.stdout.startswith(f"{len(builtin) + 1} rules, "), both.stdout)
        alone = vigil("rules", "check", extra)  # without the built-ins, appending to an unknown list is a problem
        self.assertEqual(alone.returncode, 2)

    def test_help_has_examples(self):
        for sub in ("check", "list"):
            proc = vigil("rules", sub, "--help")
            self.assertEqual(proc.returncode, 0)
            self.assertIn("Examples:", proc.stdout)


if __name__ == "__main__":
    unittest.main()
