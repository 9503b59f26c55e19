// The process tree: a map pid -> node, filled from a /proc snapshot and kept current by fork/exec/exit events.
// Bounded by max_processes (exited processes go first, then the longest known) and by linger for exited ones.
#include "watch/process_tree.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "watch/cgroup_paths.hpp"

namespace vigil::watch {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxProcFileBytes = 64U << 10U;
constexpr size_t kMaxArgs = 4096;

std::string read_small_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(kMaxProcFileBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return text;
}

std::string read_link(const fs::path& path) {
  std::error_code ec;
  auto target = fs::read_symlink(path, ec);
  return ec ? std::string() : target.string();
}

bool is_hex64(std::string_view s) {
  return s.size() >= 64 &&
         std::all_of(s.begin(), s.begin() + 64, [](unsigned char c) { return std::isxdigit(c) && !std::isupper(c); });
}

// Container runtimes name the cgroup after the container's 64-hex id; the prefixes are the runtimes' spellings.
constexpr std::string_view kContainerPrefixes[] = {"docker-", "/docker/", "cri-containerd-", "crio-", "libpod-"};

// The container's full 64-hex id (outputs may shorten it) from /proc/PID/cgroup text; "" when none is named.
std::string container_id_from_line(std::string_view line) {
  for (const auto prefix : kContainerPrefixes) {
    for (size_t at = line.find(prefix); at != std::string_view::npos; at = line.find(prefix, at + 1)) {
      const std::string_view rest = line.substr(at + prefix.size());
      if (is_hex64(rest)) return std::string(rest.substr(0, 64));
    }
  }
  // kubepods paths put the pod first: ".../kubepods/burstable/pod<uid>/<64hex>".
  const size_t slash = line.find_last_of('/');
  if (line.find("kubepods") != std::string_view::npos && slash != std::string_view::npos &&
      is_hex64(line.substr(slash + 1))) {
    return std::string(line.substr(slash + 1, 64));
  }
  return {};
}

// The cgroup v2 line ("0::/system.slice/x.service") of /proc/PID/cgroup text; "" when there is none.
std::string v2_path_from_cgroup(std::string_view cgroup_text) {
  const size_t at = cgroup_text.starts_with("0::") ? 0 : cgroup_text.find("\n0::");
  if (at == std::string_view::npos) return {};
  const std::string_view rest = cgroup_text.substr(at == 0 ? 3 : at + 4);
  return std::string(rest.substr(0, rest.find('\n')));
}

std::string container_id_from_cgroup(std::string_view cgroup_text) {
  while (!cgroup_text.empty()) {
    const size_t end = cgroup_text.find('\n');
    if (auto id = container_id_from_line(cgroup_text.substr(0, end)); !id.empty()) return id;
    if (end == std::string_view::npos) break;
    cgroup_text.remove_prefix(end + 1);
  }
  return {};
}

// Skips leading blanks, then reads a decimal number; false when there is none.
template <class T>
bool read_number(std::string_view text, T& out) {
  const size_t start = text.find_first_not_of(" \t");
  if (start == std::string_view::npos) return false;
  const auto [end, ec] = std::from_chars(text.data() + start, text.data() + text.size(), out);
  return ec == std::errc() && end != text.data() + start;
}

// "123 (my (odd) comm) S 1 ...": comm may hold spaces and parentheses, so the fields start after the last ')'.
bool parse_stat(std::string_view stat, ProcessNode& node) {
  const size_t open = stat.find('(');
  const size_t close = stat.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return false;
  node.comm = std::string(stat.substr(open + 1, close - open - 1));
  const std::string_view rest = stat.substr(close + 1);  // " S 1 ..."
  const size_t state = rest.find_first_not_of(' ');
  return state != std::string_view::npos && read_number(rest.substr(state + 1), node.ppid);
}

// The real uid: the first number of status's "Uid:" line (0 when missing).
uint32_t real_uid(std::string_view status) {
  const size_t at = status.find("\nUid:");
  uint32_t uid = 0;
  if (at == std::string_view::npos || !read_number(status.substr(at + 5), uid)) return 0;
  return uid;
}

std::vector<std::string> split_nul(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty() && out.size() < kMaxArgs) {
    const size_t end = text.find('\0');
    out.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::optional<ProcessNode> read_process(const fs::path& dir, int32_t pid) {
  ProcessNode node;
  node.pid = pid;
  if (!parse_stat(read_small_file(dir / "stat"), node)) return std::nullopt;
  node.uid = real_uid(read_small_file(dir / "status"));
  node.argv = split_nul(read_small_file(dir / "cmdline"));
  node.exe = read_link(dir / "exe");
  node.cwd = read_link(dir / "cwd");
  const std::string cgroup = read_small_file(dir / "cgroup");
  node.cgroup_path = v2_path_from_cgroup(cgroup);
  node.container_id = container_id_from_cgroup(cgroup);
  return node;
}

}  // namespace

struct ProcessTree::Impl {
  ProcessTreeOptions options;
  std::unordered_map<int32_t, ProcessNode> nodes;
  // Eviction order, checked lazily (a row whose node is gone or was replaced is skipped): exited processes by exit
  // time, every process by when it was added.
  std::deque<std::pair<uint64_t, int32_t>> exited;
  std::deque<std::pair<uint64_t, int32_t>> added;
  uint64_t sequence = 0;                           // increases per add; `added` rows carry it
  std::unordered_map<int32_t, uint64_t> added_at;  // pid -> its row's sequence
  struct CgroupInfo {
    std::string path;
    std::string container_id;  // "" none
  };
  std::unordered_map<uint64_t, CgroupInfo> cgroup_info;  // live: by cgroup id
  std::optional<CgroupPaths> cgroup_paths;               // live: made on first use

  // A process entered another cgroup (or is seen for the first time): which container, if any, that cgroup is.
  void note_cgroup(ProcessNode& node, const model::Event& event) {
    if (!event.container_id.empty()) {  // recorded (or filled by add_container_id): nothing to look up
      node.container_id = event.container_id;
      node.cgroup_id = event.cgroup_id;
      return;
    }
    if (event.cgroup_id == 0 || event.cgroup_id == node.cgroup_id) return;
    if (options.live_proc_root.empty()) {
      node.cgroup_id = event.cgroup_id;
      return;
    }
    auto it = cgroup_info.find(event.cgroup_id);
    if (it == cgroup_info.end()) {
      CgroupInfo info;
      if (auto path = cgroups().path_of(event.cgroup_id)) {
        info.path = *path;
        info.container_id = container_id_from_cgroup(*path);
      } else {  // no v2 mount to walk: the process's own view, if it is still there
        const std::string text =
            read_small_file(fs::path(options.live_proc_root) / std::to_string(event.pid) / "cgroup");
        if (text.empty()) return;  // unknown for now: asked again on the next event, never cached as "none"
        info.path = v2_path_from_cgroup(text);
        info.container_id = container_id_from_cgroup(text);
      }
      if (cgroup_info.size() >= 4096) cgroup_info.clear();  // bounded; refilled on demand
      it = cgroup_info.emplace(event.cgroup_id, std::move(info)).first;
    }
    node.cgroup_id = event.cgroup_id;
    node.cgroup_path = it->second.path;
    node.container_id = it->second.container_id;
  }

  CgroupPaths& cgroups() {
    if (!cgroup_paths) {
      const std::string root = !options.cgroup_root.empty()
                                   ? options.cgroup_root
                                   : CgroupPaths::find_v2_root(options.live_proc_root + "/mounts");
      cgroup_paths.emplace(root);
    }
    return *cgroup_paths;
  }

  ProcessNode& add(ProcessNode node) {
    const int32_t pid = node.pid;
    nodes[pid] = std::move(node);
    added.emplace_back(++sequence, pid);
    added_at[pid] = sequence;
    enforce_bound(pid);
    return nodes[pid];
  }

  void erase(int32_t pid) {
    nodes.erase(pid);
    added_at.erase(pid);
  }

  // Evicts until within max_processes; `keep` (the process just added) stays even when the bound is tiny.
  void enforce_bound(int32_t keep) {
    while (nodes.size() > options.max_processes && !exited.empty()) {
      const auto [exit_ns, pid] = exited.front();
      exited.pop_front();
      const auto it = nodes.find(pid);
      if (it != nodes.end() && it->second.exit_ns == exit_ns && exit_ns != 0) erase(pid);
    }
    while (nodes.size() > options.max_processes && !added.empty()) {
      const auto [seq, pid] = added.front();
      if (pid == keep && nodes.size() == 1) break;
      added.pop_front();
      const auto it = added_at.find(pid);
      if (it != added_at.end() && it->second == seq) erase(pid);
    }
    if (added.size() > 2 * nodes.size() + 1024) compact();
  }

  void compact() {
    std::erase_if(added, [&](const auto& row) {
      const auto it = added_at.find(row.second);
      return it == added_at.end() || it->second != row.first;
    });
  }

  void expire(uint64_t now) {
    while (!exited.empty() && exited.front().first + options.linger_ns < now) {
      const auto [exit_ns, pid] = exited.front();
      exited.pop_front();
      const auto it = nodes.find(pid);
      if (it != nodes.end() && it->second.exit_ns == exit_ns) erase(pid);
    }
  }

  // The acting process, added with what the event says when unknown (started before the snapshot, or lost).
  ProcessNode& actor(const model::Event& event) {
    auto it = nodes.find(event.pid);
    if (it == nodes.end()) {
      ProcessNode node;
      node.pid = event.pid;
      node.ppid = event.ppid;
      node.uid = event.uid;
      node.comm = event.comm;
      node.start_ns = event.time_ns;
      ProcessNode& added_node = add(std::move(node));
      note_cgroup(added_node, event);
      return added_node;
    }
    ProcessNode& node = it->second;
    if (event.ppid != 0) node.ppid = event.ppid;  // reparenting when the parent exits
    node.uid = event.uid;
    if (!event.comm.empty()) node.comm = event.comm;
    note_cgroup(node, event);
    return node;
  }

  void fork(const model::Event& event) {
    if (event.child_pid <= 0 || event.child_pid == event.pid) return;
    ProcessNode child = actor(event);  // a copy: the child inherits program, arguments, cwd and container
    child.pid = event.child_pid;
    child.ppid = event.pid;
    child.start_ns = event.time_ns;
    child.exit_ns = 0;
    add(std::move(child));
  }

  void exec(const model::Event& event) {
    ProcessNode& node = actor(event);
    node.exe = event.filename;
    node.argv.assign(event.argv.begin(), event.argv.begin() + std::min(event.argv.size(), kMaxArgs));
    node.env.assign(event.env.begin(), event.env.begin() + std::min(event.env.size(), kMaxArgs));
    if (!event.cwd.empty()) node.cwd = event.cwd;
    node.stdin_type = event.stdin_type;
    node.stdout_type = event.stdout_type;
    node.stderr_type = event.stderr_type;
    if (event.comm.empty()) node.comm = fs::path(event.filename).filename().string().substr(0, 15);
  }

  void chdir(const model::Event& event) {
    ProcessNode& node = actor(event);
    if (event.ret == 0 && event.path.starts_with('/')) node.cwd = event.path;
  }

  void exit(const model::Event& event) {
    if (event.tid != 0 && event.tid != event.pid) return;  // a thread ended, not the process
    ProcessNode& node = actor(event);
    node.exit_ns = std::max<uint64_t>(event.time_ns, 1);
    exited.emplace_back(node.exit_ns, node.pid);
    enforce_bound(node.pid);
  }
};

ProcessTree::ProcessTree(ProcessTreeOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}
ProcessTree::~ProcessTree() = default;

void ProcessTree::snapshot(const std::string& proc_root) {
  std::error_code ec;
  for (fs::directory_iterator it(proc_root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.size() > 9 || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const auto pid = static_cast<int32_t>(std::stol(name));
    if (pid <= 0 || impl_->nodes.contains(pid)) continue;
    if (auto node = read_process(it->path(), pid)) impl_->add(std::move(*node));
  }
}

void ProcessTree::apply(const model::Event& event) {
  impl_->expire(event.time_ns);
  switch (event.type) {
    case model::EventType::Fork: impl_->fork(event); break;
    case model::EventType::Exec: impl_->exec(event); break;
    case model::EventType::Exit: impl_->exit(event); break;
    case model::EventType::Chdir: impl_->chdir(event); break;
    default: impl_->actor(event); break;
  }
}

void ProcessTree::add_container_id(model::Event& event) {
  if (!event.container_id.empty() || event.cgroup_id == 0) return;
  ProcessNode probe;  // note_cgroup's lookup without touching a real node
  impl_->note_cgroup(probe, event);
  event.container_id = probe.container_id;
}

namespace {

// The path fields rules see as fd.name/proc.exe (exec's filename; open, unlink, chmod, chdir and rename paths).
template <typename Function>
void for_each_path(model::Event& event, Function&& function) {
  using model::EventType;
  switch (event.type) {
    case EventType::Exec: function(event.filename); break;
    case EventType::Open:
    case EventType::Unlink:
    case EventType::Chmod:
    case EventType::Chdir: function(event.path); break;
    case EventType::Rename:
      function(event.path);
      function(event.new_path);
      break;
    default: break;
  }
}

// True when normal_path would give the absolute path back unchanged, as it does for nearly every path a process
// gives: then no copy is made.
bool already_normal(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') return false;
  for (size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
    const std::string_view rest = path.substr(slash + 1);
    if (rest.starts_with('/') || rest == "." || rest.starts_with("./") || rest == ".." || rest.starts_with("../")) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string normal_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t at = 0;
  while (at <= path.size()) {
    const size_t slash = std::min(path.find('/', at), path.size());
    const std::string_view part = path.substr(at, slash - at);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    at = slash + 1;
  }
  std::string out;
  out.reserve(path.size());
  for (const auto part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

void normalize_paths(model::Event& event) {
  for_each_path(event, [](std::string& path) {
    if (path.starts_with('/') && !already_normal(path)) path = normal_path(path);
  });
}

void ProcessTree::resolve_paths(model::Event& event) const {
  std::string cwd;
  if (const ProcessNode* node = find(event.pid); node != nullptr && !node->cwd.empty()) {
    cwd = node->cwd;
  } else if (!impl_->options.live_proc_root.empty()) {
    cwd = read_link(fs::path(impl_->options.live_proc_root) / std::to_string(event.pid) / "cwd");
  }
  if (!cwd.starts_with('/')) cwd.clear();
  if (event.type == model::EventType::Exec && event.cwd.empty()) event.cwd = cwd;
  if (!cwd.empty()) {
    for_each_path(event, [&](std::string& path) {
      if (!path.empty() && !path.starts_with('/')) path = cwd + '/' + path;
    });
  }
  normalize_paths(event);
}

const ProcessNode* ProcessTree::find(int32_t pid) const {
  const auto it = impl_->nodes.find(pid);
  return it == impl_->nodes.end() ? nullptr : &it->second;
}

std::vector<const ProcessNode*> ProcessTree::ancestors(int32_t pid, size_t max) const {
  std::vector<const ProcessNode*> out;
  const ProcessNode* node = find(pid);
  while (node != nullptr && out.size() < max && node->pid > 1 && node->ppid > 0) {
    const ProcessNode* parent = find(node->ppid);
    // A recorded or reused pid can make a loop; a process is never its own ancestor.
    if (parent == nullptr || parent->pid == pid || std::find(out.begin(), out.end(), parent) != out.end()) {
      break;
    }
    out.push_back(parent);
    node = parent;
  }
  return out;
}

size_t ProcessTree::size() const {
  return impl_->nodes.size();
}
}  // namespace vigil::watch
