// go.mod (+ go.sum for pre-1.17 modules).
#include "scan/analyzers/go_module.hpp"

#include <set>
#include <string>

#include "core/strings.hpp"
#include "formats/go.hpp"

namespace vigil::scan {
namespace {

constexpr uint64_t kMaxGoSum = 64ULL << 20;

// go.sum modules that go.mod does not require, as transitive packages found in go.sum.
void add_go_sum(const FileContent& file, formats::Parsed& parsed) {
  auto sum = file.read_sibling("go.sum", kMaxGoSum);
  if (!sum) {
    return;  // no go.sum: go.mod alone is all there is
  }
  const std::string_view dir = dir_name(file.info().path);
  const std::string location = dir.empty() ? "go.sum" : std::string(dir) + "/go.sum";
  auto from_sum = formats::parse_go_sum(location, *sum);
  if (!from_sum) {
    parsed.warnings.push_back({location, 0, from_sum.error().message});
    return;
  }
  std::set<std::string, std::less<>> required;
  for (const auto& pkg : parsed.packages) {
    required.insert(pkg.name);
  }
  for (auto& pkg : from_sum->packages) {
    if (!required.contains(pkg.name)) {
      pkg.location = location;
      parsed.packages.push_back(std::move(pkg));
    }
  }
  for (auto& w : from_sum->warnings) {
    w.file = location;
    parsed.warnings.push_back(std::move(w));
  }
}

}  // namespace

void analyze_go_module(FileContent& file, AnalyzerOutput& out) {
  auto bytes = file.bytes();
  if (!bytes) {
    out.warnings.push_back({std::string(file.info().path), 0, bytes.error().message});
    return;
  }
  auto parsed = formats::parse_go_mod(file.info().path, *bytes);
  if (parsed && formats::go_mod_lacks_indirect(*bytes)) {
    add_go_sum(file, *parsed);
  }
  add_parsed(std::move(parsed), file, out);
}

}  // namespace vigil::scan
