"""The live eBPF sensor under test: `LiveSensor` runs `vigil watch` on a fresh cgroup v2 directory of its own and
runs scenario processes inside that cgroup, so other processes on the machine (and parallel tests) never show up.

    with LiveSensor(self) as sensor:
        proc = sensor.run(["cat", "/etc/shadow"])
        detections, events = sensor.stop()

Needs root (the tests skip themselves otherwise) and a cgroup v2 mount (found in /proc/mounts, never assumed).
No sleep is used as an assertion: after its scenario a test stops the sensor, which drains its ring buffer."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from vigil_e2e import VIGIL, watch_schema_errors

START_TIMEOUT = 60  # seconds until the "watching" line
STOP_TIMEOUT = 60
SCENARIO_TIMEOUT = 30
ATTACHED = re.compile(r"^vigil watch: (\d+) probes attached \((.*)\), (\d+) rules; watching (.*)$", re.M)
STOPPED = re.compile(r"^vigil watch: stopped; (\d+) events, (\d+) dropped\b.*$", re.M)
PYTHON = sys.executable  # the real interpreter (not a pyenv shim script), so a scenario's exe is predictable


def cgroup2_mount():
    """Where cgroup v2 is mounted (/sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones)."""
    with open("/proc/mounts", encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 3 and fields[2] == "cgroup2":
                return fields[1].replace("\\040", " ")
    return None


def skip_unless_root():
    """unittest skip decorator for hosts where the live sensor cannot run (not root, no cgroup v2)."""
    if os.geteuid() != 0:
        return unittest.skip("the live sensor needs root")
    if cgroup2_mount() is None:
        return unittest.skip("no cgroup v2 mount in /proc/mounts")
    return lambda cls: cls


def container_cgroup_name():
    """A cgroup directory named the way Docker's systemd driver names a container's: docker-<64 hex>.scope."""
    return "docker-" + uuid.uuid4().hex + uuid.uuid4().hex + ".scope"


class LiveSensor:
    """`vigil watch --cgroup DIR -o det.jsonl --record rec.jsonl` on a fresh cgroup DIR.

    rules: rule files (default: the built-in rules); args: more `vigil watch` options; cgroup_name: the name of the
    traced directory (default a unique vigil-e2e-* name; container_cgroup_name() makes it look like a container).
    The traced directory is made inside a unique parent, so its name need not be unique itself. record=False leaves
    out --record (which turns the in-kernel open filter off): then only detections and the stop line are seen."""

    def __init__(self, test, rules=None, args=(), cgroup_name=None, record=True):
        self.test = test
        self.record = record
        self.rules = list(rules or [])
        self.args = list(args)
        self.cgroup_name = cgroup_name
        self.proc = None
        self.stopped = False
        self.detections = None
        self.events = None
        self.attached_line = None
        self.stop_line = None
        self.stderr_text = ""

    # --- lifecycle ------------------------------------------------------------------------------------------------

    def __enter__(self):
        mount = cgroup2_mount()
        if mount is None:
            raise unittest.SkipTest("no cgroup v2 mount")
        self.tmp = tempfile.mkdtemp(prefix="vigil-e2e-live-")
        self.base = os.path.join(mount, f"vigil-e2e-{os.getpid()}-{uuid.uuid4().hex[:12]}")
        os.mkdir(self.base)
        self.cgroup = os.path.join(self.base, self.cgroup_name) if self.cgroup_name else self.base
        if self.cgroup != self.base:
            os.mkdir(self.cgroup)
        self.det_path = os.path.join(self.tmp, "det.jsonl")
        self.rec_path = os.path.join(self.tmp, "rec.jsonl")
        self.err_path = os.path.join(self.tmp, "stderr.txt")
        argv = [VIGIL, "watch", "--cgroup", self.cgroup, "-o", self.det_path]
        if self.record:
            argv += ["--record", self.rec_path]
        for rules in self.rules:
            argv += ["--rules", rules]
        argv += self.args
        try:
            self._err = open(self.err_path, "w+", encoding="utf-8")
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._err)
            self._wait_attached()
        except BaseException:
            self._cleanup()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if not self.stopped and self.proc is not None and self.proc.poll() is None:
                if exc_type is None:
                    self.stop()
                else:  # the test already failed: just end the sensor
                    self._interrupt()
        finally:
            self._cleanup()
        return False

    def _stderr(self):
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def _wait_attached(self):
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            text = self._stderr()
            match = ATTACHED.search(text)
            if match:
                self.attached_line = match.group(0)
                self.probes, self.backend, self.rule_count = int(match.group(1)), match.group(2), int(match.group(3))
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"vigil watch exited {self.proc.returncode} before attaching:\n{text}")
            if time.monotonic() > deadline:
                raise AssertionError(f"vigil watch did not attach within {START_TIMEOUT} s:\n{text}")
            time.sleep(0.02)  # polling for the line, not an assertion

    def _cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if getattr(self, "_err", None) is not None:
            self._err.close()
        for directory in (getattr(self, "cgroup", None), getattr(self, "base", None)):
            if directory and os.path.isdir(directory):
                self._kill_members(directory)
                for _ in range(200):  # rmdir fails (EBUSY) until the killed processes are reaped
                    try:
                        os.rmdir(directory)
                        break
                    except FileNotFoundError:
                        break
                    except OSError:
                        time.sleep(0.01)
        if getattr(self, "tmp", None):
            shutil.rmtree(self.tmp, ignore_errors=True)

    @staticmethod
    def _kill_members(directory):
        for _ in range(50):
            try:
                with open(os.path.join(directory, "cgroup.procs"), encoding="utf-8") as f:
                    pids = [int(p) for p in f.read().split()]
            except OSError:
                return
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)

    # --- scenarios ------------------------------------------------------------------------------------------------

    def _enter_cgroup(self):
        procs = os.path.join(self.cgroup, "cgroup.procs")

        def preexec():
            with open(procs, "w") as f:
                f.write(str(os.getpid()))

        return preexec

    def popen(self, cmd, **kw):
        """Starts cmd (argv list, or a string run by /bin/sh -c) inside the traced cgroup; the caller waits."""
        if isinstance(cmd, str):
            cmd = ["/bin/sh", "-c", cmd]
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        kw.setdefault("text", True)
        kw.setdefault("cwd", self.tmp)
        return subprocess.Popen(cmd, preexec_fn=self._enter_cgroup(), **kw)

    def run(self, cmd, check=True, timeout=SCENARIO_TIMEOUT, input=None, **kw):
        """Runs cmd inside the traced cgroup and waits for it: a CompletedProcess with .pid added."""
        if input is not None:
            kw["stdin"] = subprocess.PIPE
        proc = self.popen(cmd, **kw)
        try:
            out, err = proc.communicate(input=input, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"scenario {cmd!r} did not end within {timeout} s: {out} {err}")
        done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        done.pid = proc.pid
        if check and proc.returncode != 0:
            raise AssertionError(f"scenario {cmd!r} exited {proc.returncode}:\nstdout: {out}\nstderr: {err}")
        return done

    def path(self, *parts):
        """A path in this test's private temporary directory."""
        return os.path.join(self.tmp, *parts)

    def _interrupt(self):
        """SIGINT and wait; kills the sensor after STOP_TIMEOUT. False when it had to be killed."""
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(STOP_TIMEOUT)
            return True
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return False

    # --- results --------------------------------------------------------------------------------------------------

    def stop(self):
        """SIGINT, wait, check exit 0 and "0 dropped"; returns (detections, events) parsed from the JSON lines."""
        self.test.assertFalse(self.stopped, "stop() called twice")
        self.stopped = True
        if not self._interrupt():
            raise AssertionError(f"vigil watch did not stop within {STOP_TIMEOUT} s after SIGINT")
        self.stderr_text = self._stderr()
        self.test.assertEqual(self.proc.returncode, 0, self.stderr_text)
        match = STOPPED.search(self.stderr_text)
        self.test.assertIsNotNone(match, f"no stop line on stderr:\n{self.stderr_text}")
        self.stop_line = match.group(0)
        self.event_count, self.dropped = int(match.group(1)), int(match.group(2))
        self.test.assertEqual(self.dropped, 0, self.stop_line)
        self.detections = read_jsonl(self.det_path)
        self.events = read_jsonl(self.rec_path) if self.record else []
        # What the live sensor writes keeps to the documented schemas (docs/schemas/).
        self.test.assertEqual(watch_schema_errors(self.detections, self.events), "")
        return self.detections, self.events

    # Helpers over the results (after stop()).

    def of_rule(self, rule):
        return [d for d in self.detections if d["rule"] == rule]

    def events_of(self, pid=None, type=None):
        return [e for e in self.events
                if (pid is None or e.get("pid") == pid) and (type is None or e["type"] == type)]

    def explain(self, pids=()):
        """Text for a failure message: the detections, and the events of the given pids (or the last 60)."""
        pids = set(pids)
        shown = [e for e in self.events if e.get("pid") in pids] if pids else self.events[-60:]
        lines = ["detections:"] + [json.dumps({k: d[k] for k in ("rule", "output", "process", "event")})
                                   for d in self.detections]
        shown = [dict(e, env=e["env"][:3] + ["..."]) if len(e.get("env", [])) > 3 else e for e in shown]
        lines += [f"events ({len(shown)} of {len(self.events)}):"] + [json.dumps(e) for e in shown[:80]]
        return "\n".join(lines)

    def expect(self, rule, pid=None, exe=None, cmdline=None, cmdline_contains=None, event_type=None, pids=()):
        """The detections of `rule` whose process matches what is given; fails with the recorded events if none."""
        found = self.of_rule(rule)
        self.test.assertTrue(found, f"no detection of {rule!r}\n{self.explain(pids or ([pid] if pid else []))}")
        matching = [d for d in found
                    if (pid is None or d["process"]["pid"] == pid)
                    and (exe is None or d["process"]["exe"] == exe)
                    and (cmdline is None or d["process"]["cmdline"] == cmdline)
                    and (cmdline_contains is None or cmdline_contains in d["process"]["cmdline"])
                    and (event_type is None or d["event"]["type"] == event_type)]
        want = dict(pid=pid, exe=exe, cmdline=cmdline, cmdline_contains=cmdline_contains, event_type=event_type)
        self.test.assertTrue(matching, f"{rule!r} detected, but not for {want}:\n"
                                       + "\n".join(json.dumps(d["process"]) + " " + json.dumps(d["event"])
                                                   for d in found))
        for d in matching:
            self.test.assertEqual(d["event"]["pid"], d["process"]["pid"])
        return matching


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def which(name):
    found = shutil.which(name, path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    if found is None:
        raise unittest.SkipTest(f"{name} is not installed")
    return found


# --- Local network peers (in the test process, outside the traced cgroup) ----------------------------------------

class Listener:
    """A TCP listener on 127.0.0.1 accepting in a thread; `script` is sent to each connection, what comes back kept."""

    def __init__(self, script=b""):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.script = script
        self.received = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(10)
                try:
                    if self.script:
                        conn.sendall(self.script)
                    data = b""
                    while True:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                    self.received.append(data)
                except OSError:
                    pass

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class HttpServer:
    """A local HTTP server over a directory (the "download" side of downloader scenarios), in a thread."""

    def __init__(self, directory):
        handler = lambda *a, **kw: _QuietHandler(*a, directory=directory, **kw)  # noqa: E731
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        return False


def closed_port():
    """A local TCP port nothing listens on (bound then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def in_private_mounts(tmpfs_over, script):
    """argv of `/bin/sh -c script` in a private mount namespace with a fresh tmpfs over each of tmpfs_over: writes
    to /etc, /usr/local/bin, /proc/sys/kernel... land in the tmpfs and never reach the real files (the tmpfs hides
    them only inside that namespace, which ends with the shell)."""
    mounts = " && ".join(f"mount -t tmpfs vigil-e2e {d}" for d in tmpfs_over)
    return [which("unshare"), "--mount", "--propagation", "private", "/bin/sh", "-c", f"{mounts} && {script}"]


def echoed_pid(proc, index=0):
    """The pid a scenario printed (`echo $$`) as the index-th number of its stdout."""
    return int(proc.stdout.split()[index])
