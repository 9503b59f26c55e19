// Download-and-execute detection over the words shell_lexer gives: a download piped into an interpreter, a
// download substituted into one (or into eval/source/iex), and a downloaded file run later without a checksum or
// signature check in between (download_tracking.cpp). Words are compared by base name (/usr/bin/curl is curl);
// wrappers (sudo, env, time) and shell keywords (if, then) are looked through.
#include "scan/config/shell_risks.hpp"

#include <array>
#include <cctype>
#include <optional>

#include "scan/config/shell_interpreters.hpp"
#include "scan/config/shell_lexer.hpp"

namespace vigil::scan::config {
namespace {

constexpr int kMaxDepth = 4;  // substitutions inside substitutions, sh -c inside sh -c

bool ends_quoted(std::string_view raw) {
  return raw.size() >= 2 && (raw.front() == '\'' || raw.front() == '"') && raw.back() == raw.front();
}

class Analyzer {
 public:
  Analyzer(int tag, DownloadState& state, std::vector<DownloadRun>& out) : tag_(tag), state_(state), out_(out) {}

  void script(std::string_view text, size_t base, int depth) {
    for (const auto& cmd : lex_shell(text, base)) command(cmd, depth);
  }

 private:
  void command(const ShellCommand& cmd, int depth) {
    piped(cmd, depth);
    for (const auto& seg : cmd.pipeline) {
      substituted(seg, depth);
      nested(seg, depth);
    }
    track_downloads(cmd, tag_, state_, out_);
  }

  void add(DownloadRun::Kind kind, const ShellWord& runner, const Fetch& fetch) {
    DownloadRun run;
    run.kind = kind;
    run.offset = runner.offset;
    run.runner = command_name(runner.text);
    run.downloader = fetch.downloader;
    run.source = fetch.source;
    out_.push_back(std::move(run));
  }

  // curl ... | sh: a download in one pipe segment and, later, an interpreter reading its script from stdin.
  void piped(const ShellCommand& cmd, int depth) {
    std::optional<Fetch> fetched;
    for (const auto& seg : cmd.pipeline) {
      const size_t ci = command_index(seg);
      if (ci == seg.size()) continue;
      const std::string name = command_name(seg[ci].text);
      const Lang lang = interpreter_lang(name);
      if (fetched && lang != Lang::None && lang != Lang::Source && invocation(seg, ci, lang).reads_stdin) {
        add(DownloadRun::Kind::Piped, seg[ci], *fetched);
        return;
      }
      if (is_downloader(name)) {
        fetched = Fetch{name, url_in(seg, ci)};
      } else if (!fetched) {
        for (size_t k = ci; k < seg.size() && !fetched; ++k) fetched = download_in_word(seg[k], depth);
      }
    }
  }

  // bash <(curl ...), sh -c "$(curl ...)", eval "$(wget ...)", source <(curl ...), iex (iwr ...).Content.
  void substituted(const ShellSegment& seg, int depth) {
    const size_t ci = command_index(seg);
    if (ci == seg.size()) return;
    const std::string name = command_name(seg[ci].text);
    if (name == "eval") {
      for (size_t k = ci + 1; k < seg.size(); ++k) {
        if (auto f = download_in_word(seg[k], depth)) return add(DownloadRun::Kind::Substituted, seg[ci], *f);
      }
      return;
    }
    const Lang lang = interpreter_lang(name);
    if (lang == Lang::Iex) {
      std::string rest;
      for (size_t k = ci + 1; k < seg.size(); ++k) rest += seg[k].raw + " ";
      if (auto f = powershell_download(rest)) add(DownloadRun::Kind::Substituted, seg[ci], *f);
      return;
    }
    if (lang == Lang::None) return;
    const Invocation inv = invocation(seg, ci, lang);
    for (size_t k : {inv.code, inv.script}) {
      if (k >= seg.size()) continue;
      if (auto f = download_in_word(seg[k], depth)) return add(DownloadRun::Kind::Substituted, seg[ci], *f);
    }
  }

  // ( subshells ) and sh -c '...' / pwsh -Command "..." scripts are scripts of their own.
  void nested(const ShellSegment& seg, int depth) {
    if (depth >= kMaxDepth) return;
    const size_t ci = command_index(seg);
    if (ci == seg.size()) return;
    const ShellWord& first = seg[ci];
    if (first.raw.size() >= 2 && first.raw.front() == '(' && first.raw.back() == ')') {
      script(std::string_view(first.raw).substr(1, first.raw.size() - 2), first.offset + 1, depth + 1);
      return;
    }
    const Lang lang = interpreter_lang(command_name(first.text));
    if (lang != Lang::Shell && lang != Lang::Pwsh) return;
    const size_t code = invocation(seg, ci, lang).code;
    if (code >= seg.size() || !ends_quoted(seg[code].raw)) return;
    const ShellWord& w = seg[code];
    script(std::string_view(w.raw).substr(1, w.raw.size() - 2), w.offset + 1, depth + 1);
  }

  int tag_;
  DownloadState& state_;
  std::vector<DownloadRun>& out_;
};

// Image history lines carry the shell that ran them: "/bin/sh -c curl ... | sh", "RUN /bin/sh -c ... # buildkit".
std::string_view without_history_prefix(std::string_view command) {
  if (const size_t at = command.find("/bin/sh -c "); at != std::string_view::npos) {
    return command.substr(at + 11);
  }
  while (!command.empty() && std::isspace(static_cast<unsigned char>(command.front())) != 0) command.remove_prefix(1);
  if (command.starts_with("RUN ")) command.remove_prefix(4);
  return command;
}

}  // namespace

bool pipes_download_to_interpreter(std::string_view command) {
  DownloadState state;
  std::vector<DownloadRun> runs;
  Analyzer(0, state, runs).script(without_history_prefix(command), 0, 0);
  for (const auto& r : runs) {
    if (r.kind != DownloadRun::Kind::FromFile) return true;
  }
  return false;
}

std::vector<DownloadRun> find_download_runs(std::string_view script, int tag, DownloadState& state) {
  std::vector<DownloadRun> runs;
  Analyzer(tag, state, runs).script(script, 0, 0);
  return runs;
}

}  // namespace vigil::scan::config
