// conan.lock: Conan 1 lock files (graph_lock.nodes, a dependency graph whose node "0" is the consumer) and
// Conan 2 lock files (flat "requires", "build_requires" and "python_requires" lists of references).
#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <utility>

#include "formats/cpp.hpp"
#include "formats/json_read.hpp"

namespace vigil::formats {
namespace {

// "zlib/1.2.13@user/channel#rrev%timestamp" (or a v1 "pref" with ":package_id#prev") -> zlib, 1.2.13.
bool parse_reference(std::string_view ref, std::string& name, std::string& version) {
  for (const char stop : {'#', '%', ':', '@'}) {
    ref = ref.substr(0, ref.find(stop));
  }
  const size_t slash = ref.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == ref.size()) {
    return false;
  }
  name = std::string(ref.substr(0, slash));
  version = std::string(ref.substr(slash + 1));
  return version.find('/') == std::string::npos;
}

// Collects packages keyed by name and version: a reference required both at build and at run time is one
// package, production and direct if any of its uses says so.
class Collector {
 public:
  explicit Collector(Parsed& parsed) : parsed_(parsed) {}

  void add(std::string_view ref, model::Scope scope, model::Relation relation) {
    std::string name;
    std::string version;
    if (!parse_reference(ref, name, version)) {
      parsed_.warnings.push_back({"", 0, fmt::format("cannot read Conan reference \"{}\"", ref.substr(0, 120))});
      return;
    }
    const auto [it, inserted] = index_.emplace(std::make_pair(name, version), parsed_.packages.size());
    if (!inserted) {
      auto& pkg = parsed_.packages[it->second];
      if (scope == model::Scope::Prod || pkg.scope == model::Scope::Unknown) {
        pkg.scope = scope;
      }
      if (relation == model::Relation::Direct || pkg.relation == model::Relation::Unknown) {
        pkg.relation = relation;
      }
      return;
    }
    model::Package pkg;
    pkg.name = std::move(name);
    pkg.version = std::move(version);
    pkg.ecosystem = model::Ecosystem::Conan;
    pkg.scope = scope;
    pkg.relation = relation;
    parsed_.packages.push_back(std::move(pkg));
  }

 private:
  Parsed& parsed_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
};

// Node ids listed under key ("requires", "build_requires") of a v1 node.
std::set<std::string, std::less<>> node_ids(json::object node, std::string_view key) {
  std::set<std::string, std::less<>> out;
  json::array ids;
  if (node[key].get_array().get(ids)) {
    return out;
  }
  for (json::element id : ids) {
    std::string_view s;
    if (!id.get_string().get(s)) {
      out.emplace(s);
    }
  }
  return out;
}

void parse_v1(json::object nodes, Parsed& parsed) {
  json::object root;
  std::set<std::string, std::less<>> direct;
  std::set<std::string, std::less<>> direct_build;
  if (!nodes["0"].get_object().get(root)) {
    direct = node_ids(root, "requires");
    direct_build = node_ids(root, "build_requires");
  }
  Collector collector(parsed);
  for (auto [id, value] : nodes) {
    json::object node;
    if (id == "0") {
      continue;  // the consumer (conanfile) itself
    }
    if (value.get_object().get(node)) {
      parsed.warnings.push_back(
          {"", 0, fmt::format("node \"{}\" is a JSON {}, expected an object", id, json::type_name(value))});
      continue;
    }
    std::string_view ref = json::string_field(node, "ref");
    ref = ref.empty() ? json::string_field(node, "pref") : ref;  // lock files of Conan < 1.28
    if (ref.empty()) {
      parsed.warnings.push_back({"", 0, fmt::format("node \"{}\" has no \"ref\"", id)});
      continue;
    }
    // Conan 1.x marks build requirements (tools such as cmake or protoc) with "context": "build".
    const std::string_view context = json::string_field(node, "context");
    const bool build = context == "build" || direct_build.count(id) != 0;
    const model::Scope scope = build               ? model::Scope::Dev
                               : context == "host" ? model::Scope::Prod
                                                   : model::Scope::Unknown;
    const bool is_direct = direct.count(id) != 0 || direct_build.count(id) != 0;
    collector.add(ref, scope, is_direct ? model::Relation::Direct : model::Relation::Transitive);
  }
}

void parse_v2_list(json::object root, std::string_view key, model::Scope scope, Collector& collector, Parsed& parsed) {
  json::element value;
  json::array refs;
  if (root[key].get(value)) {
    return;
  }
  if (value.get_array().get(refs)) {
    parsed.warnings.push_back(
        {"", 0, fmt::format("\"{}\" is a JSON {}, expected an array", key, json::type_name(value))});
    return;
  }
  for (json::element e : refs) {
    std::string_view ref;
    if (e.get_string().get(ref)) {
      parsed.warnings.push_back(
          {"", 0, fmt::format("\"{}\" holds a JSON {}, expected a string", key, json::type_name(e))});
      continue;
    }
    collector.add(ref, scope, model::Relation::Unknown);
  }
}

}  // namespace

Result<Parsed> parse_conan_lock(std::string_view /*path*/, std::string_view bytes) {
  simdjson::dom::parser parser;
  auto parsed_root = json::parse_object(parser, bytes, "conan.lock");
  if (!parsed_root) {
    return tl::unexpected(parsed_root.error());
  }
  const json::object root = *parsed_root;
  Parsed parsed;
  json::object graph;
  if (!root["graph_lock"].get_object().get(graph)) {
    json::object nodes;
    if (graph["nodes"].get_object().get(nodes)) {
      parsed.warnings.push_back({"", 0, "\"graph_lock\" has no \"nodes\" object"});
      return parsed;
    }
    parse_v1(nodes, parsed);
    return parsed;
  }
  if (!json::has_field(root, "requires") && !json::has_field(root, "build_requires")) {
    parsed.warnings.push_back({"", 0, "neither \"graph_lock\" nor \"requires\": not a Conan lock file?"});
    return parsed;
  }
  // Conan 2: tools used at build time and python_requires (recipe code) do not ship in the product.
  Collector collector(parsed);
  parse_v2_list(root, "requires", model::Scope::Prod, collector, parsed);
  parse_v2_list(root, "build_requires", model::Scope::Dev, collector, parsed);
  parse_v2_list(root, "python_requires", model::Scope::Dev, collector, parsed);
  return parsed;
}

}  // namespace vigil::formats
