// THE fields table of the rule language: every field a condition, output, `bind` or threshold `by` may name,
// with its type, how it is read from the event and process tree, and a one-line meaning (docs/rules.md too).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/strings.hpp"
#include "watch/rules_internal.hpp"

namespace vigil::watch {
namespace detail {
namespace {

using model::Event;
using model::EventType;

// The acting process as the tree knows it (after the engine applied this event), or nullptr.
const ProcessNode* self(const FieldContext& c) {
  return c.tree.find(c.event.pid);
}
const ProcessNode* ancestor(const FieldContext& c, size_t n) {
  if (n == 0 || n > 64) return nullptr;
  const auto chain = c.tree.ancestors(c.event.pid, n);
  return chain.size() >= n ? chain[n - 1] : nullptr;
}

std::string join(const std::vector<std::string>& items, size_t from) {
  std::string out;
  for (size_t i = from; i < items.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += items[i];
  }
  return out;
}

// Falco's proc.cmdline: the program's base name, then the arguments.
std::string cmdline(const ProcessNode& p) {
  std::string out(p.exe.empty() ? std::string_view(p.comm) : base_name(p.exe));
  for (size_t i = 1; i < p.argv.size(); ++i) out += ' ' + p.argv[i];
  return out;
}

bool number(int64_t v, std::string& out) {
  out = fmt::format("{}", v);
  return true;
}
bool text(std::string_view v, std::string& out) {
  out = v;
  return true;
}
bool present(std::string_view v, std::string& out) {
  out = v;
  return !v.empty();
}
bool is(const FieldContext& c, std::initializer_list<EventType> types) {
  return std::find(types.begin(), types.end(), c.event.type) != types.end();
}
bool has_socket(const FieldContext& c) {
  return is(c, {EventType::Connect, EventType::Accept, EventType::Bind});
}
bool has_path(const FieldContext& c) {
  return is(c, {EventType::Open, EventType::Unlink, EventType::Rename, EventType::Chmod, EventType::MemfdCreate,
                EventType::ModuleLoad, EventType::Mount, EventType::Chdir});
}

// Flag names by bit, for evt.flags (x86-64 Linux values).
struct FlagName {
  uint32_t bits;
  std::string_view name;
};
constexpr FlagName kOpenFlags[] = {
    {0x40, "O_CREAT"},       {0x80, "O_EXCL"},        {0x100, "O_NOCTTY"},      {0x200, "O_TRUNC"},
    {0x400, "O_APPEND"},     {0x800, "O_NONBLOCK"},   {0x1000, "O_DSYNC"},      {0x2000, "O_ASYNC"},
    {0x4000, "O_DIRECT"},    {0x8000, "O_LARGEFILE"}, {0x10000, "O_DIRECTORY"}, {0x20000, "O_NOFOLLOW"},
    {0x40000, "O_NOATIME"},  {0x80000, "O_CLOEXEC"},  {0x101000, "O_SYNC"},     {0x200000, "O_PATH"},
    {0x410000, "O_TMPFILE"},
};
constexpr FlagName kProtFlags[] = {{1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}};
constexpr FlagName kMemfdFlags[] = {
    {1, "MFD_CLOEXEC"}, {2, "MFD_ALLOW_SEALING"}, {4, "MFD_HUGETLB"}, {8, "MFD_NOEXEC_SEAL"}, {0x10, "MFD_EXEC"}};

void append_flags(uint32_t flags, std::span<const FlagName> names, std::string& out) {
  for (const auto& f : names) {
    if ((flags & f.bits) == f.bits) out += (out.empty() ? "" : "|") + std::string(f.name);
  }
}

bool evt_flags(const FieldContext& c, std::string_view, std::string& out) {
  const Event& e = c.event;
  out.clear();
  if (e.type == EventType::Open) {
    const uint32_t mode = e.flags & 3U;
    out = mode == 0 ? "O_RDONLY" : mode == 1 ? "O_WRONLY" : "O_RDWR";
    append_flags(e.flags, kOpenFlags, out);
  } else if (e.type == EventType::ExecMmap) {
    append_flags(e.flags, kProtFlags, out);
  } else if (e.type == EventType::MemfdCreate) {
    append_flags(e.flags, kMemfdFlags, out);
  } else if (e.flags != 0) {
    out = fmt::format("{:#x}", e.flags);
  }
  return !out.empty();
}

// When the tree does not know the process (no snapshot, lost fork), what the event itself says stands in.
ProcessNode from_event(const Event& e) {
  ProcessNode p;
  p.pid = e.pid;
  p.ppid = e.ppid;
  p.comm = e.comm;
  if (e.type == EventType::Exec) {
    p.exe = e.filename;
    p.argv = e.argv;
    p.env = e.env;
    p.cwd = e.cwd;
    p.stdin_type = e.stdin_type;
    p.stdout_type = e.stdout_type;
    p.stderr_type = e.stderr_type;
  }
  return p;
}

bool proc_field(const FieldContext& c, std::string& out, std::string (*read)(const ProcessNode&)) {
  const ProcessNode* p = self(c);
  return present(p != nullptr ? read(*p) : read(from_event(c.event)), out);
}

// proc.aname[N], proc.aexe[N]: N from 1 (the parent).
size_t ancestor_index(std::string_view arg) {
  size_t n = 0;
  std::from_chars(arg.data(), arg.data() + arg.size(), n);
  return n;
}

bool env_value(const FieldContext& c, std::string_view name, std::string& out) {
  out.clear();
  const ProcessNode* p = self(c);
  const auto& env = p != nullptr ? p->env : c.event.env;
  for (const auto& entry : env) {
    const std::string_view e(entry);  // "NAME" or "NAME=value"
    if (e == name) return true;       // recorded without its value
    if (e.size() > name.size() && e.substr(0, name.size()) == name && e[name.size()] == '=') {
      out = e.substr(name.size() + 1);
      return true;
    }
  }
  return false;
}

bool env_names(const FieldContext& c, std::string_view, std::string& out) {
  const ProcessNode* p = self(c);
  const auto& env = p != nullptr ? p->env : c.event.env;
  out.clear();
  for (const auto& entry : env) {
    if (!out.empty()) out += ' ';
    out += std::string_view(entry).substr(0, entry.find('='));
  }
  return !out.empty();
}

// Names that usually hold credentials (the Codecov uploader sent all of them away): *TOKEN*, *SECRET*, ...
bool secret_looking(std::string_view name) {
  static constexpr std::string_view kMarks[] = {"TOKEN",  "SECRET",     "PASSWORD",    "PASSWD",     "API_KEY",
                                                "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL", "AUTH"};
  return std::any_of(std::begin(kMarks), std::end(kMarks),
                     [&](std::string_view mark) { return name.find(mark) != std::string_view::npos; });
}

bool env_secrets(const FieldContext& c, std::string_view, std::string& out) {
  const ProcessNode* p = self(c);
  const auto& env = p != nullptr ? p->env : c.event.env;
  const auto count = std::count_if(env.begin(), env.end(), [](const std::string& entry) {
    return secret_looking(std::string_view(entry).substr(0, entry.find('=')));
  });
  return number(count, out);
}

std::string_view family_name(model::SocketFamily f) {
  switch (f) {
    case model::SocketFamily::Inet: return "inet";
    case model::SocketFamily::Inet6: return "inet6";
    case model::SocketFamily::Unix: return "unix";
    case model::SocketFamily::None: break;
  }
  return "";
}

using C = const FieldContext&;
using V = std::string_view;
using S = std::string&;
constexpr FieldType Str = FieldType::String;
constexpr FieldType Num = FieldType::Number;

// One row per field. Process fields read the tree, falling back on what the event itself says.
const FieldDef kFields[] = {
    {"evt.type", Str, "", "event type: execve, clone, procexit, open, connect... (docs/rules.md)",
     [](C c, V, S o) { return text(model::event_type_name(c.event.type), o); }},
    {"evt.time", Num, "", "event time, nanoseconds since the Unix epoch",
     [](C c, V, S o) { return number(static_cast<int64_t>(c.event.time_ns), o); }},
    {"evt.res", Num, "", "the system call's result (negative errno on failure)",
     [](C c, V, S o) { return number(c.event.ret, o); }},
    {"evt.flags", Str, "", "open flags (O_WRONLY|O_CREAT...), mmap/mprotect prot (PROT_EXEC...), memfd flags",
     evt_flags},
    {"evt.mode", Num, "", "chmod: the new mode (04000 = setuid); open: the creation mode",
     [](C c, V, S o) { return is(c, {EventType::Chmod, EventType::Open}) && number(c.event.mode, o); }},
    {"evt.request", Num, "",
     "bpf: the command (5 = BPF_PROG_LOAD); setuid/setgid: the new id; capset: effective caps; dup: the new fd",
     [](C c, V, S o) {
       return is(c, {EventType::Bpf, EventType::SetUid, EventType::SetGid, EventType::Capset, EventType::Dup}) &&
              number(c.event.request, o);
     }},
    {"evt.fd", Num, "", "connect/accept/bind: the socket; dup: the duplicated fd",
     [](C c, V, S o) { return c.event.fd >= 0 && number(c.event.fd, o); }},
    {"evt.child_pid", Num, "", "clone: the new process's pid",
     [](C c, V, S o) { return c.event.type == EventType::Fork && number(c.event.child_pid, o); }},
    {"evt.exit_code", Num, "", "procexit: exit code (128 + signal when killed)",
     [](C c, V, S o) { return c.event.type == EventType::Exit && number(c.event.exit_code, o); }},
    {"proc.pid", Num, "", "process id", [](C c, V, S o) { return number(c.event.pid, o); }},
    {"proc.ppid", Num, "", "parent process id",
     [](C c, V, S o) {
       const ProcessNode* p = self(c);
       return number(p != nullptr ? p->ppid : c.event.ppid, o);
     }},
    {"proc.name", Str, "", "process name (the kernel's comm, at most 15 characters)",
     [](C c, V, S o) {
       const ProcessNode* p = self(c);
       return present(!c.event.comm.empty() || p == nullptr ? c.event.comm : p->comm, o);
     }},
    {"proc.exe", Str, "", "path of the program the process runs",
     [](C c, V, S o) { return proc_field(c, o, [](const ProcessNode& p) { return p.exe; }); }},
    {"proc.cmdline", Str, "", "program base name and arguments, space-separated",
     [](C c, V, S o) { return proc_field(c, o, cmdline); }},
    {"proc.args", Str, "", "the arguments (argv[1..]), space-separated",
     [](C c, V, S o) { return proc_field(c, o, [](const ProcessNode& p) { return join(p.argv, 1); }); }},
    {"proc.cwd", Str, "", "working directory at exec",
     [](C c, V, S o) { return proc_field(c, o, [](const ProcessNode& p) { return p.cwd; }); }},
    {"proc.env", FieldType::List, "", "names of the environment variables at exec", env_names},
    {"proc.env", Str, "NAME", "value of one environment variable (exists when recorded, even without value)",
     [](C c, V arg, S o) { return env_value(c, arg, o); }},
    {"proc.env_secrets", Num, "", "how many environment variable names look like credentials (*TOKEN*, *SECRET*...)",
     env_secrets},
    {"proc.stdin_type", Str, "", "what standard input was at exec: file, dir, pipe, socket, chr (tty), blk",
     [](C c, V, S o) { return proc_field(c, o, [](const ProcessNode& p) { return p.stdin_type; }); }},
    {"proc.stdout_type", Str, "", "what standard output was at exec (as proc.stdin_type)",
     [](C c, V, S o) { return proc_field(c, o, [](const ProcessNode& p) { return p.stdout_type; }); }},
    {"proc.stderr_type", Str, "", "what standard error was at exec (as proc.stdin_type)",
     [](C c, V, S o) { return proc_field(c, o, [](const ProcessNode& p) { return p.stderr_type; }); }},
    {"proc.pname", Str, "", "parent's process name",
     [](C c, V, S o) {
       const ProcessNode* p = ancestor(c, 1);
       return p != nullptr && present(p->comm, o);
     }},
    {"proc.pexe", Str, "", "parent's program path",
     [](C c, V, S o) {
       const ProcessNode* p = ancestor(c, 1);
       return p != nullptr && present(p->exe, o);
     }},
    {"proc.pcmdline", Str, "", "parent's command line",
     [](C c, V, S o) {
       const ProcessNode* p = ancestor(c, 1);
       return p != nullptr && present(cmdline(*p), o);
     }},
    {"proc.aname", Str, "N", "name of the N-th ancestor (1: parent, 2: grandparent...)",
     [](C c, V arg, S o) {
       const ProcessNode* p = ancestor(c, ancestor_index(arg));
       return p != nullptr && present(p->comm, o);
     }},
    {"proc.aexe", Str, "N", "program path of the N-th ancestor",
     [](C c, V arg, S o) {
       const ProcessNode* p = ancestor(c, ancestor_index(arg));
       return p != nullptr && present(p->exe, o);
     }},
    {"user.uid", Num, "", "user id", [](C c, V, S o) { return number(c.event.uid, o); }},
    {"user.gid", Num, "", "group id", [](C c, V, S o) { return number(c.event.gid, o); }},
    {"container.id", Str, "", "container id from the cgroup path (\"\" on the host)",
     [](C c, V, S o) { return proc_field(c, o, [](const ProcessNode& p) { return p.container_id; }); }},
    {"cgroup.path", Str, "", "cgroup v2 path of the process (\"/system.slice/nginx.service\"); live only",
     [](C c, V, S o) { return proc_field(c, o, [](const ProcessNode& p) { return p.cgroup_path; }); }},
    {"cgroup.id", Num, "", "cgroup v2 id",
     [](C c, V, S o) { return number(static_cast<int64_t>(c.event.cgroup_id), o); }},
    {"fd.name", Str, "",
     "path opened, unlinked, chmod-ed or renamed (source); memfd name; module; mount target; chdir's new directory",
     [](C c, V, S o) { return has_path(c) && present(c.event.path, o); }},
    {"fd.directory", Str, "", "directory part of fd.name",
     [](C c, V, S o) { return has_path(c) && present(dir_name(c.event.path), o); }},
    {"fd.filename", Str, "", "last component of fd.name",
     [](C c, V, S o) { return has_path(c) && present(base_name(c.event.path), o); }},
    {"fd.type", Str, "", "dup: what the duplicated fd is (file, pipe, socket, chr...)",
     [](C c, V, S o) { return c.event.type == EventType::Dup && present(c.event.fd_type, o); }},
    {"fd.newname", Str, "", "rename: the new path; mount: the source",
     [](C c, V, S o) { return is(c, {EventType::Rename, EventType::Mount}) && present(c.event.new_path, o); }},
    {"net.dip", Str, "", "destination (remote for connect) address",
     [](C c, V, S o) { return has_socket(c) && present(c.event.daddr, o); }},
    {"net.dport", Num, "", "destination port",
     [](C c, V, S o) { return has_socket(c) && c.event.dport != 0 && number(c.event.dport, o); }},
    {"net.sip", Str, "", "source (local) address",
     [](C c, V, S o) { return has_socket(c) && present(c.event.saddr, o); }},
    {"net.sport", Num, "", "source port",
     [](C c, V, S o) { return has_socket(c) && c.event.sport != 0 && number(c.event.sport, o); }},
    {"net.family", Str, "", "socket family: inet, inet6 or unix",
     [](C c, V, S o) { return has_socket(c) && present(family_name(c.event.family), o); }},
    {"net.unix_path", Str, "", "unix socket path",
     [](C c, V, S o) { return has_socket(c) && present(c.event.unix_path, o); }},
    {"ptrace.target_pid", Num, "", "ptrace: the traced pid",
     [](C c, V, S o) { return c.event.type == EventType::Ptrace && number(c.event.target_pid, o); }},
    {"ptrace.request", Num, "", "ptrace: the request (16 = PTRACE_ATTACH, 0x4206 = PTRACE_SEIZE)",
     [](C c, V, S o) { return c.event.type == EventType::Ptrace && number(c.event.request, o); }},
};

bool valid_argument(std::string_view kind, std::string_view arg) {
  if (arg.empty() || arg.size() > 128) return false;
  if (kind == "N") {
    const size_t n = ancestor_index(arg);
    return n >= 1 && n <= 64 && std::all_of(arg.begin(), arg.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  }
  return std::all_of(arg.begin(), arg.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  });
}

}  // namespace

std::span<const FieldDef> all_fields() {
  return kFields;
}

std::optional<FieldRef> resolve_field(std::string_view name) {
  std::string_view base = name;
  std::string_view arg;
  const size_t open = name.find('[');
  if (open != std::string_view::npos) {
    if (name.back() != ']') return std::nullopt;
    base = name.substr(0, open);
    arg = name.substr(open + 1, name.size() - open - 2);
  }
  for (const auto& def : kFields) {
    if (def.name != base || def.argument.empty() != (open == std::string_view::npos)) continue;
    if (!def.argument.empty() && !valid_argument(def.argument, arg)) return std::nullopt;
    return FieldRef{&def, std::string(arg), std::string(name)};
  }
  return std::nullopt;
}

bool read_field(const FieldRef& field, const FieldContext& ctx, std::string& out) {
  out.clear();
  return field.def->get(ctx, field.arg, out);
}

}  // namespace detail

bool is_known_field(std::string_view field) {
  return detail::resolve_field(field).has_value();
}

std::string field_text(std::string_view field, const FieldContext& ctx) {
  std::string out;
  if (const auto ref = detail::resolve_field(field)) detail::read_field(*ref, ctx, out);
  return out;
}

}  // namespace vigil::watch
