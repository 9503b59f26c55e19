// Single pass over the script with a small stack of open quotes and substitutions (bounded): separators only
// split at the top level, so `echo "curl | sh"` is one word and `sh -c "$(curl ... | tr -d x)"` one command.
#include "scan/config/shell_lexer.hpp"

#include <array>
#include <cctype>

namespace vigil::scan::config {
namespace {

constexpr size_t kMaxNesting = 64;  // deeper quotes/substitutions are read as plain text

struct Heredoc {
  std::string delimiter;
  bool body_is_commands = false;
};

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

class Lexer {
 public:
  Lexer(std::string_view s, size_t base) : s_(s), base_(base) {}

  std::vector<ShellCommand> run() {
    while (i_ < s_.size()) {
      if (stack_.empty()) {
        top_level();
      } else {
        nested();
      }
    }
    end_command();
    return std::move(out_);
  }

 private:
  [[nodiscard]] char at(size_t k) const { return k < s_.size() ? s_[k] : '\0'; }

  void add(char c, bool to_text = true) {
    if (!in_word_) {
      in_word_ = true;
      word_.offset = base_ + i_;
    }
    word_.raw += c;
    if (to_text) word_.text += c;
  }
  // Appends n source bytes to the word (raw and text) and moves past them.
  void take(size_t n, bool to_text = true) {
    for (size_t k = 0; k < n && i_ < s_.size(); ++k) {
      add(s_[i_], to_text);
      ++i_;
    }
  }
  void push(char kind, size_t n) {
    if (stack_.size() < kMaxNesting) stack_.push_back(kind);
    take(n);
  }
  void end_word() {
    if (in_word_) seg_.push_back(std::move(word_));
    word_ = {};
    in_word_ = false;
  }
  void end_segment() {
    end_word();
    if (!seg_.empty()) cmd_.pipeline.push_back(std::move(seg_));
    seg_ = {};
  }
  void end_command() {
    end_segment();
    if (!cmd_.pipeline.empty()) out_.push_back(std::move(cmd_));
    cmd_ = {};
  }

  void single_quoted() {
    take(1, false);
    while (i_ < s_.size() && s_[i_] != '\'') take(1);
    if (i_ < s_.size()) take(1, false);
  }

  // Inside "...", $(...), <(...), (...) or `...`.
  void nested() {
    const char top = stack_.back();
    const char c = s_[i_];
    if (c == '\\') return take(2);
    if (top == '`') {
      if (c == '`') stack_.pop_back();
      return take(1);
    }
    if (c == '`') return push('`', 1);
    if (c == '$' && at(i_ + 1) == '(') return push('(', 2);
    if (top == '"') {
      if (c == '"') {
        stack_.pop_back();
        return take(1, !stack_.empty());
      }
      return take(1);
    }
    // top == '(': a substitution or subshell, where quotes open anew.
    if (c == '\'') {
      take(1);
      while (i_ < s_.size() && s_[i_] != '\'') take(1);
      return take(1);
    }
    if (c == '"') return push('"', 1);
    if (c == '(' || ((c == '<' || c == '>') && at(i_ + 1) == '(')) return push('(', c == '(' ? 1 : 2);
    if (c == ')') {
      stack_.pop_back();
      return take(1);
    }
    take(1);
  }

  void top_level() {
    const char c = s_[i_];
    const char next = at(i_ + 1);
    if (c == '\\' && (next == '\n' || (next == '\r' && at(i_ + 2) == '\n'))) {
      end_word();  // a continuation is a space
      i_ += next == '\n' ? 2 : 3;
    } else if (c == '\\') {
      take(2);
    } else if (c == '\'') {
      single_quoted();
    } else if (c == '"') {
      if (stack_.size() < kMaxNesting) stack_.push_back('"');
      take(1, false);
    } else if (c == '`' || c == '(' || ((c == '$' || c == '<' || c == '>') && next == '(')) {
      push(c == '`' ? '`' : '(', c == '`' || c == '(' ? 1 : 2);
    } else if (c == '#' && !in_word_) {
      while (i_ < s_.size() && s_[i_] != '\n') ++i_;
    } else if (c == '\n') {
      end_command();
      ++i_;
      skip_heredoc_bodies();
    } else if (is_blank(c) || c == ')') {
      end_word();
      ++i_;
    } else if (c == ';') {
      end_command();
      ++i_;
    } else if (c == '&' || c == '|') {
      operator_at(c, next);
    } else if (c == '<' && next == '<' && at(i_ + 2) != '<') {
      heredoc();
    } else {
      take(1);
    }
  }

  void operator_at(char c, char next) {
    if (c == '&' && (next == '>' || (!word_.raw.empty() && (word_.raw.back() == '>' || word_.raw.back() == '<')))) {
      return take(1);  // &>file, 2>&1, >&2
    }
    if (c == next) {  // && ||
      end_command();
      i_ += 2;
    } else if (c == '|') {  // | and |&
      end_segment();
      i_ += next == '&' ? 2 : 1;
    } else {  // & (background)
      end_command();
      ++i_;
    }
  }

  // <<EOF, <<-EOF, <<'EOF', << "EOF": the body starts on the next line.
  void heredoc() {
    end_word();
    i_ += 2;
    if (at(i_) == '-') ++i_;
    while (i_ < s_.size() && is_blank(s_[i_])) ++i_;
    std::string delimiter;
    while (i_ < s_.size() && !is_blank(s_[i_]) && s_[i_] != '\n' && s_[i_] != ';' && s_[i_] != '|' && s_[i_] != '&' &&
           s_[i_] != '<' && s_[i_] != '>' && s_[i_] != ')') {
      if (s_[i_] != '\'' && s_[i_] != '"' && s_[i_] != '\\') delimiter += s_[i_];
      ++i_;
    }
    if (delimiter.empty()) return;
    // The body is commands only for a shell reading its script from the heredoc, or a bare `<<EOF` (Dockerfile).
    const size_t cmd = command_index(seg_);
    const bool commands = cmd_.pipeline.empty() && (cmd == seg_.size() || is_shell(command_name(seg_[cmd].text)));
    if (pending_.size() < 16) pending_.push_back({std::move(delimiter), commands});
  }

  void skip_heredoc_bodies() {
    if (pending_.empty()) return;
    const bool skip = !pending_.front().body_is_commands;
    for (const auto& h : pending_) {
      if (!skip) break;
      while (i_ < s_.size()) {
        const size_t eol = std::min(s_.find('\n', i_), s_.size());
        std::string_view line = s_.substr(i_, eol - i_);
        while (!line.empty() && (is_blank(line.front()) || line.front() == '\n')) line.remove_prefix(1);
        while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
        i_ = eol + 1;
        if (line == h.delimiter) break;
      }
    }
    if (i_ > s_.size()) i_ = s_.size();
    pending_.clear();
  }

  std::string_view s_;
  size_t base_;
  size_t i_ = 0;
  std::vector<char> stack_;
  std::vector<Heredoc> pending_;
  ShellWord word_;
  bool in_word_ = false;
  ShellSegment seg_;
  ShellCommand cmd_;
  std::vector<ShellCommand> out_;
};

constexpr std::array<std::string_view, 11> kWrappers{"sudo", "doas", "env",     "command", "exec",   "nohup",
                                                     "time", "nice", "builtin", "stdbuf",  "busybox"};
constexpr std::array<std::string_view, 10> kKeywords{"if",    "then",  "do", "else", "elif",
                                                     "while", "until", "!",  "{",    "}"};
constexpr std::array<std::string_view, 4> kOptionsWithValue{"-u", "-g", "-n", "-C"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view word) {
  for (auto s : set) {
    if (s == word) return true;
  }
  return false;
}

bool is_assignment(std::string_view w) {
  const size_t eq = w.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  for (size_t k = 0; k < eq; ++k) {
    const auto c = static_cast<unsigned char>(w[k]);
    if (std::isalnum(c) == 0 && c != '_') return false;
  }
  return true;
}

bool is_redirection(std::string_view w) {
  size_t k = 0;
  while (k < w.size() && std::isdigit(static_cast<unsigned char>(w[k])) != 0) ++k;
  return k < w.size() && (w[k] == '>' || w[k] == '<' || (w[k] == '&' && k + 1 < w.size() && w[k + 1] == '>'));
}

}  // namespace

std::vector<ShellCommand> lex_shell(std::string_view script, size_t base) {
  return Lexer(script, base).run();
}

std::string command_name(std::string_view word) {
  const size_t slash = word.find_last_of("/\\");
  if (slash != std::string_view::npos && word.find("://") == std::string_view::npos) word.remove_prefix(slash + 1);
  std::string out;
  out.reserve(word.size());
  for (char c : word) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.size() > 4 && out.ends_with(".exe")) out.resize(out.size() - 4);
  return out;
}

size_t command_index(const ShellSegment& seg) {
  bool after_wrapper = false;
  for (size_t k = 0; k < seg.size(); ++k) {
    const std::string& w = seg[k].text;
    const std::string name = command_name(w);
    if (contains(kWrappers, name)) {
      after_wrapper = true;
    } else if (contains(kKeywords, w) || is_assignment(w) || is_redirection(w)) {
      continue;
    } else if (after_wrapper && w.size() > 1 && w.front() == '-') {
      if (contains(kOptionsWithValue, w)) ++k;  // sudo -u builder, nice -n 10
    } else {
      return k;
    }
  }
  return seg.size();
}

bool is_shell(std::string_view name) {
  for (std::string_view s : {"sh", "bash", "dash", "zsh", "ash", "ksh", "mksh", "fish"}) {
    if (name == s) return true;
  }
  return false;
}

}  // namespace vigil::scan::config
