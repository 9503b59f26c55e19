// Dockerfile / Containerfile reader with BuildKit's syntax rules: parser directives, escape-char continuations
// (comment and empty lines inside one are skipped), --flags, JSON exec form and heredocs. Each instruction keeps
// its text as written so checks can point at the exact source line of what they report.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "core/strings.hpp"
#include "formats/cicd.hpp"

namespace vigil::formats::cicd {
namespace {

constexpr size_t kMaxLines = 1'000'000;
constexpr size_t kMaxInstructionBytes = 1U << 20;  // generated Dockerfiles stay far below; more is hostile
constexpr size_t kMaxHeredocs = 16;                // per instruction

constexpr std::array kKnownKeywords{"ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
                                    "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
                                    "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR"};
// Instructions whose arguments may be a JSON array (Docker parses the others as plain text).
constexpr std::array kExecKeywords{"ADD", "CMD", "COPY", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"};

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return is_space(c) || c == '\r'; });
}

// BuildKit: a line whose first non-blank character is '#' is a comment, also inside a continuation.
bool is_comment(std::string_view line) {
  const size_t at = line.find_first_not_of(" \t");
  return at != std::string_view::npos && line[at] == '#';
}

// Strips a trailing escape character (blanks may follow it) and says whether there was one.
bool strip_continuation(std::string_view& line, char escape) {
  std::string_view s = line;
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (s.empty() || s.back() != escape) return false;
  s.remove_suffix(1);
  line = s;
  return true;
}

bool contains(const auto& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Parser directives (`# escape=\``, `# syntax=...`, `# check=...`) are only read before anything else; the first
// line that is not one (a comment, an empty line, an instruction, an unknown directive) ends them.
size_t read_directives(const std::vector<std::string_view>& lines, char& escape, std::vector<Diagnostic>& warnings) {
  bool seen_escape = false;
  size_t i = 0;
  for (; i < lines.size(); ++i) {
    std::string_view s = lines[i];
    if (s.empty() || s.front() != '#') break;
    s.remove_prefix(1);
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    size_t n = 0;
    while (n < s.size() && (std::isalpha(static_cast<unsigned char>(s[n])) != 0 ||
                            (n > 0 && std::isdigit(static_cast<unsigned char>(s[n])) != 0))) {
      ++n;
    }
    const std::string name = to_lower(s.substr(0, n));
    std::string_view rest = s.substr(n);
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    if (n == 0 || rest.empty() || rest.front() != '=') break;
    const std::string_view value = trim(rest.substr(1));
    if (value.empty() || (name != "escape" && name != "syntax" && name != "check")) break;
    if (name != "escape") continue;
    if (seen_escape || (value != "\\" && value != "`")) {
      warnings.push_back({"", static_cast<int>(i) + 1, fmt::format("ignored escape directive '{}'", value)});
      continue;
    }
    seen_escape = true;
    escape = value.front();
  }
  return i;
}

// Where the word starting at s[start] ends: at an unquoted blank (quotes and the escape character are kept).
size_t word_end(std::string_view s, size_t start, char escape) {
  char quote = 0;
  size_t i = start;
  for (; i < s.size() && (quote != 0 || !is_space(s[i])); ++i) {
    if (s[i] == escape && i + 1 < s.size() && quote != '\'') {
      ++i;
    } else if (quote == 0 && (s[i] == '"' || s[i] == '\'')) {
      quote = s[i];
    } else if (s[i] == quote) {
      quote = 0;
    }
  }
  return i;
}

// Splits on unquoted blanks; the words are as written.
std::vector<std::string_view> split_words(std::string_view s, char escape) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) break;
    const size_t end = word_end(s, i, escape);
    words.push_back(s.substr(i, end - i));
    i = end;
  }
  return words;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<uint32_t> read_hex4(std::string_view s, size_t& i) {
  if (i + 4 > s.size()) return std::nullopt;
  uint32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    const char c = s[i + k];
    const int d = std::isdigit(static_cast<unsigned char>(c)) != 0 ? c - '0'
                  : (c >= 'a' && c <= 'f')                         ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F')                         ? c - 'A' + 10
                                                                   : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<uint32_t>(d);
  }
  i += 4;
  return v;
}

// One JSON string starting at s[i] == '"'; i ends after the closing quote.
std::optional<std::string> read_json_string(std::string_view s, size_t& i) {
  std::string out;
  for (++i; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      ++i;
      return out;
    }
    if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= s.size()) return std::nullopt;
    static constexpr std::string_view kFrom = "\"\\/bfnrt", kTo = "\"\\/\b\f\n\r\t";
    if (const size_t k = kFrom.find(s[i]); k != std::string_view::npos) {
      out += kTo[k];
      continue;
    }
    if (s[i] != 'u') return std::nullopt;
    ++i;
    auto cp = read_hex4(s, i);
    if (!cp) return std::nullopt;
    if (*cp >= 0xD800 && *cp < 0xDC00 && s.substr(i, 2) == "\\u") {
      size_t j = i + 2;
      auto low = read_hex4(s, j);
      if (low && *low >= 0xDC00 && *low < 0xE000) {
        *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
        i = j;
      }
    }
    append_utf8(out, *cp >= 0xD800 && *cp < 0xE000 ? 0xFFFD : *cp);
    --i;  // the loop's ++i moves past the escape
  }
  return std::nullopt;
}

// Docker's exec form: a JSON array of strings and nothing else; anything else is shell form.
std::optional<std::vector<std::string>> parse_exec_form(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  const auto skip = [&] {
    while (i < s.size() && (is_space(s[i]) || s[i] == '\r' || s[i] == '\n')) ++i;
  };
  skip();
  if (i >= s.size() || s[i] != '[') return std::nullopt;
  ++i;
  skip();
  if (i < s.size() && s[i] == ']') {
    ++i;
  } else {
    while (true) {
      skip();
      if (i >= s.size() || s[i] != '"') return std::nullopt;
      auto str = read_json_string(s, i);
      if (!str) return std::nullopt;
      out.push_back(std::move(*str));
      skip();
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      if (i >= s.size() || s[i] != ']') return std::nullopt;
      ++i;
      break;
    }
  }
  skip();
  if (i != s.size()) return std::nullopt;
  return out;
}

// The physical lines of one instruction: joined_at is where a line's text starts in the joined line (npos for
// comment/empty lines skipped inside a continuation and for heredoc lines, which are not part of it).
struct Piece {
  size_t line;
  size_t joined_at;
  bool heredoc = false;
};

struct Gathered {
  std::string joined;
  std::vector<Piece> pieces;
  size_t bytes = 0;  // heredoc bodies included
  bool too_big = false;
};

// The logical line starting at lines[i]; i ends on the line after it.
Gathered gather(const std::vector<std::string_view>& lines, size_t& i, char escape) {
  Gathered g;
  while (i < lines.size()) {
    std::string_view content = lines[i];
    const bool more = strip_continuation(content, escape);
    g.bytes += content.size() + 1;
    g.too_big = g.too_big || g.bytes > kMaxInstructionBytes;
    if (!g.joined.empty()) g.joined += ' ';
    g.pieces.push_back({i, g.too_big ? std::string::npos : g.joined.size()});
    if (!g.too_big) g.joined += content;
    ++i;
    if (!more) break;
    size_t skipped = i;
    while (skipped < lines.size() && (is_blank(lines[skipped]) || is_comment(lines[skipped]))) ++skipped;
    if (skipped >= lines.size()) break;  // a continuation at the end of the file ends the instruction
    for (; i < skipped; ++i) g.pieces.push_back({i, std::string::npos});
  }
  if (g.too_big) g.joined.clear();
  return g;
}

// The heredoc names of `<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<EOF` words (BuildKit's ^\d*<<(-?)([^<]*)$ on shell
// words); chomp strips leading tabs from the terminator line before comparing.
struct Heredoc {
  std::string name;
  bool chomp = false;
};

std::vector<Heredoc> heredocs_of(std::string_view args, char escape) {
  std::vector<Heredoc> out;
  for (std::string_view word : split_words(args, escape)) {
    while (!word.empty() && std::isdigit(static_cast<unsigned char>(word.front())) != 0) word.remove_prefix(1);
    if (!starts_with(word, "<<")) continue;
    word.remove_prefix(2);
    Heredoc h;
    if (starts_with(word, "-")) {
      h.chomp = true;
      word.remove_prefix(1);
    }
    if (word.find('<') != std::string_view::npos) continue;
    for (char c : word) {
      if (c != '"' && c != '\'') h.name += c;
    }
    if (h.name.empty()) continue;
    out.push_back(std::move(h));
    if (out.size() >= kMaxHeredocs) break;
  }
  return out;
}

// Appends each heredoc's body and terminator line to the pieces; an unterminated one runs to the end.
void read_heredocs(const std::vector<std::string_view>& lines, size_t& i, const std::vector<Heredoc>& heredocs,
                   Gathered& g, std::vector<Diagnostic>& warnings) {
  for (const auto& h : heredocs) {
    bool terminated = false;
    while (i < lines.size() && !terminated) {
      std::string_view candidate = lines[i];
      if (h.chomp) candidate = candidate.substr(std::min(candidate.find_first_not_of('\t'), candidate.size()));
      terminated = candidate == h.name;
      g.bytes += lines[i].size() + 1;
      g.too_big = g.too_big || g.bytes > kMaxInstructionBytes;
      g.pieces.push_back({i++, std::string::npos, true});
    }
    if (!terminated) {
      warnings.push_back({"", static_cast<int>(g.pieces.front().line) + 1,
                          fmt::format("heredoc {} is not terminated: it runs to the end of the file", h.name)});
      return;
    }
  }
}

// The text as written from the joined-line offset `from` on: one text line per physical line of the pieces.
Script script_text(const std::vector<std::string_view>& lines, const Gathered& g, size_t from, char escape) {
  Script script;
  script.first_line = static_cast<int>(g.pieces.front().line) + 1;
  for (size_t k = 0; k < g.pieces.size(); ++k) {
    const Piece& p = g.pieces[k];
    std::string_view text = lines[p.line];
    if (p.joined_at == std::string::npos) {
      if (!p.heredoc) text = {};  // a comment inside a continuation is not part of the command
    } else if (p.joined_at + text.size() <= from) {
      text = {};
    } else if (p.joined_at < from) {
      text = text.substr(from - p.joined_at);
    }
    if (k > 0) script.text += '\n';
    const size_t at = script.text.size();
    script.text += text;
    // A `-escaped continuation reads as a shell continuation (a backquote would start a command substitution).
    std::string_view content = text;
    if (escape != '\\' && p.joined_at != std::string::npos && strip_continuation(content, escape)) {
      script.text[at + content.size()] = '\\';
    }
  }
  return script;
}

// `sh -c SCRIPT` (also bash/dash/ash, -ec, -o pipefail -c, ...): the script, else empty.
std::string exec_shell_script(const std::vector<std::string>& args) {
  static constexpr std::array kShells{"sh", "bash", "dash", "ash", "zsh", "ksh"};
  if (args.empty() || !contains(kShells, base_name(args[0]))) return {};
  for (size_t k = 1; k < args.size(); ++k) {
    const std::string& a = args[k];
    if (a == "-o" || a == "+o") {
      ++k;
    } else if (a.size() > 1 && a[0] == '-' && a[1] != '-' && a.find('c') != std::string::npos) {
      return k + 1 < args.size() ? args[k + 1] : std::string();
    } else if (a.empty() || (a[0] != '-' && a[0] != '+')) {
      return {};
    }
  }
  return {};
}

// Keyword, flags, arguments, exec form and script of one gathered instruction.
DockerInstruction make_instruction(const std::vector<std::string_view>& lines, const Gathered& g, char escape) {
  DockerInstruction ins;
  ins.line = static_cast<int>(g.pieces.front().line) + 1;
  const std::string_view joined = g.joined;
  size_t pos = std::min(joined.find_first_not_of(" \t"), joined.size());
  const size_t keyword_end = std::min(joined.find_first_of(" \t", pos), joined.size());
  ins.keyword = joined.substr(pos, keyword_end - pos);
  std::transform(ins.keyword.begin(), ins.keyword.end(), ins.keyword.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  pos = keyword_end;
  while (true) {
    while (pos < joined.size() && is_space(joined[pos])) ++pos;
    if (joined.substr(pos, 2) != "--") break;
    const size_t end = word_end(joined, pos, escape);
    const std::string_view flag = joined.substr(pos, end - pos);
    pos = end;
    if (flag == "--") break;  // an explicit end of the flags
    ins.flags.emplace_back(flag);
  }
  while (pos < joined.size() && is_space(joined[pos])) ++pos;
  ins.arguments = trim(joined.substr(pos));
  if (contains(kExecKeywords, ins.keyword) && starts_with(ins.arguments, "[")) {
    if (auto args = parse_exec_form(ins.arguments)) {
      ins.exec_form = true;
      ins.exec_args = std::move(*args);
    }
  }
  if (!ins.exec_form) {
    ins.script = script_text(lines, g, pos, escape);
  } else if (ins.keyword == "RUN") {
    ins.script = Script{exec_shell_script(ins.exec_args), ins.line, false};
  }
  return ins;
}

}  // namespace

Result<Dockerfile> read_dockerfile(std::string_view bytes, std::vector<Diagnostic>& warnings) {
  if (static_cast<size_t>(std::count(bytes.begin(), bytes.end(), '\n')) >= kMaxLines) {
    return fail(fmt::format("more than {} lines: not a Dockerfile", kMaxLines));
  }
  if (starts_with(bytes, "\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (bytes.find('\0') != std::string_view::npos) {
    // Docker reads such a file as text too, so it is checked rather than skipped.
    warnings.push_back({"", 0, "the Dockerfile contains NUL bytes"});
  }
  const std::vector<std::string_view> lines = vigil::lines(bytes);
  char escape = '\\';
  size_t i = read_directives(lines, escape, warnings);
  Dockerfile out;
  while (i < lines.size()) {
    if (is_blank(lines[i]) || is_comment(lines[i])) {
      ++i;
      continue;
    }
    Gathered g = gather(lines, i, escape);
    const std::string_view head = trim(g.joined);
    if (head.empty() && !g.too_big) continue;  // a lone escape character
    const std::string keyword = to_lower(head.substr(0, head.find_first_of(" \t")));
    const bool heredoc_kind = keyword == "run" || keyword == "copy" || keyword == "add";
    if (heredoc_kind && g.joined.find("<<") != std::string::npos &&
        parse_exec_form(head.substr(keyword.size())) == std::nullopt) {
      read_heredocs(lines, i, heredocs_of(head.substr(keyword.size()), escape), g, warnings);
    }
    const int line = static_cast<int>(g.pieces.front().line) + 1;
    if (g.too_big) {
      warnings.push_back({"", line, "instruction longer than 1 MiB: skipped"});
      continue;
    }
    DockerInstruction ins = make_instruction(lines, g, escape);
    if (!contains(kKnownKeywords, ins.keyword)) {
      warnings.push_back({"", line, fmt::format("unknown instruction {}", ins.keyword.substr(0, 64))});
    }
    out.instructions.push_back(std::move(ins));
  }
  return out;
}

Result<Parsed> parse_dockerfile_fuzz(std::string_view /*path*/, std::string_view bytes) {
  Parsed parsed;
  auto file = read_dockerfile(bytes, parsed.warnings);
  if (!file) return fail(file.error().message);
  const auto total = static_cast<int>(vigil::lines(bytes).size());
  for (const auto& ins : file->instructions) {
    // Every position of a script (exec-form instructions other than RUN have none) maps to a line of the file at
    // or after the instruction's.
    const int last = ins.script.line_at(ins.script.text.size());
    const bool has_script = ins.script.first_line != 0;
    if (ins.line < 1 || ins.line > total ||
        (has_script && (ins.script.first_line != ins.line || last < ins.line || last > total))) {
      __builtin_trap();
    }
  }
  return parsed;
}

}  // namespace vigil::formats::cicd
