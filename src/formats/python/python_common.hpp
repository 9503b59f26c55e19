// Helpers shared by the Python parsers: building PyPI packages and reading TOML lockfiles without exceptions.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "formats/parsed.hpp"

namespace vigil::formats::python_detail {

inline model::Package make_package(std::string_view name, std::string_view version, model::Scope scope,
                                   model::Relation relation) {
  model::Package p;
  p.name = std::string(name);
  p.version = std::string(version);
  p.ecosystem = model::Ecosystem::PyPI;
  p.scope = scope;
  p.relation = relation;
  return p;
}

// toml++ throws on syntax errors (and bounds nesting itself); the message keeps the line and column.
inline Result<toml::table> parse_toml(std::string_view bytes) {
  try {
    return toml::parse(bytes);
  } catch (const toml::parse_error& e) {
    return fail("invalid TOML at line " + std::to_string(e.source().begin.line) + ", column " +
                std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
}

}  // namespace vigil::formats::python_detail
