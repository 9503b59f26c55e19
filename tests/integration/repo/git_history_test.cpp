// scan_git_history on real repositories built by /usr/bin/git (run without a shell) in temporary directories,
// with a fake blob scanner that reports "FAKE_SECRET_<n>" tokens, so these tests do not depend on the rules.
#include "scan/repo/git_history.hpp"

#include <fcntl.h>
#include <git2.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "test_support.hpp"

namespace {

using vigil::repo::HistoryOptions;
using vigil::repo::HistoryResult;
using vigil::repo::scan_git_history;
using vigil::test::TempDir;
namespace fs = std::filesystem;

// Runs git with a fixed argv and a minimal environment (no user or system config); returns stdout.
std::string run_git(const fs::path& dir, const std::vector<std::string>& args, int time_index) {
  std::vector<std::string> argv_s{"git", "-C", dir.string()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  const std::string date =
      "2024-01-" + std::string(time_index < 9 ? "0" : "") + std::to_string(time_index + 1) + "T10:00:00+01:00";
  std::vector<std::string> env_s{"PATH=/usr/bin:/bin",      "HOME=" + dir.parent_path().string(),
                                 "GIT_CONFIG_NOSYSTEM=1",   "GIT_CONFIG_GLOBAL=/dev/null",
                                 "GIT_AUTHOR_NAME=Test",    "GIT_AUTHOR_EMAIL=test@example.com",
                                 "GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
                                 "GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date};
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  for (auto& e : env_s) envp.push_back(e.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/usr/bin/git", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  if (rc != 0 || ::waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("git " + args.front() + " failed");
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// A work tree repository whose commits get one day later each.
class Repo {
 public:
  explicit Repo(const TempDir& tmp, const std::string& name = "work") : tmp_(tmp), dir_(tmp.path() / name) {
    fs::create_directories(dir_);
    git({"init", "-q", "-b", "main"});
  }
  std::string git(const std::vector<std::string>& args) { return run_git(dir_, args, day_); }
  void write(const std::string& rel, const std::string& content) { tmp_.write(relative(rel), content); }
  // Stages everything and commits; returns the commit id.
  std::string commit(const std::string& message) {
    git({"add", "-A"});
    git({"commit", "-q", "--allow-empty", "-m", message});
    ++day_;
    return git({"rev-parse", "HEAD"});
  }
  [[nodiscard]] const fs::path& dir() const { return dir_; }

 private:
  [[nodiscard]] std::string relative(const std::string& rel) const {
    return (fs::relative(dir_, tmp_.path()) / rel).string();
  }
  const TempDir& tmp_;
  fs::path dir_;
  int day_ = 0;
};

// Reports every FAKE_SECRET_<digits> token like the engine would: rule, line, column, redacted, fingerprint of
// rule + path + secret. Counts the calls per token so tests can check each blob is scanned once.
struct FakeScanner {
  std::mutex mutex;
  std::vector<std::string> scanned_paths;
  std::atomic<int> calls{0};

  void operator()(std::string_view path, std::string_view bytes, std::vector<vigil::model::SecretFinding>& out) {
    ++calls;
    {
      std::lock_guard lock(mutex);
      scanned_paths.emplace_back(path);
    }
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (bytes[i] == '\n') {
        ++line;
        line_start = i + 1;
        continue;
      }
      if (bytes.substr(i, 12) != "FAKE_SECRET_") continue;
      size_t end = i + 12;
      while (end < bytes.size() && bytes[end] >= '0' && bytes[end] <= '9') ++end;
      const std::string secret(bytes.substr(i, end - i));
      vigil::model::SecretFinding f;
      f.rule = "fake-secret";
      f.path = std::string(path);
      f.line = line;
      f.column = static_cast<int>(i - line_start) + 1;
      f.redacted = secret.substr(0, 4) + "*****";
      f.fingerprint = std::to_string(std::hash<std::string>{}(f.rule + '\0' + f.path + '\0' + secret));
      out.push_back(std::move(f));
      i = end - 1;
    }
  }
  vigil::repo::BlobScanner as_scanner() {
    return [this](std::string_view p, std::string_view b, std::vector<vigil::model::SecretFinding>& o) {
      (*this)(p, b, o);
    };
  }
};

HistoryResult scan(const fs::path& dir, FakeScanner& fake, HistoryOptions options = {}) {
  if (options.threads == 0) options.threads = 1;
  auto result = scan_git_history(dir.string(), fake.as_scanner(), options);
  if (!result) throw std::runtime_error(result.error().message);
  return std::move(*result);
}

bool has_warning(const HistoryResult& r, std::string_view text) {
  for (const auto& w : r.warnings) {
    if (w.message.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(GitHistory, DeletedSecretIsReportedAtTheCommitThatAddedIt) {
  TempDir tmp;
  Repo repo(tmp);
  repo.write("README.md", "# demo\n");
  repo.commit("init");
  repo.write("deploy/config.env", "HOST=db.internal\nTOKEN=FAKE_SECRET_1\n");
  const std::string added = repo.commit("add config");
  fs::remove(repo.dir() / "deploy/config.env");
  repo.commit("remove config");
  FakeScanner fake;
  const auto r = scan(repo.dir(), fake);
  EXPECT_EQ(r.commits, 3U);
  EXPECT_EQ(r.blobs, 2U);
  ASSERT_EQ(r.secrets.size(), 1U);
  const auto& f = r.secrets[0];
  EXPECT_EQ(f.path, "deploy/config.env");
  EXPECT_EQ(f.line, 2);
  EXPECT_EQ(f.column, 7);
  EXPECT_EQ(f.commit, added);
  EXPECT_EQ(f.author_date, "2024-01-02T10:00:00+01:00");
  ASSERT_TRUE(f.present_at_head.has_value());
  EXPECT_FALSE(*f.present_at_head);
}

TEST(GitHistory, SecretStillAtHeadIsReportedOnceAtItsFirstVersion) {
  TempDir tmp;
  Repo repo(tmp);
  repo.write("app.cfg", "name=demo\nport=80\napi_key=FAKE_SECRET_2\n");
  const std::string first = repo.commit("add app.cfg");
  repo.write("app.cfg", "name=demo\nport=8080\napi_key=FAKE_SECRET_2\n");
  repo.commit("change the port");
  repo.write("other.cfg", "old=FAKE_SECRET_3\n");
  repo.commit("add other");
  repo.write("other.cfg", "old=removed\n");
  repo.commit("rotate");
  FakeScanner fake;
  const auto r = scan(repo.dir(), fake);
  EXPECT_EQ(fake.calls.load(), 4);  // two versions of each file
  ASSERT_EQ(r.secrets.size(), 2U);
  EXPECT_EQ(r.secrets[0].path, "app.cfg");
  EXPECT_EQ(r.secrets[0].commit, first);
  EXPECT_EQ(r.secrets[0].line, 3);
  EXPECT_EQ(r.secrets[0].present_at_head, true);
  EXPECT_EQ(r.secrets[1].path, "other.cfg");
  EXPECT_EQ(r.secrets[1].present_at_head, false);
}

TEST(GitHistory, RenamedUnchangedFileIsStillAtHead) {
  TempDir tmp;
  Repo repo(tmp);
  repo.write("secrets.txt", "FAKE_SECRET_4\n");
  const std::string first = repo.commit("add");
  fs::create_directories(repo.dir() / "conf");
  repo.git({"mv", "secrets.txt", "conf/secrets.txt"});
  repo.commit("move");
  FakeScanner fake;
  const auto r = scan(repo.dir(), fake);
  EXPECT_EQ(fake.calls.load(), 1);  // the same blob at the new path is not scanned again
  ASSERT_EQ(r.secrets.size(), 1U);
  EXPECT_EQ(r.secrets[0].path, "secrets.txt");
  EXPECT_EQ(r.secrets[0].commit, first);
  EXPECT_EQ(r.secrets[0].present_at_head, true);
}

TEST(GitHistory, SameBlobOnTwoPathsAndBranchesIsScannedOnceAtItsFirstPath) {
  TempDir tmp;
  Repo repo(tmp);
  repo.write("README.md", "# demo\n");
  repo.commit("init");
  repo.git({"checkout", "-q", "-b", "feature"});
  repo.write("feature/creds.txt", "password: FAKE_SECRET_5\n");
  const std::string on_feature = repo.commit("feature adds creds");  // one day before main's copy
  repo.git({"checkout", "-q", "main"});
  repo.write("ops/creds-copy.txt", "password: FAKE_SECRET_5\n");
  repo.write("ops/again.txt", "password: FAKE_SECRET_5\n");
  repo.commit("main adds the same file twice");
  FakeScanner fake;
  const auto r = scan(repo.dir(), fake);
  EXPECT_EQ(r.commits, 3U);
  EXPECT_EQ(fake.calls.load(), 2);  // README and the one shared blob
  ASSERT_EQ(r.secrets.size(), 1U);
  EXPECT_EQ(r.secrets[0].path, "feature/creds.txt");
  EXPECT_EQ(r.secrets[0].commit, on_feature);
  EXPECT_EQ(r.secrets[0].present_at_head, true);  // the same blob is in HEAD's tree under another path
}

TEST(GitHistory, CommitReachableOnlyFromAnAnnotatedTagIsScanned) {
  TempDir tmp;
  Repo repo(tmp);
  repo.write("README.md", "# demo\n");
  repo.commit("init");
  repo.git({"checkout", "-q", "--detach"});
  repo.write("release.key", "FAKE_SECRET_6\n");
  const std::string tagged = repo.commit("release build");
  repo.git({"tag", "-a", "v1.0", "-m", "release 1.0"});
  repo.git({"checkout", "-q", "main"});
  FakeScanner fake;
  const auto r = scan(repo.dir(), fake);
  EXPECT_EQ(r.commits, 2U);
  ASSERT_EQ(r.secrets.size(), 1U);
  EXPECT_EQ(r.secrets[0].commit, tagged);
  EXPECT_EQ(r.secrets[0].present_at_head, false);
}

TEST(GitHistory, LargeBlobIsSkippedWithAWarningAndBinaryUnlessAsked) {
  TempDir tmp;
  Repo repo(tmp);
  repo.write("big.txt", "FAKE_SECRET_7\n" + std::string(4096, 'a'));
  repo.write("image.bin", std::string("\x89PNG\0\0\0", 7) + "FAKE_SECRET_8");
  repo.write("small.txt", "nothing here\n");
  repo.commit("add");
  FakeScanner fake;
  HistoryOptions options;
  options.max_blob_bytes = 1024;
  auto r = scan(repo.dir(), fake, options);
  EXPECT_TRUE(r.secrets.empty());
  EXPECT_EQ(r.skipped_large, 1U);
  EXPECT_EQ(r.skipped_binary, 1U);
  EXPECT_EQ(r.blobs, 1U);
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_EQ(r.warnings[0].file, "big.txt");
  EXPECT_NE(r.warnings[0].message.find("maximum blob size"), std::string::npos);

  options.scan_binary = true;
  r = scan(repo.dir(), fake, options);
  ASSERT_EQ(r.secrets.size(), 1U);
  EXPECT_EQ(r.secrets[0].path, "image.bin");
  EXPECT_EQ(r.skipped_binary, 0U);
}

TEST(GitHistory, EmptyRepositoryGivesAWarningNotAnError) {
  TempDir tmp;
  Repo repo(tmp);
  FakeScanner fake;
  const auto r = scan(repo.dir(), fake);
  EXPECT_EQ(r.commits, 0U);
  EXPECT_TRUE(r.secrets.empty());
  EXPECT_TRUE(has_warning(r, "no commits"));
}

TEST(GitHistory, NonRepositoryPathsAreClearErrors) {
  TempDir tmp;
  tmp.write("plain/file.txt", "FAKE_SECRET_9\n");
  FakeScanner fake;
  for (const fs::path& p : {tmp.path() / "plain", tmp.path() / "does-not-exist", tmp.path() / "plain/file.txt"}) {
    const auto r = scan_git_history(p.string(), fake.as_scanner(), {});
    ASSERT_FALSE(r.has_value()) << p;
    EXPECT_NE(r.error().message.find(p.string()), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("not a git repository"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(fake.calls.load(), 0);
}

TEST(GitHistory, BareRepositoryWithPackedRefsAndObjects) {
  TempDir tmp;
  Repo repo(tmp);
  repo.write("a.txt", "FAKE_SECRET_10\n");
  const std::string first = repo.commit("a");
  repo.git({"branch", "old"});
  repo.git({"tag", "light"});
  repo.write("a.txt", "clean\n");
  repo.commit("clean");
  run_git(tmp.path(), {"clone", "-q", "--bare", repo.dir().string(), "bare.git"}, 0);
  run_git(tmp.path() / "bare.git", {"gc", "-q"}, 0);
  ASSERT_TRUE(fs::exists(tmp.path() / "bare.git/packed-refs"));
  FakeScanner fake;
  const auto r = scan(tmp.path() / "bare.git", fake);
  EXPECT_EQ(r.commits, 2U);
  ASSERT_EQ(r.secrets.size(), 1U);
  EXPECT_EQ(r.secrets[0].commit, first);
  EXPECT_EQ(r.secrets[0].present_at_head, false);
  // The .git directory of a work tree opens as well.
  EXPECT_EQ(scan(repo.dir() / ".git", fake).secrets.size(), 1U);
}

TEST(GitHistory, ShallowCloneStopsAtItsBoundaryWithAWarning) {
  TempDir tmp;
  Repo repo(tmp);
  repo.write("a.txt", "FAKE_SECRET_11\n");
  repo.commit("a");
  repo.write("b.txt", "b\n");
  repo.commit("b");
  repo.write("c.txt", "c\n");
  repo.commit("c");
  run_git(tmp.path(), {"clone", "-q", "--depth", "1", "file://" + repo.dir().string(), "shallow"}, 0);
  const std::string tip = run_git(tmp.path() / "shallow", {"rev-parse", "HEAD"}, 0);
  FakeScanner fake;
  const auto r = scan(tmp.path() / "shallow", fake);
  EXPECT_EQ(r.commits, 1U);
  EXPECT_TRUE(has_warning(r, "shallow clone"));
  ASSERT_EQ(r.secrets.size(), 1U);
  EXPECT_EQ(r.secrets[0].commit, tip);  // the oldest commit present
  EXPECT_EQ(r.secrets[0].present_at_head, true);
}

TEST(GitHistory, SubmodulesAndSymlinksAreNotContent) {
  TempDir tmp;
  Repo repo(tmp);
  repo.write("README.md", "# demo\n");
  const std::string first = repo.commit("init");
  repo.git({"update-index", "--add", "--cacheinfo", "160000," + first + ",vendor/lib"});
  fs::create_symlink("FAKE_SECRET_12", repo.dir() / "link");
  repo.git({"add", "link"});
  repo.git({"commit", "-q", "-m", "submodule and symlink"});
  FakeScanner fake;
  const auto r = scan(repo.dir(), fake);
  EXPECT_EQ(r.commits, 2U);
  EXPECT_EQ(r.blobs, 1U);
  EXPECT_TRUE(r.secrets.empty());
  EXPECT_TRUE(r.warnings.empty());
}

TEST(GitHistory, PathsWithOddBytesAreKeptAsIs) {
  TempDir tmp;
  Repo repo(tmp);
  const std::string odd = "caf\xc3\xa9 \xff\x01.txt";
  repo.write("dir/" + odd, "FAKE_SECRET_13\n");
  repo.commit("odd");
  FakeScanner fake;
  const auto r = scan(repo.dir(), fake);
  ASSERT_EQ(r.secrets.size(), 1U);
  EXPECT_EQ(r.secrets[0].path, "dir/" + odd);
}

// Builds with libgit2 what git refuses to check out: trees nested 1100 deep and a 20000-byte file name.
TEST(GitHistory, HostileTreesAreBoundedWithOneWarningEach) {
  TempDir tmp;
  Repo repo(tmp);
  git_libgit2_init();
  git_repository* raw = nullptr;
  ASSERT_EQ(git_repository_open(&raw, repo.dir().c_str()), 0);
  std::unique_ptr<git_repository, void (*)(git_repository*)> g(raw, git_repository_free);
  auto blob = [&](const std::string& text) {
    git_oid id;
    EXPECT_EQ(git_blob_create_from_buffer(&id, raw, text.data(), text.size()), 0);
    return id;
  };
  auto tree = [&](const std::vector<std::tuple<std::string, git_oid, git_filemode_t>>& entries) {
    git_treebuilder* tb = nullptr;
    EXPECT_EQ(git_treebuilder_new(&tb, raw, nullptr), 0);
    for (const auto& [name, id, mode] : entries) {
      EXPECT_EQ(git_treebuilder_insert(nullptr, tb, name.c_str(), &id, mode), 0) << git_error_last()->message;
    }
    git_oid out;
    EXPECT_EQ(git_treebuilder_write(&out, tb), 0);
    git_treebuilder_free(tb);
    return out;
  };
  git_oid deep = tree({{"deep.txt", blob("FAKE_SECRET_20\n"), GIT_FILEMODE_BLOB}});
  for (int i = 0; i < 1100; ++i) deep = tree({{"d", deep, GIT_FILEMODE_TREE}});
  const git_oid shared = blob("FAKE_SECRET_21\n");
  const git_oid root = tree({{"deep", deep, GIT_FILEMODE_TREE},
                             {std::string(20000, 'n'), blob("FAKE_SECRET_22\n"), GIT_FILEMODE_BLOB},
                             {std::string(20001, 'm'), shared, GIT_FILEMODE_BLOB},
                             {"shared.txt", shared, GIT_FILEMODE_BLOB}});
  git_tree* root_tree = nullptr;
  ASSERT_EQ(git_tree_lookup(&root_tree, raw, &root), 0);
  git_signature* sig = nullptr;
  ASSERT_EQ(git_signature_new(&sig, "Test", "test@example.com", 1704099600, 60), 0);
  git_oid commit;
  ASSERT_EQ(git_commit_create_v(&commit, raw, "HEAD", sig, sig, nullptr, "hostile", root_tree, 0), 0);
  git_signature_free(sig);
  git_tree_free(root_tree);
  g.reset();
  git_libgit2_shutdown();

  FakeScanner fake;
  const auto r = scan(repo.dir(), fake);
  ASSERT_EQ(r.secrets.size(), 1U);
  EXPECT_EQ(r.secrets[0].path, "shared.txt");  // refused at the long name, scanned at the sane one
  EXPECT_EQ(r.secrets[0].author_date, "2024-01-01T10:00:00+01:00");
  ASSERT_EQ(r.warnings.size(), 3U);  // the two long names (each path is refused) and the deep tree
  for (const auto& w : r.warnings) {
    EXPECT_LE(w.file.size(), 256U);
    EXPECT_NE(w.message.find("not scanned"), std::string::npos);
  }
}

TEST(GitHistory, RepositoryOwnedByAnotherUserIsScanned) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  TempDir tmp;
  Repo repo(tmp);
  repo.write("a.txt", "FAKE_SECRET_23\n");
  repo.commit("a");
  for (const auto& e : fs::recursive_directory_iterator(repo.dir())) {
    ASSERT_EQ(::lchown(e.path().c_str(), 65534, 65534), 0);
  }
  ASSERT_EQ(::chown(repo.dir().c_str(), 65534, 65534), 0);
  FakeScanner fake;
  EXPECT_EQ(scan(repo.dir(), fake).secrets.size(), 1U);  // git's safe.directory check does not apply to a scan
}

TEST(GitHistory, ThreadedScanGivesTheSameResult) {
  TempDir tmp;
  Repo repo(tmp);
  for (int c = 0; c < 6; ++c) {
    for (int f = 0; f < 20; ++f) {
      std::string text = "commit " + std::to_string(c) + "\n";
      if ((f + c) % 7 == 0) text += "key = FAKE_SECRET_" + std::to_string(100 + f) + "\n";
      repo.write("d" + std::to_string(f % 4) + "/f" + std::to_string(f) + ".txt", text);
    }
    repo.commit("round " + std::to_string(c));
  }
  FakeScanner one, many;
  HistoryOptions options;
  const auto a = scan(repo.dir(), one, options);
  options.threads = 4;
  const auto b = scan(repo.dir(), many, options);
  EXPECT_EQ(one.calls.load(), many.calls.load());
  EXPECT_EQ(a.blobs, b.blobs);
  ASSERT_EQ(a.secrets.size(), b.secrets.size());
  EXPECT_GT(a.secrets.size(), 10U);
  for (size_t i = 0; i < a.secrets.size(); ++i) {
    EXPECT_EQ(a.secrets[i].path, b.secrets[i].path);
    EXPECT_EQ(a.secrets[i].commit, b.secrets[i].commit);
    EXPECT_EQ(a.secrets[i].line, b.secrets[i].line);
    EXPECT_EQ(a.secrets[i].present_at_head, b.secrets[i].present_at_head);
  }
}

}  // namespace
