// The rules shipped inside the binary ("builtin:default.yaml"): a small Falco-like set with MITRE ATT&CK tags.
// Kept as one YAML text so `vigil rules list` shows exactly what `vigil watch` loads; docs/rules.md explains them.
#include "watch/rules.hpp"

namespace vigil::watch {
namespace {

constexpr std::string_view kDefaultRules = R"yaml(
- list: shell_binaries
  items: [sh, bash, dash, zsh, ksh, ash, fish, busybox]
- list: script_interpreters
  items: [python, python2, python3, python3.8, python3.9, python3.10, python3.11, python3.12, python3.13, perl, ruby,
          php, lua, tclsh]
- list: service_processes
  items: [nginx, httpd, apache2, lighttpd, caddy, php-fpm, gunicorn, uwsgi, puma, unicorn, tomcat, catalina, postgres,
          mysqld, mariadbd, redis-server, memcached, mongod]
# Application runtimes count as services only when a supervisor started them (on the host or as a container's
# first process); run from a shell or a build, their shells are ordinary.
- list: service_runtimes
  items: [node, java, python, python3, php, ruby, perl, dotnet]
- list: service_supervisors
  items: [systemd, init, containerd-shim, containerd-shim-runc-v2, conmon, tini, dumb-init, supervisord, runsv,
          s6-supervise, pm2]
- list: credential_readers
  items: [sshd, sudo, su, login, passwd, chpasswd, unix_chkpwd, systemd, systemd-logind, cron, crond, useradd,
          usermod, ssh, ssh-agent, ssh-add, gpg-agent, vigil]
- list: credential_files
  items: [/etc/shadow, /etc/gshadow, /root/.ssh, /root/.aws, /root/.config/gcloud, /root/.kube/config]
- list: miner_ports
  items: [3333, 4444, 5555, 7777, 14444, 14433, 45700]
- list: container_runtimes
  items: [dockerd, containerd, containerd-shim, containerd-shim-runc-v2, runc, crun, podman, conmon, kubelet, crio,
          docker, nerdctl, ctr, crictl]
- list: package_managers
  items: [dpkg, apt, apt-get, aptitude, unattended-upgr, packagekitd, rpm, yum, dnf, microdnf, zypper, apk, pacman,
          snapd]
- list: downloaders
  items: [curl, wget, fetch, aria2c]
- list: preload_wrappers
  items: [fakeroot, faked-sysv, faked-tcp, fakechroot, eatmydata, faketime, proxychains, proxychains4, torsocks,
          libtool]
- list: preload_wrapper_variables
  items: [FAKEROOTKEY, FAKECHROOT, FAKETIME, PROXYCHAINS_CONF_FILE, TORSOCKS_CONF_FILE]
- list: ci_runner_programs
  items: [Runner.Worker, Runner.Listener, gitlab-runner, gitlab-runner-h]
- list: socket_activators
  items: [systemd, inetd, xinetd, sshd, sshd-session, tcpserver, s6-tcpserver, socat]
- list: exfil_allowed_hosts
  items: []
- list: miner_programs
  items: [xmrig, xmrig-notls, minerd, cpuminer, cpuminer-multi, ccminer, t-rex, nbminer, lolminer, ethminer,
          phoenixminer, gminer, nanominer, bminer, teamredminer, srbminer-multi, xmr-stak]
- list: binary_directories
  items: [/bin, /sbin, /usr/bin, /usr/sbin, /usr/local/bin, /usr/local/sbin, /lib, /lib32, /lib64, /libx32, /usr/lib,
          /usr/lib32, /usr/lib64, /usr/libx32]
- list: account_files
  items: [/etc/passwd, /etc/shadow, /etc/group, /etc/gshadow]
- list: account_tools
  items: [passwd, useradd, usermod, userdel, groupadd, groupmod, groupdel, chpasswd, chgpasswd, chage, chsh, chfn,
          vipw, vigr, newusers, gpasswd, pwck, grpck, pwconv, grpconv, adduser, deluser, addgroup, delgroup,
          systemd-sysuser, cloud-init]
- list: log_keepers
  items: [logrotate, systemd-journal, journalctl, rsyslogd, syslog-ng, systemd-tmpfile, Xorg, sadc]
- list: systemd_unit_directories
  items: [/etc/systemd/system, /etc/systemd/user, /lib/systemd/system, /usr/lib/systemd/system, /lib/systemd/user,
          /usr/lib/systemd/user, /root/.config/systemd/user]
- list: bpf_loaders
  items: [vigil, bpftool, bpftrace, systemd, systemd-network, systemd-resolve, systemd-journal, systemd-logind,
          systemd-udevd, runc, crun, containerd, dockerd, cilium-agent, falco, tracee, tetragon, perf]
- list: kernel_hook_writers
  items: [systemd, systemd-sysctl, sysctl, systemd-binfmt, update-binfmts, apport, systemd-coredump]

- macro: spawned_process
  condition: evt.type = execve
- macro: open_write
  condition: evt.type = open and (evt.flags contains O_WRONLY or evt.flags contains O_RDWR)
- macro: open_read
  condition: evt.type = open and evt.flags contains O_RDONLY
# The process or one of its five nearest ancestors is a package manager (dpkg runs maintainer scripts, which run
# helpers, which write system files).
- macro: package_mgmt_ancestor
  condition: >
    proc.name in (package_managers) or proc.pname in (package_managers) or proc.aname[2] in (package_managers)
    or proc.aname[3] in (package_managers) or proc.aname[4] in (package_managers)
    or proc.aname[5] in (package_managers)
- macro: pip_process
  condition: >
    proc.name in (pip, pip3) or proc.cmdline glob "python* -m pip *" or proc.cmdline contains "pip/__pip-runner__.py"
# Language package managers installing as root write /usr/local/bin and /usr/lib (`sudo npm install -g`, gem).
- macro: language_package_manager
  condition: >
    pip_process or proc.name in (npm, yarn, pnpm, gem, bundle) or proc.cmdline glob "node */npm *"
    or proc.cmdline glob "node */npm-cli.js *"
- macro: shell_or_interpreter
  condition: proc.name in (shell_binaries) or proc.name in (script_interpreters)
# A shell running a script it reads from a pipe: standard input a pipe and no script argument (none, or only -s
# with arguments after it, or -), or a script given as /dev/fd/N (`bash <(curl ...)`).
- macro: shell_runs_piped_script
  condition: >
    proc.name in (shell_binaries) and ((proc.stdin_type = pipe and (not proc.args exists or proc.args in (-s, -, -i,
    -x, -e, -ex, -xe) or proc.args startswith "-s " or proc.args startswith "- ")) or proc.args startswith /dev/fd/)
# sudo or doas starting a shell that reads its script from the pipe (`curl URL | sudo bash -s -- ARGS`).
- macro: sudo_runs_piped_shell
  condition: >
    proc.name in (sudo, doas) and proc.stdin_type = pipe and (proc.args in (sh, bash, dash, zsh, "-E sh", "-E bash",
    "sh -", "bash -") or proc.args glob "*sh -s" or proc.args glob "*sh -s *")

- rule: Shell spawned by a service
  desc: >
    A shell started by a web server, database or application runtime run as a service, a sign of remote code
    execution.
  condition: >
    spawned_process and proc.name in (shell_binaries) and (proc.pname in (service_processes)
    or proc.pname startswith php-fpm or (proc.pname in (service_runtimes) and proc.aname[2] in (service_supervisors)))
  output: "shell %proc.cmdline started by %proc.pname (pid %proc.pid, parent %proc.pcmdline, user %user.uid, container %container.id)"
  priority: WARNING
  tags: [process, mitre_execution, T1059.004]

- rule: Credential file read by an unexpected process
  desc: A process that does not manage logins or keys read password hashes, SSH keys or cloud credentials.
  condition: >
    open_read and (fd.name pmatch (credential_files) or fd.name glob "/home/*/.ssh/id_*"
    or fd.name glob "/home/*/.aws/credentials") and not proc.name in (credential_readers)
  output: "%proc.name read %fd.name (%proc.cmdline, pid %proc.pid, user %user.uid)"
  priority: WARNING
  tags: [filesystem, mitre_credential_access, T1003.008, T1552.001]

- rule: CI runner secret file read
  desc: >
    A process other than the CI runner read the runner's registration credentials (GitHub .credentials, .runner),
    a file under the GitHub runner's _temp directory other than step scripts and file commands, or a GitLab CI
    file variable (/builds/*.tmp/).
  condition: >
    open_read and (fd.name glob "*/actions-runner/.credentials*" or fd.name glob "*/actions-runner/.runner"
    or (fd.name startswith /home/runner/work/_temp/ and not fd.name glob "*.sh"
        and not fd.name pmatch (/home/runner/work/_temp/_runner_file_commands, /home/runner/work/_temp/_github_workflow,
                                /home/runner/work/_temp/_github_home))
    or fd.name glob "/builds/*.tmp/*")
    and not proc.name in (ci_runner_programs) and not proc.exe glob "*/bin/Runner.*"
    and not proc.exe endswith /gitlab-runner
  output: "%proc.name read CI runner secret %fd.name (%proc.cmdline, pid %proc.pid, parent %proc.pname)"
  priority: WARNING
  tags: [filesystem, ci, mitre_credential_access, T1552.001]

- rule: Write to ld.so.preload
  desc: /etc/ld.so.preload makes every dynamically linked program load a library, a favourite rootkit hook.
  condition: open_write and fd.name = /etc/ld.so.preload
  output: "%proc.name opened /etc/ld.so.preload for writing (%proc.cmdline, pid %proc.pid)"
  priority: CRITICAL
  tags: [filesystem, mitre_persistence, T1574.006]

- rule: LD_PRELOAD set for a program
  desc: >
    A program started with LD_PRELOAD in its environment, so a library of the caller's choosing is loaded into it
    (hooking, credential theft). Wrappers that use it by design (fakeroot, eatmydata, faketime, proxychains,
    torsocks) and their children are left out.
  condition: >
    spawned_process and proc.env = LD_PRELOAD and not proc.env in (preload_wrapper_variables)
    and not proc.name in (preload_wrappers) and not proc.pname in (preload_wrappers)
    and not proc.aname[2] in (preload_wrappers) and not proc.aname[3] in (preload_wrappers)
  output: "%proc.exe started with LD_PRELOAD (%proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [process, mitre_defense_evasion, mitre_persistence, T1574.006]

- rule: Program run from memory
  desc: A process created an anonymous memory file and then executed it, leaving no file on disk.
  sequence:
    within: 30s
    steps:
      - condition: evt.type = memfd_create
      - condition: evt.type = execve and (proc.exe startswith "/memfd:" or proc.exe startswith /proc/self/fd/)
  output: "%proc.exe runs from memory (%proc.cmdline, pid %proc.pid, parent %proc.pname)"
  priority: CRITICAL
  tags: [process, mitre_defense_evasion, T1620]

- rule: Downloaded file made executable and run
  desc: A file written under a temporary directory, then made executable and run, within one process tree.
  sequence:
    within: 60s
    steps:
      - condition: >
          evt.type = open and evt.flags contains O_CREAT and fd.name pmatch (/tmp, /var/tmp, /dev/shm)
          and not pip_process
        bind: {file: fd.name}
      - condition: evt.type = chmod and fd.name = $file
      - condition: evt.type = execve and proc.exe = $file
  output: "%proc.exe runs a file its process tree wrote and made executable: %proc.cmdline"
  priority: CRITICAL
  tags: [process, mitre_command_and_control, T1105]

- rule: Program run from a hidden or shared-memory directory
  desc: >
    A program executed from /dev/shm or from a hidden path under /tmp or /var/tmp, where droppers hide payloads
    (AppImage mounts, /tmp/.mount_*, are left out).
  condition: >
    spawned_process and (proc.exe pmatch (/dev/shm, /run/shm) or proc.exe glob "/tmp/.*"
    or proc.exe glob "/var/tmp/.*") and not proc.exe glob "/tmp/.mount_*"
  output: "%proc.exe started from a hidden or shared-memory directory (%proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [process, mitre_defense_evasion, T1564.001]

- rule: Reverse shell
  desc: >
    A shell or script interpreter started with its standard input on a socket: commands come from the network.
    Socket-activated services (systemd, inetd) and SSH sessions are left out.
  condition: >
    spawned_process and shell_or_interpreter and proc.stdin_type = socket and not proc.pname in (socket_activators)
  output: "%proc.cmdline runs with stdin on a socket (stdout %proc.stdout_type, pid %proc.pid, parent %proc.pcmdline, user %user.uid)"
  priority: CRITICAL
  tags: [process, network, mitre_execution, T1059.004]

- rule: Shell standard stream redirected to a socket
  desc: >
    A shell or interpreter duplicated a socket onto its standard input, output or error (bash's
    `>& /dev/tcp/host/port`, Python's os.dup2(s.fileno(), 0)): the reverse shell being set up.
  condition: evt.type = dup and fd.type = socket and evt.request in (0, 1, 2) and shell_or_interpreter
  output: "%proc.name redirected fd %evt.request to a socket (fd %evt.fd; %proc.cmdline, pid %proc.pid, parent %proc.pname)"
  priority: CRITICAL
  tags: [process, network, mitre_execution, T1059.004]

- rule: Netcat or socat with command execution
  desc: nc/ncat with -e/-c (--exec, --sh-exec, --lua-exec) or socat with exec:/system:, binding a program to a connection.
  condition: >
    spawned_process and ((proc.name in (nc, ncat, netcat, nc.traditional, nc.openbsd)
    and (proc.cmdline contains " -e " or proc.cmdline contains " -c " or proc.cmdline contains " --exec"
    or proc.cmdline contains " --sh-exec" or proc.cmdline contains " --lua-exec"))
    or (proc.name = socat and (proc.args icontains "exec:" or proc.args icontains "system:")))
  output: "%proc.name binds a program to a connection (%proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [process, network, mitre_execution, T1059]

- rule: Download piped into a shell
  desc: >
    A downloader (curl, wget...) writing to a pipe, then within 10 s a shell in the same process tree reading its
    script from a pipe (`curl URL | sh`, `wget -O- URL | sudo bash -s -- ARGS`, `bash <(curl URL)`).
  sequence:
    within: 10s
    steps:
      - condition: spawned_process and proc.name in (downloaders) and proc.stdout_type = pipe
        bind: {download: proc.cmdline}
      - condition: spawned_process and shell_runs_piped_script
  output: "%proc.cmdline runs a script piped from %download (pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [process, mitre_execution, mitre_command_and_control, T1059.004, T1105]

- rule: Download piped into a shell (shell started first)
  desc: >
    The same pipeline when the shell's execve came first (the two sides of a pipe start in either order): a shell
    reading its script from a pipe, then within 10 s a downloader writing to a pipe in the same process tree.
  sequence:
    within: 10s
    steps:
      - condition: spawned_process and (shell_runs_piped_script or sudo_runs_piped_shell)
        bind: {shell: proc.cmdline}
      - condition: spawned_process and proc.name in (downloaders) and proc.stdout_type = pipe
  output: "%shell runs a script piped from %proc.cmdline (pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [process, mitre_execution, mitre_command_and_control, T1059.004, T1105]

- rule: Environment dumped then sent to an unlisted host
  desc: >
    The Codecov uploader pattern: `env` or `printenv` run without arguments with at least three secret-looking
    variables (*TOKEN*, *SECRET*, *PASSWORD*...) in its environment, then within 30 s a connection from the same
    process tree to an address outside loopback, link-local and the exfil_allowed_hosts list (DNS, port 53, aside).
  sequence:
    within: 30s
    steps:
      - condition: spawned_process and proc.name in (env, printenv) and not proc.args exists and proc.env_secrets >= 3
        bind: {secrets: proc.env_secrets}
      - condition: >
          evt.type = connect and net.family in (inet, inet6) and not net.dip in (exfil_allowed_hosts)
          and not net.dip startswith "127." and not net.dip startswith "::ffff:127." and not net.dip = "::1"
          and not net.dip startswith "169.254." and not net.dip startswith "fe80:" and not net.dport = 53
  output: "%proc.name connected to %net.dip:%net.dport after its process tree dumped an environment with %secrets secret-looking variables (%proc.cmdline, pid %proc.pid, parent %proc.pname)"
  priority: CRITICAL
  tags: [network, ci, mitre_exfiltration, T1041, T1552.001]

- rule: Cloud metadata service contacted
  desc: A connection to the instance metadata service, which hands out the machine's cloud credentials.
  condition: evt.type = connect and net.dip in (169.254.169.254, "fd00:ec2::254") and not proc.name in (cloud-init, google_guest_agent, amazon-ssm-agent, waagent)
  output: "%proc.name connected to the metadata service %net.dip:%net.dport (%proc.cmdline, pid %proc.pid)"
  priority: NOTICE
  tags: [network, mitre_credential_access, T1552.005]

- rule: Process attached with ptrace
  desc: ptrace attach lets one process read and rewrite another's memory (credential theft, code injection).
  condition: evt.type = ptrace and ptrace.request in (16, 16902) and not proc.name in (gdb, strace, ltrace, lldb)
  output: "%proc.name attached to pid %ptrace.target_pid (request %ptrace.request, %proc.cmdline)"
  priority: WARNING
  tags: [process, mitre_privilege_escalation, T1055.008]

- rule: Kernel module loaded
  desc: >
    A kernel module load attempt (init_module, finit_module) outside the module loaders; a failed attempt by an
    unexpected process is as telling as a successful one.
  condition: evt.type = init_module and not proc.name in (systemd-modules, modprobe, kmod, systemd-udevd)
  output: "%proc.name loaded kernel module %fd.name (result %evt.res; %proc.cmdline, parent %proc.pname)"
  priority: WARNING
  tags: [kernel, mitre_persistence, T1547.006]

- rule: BPF program loaded by an unexpected process
  desc: >
    bpf(BPF_PROG_LOAD) by a process that is not a known tracer, sensor or service manager; eBPF rootkits hide
    processes and files and hook system calls.
  condition: evt.type = bpf and evt.request = 5 and not proc.name in (bpf_loaders) and not proc.name startswith "runc:"
  output: "%proc.name loaded a BPF program (result %evt.res; %proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [kernel, mitre_defense_evasion, mitre_persistence, T1014]

- rule: Connection to a crypto-miner pool port
  desc: Outbound connection to a port mining pools use for the stratum protocol.
  condition: evt.type = connect and net.family in (inet, inet6) and net.dport in (miner_ports)
  output: "%proc.name connected to %net.dip:%net.dport, a mining pool port (%proc.cmdline)"
  priority: NOTICE
  tags: [network, mitre_impact, T1496]

- rule: Crypto-miner program started
  desc: A known miner binary started, or a command line naming a stratum URL or a public mining pool.
  condition: >
    spawned_process and (proc.name in (miner_programs) or proc.cmdline contains "stratum+tcp://"
    or proc.cmdline contains "stratum+ssl://" or proc.cmdline contains "stratum+tls://"
    or proc.cmdline contains "stratum2+tcp://" or proc.cmdline contains pool.minexmr.com
    or proc.cmdline contains nanopool.org or proc.cmdline contains supportxmr.com or proc.cmdline contains 2miners.com
    or proc.cmdline contains f2pool.com or proc.cmdline contains moneroocean.stream or proc.cmdline contains hashvault.pro
    or proc.cmdline contains c3pool.com or proc.cmdline contains herominers.com or proc.cmdline contains nicehash.com
    or proc.cmdline contains unmineable.com)
  output: "crypto-miner %proc.exe started (%proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: CRITICAL
  tags: [process, mitre_impact, T1496]

- rule: Container runtime socket accessed
  desc: Whoever talks to the Docker or containerd socket can start a privileged container and so become root on the host.
  condition: >
    ((evt.type = connect and net.unix_path in (/var/run/docker.sock, /run/docker.sock, /run/containerd/containerd.sock,
    /var/run/crio/crio.sock, /run/podman/podman.sock)) or (evt.type = open and fd.name in (/var/run/docker.sock,
    /run/docker.sock, /run/containerd/containerd.sock))) and not proc.name in (container_runtimes)
  output: "%proc.name used the container runtime socket %net.unix_path%fd.name (%proc.cmdline, container %container.id)"
  priority: WARNING
  tags: [container, mitre_privilege_escalation, T1611]

- rule: Package manager run in a container
  desc: >
    An OS package manager (or pip) started inside a running container: containers are built, not patched live, so
    this is usually an intruder installing tools (docker build steps run in containers too).
  condition: >
    spawned_process and container.id != "" and (proc.name in (apt, apt-get, aptitude, dpkg, yum, dnf, microdnf,
    rpm, apk, zypper, pacman) or pip_process) and not proc.pname in (package_managers)
  output: "package manager %proc.cmdline run in container %container.id (pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: NOTICE
  tags: [container, process, mitre_persistence, T1525, T1105]

- rule: Mount in a container
  desc: A mount from inside a container (other than by the runtime setting it up), often a step of a container escape.
  condition: >
    evt.type = mount and container.id != "" and not proc.name in (container_runtimes)
    and not proc.name startswith "runc:"
  output: "%proc.name mounted %fd.newname on %fd.name in container %container.id (result %evt.res; %proc.cmdline, pid %proc.pid)"
  priority: WARNING
  tags: [container, mitre_privilege_escalation, T1611]

- rule: Kernel hook file written
  desc: >
    A write to a file through which the kernel runs a program as root: a cgroup v1 release_agent, core_pattern,
    the modprobe path or binfmt_misc registration (container escapes and persistence).
  condition: >
    open_write and (fd.name glob "*/release_agent" or fd.name in (/proc/sys/kernel/core_pattern,
    /proc/sys/kernel/modprobe, /proc/sys/fs/binfmt_misc/register)) and not proc.name in (kernel_hook_writers)
    and not package_mgmt_ancestor
  output: "%proc.name wrote kernel hook %fd.name (%proc.cmdline, pid %proc.pid, container %container.id, user %user.uid)"
  priority: CRITICAL
  tags: [kernel, container, mitre_privilege_escalation, T1611]

- rule: New setuid binary
  desc: >
    chmod setting the set-user-ID bit (04000) on a file, outside package managers and container runtimes. The
    language has no bit test: chmod modes are at most 07777, so setuid is exactly a mode from 04000 (2048) to 07777.
  condition: >
    evt.type = chmod and evt.mode >= 2048 and evt.mode <= 4095 and not package_mgmt_ancestor
    and not proc.name in (container_runtimes)
  output: "%proc.name made %fd.name setuid (mode %evt.mode; %proc.cmdline, pid %proc.pid, user %user.uid)"
  priority: WARNING
  tags: [filesystem, mitre_privilege_escalation, T1548.001]

- rule: Write below a binary directory
  desc: >
    A file opened for writing under /bin, /sbin, /usr/bin, /usr/local/bin, /lib* or /usr/lib* by a process that
    is not a package manager (or run by one), a language package manager (pip, npm, gem), or `install` (make
    install). Python bytecode caches aside.
  condition: >
    open_write and fd.name pmatch (binary_directories) and not fd.name contains "/__pycache__/"
    and not package_mgmt_ancestor and not language_package_manager and not proc.name in (install, depmod, ldconfig)
  output: "%proc.name wrote %fd.name below a binary directory (%proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [filesystem, mitre_persistence, T1554]

- rule: SSH authorized_keys modified
  desc: A new key in authorized_keys lets its owner log in, a classic persistence step.
  condition: >
    ((open_write and fd.name glob "*/.ssh/authorized_keys*")
     or (evt.type = rename and fd.newname glob "*/.ssh/authorized_keys*"))
    and not proc.name in (sshd, ssh-keygen, cloud-init, google_guest_agent, ssh-import-id)
  output: "%proc.name modified %fd.name (%evt.type %fd.newname; %proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [filesystem, mitre_persistence, T1098.004]

- rule: Cron job written
  desc: A file written under /etc/cron*, /etc/crontab or /var/spool/cron other than by crontab or a package manager.
  condition: >
    ((open_write and (fd.name startswith /etc/cron or fd.name pmatch (/var/spool/cron)))
     or (evt.type = rename and (fd.newname startswith /etc/cron or fd.newname pmatch (/var/spool/cron))))
    and not proc.name in (crontab, cron, crond) and not package_mgmt_ancestor
  output: "%proc.name wrote cron file %fd.name (%evt.type %fd.newname; %proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [filesystem, mitre_persistence, T1053.003]

- rule: Systemd unit written
  desc: A systemd unit file written by something other than systemctl or a package manager (persistence).
  condition: >
    ((open_write and (fd.name pmatch (systemd_unit_directories) or fd.name glob "/home/*/.config/systemd/user/*"))
     or (evt.type = rename and (fd.newname pmatch (systemd_unit_directories)
                                or fd.newname glob "/home/*/.config/systemd/user/*")))
    and not proc.name in (systemctl, systemd, deb-systemd-hel) and not package_mgmt_ancestor
  output: "%proc.name wrote systemd unit %fd.name (%evt.type %fd.newname; %proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [filesystem, mitre_persistence, T1543.002]

- rule: Sudoers modified
  desc: /etc/sudoers or a file under /etc/sudoers.d written other than by visudo or a package manager.
  condition: >
    ((open_write and fd.name pmatch (/etc/sudoers, /etc/sudoers.d))
     or (evt.type = rename and fd.newname pmatch (/etc/sudoers, /etc/sudoers.d)))
    and not proc.name in (visudo) and not package_mgmt_ancestor
  output: "%proc.name modified %fd.name (%evt.type %fd.newname; %proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: CRITICAL
  tags: [filesystem, mitre_privilege_escalation, T1548.003]

- rule: Account database modified
  desc: /etc/passwd, /etc/shadow, /etc/group or /etc/gshadow written other than by the account tools (useradd, passwd...).
  condition: >
    ((open_write and fd.name in (account_files)) or (evt.type = rename and fd.newname in (account_files)))
    and not proc.name in (account_tools) and not package_mgmt_ancestor
  output: "%proc.name modified %fd.name (%evt.type %fd.newname; %proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: CRITICAL
  tags: [filesystem, mitre_persistence, T1136.001, T1098]

- rule: Logs or shell history erased
  desc: >
    A shell history file deleted, or a file under /var/log deleted or truncated (O_TRUNC), other than by log
    rotation, the journal or a package manager.
  condition: >
    ((evt.type = unlink and (fd.name glob "*/.bash_history" or fd.name glob "*/.zsh_history"
      or fd.name glob "*/.local/share/fish/fish_history" or fd.name pmatch (/var/log)))
     or (evt.type = open and evt.flags contains O_TRUNC and fd.name pmatch (/var/log)))
    and not proc.name in (log_keepers) and not proc.name startswith "rs:" and not proc.exe endswith /rsyslogd
    and not package_mgmt_ancestor
  output: "%proc.name erased %fd.name (%evt.type %evt.flags; %proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: WARNING
  tags: [filesystem, mitre_defense_evasion, T1070.002, T1070.003]

- rule: Search for private keys or passwords
  desc: >
    find looking for SSH private keys or wallets, or grep-like tools searching for private key headers, cloud keys,
    or passwords across system trees (/, /etc, /home, /root).
  condition: >
    spawned_process and ((proc.name = find and (proc.args contains id_rsa or proc.args contains id_dsa
    or proc.args contains id_ecdsa or proc.args contains id_ed25519 or proc.args contains wallet.dat
    or proc.args contains ".kdbx"))
    or (proc.name in (grep, egrep, rg, ag, ugrep) and (proc.args contains "PRIVATE KEY"
    or proc.args icontains aws_secret_access_key
    or (proc.args icontains password and (proc.args endswith " /" or proc.args endswith " /etc"
        or proc.args endswith " /home" or proc.args endswith " /root")))))
  output: "%proc.name searches for secrets (%proc.cmdline, pid %proc.pid, parent %proc.pname, user %user.uid)"
  priority: NOTICE
  tags: [process, mitre_credential_access, T1552.001, T1552.004]

- rule: Connection storm
  desc: Many failed connections from one process in a short time (scanning or a crashed beacon).
  condition: evt.type = connect and evt.res < 0 and evt.res != -115
  threshold: {count: 50, within: 10s, by: proc.pid}
  output: "%proc.name (pid %proc.pid) failed %threshold.count connections in %threshold.within"
  priority: NOTICE
  tags: [network, mitre_discovery, T1046]
)yaml";

}  // namespace

std::string_view default_rules_yaml() {
  return kDefaultRules;
}

}  // namespace vigil::watch
