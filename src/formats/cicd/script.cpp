// Script positions: a byte offset in a script's text back to the line of the file it was written on.
#include <algorithm>

#include "formats/cicd.hpp"

namespace vigil::formats::cicd {

int Script::line_at(size_t offset) const {
  if (!lines_exact) return first_line;
  offset = std::min(offset, text.size());
  return first_line +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace vigil::formats::cicd
