// A throw-away PostgreSQL cluster for integration tests: initdb into a fresh temp dir, started on 127.0.0.1 with
// an ephemeral port and its socket in that dir, stopped (pg_ctl -m fast) and removed at the end. One cluster per
// test binary (started on first use, stopped by a gtest Environment); a fresh database per test.
// Needs the PostgreSQL server binaries (Debian: apt-get install postgresql) and either root (the server then runs
// as the `postgres` user through runuser) or a non-root user, who runs it directly. Without them the tests that
// ask for a database FAIL with a message saying so: they are labelled integration, not skipped.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigil::test {

class PostgresCluster {
 public:
  // Creates and starts a cluster; the error says what is missing or shows the server's log.
  static Result<std::unique_ptr<PostgresCluster>> start() {
    auto bindir = find_bindir();
    if (!bindir) return tl::unexpected(bindir.error());
    std::unique_ptr<PostgresCluster> c(new PostgresCluster(*bindir));
    if (auto r = c->init(); !r) return tl::unexpected(r.error());
    for (int attempt = 0; attempt < 3; ++attempt) {  // another process may take the probed port first
      c->port_ = free_port();
      if (c->pg_ctl({"start"})) {
        c->start_watchdog();
        return c;
      }
    }
    c->port_ = 0;
    return fail("postgres test cluster did not start: " + c->logs());
  }

  ~PostgresCluster() {
    const bool stopped = port_ == 0 || pg_ctl({"-m", "fast", "stop"});
    if (watchdog_ > 0) {  // the server is down (or about to be killed below): the watchdog is not needed
      ::kill(watchdog_, SIGKILL);
      ::waitpid(watchdog_, nullptr, 0);
      ::close(watchdog_pipe_);
    }
    if (!stopped) {
      // Last resort so no server outlives the test: SIGQUIT is PostgreSQL's immediate shutdown.
      std::ifstream pid_file(dir_ / "data" / "postmaster.pid");
      pid_t pid = 0;
      if (pid_file >> pid && pid > 0) ::kill(pid, SIGQUIT);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url(const std::string& database) const {
    return "postgres://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

  // A new empty database (t_1, t_2, ...) and its URL.
  Result<std::string> create_database() {
    const std::string name = "t_" + std::to_string(++databases_);
    const std::string createdb = (bindir_ / "createdb").string();
    auto r = run({createdb, "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "postgres", name}, false);
    if (!r) return fail("createdb " + name + " failed: " + logs());
    return url(name);
  }

  // pg_ctl restart -m fast: every client connection is dropped.
  Result<void> restart() {
    if (!pg_ctl({"-m", "fast", "restart"})) return fail("pg_ctl restart failed: " + logs());
    return {};
  }

 private:
  explicit PostgresCluster(std::filesystem::path bindir) : bindir_(std::move(bindir)) {}

  static Result<std::filesystem::path> find_bindir() {
    auto usable = [](const std::filesystem::path& dir) {
      return ::access((dir / "pg_ctl").c_str(), X_OK) == 0 && ::access((dir / "initdb").c_str(), X_OK) == 0;
    };
    if (const char* env = std::getenv("VIGIL_PG_BINDIR"); env != nullptr && *env != '\0') {
      if (usable(env)) return env;
      return fail(std::string("VIGIL_PG_BINDIR=") + env + " has no executable pg_ctl and initdb");
    }
    for (const char* version : {"17", "16", "15", "14", "13"}) {
      const std::filesystem::path dir = std::filesystem::path("/usr/lib/postgresql") / version / "bin";
      if (usable(dir)) return dir;
    }
    return fail(
        "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin; set VIGIL_PG_BINDIR): these "
        "integration tests need them (apt-get install postgresql) and root or a non-root user to run the server");
  }

  static int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
  }

  Result<void> init() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-pg-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) return fail("mkdtemp failed");
    dir_ = tmpl;
    if (::geteuid() == 0) {
      // initdb refuses to run as root: the cluster belongs to the postgres user, who must own the directory.
      const passwd* pw = ::getpwnam("postgres");
      if (pw == nullptr) return fail("running as root but there is no `postgres` user to run the test server as");
      if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) return fail("cannot chown " + dir_.string());
      as_postgres_ = true;
    }
    const std::string initdb = (bindir_ / "initdb").string();
    if (!run({initdb, "-D", (dir_ / "data").string(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
              "--no-sync", "--no-instructions"},
             as_postgres_)) {
      return fail("initdb failed: " + logs());
    }
    return {};
  }

  // A child process that stops the server when this process dies without running the destructor (a crash, a
  // ctest timeout's SIGKILL): it blocks reading a pipe whose only write end this process holds, and on EOF execs
  // pg_ctl stop -m immediate. Everything it needs is prepared before fork (the parent has threads).
  void start_watchdog() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    std::vector<std::string> argv{
        (bindir_ / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-m", "immediate", "-w", "stop"};
    if (as_postgres_) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    const pid_t pid = ::fork();
    if (pid < 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      ::close(devnull);
      return;
    }
    if (pid == 0) {
      ::close(fds[1]);
      char byte;
      while (::read(fds[0], &byte, 1) < 0 && errno == EINTR) {
      }
      ::dup2(devnull, STDOUT_FILENO);
      ::dup2(devnull, STDERR_FILENO);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[0]);
    ::close(devnull);
    watchdog_ = pid;
    watchdog_pipe_ = fds[1];
  }

  bool pg_ctl(std::vector<std::string> action) {
    // Test-only settings: no fsync (speed), loopback only, the socket in our own directory.
    const std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " + dir_.string() +
                                " -c fsync=off -c full_page_writes=off -c max_connections=200";
    std::vector<std::string> argv{(bindir_ / "pg_ctl").string(),
                                  "-D",
                                  (dir_ / "data").string(),
                                  "-l",
                                  (dir_ / "server.log").string(),
                                  "-w",
                                  "-t",
                                  "60",
                                  "-o",
                                  options};
    argv.insert(argv.end(), action.begin(), action.end());
    return static_cast<bool>(run(argv, as_postgres_));
  }

  // fork/exec (no shell) with output appended to DIR/commands.log; as_postgres: through runuser.
  Result<void> run(std::vector<std::string> argv, bool as_postgres) const {
    if (as_postgres) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const int log = ::open((dir_ / "commands.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const pid_t pid = ::fork();
    if (pid < 0) return fail("fork failed");
    if (pid == 0) {
      if (::chdir(dir_.c_str()) != 0) ::_exit(126);
      if (log >= 0) {
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
      }
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    if (log >= 0) ::close(log);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return fail(argv[as_postgres ? 4 : 0] + " failed");
    return {};
  }

  [[nodiscard]] std::string logs() const {
    std::string out;
    for (const char* name : {"commands.log", "server.log"}) {
      std::ifstream in(dir_ / name);
      std::stringstream text;
      text << in.rdbuf();
      std::string s = text.str();
      if (s.size() > 2000) s = "..." + s.substr(s.size() - 2000);
      out += std::string("\n--- ") + name + " ---\n" + s;
    }
    return out;
  }

  std::filesystem::path bindir_;
  std::filesystem::path dir_;
  bool as_postgres_ = false;
  int port_ = 0;
  int databases_ = 0;
  pid_t watchdog_ = -1;
  int watchdog_pipe_ = -1;
};

// The binary's one cluster: started by the first test that asks, stopped after the last test.
class PostgresEnvironment : public ::testing::Environment {
 public:
  static Result<PostgresCluster*> cluster() {
    std::lock_guard lock(mutex());
    if (!slot()) {
      if (!error().empty()) return fail(error());  // do not retry a failed start for every test
      auto started = PostgresCluster::start();
      if (!started) {
        error() = started.error().message;
        return tl::unexpected(started.error());
      }
      slot() = std::move(*started);
    }
    return slot().get();
  }
  void TearDown() override {
    std::lock_guard lock(mutex());
    slot().reset();
  }

 private:
  static std::unique_ptr<PostgresCluster>& slot() {
    static std::unique_ptr<PostgresCluster> cluster;
    return cluster;
  }
  static std::string& error() {
    static std::string message;
    return message;
  }
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
};

inline ::testing::Environment* const kPostgresEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

// The URL of a fresh database in the binary's cluster (started on first use).
inline Result<std::string> fresh_postgres_database() {
  auto cluster = PostgresEnvironment::cluster();
  if (!cluster) return tl::unexpected(cluster.error());
  return (*cluster)->create_database();
}

}  // namespace vigil::test
