// simdjson DOM helpers shared by the JSON lockfile parsers (composer, NuGet, deps.json, conan, vcpkg):
// parse with a readable error and read optional fields without exceptions.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vigil::formats::json {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// simdjson copies bytes into its own padded buffer; its DOM API gives no byte offset, so the message
// names the kind of error simdjson found.
inline Result<element> parse(simdjson::dom::parser& parser, std::string_view bytes) {
  element doc;
  if (const auto err = parser.parse(bytes.data(), bytes.size()).get(doc)) {
    return fail(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  return doc;
}

// Parses a document whose top level must be an object; what names the format in the error.
// The object points into parser's memory: parser must outlive it.
inline Result<object> parse_object(simdjson::dom::parser& parser, std::string_view bytes, std::string_view what);

// The value of key when it is a string; empty when absent or of another type.
inline std::string_view string_field(object obj, std::string_view key) {
  std::string_view out;
  if (obj[key].get_string().get(out)) {
    return {};
  }
  return out;
}

inline bool has_field(object obj, std::string_view key) {
  return !obj[key].error();
}

// Short spelling of a JSON value's type for warnings ("expected an array, found string").
inline std::string_view type_name(element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: return "array";
    case simdjson::dom::element_type::OBJECT: return "object";
    case simdjson::dom::element_type::STRING: return "string";
    case simdjson::dom::element_type::NULL_VALUE: return "null";
    case simdjson::dom::element_type::BOOL: return "boolean";
    default: return "number";
  }
}

inline Result<object> parse_object(simdjson::dom::parser& parser, std::string_view bytes, std::string_view what) {
  auto doc = parse(parser, bytes);
  if (!doc) {
    return tl::unexpected(doc.error());
  }
  object root;
  if (doc->get_object().get(root)) {
    return fail(std::string(what) + " is a JSON " + std::string(type_name(*doc)) + ", expected an object");
  }
  return root;
}

}  // namespace vigil::formats::json
