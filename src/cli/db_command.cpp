// `vigil db import|update|info`: build, refresh and describe the local vulnerability database.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/db_options.hpp"
#include "scan/vulndb/update.hpp"
#include "scan/vulndb/vulndb.hpp"

namespace vigil::cli {
namespace {

struct DbOptions {
  std::string db;
  std::vector<std::string> paths;
  std::string format = "table";
  std::string base_url = vulndb::kDefaultBaseUrl;
  std::vector<std::string> ecosystems;
  bool quiet = false;
};

void print_warnings(const std::vector<Diagnostic>& warnings, bool quiet) {
  constexpr size_t kShown = 10;
  for (size_t i = 0; !quiet && i < warnings.size() && i < kShown; ++i) {
    fmt::print(stderr, "warning: {}: {}\n", warnings[i].file, warnings[i].message);
  }
  if (!quiet && warnings.size() > kShown) {
    fmt::print(stderr, "warning: ... and {} more unreadable records\n", warnings.size() - kShown);
  }
}

vulndb::ProgressFn progress_for(bool quiet) {
  if (quiet || ::isatty(STDERR_FILENO) == 0) {
    return {};
  }
  return [](size_t done) { fmt::print(stderr, "\r\033[Kimporting: {} records", done); };
}

int run_import(const DbOptions& options) {
  const std::string path = resolve_db_path(options.db);
  auto builder = vulndb::Builder::begin(path);
  if (!builder) {
    fmt::print(stderr, "error: {}\n", builder.error().message);
    return kExitError;
  }
  vulndb::ImportStats stats;
  const auto progress = progress_for(options.quiet);
  for (const auto& input : options.paths) {
    const size_t before = stats.records + stats.unchanged;
    if (auto ok = builder->import_path(input, stats, progress); !ok) {
      fmt::print(stderr, "{}error: {} (the DB was not changed)\n", progress ? "\r\033[K" : "", ok.error().message);
      return kExitError;
    }
    if (stats.records + stats.unchanged == before) {
      fmt::print(stderr, "{}error: {}: no OSV records found (the DB was not changed)\n", progress ? "\r\033[K" : "",
                 input);
      return kExitError;
    }
    if (auto ok = builder->set_source({vulndb::ecosystem_of_input(input), input, "", "", "", ""}); !ok) {
      fmt::print(stderr, "error: {}\n", ok.error().message);
      return kExitError;
    }
  }
  if (auto ok = builder->commit(); !ok) {
    fmt::print(stderr, "error: {} (the DB was not changed)\n", ok.error().message);
    return kExitError;
  }
  if (progress) {
    fmt::print(stderr, "\r\033[K");
  }
  print_warnings(stats.warnings, options.quiet);
  fmt::print(stderr, "{}: {} records imported ({} withdrawn), {} already up to date, {} unreadable\n", path,
             stats.records, stats.withdrawn, stats.unchanged, stats.failed);
  return kExitOk;
}

int run_update(const DbOptions& options) {
  vulndb::UpdateOptions update;
  update.base_url = options.base_url;
  update.ecosystems = options.ecosystems;
  update.quiet = options.quiet;
  const std::string path = resolve_db_path(options.db);
  auto report = vulndb::update_db(path, update);
  if (!report) {
    fmt::print(stderr, "error: {} (the DB was not changed)\n", report.error().message);
    return kExitError;
  }
  for (const auto& line : report->lines) {
    fmt::print(stderr, "{}\n", line);
  }
  return kExitOk;
}

void print_info_table(const std::string& path, const vulndb::DbInfo& info) {
  fmt::print("DB:        {}\nSchema:    {}\nBuilt:     {}\n\n", path, info.schema_version, info.built_at);
  fmt::print("{:<16} {:>9} {:>10}  {}\n", "ECOSYSTEM", "RECORDS", "WITHDRAWN", "NEWEST MODIFIED");
  size_t total = 0;
  for (const auto& [eco, count] : info.ecosystems) {
    fmt::print("{:<16} {:>9} {:>10}  {}\n", eco, count.records, count.withdrawn, count.newest_modified);
    total += count.records;
  }
  fmt::print("{:<16} {:>9}\n\nSources:\n", "total", total);
  for (const auto& s : info.sources) {
    fmt::print("  {:<14} {}  (imported {}{})\n", s.ecosystem, s.origin, s.imported_at,
               s.etag.empty() ? "" : ", etag " + s.etag);
  }
}

int run_info(const DbOptions& options) {
  const std::string path = resolve_db_path(options.db);
  auto reader = vulndb::Reader::open(path);
  if (!reader) {
    fmt::print(stderr, "error: {}\n", reader.error().message);
    return kExitError;
  }
  auto info = reader->info();
  if (!info) {
    fmt::print(stderr, "error: {}: {}\n", path, info.error().message);
    return kExitError;
  }
  if (options.format == "table") {
    print_info_table(path, *info);
    return kExitOk;
  }
  nlohmann::ordered_json doc{{"path", path}, {"schema_version", info->schema_version}, {"built_at", info->built_at}};
  doc["ecosystems"] = nlohmann::ordered_json::object();
  for (const auto& [eco, count] : info->ecosystems) {
    doc["ecosystems"][eco] = {
        {"records", count.records}, {"withdrawn", count.withdrawn}, {"newest_modified", count.newest_modified}};
  }
  doc["sources"] = nlohmann::ordered_json::array();
  for (const auto& s : info->sources) {
    doc["sources"].push_back({{"ecosystem", s.ecosystem},
                              {"origin", s.origin},
                              {"imported_at", s.imported_at},
                              {"etag", s.etag},
                              {"last_modified", s.last_modified},
                              {"sha256", s.sha256}});
  }
  std::cout << doc.dump(2) << "\n";
  return kExitOk;
}

}  // namespace

void define_db(CLI::App& app, int& exit_code) {
  CLI::App* db = app.add_subcommand("db", "build and inspect the local vulnerability database (OSV data)");
  db->require_subcommand(1);
  db->footer("The DB is one SQLite file, by default " + vulndb::default_db_path() +
             "\n($VIGIL_DB or --db PATH choose another). Writers build a new file beside it and rename it\n"
             "into place: scans running meanwhile keep reading the old one, never a half-built one.\n");
  auto options = std::make_shared<DbOptions>();

  CLI::App* import = db->add_subcommand("import", "import OSV records: all.zip archives, directories, .json files");
  import->footer(
      "Examples:\n"
      "  vigil db import PyPI.zip Go.zip crates.io.zip      archives as osv.dev publishes them\n"
      "  vigil db import ./advisories/                      every *.json below a directory\n"
      "  vigil db import --db /tmp/test.db GHSA-xxxx.json   one record into another DB\n"
      "A record replaces one with the same id unless the DB's copy was modified later.\n");
  add_db_option(*import, options->db);
  import->add_option("PATH", options->paths, "archive, directory or record")->required();
  import->add_flag("-q,--quiet", options->quiet, "no progress and no warnings on stderr");
  import->callback([options, &exit_code] { exit_code = run_import(*options); });

  CLI::App* update = db->add_subcommand("update", "download fresh OSV archives and rebuild what changed");
  update->footer(
      "Downloads <base-url>/<ECOSYSTEM>/all.zip for each ecosystem, asking the server whether it changed\n"
      "since the last download (ETag / If-Modified-Since), with retries and checksum checks.\n"
      "Examples:\n"
      "  vigil db update                                   the ecosystems already in the DB (or the defaults)\n"
      "  vigil db update --ecosystem PyPI --ecosystem npm\n"
      "  vigil db update --base-url https://mirror.internal/osv\n");
  add_db_option(*update, options->db);
  update->add_option("--base-url", options->base_url, "where the <ECOSYSTEM>/all.zip archives are")
      ->capture_default_str();
  update->add_option("--ecosystem", options->ecosystems, "OSV ecosystem to fetch (repeatable)");
  update->add_flag("-q,--quiet", options->quiet, "no progress on stderr");
  update->callback([options, &exit_code] { exit_code = run_update(*options); });

  CLI::App* info = db->add_subcommand("info", "records per ecosystem, newest modified date, where they came from");
  add_db_option(*info, options->db);
  info->add_option("-f,--format", options->format, "table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  info->callback([options, &exit_code] { exit_code = run_info(*options); });
}

}  // namespace vigil::cli
