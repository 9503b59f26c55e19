// Loads YAML with libyaml's event API into yaml::Document. Streaming keeps the limits exact: nesting is checked on
// each collection start, and aliases share their target's nodes but count its whole size against max_nodes.
#include "formats/yaml/yaml_tree.hpp"

#include <yaml.h>

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

namespace vigil::formats::yaml {

Node Node::get(std::string_view key) const {
  for (size_t i = 0, n = is_map() ? size() : 0; i < n; ++i) {
    const Node k = child(2 * i);
    if (k.is_scalar() && k.scalar() == key) {
      return child(2 * i + 1);
    }
  }
  return {};
}

namespace {

using detail::Tree;

std::string_view view(const yaml_char_t* s, size_t n) {
  return {reinterpret_cast<const char*>(s), n};
}
std::string_view view(const yaml_char_t* s) {
  return s == nullptr ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(s));
}

bool is_null_scalar(const yaml_event_t& e) {
  if (e.data.scalar.style != YAML_PLAIN_SCALAR_STYLE || e.data.scalar.tag != nullptr) {
    return false;
  }
  const std::string_view v = view(e.data.scalar.value, e.data.scalar.length);
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

std::string at_line(const yaml_mark_t& mark) {
  return " at line " + std::to_string(mark.line + 1);
}

// libyaml's own error: the problem, where it is, and what was being parsed.
std::string parser_error(const yaml_parser_t& p) {
  if (p.error == YAML_MEMORY_ERROR) {
    return "out of memory while reading YAML";
  }
  const std::string problem = p.problem != nullptr ? p.problem : "unknown error";
  if (p.error == YAML_READER_ERROR) {
    return "invalid YAML at byte " + std::to_string(p.problem_offset) + ": " + problem;
  }
  std::string out = "invalid YAML at line " + std::to_string(p.problem_mark.line + 1) + ", column " +
                    std::to_string(p.problem_mark.column + 1) + ": " + problem;
  if (p.context != nullptr) {
    out += std::string(" (") + p.context + " started" + at_line(p.context_mark) + ")";
  }
  return out;
}

// Turns events into Tree nodes. Children of open collections wait in pending_ until their collection ends, then
// move to Tree::children in one block, so every collection's children are contiguous.
class Builder {
 public:
  Builder(const Limits& limits, Tree& tree)
      : limits_(limits),
        max_nodes_(std::min<uint64_t>(limits.max_nodes, std::numeric_limits<uint32_t>::max() / 2)),
        tree_(tree) {}

  // One event; an error message, or empty to go on.
  std::string on_event(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_SCALAR_EVENT: return on_scalar(e);
      case YAML_SEQUENCE_START_EVENT: return on_start(Kind::Seq, e.start_mark, view(e.data.sequence_start.anchor));
      case YAML_MAPPING_START_EVENT: return on_start(Kind::Map, e.start_mark, view(e.data.mapping_start.anchor));
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: return on_end(e.start_mark);
      case YAML_ALIAS_EVENT: return on_alias(e);
      case YAML_DOCUMENT_END_EVENT:
      case YAML_STREAM_END_EVENT: done_ = true; return {};
      default: return {};
    }
  }
  [[nodiscard]] bool done() const { return done_; }

 private:
  struct Open {
    uint32_t node;
    size_t first_pending;
    uint64_t weight;  // expanded size so far, itself included
    std::string anchor;
  };

  std::string new_node(Kind kind, const yaml_mark_t& mark, uint32_t first, uint32_t count, uint32_t& index) {
    if (tree_.nodes.size() >= max_nodes_) {
      return "YAML document has more than " + std::to_string(max_nodes_) + " nodes" + at_line(mark);
    }
    index = static_cast<uint32_t>(tree_.nodes.size());
    tree_.nodes.push_back({kind, static_cast<uint32_t>(std::min<size_t>(mark.line + 1, UINT32_MAX)), first, count});
    weights_.push_back(1);
    return {};
  }

  // A finished node (or an alias of one) becomes the root or the next child of the innermost open collection.
  std::string attach(uint32_t index, const yaml_mark_t& mark) {
    const uint64_t weight = weights_[index];
    if (open_.empty()) {
      if (!has_root_) {
        tree_.root = index;
        has_root_ = true;
      }
      return {};
    }
    Open& parent = open_.back();
    parent.weight += weight;
    if (parent.weight > max_nodes_) {
      return "YAML aliases expand to more than " + std::to_string(max_nodes_) + " nodes" + at_line(mark);
    }
    pending_.push_back(index);
    return {};
  }

  void name(std::string_view anchor, uint32_t index) {
    if (!anchor.empty()) {
      anchors_.insert_or_assign(std::string(anchor), index);  // a later anchor of the same name wins, as in YAML
    }
  }

  std::string on_scalar(const yaml_event_t& e) {
    const bool null = is_null_scalar(e);
    const size_t length = null ? 0 : e.data.scalar.length;
    if (tree_.text.size() + length > std::numeric_limits<uint32_t>::max()) {
      return "YAML scalars larger than 4 GiB" + at_line(e.start_mark);
    }
    uint32_t index = 0;
    std::string err = new_node(null ? Kind::Null : Kind::Scalar, e.start_mark, static_cast<uint32_t>(tree_.text.size()),
                               static_cast<uint32_t>(length), index);
    if (!err.empty()) {
      return err;
    }
    tree_.text.append(view(e.data.scalar.value, length));
    name(view(e.data.scalar.anchor), index);
    return attach(index, e.start_mark);
  }

  std::string on_start(Kind kind, const yaml_mark_t& mark, std::string_view anchor) {
    if (open_.size() >= static_cast<size_t>(std::max(limits_.max_depth, 0))) {
      return "YAML nested deeper than " + std::to_string(limits_.max_depth) + " levels" + at_line(mark);
    }
    uint32_t index = 0;
    std::string err = new_node(kind, mark, 0, 0, index);
    if (err.empty()) {
      open_.push_back({index, pending_.size(), 1, std::string(anchor)});
    }
    return err;
  }

  std::string on_end(const yaml_mark_t& mark) {
    if (open_.empty()) {
      return "unbalanced YAML collection end";  // libyaml never sends one; kept for safety
    }
    Open done = std::move(open_.back());
    open_.pop_back();
    Tree::Data& d = tree_.nodes[done.node];
    const size_t n = pending_.size() - done.first_pending;
    d.first = static_cast<uint32_t>(tree_.children.size());
    d.count = static_cast<uint32_t>(d.kind == Kind::Map ? n / 2 : n);
    tree_.children.insert(tree_.children.end(), pending_.begin() + static_cast<std::ptrdiff_t>(done.first_pending),
                          pending_.end());
    pending_.resize(done.first_pending);
    weights_[done.node] = done.weight;
    name(done.anchor, done.node);
    return attach(done.node, mark);
  }

  std::string on_alias(const yaml_event_t& e) {
    const std::string_view anchor = view(e.data.alias.anchor);
    if (!limits_.allow_aliases) {
      return "YAML aliases are not supported (*" + std::string(anchor) + at_line(e.start_mark) + ")";
    }
    // Only finished nodes are named, so an alias inside its own anchor's collection is unknown here.
    const auto it = anchors_.find(std::string(anchor));
    if (it == anchors_.end()) {
      return "YAML alias *" + std::string(anchor) + " names no earlier anchor" + at_line(e.start_mark);
    }
    return attach(it->second, e.start_mark);
  }

  const Limits& limits_;
  const uint64_t max_nodes_;
  Tree& tree_;
  std::vector<Open> open_;
  std::vector<uint32_t> pending_;
  std::vector<uint64_t> weights_;  // expanded size of each node
  std::unordered_map<std::string, uint32_t> anchors_;
  bool has_root_ = false;
  bool done_ = false;
};

// RAII for libyaml's C structures.
struct ParserHandle {
  yaml_parser_t parser{};
  bool ready = yaml_parser_initialize(&parser) != 0;
  ParserHandle() = default;
  ParserHandle(const ParserHandle&) = delete;
  ParserHandle& operator=(const ParserHandle&) = delete;
  ~ParserHandle() {
    if (ready) {
      yaml_parser_delete(&parser);
    }
  }
};

struct EventHandle {
  yaml_event_t event{};
  EventHandle() = default;
  EventHandle(const EventHandle&) = delete;
  EventHandle& operator=(const EventHandle&) = delete;
  ~EventHandle() { yaml_event_delete(&event); }
};

}  // namespace

Result<Document> load(std::string_view bytes, const Limits& limits) {
  ParserHandle handle;
  if (!handle.ready) {
    return fail("cannot start the YAML parser: out of memory");
  }
  yaml_parser_set_input_string(&handle.parser, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  auto tree = std::make_unique<Tree>();
  Builder builder(limits, *tree);
  while (!builder.done()) {
    EventHandle ev;
    if (yaml_parser_parse(&handle.parser, &ev.event) == 0) {
      return fail(parser_error(handle.parser));
    }
    if (std::string err = builder.on_event(ev.event); !err.empty()) {
      return fail(std::move(err));
    }
  }
  return Document(std::move(tree));
}

Result<Parsed> parse_yaml_probe(std::string_view /*path*/, std::string_view bytes) {
  auto doc = load(bytes);
  if (!doc) {
    return fail(doc.error().message);
  }
  // Every node of the expanded tree once per path to it: bounded by Limits::max_nodes.
  std::vector<Node> stack{doc->root()};
  size_t text = 0;
  while (!stack.empty()) {
    const Node n = stack.back();
    stack.pop_back();
    text += n.scalar().size() + static_cast<size_t>(n.line() > 0);
    for (size_t i = 0; i < n.size(); ++i) {
      stack.push_back(n.is_map() ? n.value(i) : n.item(i));
      if (n.is_map()) {
        stack.push_back(n.key(i));
        if (i < 4) {  // lookups too, but not quadratically many
          text += n.get(n.key(i).scalar()).valid() ? 1 : 0;
        }
      }
    }
  }
  Parsed out;
  if (text == 0 && doc->root().kind() == Kind::None) {
    out.warnings.push_back({"", 0, "empty YAML stream"});
  }
  return out;
}

}  // namespace vigil::formats::yaml
