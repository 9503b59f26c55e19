// A small shell lexer for the download-and-execute detector: splits a script into commands, pipelines and words,
// respecting quotes, $( ) / <( ) / backquote substitutions, comments, "\\\n" continuations and heredocs. It is
// not a shell parser: it only needs to know which word runs which command, and where that word is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::scan::config {

struct ShellWord {
  std::string text;   // top-level quotes removed (what the shell would pass, before expansions)
  std::string raw;    // the source bytes of the word, exactly
  size_t offset = 0;  // of raw in the script (plus the base given to lex_shell)
};
using ShellSegment = std::vector<ShellWord>;  // one element of a pipeline

struct ShellCommand {
  std::vector<ShellSegment> pipeline;  // never empty; no segment is empty
};

// Commands in source order, split on newlines, ';', '&&', '||' and '&'. Heredoc bodies are skipped unless the
// command reading them is a shell (`bash <<EOF`, or a bare `<<EOF` as in a Dockerfile `RUN <<EOF`).
std::vector<ShellCommand> lex_shell(std::string_view script, size_t base = 0);

// The lower-case base name of a command word: "/usr/bin/curl" and "curl.exe" are "curl", ".\\x.ps1" is "x.ps1".
std::string command_name(std::string_view word);

// Index of the word a segment runs (after sudo/env/time/if/then... and VAR=value), or seg.size() when none.
size_t command_index(const ShellSegment& seg);

// sh, bash, dash, zsh, ...
bool is_shell(std::string_view name);

}  // namespace vigil::scan::config
