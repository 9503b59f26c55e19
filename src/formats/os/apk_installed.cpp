// apk database: lib/apk/db/installed of Alpine (and Wolfi/Chainguard) images.
// One "K:value" line per field, packages separated by blank lines; only P V A o L matter for an inventory.
#include <set>
#include <string>
#include <utility>

#include "core/strings.hpp"
#include "formats/os.hpp"
#include "formats/os/osdb.hpp"

namespace vigil::formats {
namespace {

struct Entry {
  int line = 0;  // first line of the entry, 1-based
  std::string name;
  std::string version;
  std::string arch;
  std::string origin;
  std::string license;
};

class InstalledReader {
 public:
  explicit InstalledReader(Parsed& out) : out_(out), warnings_(out.warnings) {}

  void read(std::string_view bytes) {
    int number = 0;
    for (const auto line : lines(bytes)) {
      ++number;
      read_line(line, number);
    }
    finish();
  }

 private:
  void read_line(std::string_view line, int number) {
    if (trim(line).empty()) {
      finish();
      return;
    }
    if (!in_entry_) {
      current_ = Entry{};
      current_.line = number;
      in_entry_ = true;
    }
    if (line.size() < 2 || line[1] != ':') {
      warnings_.add(number, "expected 'K:value'");
      return;
    }
    const std::string_view value = line.substr(2);
    switch (line[0]) {
      case 'P': current_.name = std::string(value); break;
      case 'V': current_.version = std::string(value); break;
      case 'A': current_.arch = std::string(value); break;
      case 'o': current_.origin = std::string(value); break;
      case 'L': current_.license = std::string(value); break;
      default: break;  // checksums, files, dependencies...: not part of the inventory
    }
  }

  void finish() {
    if (!in_entry_) {
      return;
    }
    in_entry_ = false;
    Entry& e = current_;
    if (!osdb::is_token(e.name)) {
      warnings_.add(e.line, e.name.empty() ? "entry without a P: (package name) line; skipped"
                                           : "invalid package name '" + e.name + "'; skipped");
      return;
    }
    if (!osdb::is_token(e.version)) {
      warnings_.add(e.line, "package '" + e.name + "' has " +
                                (e.version.empty() ? "no V: (version) line" : "an invalid version") + "; skipped");
      return;
    }
    if (!seen_.insert(e.name).second) {
      warnings_.add(e.line, "duplicate package '" + e.name + "'; later entry skipped");
      return;
    }
    model::Package pkg;
    pkg.ecosystem = model::Ecosystem::Alpine;
    pkg.source_name = e.origin.empty() ? e.name : std::move(e.origin);
    pkg.name = std::move(e.name);
    pkg.version = std::move(e.version);
    pkg.source_version = pkg.version;  // an origin's subpackages all share its version
    pkg.arch = std::move(e.arch);
    pkg.license = std::move(e.license);
    out_.packages.push_back(std::move(pkg));
  }

  Parsed& out_;
  osdb::Warnings warnings_;
  Entry current_;
  bool in_entry_ = false;
  std::set<std::string> seen_;
};

}  // namespace

Result<Parsed> parse_apk_installed(std::string_view /*path*/, std::string_view bytes) {
  const size_t nul = bytes.find('\0');
  if (nul != std::string_view::npos) {
    return fail("binary data (NUL byte at offset " + std::to_string(nul) + "): not an apk installed database");
  }
  Parsed parsed;
  InstalledReader(parsed).read(bytes);
  return parsed;
}

}  // namespace vigil::formats
