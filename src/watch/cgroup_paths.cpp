#include "watch/cgroup_paths.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace vigil::watch {
namespace {

namespace fs = std::filesystem;
constexpr size_t kMaxDirectories = 65536;
constexpr int kMaxDepth = 32;

}  // namespace

std::string CgroupPaths::find_v2_root(const std::string& mounts_file) {
  std::ifstream in(mounts_file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string device;
    std::string mount_point;
    std::string type;
    fields >> device >> mount_point >> type;
    if (type == "cgroup2") return mount_point;
  }
  return {};
}

void CgroupPaths::walk() {
  if (root_.empty()) return;
  if (paths_.size() >= kMaxDirectories) paths_.clear();
  std::error_code ec;
  struct stat st{};
  if (::stat(root_.c_str(), &st) == 0) paths_[st.st_ino] = "/";
  size_t seen = 0;
  for (fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end && seen < kMaxDirectories; it.increment(ec)) {
    if (it.depth() >= kMaxDepth) it.disable_recursion_pending();
    if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
    ++seen;
    if (::stat(it->path().c_str(), &st) == 0) paths_[st.st_ino] = "/" + it->path().lexically_relative(root_).string();
  }
}

std::optional<std::string> CgroupPaths::path_of(uint64_t id) {
  if (const auto it = paths_.find(id); it != paths_.end()) return it->second;
  if (missing_.contains(id)) return std::nullopt;
  walk();  // a cgroup made since the last walk
  if (const auto it = paths_.find(id); it != paths_.end()) return it->second;
  if (missing_.size() >= kMaxDirectories) missing_.clear();
  missing_.insert(id);
  return std::nullopt;
}

}  // namespace vigil::watch
