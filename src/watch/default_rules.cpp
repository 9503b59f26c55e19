// The rules shipped inside the binary ("builtin:default.yaml"): a small Falco-like set with MITRE ATT&CK tags.
// Kept as one YAML text so `vigil rules list` shows exactly what `vigil watch` loads; docs/rules.md explains them.
#include "watch/rules.hpp"

namespace vigil::watch {
namespace {

constexpr std::string_view kDefaultRules = R"yaml(
- list: shell_binaries
  items: [sh, bash, dash, zsh, ksh, ash, fish, busybox]
- list: service_processes
  items: [nginx, httpd, apache2, lighttpd, caddy, node, java, php-fpm, php, python3, gunicorn, uwsgi, ruby, puma,
          tomcat, postgres, mysqld, redis-server, sshd]
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

- macro: spawned_process
  condition: evt.type = execve
- macro: open_write
  condition: evt.type = open and (evt.flags contains O_WRONLY or evt.flags contains O_RDWR)
- macro: open_read
  condition: evt.type = open and evt.flags contains O_RDONLY

- rule: Shell spawned by a service
  desc: A shell started by a web server, application runtime or database, a sign of remote code execution.
  condition: spawned_process and proc.name in (shell_binaries) and proc.pname in (service_processes)
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

- rule: Write to ld.so.preload
  desc: /etc/ld.so.preload makes every dynamically linked program load a library, a favourite rootkit hook.
  condition: open_write and fd.name = /etc/ld.so.preload
  output: "%proc.name opened /etc/ld.so.preload for writing (%proc.cmdline, pid %proc.pid)"
  priority: CRITICAL
  tags: [filesystem, mitre_persistence, T1574.006]

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
      - condition: evt.type = open and evt.flags contains O_CREAT and fd.name pmatch (/tmp, /var/tmp, /dev/shm)
        bind: {file: fd.name}
      - condition: evt.type = chmod and fd.name = $file
      - condition: evt.type = execve and proc.exe = $file
  output: "%proc.exe runs a file its process tree wrote and made executable: %proc.cmdline"
  priority: CRITICAL
  tags: [process, mitre_command_and_control, T1105]

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
  desc: A kernel module runs with full kernel privileges; loading one outside boot or package updates is rare.
  condition: evt.type = init_module and evt.res >= 0 and not proc.name in (systemd-modules, modprobe, kmod, systemd-udevd)
  output: "%proc.name loaded kernel module %fd.name (%proc.cmdline, parent %proc.pname)"
  priority: WARNING
  tags: [kernel, mitre_persistence, T1547.006]

- rule: Connection to a crypto-miner pool port
  desc: Outbound connection to a port mining pools use for the stratum protocol.
  condition: evt.type = connect and net.family in (inet, inet6) and net.dport in (miner_ports)
  output: "%proc.name connected to %net.dip:%net.dport, a mining pool port (%proc.cmdline)"
  priority: NOTICE
  tags: [network, mitre_impact, T1496]

- rule: Container runtime socket accessed
  desc: Whoever talks to the Docker or containerd socket can start a privileged container and so become root on the host.
  condition: >
    ((evt.type = connect and net.unix_path in (/var/run/docker.sock, /run/docker.sock, /run/containerd/containerd.sock,
    /var/run/crio/crio.sock, /run/podman/podman.sock)) or (evt.type = open and fd.name in (/var/run/docker.sock,
    /run/docker.sock, /run/containerd/containerd.sock))) and not proc.name in (container_runtimes)
  output: "%proc.name used the container runtime socket %net.unix_path%fd.name (%proc.cmdline, container %container.id)"
  priority: WARNING
  tags: [container, mitre_privilege_escalation, T1611]

- rule: Connection storm
  desc: Many failed connections from one process in a short time (scanning or a crashed beacon).
  condition: evt.type = connect and evt.res < 0
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
