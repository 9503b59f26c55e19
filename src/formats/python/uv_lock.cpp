// uv.lock: [[package]] tables. Workspace members (source editable or virtual) are the roots: their dependencies
// are direct, dev-dependencies are dev, and walking the graph from them gives every other package's scope.
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "formats/python.hpp"
#include "formats/python/python_common.hpp"

namespace vigil::formats {
namespace {

struct Node {
  const toml::table* table = nullptr;
  std::string_view name;
  std::string_view version;
  bool member = false;  // a workspace member (the project itself or one of its packages)
  bool root = false;    // the member at "." (skipped from the inventory: it is the project being scanned)
};

using Index = std::unordered_map<std::string_view, std::vector<size_t>>;

// Targets of a dependency array [{ name = "x", version = "1.0" }, ...]; a missing version means the only one.
void add_targets(const toml::array* deps, const Index& index, const std::vector<Node>& nodes,
                 std::vector<size_t>& out) {
  if (deps == nullptr) {
    return;
  }
  for (const toml::node& d : *deps) {
    const toml::table* t = d.as_table();
    const auto name = t == nullptr ? std::nullopt : (*t)["name"].value<std::string_view>();
    const auto it = name ? index.find(*name) : index.end();
    if (it == index.end()) {
      continue;
    }
    const auto version = (*t)["version"].value<std::string_view>();
    for (const size_t i : it->second) {
      if (!version || nodes[i].version == *version) {
        out.push_back(i);
      }
    }
  }
}

// Every dependency array of a table of groups: [package.optional-dependencies] or [package.dev-dependencies].
void add_group_targets(const toml::table* groups, const Index& index, const std::vector<Node>& nodes,
                       std::vector<size_t>& out) {
  if (groups == nullptr) {
    return;
  }
  for (const auto& [group, deps] : *groups) {
    add_targets(deps.as_array(), index, nodes, out);
  }
}

std::vector<bool> reachable(const std::vector<size_t>& roots, const Index& index, const std::vector<Node>& nodes) {
  std::vector<bool> seen(nodes.size(), false);
  std::deque<size_t> queue(roots.begin(), roots.end());
  std::vector<size_t> next;
  while (!queue.empty()) {
    const size_t i = queue.front();
    queue.pop_front();
    if (seen[i]) {
      continue;
    }
    seen[i] = true;
    next.clear();
    add_targets((*nodes[i].table)["dependencies"].as_array(), index, nodes, next);
    add_group_targets((*nodes[i].table)["optional-dependencies"].as_table(), index, nodes, next);
    queue.insert(queue.end(), next.begin(), next.end());
  }
  return seen;
}

std::vector<Node> read_nodes(const toml::array& packages, Parsed& parsed) {
  std::vector<Node> nodes;
  for (const toml::node& n : packages) {
    const toml::table* t = n.as_table();
    Node node;
    node.table = t;
    node.name = t == nullptr ? std::string_view{} : (*t)["name"].value_or(std::string_view{});
    node.version = t == nullptr ? std::string_view{} : (*t)["version"].value_or(std::string_view{});
    if (node.name.empty()) {
      parsed.warnings.push_back({"", static_cast<int>(n.source().begin.line), "[[package]] without a name: skipped"});
      continue;
    }
    if (const toml::table* source = (*t)["source"].as_table()) {
      for (const char* kind : {"editable", "virtual"}) {
        if (const auto where = (*source)[kind].value<std::string_view>()) {
          node.member = true;
          node.root = node.root || *where == ".";
        }
      }
    }
    nodes.push_back(node);
  }
  return nodes;
}

Result<Parsed> parse_lock(std::string_view bytes) {
  auto table = python_detail::parse_toml(bytes);
  if (!table) {
    return tl::unexpected(table.error());
  }
  Parsed parsed;
  const toml::array* packages = (*table)["package"].as_array();
  if (packages == nullptr) {
    parsed.warnings.push_back({"", 0, "no [[package]] tables: no packages listed"});
    return parsed;
  }
  const std::vector<Node> nodes = read_nodes(*packages, parsed);
  Index index;
  for (size_t i = 0; i < nodes.size(); ++i) {
    index[nodes[i].name].push_back(i);
  }
  std::vector<size_t> prod_roots;
  std::vector<size_t> dev_roots;
  bool has_members = false;
  for (const Node& n : nodes) {
    if (n.member) {
      has_members = true;
      add_targets((*n.table)["dependencies"].as_array(), index, nodes, prod_roots);
      add_group_targets((*n.table)["optional-dependencies"].as_table(), index, nodes, prod_roots);
      add_group_targets((*n.table)["dev-dependencies"].as_table(), index, nodes, dev_roots);
    }
  }
  std::vector<bool> direct(nodes.size(), false);
  for (const size_t i : prod_roots) direct[i] = true;
  for (const size_t i : dev_roots) direct[i] = true;
  const std::vector<bool> prod = reachable(prod_roots, index, nodes);
  const std::vector<bool> dev = reachable(dev_roots, index, nodes);
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.root) {
      continue;
    }
    if (n.version.empty()) {
      if (!n.member) {  // uv omits the version of dynamic-version workspace members only
        parsed.warnings.push_back({"", 0, "package " + std::string(n.name) + " has no version: skipped"});
      }
      continue;
    }
    const model::Scope scope = !has_members ? model::Scope::Unknown
                               : prod[i]    ? model::Scope::Prod
                               : dev[i]     ? model::Scope::Dev
                                            : model::Scope::Unknown;
    const model::Relation relation = !has_members ? model::Relation::Unknown
                                     : direct[i]  ? model::Relation::Direct
                                                  : model::Relation::Transitive;
    parsed.packages.push_back(python_detail::make_package(n.name, n.version, scope, relation));
  }
  return parsed;
}

}  // namespace

Result<Parsed> parse_uv_lock(std::string_view /*path*/, std::string_view bytes) {
  try {
    return parse_lock(bytes);
  } catch (const std::exception& e) {
    return fail(std::string("cannot read uv.lock: ") + e.what());
  }
}

}  // namespace vigil::formats
