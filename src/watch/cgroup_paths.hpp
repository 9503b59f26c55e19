// cgroup v2 id -> path ("/system.slice/docker-<id>.scope"). The id the probes report is the inode number of the
// cgroup's directory under the v2 mount, so the path is found by walking that tree: no /proc lookup, which
// races with processes that exit within milliseconds. Walks are bounded and happen only for ids not seen yet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace vigil::watch {

class CgroupPaths {
 public:
  explicit CgroupPaths(std::string v2_root) : root_(std::move(v2_root)) {}
  // The mount point of the cgroup2 file system in a mounts file (/proc/mounts); "" when none is mounted.
  static std::string find_v2_root(const std::string& mounts_file = "/proc/mounts");
  // The path relative to the v2 root ("/" for the root itself); nullopt when no directory has that id (after one
  // fresh walk per unknown id).
  std::optional<std::string> path_of(uint64_t id);

 private:
  void walk();
  std::string root_;
  std::unordered_map<uint64_t, std::string> paths_;
  std::unordered_set<uint64_t> missing_;  // walked for and not found; bounded like paths_
};

}  // namespace vigil::watch
