// The files of a repository's HEAD commit, read from the object database (bare repositories too): what the
// `config` scanner of `vigil scan repo` checks, since CI runs what HEAD has, not what history once had.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/result.hpp"

namespace vigil::repo {

class HeadTree {
 public:
  // repo_path as for scan_git_history. Fails when it is not a repository; a repository without commits is an
  // empty tree.
  static Result<std::unique_ptr<HeadTree>> open(const std::string& repo_path);
  ~HeadTree();
  HeadTree(const HeadTree&) = delete;
  HeadTree& operator=(const HeadTree&) = delete;

  // Calls visit(path, bytes) for every regular file whose path `wants` (symlinks and submodules are skipped; so
  // are files over max_bytes and paths nested deeper than 64 directories, with a warning).
  void for_each_file(const std::function<bool(std::string_view path)>& wants,
                     const std::function<void(std::string_view path, std::string_view bytes)>& visit,
                     uint64_t max_bytes, std::vector<Diagnostic>& warnings) const;
  // One file by its path; nullopt when absent, not a regular file or larger than max_bytes.
  [[nodiscard]] std::optional<std::string> read(const std::string& path, uint64_t max_bytes) const;

 private:
  struct Impl;
  explicit HeadTree(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::repo
