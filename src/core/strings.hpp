// Small string helpers shared by parsers (no allocation unless the result needs it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil {

std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Splits on every occurrence of sep; keeps empty fields.
std::vector<std::string_view> split(std::string_view s, char sep);
// Splits into lines, accepting \n and \r\n.
std::vector<std::string_view> lines(std::string_view s);
std::string to_lower(std::string_view s);
// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);
// Last path component ("a/b/c.txt" -> "c.txt").
std::string_view base_name(std::string_view path);
// Everything before the last '/' ("a/b/c" -> "a/b", "c" -> "").
std::string_view dir_name(std::string_view path);

}  // namespace vigil
