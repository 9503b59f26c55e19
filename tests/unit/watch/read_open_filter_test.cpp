// RuleSet::read_open_bounds: which read-only opens a rule set can match, as path prefixes and basename (component)
// prefixes for the sensor's in-kernel filter. Bounded where the rules are (fd.name =, startswith, in, pmatch,
// anchored glob, glob whose last component starts with literal text; fd.filename =, startswith, in; write flags;
// other event types), "no filter" wherever a rule could match a read-only open of any path.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/events.hpp"
#include "rules_test_util.hpp"
#include "watch/engine.hpp"
#include "watch/process_tree.hpp"
#include "watch/rules.hpp"

namespace vigil::watch {
namespace {

using Bounds = std::optional<ReadOpenBounds>;
using testing::problems_text;

Bounds bounds_of(const std::string& yaml) {
  std::vector<LoadProblem> problems;
  const RuleSet set = RuleSet::load_texts({{"t.yaml", yaml}}, problems);
  EXPECT_TRUE(problems.empty()) << problems_text(problems);
  EXPECT_FALSE(set.rules().empty());
  return set.read_open_bounds();
}

// Path prefixes only (no basename prefixes), or nullopt: the tests written before basename prefixes existed.
std::optional<std::vector<std::string>> prefixes_of(const std::string& yaml) {
  const auto bounds = bounds_of(yaml);
  if (!bounds) return std::nullopt;
  EXPECT_EQ(bounds->basename_prefixes, std::vector<std::string>{});
  return bounds->path_prefixes;
}
using Prefixes = std::optional<std::vector<std::string>>;

std::string rule(const std::string& name, const std::string& condition) {
  return "- rule: " + name + "\n  desc: d\n  output: o\n  priority: INFO\n  condition: >\n    " + condition + "\n";
}

TEST(ReadOpenPrefixes, DefaultRulesGiveTheirCredentialAndSocketPathsAndRunnerBasenames) {
  std::vector<LoadProblem> problems;
  const RuleSet set = RuleSet::load_files({std::string(kBuiltinRulesName)}, problems);
  ASSERT_TRUE(problems.empty()) << problems_text(problems);
  const auto bounds = set.read_open_bounds();
  ASSERT_TRUE(bounds.has_value());
  // Credential files (/etc/shadow, /etc/gshadow, /root/..., /home/* globs, which cover the CI runner's
  // /home/runner/work/_temp/), GitLab's /builds, the container runtime sockets. Write rules (open_write, O_TRUNC,
  // O_CREAT) add nothing.
  const std::vector<std::string> expected = {"/builds/",
                                             "/etc/gshadow",
                                             "/etc/shadow",
                                             "/home/",
                                             "/root/.aws",
                                             "/root/.config/gcloud",
                                             "/root/.kube/config",
                                             "/root/.ssh",
                                             "/run/containerd/containerd.sock",
                                             "/run/docker.sock",
                                             "/var/run/docker.sock"};
  EXPECT_EQ(bounds->path_prefixes, expected);
  // The GitHub runner's files wherever it is installed (`*/actions-runner/.credentials*`, `*/.runner`).
  EXPECT_EQ(bounds->basename_prefixes, (std::vector<std::string>{".credentials", ".runner"}));
}

TEST(ReadOpenPrefixes, BasenameBounds) {
  EXPECT_EQ(bounds_of(rule("a", "evt.type = open and fd.name glob \"*/actions-runner/.credentials*\"")),
            Bounds(ReadOpenBounds{{}, {".credentials"}}));
  EXPECT_EQ(bounds_of(rule("a", "evt.type = open and fd.filename in (id_rsa, id_ed25519)") +
                      rule("b", "evt.type = open and fd.filename startswith .env") +
                      rule("c", "fd.filename = id_rsa.pub and proc.name = cat")),
            Bounds(ReadOpenBounds{{}, {".env", "id_ed25519", "id_rsa"}}));
  // `or` unites both kinds; `and` keeps the side bounded by path.
  EXPECT_EQ(bounds_of(rule("a", "fd.name startswith /etc/ssl/ or fd.name glob \"*/.aws/credentials\"")),
            Bounds(ReadOpenBounds{{"/etc/ssl/"}, {"credentials"}}));
  EXPECT_EQ(bounds_of(rule("a", "fd.filename = .netrc and fd.name startswith /home/")),
            Bounds(ReadOpenBounds{{"/home/"}, {}}));
  // A glob whose last component starts with a wildcard, or with a class (which could hide a '/'): no filter.
  const auto none = [](const std::string& condition) { return bounds_of(rule("u", condition)); };
  EXPECT_EQ(none("evt.type = open and fd.name glob \"*/x/*\""), std::nullopt);
  EXPECT_EQ(none("evt.type = open and fd.name glob \"*/x/*.pem\""), std::nullopt);
  EXPECT_EQ(none("evt.type = open and fd.name glob \"*[/]key\""), std::nullopt);
  EXPECT_EQ(none("evt.type = open and fd.name glob \"*.pem\""), std::nullopt);
  EXPECT_EQ(none("evt.type = open and fd.filename endswith .pem"), std::nullopt);
  EXPECT_EQ(none("evt.type = open and fd.filename startswith \"\""), std::nullopt);  // every name
}

TEST(ReadOpenPrefixes, BoundedConditions) {
  EXPECT_EQ(prefixes_of(rule("a", "evt.type = open and fd.name startswith /etc/ssl/private")),
            Prefixes(std::vector<std::string>{"/etc/ssl/private"}));
  EXPECT_EQ(prefixes_of(rule("a", "evt.type = open and fd.name = /etc/shadow and not proc.name in (sshd)") +
                        rule("b", "fd.name glob \"/home/*/.ssh/id_*\" and proc.name = cat")),
            Prefixes(std::vector<std::string>{"/etc/shadow", "/home/"}));
  // `and`: the narrower of nested prefixes; prefixes covered by others are left out.
  EXPECT_EQ(prefixes_of(rule("a", "fd.name pmatch (/etc, /var/log) and fd.name startswith /etc/ssh/") +
                        rule("b", "fd.name startswith /etc/ssh/sshd_config")),
            Prefixes(std::vector<std::string>{"/etc/ssh/"}));
}

TEST(ReadOpenPrefixes, RulesThatCannotMatchReadOnlyOpensAddNothing) {
  const std::string yaml =
      "- macro: open_write\n  condition: evt.type = open and (evt.flags contains O_WRONLY or evt.flags contains "
      "O_RDWR)\n" +
      rule("w", "open_write and fd.name contains .so") +
      rule("t", "evt.type = open and evt.flags icontains o_trunc and fd.name endswith .log") +
      rule("c", "evt.type = chmod and fd.name endswith .sh") +
      rule("x", "evt.type in (execve, connect) and proc.name = nc") + rule("n", "evt.type != open and proc.name = x");
  EXPECT_EQ(prefixes_of(yaml), Prefixes(std::vector<std::string>{}));
}

TEST(ReadOpenPrefixes, AnyUnboundedRuleMeansNoFilter) {
  const auto none = [](const std::string& condition) { return prefixes_of(rule("u", condition)); };
  EXPECT_EQ(none("proc.name = cat"), std::nullopt);                                  // any event, any path
  EXPECT_EQ(none("evt.type = open and fd.name contains /.ssh/"), std::nullopt);      // contains
  EXPECT_EQ(none("evt.type = open and fd.name endswith id_rsa"), std::nullopt);      // endswith
  EXPECT_EQ(none("evt.type = open and not fd.name startswith /usr"), std::nullopt);  // not
  EXPECT_EQ(none("evt.type = open and fd.name glob \"*/.aws/*\""), std::nullopt);    // unanchored glob
  EXPECT_EQ(none("fd.name = /etc/shadow or proc.name = cat"), std::nullopt);         // or, one side unbounded
  EXPECT_EQ(none("evt.type = open and evt.flags contains O_RDONLY"), std::nullopt);  // reads, any path
  EXPECT_EQ(none("evt.type = open and evt.res < 0"), std::nullopt);                  // failed opens, any path
  EXPECT_EQ(none("evt.type = open and fd.name startswith /"), std::nullopt);         // every absolute path
  // One unbounded rule among bounded ones is enough.
  EXPECT_EQ(prefixes_of(rule("a", "fd.name = /etc/shadow") + rule("b", "evt.type = open and proc.name = cat")),
            std::nullopt);
  // Disabled rules do not count.
  EXPECT_EQ(prefixes_of(rule("a", "fd.name = /etc/shadow") + rule("b", "evt.type = open") + "  enabled: false\n"),
            Prefixes(std::vector<std::string>{"/etc/shadow"}));
}

TEST(ReadOpenPrefixes, MacrosAndListsAreFollowed) {
  const std::string lists =
      "- list: keys\n  items: [/etc/ssh/ssh_host_rsa_key, /etc/ssh/ssh_host_ed25519_key]\n"
      "- macro: key_read\n  condition: evt.type = open and fd.name in (keys)\n"
      "- macro: any_read\n  condition: evt.type = open and proc.name = cat\n";
  EXPECT_EQ(prefixes_of(lists + rule("k", "key_read and not proc.name = sshd") +
                        rule("u", "any_read and user.uid = 0") + "  enabled: false\n"),
            Prefixes(std::vector<std::string>{"/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_rsa_key"}));
  EXPECT_EQ(prefixes_of(lists + rule("k", "key_read") + rule("u", "any_read")), std::nullopt);
}

TEST(ReadOpenPrefixes, SequenceStepsAndThresholds) {
  const std::string bounded_sequence =
      "- rule: s\n  desc: d\n  output: o\n  priority: INFO\n  sequence:\n    within: 10s\n    steps:\n"
      "      - condition: evt.type = open and fd.name pmatch (/root/.aws)\n        bind: {file: fd.name}\n"
      "      - condition: evt.type = connect and net.dport = 443\n";
  EXPECT_EQ(prefixes_of(bounded_sequence), Prefixes(std::vector<std::string>{"/root/.aws"}));
  // A later step comparing with a bound value ($file) could be any path.
  const std::string unbounded_sequence =
      "- rule: s\n  desc: d\n  output: o\n  priority: INFO\n  sequence:\n    within: 10s\n    steps:\n"
      "      - condition: evt.type = execve and proc.name = curl\n        bind: {file: proc.args}\n"
      "      - condition: evt.type = open and fd.name = $file\n";
  EXPECT_EQ(prefixes_of(unbounded_sequence), std::nullopt);
  const std::string threshold =
      "- rule: t\n  desc: d\n  output: o\n  priority: INFO\n  condition: evt.type = open and evt.res < 0\n"
      "  threshold: {count: 5, within: 10s}\n";
  EXPECT_EQ(prefixes_of(threshold), std::nullopt);
  const std::string bounded_threshold =
      "- rule: t\n  desc: d\n  output: o\n  priority: INFO\n"
      "  condition: evt.type = open and evt.res < 0 and fd.name startswith /etc/ssl/\n"
      "  threshold: {count: 5, within: 10s}\n";
  EXPECT_EQ(prefixes_of(bounded_threshold), Prefixes(std::vector<std::string>{"/etc/ssl/"}));
}

// What the probe does (sensor.bpf.c, unwanted_read_open) to a recorded event: a read-only open of an absolute
// path under none of the path prefixes and with no component starting with a basename prefix is not sent; nor is
// one that is not normal or too long for the probe's key. (Recorded paths are already absolute where the kernel saw
// relative ones, so this drops more than the probe does.)
bool filtered_out(const model::Event& e, const ReadOpenBounds& bounds) {
  constexpr uint32_t kNotReadOnly = 03U | 0100U | 01000U | 02000U | 020000000U;
  if (e.type != model::EventType::Open || (e.flags & kNotReadOnly) != 0 || !e.path.starts_with('/')) return false;
  constexpr size_t kKeyBytes = 256;  // VIGIL_PATH_BYTES: a longer path is kept
  if (e.path.size() >= kKeyBytes - 1 || e.path == "/" || e.path != normal_path(e.path)) return false;
  const auto under = [&](const std::string& p) { return e.path.starts_with(p); };
  if (std::any_of(bounds.path_prefixes.begin(), bounds.path_prefixes.end(), under)) return false;
  for (size_t slash = e.path.find('/'); slash != std::string::npos; slash = e.path.find('/', slash + 1)) {
    const std::string_view component = std::string_view(e.path).substr(slash + 1);
    const auto starts = [&](const std::string& p) { return component.starts_with(p); };
    if (std::any_of(bounds.basename_prefixes.begin(), bounds.basename_prefixes.end(), starts)) return false;
  }
  return true;
}

std::vector<std::string> replay(const RuleSet& rules, const std::string& file, const ReadOpenBounds* filter,
                                size_t& dropped) {
  std::vector<std::string> out;
  Engine engine(rules, EngineOptions{}, [&](const Detection& d) {
    out.push_back(d.rule->name + " pid " + std::to_string(d.process.pid) + " at " + std::to_string(d.time_ns));
  });
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto event = formats::events::read_event(line);
    if (!event) continue;
    if (filter != nullptr && filtered_out(*event, *filter)) {
      ++dropped;
      continue;
    }
    engine.process(*event);
  }
  engine.flush();
  return out;
}

// Every recorded scenario of the built-in rules (tests/data/watch/default/, one per rule plus ordinary activity)
// gives the same detections when the opens the filter drops are left out.
TEST(ReadOpenPrefixes, DefaultScenariosDetectTheSameWithTheFilter) {
  std::vector<LoadProblem> problems;
  const RuleSet set = RuleSet::load_files({std::string(kBuiltinRulesName)}, problems);
  const auto bounds = set.read_open_bounds();
  ASSERT_TRUE(bounds.has_value());
  size_t files = 0;
  size_t dropped = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(VIGIL_TEST_DATA) + "/watch/default")) {
    ++files;
    size_t unused = 0;
    const auto all = replay(set, entry.path().string(), nullptr, unused);
    EXPECT_EQ(replay(set, entry.path().string(), &*bounds, dropped), all) << entry.path();
  }
  EXPECT_GT(files, 30U);
  EXPECT_GT(dropped, 0U);  // the scenarios do read files no rule is about
}

}  // namespace
}  // namespace vigil::watch
