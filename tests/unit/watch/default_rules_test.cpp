// The built-in rules (default_rules.cpp) end to end on recorded events: every rule has a scenario in
// tests/data/watch/default/<slug>.jsonl (events shaped as the live sensor delivers them) that, replayed through the
// engine with the built-in rule set, yields that rule and no other; a file of ordinary activity (interactive work,
// pip and apt on the host, services, near misses of every rule) and the build session yield nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "formats/events.hpp"
#include "test_support.hpp"
#include "watch/engine.hpp"
#include "watch/rules.hpp"

namespace vigil::watch {
namespace {

const std::string kDefaultDir = std::string(VIGIL_TEST_DATA) + "/watch/default/";
const std::string kNearMisses = "ordinary_activity";

// Scenarios marked `container` run pid 7000 inside a container: the engine's tree is first given a /proc snapshot
// where that process's cgroup names one (a replay has no /proc; the live sensor takes the snapshot at start).
constexpr int kContainerRoot = 7000;
const std::string kContainerId = "9d3c1f0e8b7a69584736251403f2e1d0c9b8a7968574635241302f1e0d9c8b7a";

struct Scenario {
  std::string file;               // tests/data/watch/default/<file>.jsonl
  std::string rule;               // the built-in rule it must trigger
  std::vector<std::string> also;  // other rules it may trigger as well (justified where listed)
  bool container = false;
};

// gtest prints parameters in failure messages and test lists: the file name says which scenario.
void PrintTo(const Scenario& s, std::ostream* os) {
  *os << s.file;
}

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> kScenarios = {
      {"shell_spawned_by_service", "Shell spawned by a service"},
      {"credential_file_read", "Credential file read by an unexpected process"},
      {"ci_runner_secret_read", "CI runner secret file read"},
      {"ld_so_preload_write", "Write to ld.so.preload"},
      {"ld_preload_env", "LD_PRELOAD set for a program"},
      {"program_run_from_memory", "Program run from memory"},
      {"downloaded_file_run", "Downloaded file made executable and run"},
      {"hidden_dir_exec", "Program run from a hidden or shared-memory directory"},
      {"reverse_shell", "Reverse shell"},
      {"shell_stdio_to_socket", "Shell standard stream redirected to a socket"},
      {"netcat_exec", "Netcat or socat with command execution"},
      {"download_piped_into_shell", "Download piped into a shell"},
      {"download_piped_into_shell_first", "Download piped into a shell (shell started first)"},
      {"env_dump_exfiltration", "Environment dumped then sent to an unlisted host"},
      {"cloud_metadata", "Cloud metadata service contacted"},
      {"ptrace_attach", "Process attached with ptrace"},
      {"kernel_module_load", "Kernel module loaded"},
      {"bpf_program_load", "BPF program loaded by an unexpected process"},
      {"miner_pool_port", "Connection to a crypto-miner pool port"},
      {"miner_program", "Crypto-miner program started"},
      {"container_runtime_socket", "Container runtime socket accessed"},
      {"package_manager_in_container", "Package manager run in a container", {}, true},
      {"mount_in_container", "Mount in a container", {}, true},
      {"kernel_hook_write", "Kernel hook file written"},
      {"setuid_binary", "New setuid binary"},
      {"write_below_binary_dir", "Write below a binary directory"},
      {"authorized_keys_modified", "SSH authorized_keys modified"},
      {"cron_job_written", "Cron job written"},
      {"systemd_unit_written", "Systemd unit written"},
      {"sudoers_modified", "Sudoers modified"},
      {"account_database_modified", "Account database modified"},
      {"logs_erased", "Logs or shell history erased"},
      {"search_private_keys", "Search for private keys or passwords"},
      {"connection_storm", "Connection storm"},
  };
  return kScenarios;
}

const RuleSet& builtin_rules() {
  static const RuleSet kRules = [] {
    std::vector<LoadProblem> problems;
    RuleSet rules = RuleSet::load_texts({{"builtin:default.yaml", std::string(default_rules_yaml())}}, problems);
    for (const auto& p : problems) ADD_FAILURE() << p.file << ":" << p.line << ": " << p.message;
    return rules;
  }();
  return kRules;
}

// A fake procfs holding the container's first process (pid 7000, child of a shim the tree does not know).
void snapshot_container(ProcessTree& tree) {
  const test::TempDir proc;
  const std::string base = std::to_string(kContainerRoot) + "/";
  proc.write(base + "stat", std::to_string(kContainerRoot) + " (bash) S 6990 7000 7000 0 -1");
  proc.write(base + "cmdline", std::string("bash\0", 5));
  proc.write(base + "status", "Name:\tbash\nUid:\t0\t0\t0\t0\nGid:\t0\n");
  proc.write(base + "cgroup", "0::/system.slice/docker-" + kContainerId + ".scope\n");
  tree.snapshot(proc.path().string());
}

// Replays a scenario through the built-in rules; the detections, flushed.
std::vector<Detection> replay(const std::string& file, bool container) {
  std::vector<Detection> out;
  Engine engine(builtin_rules(), EngineOptions{}, [&](const Detection& d) { out.push_back(d); });
  if (container) snapshot_container(engine.tree());
  std::ifstream in(file);
  EXPECT_TRUE(in.good()) << "cannot read " << file;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    auto event = formats::events::read_event(line);
    if (!event) {
      ADD_FAILURE() << file << ":" << number << ": " << event.error().message;
      continue;
    }
    engine.process(*event);
  }
  engine.flush();
  return out;
}

std::string describe(const std::vector<Detection>& found) {
  std::string out;
  for (const auto& d : found) out += "\n  " + d.rule->name + ": " + d.output;
  return out.empty() ? " (none)" : out;
}

TEST(DefaultRules, LoadWithoutProblemsAndCarryMitreTechniques) {
  const auto& rules = builtin_rules().rules();
  EXPECT_GE(rules.size(), 31U);
  const std::regex technique(R"(T\d{4}(\.\d{3})?)");
  std::set<std::string> names;
  for (const auto& r : rules) {
    EXPECT_TRUE(names.insert(r.name).second) << r.name;
    EXPECT_TRUE(r.enabled) << r.name;
    EXPECT_FALSE(r.desc.empty()) << r.name;
    EXPECT_NE(r.output.find('%'), std::string::npos) << r.name << ": the output names no field";
    EXPECT_TRUE(
        std::any_of(r.tags.begin(), r.tags.end(), [&](const std::string& t) { return std::regex_match(t, technique); }))
        << r.name << " has no MITRE ATT&CK technique tag";
  }
}

// A rule added without a scenario (or a scenario naming no rule, or a data file no test reads) fails here.
TEST(DefaultRules, EveryRuleHasAScenario) {
  std::set<std::string> covered;
  for (const auto& s : scenarios()) covered.insert(s.rule);
  std::set<std::string> names;
  for (const auto& r : builtin_rules().rules()) {
    names.insert(r.name);
    EXPECT_TRUE(covered.contains(r.name)) << "no scenario in tests/data/watch/default/ for rule '" << r.name << "'";
  }
  for (const auto& s : scenarios()) {
    EXPECT_TRUE(names.contains(s.rule)) << s.file << " names an unknown rule '" << s.rule << "'";
    for (const auto& a : s.also) EXPECT_TRUE(names.contains(a)) << s.file << " allows an unknown rule '" << a << "'";
  }
  std::set<std::string> files;
  for (const auto& s : scenarios()) files.insert(s.file + ".jsonl");
  files.insert(kNearMisses + ".jsonl");
  for (const auto& entry : std::filesystem::directory_iterator(kDefaultDir)) {
    EXPECT_TRUE(files.contains(entry.path().filename().string())) << entry.path() << " is used by no test";
  }
}

class DefaultRuleScenario : public ::testing::TestWithParam<Scenario> {};

TEST_P(DefaultRuleScenario, TriggersItsRuleAndNoOther) {
  const Scenario& s = GetParam();
  const auto found = replay(kDefaultDir + s.file + ".jsonl", s.container);
  const bool fired =
      std::any_of(found.begin(), found.end(), [&](const Detection& d) { return d.rule->name == s.rule; });
  EXPECT_TRUE(fired) << s.file << ": no detection of '" << s.rule << "'; found:" << describe(found);
  for (const auto& d : found) {
    const bool allowed =
        d.rule->name == s.rule || std::find(s.also.begin(), s.also.end(), d.rule->name) != s.also.end();
    EXPECT_TRUE(allowed) << s.file << ": unexpected detection " << d.rule->name << ": " << d.output;
  }
}

INSTANTIATE_TEST_SUITE_P(DefaultRules, DefaultRuleScenario, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& param) { return param.param.file; });

// The near misses: reading /etc/passwd, writing /tmp, curl to a file, `bash script.sh` fed by a pipe, `env` by hand,
// /usr/bin/env as an interpreter with secrets around, grep for "password" in a source tree, chmod 2775, a Python
// tool's `sh -c`, 60 non-blocking connects, bash's own redirections and history rewrite, gdb, an AppImage, fakeroot,
// docker ps, crontab -e, passwd, pip and apt-get on the host, systemd's BPF, modprobe, logrotate, rsyslog, a node
// service running git, a socket-activated script, and a container's app and runtime mount.
TEST(DefaultRules, OrdinaryActivityIsQuiet) {
  const auto found = replay(kDefaultDir + kNearMisses + ".jsonl", true);
  EXPECT_TRUE(found.empty()) << "detections:" << describe(found);
  const auto build = replay(std::string(VIGIL_TEST_DATA) + "/watch/events/build_session.jsonl", false);
  EXPECT_TRUE(build.empty()) << "detections:" << describe(build);
}

// The container rules depend on container.id: the same events on the host are quiet.
TEST(DefaultRules, ContainerRulesNeedAContainer) {
  for (const auto& s : scenarios()) {
    if (!s.container) continue;
    // The same events on the host: without the snapshot and without the recorded container ids.
    std::ifstream in(kDefaultDir + s.file + ".jsonl", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string recorded = "\"container_id\":\"" + kContainerId + "\",";
    for (size_t at = text.find(recorded); at != std::string::npos; at = text.find(recorded)) {
      text.erase(at, recorded.size());
    }
    const test::TempDir dir;
    const auto found = replay(dir.write("host.jsonl", text).string(), false);
    EXPECT_TRUE(found.empty()) << s.file << " on the host:" << describe(found);
    EXPECT_FALSE(replay(kDefaultDir + s.file + ".jsonl", false).empty()) << s.file << ": recorded ids suffice";
  }
}

// The kernel module rule reports failed attempts too, with the result in the output.
TEST(DefaultRules, FailedModuleLoadIsReportedWithItsResult) {
  const auto found = replay(kDefaultDir + "kernel_module_load.jsonl", false);
  ASSERT_EQ(found.size(), 1U) << describe(found);
  EXPECT_EQ(
      found[0].output,
      "insmod loaded kernel module /tmp/rk/diamorphine.ko (result -1; insmod /tmp/rk/diamorphine.ko, parent bash)");
}

}  // namespace
}  // namespace vigil::watch
