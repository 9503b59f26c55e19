// A list of purls, one a line (`vigil scan purl FILE|-`): '#' starts a comment line, blank lines are skipped,
// a line that is not a usable purl is a warning with its line number. Only a whole '#' line is a comment:
// '#' inside a purl starts its subpath.
#include <fmt/format.h>

#include <string>

#include "core/strings.hpp"
#include "formats/sbom_in.hpp"
#include "formats/sbom_in/common.hpp"
#include "model/purl.hpp"

namespace vigil::formats {

Result<Parsed> parse_purl_list(std::string_view /*path*/, std::string_view bytes) {
  if (starts_with(bytes, "\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);  // UTF-8 byte order mark from Windows editors
  }
  sbom_in::Collector out;
  size_t candidates = 0;
  size_t invalid = 0;
  int line_number = 0;
  std::string first_error;
  for (const auto raw : lines(bytes)) {
    ++line_number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (!out.take_entry()) {
      break;
    }
    ++candidates;
    if (const auto purl = model::parse_purl(line); !purl) {
      ++invalid;
      out.warn(line_number, fmt::format("not a valid purl: {}: '{}'", purl.error().message, sbom_in::clip(line)));
      if (first_error.empty()) {
        first_error = fmt::format("line {}: {}", line_number, purl.error().message);
      }
      continue;
    }
    out.add(line, {}, "purl", line_number);
  }
  // Nothing but invalid lines: not a purl list at all (a binary or an SBOM given to `scan purl` by mistake).
  if (candidates > 0 && invalid == candidates) {
    return fail("no valid purl in " + std::to_string(candidates) + " lines (first error: " + first_error + ")");
  }
  return out.finish();
}

}  // namespace vigil::formats
