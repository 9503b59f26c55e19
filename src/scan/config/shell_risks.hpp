// Risky shell patterns shared by every config check that reads shell: image history lines now, Dockerfile RUN
// lines, CI scripts and workflow `run:` steps next.
#pragma once

#include <string_view>

namespace vigil::scan::config {

// True when the command line pipes or substitutes a download straight into an interpreter, the Codecov
// pattern: `curl ... | sh`, `wget -O- ... | sudo bash`, `bash <(curl ...)`, `sh -c "$(curl ...)"`,
// `eval "$(wget -qO- ...)"`. Nothing can verify a checksum between the download and the run in these forms.
bool pipes_download_to_interpreter(std::string_view command);

}  // namespace vigil::scan::config
