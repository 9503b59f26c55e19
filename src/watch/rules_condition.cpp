// The condition language: the operators table, a recursive-descent parser that expands macros and lists as it
// goes, and the evaluation tree it compiles to. Operands are parsed once (numbers, sorted lists); the lexer and
// the glob matcher are in rules_lexer.cpp.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <utility>

#include "watch/rules_internal.hpp"

namespace vigil::watch::detail {
namespace {

constexpr int kMaxDepth = 64;        // parentheses, `not` and macro expansions open at once
constexpr size_t kMaxNodes = 10000;  // evaluation nodes of one condition after macro expansion

std::optional<int64_t> to_number(std::string_view s) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The operators (Op, rules_internal.hpp): one row per spelling.
struct OpDef {
  std::string_view name;
  Op op;
};
constexpr OpDef kOperators[] = {
    {"=", Op::Eq},
    {"==", Op::Eq},
    {"!=", Op::Ne},
    {"<", Op::Lt},
    {"<=", Op::Le},
    {">", Op::Gt},
    {">=", Op::Ge},
    {"startswith", Op::StartsWith},
    {"endswith", Op::EndsWith},
    {"contains", Op::Contains},
    {"icontains", Op::IContains},
    {"glob", Op::Glob},
    {"in", Op::In},
    {"pmatch", Op::PMatch},
    {"exists", Op::Exists},
};
std::optional<Op> find_operator(std::string_view word) {
  for (const auto& row : kOperators) {
    if (row.name == word) return row.op;
  }
  return std::nullopt;
}

bool ieq_contains(std::string_view hay, std::string_view needle) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != hay.end();
}

// Compares one value (a field's text, or one item of a list field) with the operand.
class Match final : public Condition {
 public:
  Match(FieldRef field, Op op, std::string operand, std::string variable, std::vector<std::string> items)
      : field_(std::move(field)),
        op_(op),
        operand_(std::move(operand)),
        variable_(std::move(variable)),
        items_(std::move(items)),
        number_(to_number(operand_)) {
    std::sort(items_.begin(), items_.end());
  }

  bool eval(const FieldContext& ctx) const override {
    std::string value;
    if (!read_field(field_, ctx, value)) return false;  // a missing field matches nothing
    if (op_ == Op::Exists) return true;
    std::string_view operand = operand_;
    std::optional<int64_t> number = number_;
    if (!variable_.empty()) {
      const auto* found = lookup(ctx.bindings);
      if (found == nullptr) return false;
      operand = *found;
      number = to_number(operand);
    }
    if (field_.def->type != FieldType::List) return test(value, operand, number);
    for (const auto item : split_items(value)) {
      if (test(item, operand, number)) return true;
    }
    return false;
  }

 private:
  const std::string* lookup(const Bindings* bindings) const {
    if (bindings == nullptr) return nullptr;
    for (const auto& [name, value] : *bindings) {
      if (name == variable_) return &value;
    }
    return nullptr;
  }
  static std::vector<std::string_view> split_items(std::string_view s) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < s.size();) {
      const size_t end = std::min(s.find(' ', i), s.size());
      if (end > i) out.push_back(s.substr(i, end - i));
      i = end + 1;
    }
    return out;
  }
  bool test(std::string_view v, std::string_view operand, std::optional<int64_t> number) const {
    if (field_.def->type == FieldType::Number && number && op_ <= Op::Ge) {
      const auto n = to_number(v);
      return n && compare(*n, *number);
    }
    switch (op_) {
      case Op::StartsWith: return v.starts_with(operand);
      case Op::EndsWith: return v.ends_with(operand);
      case Op::Contains: return v.find(operand) != std::string_view::npos;
      case Op::IContains: return ieq_contains(v, operand);
      case Op::Glob: return glob_match(operand, v);
      case Op::In: return std::binary_search(items_.begin(), items_.end(), v);
      case Op::PMatch:
        return std::any_of(items_.begin(), items_.end(), [&](const std::string& prefix) {
          return v.starts_with(prefix) &&
                 (v.size() == prefix.size() || prefix.ends_with('/') || v[prefix.size()] == '/');
        });
      default: return compare(v, operand);
    }
  }
  template <class T>
  bool compare(const T& a, const T& b) const {
    switch (op_) {
      case Op::Eq: return a == b;
      case Op::Ne: return a != b;
      case Op::Lt: return a < b;
      case Op::Le: return a <= b;
      case Op::Gt: return a > b;
      case Op::Ge: return a >= b;
      default: return false;
    }
  }

  FieldRef field_;
  Op op_;
  std::string operand_;
  std::string variable_;            // "$file" -> "file": the operand comes from the bindings
  std::vector<std::string> items_;  // In, PMatch (sorted)
  std::optional<int64_t> number_;
};

class Logic final : public Condition {
 public:
  Logic(bool is_and, std::vector<ConditionPtr> children) : and_(is_and), children_(std::move(children)) {}
  bool eval(const FieldContext& ctx) const override {
    for (const auto& c : children_) {
      if (c->eval(ctx) != and_) return !and_;
    }
    return and_;
  }

 private:
  bool and_;
  std::vector<ConditionPtr> children_;
};

class Not final : public Condition {
 public:
  explicit Not(ConditionPtr child) : child_(std::move(child)) {}
  bool eval(const FieldContext& ctx) const override { return !child_->eval(ctx); }

 private:
  ConditionPtr child_;
};

class Always final : public Condition {
 public:
  bool eval(const FieldContext&) const override { return false; }
};

using Types = std::optional<std::vector<model::EventType>>;
struct Expr {
  ConditionPtr cond;
  Types types;      // nullopt: any type
  PathBound paths;  // read-only opens (absolute paths) it can be true for; nullopt: any (the safe default)
};

Types intersect(const Types& a, const Types& b) {
  if (!a) return b;
  if (!b) return a;
  std::vector<model::EventType> out;
  std::set_intersection(a->begin(), a->end(), b->begin(), b->end(), std::back_inserter(out));
  return out;
}
Types unite(const Types& a, const Types& b) {
  if (!a || !b) return std::nullopt;
  std::vector<model::EventType> out;
  std::set_union(a->begin(), a->end(), b->begin(), b->end(), std::back_inserter(out));
  return out;
}

// Recursive descent over the tokens: or > and > not > primary. Macros are expanded in place (their own tokens
// parsed where they are named), so the evaluation tree has no macro nodes.
class Parser {
 public:
  Parser(const CompileScope& scope, std::vector<std::string>& errors) : scope_(scope), errors_(errors) {}

  Expr parse_all(std::string_view text) {
    tokens_ = lex(text);
    pos_ = 0;
    Expr e = parse_or();
    if (peek().kind != Tok::End) throw SyntaxError(fmt::format("unexpected '{}'", peek().text));
    if (e.types && e.types->empty()) error("the condition can never match: it requires two different evt.type");
    return e;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  bool word(std::string_view w) const { return peek().kind == Tok::Word && peek().text == w; }
  Token take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  void error(std::string message) {
    if (errors_.size() < 100) errors_.push_back(std::move(message));
  }
  void count_node(size_t n = 1) {
    nodes_ += n;
    if (nodes_ > kMaxNodes) throw LimitError("condition too large after expanding macros");
    if (scope_.budget != nullptr) {
      if (*scope_.budget < n) {
        *scope_.budget = 0;
        throw LimitError("rule set too large after expanding macros");
      }
      *scope_.budget -= n;
    }
  }

  Expr parse_or() { return parse_logic(false); }
  Expr parse_logic(bool is_and) {
    std::vector<Expr> parts{is_and ? parse_not() : parse_logic(true)};
    while (word(is_and ? "and" : "or")) {
      take();
      parts.push_back(is_and ? parse_not() : parse_logic(true));
    }
    if (parts.size() == 1) return std::move(parts[0]);
    count_node();
    std::vector<ConditionPtr> children;
    Types types = parts[0].types;
    PathBound paths = parts[0].paths;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) types = is_and ? intersect(types, parts[i].types) : unite(types, parts[i].types);
      if (i > 0) paths = is_and ? intersect_bounds(paths, parts[i].paths) : unite_bounds(paths, parts[i].paths);
      children.push_back(std::move(parts[i].cond));
    }
    return {std::make_shared<Logic>(is_and, std::move(children)), std::move(types), std::move(paths)};
  }

  Expr parse_not() {
    if (!word("not")) return parse_primary();
    take();
    Depth guard(*this);
    count_node();
    return {std::make_shared<Not>(parse_not().cond), std::nullopt};
  }

  Expr parse_primary() {
    Depth guard(*this);
    const Token t = take();
    if (t.kind == Tok::LParen) {
      Expr e = parse_or();
      if (take().kind != Tok::RParen) throw SyntaxError("missing ')'");
      return e;
    }
    if (t.kind != Tok::Word || t.text == "and" || t.text == "or") {
      throw SyntaxError(t.kind == Tok::End ? "condition ends too early" : fmt::format("unexpected '{}'", t.text));
    }
    if (auto field = resolve_field(t.text)) return parse_predicate(std::move(*field));
    if (scope_.macros != nullptr) {
      if (const auto it = scope_.macros->find(t.text); it != scope_.macros->end()) return expand(it->first, it->second);
    }
    const bool looks_like_field = t.text.find('.') != std::string::npos;
    error(looks_like_field ? fmt::format("unknown field '{}'", t.text) : fmt::format("undefined macro '{}'", t.text));
    if (looks_like_field && peek().kind != Tok::End) skip_predicate();
    return placeholder();
  }

  Expr placeholder() { return {std::make_shared<Always>(), std::nullopt}; }

  // After an unknown field: skip its operator and operand so the rest of the condition is still checked.
  void skip_predicate() {
    const Token op = take();
    if (op.kind == Tok::Word && op.text == "exists") return;
    if (peek().kind == Tok::LParen) {
      while (peek().kind != Tok::RParen && peek().kind != Tok::End) take();
    }
    take();
  }

  // A macro compiles to the same tree wherever it is named, so it is compiled once (per load) and shared; its
  // expanded size still counts each time, which keeps evaluation cost bounded too.
  Expr expand(const std::string& name, const MacroText& macro) {
    if (std::find(macro_stack_.begin(), macro_stack_.end(), name) != macro_stack_.end()) {
      error(fmt::format("macro '{}' uses itself (cycle through {})", name, fmt::join(macro_stack_, " -> ")));
      return placeholder();
    }
    count_node();  // an expansion costs a node even when it yields only problems
    if (scope_.cache != nullptr) {
      if (const auto it = scope_.cache->find(name); it != scope_.cache->end()) {
        count_node(it->second.nodes);
        return {it->second.condition, it->second.types, it->second.read_open_bounds};
      }
    }
    macro_stack_.push_back(name);
    std::vector<Token> saved = std::exchange(tokens_, {});
    const size_t saved_pos = pos_;
    const size_t nodes_before = nodes_;
    const size_t errors_before = errors_.size();
    Expr e;
    try {
      e = parse_all(macro.condition);
    } catch (const SyntaxError& ex) {
      error(fmt::format("in macro '{}': {}", name, ex.what()));
      e = placeholder();
    }
    tokens_ = std::move(saved);
    pos_ = saved_pos;
    macro_stack_.pop_back();
    // Not cached: macros with problems, and those naming $variables (whose check depends on where they are used).
    if (scope_.cache != nullptr && errors_.size() == errors_before && macro.condition.find('$') == std::string::npos) {
      scope_.cache->emplace(name, CachedMacro{e.cond, e.types, e.paths, nodes_ - nodes_before});
    }
    return e;
  }

  Expr parse_predicate(FieldRef field) {
    count_node();
    const Token op_token = take();
    const auto op =
        op_token.kind == Tok::Op || op_token.kind == Tok::Word ? find_operator(op_token.text) : std::nullopt;
    if (!op) {
      throw SyntaxError(fmt::format("expected an operator after '{}', got '{}'", field.name, op_token.text));
    }
    if (*op == Op::Exists)
      return {std::make_shared<Match>(std::move(field), *op, "", "", std::vector<std::string>{}), std::nullopt,
              std::nullopt};
    if (*op == Op::In || *op == Op::PMatch) return parse_set(std::move(field), *op);
    const Token operand = take();
    if (operand.kind != Tok::Word && operand.kind != Tok::String) {
      throw SyntaxError(fmt::format("expected a value after '{} {}'", field.name, op_token.text));
    }
    std::string variable;
    if (operand.kind == Tok::Word && operand.text.starts_with('$')) {
      variable = operand.text.substr(1);
      check_variable(variable);
    } else {
      check_value(field, *op, operand.text);
    }
    Types types;
    if (field.name == "evt.type" && *op == Op::Eq && variable.empty()) {
      if (const auto type = model::parse_event_type(operand.text)) types = std::vector{*type};
    }
    PathBound paths = predicate_bound(field, *op, operand.text, !variable.empty(), {});
    return {
        std::make_shared<Match>(std::move(field), *op, operand.text, std::move(variable), std::vector<std::string>{}),
        std::move(types), std::move(paths)};
  }

  void check_variable(const std::string& name) {
    if (scope_.any_variable) return;
    if (scope_.variables == nullptr) {
      error(fmt::format("'${}' outside a sequence step", name));
    } else if (scope_.variables->count(name) == 0) {
      error(fmt::format("'${}' is not bound by an earlier step", name));
    }
  }

  void check_value(const FieldRef& field, Op op, const std::string& value) {
    if (field.def->type == FieldType::Number && op <= Op::Ge && !to_number(value)) {
      error(fmt::format("'{}' is a number; '{}' is not", field.name, value));
    }
    if (field.name == "evt.type" && (op == Op::Eq || op == Op::Ne || op == Op::In) && !model::parse_event_type(value)) {
      error(fmt::format("unknown event type '{}'", value));
    }
  }

  // `in (a, b, list_name)` and `pmatch (...)`: names of lists expand to their items.
  Expr parse_set(FieldRef field, Op op) {
    if (take().kind != Tok::LParen) throw SyntaxError(fmt::format("expected '(' after '{}'", field.name));
    std::vector<std::string> items;
    while (peek().kind != Tok::RParen) {
      const Token item = take();
      if (item.kind != Tok::Word && item.kind != Tok::String) throw SyntaxError("expected a list item or ')'");
      add_item(field, op, item, items);
      if (peek().kind == Tok::Comma) take();
    }
    take();
    if (looks_like_list_name(tokens_[pos_ - 2], tokens_[pos_ - 3])) {
      error(fmt::format("undefined list '{}' (quote it if it is a value)", tokens_[pos_ - 2].text));
    }
    Types types;
    if (field.name == "evt.type" && op == Op::In) {
      types.emplace();
      for (const auto& item : items) {
        if (const auto type = model::parse_event_type(item)) types->push_back(*type);
      }
      std::sort(types->begin(), types->end());
      types->erase(std::unique(types->begin(), types->end()), types->end());
    }
    PathBound paths = predicate_bound(field, op, "", false, items);
    return {std::make_shared<Match>(std::move(field), op, "", "", std::move(items)), std::move(types),
            std::move(paths)};
  }

  // `in (some_name)`: one bare word with an underscore is most likely a list that was never defined.
  bool looks_like_list_name(const Token& item, const Token& before) const {
    const auto* lists = scope_.lists;
    return before.kind == Tok::LParen && item.kind == Tok::Word && item.text.find('_') != std::string::npos &&
           (lists == nullptr || lists->find(item.text) == lists->end()) &&
           std::all_of(item.text.begin(), item.text.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  }

  void add_item(const FieldRef& field, Op op, const Token& item, std::vector<std::string>& items) {
    const auto* lists = scope_.lists;
    const auto it = lists != nullptr && item.kind == Tok::Word ? lists->find(item.text) : decltype(lists->end()){};
    if (lists != nullptr && item.kind == Tok::Word && it != lists->end()) {
      if (scope_.used_lists != nullptr) scope_.used_lists->insert(it->first);
      for (const auto& v : it->second.items) add_value(field, op, v, items);
    } else {
      add_value(field, op, item.text, items);
    }
  }

  void add_value(const FieldRef& field, Op op, const std::string& v, std::vector<std::string>& items) {
    if (items.size() > 100000) throw LimitError("list too long");
    if (field.def->type == FieldType::Number && op == Op::In) {
      const auto n = to_number(v);
      if (!n) error(fmt::format("'{}' is a number; '{}' is not", field.name, v));
      items.push_back(n ? fmt::format("{}", *n) : v);  // canonical text, as the field gives it
      return;
    }
    if (field.name == "evt.type" && !model::parse_event_type(v)) error(fmt::format("unknown event type '{}'", v));
    items.push_back(v);
  }

  struct Depth {
    explicit Depth(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxDepth) throw LimitError("condition nested too deeply");
    }
    ~Depth() { --p_.depth_; }
    Parser& p_;
  };

  const CompileScope& scope_;
  std::vector<std::string>& errors_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  size_t nodes_ = 0;
  std::vector<std::string> macro_stack_;
};

}  // namespace

Compiled compile_condition(std::string_view text, const CompileScope& scope) {
  Compiled out;
  try {
    Parser parser(scope, out.errors);
    Expr e = parser.parse_all(text);
    if (out.errors.empty()) {
      out.condition = std::move(e.cond);
      const bool opens =
          !e.types || std::find(e.types->begin(), e.types->end(), model::EventType::Open) != e.types->end();
      out.read_open_bounds = opens ? std::move(e.paths) : no_open();
      out.types = std::move(e.types);
    }
  } catch (const SyntaxError& e) {
    out.errors.emplace_back(e.what());
  } catch (const LimitError& e) {
    out.errors.emplace_back(e.what());
  } catch (const std::length_error&) {
    out.errors.emplace_back("condition too large");
  }
  return out;
}

}  // namespace vigil::watch::detail
