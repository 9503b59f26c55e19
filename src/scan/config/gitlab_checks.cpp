// GitLab CI: what a pipeline file contributes to the shared checks (its scripts and images) and the include
// pinning check. Pinned means a commit SHA or a full release version (vX.Y.Z, X.Y.Z with an optional -rc.1):
// GitLab resolves a partial component version (1, 1.2) to the newest matching release, and a name without dots
// is as likely a branch as a tag, so both can change under the pipeline. Release tags can be moved too, but a
// full version is the convention for an immutable release and flagging it would flag every careful user.
#include <fmt/format.h>

#include <cctype>

#include "scan/config/checks.hpp"

namespace vigil::scan::config {
namespace {

using formats::cicd::GitlabInclude;

// The number of dot-separated numeric parts at the start of a version ("v1.2.3-rc.1" has 3), 0 if none.
int version_parts(std::string_view v) {
  if (!v.empty() && (v.front() == 'v' || v.front() == 'V')) v.remove_prefix(1);
  int parts = 0;
  size_t i = 0;
  while (i < v.size()) {
    const size_t start = i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) != 0) ++i;
    if (i == start) return 0;
    ++parts;
    if (i == v.size() || v[i] == '-' || v[i] == '+') return parts;
    if (v[i] != '.') return 0;
    ++i;
  }
  return 0;  // a trailing dot
}

std::string shorten(std::string_view s) {
  return s.size() <= 150 ? std::string(s) : std::string(s.substr(0, 147)) + "...";
}

// Why a project include can change, or "" when it is pinned.
std::string project_problem(const GitlabInclude& inc) {
  const std::string project = shorten(inc.value);
  if (inc.ref.empty()) return fmt::format("project {} is included from its default branch (no ref)", project);
  if (inc.ref.find('$') != std::string::npos) {
    return fmt::format("project {} is included at ref {}, which a variable decides", project, shorten(inc.ref));
  }
  if (is_commit_sha(inc.ref) || version_parts(inc.ref) >= 3) return "";
  return fmt::format("project {} is included at ref {}, a branch or moving tag, not a commit SHA or release", project,
                     shorten(inc.ref));
}

std::string component_problem(const GitlabInclude& inc) {
  const std::string component = shorten(inc.value);
  const size_t at = inc.value.rfind('@');
  if (at == std::string::npos) return fmt::format("component {} has no @version", component);
  const std::string_view version = std::string_view(inc.value).substr(at + 1);
  if (version == "~latest") {
    return fmt::format("component {} uses ~latest, whatever release is newest when the pipeline runs", component);
  }
  if (is_commit_sha(version) || version_parts(version) >= 3) return "";
  if (version_parts(version) > 0) {
    return fmt::format("component {} uses the partial version {}, which moves to each new {}.x release", component,
                       version, version);
  }
  return fmt::format("component {} is at {}, a branch or moving tag, not a commit SHA or release", component,
                     shorten(version));
}

}  // namespace

void lower_gitlab(const formats::cicd::GitlabCi& gitlab, Document& doc) {
  for (const auto& s : gitlab.scripts) doc.scripts.push_back({&s, "default script"});
  if (gitlab.image) doc.images.push_back({*gitlab.image, "image"});
  for (const auto& s : gitlab.services) doc.images.push_back({s, "service " + s.value});
  for (const auto& job : gitlab.jobs) {
    const std::string where = "job " + job.name;
    for (const auto& s : job.scripts) doc.scripts.push_back({&s, where});
    if (job.image) doc.images.push_back({*job.image, where + " image"});
    for (const auto& s : job.services) doc.images.push_back({s, where + " service " + s.value});
  }
}

void check_gitlab_include_not_pinned(const ConfigCheck& check, const Document& doc, Findings& out) {
  if (doc.gitlab == nullptr) return;
  for (const auto& inc : doc.gitlab->includes) {
    std::string problem;
    if (inc.kind == "remote") {
      problem = fmt::format("remote include {} is fetched each time the pipeline runs and can change at any time",
                            shorten(inc.value));
    } else if (inc.kind == "project") {
      problem = project_problem(inc);
    } else if (inc.kind == "component") {
      problem = component_problem(inc);
    }
    if (!problem.empty()) out.add(check, inc.line, std::move(problem));
  }
}

}  // namespace vigil::scan::config
