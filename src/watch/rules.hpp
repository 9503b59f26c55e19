// The runtime rule language: YAML files of `rule`, `list` and `macro` entries (Falco's shape), conditions compiled
// once into evaluation trees over documented fields (docs/rules.md), and two stateful kinds Falco lacks:
// `sequence` (ordered steps in one process tree within a window, with values bound by one step and compared by
// later ones) and `threshold` (N matches per key within a window). The engine (engine.hpp) keeps their state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "formats/parsed.hpp"
#include "model/event.hpp"
#include "watch/process_tree.hpp"

namespace vigil::watch {

// Values a sequence step bound (`bind: {file: fd.name}`), compared by later steps as `$file`.
using Bindings = std::vector<std::pair<std::string, std::string>>;

// What a condition sees: the event, the process tree (proc.pname, proc.aname[N], container.id) and, inside a
// sequence, the values earlier steps bound (nullptr elsewhere).
struct FieldContext {
  const model::Event& event;
  const ProcessTree& tree;
  const Bindings* bindings = nullptr;
};

// A compiled condition (an evaluation tree). Immutable; eval is safe from several threads.
class Condition {
 public:
  virtual ~Condition() = default;
  [[nodiscard]] virtual bool eval(const FieldContext& ctx) const = 0;
};
using ConditionPtr = std::shared_ptr<const Condition>;

// Falco's priorities, lowest first.
enum class Priority { Debug, Informational, Notice, Warning, Error, Critical, Alert, Emergency };
std::string_view priority_name(Priority p);  // "DEBUG" ... "EMERGENCY"

enum class RuleKind { Simple, Sequence, Threshold };

// Which read-only opens of absolute paths a condition can be true for (RuleSet::read_open_bounds): those whose
// path starts with one of path_prefixes, or one of whose components (the text after a '/', up to the next '/' or
// the end) starts with one of basename_prefixes. A component, not only the last one: `*` in a glob matches '/'
// too, so `*/actions-runner/.credentials*` also matches `.../.credentials.d/x`. Both empty: never.
struct ReadOpenBounds {
  std::vector<std::string> path_prefixes;
  std::vector<std::string> basename_prefixes;
  bool operator==(const ReadOpenBounds&) const = default;
};

struct SequenceStep {
  ConditionPtr condition;
  std::vector<model::EventType> event_types;              // the types this step can match (empty: any)
  std::optional<ReadOpenBounds> read_open_bounds;         // see RuleSet::read_open_bounds
  std::vector<std::pair<std::string, std::string>> bind;  // variable -> field, read from the matching event
  int line = 0;
};

struct Rule {
  std::string name;
  std::string desc;
  std::string output;  // template: %field is replaced by the field's text (render_output)
  Priority priority = Priority::Warning;
  std::vector<std::string> tags;  // free-form, MITRE ATT&CK ids among them ("T1059.004")
  bool enabled = true;
  std::string file;  // where it was defined
  int line = 0;
  RuleKind kind = RuleKind::Simple;
  ConditionPtr condition;                     // Simple and Threshold
  std::vector<model::EventType> event_types;  // Simple and Threshold: types that can match (empty: any)
  // Simple and Threshold: the read-only opens (absolute paths) the condition can be true for; nullopt: any.
  // Derived from the condition at load (rules_open_bounds.cpp).
  std::optional<ReadOpenBounds> read_open_bounds;
  std::vector<SequenceStep> steps;  // Sequence
  uint64_t window_ns = 0;           // Sequence and Threshold: `within`
  uint32_t count = 0;               // Threshold: matches per key within the window
  std::string key_field;            // Threshold: `by` (default proc.pid)
};

// Fields: one table (rules_fields.cpp) with name, type and meaning; docs/rules.md lists the same.
bool is_known_field(std::string_view field);  // "proc.aname[2]" and "proc.env[HOME]" forms included
// The field's value as text ("" when the event or process does not have it); lists are space-joined.
std::string field_text(std::string_view field, const FieldContext& ctx);
// "%proc.name ran %proc.cmdline" -> "curl ran curl -fsSL ..." (unknown %words are left as written).
std::string render_output(const Rule& rule, const FieldContext& ctx);

// A problem found while loading: file, 1-based line and what is wrong. Loading reports all of them at once.
struct LoadProblem {
  std::string file;
  int line = 0;
  std::string message;
};

class RuleSet {
 public:
  // Files in order (later files may append to earlier lists and macros, as in Falco). A rule with a problem is
  // left out; problems (unknown field, bad operator, undefined macro or list, unused list, bad YAML...) are all
  // appended to `problems`. Reads files itself; a missing file is a problem too.
  static RuleSet load_files(const std::vector<std::string>& paths, std::vector<LoadProblem>& problems);
  // The same from text already in memory: (name as shown in problems, YAML) pairs.
  static RuleSet load_texts(const std::vector<std::pair<std::string, std::string>>& files,
                            std::vector<LoadProblem>& problems);

  [[nodiscard]] const std::vector<Rule>& rules() const { return rules_; }
  // Enabled Simple and Threshold rules that can match events of this type (rules without a type: every type).
  [[nodiscard]] std::span<const Rule* const> rules_for(model::EventType type) const;
  // Enabled Sequence rules.
  [[nodiscard]] std::span<const Rule* const> sequences() const { return sequences_; }
  // Which event types any enabled rule can match (the sensor enables only these probes).
  [[nodiscard]] std::vector<model::EventType> wanted_event_types() const;
  // The READ-ONLY opens (flags & (O_ACCMODE|O_CREAT|O_TRUNC|O_APPEND|__O_TMPFILE) == 0) of absolute paths that
  // some enabled rule (or sequence step) can match: under a path prefix or with a component starting with a
  // basename prefix (ReadOpenBounds). Each list sorted, none a prefix of another; the sensor drops other read-only
  // opens of absolute paths in the kernel. nullopt: some rule may match any such open (no filter).
  [[nodiscard]] std::optional<ReadOpenBounds> read_open_bounds() const;

 private:
  std::vector<Rule> rules_;
  std::vector<std::vector<const Rule*>> by_type_;
  std::vector<const Rule*> sequences_;
  void index();
};

// The default rules shipped inside the binary (default_rules.cpp); load_files reads them for this name, so
// `--rules builtin:default.yaml --rules mine.yaml` extends their lists and macros.
inline constexpr std::string_view kBuiltinRulesName = "builtin:default.yaml";
std::string_view default_rules_yaml();

// libFuzzer entry point: loads bytes as a rule file (problems become warnings) and evaluates every rule on a few
// fixed events.
Result<formats::Parsed> fuzz_rules(std::string_view path, std::string_view bytes);

}  // namespace vigil::watch
