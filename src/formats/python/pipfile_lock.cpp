// Pipfile.lock (pipenv): JSON with "default" (prod) and "develop" (dev) maps of name -> {"version": "==1.2.3"}.
// It does not say which packages the Pipfile names directly.
#include <fmt/format.h>
#include <simdjson.h>

#include <string>

#include "core/strings.hpp"
#include "formats/python.hpp"
#include "formats/python/python_common.hpp"

namespace vigil::formats {
namespace {

void read_section(simdjson::dom::object section, model::Scope scope, Parsed& parsed) {
  for (const auto field : section) {
    simdjson::dom::object entry;
    if (field.value.get_object().get(entry) != simdjson::SUCCESS) {
      parsed.warnings.push_back({"", 0, "entry \"" + std::string(field.key) + "\" is not an object"});
      continue;
    }
    std::string_view version;
    bool local = false;
    for (const auto f : entry) {
      if (f.key == "version") {
        if (f.value.get_string().get(version) != simdjson::SUCCESS) {
          version = {};
        }
      } else if (f.key == "editable" || f.key == "path" || f.key == "file") {
        local = true;
      }
    }
    version = trim(version);
    if (starts_with(version, "===")) {
      version.remove_prefix(3);
    } else if (starts_with(version, "==")) {
      version.remove_prefix(2);
    }
    if (version.empty()) {
      if (!local) {  // the project itself or a local path has no version; a git or URL dependency is reported
        parsed.warnings.push_back({"", 0, fmt::format("\"{}\" has no pinned version: skipped", field.key)});
      }
      continue;
    }
    parsed.packages.push_back(python_detail::make_package(field.key, trim(version), scope, model::Relation::Unknown));
  }
}

Result<Parsed> parse_lock(std::string_view bytes) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (const auto err = parser.parse(bytes.data(), bytes.size()).get(doc); err != simdjson::SUCCESS) {
    return fail(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    return fail("Pipfile.lock is not a JSON object");
  }
  Parsed parsed;
  bool any = false;
  for (const auto field : root) {
    simdjson::dom::object section;
    if ((field.key == "default" || field.key == "develop") &&
        field.value.get_object().get(section) == simdjson::SUCCESS) {
      any = true;
      read_section(section, field.key == "default" ? model::Scope::Prod : model::Scope::Dev, parsed);
    }
  }
  if (!any) {
    parsed.warnings.push_back({"", 0, "no \"default\" or \"develop\" section: no packages listed"});
  }
  return parsed;
}

}  // namespace

Result<Parsed> parse_pipfile_lock(std::string_view /*path*/, std::string_view bytes) {
  try {
    return parse_lock(bytes);
  } catch (const std::exception& e) {
    return fail(std::string("cannot read Pipfile.lock: ") + e.what());
  }
}

}  // namespace vigil::formats
