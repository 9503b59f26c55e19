// The --db option every command that reads or writes the vulnerability DB takes.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "scan/vulndb/vulndb.hpp"

namespace vigil::cli {

inline void add_db_option(CLI::App& command, std::string& db) {
  command.add_option("--db", db, "vulnerability DB file (default: $VIGIL_DB or " + vulndb::default_db_path() + ")");
}

inline std::string resolve_db_path(const std::string& option) {
  return option.empty() ? vulndb::default_db_path() : option;
}

}  // namespace vigil::cli
