// HEAD's tree walked without recursion; blobs read through libgit2's object database.
#include "scan/repo/head_tree.hpp"

#include <fmt/format.h>

#include "scan/repo/git_support.hpp"

namespace vigil::repo {

using git::BlobPtr;
using git::RepoPtr;
using git::TreePtr;

namespace {
constexpr size_t kMaxDepth = 64;
}  // namespace

struct HeadTree::Impl {
  git::Libgit2 library;
  RepoPtr repo;
  TreePtr tree;  // null: no commit yet
};

HeadTree::HeadTree(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HeadTree::~HeadTree() = default;

Result<std::unique_ptr<HeadTree>> HeadTree::open(const std::string& repo_path) {
  auto impl = std::make_unique<Impl>();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, repo_path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0) {
    return fail(fmt::format("{}: not a git repository (or cannot be opened): {}", repo_path, git::last_error()));
  }
  impl->repo.reset(raw);
  git_object* head = nullptr;
  if (git_revparse_single(&head, impl->repo.get(), "HEAD^{tree}") == 0) {
    impl->tree.reset(reinterpret_cast<git_tree*>(head));
  }
  return std::unique_ptr<HeadTree>(new HeadTree(std::move(impl)));
}

void HeadTree::for_each_file(const std::function<bool(std::string_view)>& wants,
                             const std::function<void(std::string_view, std::string_view)>& visit, uint64_t max_bytes,
                             std::vector<Diagnostic>& warnings) const {
  if (!impl_->tree) return;
  struct Frame {
    const git_tree* tree;
    TreePtr owned;  // null for the root, which impl_ owns
    std::string prefix;
    size_t next = 0;
  };
  std::vector<Frame> stack;
  stack.push_back({impl_->tree.get(), nullptr, "", 0});
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next >= git_tree_entrycount(frame.tree)) {
      stack.pop_back();
      continue;
    }
    const git_tree_entry* entry = git_tree_entry_byindex(frame.tree, frame.next++);
    const std::string path = frame.prefix + git_tree_entry_name(entry);
    const git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_TREE) {
      git_tree* sub = nullptr;
      if (stack.size() >= kMaxDepth) {
        warnings.push_back({path, 0, "directory nested too deep: not checked"});
      } else if (git_tree_lookup(&sub, impl_->repo.get(), git_tree_entry_id(entry)) == 0) {
        TreePtr owned(sub);
        stack.push_back({sub, std::move(owned), path + "/", 0});  // invalidates `frame`, not used after
      }
      continue;
    }
    if ((mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) || !wants(path)) continue;
    if (auto bytes = read(path, max_bytes)) {
      visit(path, *bytes);
    } else {
      warnings.push_back({path, 0, fmt::format("larger than {} bytes or unreadable: not checked", max_bytes)});
    }
  }
}

std::optional<std::string> HeadTree::read(const std::string& path, uint64_t max_bytes) const {
  if (!impl_->tree) return std::nullopt;
  git_tree_entry* raw_entry = nullptr;
  if (git_tree_entry_bypath(&raw_entry, impl_->tree.get(), path.c_str()) != 0) return std::nullopt;
  std::unique_ptr<git_tree_entry, git::GitFree<git_tree_entry_free>> entry(raw_entry);
  const git_filemode_t mode = git_tree_entry_filemode(entry.get());
  if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) return std::nullopt;
  // The header first: a huge blob is refused without being loaded.
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, impl_->repo.get()) != 0) return std::nullopt;
  const git::OdbPtr odb(raw_odb);
  size_t header_size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&header_size, &type, odb.get(), git_tree_entry_id(entry.get())) != 0 ||
      header_size > max_bytes) {
    return std::nullopt;
  }
  git_blob* raw_blob = nullptr;
  if (git_blob_lookup(&raw_blob, impl_->repo.get(), git_tree_entry_id(entry.get())) != 0) return std::nullopt;
  BlobPtr blob(raw_blob);
  const auto size = static_cast<uint64_t>(git_blob_rawsize(blob.get()));
  if (size > max_bytes) return std::nullopt;
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), size);
}

}  // namespace vigil::repo
