"""The live eBPF sensor itself (root): what it says when attached and stopped, what it records for exec, fork, exit,
file and socket events, its cgroup filter, that it never traces itself, and that --record replays to the same
detections. Every scenario runs in the test's own cgroup (sensor_harness.LiveSensor)."""
import json
import os
import shutil
import subprocess
import unittest

from sensor_harness import PYTHON, Listener, LiveSensor, closed_port, echoed_pid, skip_unless_root, which
from vigil_e2e import VIGIL


@skip_unless_root()
class LiveSensorTest(unittest.TestCase):
    def test_attached_and_stopped_lines(self):
        with LiveSensor(self) as s:
            self.assertGreater(s.probes, 0)
            self.assertIn("tracepoints", s.backend)  # the backend in use is named
            self.assertGreater(s.rule_count, 0)
            self.assertTrue(s.attached_line.endswith(f"watching cgroup {s.cgroup}"), s.attached_line)
            s.run(["/bin/true"])
            s.stop()
        self.assertEqual(s.dropped, 0)
        self.assertGreater(s.event_count, 0)
        self.assertGreaterEqual(s.event_count, len(s.events))

    def test_exec_recorded_in_full(self):
        with LiveSensor(self) as s:
            work = s.path("work dir")
            os.mkdir(work)
            shutil.copy("/bin/true", os.path.join(work, "prog"))
            env = {"PATH": "/usr/bin:/bin", "VIGIL_E2E_SECRET": "hunter2"}
            with open(s.path("err.txt"), "w") as err:
                p = s.run(["./prog", "one arg", "", "--two=2"], cwd=work, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=err)
            s.stop()
        (e,) = s.events_of(p.pid, "execve")
        got = {k: e.get(k) for k in ("filename", "argv", "cwd", "stdin_type", "stdout_type", "stderr_type", "comm")}
        got["env"] = sorted(e["env"])
        self.assertEqual(got, {
            "filename": os.path.join(work, "prog"),  # made absolute from the relative ./prog
            "argv": ["./prog", "one arg", "", "--two=2"],
            "cwd": work,
            "stdin_type": "chr", "stdout_type": "pipe", "stderr_type": "file",
            "comm": "prog",
            "env": ["PATH", "VIGIL_E2E_SECRET"],  # names only: values can be secrets
        })
        self.assertEqual(e.get("uid", 0), 0)
        self.assertFalse(any("=" in x for x in e["env"]), e["env"])
        self.assertEqual(e["comm"], "prog")
        self.assertEqual(e.get("uid", 0), 0)
        self.assertNotIn("hunter2", json.dumps(s.events))

    def test_env_values_on_request(self):
        with LiveSensor(self, args=["--env-values"]) as s:
            p = s.run(["/bin/true"], env={"PATH": "/usr/bin:/bin", "VIGIL_E2E_SECRET": "hunter2"})
            s.stop()
        (e,) = s.events_of(p.pid, "execve")
        self.assertEqual(sorted(e["env"]), ["PATH=/usr/bin:/bin", "VIGIL_E2E_SECRET=hunter2"])

    def test_only_the_cgroup_is_traced_and_never_the_sensor(self):
        with LiveSensor(self) as s:
            outside = subprocess.run(["/bin/sh", "-c", "cat /etc/hostname; echo $$"], capture_output=True, text=True)
            inside = s.run(["/bin/sh", "-c", "cat /etc/hostname >/dev/null; echo $$"])
            cgroup_id = os.stat(s.cgroup).st_ino  # bpf_get_current_cgroup_id(): the v2 directory's inode
            s.stop()
        outside_pid, inside_pid = int(outside.stdout.split()[-1]), echoed_pid(inside)
        self.assertEqual(s.events_of(outside_pid), [], "a process outside the cgroup was recorded")
        self.assertTrue(s.events_of(inside_pid, "execve"), s.explain())
        self.assertFalse([e for e in s.events if e.get("pid") == s.proc.pid or e.get("ppid") == s.proc.pid])
        self.assertFalse([e for e in s.events if e.get("pid") == os.getpid()])  # the test (outside) neither
        cgroup_ids = {e["cgroup_id"] for e in s.events}
        self.assertEqual(cgroup_ids, {cgroup_id}, "events from another cgroup")

    def test_ignored_pids_are_never_traced(self):
        script = "import sys\nsys.stdin.readline()\nopen('/etc/hostname').close()\n"
        ignored = subprocess.Popen([PYTHON, "-c", script], stdin=subprocess.PIPE, text=True)
        try:
            with LiveSensor(self, args=["--ignore-pid", str(ignored.pid)]) as s:
                with open(os.path.join(s.cgroup, "cgroup.procs"), "w") as f:
                    f.write(str(ignored.pid))  # now inside the traced cgroup, yet ignored
                ignored.communicate("go\n", timeout=30)
                control = s.run([PYTHON, "-c", "open('/etc/hostname').close()"])
                s.stop()
        finally:
            if ignored.poll() is None:
                ignored.kill()
                ignored.wait()
        self.assertEqual(s.events_of(ignored.pid), [])
        opened = [e["path"] for e in s.events_of(control.pid, "open")]
        self.assertIn("/etc/hostname", opened)

    def test_fork_and_exit_codes(self):
        with LiveSensor(self) as s:
            p3 = s.run(["/bin/sh", "-c", "exit 3"], check=False)
            forked = s.run(["/bin/sh", "-c", "/bin/true; echo $$"])
            killed = s.run(["/bin/sh", "-c", "kill -9 $$"], check=False)
            s.stop()
        self.assertEqual(p3.returncode, 3)
        (exit3,) = s.events_of(p3.pid, "procexit")
        self.assertEqual(exit3.get("exit_code", 0), 3)
        (exit_killed,) = s.events_of(killed.pid, "procexit")
        self.assertEqual(exit_killed.get("exit_code"), 128 + 9)
        sh = echoed_pid(forked)
        clones = s.events_of(sh, "clone")
        self.assertEqual(len(clones), 1, s.explain([sh]))
        child = clones[0]["child_pid"]
        (child_exec,) = s.events_of(child, "execve")
        self.assertEqual(child_exec["filename"], "/bin/true")
        self.assertEqual(child_exec["ppid"], sh)
        self.assertEqual(s.events_of(child, "procexit")[0].get("exit_code", 0), 0)

    def test_connect_records_addresses_and_result(self):
        port = closed_port()
        with LiveSensor(self) as s, Listener() as listener:
            code = ("import socket\n"
                    f"a = socket.create_connection(('127.0.0.1', {listener.port})); a.close()\n"
                    f"b = socket.socket(); print(b.connect_ex(('127.0.0.1', {port})))\n"
                    "c = socket.socket(socket.AF_UNIX); print(c.connect_ex('/nonexistent/vigil-e2e.sock'))\n")
            p = s.run([PYTHON, "-c", code])
            s.stop()
        connects = s.events_of(p.pid, "connect")
        ok = [e for e in connects if e.get("dport") == listener.port]
        refused = [e for e in connects if e.get("dport") == port]
        unix = [e for e in connects if e.get("family") == "unix"]
        self.assertEqual(len(ok), 1, s.explain([p.pid]))
        self.assertEqual((ok[0]["family"], ok[0]["daddr"], ok[0].get("ret", 0)), ("inet", "127.0.0.1", 0))
        self.assertEqual(len(refused), 1, connects)
        self.assertEqual((refused[0]["daddr"], refused[0]["ret"]), ("127.0.0.1", -111))
        self.assertEqual(len(unix), 1, connects)
        self.assertEqual((unix[0]["unix_path"], unix[0]["ret"]), ("/nonexistent/vigil-e2e.sock", -2))

    def test_file_events_with_relative_paths_are_absolute(self):
        with LiveSensor(self) as s:
            with open(s.path("a.txt"), "w") as f:
                f.write("x")
            p = s.run(["/bin/sh", "-c", "echo $$; mv a.txt b.txt && chmod 600 b.txt && rm b.txt && echo y > c.txt"])
            s.stop()
        pid = echoed_pid(p)
        got = {(e["type"], e.get("path"), e.get("new_path")) for e in s.events
               if e["type"] in ("rename", "chmod", "unlink") or (e["type"] == "open" and e["pid"] == pid
                                                                  and e.get("path", "").endswith("c.txt"))}
        self.assertEqual(got, {("rename", s.path("a.txt"), s.path("b.txt")), ("chmod", s.path("b.txt"), None),
                               ("unlink", s.path("b.txt"), None), ("open", s.path("c.txt"), None)}, s.explain())
        (chmod,) = [e for e in s.events if e["type"] == "chmod"]
        self.assertEqual(chmod["mode"] & 0o7777, 0o600)
        (created,) = [e for e in s.events_of(pid, "open") if e.get("path", "").endswith("c.txt")]
        self.assertEqual(created["flags"] & 0o1103, 0o1101)  # O_WRONLY|O_CREAT|O_TRUNC

    def test_record_replays_to_the_same_detections(self):
        with LiveSensor(self) as s:
            target = s.path("helper")
            shutil.copy("/bin/true", target)
            s.run(f"cat /etc/shadow >/dev/null; chmod 4755 {target}; {which('find')} {s.tmp} -name id_rsa")
            s.run([PYTHON, "-c", "import socket; socket.socket().connect_ex(('127.0.0.1', 3333))"])
            s.stop()
            replay = subprocess.run([VIGIL, "watch", "--replay", s.rec_path], capture_output=True, text=True,
                                    timeout=120)
        self.assertEqual(replay.returncode, 0, replay.stderr)
        replayed = [json.loads(line) for line in replay.stdout.splitlines()]

        def key(d):  # ancestors outside the recording are known live (a /proc snapshot) but not in replay
            return (d["rule"], d["process"]["pid"], d["process"]["exe"], d["process"]["cmdline"],
                    json.dumps(d["event"], sort_keys=True), d["repeats"])

        live_rules = {d["rule"] for d in s.detections}
        self.assertLessEqual({"Credential file read by an unexpected process", "New setuid binary",
                              "Search for private keys or passwords", "Connection to a crypto-miner pool port"},
                             live_rules, s.explain())
        self.assertEqual(sorted(map(key, replayed)), sorted(map(key, s.detections)))


if __name__ == "__main__":
    unittest.main()
