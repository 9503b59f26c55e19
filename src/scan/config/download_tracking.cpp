// Download to a file, then run it: `curl -o F URL` / `curl -O URL` / `curl URL > F` / `wget [-O F] URL` /
// `Invoke-WebRequest -OutFile F` / `gh release download`, then `chmod +x F && ./F`, `bash F`, `source F`.
//
// What counts as verification (anything between the download and the run that would fail on a changed file):
// a checksum tool with -c/--check (sha256sum, shasum, sha512sum, b2sum, ...), a checksum tool piped into
// grep/cmp/diff, a checksum compared in a test ([ "$(sha256sum F | cut -d' ' -f1)" = "$SHA" ]), gpg/gpgv --verify,
// cosign verify-blob, minisign/signify -V, openssl ... -verify, slsa-verifier and gh attestation verify. A
// verification that names a downloaded file verifies that file; one that names none (sha256sum -c SHA256SUMS)
// verifies every download so far. A checksum list fetched from the same server is accepted although it proves
// less than a pinned hash (it catches a swapped mirror file or a corrupt download, not a compromised server):
// the check is meant for scripts that verify nothing at all, and flagging this form would bury them.
#include <fnmatch.h>

#include <array>
#include <cctype>

#include "scan/config/shell_interpreters.hpp"

namespace vigil::scan::config {
namespace {

constexpr size_t kMaxTracked = 256;

using File = DownloadState::File;

// The base name of a path as a script writes it: quotes and ${} braces dropped, / and \ both separators.
std::string file_name(std::string_view path) {
  std::string clean;
  for (char c : path) {
    if (c != '{' && c != '}' && c != '"' && c != '\'') clean += c;
  }
  while (clean.size() > 1 && (clean.back() == '/' || clean.back() == '\\')) clean.pop_back();
  const size_t slash = clean.find_last_of("/\\");
  return slash == std::string::npos ? clean : clean.substr(slash + 1);
}

// What `curl -O URL` / `wget URL` save as: the last path segment of the URL.
std::string remote_name(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos && url.find('/', scheme + 3) == std::string_view::npos) return "index.html";
  return file_name(url);
}

bool is_dir_like(std::string_view dest) {
  const std::string name = file_name(dest);
  return dest.ends_with('/') || name == "bin" || name == "sbin" || name == "." || name == "tmp";
}

// SHA256SUMS, x.sha256, x.asc, x.sig, x.minisig, x.bundle: the evidence a verification reads, not what it
// verifies. A check that names only these (sha256sum -c SHA256SUMS) verifies the files the list names, which
// the script does not show: every download so far is taken as verified.
bool is_check_file(std::string_view name) {
  const std::string lower = command_name(name);
  for (std::string_view mark :
       {"sums", "sha1", "sha256", "sha512", "checksum", ".asc", ".sig", ".minisig", ".bundle", ".pem", ".pub"}) {
    if (lower.find(mark) != std::string::npos) return true;
  }
  return false;
}

bool is_checksum_tool(std::string_view name) {
  return (name.starts_with("sha") && name.ends_with("sum")) || name == "b2sum" || name == "md5sum";
}

// Output files of a download command (curl/wget/fetch/aria2c/iwr options, > redirections).
struct Outputs {
  std::vector<std::string> names;
  bool remote = false;  // curl -O, or wget/fetch/aria2c without an output option
};

void short_group(std::string_view name, const ShellSegment& seg, size_t& k, Outputs& out) {
  const std::string_view w = seg[k].text;
  const bool curl = name == "curl";
  const char file_flag = (name == "wget") ? 'O' : 'o';  // wget -O; curl, fetch and aria2c -o
  const std::string_view with_value = curl ? "HdAeuxXKwTrEbcDFmyYzCQ" : "oaPtTweiUQBlAR";
  for (size_t i = 1; i < w.size(); ++i) {
    if (w[i] == file_flag) {
      const std::string_view rest = w.substr(i + 1);
      if (!rest.empty()) {
        out.names.emplace_back(rest);
      } else if (k + 1 < seg.size()) {
        out.names.push_back(seg[++k].text);
      }
      return;
    }
    if (curl && w[i] == 'O') out.remote = true;
    if (with_value.find(w[i]) != std::string_view::npos) {
      if (i + 1 == w.size()) ++k;  // the value is the next word
      return;
    }
  }
}

Outputs download_outputs(std::string_view name, const ShellSegment& seg, size_t ci) {
  Outputs out;
  out.remote = name == "wget" || name == "fetch" || name == "aria2c";
  const bool powershell = name == "iwr" || name == "irm" || name.starts_with("invoke-");
  for (size_t k = ci + 1; k < seg.size(); ++k) {
    const std::string& w = seg[k].text;
    const std::string lw = command_name(w);
    if ((w == ">" || w == ">>" || w == "1>") && k + 1 < seg.size()) {
      out.names.push_back(seg[++k].text);
    } else if (w.starts_with(">") && w.find('&') == std::string::npos) {
      out.names.push_back(w.substr(w.find_first_not_of('>')));
    } else if (powershell && (lw == "-outfile" || lw == "-outf") && k + 1 < seg.size()) {
      out.names.push_back(seg[++k].text);
    } else if ((w == "--output" || w == "--output-document" || w == "--out") && k + 1 < seg.size()) {
      out.names.push_back(seg[++k].text);
    } else if (w.starts_with("--output=") || w.starts_with("--output-document=") || w.starts_with("--out=")) {
      out.names.push_back(w.substr(w.find('=') + 1));
    } else if (w == "--remote-name" || w == "--remote-name-all") {
      out.remote = true;
    } else if (!powershell && w.size() > 1 && w[0] == '-' && w[1] != '-') {
      short_group(name, seg, k, out);
    }
  }
  return out;
}

void record(DownloadState& state, File file) {
  if (file.name.empty() || file.name == "-" || file.name == "/dev/null") return;
  for (auto& f : state.files) {
    if (f.name == file.name) {
      f = std::move(file);
      return;
    }
  }
  if (state.files.size() < kMaxTracked) state.files.push_back(std::move(file));
}

// gh release download TAG [-R repo] [-p pattern] [-O file] [-D dir]: a release asset.
void gh_release(const ShellSegment& seg, size_t ci, int tag, DownloadState& state) {
  std::string repo;
  std::string release;
  std::vector<std::string> names;
  for (size_t k = ci + 3; k < seg.size(); ++k) {
    const std::string& w = seg[k].text;
    const bool has_value = k + 1 < seg.size();
    if ((w == "-R" || w == "--repo") && has_value) {
      repo = seg[++k].text;
    } else if ((w == "-p" || w == "--pattern" || w == "-O" || w == "--output") && has_value) {
      names.push_back(file_name(seg[++k].text));
    } else if ((w == "-D" || w == "--dir" || w == "-A" || w == "--archive") && has_value) {
      ++k;
    } else if (!w.starts_with("-") && release.empty()) {
      release = w;
    }
  }
  std::string source = "release " + (release.empty() ? std::string("latest") : release);
  if (!repo.empty()) source += " of " + repo;
  for (auto& n : names) record(state, File{std::move(n), "gh release download", source, tag, seg[ci].offset});
}

void record_downloads(const ShellCommand& cmd, int tag, DownloadState& state) {
  const ShellSegment& seg = cmd.pipeline.front();
  const size_t ci = command_index(seg);
  if (ci == seg.size()) return;
  const std::string name = command_name(seg[ci].text);
  if (name == "gh" && ci + 2 < seg.size() && seg[ci + 1].text == "release" && seg[ci + 2].text == "download") {
    return gh_release(seg, ci, tag, state);
  }
  if (!is_downloader(name)) return;
  const std::string url = url_in(seg, ci);
  Outputs outputs = download_outputs(name, seg, ci);
  if (outputs.remote && outputs.names.empty() && url.find("://") != std::string::npos) {
    outputs.names.push_back(remote_name(url));
  }
  for (size_t j = 1; j < cmd.pipeline.size(); ++j) {  // curl URL | tee F
    const ShellSegment& s = cmd.pipeline[j];
    const size_t c = command_index(s);
    if (c == s.size() || command_name(s[c].text) != "tee") continue;
    for (size_t k = c + 1; k < s.size(); ++k) {
      if (!s[k].text.starts_with("-")) outputs.names.push_back(s[k].text);
    }
  }
  for (const auto& n : outputs.names) record(state, File{file_name(n), name, url, tag, seg[ci].offset});
}

bool has_word(const ShellSegment& seg, std::initializer_list<std::string_view> words) {
  for (const auto& w : seg) {
    for (auto x : words) {
      if (w.text == x) return true;
    }
  }
  return false;
}

bool checksum_checked(const ShellCommand& cmd, size_t j, size_t ci) {
  const ShellSegment& seg = cmd.pipeline[j];
  for (size_t k = ci + 1; k < seg.size(); ++k) {
    const std::string& w = seg[k].text;
    if (w == "--check" || (w.size() > 1 && w[0] == '-' && w[1] != '-' && w.find('c') != std::string::npos)) {
      return true;
    }
  }
  for (size_t later = j + 1; later < cmd.pipeline.size(); ++later) {  // sha256sum F | grep -q "$SHA"
    const ShellSegment& s = cmd.pipeline[later];
    const size_t c = command_index(s);
    const std::string name = c < s.size() ? command_name(s[c].text) : "";
    if (name == "grep" || name == "egrep" || name == "fgrep" || name == "cmp" || name == "diff") return true;
  }
  return false;
}

bool segment_verifies(const ShellCommand& cmd, size_t j, const std::string& joined) {
  const ShellSegment& seg = cmd.pipeline[j];
  const size_t ci = command_index(seg);
  if (ci == seg.size()) return false;
  const std::string name = command_name(seg[ci].text);
  const std::string next = ci + 1 < seg.size() ? seg[ci + 1].text : "";
  if (is_checksum_tool(name)) return checksum_checked(cmd, j, ci);
  if (name == "gpg" || name == "gpg2") return has_word(seg, {"--verify", "--verify-files"});
  if (name == "gpgv" || name == "gpgv2" || name == "slsa-verifier" || name == "sigstore") return true;
  if (name == "cosign") return next.starts_with("verify");
  if (name == "minisign" || name == "signify") return has_word(seg, {"-V", "-Vm"});
  if (name == "openssl") return has_word(seg, {"-verify", "-prverify"});
  if (name == "gh") return next == "attestation";
  if (name == "rpm") return has_word(seg, {"-K", "--checksig"});
  // [ "$(sha256sum F | cut -d' ' -f1)" = "$SHA" ], test ..., if [[ ... == ... ]]
  const bool compares = name == "[" || name == "[[" || name == "test" || has_word(seg, {"=", "==", "!="});
  if (!compares) return false;
  for (std::string_view tool : {"sha1sum", "sha256sum", "sha384sum", "sha512sum", "shasum", "b2sum", "md5sum"}) {
    if (joined.find(tool) != std::string::npos) return true;
  }
  return false;
}

void record_verification(const ShellCommand& cmd, DownloadState& state) {
  std::string joined;
  for (const auto& seg : cmd.pipeline) {
    for (const auto& w : seg) joined += w.raw + " ";
  }
  bool verifies = false;
  for (size_t j = 0; j < cmd.pipeline.size() && !verifies; ++j) verifies = segment_verifies(cmd, j, joined);
  if (!verifies) return;
  bool named = false;
  for (auto& f : state.files) {
    if (!is_check_file(f.name) && joined.find(f.name) != std::string::npos) f.verified = named = true;
  }
  if (!named) {
    for (auto& f : state.files) f.verified = true;
  }
}

File* tracked(DownloadState& state, std::string_view path) {
  const std::string name = file_name(path);
  for (auto& f : state.files) {
    if (f.name == name ||
        (f.name.find_first_of("*?[") != std::string::npos && fnmatch(f.name.c_str(), name.c_str(), 0) == 0)) {
      return &f;
    }
  }
  return nullptr;
}

bool executable_mode(std::string_view mode) {
  if (mode.find('x') != std::string_view::npos) return true;
  if (mode.empty() || mode.find_first_not_of("01234567") != std::string_view::npos) return false;
  return mode.find_first_of("1357") != std::string_view::npos;
}

// chmod +x F; install [-m 755] F DEST; mv/cp F DEST (the file keeps its history under its new name).
void record_file_ops(const ShellSegment& seg, DownloadState& state) {
  const size_t ci = command_index(seg);
  if (ci == seg.size()) return;
  const std::string name = command_name(seg[ci].text);
  if (name != "chmod" && name != "install" && name != "mv" && name != "cp") return;
  std::vector<std::string> args;
  bool executable = name == "install";  // install's default mode is 0755
  for (size_t k = ci + 1; k < seg.size(); ++k) {
    const std::string& w = seg[k].text;
    if (name == "install" && (w == "-m" || w == "--mode") && k + 1 < seg.size()) {
      executable = executable_mode(seg[++k].text);
    } else if (name == "install" && (w == "-o" || w == "-g" || w == "-t") && k + 1 < seg.size()) {
      ++k;
    } else if (name == "install" && w.starts_with("-m")) {
      executable = executable_mode(std::string_view(w).substr(2));
    } else if (!w.starts_with("-") || (name == "chmod" && args.empty() && w.size() > 1 && w[1] != '-')) {
      args.push_back(w);  // chmod's mode may look like an option (-x, -w)
    }
  }
  if (name == "chmod") {
    if (args.empty() || !executable_mode(args.front())) return;
    for (size_t k = 1; k < args.size(); ++k) {
      if (File* f = tracked(state, args[k])) f->executable = true;
    }
    return;
  }
  if (args.size() < 2 || state.files.size() >= kMaxTracked) return;
  const std::string& dest = args.back();
  for (size_t k = 0; k + 1 < args.size(); ++k) {
    File* f = tracked(state, args[k]);
    if (f == nullptr) continue;
    File copy = *f;
    if (name == "install") copy.executable = executable;
    if (!is_dir_like(dest)) copy.name = file_name(dest);
    record(state, std::move(copy));
  }
}

// A tracked file run directly (after chmod +x) or given to an interpreter as its script.
void record_runs(const ShellSegment& seg, DownloadState& state, std::vector<DownloadRun>& out) {
  const size_t ci = command_index(seg);
  if (ci == seg.size()) return;
  const ShellWord& word = seg[ci];
  const std::string name = command_name(word.text);
  const Lang lang = interpreter_lang(name);
  File* f = nullptr;
  if (lang != Lang::None && lang != Lang::Iex) {
    const size_t script = invocation(seg, ci, lang).script;
    if (script < seg.size()) f = tracked(state, seg[script].text);
  } else if (!is_downloader(name)) {
    f = tracked(state, word.text);
    const bool windows = name.ends_with(".ps1") || name.ends_with(".bat") || name.ends_with(".cmd");
    if (f != nullptr && !f->executable && !windows && !word.text.ends_with(".exe")) f = nullptr;
  }
  if (f == nullptr || f->verified || f->reported) return;
  f->reported = true;
  DownloadRun run;
  run.kind = DownloadRun::Kind::FromFile;
  run.offset = word.offset;
  run.runner = lang == Lang::None ? word.text : name;
  run.downloader = f->downloader;
  run.source = f->source;
  run.file = f->name;
  run.download_tag = f->tag;
  run.download_offset = f->offset;
  out.push_back(std::move(run));
}

}  // namespace

void track_downloads(const ShellCommand& cmd, int tag, DownloadState& state, std::vector<DownloadRun>& out) {
  record_verification(cmd, state);
  for (const auto& seg : cmd.pipeline) {
    record_file_ops(seg, state);
    record_runs(seg, state, out);
  }
  record_downloads(cmd, tag, state);
}

}  // namespace vigil::scan::config
