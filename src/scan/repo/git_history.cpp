// Git history scanning: our own commit-graph walk (libgit2 1.5's revwalk fails on shallow clones), trees walked
// in parents-before-children order skipping every tree and blob already seen, blobs read and scanned on worker
// threads that each own a repository handle (libgit2 objects are not shared between threads).
#include "scan/repo/git_history.hpp"

#include <fmt/format.h>
#include <git2.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "scan/repo/git_support.hpp"

namespace vigil::repo {
namespace {

using git::BlobPtr;
using git::CommitPtr;
using git::hex;
using git::last_error;
using git::Libgit2;
using git::ObjectPtr;
using git::OdbPtr;
using git::OidEq;
using git::OidHash;
using git::OidSet;
using git::RefIterPtr;
using git::RefPtr;
using git::RepoPtr;
using git::TreePtr;

constexpr size_t kMaxTreeDepth = 1024;   // deeper trees only come from hostile repositories
constexpr size_t kMaxPathBytes = 16384;  // Linux paths stop at 4096; longer ones only come from hostile trees
constexpr size_t kQueueCapacity = 1024;  // pending blob jobs (oid + path each): bounds memory, not blobs
constexpr unsigned kMaxThreads = 64;
constexpr size_t kMaxMissingWarnings = 10;

struct CommitNode {
  git_oid id;
  git_oid tree;
  int64_t commit_time = 0;
  int64_t author_time = 0;
  int author_offset = 0;  // minutes east of UTC
  std::vector<git_oid> parents;
};

std::string rfc3339(int64_t time, int offset_minutes) {
  if (offset_minutes <= -24 * 60 || offset_minutes >= 24 * 60) {
    offset_minutes = 0;  // hostile or corrupt: RFC 3339 cannot say it, report UTC
  }
  if (time < -62135596800 || time > 253402300799) {
    return {};  // outside years 1-9999
  }
  const auto local = static_cast<time_t>(time + int64_t{offset_minutes} * 60);
  std::tm tm{};
  if (gmtime_r(&local, &tm) == nullptr || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1) {
    return {};
  }
  std::string zone = "Z";
  if (offset_minutes != 0) {
    const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    zone = fmt::format("{}{:02}:{:02}", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  }
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, zone);
}

Result<RepoPtr> open_repository(const std::string& path) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0) {
    return fail(fmt::format("{}: not a git repository (or cannot be opened): {}", path, last_error()));
  }
  return RepoPtr(raw);
}

// Commits every ref points to (annotated tags peeled), in ref order. A ref to a tree or blob is a warning.
Result<std::vector<git_oid>> ref_tips(git_repository* repo, const std::string& repo_path,
                                      std::vector<Diagnostic>& warnings) {
  git_reference_iterator* raw = nullptr;
  if (git_reference_iterator_new(&raw, repo) < 0) {
    return fail(fmt::format("{}: cannot list refs: {}", repo_path, last_error()));
  }
  RefIterPtr iter(raw);
  std::vector<git_oid> tips;
  git_reference* ref = nullptr;
  int rc = 0;
  while ((rc = git_reference_next(&ref, iter.get())) == 0) {
    RefPtr owned(ref);
    git_object* target = nullptr;
    if (git_reference_peel(&target, ref, GIT_OBJECT_COMMIT) == 0) {
      tips.push_back(*git_object_id(target));
      git_object_free(target);
    } else {
      warnings.push_back(
          {"", 0,
           fmt::format("ref {} does not lead to a commit ({}): not scanned", git_reference_name(ref), last_error())});
    }
  }
  if (rc != GIT_ITEROVER) {
    return fail(fmt::format("{}: cannot list refs: {}", repo_path, last_error()));
  }
  return tips;
}

std::optional<git_oid> head_commit(git_repository* repo) {
  git_reference* raw = nullptr;
  if (git_repository_head(&raw, repo) < 0) {
    return std::nullopt;  // unborn branch or no HEAD
  }
  RefPtr head(raw);
  git_object* target = nullptr;
  if (git_reference_peel(&target, head.get(), GIT_OBJECT_COMMIT) < 0) {
    return std::nullopt;
  }
  ObjectPtr owned(target);
  return *git_object_id(target);
}

struct Graph {
  std::vector<CommitNode> nodes;
  std::unordered_map<git_oid, uint32_t, OidHash, OidEq> index;
};

void warn_missing(git_repository* repo, const std::vector<git_oid>& missing, std::vector<Diagnostic>& warnings) {
  if (missing.empty()) {
    return;
  }
  if (git_repository_is_shallow(repo) == 1) {
    warnings.push_back({"", 0,
                        fmt::format("shallow clone: history stops at {} missing parent commit(s); secrets "
                                    "are reported at the oldest commit present",
                                    missing.size())});
    return;
  }
  for (size_t i = 0; i < missing.size() && i < kMaxMissingWarnings; ++i) {
    warnings.push_back({"", 0, fmt::format("commit {} is missing: history behind it not scanned", hex(missing[i]))});
  }
  if (missing.size() > kMaxMissingWarnings) {
    warnings.push_back({"", 0, fmt::format("{} more missing commits", missing.size() - kMaxMissingWarnings)});
  }
}

// Every commit reachable from the tips; parents that are not in the object database (shallow boundary,
// partial or damaged repository) end the walk there.
Graph build_graph(git_repository* repo, std::vector<git_oid> stack, std::vector<Diagnostic>& warnings) {
  Graph graph;
  std::vector<git_oid> missing;
  OidSet missing_seen;
  while (!stack.empty()) {
    const git_oid id = stack.back();
    stack.pop_back();
    if (graph.index.count(id) != 0) {
      continue;
    }
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &id) < 0) {
      if (missing_seen.insert(id)) {
        missing.push_back(id);
      }
      continue;
    }
    CommitPtr commit(raw);
    CommitNode node{id, *git_commit_tree_id(raw), git_commit_time(raw), 0, 0, {}};
    if (const git_signature* author = git_commit_author(raw); author != nullptr) {
      node.author_time = author->when.time;
      node.author_offset = author->when.offset;
    }
    for (unsigned i = 0; i < git_commit_parentcount(raw); ++i) {
      node.parents.push_back(*git_commit_parent_id(raw, i));
      stack.push_back(node.parents.back());
    }
    graph.index.emplace(id, static_cast<uint32_t>(graph.nodes.size()));
    graph.nodes.push_back(std::move(node));
  }
  warn_missing(repo, missing, warnings);
  return graph;
}

// Parents before children; among commits whose parents are all done, the oldest commit time first (then the
// id, so the order is deterministic). So the first visit of a blob is the commit that introduced it.
std::vector<uint32_t> topo_order(const Graph& graph) {
  const size_t n = graph.nodes.size();
  std::vector<uint32_t> pending(n, 0);
  std::vector<std::vector<uint32_t>> children(n);
  for (uint32_t i = 0; i < n; ++i) {
    for (const auto& parent : graph.nodes[i].parents) {
      if (auto it = graph.index.find(parent); it != graph.index.end()) {
        ++pending[i];
        children[it->second].push_back(i);
      }
    }
  }
  auto later = [&](uint32_t a, uint32_t b) {
    const auto& x = graph.nodes[a];
    const auto& y = graph.nodes[b];
    return x.commit_time != y.commit_time ? x.commit_time > y.commit_time : git_oid_cmp(&x.id, &y.id) > 0;
  };
  std::priority_queue<uint32_t, std::vector<uint32_t>, decltype(later)> ready(later);
  for (uint32_t i = 0; i < n; ++i) {
    if (pending[i] == 0) {
      ready.push(i);
    }
  }
  std::vector<uint32_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    const uint32_t i = ready.top();
    ready.pop();
    order.push_back(i);
    for (uint32_t child : children[i]) {
      if (--pending[child] == 0) {
        ready.push(child);
      }
    }
  }
  return order;  // shorter than n only for a cyclic graph, which SHA-1 ids make impossible in practice
}

struct BlobJob {
  git_oid id;
  std::string path;
  uint32_t commit = 0;  // index into Graph::nodes
  uint64_t seq = 0;     // walk order
};

// Walks a tree depth-first without recursion, skipping entries whose id is in `seen` (a subtree already
// walked holds only blobs already handed out). Symlinks and gitlinks (submodules) are not content.
class TreeWalker {
 public:
  TreeWalker(git_repository* repo, OidSet& seen, std::vector<Diagnostic>& warnings)
      : repo_(repo), seen_(seen), warnings_(warnings) {}

  template <class Emit>
  void walk(const git_oid& root, Emit&& emit) {
    struct Frame {
      TreePtr tree;
      std::string prefix;
      size_t next = 0;
    };
    std::vector<Frame> stack;
    if (!seen_.insert(root)) {
      return;
    }
    if (TreePtr tree = lookup(root, ""); tree) {
      stack.push_back({std::move(tree), "", 0});
    }
    while (!stack.empty()) {
      Frame& frame = stack.back();
      if (frame.next >= git_tree_entrycount(frame.tree.get())) {
        stack.pop_back();
        continue;
      }
      const git_tree_entry* entry = git_tree_entry_byindex(frame.tree.get(), frame.next++);
      const git_oid& id = *git_tree_entry_id(entry);
      const git_object_t type = git_tree_entry_type(entry);
      if ((type != GIT_OBJECT_TREE && type != GIT_OBJECT_BLOB) || git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
        continue;
      }
      const char* name = git_tree_entry_name(entry);
      // Checked before marking the id seen, so the same object at a sane place is still scanned.
      if (frame.prefix.size() + std::strlen(name) > kMaxPathBytes ||
          (type == GIT_OBJECT_TREE && stack.size() >= kMaxTreeDepth)) {
        refuse(id, frame.prefix + name);
        continue;
      }
      if (!seen_.insert(id)) {
        continue;
      }
      std::string path = frame.prefix + name;
      if (type == GIT_OBJECT_BLOB) {
        emit(id, std::move(path));
      } else if (TreePtr sub = lookup(id, path); sub) {
        path += '/';
        stack.push_back({std::move(sub), std::move(path), 0});  // invalidates `frame`, which is not used after
      }
    }
  }

 private:
  // Hostile trees only: one warning per object, not one per commit that contains it.
  void refuse(const git_oid& id, std::string path) {
    if (seen_.contains(id) || !refused_.insert(id)) {
      return;
    }
    if (path.size() > 256) {
      path.resize(256);
    }
    warnings_.push_back({std::move(path), 0,
                         fmt::format("path longer than {} bytes or trees nested deeper than {} levels: not scanned",
                                     kMaxPathBytes, kMaxTreeDepth)});
  }

  TreePtr lookup(const git_oid& id, const std::string& path) {
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo_, &id) < 0) {
      warnings_.push_back({path, 0, fmt::format("cannot read tree {}: {}", hex(id), last_error())});
      return nullptr;
    }
    return TreePtr(raw);
  }

  git_repository* repo_;
  OidSet& seen_;
  OidSet refused_;
  std::vector<Diagnostic>& warnings_;
};

struct Found {
  uint64_t seq;
  bool in_head_blob;
  model::SecretFinding finding;
};

struct Output {
  std::vector<Found> found;
  std::vector<std::pair<uint64_t, Diagnostic>> warnings;
  size_t blobs = 0, skipped_binary = 0, skipped_large = 0;
  uint64_t bytes = 0;
};

struct Context {
  const Graph& graph;
  const OidSet& head_blobs;
  const BlobScanner& scan;
  const HistoryOptions& options;
};

// Reads and scans blobs with its own repository handle; one per thread.
class BlobReader {
 public:
  BlobReader(RepoPtr repo, const Context& ctx) : repo_(std::move(repo)), ctx_(ctx) {
    git_odb* raw = nullptr;
    if (git_repository_odb(&raw, repo_.get()) == 0) {
      odb_.reset(raw);
    }
  }

  void process(const BlobJob& job) {
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (odb_ == nullptr || git_odb_read_header(&size, &type, odb_.get(), &job.id) < 0) {
      warn(job, fmt::format("cannot read blob {}: {}", hex(job.id), last_error()));
      return;
    }
    if (size > ctx_.options.max_blob_bytes) {
      ++out_.skipped_large;
      warn(job, fmt::format("blob {} is {} bytes, more than the maximum blob size ({} bytes): not scanned", hex(job.id),
                            size, ctx_.options.max_blob_bytes));
      return;
    }
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repo_.get(), &job.id) < 0) {
      warn(job, fmt::format("cannot read blob {}: {}", hex(job.id), last_error()));
      return;
    }
    BlobPtr blob(raw);
    if (!ctx_.options.scan_binary && git_blob_is_binary(raw) != 0) {
      ++out_.skipped_binary;
      return;
    }
    const std::string_view bytes(static_cast<const char*>(git_blob_rawcontent(raw)),
                                 static_cast<size_t>(git_blob_rawsize(raw)));
    scan(job, bytes);
    ++out_.blobs;
    out_.bytes += bytes.size();
  }

  Output& output() { return out_; }

 private:
  void scan(const BlobJob& job, std::string_view bytes) {
    std::vector<model::SecretFinding> findings;
    try {
      ctx_.scan(job.path, bytes, findings);
    } catch (const std::exception& e) {
      warn(job, fmt::format("secret scanner failed on blob {}: {}", hex(job.id), e.what()));
    }
    const CommitNode& commit = ctx_.graph.nodes[job.commit];
    const bool in_head = ctx_.head_blobs.contains(job.id);
    for (auto& f : findings) {
      if (f.path.empty()) {
        f.path = job.path;
      }
      f.commit = hex(commit.id);
      f.author_date = rfc3339(commit.author_time, commit.author_offset);
      out_.found.push_back({job.seq, in_head, std::move(f)});
    }
  }

  void warn(const BlobJob& job, std::string message) {
    out_.warnings.push_back({job.seq, Diagnostic{job.path, 0, std::move(message)}});
  }

  RepoPtr repo_;
  OdbPtr odb_;
  const Context& ctx_;
  Output out_;
};

// Bounded hand-off from the tree walker to the blob readers.
class JobQueue {
 public:
  void push(BlobJob job) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return jobs_.size() < kQueueCapacity; });
    jobs_.push_back(std::move(job));
    not_empty_.notify_one();
  }
  std::optional<BlobJob> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !jobs_.empty(); });
    if (jobs_.empty()) {
      return std::nullopt;
    }
    BlobJob job = std::move(jobs_.front());
    jobs_.pop_front();
    not_full_.notify_one();
    return job;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<BlobJob> jobs_;
  bool closed_ = false;
};

unsigned thread_count(unsigned requested) {
  if (requested != 0) {
    return std::min(requested, kMaxThreads);
  }
  return std::clamp(std::thread::hardware_concurrency(), 1U, 8U);
}

// Walks every commit's tree in order, handing each new blob to the readers; returns their outputs.
Result<std::vector<Output>> walk_history(git_repository* repo, const std::string& repo_path,
                                         const std::vector<uint32_t>& order, const Context& ctx,
                                         std::vector<Diagnostic>& warnings) {
  const unsigned n = thread_count(ctx.options.threads);
  std::vector<std::unique_ptr<BlobReader>> readers;
  for (unsigned i = 0; i < n; ++i) {
    auto own = open_repository(repo_path);  // each thread its own handle: libgit2 objects are not shareable
    if (!own) {
      return tl::unexpected(own.error());
    }
    readers.push_back(std::make_unique<BlobReader>(std::move(*own), ctx));
  }
  OidSet seen;
  TreeWalker walker(repo, seen, warnings);
  uint64_t seq = 0;
  JobQueue queue;
  std::vector<std::thread> threads;
  if (n > 1) {
    for (auto& reader : readers) {
      threads.emplace_back([&queue, r = reader.get()] {
        while (auto job = queue.pop()) {
          r->process(*job);
        }
      });
    }
  }
  for (uint32_t commit : order) {
    walker.walk(ctx.graph.nodes[commit].tree, [&](const git_oid& id, std::string path) {
      BlobJob job{id, std::move(path), commit, seq++};
      if (n > 1) {
        queue.push(std::move(job));
      } else {
        readers.front()->process(job);
      }
    });
  }
  queue.close();
  for (auto& t : threads) {
    t.join();
  }
  std::vector<Output> outputs;
  for (auto& reader : readers) {
    outputs.push_back(std::move(reader->output()));
  }
  return outputs;
}

// What makes two findings the same secret. The engine's fingerprint hashes rule + path + secret, so this
// matches the same secret at the same path (the blob in HEAD's tree is checked separately, which covers a
// file renamed without changes).
std::string secret_key(const model::SecretFinding& f) {
  return f.rule + '\0' + f.fingerprint;
}

// Sorts into walk order, decides present_at_head and keeps the first finding of each secret.
void finish(std::vector<Output>& outputs, bool has_head, HistoryResult& result) {
  std::vector<Found> found;
  std::vector<std::pair<uint64_t, Diagnostic>> warnings;
  for (auto& out : outputs) {
    std::move(out.found.begin(), out.found.end(), std::back_inserter(found));
    std::move(out.warnings.begin(), out.warnings.end(), std::back_inserter(warnings));
    result.blobs += out.blobs;
    result.skipped_binary += out.skipped_binary;
    result.skipped_large += out.skipped_large;
    result.bytes += out.bytes;
  }
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.seq, a.finding.line, a.finding.column) < std::tie(b.seq, b.finding.line, b.finding.column);
  });
  std::stable_sort(warnings.begin(), warnings.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& w : warnings) {
    result.warnings.push_back(std::move(w.second));
  }
  std::unordered_set<std::string> at_head;
  for (const auto& f : found) {
    if (f.in_head_blob) {
      at_head.insert(secret_key(f.finding));
    }
  }
  std::unordered_set<std::string> reported;
  for (auto& f : found) {
    const std::string key = secret_key(f.finding);
    if (!f.finding.fingerprint.empty() && !reported.insert(key).second) {
      continue;  // a later version of the same file with the same secret
    }
    if (has_head) {
      f.finding.present_at_head = f.in_head_blob || at_head.count(key) != 0;
    }
    result.secrets.push_back(std::move(f.finding));
  }
}

}  // namespace

Result<HistoryResult> scan_git_history(const std::string& repo_path, const BlobScanner& scan,
                                       const HistoryOptions& options) {
  Libgit2 libgit2;
  auto repo = open_repository(repo_path);
  if (!repo) {
    return tl::unexpected(repo.error());
  }
  HistoryResult result;
  auto tips = ref_tips(repo->get(), repo_path, result.warnings);
  if (!tips) {
    return tl::unexpected(tips.error());
  }
  const std::optional<git_oid> head = head_commit(repo->get());
  if (head) {
    tips->push_back(*head);
  }
  if (tips->empty()) {
    result.warnings.push_back({"", 0, "the repository has no commits (HEAD is unborn and no ref leads to a commit)"});
    return result;
  }
  if (!head) {
    result.warnings.push_back({"", 0, "HEAD does not lead to a commit: present_at_head is not decided"});
  }
  const Graph graph = build_graph(repo->get(), std::move(*tips), result.warnings);
  const std::vector<uint32_t> order = topo_order(graph);
  result.commits = order.size();
  OidSet head_blobs;
  if (head) {
    if (auto it = graph.index.find(*head); it != graph.index.end()) {
      OidSet head_trees;
      std::vector<Diagnostic> repeated;  // the main walk reports the same unreadable trees
      TreeWalker(repo->get(), head_trees, repeated)
          .walk(graph.nodes[it->second].tree, [&](const git_oid& id, std::string) { head_blobs.insert(id); });
    }
  }
  const Context ctx{graph, head_blobs, scan, options};
  auto outputs = walk_history(repo->get(), repo_path, order, ctx, result.warnings);
  if (!outputs) {
    return tl::unexpected(outputs.error());
  }
  finish(*outputs, head.has_value(), result);
  return result;
}

}  // namespace vigil::repo
