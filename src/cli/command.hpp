// The subcommand extension point: each command adds itself to the CLI11 app from its own file;
// cli/main.cpp holds the one table of commands.
#pragma once

#include <CLI/CLI.hpp>
#include <string_view>

namespace vigil::cli {

// Documented exit codes (docs/cli.md): 0 success, 1 a --fail-on gate tripped, 2 error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

struct Command {
  std::string_view name;
  // Adds the subcommand to app; its callback stores the command's exit code in exit_code.
  void (*define)(CLI::App& app, int& exit_code);
};

void define_scan(CLI::App& app, int& exit_code);
void define_sbom(CLI::App& app, int& exit_code);
void define_version(CLI::App& app, int& exit_code);
void define_db(CLI::App& app, int& exit_code);
void define_rules(CLI::App& app, int& exit_code);      // rules_command.cpp: vigil rules check|list
void define_watch(CLI::App& app, int& exit_code);      // watch_command.cpp: vigil watch
void define_incidents(CLI::App& app, int& exit_code);  // incidents_command.cpp: vigil incidents

}  // namespace vigil::cli
