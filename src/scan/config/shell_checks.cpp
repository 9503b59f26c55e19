// download-and-execute: every script of every kind of document (workflow steps, GitLab job scripts, Dockerfile
// RUN lines, shell scripts) through shell_risks. Consecutive scripts with the same `where` share a file system
// (the items of one GitLab job, the RUN lines of a Dockerfile), so a download in one and its run in a later one
// are tracked together. One finding per source line: YAML anchors can put the same line in several jobs.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "scan/config/checks.hpp"
#include "scan/config/shell_risks.hpp"

namespace vigil::scan::config {
namespace {

constexpr size_t kMaxPart = 100;       // of a URL or a file name in a message; the whole message stays near 200
constexpr size_t kMaxFindings = 1000;  // per document: a generated script repeating one line is one problem

// Script::line_at counts newlines from the start each time; a script with many findings needs an index.
class Lines {
 public:
  int at(const formats::cicd::Script& script, size_t offset) {
    if (!script.lines_exact) return script.first_line;
    auto [it, fresh] = newlines_.try_emplace(&script);
    if (fresh) {
      for (size_t i = script.text.find('\n'); i != std::string::npos; i = script.text.find('\n', i + 1)) {
        it->second.push_back(i);
      }
    }
    const auto before = std::lower_bound(it->second.begin(), it->second.end(), offset) - it->second.begin();
    return script.first_line + static_cast<int>(before);
  }

 private:
  std::map<const formats::cicd::Script*, std::vector<size_t>> newlines_;
};

std::string shorten(std::string_view s) {
  if (s.size() <= kMaxPart) return std::string(s);
  return std::string(s.substr(0, kMaxPart - 3)) + "...";
}

std::string suffix(const std::string& where) {
  return where.empty() ? "" : fmt::format(" ({})", where);
}

std::string message(const DownloadRun& run, const Document& doc, const std::string& where, Lines& lines) {
  const std::string source = run.source.empty() ? "a download" : shorten(run.source);
  if (run.kind != DownloadRun::Kind::FromFile) {
    return fmt::format("{} runs {} straight from {}{}", shorten(run.runner), source, run.downloader, suffix(where));
  }
  int download_line = 0;
  if (run.download_tag >= 0 && static_cast<size_t>(run.download_tag) < doc.scripts.size()) {
    download_line = lines.at(*doc.scripts[static_cast<size_t>(run.download_tag)].script, run.download_offset);
  }
  const std::string from = fmt::format("{} fetched it from {} on line {}", run.downloader, source, download_line);
  if (run.runner == shorten(run.runner) && run.runner.find(run.file) != std::string::npos) {  // ./F runs F
    return fmt::format("{} runs, but {} with no checksum or signature check{}", shorten(run.runner), from,
                       suffix(where));
  }
  return fmt::format("{} runs {}, but {} with no checksum or signature check{}", shorten(run.runner), shorten(run.file),
                     from, suffix(where));
}

}  // namespace

void check_download_execute(const ConfigCheck& check, const Document& doc, Findings& out) {
  DownloadState state;
  const std::string* group = nullptr;
  std::set<int> reported;
  Lines lines;
  for (size_t i = 0; i < doc.scripts.size(); ++i) {
    const ScriptUse& use = doc.scripts[i];
    if (use.script == nullptr) continue;
    if (group == nullptr || *group != use.where) state = {};
    group = &use.where;
    for (const auto& run : find_download_runs(use.script->text, static_cast<int>(i), state)) {
      const int line = lines.at(*use.script, run.offset);
      if (!reported.insert(line).second) continue;
      out.add(check, line, message(run, doc, use.where, lines));
      if (reported.size() >= kMaxFindings) return;
    }
  }
}

}  // namespace vigil::scan::config
