// Fuzz helpers for the layer cache: decode arbitrary records, and check that encoding loses nothing.
#include "scan/image/fuzz_entry.hpp"

#include <tuple>

#include "scan/image/layer_cache.hpp"

namespace vigil::scan::image_layers {
namespace {

auto package_fields(const model::Package& p) {
  return std::tie(p.name, p.version, p.ecosystem, p.location, p.scope, p.relation, p.source_name, p.source_version,
                  p.arch, p.license);
}

auto os_fields(const model::OsInfo& o) {
  return std::tie(o.family, o.version, o.name, o.location);
}

auto secret_fields(const model::SecretFinding& s) {
  return std::tie(s.rule, s.title, s.severity, s.path, s.line, s.column, s.redacted, s.fingerprint);
}

auto warning_fields(const Diagnostic& d) {
  return std::tie(d.file, d.line, d.message);
}

template <class T, class Fields>
bool same_list(const std::vector<T>& a, const std::vector<T>& b, Fields fields) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (fields(a[i]) != fields(b[i])) return false;
  }
  return true;
}

// Fields a layer scan must leave empty: the record format does not carry them, so a cache hit would lose them.
bool only_cacheable_fields(const LayerFindings& f) {
  for (const auto& p : f.packages) {
    if (!p.purl.empty() || p.layer) return false;
  }
  for (const auto& s : f.secrets) {
    if (!s.commit.empty() || !s.author_date.empty() || s.present_at_head || s.suppressed || s.layer ||
        s.deleted_in_layer != -1) {
      return false;
    }
  }
  return true;
}

bool same_findings(const LayerFindings& a, const LayerFindings& b) {
  return same_list(a.packages, b.packages, package_fields) && same_list(a.os, b.os, os_fields) &&
         same_list(a.secrets, b.secrets, secret_fields) && same_list(a.warnings, b.warnings, warning_fields) &&
         a.whiteouts == b.whiteouts && a.opaque_dirs == b.opaque_dirs && a.written == b.written &&
         a.written_non_dirs == b.written_non_dirs && a.files == b.files;
}

}  // namespace

void check_findings_round_trip(const LayerFindings& findings) {
  if (!only_cacheable_fields(findings)) __builtin_trap();
  const std::string record = encode_findings(findings);
  auto decoded = decode_findings(record);
  if (!decoded || !same_findings(findings, *decoded)) __builtin_trap();
  if (encode_findings(*decoded) != record) __builtin_trap();
}

Result<formats::Parsed> decode_findings_fuzz(std::string_view /*path*/, std::string_view bytes) {
  auto decoded = decode_findings(bytes);
  if (!decoded) return fail(decoded.error().message);
  check_findings_round_trip(*decoded);
  return formats::Parsed{};
}

}  // namespace vigil::scan::image_layers
