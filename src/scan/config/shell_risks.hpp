// Risky shell patterns shared by every config check that reads shell: image history lines, Dockerfile RUN lines,
// CI scripts, workflow `run:` steps and shell scripts. Downloaded code that runs without verification (the
// Codecov pattern and its relatives) is found here; the checks only format what is found.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::scan::config {

// True when the command line pipes or substitutes a download straight into an interpreter, the Codecov
// pattern: `curl ... | sh`, `wget -O- ... | sudo bash`, `bash <(curl ...)`, `sh -c "$(curl ...)"`,
// `eval "$(wget -qO- ...)"`, `iex (iwr ...)`. Nothing can verify a checksum between the download and the run in
// these forms. Image history prefixes ("/bin/sh -c ", "RUN ") are looked through.
bool pipes_download_to_interpreter(std::string_view command);

// One place where a script runs code it downloaded.
struct DownloadRun {
  enum class Kind {
    Piped,        // curl ... | sh
    Substituted,  // bash <(curl ...), sh -c "$(curl ...)", iex (iwr ...)
    FromFile,     // curl -o x.sh URL, later sh x.sh (or chmod +x x; ./x) with no verification in between
  };
  Kind kind = Kind::Piped;
  size_t offset = 0;       // in the script text: the start of the word that runs the code
  std::string runner;      // "bash", "iex", "./kubectl", "source"
  std::string downloader;  // "curl", "wget", "gh release download"
  std::string source;      // the URL as written; "" when the command line shows none
  std::string file;        // FromFile: the downloaded file (base name)
  int download_tag = 0;    // FromFile: the tag of the script the download is in (see DownloadState)
  size_t download_offset = 0;
};

// Files downloaded so far by scripts that share a file system (items of one GitLab job, RUN lines of a
// Dockerfile), so a download in one script and its run in the next are seen together.
struct DownloadState {
  struct File {
    std::string name;  // base name (or a glob, for gh release download --pattern)
    std::string downloader;
    std::string source;
    int tag = 0;
    size_t offset = 0;
    bool executable = false;  // chmod +x / install seen
    bool verified = false;
    bool reported = false;
  };
  std::vector<File> files;
};

// Every place `script` runs downloaded code, in order. `tag` names the script in the DownloadRun of a later
// script that runs a file this one downloaded. Never throws on any input but std::bad_alloc; linear in the size
// of the script (nested substitutions are looked into a bounded number of levels).
std::vector<DownloadRun> find_download_runs(std::string_view script, int tag, DownloadState& state);

}  // namespace vigil::scan::config
