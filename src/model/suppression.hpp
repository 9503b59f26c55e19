// Why a finding (vulnerability or secret) is reported as suppressed instead of counted by gates.
#pragma once

#include <string>

namespace vigil::model {

// Why a finding is not counted: an ignore-file entry, a VEX statement or a baseline.
struct Suppression {
  std::string kind;    // "ignore", "vex" or "baseline"
  std::string file;    // the ignore or VEX file
  std::string reason;  // the entry's reason, or the VEX justification/impact statement
};

}  // namespace vigil::model
