// Dockerfile lowering (the RUN scripts and the images a build pulls) and the Dockerfile-only checks: ADD of
// unverified URLs, secrets in ENV/ARG, and a final stage that runs as root. Stages are followed by name so an
// image built FROM an earlier stage inherits what that stage set.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <unordered_map>

#include "core/strings.hpp"
#include "scan/config/checks.hpp"

namespace vigil::scan::config {
namespace {

using formats::cicd::Dockerfile;
using formats::cicd::DockerInstruction;

// Words split on unquoted blanks, quotes removed (`A="x y"` is one word `A=x y`).
std::vector<std::string> unquoted_words(std::string_view s) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote == 0 && (c == ' ' || c == '\t')) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
    } else if (c == quote) {
      quote = 0;
    } else if (c == '\\' && quote != '\'' && i + 1 < s.size()) {
      word += s[++i];
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

// The value of a `--name=value` flag, or nullopt.
std::optional<std::string_view> flag_value(const DockerInstruction& ins, std::string_view name) {
  for (const auto& f : ins.flags) {
    if (f.size() > name.size() + 2 && starts_with(f, "--") &&
        iequals(std::string_view(f).substr(2, name.size()), name) && f[name.size() + 2] == '=') {
      return std::string_view(f).substr(name.size() + 3);
    }
  }
  return std::nullopt;
}

struct Stage {
  std::string base;  // as written
  std::string name;  // `AS name`, may be empty
  int line = 0;
  int parent = -1;                          // the earlier stage it is built FROM, or -1
  const DockerInstruction* user = nullptr;  // its last USER
};

// The stages so far, with an index by lower-cased name (a later stage of the same name wins, as in Docker).
struct Stages {
  std::vector<Stage> list;
  std::unordered_map<std::string, int> by_name;

  // The earlier stage a reference names (by name, case-insensitive, or by index for COPY --from), or -1.
  [[nodiscard]] int find(std::string_view ref, bool allow_index) const {
    if (auto it = by_name.find(to_lower(ref)); it != by_name.end()) return it->second;
    if (allow_index && !ref.empty() && ref.size() < 6 &&
        std::all_of(ref.begin(), ref.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
      const int index = std::stoi(std::string(ref));
      if (static_cast<size_t>(index) < list.size()) return index;
    }
    return -1;
  }

  // Reads a FROM into a new stage.
  Stage& add(const DockerInstruction& from) {
    const auto words = unquoted_words(from.arguments);
    Stage s;
    s.line = from.line;
    if (!words.empty()) s.base = words[0];
    if (words.size() >= 3 && iequals(words[1], "as")) s.name = words[2];
    s.parent = find(s.base, false);
    if (!s.name.empty()) by_name[to_lower(s.name)] = static_cast<int>(list.size());
    list.push_back(std::move(s));
    return list.back();
  }
};

std::vector<Stage> stages_of(const Dockerfile& file) {
  Stages stages;
  for (const auto& ins : file.instructions) {
    if (ins.keyword == "FROM") {
      stages.add(ins);
    } else if (ins.keyword == "USER" && !stages.list.empty()) {
      stages.list.back().user = &ins;
    }
  }
  return std::move(stages.list);
}

// The image of a `--mount=type=bind,from=X,...` (from= names a stage or an image).
std::string mount_from(std::string_view mount) {
  for (auto part : split(mount, ',')) {
    part = trim(part);
    if (starts_with(part, "from=")) return std::string(part.substr(5));
  }
  return {};
}

void add_image(Document& doc, const Stages& stages, std::string_view ref, int line, bool allow_index,
               std::string where) {
  if (ref.empty() || stages.find(ref, allow_index) >= 0) return;
  doc.images.push_back({{std::string(ref), line}, std::move(where)});
}

bool posix_shell(const DockerInstruction& shell) {
  if (!shell.exec_form || shell.exec_args.empty()) return true;
  const std::string name = to_lower(base_name(shell.exec_args[0]));
  return name != "powershell" && name != "powershell.exe" && name != "pwsh" && name != "pwsh.exe" && name != "cmd" &&
         name != "cmd.exe";
}

}  // namespace

void lower_dockerfile(const Dockerfile& dockerfile, Document& doc) {
  Stages stages;
  bool posix = true;  // SHELL ["powershell", ...] makes the stage's RUN lines something else than shell
  for (const auto& ins : dockerfile.instructions) {
    if (ins.keyword == "FROM") {
      const Stage& s = stages.add(ins);
      if (s.parent < 0 && !s.base.empty() && !iequals(s.base, "scratch"))
        doc.images.push_back({{s.base, ins.line}, "FROM"});
      posix = true;
    } else if (ins.keyword == "COPY") {
      if (auto from = flag_value(ins, "from")) add_image(doc, stages, *from, ins.line, true, "COPY --from");
    } else if (ins.keyword == "SHELL") {
      posix = posix_shell(ins);
    } else if (ins.keyword == "RUN") {
      for (const auto& f : ins.flags) {
        if (starts_with(f, "--mount=")) add_image(doc, stages, mount_from(f.substr(8)), ins.line, true, "RUN --mount");
      }
      if (posix && !ins.script.text.empty()) doc.scripts.push_back({&ins.script, "RUN"});
    }
  }
}

// ---- dockerfile-add-url ----

namespace {

bool is_git_url(std::string_view url) {
  const std::string lower = to_lower(url);
  if (starts_with(lower, "git@") || starts_with(lower, "git://") || starts_with(lower, "ssh://")) return true;
  const std::string_view path = std::string_view(lower).substr(0, lower.find_first_of("#?"));
  return ends_with(path, ".git");
}

// A git source pinned to a commit: `#<sha>` or `#<sha>:subdir`, or BuildKit's `?ref=<sha>` / `?checksum=<sha>`.
bool git_pinned(std::string_view url) {
  if (const size_t hash = url.find('#'); hash != std::string_view::npos) {
    const std::string_view ref = url.substr(hash + 1);
    return is_commit_sha(ref.substr(0, ref.find(':')));
  }
  if (const size_t q = url.find('?'); q != std::string_view::npos) {
    for (auto param : split(url.substr(q + 1), '&')) {
      const size_t eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view key = param.substr(0, eq);
      if ((key == "ref" || key == "checksum") && is_commit_sha(param.substr(eq + 1))) return true;
    }
  }
  return false;
}

std::string add_url_message(std::string_view url) {
  if (!is_git_url(url)) return fmt::format("ADD downloads {} without --checksum", url);
  const size_t hash = url.find('#');
  if (hash == std::string_view::npos) {
    return fmt::format("ADD clones {} at its default branch, without --checksum or a commit", url);
  }
  return fmt::format("ADD clones {} at {}, a branch or tag, without --checksum or a commit", url.substr(0, hash),
                     url.substr(hash + 1));
}

}  // namespace

void check_dockerfile_add_url(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (doc.dockerfile == nullptr) return;
  for (const auto& ins : doc.dockerfile->instructions) {
    if (ins.keyword != "ADD" || flag_value(ins, "checksum")) continue;
    const std::vector<std::string> args = ins.exec_form ? ins.exec_args : unquoted_words(ins.arguments);
    for (size_t k = 0; k + 1 < args.size(); ++k) {
      const std::string& src = args[k];
      const std::string lower = to_lower(src);
      const bool remote = starts_with(lower, "http://") || starts_with(lower, "https://") || is_git_url(src);
      if (!remote || (is_git_url(src) && git_pinned(src))) continue;
      out.add(check, ins.line, add_url_message(src));
    }
  }
}

// ---- dockerfile-secret-in-env ----

namespace {

// Name tokens: split on '_' and '-' and at lower-to-upper case changes ("npmToken"), lower-cased.
std::vector<std::string> name_tokens(std::string_view name) {
  std::vector<std::string> tokens(1);
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool camel = i > 0 && std::islower(static_cast<unsigned char>(name[i - 1])) != 0 &&
                       std::isupper(static_cast<unsigned char>(c)) != 0;
    if (c == '_' || c == '-' || camel) {
      if (!tokens.back().empty()) tokens.emplace_back();
      if (c == '_' || c == '-') continue;
    }
    tokens.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (tokens.back().empty()) tokens.pop_back();
  return tokens;
}

// Docker's SecretsUsedInArgOrEnv tokens, with `key` only next to a word that makes it a secret key, and names
// that hold where a secret is or what it is called rather than the secret itself left out.
bool names_a_secret(std::string_view name) {
  static constexpr std::array kSecret{"apikey",     "auth",  "credential", "credentials", "password",
                                      "passphrase", "pword", "passwd",     "secret",      "token"};
  static constexpr std::array kKeyKinds{"api",    "private", "secret", "access", "auth", "signing", "encryption",
                                        "master", "license", "deploy", "ssh",    "jwt",  "hmac"};
  static constexpr std::array kNotSecret{"file",   "path",    "dir",      "url",    "uri",      "host",    "port",
                                         "name",   "user",    "username", "id",     "version",  "type",    "endpoint",
                                         "region", "enabled", "disabled", "mode",   "provider", "timeout", "ttl",
                                         "expiry", "length",  "header",   "method", "sock",     "socket"};
  const auto tokens = name_tokens(name);
  if (tokens.empty()) return false;
  const auto has = [](const auto& list, const std::string& t) {
    return std::find(list.begin(), list.end(), t) != list.end();
  };
  if (has(kNotSecret, tokens.back())) return false;
  if (std::find(tokens.begin(), tokens.end(), "public") != tokens.end()) return false;
  for (size_t k = 0; k < tokens.size(); ++k) {
    const std::string& t = tokens[k];
    if (has(kSecret, t)) return true;
    if (t != "key" && t != "keys") continue;
    // GPG_KEY(S), *_GPG_KEY: official images keep release-signing key fingerprints there.
    if (k > 0 && tokens[k - 1] == "gpg") continue;
    if ((k > 0 && has(kKeyKinds, tokens[k - 1])) || (k + 1 < tokens.size() && has(kKeyKinds, tokens[k + 1]))) {
      return true;
    }
  }
  return false;
}

// Empty values, switches and small numbers (AUTH_ENABLED=true, TOKEN_TTL=3600) store nothing secret.
bool secret_like(std::string_view value) {
  static constexpr std::array kSwitches{"true", "false", "yes", "no", "on", "off"};
  if (value.empty()) return false;
  const std::string lower = to_lower(value);
  if (std::find(kSwitches.begin(), kSwitches.end(), lower) != kSwitches.end()) return false;
  return value.size() >= 8 || !std::all_of(value.begin(), value.end(),
                                           [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

struct Variable {
  std::string name;
  std::string value;
  bool has_value = false;
};

// ENV K=V K2="v 2" ... or the legacy ENV K the rest; ARG A B=default ...
std::vector<Variable> variables_of(const DockerInstruction& ins) {
  std::vector<Variable> out;
  const auto words = unquoted_words(ins.arguments);
  if (words.empty()) return out;
  if (ins.keyword == "ENV" && words[0].find('=') == std::string::npos) {
    const std::string_view args = trim(ins.arguments);
    const size_t gap = args.find_first_of(" \t");
    const std::string_view rest = gap == std::string_view::npos ? std::string_view{} : trim(args.substr(gap));
    out.push_back({words[0], std::string(rest), !rest.empty()});
    return out;
  }
  for (const auto& w : words) {
    const size_t eq = w.find('=');
    if (eq == std::string::npos) {
      out.push_back({w, "", false});
    } else {
      out.push_back({w.substr(0, eq), w.substr(eq + 1), true});
    }
  }
  return out;
}

// Finds the lines variables' names are written on (an instruction may span lines). Variables come in text order,
// so each search goes on from the previous one: one pass over the text for all of them.
class LineFinder {
 public:
  explicit LineFinder(const DockerInstruction& ins) : ins_(ins), line_(ins.line) {}

  int line_of(std::string_view name) {
    const std::string& text = ins_.script.text;
    if (lost_ || !ins_.script.lines_exact) return line_;
    for (size_t at = text.find(name, pos_); at != std::string::npos; at = text.find(name, at + 1)) {
      const char before = at == 0 ? ' ' : text[at - 1];
      const char next = at + name.size() < text.size() ? text[at + name.size()] : ' ';
      if (std::string_view(" \t\n\"'").find(before) == std::string_view::npos ||
          std::string_view("= \t\\\n").find(next) == std::string_view::npos) {
        continue;
      }
      line_ += static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(pos_),
                                           text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
      pos_ = at;
      return line_;
    }
    lost_ = true;  // written differently (escapes): later names keep the last line found rather than searching
    return line_;
  }

 private:
  const DockerInstruction& ins_;
  size_t pos_ = 0;
  int line_;
  bool lost_ = false;
};

}  // namespace

void check_dockerfile_secret_env(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (doc.dockerfile == nullptr) return;
  for (const auto& ins : doc.dockerfile->instructions) {
    if (ins.keyword != "ENV" && ins.keyword != "ARG") continue;
    LineFinder lines(ins);
    for (const auto& v : variables_of(ins)) {
      if (!names_a_secret(v.name)) continue;
      const int line = lines.line_of(v.name);
      if (ins.keyword == "ENV") {
        if (!v.has_value || !secret_like(v.value)) continue;
        out.add(check, line, fmt::format("ENV {} is stored in the image config", v.name));
      } else {
        out.add(check, line,
                fmt::format("ARG {} is a build argument: its value is recorded in the image history", v.name));
      }
    }
  }
}

// ---- dockerfile-runs-as-root ----

namespace {

// `$NAME` / `${NAME}` from the ARGs declared before the first FROM (the only ones FROM can use).
std::string expand_global_args(std::string_view text, const std::map<std::string, std::string>& args) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    const bool braced = i + 1 < text.size() && text[i + 1] == '{';
    size_t j = i + (braced ? 2 : 1);
    const size_t start = j;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) != 0 || text[j] == '_')) ++j;
    auto it = args.find(std::string(text.substr(start, j - start)));
    if (it == args.end() || (braced && (j >= text.size() || text[j] != '}'))) {
      out += text[i];
      continue;
    }
    out += it->second;
    i = braced ? j : j - 1;
  }
  return out;
}

std::map<std::string, std::string> global_args(const Dockerfile& file) {
  std::map<std::string, std::string> args;
  for (const auto& ins : file.instructions) {
    if (ins.keyword == "FROM") break;
    if (ins.keyword != "ARG") continue;
    for (auto& v : variables_of(ins)) {
      if (v.has_value) args[v.name] = v.value;
    }
  }
  return args;
}

// Bases whose default user is not root: distroless :nonroot tags (and *-nonroot tags) and Chainguard images
// other than their -dev variants.
bool nonroot_base(std::string_view image) {
  image = image.substr(0, image.find('@'));
  const size_t slash = image.rfind('/');
  const size_t colon = image.rfind(':');
  const std::string_view tag = colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)
                                   ? image.substr(colon + 1)
                                   : std::string_view{};
  if (tag.find("nonroot") != std::string_view::npos) return true;
  return starts_with(image, "cgr.dev/chainguard/") && tag.find("-dev") == std::string_view::npos && tag != "dev";
}

bool root_user(std::string_view user) {
  std::string_view name = trim(user);
  if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'') && name.back() == name.front()) {
    name = name.substr(1, name.size() - 2);
  }
  name = name.substr(0, name.find(':'));
  return name == "root" || name == "0";
}

}  // namespace

void check_dockerfile_root_user(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (doc.dockerfile == nullptr) return;
  const std::vector<Stage> stages = stages_of(*doc.dockerfile);
  if (stages.empty()) return;
  const auto args = global_args(*doc.dockerfile);
  const Stage& final_stage = stages.back();
  int k = static_cast<int>(stages.size()) - 1;
  // Parents are earlier stages, so this ends; the first USER found up the chain is the one in effect.
  while (stages[static_cast<size_t>(k)].user == nullptr && stages[static_cast<size_t>(k)].parent >= 0) {
    k = stages[static_cast<size_t>(k)].parent;
  }
  const Stage& s = stages[static_cast<size_t>(k)];
  if (s.user != nullptr) {
    const std::string& user = s.user->arguments;
    if (user.find('$') != std::string::npos || !root_user(user)) return;
    out.add(check, s.user->line,
            &s == &final_stage
                ? fmt::format("USER {} is the last USER of the final stage", user)
                : fmt::format("USER {} of stage {} is still in effect in the final stage", user, s.name));
    return;
  }
  if (nonroot_base(expand_global_args(s.base, args))) return;
  out.add(check, final_stage.line,
          &s == &final_stage
              ? fmt::format("the final stage (FROM {}) sets no USER, so the container runs as root", s.base)
              : fmt::format("the final stage (FROM {}, built on {}) sets no USER, so the container runs as root",
                            final_stage.base, s.base));
}

}  // namespace vigil::scan::config
