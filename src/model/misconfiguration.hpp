// A risky configuration found by a check (image config, CI workflows, Dockerfiles, scripts): which check, how
// bad, where, and what to do about it.
#pragma once

#include <optional>
#include <string>

#include "model/image.hpp"
#include "model/severity.hpp"
#include "model/suppression.hpp"

namespace vigil::model {

struct Misconfiguration {
  std::string check;  // stable id, e.g. "image-runs-as-root"
  Severity severity = Severity::Medium;
  std::string title;        // what the check looks for
  std::string message;      // what this finding is, specifically
  std::string remediation;  // what to do
  std::string explanation;  // why it matters (SARIF rule help; not in the JSON report, which repeats no docs)
  std::string path;         // relative to the scan root; "image-config/..." for image config checks
  int line = 0;             // 1-based; 0 when the finding is about the whole file
  LayerPtr layer;           // images: the layer the line made, when there is one
  std::optional<Suppression> suppressed;
};

}  // namespace vigil::model
