"""The sensor's in-kernel filter of read-only opens (root), each scenario in its own cgroup: with the built-in rules
reads of a credential file (absolute or relative path) and of CI runner secrets (in an actions-runner directory under
no path prefix of the filter: they pass by basename prefix) are still detected while reads of files no rule can
match are dropped in the kernel and counted on the stop line; with --record every open is still seen."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from sensor_harness import PYTHON, LiveSensor, skip_unless_root, which

FILTERED = re.compile(r", (\d+) read-only opens filtered in the kernel")
READS = 1000  # opens of /etc/hostname by one process


def reader(path, n):
    """A python process that opens `path` read-only n times."""
    return [PYTHON, "-c", f"import os\nfor _ in range({n}): os.close(os.open({path!r}, os.O_RDONLY))"]


@skip_unless_root()
class LiveOpenFilter(unittest.TestCase):
    def test_default_rules_drop_uninteresting_reads_and_keep_credential_reads(self):
        cat = which("cat")
        with LiveSensor(self, record=False) as s:
            quiet = s.run(reader("/etc/hostname", READS))
            absolute = s.run([cat, "/etc/shadow"], stdout=subprocess.DEVNULL)
            # Relative paths are always sent: userspace resolves them with the process tree's cwd.
            relative = s.run([cat, "shadow"], cwd="/etc", stdout=subprocess.DEVNULL)
            # Under /var/tmp, which no path prefix covers: the basename prefixes (.credentials, .runner) keep them in.
            runner = os.path.join(tempfile.mkdtemp(prefix="vigil-e2e-filter-", dir="/var/tmp"), "actions-runner")
            self.addCleanup(shutil.rmtree, os.path.dirname(runner))
            os.makedirs(runner)
            secret, registration = os.path.join(runner, ".credentials"), os.path.join(runner, ".runner")
            # The rule's `*/actions-runner/.credentials*` matches below such a directory too ('*' matches '/'): the
            # probe tests every component, not only the last.
            nested = os.path.join(runner, ".credentials.d", "token")
            os.makedirs(os.path.dirname(nested))
            for path in (secret, registration, nested):
                with open(path, "w") as f:
                    f.write('{"scheme": "OAuth"}\n')
            ci = s.run([cat, secret], stdout=subprocess.DEVNULL)
            ci2 = s.run(reader(registration, 1))
            ci3 = s.run(reader(nested, 1))
            s.stop()
        match = FILTERED.search(s.stop_line)
        self.assertIsNotNone(match, s.stop_line)
        # Every open of /etc/hostname was dropped in the kernel (and so are python's own reads of /usr/lib...):
        # what was sent is a few exec, fork, exit and the credential reads, far fewer than the opens.
        self.assertGreaterEqual(int(match.group(1)), READS, s.stop_line)
        self.assertLess(s.event_count, READS, s.stop_line)
        self.assertEqual(quiet.returncode, 0)
        rule = "Credential file read by an unexpected process"
        (d,) = s.expect(rule, pid=absolute.pid, exe=cat, cmdline="cat /etc/shadow")
        self.assertEqual(d["event"]["path"], "/etc/shadow")
        (d,) = s.expect(rule, pid=relative.pid, exe=cat, cmdline="cat shadow")
        self.assertEqual(d["event"]["path"], "/etc/shadow")
        (d,) = s.expect("CI runner secret file read", pid=ci.pid, exe=cat, cmdline=f"cat {secret}")
        self.assertEqual(d["event"]["path"], secret)
        (d,) = s.expect("CI runner secret file read", pid=ci2.pid)
        self.assertEqual(d["event"]["path"], registration)
        (d,) = s.expect("CI runner secret file read", pid=ci3.pid)
        self.assertEqual(d["event"]["path"], nested)
        self.assertEqual(len(s.detections), 5, s.detections)

    def test_disguised_paths_are_not_filtered_and_reach_the_rules_made_normal(self):
        """"/tmp/../etc/shadow" starts with no prefix of the filter, but it is /etc/shadow: the probe keeps paths with
        empty, "." or ".." components and paths too long for its key, and userspace makes them normal."""
        cat = which("cat")
        disguised = ["/tmp/../etc/shadow", "//etc//shadow", "/etc/./shadow"]
        long_detour = "/" + "tmp/../" * 40 + "etc/hostname"  # 293 bytes: longer than the probe's 256-byte key
        with LiveSensor(self, record=False) as s:
            runs = [s.run([cat, path], stdout=subprocess.DEVNULL) for path in disguised]
            kept = s.run(reader("/tmp/../etc/hostname", READS))  # kept by the probe, matched by no rule
            long_kept = s.run(reader(long_detour, READS))
            s.stop()
        rule = "Credential file read by an unexpected process"
        for path, run in zip(disguised, runs):
            (d,) = s.expect(rule, pid=run.pid, exe=cat, cmdline=f"cat {path}")
            self.assertEqual(d["event"]["path"], "/etc/shadow", path)
        self.assertEqual((kept.returncode, long_kept.returncode), (0, 0))
        # Both readers' opens reached userspace (their python start-up reads under /usr are still dropped): with
        # /etc/hostname's opens filtered the count stays far below READS (the test above).
        self.assertGreaterEqual(s.event_count, 2 * READS, s.stop_line)
        self.assertEqual(len(s.detections), 3, s.detections)

    def test_record_keeps_every_open(self):
        with LiveSensor(self) as s:
            p = s.run(reader("/etc/hostname", 50))
            s.stop()
        self.assertIsNone(FILTERED.search(s.stop_line), s.stop_line)  # no filter while recording
        opens = [e for e in s.events_of(p.pid, "open") if e.get("path") == "/etc/hostname"]
        self.assertEqual(len(opens), 50, s.explain([p.pid]))


if __name__ == "__main__":
    unittest.main()
