// The image config checks, one row each. Env secrets go through the secret rules (scan_bytes over the Env lines,
// one per line, so a finding's line is the Env entry's position).
#include "scan/image/config_checks.hpp"

#include <fmt/format.h>

#include <array>

#include "core/strings.hpp"
#include "scan/config/shell_risks.hpp"

namespace vigil::scan::image_checks {
namespace {

using formats::oci::ImageConfig;

struct Context {
  const ImageConfig& config;
  std::span<const model::LayerPtr> layers;
};

struct Check {
  std::string_view id;
  model::Severity severity;
  std::string_view title;
  std::string_view remediation;
  void (*run)(const Check& check, const Context& context, std::vector<model::Misconfiguration>& out);
};

model::Misconfiguration finding(const Check& check, std::string message, std::string_view path, int line) {
  return {std::string(check.id),
          check.severity,
          std::string(check.title),
          std::move(message),
          std::string(check.remediation),
          {},
          std::string(path),
          line,
          nullptr,
          std::nullopt};
}

bool root_user(std::string_view user) {
  const std::string_view name = user.substr(0, user.find(':'));
  return name.empty() || name == "root" || name == "0";
}

void runs_as_root(const Check& check, const Context& c, std::vector<model::Misconfiguration>& out) {
  if (!root_user(c.config.user)) return;
  out.push_back(finding(check,
                        c.config.user.empty() ? "the image sets no USER, so its processes run as root"
                                              : fmt::format("the image's USER is \"{}\"", c.config.user),
                        kUserPath, 0));
}

// The layer each history line made (non-empty entries map to layers in order).
model::LayerPtr layer_of_history(const Context& c, size_t history_index) {
  size_t layer = 0;
  for (size_t i = 0; i < history_index && i < c.config.history.size(); ++i) {
    if (!c.config.history[i].empty_layer) ++layer;
  }
  const bool made_layer = !c.config.history[history_index].empty_layer;
  return made_layer && layer < c.layers.size() ? c.layers[layer] : nullptr;
}

void download_and_execute(const Check& check, const Context& c, std::vector<model::Misconfiguration>& out) {
  for (size_t i = 0; i < c.config.history.size(); ++i) {
    const std::string& line = c.config.history[i].created_by;
    if (!config::pipes_download_to_interpreter(line)) continue;
    auto f = finding(check, fmt::format("build step runs downloaded code: {}", line.substr(0, 300)), kHistoryPath,
                     static_cast<int>(i) + 1);
    f.layer = layer_of_history(c, i);
    out.push_back(std::move(f));
  }
}

constexpr std::array kChecks{
    Check{"image-runs-as-root", model::Severity::High, "Image runs as root",
          "Add a USER instruction with an unprivileged user (USER 10001) after installing packages.", runs_as_root},
    Check{"image-history-download-execute", model::Severity::High,
          "Image build step pipes a download into an interpreter",
          "Download to a file, verify its checksum or signature (sha256sum -c, gpg --verify), then run it; or "
          "install from a package manager.",
          download_and_execute},
};

void env_secrets(const ImageConfig& config, const secrets::SecretScanner& scanner, model::Inventory& inventory) {
  std::string lines;
  for (const auto& e : config.env) {
    lines += e;
    lines += '\n';
  }
  std::vector<model::SecretFinding> found;
  scanner.scan_bytes(kEnvPath, lines, found);
  for (auto& s : found) inventory.secrets.push_back(std::move(s));
}

}  // namespace

void check_config(const ImageConfig& config, std::span<const model::LayerPtr> layers,
                  const secrets::SecretScanner* env_scanner, model::Inventory& inventory) {
  const Context context{config, layers};
  for (const auto& check : kChecks) check.run(check, context, inventory.misconfigurations);
  if (env_scanner != nullptr) env_secrets(config, *env_scanner, inventory);
}

}  // namespace vigil::scan::image_checks
