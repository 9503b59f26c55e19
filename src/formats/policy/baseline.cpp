// A secrets baseline is a previous Vigil JSON report: the fingerprints of its `secrets` are accepted findings.
#include <simdjson.h>

#include "formats/json_read.hpp"
#include "formats/policy.hpp"

namespace vigil::formats::policy {

Result<std::vector<std::string>> read_secret_baseline(std::string_view bytes) {
  simdjson::dom::parser parser;
  auto root = json::parse_object(parser, bytes, "baseline");
  if (!root) {
    return tl::unexpected(root.error());
  }
  simdjson::dom::array secrets;
  if ((*root)["secrets"].get_array().get(secrets)) {
    return fail("not a Vigil JSON report with a \"secrets\" list (write one with `vigil scan fs . -f json`)");
  }
  std::vector<std::string> out;
  for (simdjson::dom::element item : secrets) {
    simdjson::dom::object obj;
    if (!item.get_object().get(obj)) {
      const std::string_view fp = json::string_field(obj, "fingerprint");
      if (!fp.empty()) {
        out.emplace_back(fp);
      }
    }
  }
  return out;
}

Result<Parsed> parse_secret_baseline(std::string_view /*path*/, std::string_view bytes) {
  auto read = read_secret_baseline(bytes);
  if (!read) {
    return tl::unexpected(read.error());
  }
  return Parsed{};
}

}  // namespace vigil::formats::policy
