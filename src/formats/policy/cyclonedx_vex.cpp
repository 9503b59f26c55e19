// CycloneDX VEX (spec 1.4-1.6 JSON): vulnerabilities[] with an analysis become VexStatements. affects[].ref is
// resolved through the document's components to a purl; a ref to the BOM's own subject covers every package.
#include <simdjson.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/strings.hpp"
#include "formats/json_read.hpp"
#include "formats/policy.hpp"

namespace vigil::formats::policy {
namespace {

using json::array;
using json::element;
using json::object;

constexpr size_t kMaxVulnerabilities = 100000;
constexpr size_t kMaxItems = 10000;         // affects or references of one vulnerability
constexpr size_t kMaxComponents = 1000000;  // components read for bom-ref resolution
constexpr int kMaxComponentDepth = 32;      // nested components
constexpr std::string_view kEveryPackage = "*";

// bom-ref -> purl ("" when the component has none; kEveryPackage for the BOM's subject).
using RefMap = std::unordered_map<std::string, std::string>;

void add_components(array components, int depth, RefMap& refs) {
  if (depth > kMaxComponentDepth) {
    return;
  }
  for (element e : components) {
    object c;
    if (refs.size() >= kMaxComponents || e.get_object().get(c)) {
      continue;
    }
    const std::string_view ref = json::string_field(c, "bom-ref");
    if (!ref.empty()) {
      refs.emplace(std::string(ref), std::string(trim(json::string_field(c, "purl"))));
    }
    array nested;
    if (!c["components"].get_array().get(nested)) {
      add_components(nested, depth + 1, refs);
    }
  }
}

RefMap read_refs(object root) {
  RefMap refs;
  object subject;
  if (!root["metadata"]["component"].get_object().get(subject)) {
    const std::string_view ref = json::string_field(subject, "bom-ref");
    if (!ref.empty()) {
      refs.emplace(std::string(ref), std::string(kEveryPackage));
    }
  }
  array components;
  if (!root["components"].get_array().get(components)) {
    add_components(components, 0, refs);
  }
  return refs;
}

int hex_value(char c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

// A BOM-Link "urn:cdx:<serial>/<version>#<percent-encoded bom-ref>" points at the bom-ref after '#'.
std::string strip_bom_link(std::string_view ref) {
  if (!starts_with(ref, "urn:cdx:") || ref.find('#') == std::string_view::npos) {
    return std::string(ref);
  }
  const std::string_view frag = ref.substr(ref.find('#') + 1);
  std::string out;
  for (size_t i = 0; i < frag.size(); ++i) {
    if (frag[i] == '%' && i + 2 < frag.size() && hex_value(frag[i + 1]) >= 0 && hex_value(frag[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(frag[i + 1]) * 16 + hex_value(frag[i + 2]));
      i += 2;
    } else {
      out += frag[i];
    }
  }
  return out;
}

// CycloneDX analysis.state -> VEX status; nullopt for a state the spec does not define.
std::optional<std::string> map_state(std::string_view state) {
  static constexpr std::pair<std::string_view, std::string_view> kStates[] = {
      {"not_affected", "not_affected"},    {"false_positive", "not_affected"}, {"resolved", "fixed"},
      {"resolved_with_pedigree", "fixed"}, {"exploitable", "affected"},        {"in_triage", "under_investigation"},
  };
  for (const auto& [from, to] : kStates) {
    if (state == from) {
      return std::string(to);
    }
  }
  return std::nullopt;
}

class VulnerabilityReader {
 public:
  VulnerabilityReader(const RefMap& refs, std::vector<Diagnostic>& diagnostics)
      : refs_(refs), diagnostics_(diagnostics) {}

  std::optional<VexStatement> read(element e, size_t index) {
    where_ = "vulnerabilities[" + std::to_string(index) + "]";
    object v;
    if (e.get_object().get(v)) {
      return report("is a JSON " + std::string(json::type_name(e)) + ", expected an object");
    }
    VexStatement out;
    out.vulnerability = std::string(trim(json::string_field(v, "id")));
    if (out.vulnerability.empty()) {
      return report("has no id");
    }
    where_ += " (" + out.vulnerability.substr(0, 80) + ")";
    object analysis;
    if (v["analysis"].get_object().get(analysis)) {
      return std::nullopt;  // a finding without an analysis (VDR style) states nothing
    }
    const std::string_view state = json::string_field(analysis, "state");
    auto status = map_state(state);
    if (!status) {
      return report("has analysis.state \"" + std::string(state.substr(0, 40)) + "\"; expected not_affected, " +
                    "false_positive, resolved, resolved_with_pedigree, exploitable or in_triage");
    }
    out.status = std::move(*status);
    out.justification = std::string(json::string_field(analysis, "justification"));
    out.impact = std::string(json::string_field(analysis, "detail"));
    read_aliases(v, out);
    read_affects(v, out);
    if (out.products.empty()) {
      return report("has no affects ref that names a package (a purl, or the bom-ref of a component with one)");
    }
    return out;
  }

 private:
  void read_aliases(object v, VexStatement& out) {
    array refs;
    if (v["references"].get_array().get(refs)) {
      return;
    }
    for (element r : refs) {
      object obj;
      if (out.aliases.size() < kMaxItems && !r.get_object().get(obj)) {
        const std::string_view id = trim(json::string_field(obj, "id"));
        if (!id.empty() && id != out.vulnerability) {
          out.aliases.emplace_back(id);
        }
      }
    }
  }

  void read_affects(object v, VexStatement& out) {
    array affects;
    if (v["affects"].get_array().get(affects)) {
      return;
    }
    for (element a : affects) {
      object obj;
      if (out.products.size() >= kMaxItems || a.get_object().get(obj)) {
        continue;
      }
      const std::string ref = strip_bom_link(trim(json::string_field(obj, "ref")));
      if (ref.empty()) {
        continue;
      }
      const auto it = refs_.find(ref);
      if (it != refs_.end() && !it->second.empty()) {
        out.products.push_back(it->second);
      } else if (starts_with(to_lower(std::string_view(ref).substr(0, 4)), "pkg:")) {
        out.products.push_back(ref);
      } else {
        diagnostics_.push_back({"", 0,
                                where_ + " affects ref \"" + ref.substr(0, 80) +
                                    "\" is neither a purl nor the bom-ref of a component with one; skipped"});
      }
    }
  }

  std::nullopt_t report(const std::string& message) {
    diagnostics_.push_back({"", 0, where_ + " " + message + " (statement ignored)"});
    return std::nullopt;
  }

  const RefMap& refs_;
  std::vector<Diagnostic>& diagnostics_;
  std::string where_;
};

}  // namespace

Result<std::vector<VexStatement>> read_cyclonedx_vex(std::string_view bytes, std::vector<Diagnostic>& diagnostics) {
  simdjson::dom::parser parser;
  auto root = json::parse_object(parser, bytes, "CycloneDX VEX document");
  if (!root) {
    return tl::unexpected(root.error());
  }
  const std::string_view format = json::string_field(*root, "bomFormat");
  if (format != "CycloneDX") {
    diagnostics.push_back(
        {"", 0,
         "bomFormat is \"" + std::string(format.substr(0, 40)) + "\", expected \"CycloneDX\"; read as CycloneDX"});
  }
  array vulnerabilities;
  if ((*root)["vulnerabilities"].get_array().get(vulnerabilities)) {
    return fail("CycloneDX document has no vulnerabilities list, so it states nothing about any vulnerability");
  }
  const RefMap refs = read_refs(*root);
  VulnerabilityReader reader(refs, diagnostics);
  std::vector<VexStatement> out;
  size_t index = 0;
  for (element e : vulnerabilities) {
    if (index >= kMaxVulnerabilities) {
      diagnostics.push_back(
          {"", 0, "more than " + std::to_string(kMaxVulnerabilities) + " vulnerabilities; the rest are not read"});
      break;
    }
    if (auto st = reader.read(e, index++)) {
      out.push_back(std::move(*st));
    }
  }
  return out;
}

Result<Parsed> parse_cyclonedx_vex(std::string_view /*path*/, std::string_view bytes) {
  Parsed parsed;
  auto statements = read_cyclonedx_vex(bytes, parsed.warnings);
  if (!statements) {
    return tl::unexpected(statements.error());
  }
  return parsed;
}

}  // namespace vigil::formats::policy
