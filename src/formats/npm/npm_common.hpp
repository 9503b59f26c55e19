// Helpers shared by the npm, yarn and pnpm parsers: one package per name@version, JSON entry point, licenses.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/result.hpp"
#include "formats/parsed.hpp"

namespace vigil::formats::npm_detail {

// Lockfiles list one package many times (nested copies, peer variants); reports want it once.
// Merging keeps the strongest claim: a package needed in prod is prod, a direct one is direct.
class PackageSet {
 public:
  void add(std::string name, std::string version, model::Scope scope, model::Relation relation,
           std::string license = {}) {
    std::string key = name + '@' + version;
    const auto [it, inserted] = index_.try_emplace(std::move(key), parsed_.packages.size());
    if (!inserted) {
      model::Package& old = parsed_.packages[it->second];
      if (old.scope == model::Scope::Unknown || scope == model::Scope::Prod) {
        old.scope = scope == model::Scope::Unknown ? old.scope : scope;
      }
      // Direct anywhere makes it direct; a copy of unknown standing keeps "maybe direct" open.
      if (relation == model::Relation::Direct ||
          (old.relation == model::Relation::Transitive && relation == model::Relation::Unknown)) {
        old.relation = relation;
      }
      if (old.license.empty()) {
        old.license = std::move(license);
      }
      return;
    }
    model::Package p;
    p.name = std::move(name);
    p.version = std::move(version);
    p.ecosystem = model::Ecosystem::Npm;
    p.scope = scope;
    p.relation = relation;
    p.license = std::move(license);
    parsed_.packages.push_back(std::move(p));
  }
  // Hostile files could hold millions of bad entries: keep the first warnings and count the rest.
  void warn(int line, std::string message) {
    if (parsed_.warnings.size() < kMaxWarnings) {
      parsed_.warnings.push_back({"", line, std::move(message)});
    } else {
      ++suppressed_;
    }
  }
  Parsed take() {
    if (suppressed_ > 0) {
      parsed_.warnings.push_back({"", 0, std::to_string(suppressed_) + " more warnings not shown"});
    }
    return std::move(parsed_);
  }

 private:
  static constexpr size_t kMaxWarnings = 100;
  Parsed parsed_;
  size_t suppressed_ = 0;
  std::unordered_map<std::string, size_t> index_;
};

// Parses a whole JSON document; the element borrows from the parser.
inline Result<simdjson::dom::element> parse_json(simdjson::dom::parser& parser, std::string_view bytes) {
  simdjson::dom::element doc;
  const auto err = parser.parse(bytes.data(), bytes.size()).get(doc);
  if (err != simdjson::SUCCESS) {
    return fail(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  return doc;
}

inline std::string_view string_or_empty(simdjson::dom::element e) {
  std::string_view s;
  return e.get_string().get(s) == simdjson::SUCCESS ? s : std::string_view{};
}

inline bool is_true(simdjson::dom::element e) {
  bool b = false;
  return e.get_bool().get(b) == simdjson::SUCCESS && b;
}

// One license value: "MIT" or {"type": "MIT", "url": ...}.
inline std::string license_entry(simdjson::dom::element e) {
  if (e.is_string()) {
    return std::string(string_or_empty(e));
  }
  simdjson::dom::element type;
  if (e.is_object() && e["type"].get(type) == simdjson::SUCCESS) {
    return std::string(string_or_empty(type));
  }
  return {};
}

// package.json "license", or the deprecated "licenses": [{"type": ...}] (joined with OR: any one applies).
inline std::string license_of(simdjson::dom::element e) {
  simdjson::dom::array arr;
  if (e.get_array().get(arr) != simdjson::SUCCESS) {
    return license_entry(e);
  }
  std::string out;
  for (const auto item : arr) {
    const std::string one = license_entry(item);
    if (!one.empty()) {
      out += out.empty() ? one : " OR " + one;
    }
  }
  return out;
}

}  // namespace vigil::formats::npm_detail
