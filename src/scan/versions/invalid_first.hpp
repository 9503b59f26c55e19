// The rule several comparators share for input their reference rejects: invalid versions sort before
// every valid one and among themselves by bytes, so the order stays total on any string.
#pragma once

#include <string_view>

namespace vigil::versions {

// parse(text, out) -> bool fills Parsed; compare_valid(x, y) orders two parsed versions.
template <class Parsed, class Parse, class CompareValid>
int compare_invalid_first(std::string_view a, std::string_view b, Parse parse, CompareValid compare_valid) {
  Parsed x;
  Parsed y;
  const bool x_valid = parse(a, x);
  const bool y_valid = parse(b, y);
  if (x_valid && y_valid) {
    return compare_valid(x, y);
  }
  if (x_valid != y_valid) {
    return x_valid ? 1 : -1;
  }
  const int c = a.compare(b);
  return (c > 0) - (c < 0);
}

}  // namespace vigil::versions
