// OpenVEX documents (openvex/spec, 0.2.0 and the older 0.0.x shape where vulnerability is a string and products
// are plain strings): statements become VexStatements whose products are the purls they name.
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "formats/json_read.hpp"
#include "formats/policy.hpp"

namespace vigil::formats::policy {
namespace {

using json::array;
using json::element;
using json::object;

constexpr size_t kMaxStatements = 100000;
constexpr size_t kMaxItems = 10000;  // products, subcomponents or aliases of one statement
constexpr std::array<std::string_view, 4> kStatuses{"not_affected", "affected", "fixed", "under_investigation"};
constexpr std::array<std::string_view, 5> kJustifications{
    "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"};

template <size_t N>
bool one_of(const std::array<std::string_view, N>& values, std::string_view s) {
  return std::find(values.begin(), values.end(), s) != values.end();
}

// A product or subcomponent: a string (0.0.x) or an object whose identifiers.purl wins over its @id.
std::string component_id(element e) {
  std::string_view s;
  if (!e.get_string().get(s)) {
    return std::string(trim(s));
  }
  object obj;
  if (e.get_object().get(obj)) {
    return {};
  }
  object identifiers;
  if (!obj["identifiers"].get_object().get(identifiers)) {
    const std::string_view purl = json::string_field(identifiers, "purl");
    if (!purl.empty()) {
      return std::string(trim(purl));
    }
  }
  return std::string(trim(json::string_field(obj, "@id")));
}

// The ids of arr's items, at most kMaxItems; false when there were more.
bool add_ids(array arr, std::vector<std::string>& out) {
  for (element item : arr) {
    if (out.size() >= kMaxItems) {
      return false;
    }
    std::string id = component_id(item);
    if (!id.empty()) {
      out.push_back(std::move(id));
    }
  }
  return true;
}

// What a statement is about: the subcomponents of each product when it lists some (the product is then the
// image or application holding them), else the product itself; 0.0.x put subcomponents on the statement.
bool read_products(object st, std::vector<std::string>& out) {
  array statement_subs;
  if (!st["subcomponents"].get_array().get(statement_subs) && statement_subs.size() > 0) {
    return add_ids(statement_subs, out);
  }
  array products;
  if (st["products"].get_array().get(products)) {
    return true;
  }
  for (element product : products) {
    object obj;
    array subs;
    if (!product.get_object().get(obj) && !obj["subcomponents"].get_array().get(subs) && subs.size() > 0) {
      if (!add_ids(subs, out)) {
        return false;
      }
    } else if (out.size() >= kMaxItems) {
      return false;
    } else if (std::string id = component_id(product); !id.empty()) {
      out.push_back(std::move(id));
    }
  }
  return true;
}

// vulnerability is an object {name, @id, aliases} (0.2.0) or the id itself (0.0.x).
void read_vulnerability(object st, VexStatement& out) {
  std::string_view s;
  if (!st["vulnerability"].get_string().get(s)) {
    out.vulnerability = std::string(trim(s));
    return;
  }
  object vuln;
  if (st["vulnerability"].get_object().get(vuln)) {
    return;
  }
  out.vulnerability = std::string(trim(json::string_field(vuln, "name")));
  if (out.vulnerability.empty()) {
    out.vulnerability = std::string(trim(json::string_field(vuln, "@id")));
  }
  array aliases;
  if (!vuln["aliases"].get_array().get(aliases)) {
    for (element a : aliases) {
      if (out.aliases.size() < kMaxItems && !a.get_string().get(s) && !trim(s).empty()) {
        out.aliases.emplace_back(trim(s));
      }
    }
  }
}

class StatementReader {
 public:
  explicit StatementReader(std::vector<Diagnostic>& diagnostics) : diagnostics_(diagnostics) {}

  std::optional<VexStatement> read(element e, size_t index) {
    where_ = "statements[" + std::to_string(index) + "]";
    object st;
    if (e.get_object().get(st)) {
      return report("is a JSON " + std::string(json::type_name(e)) + ", expected an object");
    }
    VexStatement out;
    read_vulnerability(st, out);
    if (out.vulnerability.empty()) {
      return report("has no vulnerability name");
    }
    where_ += " (" + out.vulnerability.substr(0, 80) + ")";
    out.status = std::string(json::string_field(st, "status"));
    if (!one_of(kStatuses, out.status)) {
      return report("has status \"" + out.status.substr(0, 40) +
                    "\"; expected not_affected, affected, fixed or under_investigation");
    }
    out.justification = std::string(json::string_field(st, "justification"));
    out.impact = std::string(json::string_field(st, "impact_statement"));
    if (out.impact.empty()) {
      out.impact = std::string(json::string_field(st, "status_notes"));
    }
    if (!out.justification.empty() && !one_of(kJustifications, out.justification)) {
      warn("has an unknown justification \"" + out.justification.substr(0, 60) + "\"; it is kept as the reason");
    }
    if (out.status == "not_affected" && out.justification.empty() &&
        json::string_field(st, "impact_statement").empty()) {
      return report("is not_affected without a justification or impact_statement, which OpenVEX requires");
    }
    if (!read_products(st, out.products)) {
      return report("names more than " + std::to_string(kMaxItems) + " products");
    }
    if (std::none_of(out.products.begin(), out.products.end(),
                     [](const std::string& p) { return starts_with(to_lower(p.substr(0, 4)), "pkg:"); })) {
      return report("names no product with a package URL, so it cannot match a package");
    }
    return out;
  }

 private:
  void warn(const std::string& message) { diagnostics_.push_back({"", 0, where_ + " " + message}); }
  std::nullopt_t report(const std::string& message) {
    warn(message + " (statement ignored)");
    return std::nullopt;
  }

  std::vector<Diagnostic>& diagnostics_;
  std::string where_;
};

}  // namespace

Result<std::vector<VexStatement>> read_openvex(std::string_view bytes, std::vector<Diagnostic>& diagnostics) {
  simdjson::dom::parser parser;
  auto root = json::parse_object(parser, bytes, "OpenVEX document");
  if (!root) {
    return tl::unexpected(root.error());
  }
  const std::string_view context = json::string_field(*root, "@context");
  if (to_lower(context).find("openvex") == std::string::npos) {
    diagnostics.push_back({"", 0, "@context is not an OpenVEX one (https://openvex.dev/ns/...); read as OpenVEX"});
  }
  array statements;
  if ((*root)["statements"].get_array().get(statements)) {
    return fail("OpenVEX document has no statements list");
  }
  std::vector<VexStatement> out;
  StatementReader reader(diagnostics);
  size_t index = 0;
  for (element e : statements) {
    if (index >= kMaxStatements) {
      diagnostics.push_back(
          {"", 0, "more than " + std::to_string(kMaxStatements) + " statements; the rest are not read"});
      break;
    }
    if (auto st = reader.read(e, index++)) {
      out.push_back(std::move(*st));
    }
  }
  return out;
}

Result<Parsed> parse_openvex(std::string_view /*path*/, std::string_view bytes) {
  Parsed parsed;
  auto statements = read_openvex(bytes, parsed.warnings);
  if (!statements) {
    return tl::unexpected(statements.error());
  }
  return parsed;
}

Result<std::vector<VexStatement>> read_vex_auto(std::string_view bytes, std::vector<Diagnostic>& diagnostics) {
  simdjson::dom::parser parser;
  auto root = json::parse_object(parser, bytes, "VEX document");
  if (!root) {
    return tl::unexpected(root.error());
  }
  if (to_lower(json::string_field(*root, "@context")).find("openvex") != std::string::npos) {
    return read_openvex(bytes, diagnostics);
  }
  if (json::string_field(*root, "bomFormat") == "CycloneDX" || json::has_field(*root, "vulnerabilities")) {
    return read_cyclonedx_vex(bytes, diagnostics);
  }
  return fail("not a VEX document: no OpenVEX @context and no CycloneDX bomFormat or vulnerabilities list");
}

}  // namespace vigil::formats::policy
