// A problem found in an input file: reported to the user, never fatal to a scan.
#pragma once

#include <string>

namespace vigil {

struct Diagnostic {
  std::string file;  // path as shown to the user (relative to the scan root where there is one)
  int line = 0;      // 0 when unknown
  std::string message;
};

}  // namespace vigil
