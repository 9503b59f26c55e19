// Private to the rules*.cpp files: the fields table's entry type and the condition compiler's interface, so the
// loader (rules_loader.cpp) compiles conditions without knowing how the tree is built (rules_condition.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "watch/rules.hpp"

namespace vigil::watch::detail {

enum class FieldType { String, Number, List };

// A field of the table: how to read it. `get` writes the text and says whether the event has the field at all
// (a connect has no fd.name; comparisons on a missing field are false).
struct FieldDef {
  std::string_view name;
  FieldType type;
  std::string_view argument;  // "" (none), "N" (proc.aname[N]) or "NAME" (proc.env[NAME])
  std::string_view meaning;
  bool (*get)(const FieldContext& ctx, std::string_view arg, std::string& out);
};

std::span<const FieldDef> all_fields();

// A field name resolved once at compile time: "proc.aname[2]" -> (proc.aname, "2").
struct FieldRef {
  const FieldDef* def = nullptr;
  std::string arg;
  std::string name;  // as written
};
std::optional<FieldRef> resolve_field(std::string_view name);
// Reads a resolved field; false when the event or process does not have it.
bool read_field(const FieldRef& field, const FieldContext& ctx, std::string& out);

// What a condition may name besides fields: lists (already expanded) and macros (condition text).
struct ListDef {
  std::vector<std::string> items;
  std::string file;
  int line = 0;
};
struct MacroText {
  std::string condition;
  int line = 0;
};
// What a condition allows of read-only opens with an absolute path (nullopt: any). See RuleSet::read_open_bounds.
using PathBound = std::optional<ReadOpenBounds>;

struct CachedMacro {
  ConditionPtr condition;
  std::optional<std::vector<model::EventType>> types;
  PathBound read_open_bounds;
  size_t nodes = 0;  // expanded size
};
struct CompileScope {
  const std::map<std::string, ListDef, std::less<>>* lists = nullptr;
  const std::map<std::string, MacroText, std::less<>>* macros = nullptr;
  std::set<std::string>* used_lists = nullptr;  // filled with every list a condition names
  // Variables a sequence step may use ($name); nullptr outside sequences; any_variable skips the check (macros
  // compiled on their own, whose variables are checked where they are used).
  const std::set<std::string>* variables = nullptr;
  bool any_variable = false;
  // Nodes left for the whole load (macros can multiply a file's size): a hostile file costs bounded time.
  size_t* budget = nullptr;
  std::map<std::string, CachedMacro, std::less<>>* cache = nullptr;  // macros compiled once, shared by rules
};

struct Compiled {
  ConditionPtr condition;                              // null when errors is not empty
  std::optional<std::vector<model::EventType>> types;  // types the condition can match; nullopt: any
  PathBound read_open_bounds;                          // read-only opens it can match (rules_open_bounds.cpp)
  std::vector<std::string> errors;
};
Compiled compile_condition(std::string_view text, const CompileScope& scope);

// The condition lexer (rules_lexer.cpp): words (fields, operators, keywords, bare values), quoted strings,
// punctuation. Throws SyntaxError (unterminated string, lone '!') or LimitError (too many tokens).
enum class Tok { Word, String, LParen, RParen, Comma, Op, End };
struct Token {
  Tok kind;
  std::string text;
};
// A syntax error: the parse of this condition stops (other problems are collected and parsing goes on).
struct SyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A broken limit (depth, size): the whole condition stops, through every macro expansion.
struct LimitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
std::vector<Token> lex(std::string_view condition);

// The condition operators: one per meaning (rules_condition.cpp spells them).
enum class Op { Eq, Ne, Lt, Le, Gt, Ge, StartsWith, EndsWith, Contains, IContains, Glob, In, PMatch, Exists };

// The bounds analysis of read-only opens (rules_open_bounds.cpp): one predicate's bound (a $variable operand:
// unknown, so any), and how `and` / `or` combine two. All sound: a bound may be wider than needed, never narrower.
PathBound predicate_bound(const FieldRef& field, Op op, const std::string& operand, bool variable,
                          const std::vector<std::string>& items);
PathBound intersect_bounds(const PathBound& a, const PathBound& b);
PathBound unite_bounds(const PathBound& a, const PathBound& b);
PathBound no_open();  // never true for a read-only open

// Shell glob over the whole text: *, ?, [abc], [a-z], [!x]; '*' matches '/' too. O(|pattern| x |text|).
bool glob_match(std::string_view pattern, std::string_view text);

// "10s" -> 10'000'000'000; nullopt for anything else (units ms, s, m, h; positive; at most a week).
std::optional<uint64_t> parse_duration(std::string_view text);
std::string format_duration(uint64_t ns);
std::optional<Priority> parse_priority(std::string_view text);

}  // namespace vigil::watch::detail
