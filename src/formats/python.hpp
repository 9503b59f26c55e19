// Python: requirements files, poetry/Pipfile/uv lockfiles, installed dist-info and egg-info metadata.
// Pure parsers: bytes in, packages out; every one has a libFuzzer target in fuzz/.
#pragma once

#include <string_view>

#include "formats/parsed.hpp"

namespace vigil::formats {

Result<Parsed> parse_requirements_txt(std::string_view path, std::string_view bytes);
Result<Parsed> parse_poetry_lock(std::string_view path, std::string_view bytes);
Result<Parsed> parse_pipfile_lock(std::string_view path, std::string_view bytes);
Result<Parsed> parse_uv_lock(std::string_view path, std::string_view bytes);
Result<Parsed> parse_python_metadata(std::string_view path, std::string_view bytes);
// Zipped egg (site-packages/x-1.0-py3.6.egg): reads EGG-INFO/PKG-INFO inside the zip.
Result<Parsed> parse_egg(std::string_view path, std::string_view bytes);

}  // namespace vigil::formats
