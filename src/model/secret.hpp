// A hard-coded secret found in a file: where, which rule, how bad; never the secret itself.
#pragma once

#include <optional>
#include <string>

#include "model/image.hpp"
#include "model/severity.hpp"
#include "model/suppression.hpp"

namespace vigil::model {

struct SecretFinding {
  std::string rule;   // rule id, e.g. "github-pat"
  std::string title;  // the rule's description
  Severity severity = Severity::High;
  std::string path;         // relative to the scan root (for `scan repo`: the path in the commit)
  int line = 0;             // 1-based
  int column = 0;           // 1-based, in bytes
  std::string redacted;     // a few leading characters then "*****"; never enough to use the secret
  std::string fingerprint;  // stable hash of rule + path + secret (for baselines); not reversible
  // `scan repo` only: where the secret first appeared and whether HEAD still has it.
  std::string commit;
  std::string author_date;  // RFC 3339
  std::optional<bool> present_at_head;
  std::optional<Suppression> suppressed;  // set: reported as suppressed, not counted by gates
  // Images: the layer that added the file, and the first later layer that deleted or replaced it (-1: none;
  // the secret is still in the image either way, inside the lower layer's blob).
  LayerPtr layer;
  int deleted_in_layer = -1;
};

}  // namespace vigil::model
