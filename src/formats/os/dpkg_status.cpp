// dpkg database: var/lib/dpkg/status and the one-file-per-package var/lib/dpkg/status.d/ of distroless images.
// Lists what `dpkg-query -W` lists: every package whose Status is not "... not-installed" (so half-installed,
// unpacked and config-files packages are kept, as dpkg-query does); status.d files carry no Status and are installed.
#include <set>
#include <string>
#include <utility>

#include "core/strings.hpp"
#include "formats/os.hpp"
#include "formats/os/osdb.hpp"

namespace vigil::formats {
namespace {

// The fields of one paragraph that matter for an inventory.
struct Stanza {
  int line = 0;  // first line of the paragraph, 1-based
  std::string package;
  std::string version;
  std::string arch;
  std::string source;
  std::string status;
  bool has_package = false;
  bool has_version = false;
  bool has_status = false;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

void set_field(Stanza& st, std::string_view key, std::string_view value) {
  if (iequals(key, "Package")) {
    st.package = std::string(value);
    st.has_package = true;
  } else if (iequals(key, "Version")) {
    st.version = std::string(value);
    st.has_version = true;
  } else if (iequals(key, "Architecture")) {
    st.arch = std::string(value);
  } else if (iequals(key, "Source")) {
    st.source = std::string(value);
  } else if (iequals(key, "Status")) {
    st.status = std::string(value);
    st.has_status = true;
  }
}

// "install ok installed" -> true; "purge ok not-installed" -> false (what dpkg-query -W leaves out).
bool status_listed(const Stanza& st, bool in_status_d, osdb::Warnings& warnings) {
  if (!st.has_status) {
    if (!in_status_d) {
      warnings.add(st.line, "package '" + st.package + "' has no Status field; skipped, as dpkg does");
    }
    return in_status_d;
  }
  std::vector<std::string_view> words;
  for (const auto w : split(st.status, ' ')) {
    if (!trim(w).empty()) {
      words.push_back(trim(w));
    }
  }
  if (words.size() != 3) {
    warnings.add(st.line, "package '" + st.package + "' has a malformed Status '" + st.status + "'; skipped");
    return false;
  }
  return words[2] != "not-installed";
}

// Source: "name" or "name (version)"; absent means the binary package is its own source.
void fill_source(const Stanza& st, model::Package& pkg) {
  const std::string_view source = trim(st.source);
  pkg.source_name = pkg.name;
  pkg.source_version = pkg.version;
  if (source.empty()) {
    return;
  }
  const size_t open = source.find('(');
  pkg.source_name = std::string(trim(source.substr(0, open)));
  if (open != std::string_view::npos) {
    const size_t close = source.find(')', open);
    const std::string_view ver =
        trim(source.substr(open + 1, close == std::string_view::npos ? close : close - open - 1));
    if (!ver.empty()) {
      pkg.source_version = std::string(ver);
    }
  }
  if (pkg.source_name.empty()) {
    pkg.source_name = pkg.name;
  }
}

class StatusReader {
 public:
  StatusReader(bool in_status_d, Parsed& out) : in_status_d_(in_status_d), out_(out), warnings_(out.warnings) {}

  void read(std::string_view bytes) {
    int number = 0;
    for (const auto raw : lines(bytes)) {
      ++number;
      read_line(raw, number);
    }
    finish();
  }

 private:
  void read_line(std::string_view line, int number) {
    if (trim(line).empty()) {
      finish();
      return;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (!in_paragraph_) {
        warnings_.add(number, "continuation line outside a field");
      }
      return;  // continuation of a multi-line field (Description, Conffiles...): not needed
    }
    if (!in_paragraph_) {
      current_ = Stanza{};
      current_.line = number;
      in_paragraph_ = true;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      warnings_.add(number, "expected 'Field: value'");
      return;
    }
    set_field(current_, trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }

  void finish() {
    if (!in_paragraph_) {
      return;
    }
    in_paragraph_ = false;
    const Stanza& st = current_;
    if (!st.has_package || !osdb::is_token(st.package)) {
      warnings_.add(st.line, st.has_package ? "invalid Package name; paragraph skipped"
                                            : "paragraph without a Package field; skipped");
      return;
    }
    if (!status_listed(st, in_status_d_, warnings_)) {
      return;
    }
    if (!st.has_version || !osdb::is_token(st.version)) {
      warnings_.add(st.line, "package '" + st.package + "' has " +
                                 (st.has_version ? "an invalid Version" : "no Version field") + "; skipped");
      return;
    }
    if (!seen_.insert({st.package, st.arch}).second) {
      warnings_.add(st.line, "duplicate package '" + st.package + "' (" + st.arch + "); later entry skipped");
      return;
    }
    model::Package pkg;
    pkg.name = st.package;
    pkg.version = st.version;
    pkg.ecosystem = model::Ecosystem::Debian;
    pkg.arch = st.arch;
    fill_source(st, pkg);
    out_.packages.push_back(std::move(pkg));
  }

  bool in_status_d_;
  Parsed& out_;
  osdb::Warnings warnings_;
  Stanza current_;
  bool in_paragraph_ = false;
  std::set<std::pair<std::string, std::string>> seen_;
};

}  // namespace

Result<Parsed> parse_dpkg_status(std::string_view path, std::string_view bytes) {
  // status.d also holds "<pkg>.md5sums" lists in newer distroless images: not paragraphs, nothing to read.
  const bool in_status_d = base_name(dir_name(path)) == "status.d";
  if (in_status_d && ends_with(path, ".md5sums")) {
    return Parsed{};
  }
  const size_t nul = bytes.find('\0');
  if (nul != std::string_view::npos) {
    return fail("binary data (NUL byte at offset " + std::to_string(nul) + "): not a dpkg status file");
  }
  Parsed parsed;
  StatusReader(in_status_d, parsed).read(bytes);
  return parsed;
}

}  // namespace vigil::formats
