"""Built-in rules on processes and the kernel, triggered for real under the live sensor (root), each in its own
cgroup (container rules: a cgroup named like a Docker container's). Table of rule -> test: live_rules_table.py."""
import os
import shutil
import tempfile
import unittest

from sensor_harness import (PYTHON, HttpServer, Listener, LiveSensor, container_cgroup_name, echoed_pid,
                            skip_unless_root, which)

PIPED_SCRIPT = "# the first line is read by the pipeline itself\necho $$\n"


@skip_unless_root()
class LiveProcessRules(unittest.TestCase):
    def test_shell_spawned_by_service(self):
        with LiveSensor(self) as s:
            nginx = s.path("nginx")  # a web server whose worker runs a command (here: a shell named nginx)
            shutil.copy("/bin/sh", nginx)
            p = s.run([nginx, "-c", "/bin/sh -c 'echo $$'; true"])
            s.stop()
        (d,) = s.expect("Shell spawned by a service", pid=echoed_pid(p), exe="/bin/sh", cmdline="sh -c echo $$")
        self.assertEqual(d["process"]["ancestors"][0]["exe"], nginx)

    def test_ld_preload_set(self):
        with LiveSensor(self) as s:
            env = dict(os.environ, LD_PRELOAD=s.path("libhook.so"))  # missing: ld.so warns and runs the program
            p = s.run(["/bin/true"], env=env)
            s.stop()
        s.expect("LD_PRELOAD set for a program", pid=p.pid, exe="/bin/true", cmdline="true")

    def test_program_run_from_memory(self):
        code = ("import os, sys\n"
                "fd = os.memfd_create('payload', 0)\n"
                "os.write(fd, open('/bin/true', 'rb').read())\n"
                "print(os.getpid(), flush=True)\n"
                "os.execve(fd, ['payload', '--quiet'], {})\n")  # fexecve: execveat(fd, \"\", AT_EMPTY_PATH)
        with LiveSensor(self) as s:
            p = s.run([PYTHON, "-c", code])
            s.stop()
        (d,) = s.expect("Program run from memory", pid=p.pid, pids=[p.pid])
        self.assertEqual(d["event"]["type"], "execve")
        self.assertTrue(d["process"]["exe"].startswith(("/memfd:payload", "/proc/self/fd/")), d["process"])
        self.assertEqual(d["event"]["argv"], ["payload", "--quiet"])

    def test_downloaded_file_made_executable_and_run(self):
        curl = which("curl")
        with LiveSensor(self) as s:
            os.mkdir(s.path("www"))
            shutil.copy("/bin/true", s.path("www", "update"))
            dropped = s.path("update")
            with HttpServer(s.path("www")) as http:
                p = s.run(f"{curl} -sf -o {dropped} {http.url}/update && chmod +x {dropped} && exec {dropped} --now")
            s.stop()
        (d,) = s.expect("Downloaded file made executable and run", pid=p.pid, exe=dropped, cmdline="update --now")
        self.assertEqual(d["event"]["type"], "execve")

    def test_program_run_from_hidden_directory(self):
        hidden_dir = tempfile.mkdtemp(prefix=".vigil-e2e-", dir="/tmp")  # a hidden directory right under /tmp
        shm_dir = tempfile.mkdtemp(prefix="vigil-e2e-", dir="/dev/shm")
        try:
            with LiveSensor(self) as s:
                hidden, in_shm = os.path.join(hidden_dir, "sync"), os.path.join(shm_dir, "kworker")
                shutil.copy("/bin/true", hidden)
                shutil.copy("/bin/true", in_shm)
                p = s.run([hidden, "--daemon"])
                q = s.run([in_shm])
                s.stop()
        finally:
            shutil.rmtree(hidden_dir, ignore_errors=True)
            shutil.rmtree(shm_dir, ignore_errors=True)
        rule = "Program run from a hidden or shared-memory directory"
        s.expect(rule, pid=p.pid, exe=hidden, cmdline="sync --daemon")
        s.expect(rule, pid=q.pid, exe=in_shm, cmdline="kworker")

    def test_netcat_with_command_execution(self):
        with LiveSensor(self) as s, Listener() as listener:
            nc = s.path("nc")
            os.symlink(which("busybox"), nc)
            argv = [nc, "-w", "2", "127.0.0.1", str(listener.port), "-e", "/bin/true"]  # busybox: -e PROG last
            p = s.run(argv)
            s.stop()
        s.expect("Netcat or socat with command execution", pid=p.pid, exe=nc, cmdline=" ".join(["nc"] + argv[1:]))

    def test_download_piped_into_shell(self):
        # The downloader's execve comes first: the reading side waits for the script's first line before exec-ing sh.
        curl = which("curl")
        with LiveSensor(self) as s:
            os.mkdir(s.path("www"))
            with open(s.path("www", "install.sh"), "w") as f:
                f.write(PIPED_SCRIPT)
            with HttpServer(s.path("www")) as http:
                p = s.run(f"{curl} -sf {http.url}/install.sh | {{ read -r _; exec /bin/sh; }}")
            s.stop()
        (d,) = s.expect("Download piped into a shell", pid=echoed_pid(p), exe="/bin/sh", cmdline="sh")
        self.assertIn(f"piped from curl -sf {http.url}/install.sh", d["output"])

    def test_download_piped_into_shell_started_first(self):
        # The shell's execve comes first: the writing side feeds it a line that creates a flag file, waits for the
        # flag (so sh runs), then execs curl.
        curl = which("curl")
        with LiveSensor(self) as s:
            os.mkdir(s.path("www"))
            with open(s.path("www", "install.sh"), "w") as f:
                f.write(PIPED_SCRIPT)
            flag, curl_pid = s.path("shell-started"), s.path("curl.pid")
            with HttpServer(s.path("www")) as http:
                writer = (f"echo 'echo > {flag}'; while [ ! -e {flag} ]; do sleep 0.01; done; "
                          f"exec /bin/sh -c 'echo $$ > {curl_pid}; exec {curl} -sf {http.url}/install.sh'")
                p = s.run(f"{{ {writer}; }} | /bin/sh")
            with open(curl_pid) as f:
                pid = int(f.read())
            s.stop()
        self.assertTrue(p.stdout.split(), "the piped script did not run")
        (d,) = s.expect("Download piped into a shell (shell started first)", pid=pid, exe=curl,
                        cmdline=f"curl -sf {http.url}/install.sh")
        self.assertTrue(d["output"].startswith("sh runs a script piped from curl"), d["output"])
        self.assertNotIn("Download piped into a shell", [x["rule"] for x in s.detections])

    def test_ptrace_attach(self):
        code = ("import ctypes, os, subprocess\n"
                "child = subprocess.Popen(['/bin/sleep', '10'])\n"
                "libc = ctypes.CDLL(None, use_errno=True)\n"
                "libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]\n"
                "assert libc.ptrace(16, child.pid, None, None) == 0, ctypes.get_errno()\n"  # PTRACE_ATTACH
                "os.waitpid(child.pid, 0)\n"
                "libc.ptrace(17, child.pid, None, None)\n"  # PTRACE_DETACH
                "child.kill(); child.wait()\n"
                "print(child.pid)\n")
        with LiveSensor(self) as s:
            p = s.run([PYTHON, "-c", code])
            s.stop()
        (d,) = s.expect("Process attached with ptrace", pid=p.pid, exe=PYTHON, event_type="ptrace")
        self.assertEqual(d["event"]["target_pid"], echoed_pid(p))
        self.assertEqual(d["event"]["request"], 16)

    def test_kernel_module_load_attempt(self):
        code = ("import ctypes\n"
                "libc = ctypes.CDLL(None, use_errno=True)\n"
                "junk = ctypes.create_string_buffer(b'not an ELF module' * 4)\n"
                "r = libc.syscall(175, junk, ctypes.c_ulong(len(junk.raw)), b'')\n"  # init_module: fails
                "print(r, ctypes.get_errno())\n")
        has_tracepoint = os.path.exists("/sys/kernel/tracing/events/syscalls/sys_exit_init_module")
        # A kernel without module support (this one: ENOSYS) has no init_module tracepoint: by default the sensor
        # says so on its start line, and --fallback-probes sees the attempts anyway.
        if not has_tracepoint:
            with LiveSensor(self) as s:
                s.stop()
            self.assertIn("not in this kernel (--fallback-probes sees attempts): init_module, finit_module",
                          s.attached_line)
        with LiveSensor(self, args=() if has_tracepoint else ("--fallback-probes",)) as s:
            p = s.run([PYTHON, "-c", code])
            s.stop()
        self.assertEqual(p.stdout.split()[0], "-1", p.stdout)
        (d,) = s.expect("Kernel module loaded", pid=p.pid, exe=PYTHON, event_type="init_module")
        self.assertEqual(d["event"]["ret"], -int(p.stdout.split()[1]))

    def test_bpf_program_load_attempt(self):
        code = ("import ctypes\n"
                "libc = ctypes.CDLL(None, use_errno=True)\n"
                "attr = ctypes.create_string_buffer(128)\n"  # zeroed bpf_attr: the load fails (EINVAL)
                "r = libc.syscall(321, 5, attr, 128)\n"  # bpf(BPF_PROG_LOAD, ...)
                "print(r, ctypes.get_errno())\n")
        with LiveSensor(self) as s:
            p = s.run([PYTHON, "-c", code])
            s.stop()
        self.assertEqual(p.stdout.split()[0], "-1", p.stdout)
        (d,) = s.expect("BPF program loaded by an unexpected process", pid=p.pid, exe=PYTHON, event_type="bpf")
        self.assertEqual(d["event"]["request"], 5)

    def test_crypto_miner_program_started(self):
        with LiveSensor(self) as s:
            miner = s.path("xmrig")
            shutil.copy("/bin/true", miner)
            p = s.run([miner, "-o", "stratum+tcp://pool.example.org:3333", "-u", "wallet"])
            s.stop()
        s.expect("Crypto-miner program started", pid=p.pid, exe=miner,
                 cmdline="xmrig -o stratum+tcp://pool.example.org:3333 -u wallet")

    def test_search_for_private_keys(self):
        find = which("find")
        with LiveSensor(self) as s:
            p = s.run([find, s.tmp, "-name", "id_rsa*"])
            s.stop()
        s.expect("Search for private keys or passwords", pid=p.pid, exe=find, cmdline=f"find {s.tmp} -name id_rsa*")

    def test_package_manager_in_container(self):
        dpkg = which("dpkg")
        name = container_cgroup_name()
        with LiveSensor(self, cgroup_name=name) as s:
            p = s.run([dpkg, "--version"])
            s.stop()
        (d,) = s.expect("Package manager run in a container", pid=p.pid, exe=dpkg, cmdline="dpkg --version")
        self.assertIn(name[len("docker-"):-len(".scope")], d["output"])

    def test_mount_in_container(self):
        mount = which("mount")
        name = container_cgroup_name()
        with LiveSensor(self, cgroup_name=name) as s:
            target = s.path("mnt")
            os.mkdir(target)
            p = s.run([which("unshare"), "--mount", "--propagation", "private", "/bin/sh", "-c",
                       f"echo $$; exec {mount} -t tmpfs vigil-e2e {target}"])
            s.stop()
        found = s.expect("Mount in a container", pid=echoed_pid(p), exe=mount, event_type="mount")
        self.assertIn(target, [d["event"]["path"] for d in found])
        self.assertIn(name[len("docker-"):-len(".scope")], found[0]["output"])


if __name__ == "__main__":
    unittest.main()
