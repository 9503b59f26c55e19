// `vigil version compare ECOSYSTEM A B` and `--batch`: the ordering Vigil uses when matching, exposed
// for people debugging a match and for checking the comparators against reference implementations.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "core/strings.hpp"
#include "scan/versions/compare.hpp"

namespace vigil::cli {
namespace {

struct VersionCompareOptions {
  std::string ecosystem;
  std::string a;
  std::string b;
  bool batch = false;
};

const char* symbol(int order) {
  return order < 0 ? "<" : order > 0 ? ">" : "=";
}

std::string ecosystem_names() {
  std::string names;
  for (const auto& row : versions::all_comparators()) {
    names += fmt::format("{}{}", names.empty() ? "" : ", ", row.osv_name);
  }
  return names;
}

int run_batch(versions::CompareFn compare) {
  std::string line;
  std::string out;
  int number = 0;
  while (std::getline(std::cin, line)) {
    ++number;
    const std::string_view text = trim(line);
    if (text.empty()) {
      continue;
    }
    const size_t space = text.find_first_of(" \t");
    const std::string_view a = text.substr(0, space);
    const std::string_view b = space == std::string_view::npos ? std::string_view{} : trim(text.substr(space + 1));
    if (b.empty() || b.find_first_of(" \t") != std::string_view::npos) {
      std::cout << out << std::flush;
      fmt::print(stderr, "error: stdin:{}: expected two versions separated by white space\n", number);
      return kExitError;
    }
    out += symbol(compare(a, b));
    out += '\n';
    if (out.size() > (1U << 16)) {
      std::cout << out;
      out.clear();
    }
  }
  std::cout << out << std::flush;
  return kExitOk;
}

int run_compare(const VersionCompareOptions& options) {
  const auto compare = versions::comparator_for(options.ecosystem);
  if (!compare) {
    fmt::print(stderr, "error: unknown ecosystem '{}'; known: {}\n", options.ecosystem, ecosystem_names());
    return kExitError;
  }
  if (options.batch) {
    return run_batch(*compare);
  }
  if (options.a.empty() || options.b.empty()) {
    fmt::print(stderr, "error: give two versions, or --batch to read pairs from stdin\n");
    return kExitError;
  }
  fmt::print("{}\n", symbol((*compare)(options.a, options.b)));
  return kExitOk;
}

}  // namespace

void define_version(CLI::App& app, int& exit_code) {
  CLI::App* version = app.add_subcommand("version", "version arithmetic as Vigil's matcher does it");
  version->require_subcommand(1);
  auto options = std::make_shared<VersionCompareOptions>();
  CLI::App* compare = version->add_subcommand("compare", "print <, = or > for two versions of an ecosystem");
  compare->footer(
      "ECOSYSTEM is an OSV ecosystem name, case-insensitive, with or without a release suffix\n"
      "(Debian:12, Alpine:v3.19): " +
      ecosystem_names() +
      ".\n\nExamples:\n"
      "  vigil version compare Debian 1:2.30-1 2.31-1            >  (the epoch wins)\n"
      "  vigil version compare PyPI 1.0.dev0 1.0a1               <\n"
      "  printf '1.2.3 1.2.3-rc.1\\n' | vigil version compare npm --batch\n");
  compare->add_option("ECOSYSTEM", options->ecosystem, "OSV ecosystem name")->required();
  compare->add_option("A", options->a, "first version");
  compare->add_option("B", options->b, "second version");
  compare->add_flag("--batch", options->batch, "read 'A B' pairs from stdin, print one result per line");
  compare->callback([options, &exit_code] { exit_code = run_compare(*options); });
}

}  // namespace vigil::cli
