// What the download-and-execute detector knows about commands: which ones download, which ones run code and
// where they take it from (stdin, an inline -c argument, a script file). Internal to shell_risks.cpp and
// download_tracking.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scan/config/shell_lexer.hpp"
#include "scan/config/shell_risks.hpp"

namespace vigil::scan::config {

enum class Lang { None, Shell, Python, Perl, Ruby, Node, Php, Pwsh, Iex, Source };

// Source is `source` and `.`; Iex is PowerShell's Invoke-Expression.
Lang interpreter_lang(std::string_view name);

// curl, wget, fetch, aria2c, Invoke-WebRequest/iwr, Invoke-RestMethod/irm.
bool is_downloader(std::string_view name);

// Where an interpreter invocation takes its code from: the pipeline (stdin), the word after -c/-e (code), or a
// script file word (script). Indexes are seg.size() when absent.
struct Invocation {
  bool reads_stdin = false;
  size_t code = static_cast<size_t>(-1);
  size_t script = static_cast<size_t>(-1);
};
Invocation invocation(const ShellSegment& seg, size_t command, Lang lang);

struct Fetch {
  std::string downloader;
  std::string source;  // URL as written, or ""
};

// The URL a download command names: its first word with "://", else its first $VARIABLE argument, else "".
std::string url_in(const ShellSegment& seg, size_t command);

// A $(...), <(...) or `...` in the word whose command downloads.
std::optional<Fetch> download_in_word(const ShellWord& word, int depth);

// A PowerShell download in the text given to Invoke-Expression: (iwr URL).Content, (New-Object
// Net.WebClient).DownloadString('URL'), irm URL.
std::optional<Fetch> powershell_download(std::string_view text);

// Download-to-file tracking for one command (download_tracking.cpp): records downloads, verifications, chmod
// and moves in state, and adds a FromFile run when a downloaded file that was not verified is run.
void track_downloads(const ShellCommand& cmd, int tag, DownloadState& state, std::vector<DownloadRun>& out);

}  // namespace vigil::scan::config
