// Helpers shared by the tests: reading files from tests/data, temporary directories.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parsed.hpp"

namespace vigil::test {

// First package with that name (and version, when given), or nullptr.
inline const model::Package* find(const std::vector<model::Package>& packages, std::string_view name,
                                  std::string_view version = {}) {
  for (const auto& p : packages) {
    if (p.name == name && (version.empty() || p.version == version)) {
      return &p;
    }
  }
  return nullptr;
}

inline const model::Package* find(const formats::Parsed& parsed, std::string_view name, std::string_view version = {}) {
  return find(parsed.packages, name, version);
}

inline std::filesystem::path data_path(const std::string& rel) {
  return std::filesystem::path(VIGIL_TEST_DATA) / rel;
}

inline std::string read_data(const std::string& rel) {
  std::ifstream in(data_path(rel), std::ios::binary);
  if (!in) {
    throw std::runtime_error("missing test data: " + rel);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A fresh directory removed when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // Writes a file (creating parent directories) and returns its path.
  std::filesystem::path write(const std::string& rel, const std::string& content) const {
    const auto p = path_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace vigil::test
