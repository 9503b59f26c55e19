// The `config` checks: one row each in checks.cpp (id, severity, title, explanation, remediation, the function
// that runs it). A check looks at one Document and adds findings; it ignores kinds it has nothing to say about.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/misconfiguration.hpp"
#include "scan/config/document.hpp"

namespace vigil::scan::config {

struct ConfigCheck;

// Where a check puts its findings; the path is the document's.
class Findings {
 public:
  Findings(const Document& doc, std::vector<model::Misconfiguration>& out) : doc_(doc), out_(out) {}
  void add(const ConfigCheck& check, int line, std::string message);

 private:
  const Document& doc_;
  std::vector<model::Misconfiguration>& out_;
};

struct ConfigCheck {
  std::string_view id;  // stable, kebab-case; what ignore files and `vigil:allow` comments name
  model::Severity severity;
  std::string_view title;        // what it looks for, one line
  std::string_view explanation;  // why it matters (docs and SARIF rule help)
  std::string_view remediation;  // what to do
  void (*run)(const ConfigCheck& check, const Document& doc, Findings& out);
};

std::span<const ConfigCheck> all_config_checks();
const ConfigCheck* find_config_check(std::string_view id);

// The run functions, by file: shell_checks.cpp
void check_download_execute(const ConfigCheck& check, const Document& doc, Findings& out);
// image_checks.cpp (every kind's images)
void check_image_not_pinned(const ConfigCheck& check, const Document& doc, Findings& out);
void check_image_registry(const ConfigCheck& check, const Document& doc, Findings& out);
// dockerfile_checks.cpp
void check_dockerfile_add_url(const ConfigCheck& check, const Document& doc, Findings& out);
void check_dockerfile_secret_env(const ConfigCheck& check, const Document& doc, Findings& out);
void check_dockerfile_root_user(const ConfigCheck& check, const Document& doc, Findings& out);
// github_checks.cpp
void check_action_not_pinned(const ConfigCheck& check, const Document& doc, Findings& out);
void check_untrusted_checkout(const ConfigCheck& check, const Document& doc, Findings& out);
void check_template_injection(const ConfigCheck& check, const Document& doc, Findings& out);
void check_secret_echoed(const ConfigCheck& check, const Document& doc, Findings& out);
void check_self_hosted_fork(const ConfigCheck& check, const Document& doc, Findings& out);
// github_permissions.cpp
void check_permissions_missing(const ConfigCheck& check, const Document& doc, Findings& out);
void check_permissions_write_all(const ConfigCheck& check, const Document& doc, Findings& out);
void check_permissions_unused_write(const ConfigCheck& check, const Document& doc, Findings& out);
// github_secrets.cpp
void check_secrets_inherit(const ConfigCheck& check, const Document& doc, Findings& out);
void check_secrets_in_workflow_env(const ConfigCheck& check, const Document& doc, Findings& out);
void check_secret_to_third_party(const ConfigCheck& check, const Document& doc, Findings& out);
// gitlab_checks.cpp (with lower_gitlab)
void check_gitlab_include_not_pinned(const ConfigCheck& check, const Document& doc, Findings& out);
// action_typosquat.cpp (with the table of well-known actions it compares against)
std::span<const std::string_view> well_known_actions();
void check_action_typosquat(const ConfigCheck& check, const Document& doc, Findings& out);

}  // namespace vigil::scan::config
