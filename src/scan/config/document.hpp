// One file the `config` scanner checks, whatever its kind: the parsed model plus what every kind shares (the shell
// scripts it runs and the container images it names), so checks such as download-and-execute or image pinning
// are written once. Built by the lower_* functions, one per kind; checked by the rows of checks.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "formats/cicd.hpp"
#include "model/misconfiguration.hpp"

namespace vigil::scan::config {

enum class DocumentKind { None, GithubWorkflow, GithubAction, GitlabCi, Dockerfile, ShellScript };

// What the user configures (CLI flags; docs/scan-config.md).
struct ConfigOptions {
  // Registries (or registry/path prefixes: "registry.internal", "ghcr.io/acme") images must come from;
  // empty: any registry (the image-registry-not-allowed check is off).
  std::vector<std::string> allowed_registries;
  // actions/* and github/* are GitHub's own: a tag is accepted for them unless this is set.
  bool pin_first_party_actions = false;
  // Owners (GitHub organisations or users) whose actions count as first party: your own organisation.
  std::vector<std::string> trusted_action_owners;

  // True when a `uses:` reference ("owner/repo[/path]@ref") is GitHub's own or a trusted owner's.
  [[nodiscard]] bool first_party_action(std::string_view uses) const;
};

struct ScriptUse {
  const formats::cicd::Script* script;
  std::string where;  // what runs it, for messages: "job build, step 3", "RUN", "job test (script)"
};

struct ImageUse {
  formats::cicd::Located reference;  // as written: "node:20", "ghcr.io/a/b@sha256:..."; may hold ${VARS}
  std::string where;                 // "FROM", "job build container", "service postgres", "image"
};

struct Document {
  DocumentKind kind = DocumentKind::None;
  std::string path;  // relative to the scan root
  const ConfigOptions* options = nullptr;
  const formats::cicd::Workflow* workflow = nullptr;      // GithubWorkflow and GithubAction
  const formats::cicd::GitlabCi* gitlab = nullptr;        // GitlabCi
  const formats::cicd::Dockerfile* dockerfile = nullptr;  // Dockerfile
  std::vector<ScriptUse> scripts;
  std::vector<ImageUse> images;
};

// Fill scripts and images from the model (the pointers must outlive the document).
// A full git commit id: 40 (SHA-1) or 64 (SHA-256) hex digits. What "pinned" means for actions, reusable
// workflows, GitLab includes and git URLs in Dockerfiles.
bool is_commit_sha(std::string_view ref);

void lower_workflow(const formats::cicd::Workflow& workflow, Document& doc);
void lower_gitlab(const formats::cicd::GitlabCi& gitlab, Document& doc);
void lower_dockerfile(const formats::cicd::Dockerfile& dockerfile, Document& doc);

}  // namespace vigil::scan::config
