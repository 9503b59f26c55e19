// Bounded YAML reader: libyaml's event parser loads the first document of a file into a compact read-only tree.
// For lockfiles and manifests that need fast, safe lookups rather than a full YAML object model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "formats/parsed.hpp"

namespace vigil::formats::yaml {

// Null is a plain untagged "", "~" or "null"/"Null"/"NULL" (as yaml-cpp reads them); None is a missing node.
enum class Kind : uint8_t { None, Null, Scalar, Map, Seq };

struct Limits {
  int max_depth = 128;                 // collections open at once
  size_t max_nodes = size_t{4} << 20;  // nodes of the expanded tree: an alias counts its target's whole size
  bool allow_aliases = true;           // false: any "*alias" is an error
};

namespace detail {
// Flat storage: one array of nodes, one of child indexes, one of scalar bytes.
struct Tree {
  struct Data {
    Kind kind;
    uint32_t line;
    uint32_t first;  // scalars: offset in text; collections: offset in children
    uint32_t count;  // scalars: length; maps: entries (2 children each); sequences: items
  };
  std::vector<Data> nodes;
  std::vector<uint32_t> children;  // node indexes; a map's are key, value, key, value...
  std::string text;                // every scalar's decoded text, back to back
  uint32_t root = 0;
};
}  // namespace detail

class EntryRange;

// A view of one node, valid while its Document lives. Missing keys give a Node of Kind::None, never an error.
class Node {
 public:
  Node() = default;
  [[nodiscard]] Kind kind() const { return tree_ == nullptr ? Kind::None : data().kind; }
  [[nodiscard]] bool valid() const { return tree_ != nullptr; }
  [[nodiscard]] bool is_null() const { return kind() == Kind::Null; }
  [[nodiscard]] bool is_scalar() const { return kind() == Kind::Scalar; }
  [[nodiscard]] bool is_map() const { return kind() == Kind::Map; }
  [[nodiscard]] bool is_seq() const { return kind() == Kind::Seq; }
  // The text of a scalar; empty for every other kind (nulls included).
  [[nodiscard]] std::string_view scalar() const {
    return is_scalar() ? std::string_view(tree_->text).substr(data().first, data().count) : std::string_view{};
  }
  [[nodiscard]] int line() const { return tree_ == nullptr ? 0 : static_cast<int>(data().line); }
  // Entries of a map, items of a sequence, else 0.
  [[nodiscard]] size_t size() const { return is_map() || is_seq() ? data().count : 0; }
  // Maps: the first entry whose key is the scalar `key` (duplicate keys are kept as in the file).
  [[nodiscard]] Node get(std::string_view key) const;
  [[nodiscard]] Node key(size_t i) const { return is_map() && i < size() ? child(2 * i) : Node(); }
  [[nodiscard]] Node value(size_t i) const { return is_map() && i < size() ? child(2 * i + 1) : Node(); }
  [[nodiscard]] Node item(size_t i) const { return is_seq() && i < size() ? child(i) : Node(); }

  // for (const auto& [k, v] : node.entries()) walks a map in file order; empty for anything else.
  [[nodiscard]] EntryRange entries() const;

 private:
  friend class Document;
  Node(const detail::Tree* tree, uint32_t index) : tree_(tree), index_(index) {}
  [[nodiscard]] const detail::Tree::Data& data() const { return tree_->nodes[index_]; }
  [[nodiscard]] Node child(size_t i) const { return {tree_, tree_->children[data().first + i]}; }
  const detail::Tree* tree_ = nullptr;
  uint32_t index_ = 0;
};

struct Entry {
  Node key;
  Node value;
};

// A map's entries in file order.
class EntryRange {
 public:
  class iterator {
   public:
    iterator(Node map, size_t i) : map_(map), i_(i) {}
    Entry operator*() const { return {map_.key(i_), map_.value(i_)}; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    Node map_;
    size_t i_;
  };
  explicit EntryRange(Node map) : map_(map) {}
  [[nodiscard]] iterator begin() const { return {map_, 0}; }
  [[nodiscard]] iterator end() const { return {map_, map_.size()}; }

 private:
  Node map_;
};

inline EntryRange Node::entries() const {
  return EntryRange(*this);
}

// Owns the tree; moving a Document keeps its Nodes valid.
class Document {
 public:
  explicit Document(std::unique_ptr<detail::Tree> tree) : tree_(std::move(tree)) {}
  // The root of the first document; Kind::None when the stream holds no document.
  [[nodiscard]] Node root() const { return tree_->nodes.empty() ? Node() : Node(tree_.get(), tree_->root); }
  [[nodiscard]] size_t node_count() const { return tree_->nodes.size(); }

 private:
  std::unique_ptr<detail::Tree> tree_;
};

// Loads the first document of `bytes` (later documents are not read). Fails with "invalid YAML at line L, column
// C: ..." on a syntax error and "... at line L: ..." on a broken limit. Throws nothing but std::bad_alloc.
Result<Document> load(std::string_view bytes, const Limits& limits = {});

// ParseFn-shaped probe for the fuzzer: loads, then walks every node; reports no packages.
Result<Parsed> parse_yaml_probe(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats::yaml
