// Interpreter command lines: a shell reads its script from stdin unless given -c code or a script file, so
// `curl ... | python3 -c "import json..."` (stdin is data) stays silent while `curl ... | sh -s -- -y` does not.
#include "scan/config/shell_interpreters.hpp"

#include <cctype>

namespace vigil::scan::config {
namespace {

constexpr int kMaxDepth = 4;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

// The command word inside one substitution's text that downloads, looking into nested substitutions.
std::optional<Fetch> download_in_text(std::string_view text, int depth) {
  for (const auto& cmd : lex_shell(text)) {
    for (const auto& seg : cmd.pipeline) {
      const size_t ci = command_index(seg);
      if (ci == seg.size()) continue;
      const std::string name = command_name(seg[ci].text);
      if (is_downloader(name)) return Fetch{name, url_in(seg, ci)};
      for (const auto& w : seg) {
        if (auto f = download_in_word(w, depth + 1)) return f;
      }
    }
  }
  return std::nullopt;
}

// Skips the option arguments an interpreter takes (-o pipefail, -W ignore, -r module) and reports -c/-e code.
bool inline_code_flag(Lang lang, std::string_view letters) {
  switch (lang) {
    case Lang::Shell:
    case Lang::Python: return letters.find('c') != std::string_view::npos;
    case Lang::Perl:
    case Lang::Ruby: return letters.find_first_of("eE") != std::string_view::npos;
    case Lang::Node: return letters.find_first_of("ep") != std::string_view::npos;
    case Lang::Php: return letters.find('r') != std::string_view::npos;
    default: return false;
  }
}

bool option_takes_value(Lang lang, std::string_view letters) {
  return (lang == Lang::Shell && letters == "o") || (lang == Lang::Python && (letters == "W" || letters == "X")) ||
         (lang == Lang::Node && letters == "r");
}

bool is_redirection_word(std::string_view w) {
  return w == ">" || w == ">>" || w == "<" || w == "2>" || w == "2>>" || w == "&>";
}

// PowerShell's own switches: -Command/-c code, -File/-f script, -ExecutionPolicy Bypass.
bool pwsh_option(const ShellSegment& seg, size_t& k, Invocation& inv) {
  const std::string lw = lower(seg[k].text);
  if (lw == "-c" || lw == "-command") {
    if (k + 1 < seg.size() && seg[k + 1].text == "-") {
      inv.reads_stdin = true;
    } else {
      inv.code = k + 1;
    }
    return true;
  }
  if (lw == "-f" || lw == "-file") {
    inv.script = k + 1;
    return true;
  }
  if (lw == "-executionpolicy" || lw == "-ep" || lw == "-ex") ++k;
  return false;
}

}  // namespace

Lang interpreter_lang(std::string_view name) {
  if (is_shell(name)) return Lang::Shell;
  if (name.starts_with("python") || name == "pypy3") return Lang::Python;
  if (name == "perl") return Lang::Perl;
  if (name == "ruby") return Lang::Ruby;
  if (name == "node" || name == "nodejs") return Lang::Node;
  if (name == "php") return Lang::Php;
  if (name == "pwsh" || name == "powershell") return Lang::Pwsh;
  if (name == "iex" || name == "invoke-expression") return Lang::Iex;
  if (name == "source" || name == ".") return Lang::Source;
  return Lang::None;
}

bool is_downloader(std::string_view name) {
  for (std::string_view d :
       {"curl", "wget", "fetch", "aria2c", "iwr", "invoke-webrequest", "irm", "invoke-restmethod"}) {
    if (name == d) return true;
  }
  return false;
}

Invocation invocation(const ShellSegment& seg, size_t command, Lang lang) {
  Invocation inv;
  if (lang == Lang::Iex) {
    inv.reads_stdin = command + 1 >= seg.size();
    return inv;
  }
  for (size_t k = command + 1; k < seg.size(); ++k) {
    const std::string& w = seg[k].text;
    if (is_redirection_word(w)) {
      ++k;
      continue;
    }
    if (w == "-" || w == "/dev/stdin") {
      inv.reads_stdin = lang != Lang::Source || w == "/dev/stdin";
      return inv;
    }
    if (lang == Lang::Source) {
      inv.script = k;
      return inv;
    }
    if (w == "--") {
      if (k + 1 < seg.size()) {
        inv.script = k + 1;
      } else {
        inv.reads_stdin = true;
      }
      return inv;
    }
    if (w.size() < 2 || w.front() != '-') {
      inv.script = k;
      return inv;
    }
    if (lang == Lang::Pwsh) {
      if (pwsh_option(seg, k, inv)) return inv;
      continue;
    }
    const std::string_view letters = std::string_view(w).substr(1);
    if (letters.front() == '-') {
      if (letters == "-eval" || letters == "-command") {
        inv.code = k + 1;
        return inv;
      }
      continue;
    }
    if (inline_code_flag(lang, letters)) {
      inv.code = k + 1;
      return inv;
    }
    if (lang == Lang::Shell && letters.find('s') != std::string_view::npos) {
      inv.reads_stdin = true;  // sh -s -- args: the script comes from stdin
      return inv;
    }
    if (lang == Lang::Python && letters.find('m') != std::string_view::npos) return inv;  // a module
    if (option_takes_value(lang, letters)) ++k;
  }
  inv.reads_stdin = lang != Lang::Source;
  return inv;
}

std::string url_in(const ShellSegment& seg, size_t command) {
  for (size_t k = command + 1; k < seg.size(); ++k) {
    if (seg[k].text.find("://") != std::string::npos) return seg[k].text;
  }
  for (size_t k = command + 1; k < seg.size(); ++k) {
    if (!seg[k].text.empty() && seg[k].text.front() == '$') return seg[k].text;
  }
  return "";
}

std::optional<Fetch> download_in_word(const ShellWord& word, int depth) {
  if (depth >= kMaxDepth) return std::nullopt;
  const std::string_view raw = word.raw;
  for (size_t i = 0; i + 1 < raw.size(); ++i) {
    const bool paren = (raw[i] == '$' || raw[i] == '<') && raw[i + 1] == '(';
    if (!paren && raw[i] != '`') continue;
    // The matching close, counting parentheses (quotes inside are rare enough to ignore here).
    const size_t start = i + (paren ? 2 : 1);
    size_t end = start;
    for (int open = 1; end < raw.size(); ++end) {
      if (!paren) {
        if (raw[end] == '`') break;
        continue;
      }
      if (raw[end] == '(') ++open;
      if (raw[end] == ')' && --open == 0) break;
    }
    if (auto f = download_in_text(raw.substr(start, end - start), depth)) return f;
    i = end;
  }
  return std::nullopt;
}

std::optional<Fetch> powershell_download(std::string_view text) {
  const std::string lw = lower(text);
  for (std::string_view token : {"invoke-webrequest", "invoke-restmethod", "downloadstring", "iwr", "irm", "curl",
                                 "wget", "start-bitstransfer"}) {
    for (size_t at = lw.find(token); at != std::string::npos; at = lw.find(token, at + 1)) {
      const bool starts = at == 0 || !is_word_char(lw[at - 1]);
      const bool ends = at + token.size() >= lw.size() || !is_word_char(lw[at + token.size()]);
      if (!starts || !ends) continue;
      std::string source;
      if (const size_t url = lw.find("://"); url != std::string::npos) {
        size_t from = url;
        while (from > 0 && std::isalpha(static_cast<unsigned char>(text[from - 1])) != 0) --from;
        size_t to = url;
        while (to < text.size() && std::string_view(" \t'\"()`;").find(text[to]) == std::string_view::npos) ++to;
        source = std::string(text.substr(from, to - from));
      }
      return Fetch{std::string(token == "downloadstring" ? "WebClient.DownloadString" : token), source};
    }
  }
  return std::nullopt;
}

}  // namespace vigil::scan::config
