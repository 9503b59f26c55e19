// OSV advisory record parser (ossf/osv-schema docs/schema.md): reads the fields the matcher needs
// (id, aliases, severity, affected packages with ranges and versions) and ignores the rest.
#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/json_read.hpp"
#include "formats/osv.hpp"

namespace vigil::formats::osv {
namespace {

using json::array;
using json::element;
using json::object;

// Far beyond any real record (PyPI's longest "versions" lists hold a few thousand entries); a longer
// list is hostile input, and truncating it silently would make the database lie, so the record fails.
constexpr std::size_t kMaxItems = 200000;

std::string too_many(std::string_view what) {
  return "too many entries in \"" + std::string(what) + "\" (limit " + std::to_string(kMaxItems) + ")";
}

std::string string_of(object obj, std::string_view key) {
  return std::string(json::string_field(obj, key));
}

// The string items of obj[key]; items of another type are skipped. nullopt when the list is too long.
std::optional<std::vector<std::string>> string_list(object obj, std::string_view key) {
  std::vector<std::string> out;
  array arr;
  if (obj[key].get_array().get(arr)) {
    return out;
  }
  for (element item : arr) {
    if (out.size() >= kMaxItems) {
      return std::nullopt;
    }
    std::string_view s;
    if (!item.get_string().get(s)) {
      out.emplace_back(s);
    }
  }
  return out;
}

// An event object has one of introduced / fixed / last_affected / limit with a string value.
std::optional<Event> read_event(element e) {
  static constexpr std::pair<std::string_view, Event::Kind> kKinds[] = {
      {"introduced", Event::Kind::Introduced},
      {"fixed", Event::Kind::Fixed},
      {"last_affected", Event::Kind::LastAffected},
      {"limit", Event::Kind::Limit},
  };
  object obj;
  if (e.get_object().get(obj)) {
    return std::nullopt;
  }
  for (const auto& [key, kind] : kKinds) {
    std::string_view version;
    if (!obj[key].get_string().get(version)) {
      return Event{kind, std::string(version)};
    }
  }
  return std::nullopt;
}

Result<std::vector<Range>> read_ranges(object affected) {
  std::vector<Range> out;
  array ranges;
  if (affected["ranges"].get_array().get(ranges)) {
    return out;
  }
  for (element r : ranges) {
    object robj;
    if (r.get_object().get(robj)) {
      continue;
    }
    if (out.size() >= kMaxItems) {
      return fail(too_many("ranges"));
    }
    Range range{string_of(robj, "type"), {}};
    array events;
    if (!robj["events"].get_array().get(events)) {
      for (element e : events) {
        if (range.events.size() >= kMaxItems) {
          return fail(too_many("events"));
        }
        if (auto ev = read_event(e)) {
          range.events.push_back(std::move(*ev));
        }
      }
    }
    out.push_back(std::move(range));
  }
  return out;
}

Result<Affected> read_affected(object obj) {
  Affected out;
  object package;
  if (!obj["package"].get_object().get(package)) {
    out.ecosystem = string_of(package, "ecosystem");
    out.name = string_of(package, "name");
    out.purl = string_of(package, "purl");
  }
  auto ranges = read_ranges(obj);
  if (!ranges) {
    return tl::unexpected(ranges.error());
  }
  out.ranges = std::move(*ranges);
  auto versions = string_list(obj, "versions");
  if (!versions) {
    return fail(too_many("versions"));
  }
  out.versions = std::move(*versions);
  return out;
}

Result<std::vector<Affected>> read_affected_list(object root) {
  std::vector<Affected> out;
  array list;
  if (root["affected"].get_array().get(list)) {
    return out;
  }
  for (element item : list) {
    object obj;
    if (item.get_object().get(obj)) {
      continue;
    }
    if (out.size() >= kMaxItems) {
      return fail(too_many("affected"));
    }
    auto affected = read_affected(obj);
    if (!affected) {
      return tl::unexpected(affected.error());
    }
    out.push_back(std::move(*affected));
  }
  return out;
}

// severity entries need both a type and a score to mean anything; others are skipped.
std::vector<Severity> read_severity(object root) {
  std::vector<Severity> out;
  array list;
  if (root["severity"].get_array().get(list)) {
    return out;
  }
  for (element item : list) {
    object obj;
    if (item.get_object().get(obj) || out.size() >= kMaxItems) {
      continue;
    }
    Severity s{string_of(obj, "type"), string_of(obj, "score")};
    if (!s.type.empty() && !s.score.empty()) {
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace

Result<Record> parse_osv_record(std::string_view bytes) {
  thread_local simdjson::dom::parser parser;  // reused: an import parses hundreds of thousands of records
  auto root = json::parse_object(parser, bytes, "OSV record");
  if (!root) {
    return tl::unexpected(root.error());
  }
  Record rec;
  rec.id = string_of(*root, "id");
  if (rec.id.empty()) {
    return fail("OSV record has no \"id\" string");
  }
  rec.modified = string_of(*root, "modified");
  rec.published = string_of(*root, "published");
  rec.withdrawn = string_of(*root, "withdrawn");
  rec.summary = string_of(*root, "summary");
  auto aliases = string_list(*root, "aliases");
  if (!aliases) {
    return fail(too_many("aliases"));
  }
  rec.aliases = std::move(*aliases);
  rec.severity = read_severity(*root);
  object dbs;
  if (!(*root)["database_specific"].get_object().get(dbs)) {
    rec.database_severity = string_of(dbs, "severity");
  }
  auto affected = read_affected_list(*root);
  if (!affected) {
    return tl::unexpected(affected.error());
  }
  rec.affected = std::move(*affected);
  return rec;
}

Result<Parsed> parse_osv_fuzz(std::string_view /*path*/, std::string_view bytes) {
  auto rec = parse_osv_record(bytes);
  if (!rec) {
    return tl::unexpected(rec.error());
  }
  return Parsed{};
}

}  // namespace vigil::formats::osv
