// Token-level detection, not a shell parser: commands are split on pipes and separators, words are compared by
// their base name (/usr/bin/curl is curl), and wrappers (sudo, env, command, exec) are looked through.
#include "scan/config/shell_risks.hpp"

#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace vigil::scan::config {
namespace {

constexpr std::array<std::string_view, 6> kDownloaders{"curl", "wget", "fetch", "aria2c", "iwr", "invoke-webrequest"};
constexpr std::array<std::string_view, 14> kInterpreters{"sh",     "bash",    "zsh",  "dash", "ash",  "ksh", "fish",
                                                         "python", "python3", "perl", "ruby", "node", "php", "pwsh"};
constexpr std::array<std::string_view, 5> kWrappers{"sudo", "env", "command", "exec", "nohup"};

template <size_t N>
bool one_of(std::string_view word, const std::array<std::string_view, N>& set) {
  for (auto s : set) {
    if (word.size() == s.size()) {
      bool same = true;
      for (size_t i = 0; i < s.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(word[i])) == s[i];
      }
      if (same) return true;
    }
  }
  return false;
}

// Words of a segment, quotes and leading "(" / "$(" / "<(" / "`" stripped, each reduced to its base name.
std::vector<std::string_view> words(std::string_view segment) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < segment.size()) {
    while (i < segment.size() && (std::isspace(static_cast<unsigned char>(segment[i])) != 0)) ++i;
    const size_t start = i;
    while (i < segment.size() && (std::isspace(static_cast<unsigned char>(segment[i])) == 0)) ++i;
    std::string_view w = segment.substr(start, i - start);
    while (!w.empty() && (w.front() == '"' || w.front() == '\'' || w.front() == '(' || w.front() == '$' ||
                          w.front() == '<' || w.front() == '`')) {
      w.remove_prefix(1);
    }
    while (!w.empty() &&
           (w.back() == '"' || w.back() == '\'' || w.back() == ')' || w.back() == '`' || w.back() == ';')) {
      w.remove_suffix(1);
    }
    if (const size_t slash = w.rfind('/'); slash != std::string_view::npos && w.find("://") == std::string_view::npos) {
      w.remove_prefix(slash + 1);
    }
    if (!w.empty()) out.push_back(w);
  }
  return out;
}

// The command a segment runs: its first word after wrappers and VAR=value assignments.
std::string_view command_of(const std::vector<std::string_view>& ws) {
  for (auto w : ws) {
    if (one_of(w, kWrappers) || w.find('=') != std::string_view::npos || (!w.empty() && w.front() == '-')) continue;
    return w;
  }
  return {};
}

bool has_downloader(const std::vector<std::string_view>& ws) {
  for (auto w : ws) {
    if (one_of(w, kDownloaders)) return true;
  }
  return false;
}

// Splits on single '|' (pipes), keeping "||" inside a segment.
std::vector<std::string_view> pipeline(std::string_view command) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < command.size(); ++i) {
    if (command[i] != '|') continue;
    if (i + 1 < command.size() && command[i + 1] == '|') {
      ++i;
      continue;
    }
    out.push_back(command.substr(start, i - start));
    start = i + 1;
  }
  out.push_back(command.substr(start));
  return out;
}

}  // namespace

bool pipes_download_to_interpreter(std::string_view command) {
  // curl ... | sh: a downloader in one pipe segment and an interpreter running a later one.
  const auto segments = pipeline(command);
  bool downloaded = false;
  for (auto segment : segments) {
    const auto ws = words(segment);
    if (downloaded && one_of(command_of(ws), kInterpreters)) return true;
    downloaded = downloaded || has_downloader(ws);
  }
  // bash <(curl ...), sh -c "$(curl ...)", eval "$(wget ...)", source <(curl ...): a substitution that downloads,
  // given to an interpreter or eval/source.
  for (std::string_view open : {"<(", "$(", "`"}) {
    for (size_t at = command.find(open); at != std::string_view::npos; at = command.find(open, at + 1)) {
      const auto inside = words(command.substr(at + open.size(), 200));
      if (inside.empty() || !one_of(inside.front(), kDownloaders)) continue;
      const auto before = words(command.substr(0, at));
      for (auto w : before) {
        if (one_of(w, kInterpreters) || w == "eval" || w == "source" || w == ".") return true;
      }
    }
  }
  return false;
}

}  // namespace vigil::scan::config
