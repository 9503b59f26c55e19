// libFuzzer entry points for the image layer cache record format, plus the round-trip check the layer fuzzer
// (fuzz/fuzz_image_layer.cpp) also runs: a cached layer must read back exactly as it was scanned.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "formats/parsed.hpp"
#include "scan/image/layer_scan.hpp"

namespace vigil::scan::image_layers {

// Traps (__builtin_trap) unless encode_findings(findings) decodes to the same findings, field by field, and
// findings carries nothing the record format would drop (purl, layer refs, repo-only secret fields).
void check_findings_round_trip(const LayerFindings& findings);

// fuzz/CMakeLists.txt row layer_cache_record: decode_findings on arbitrary bytes; whatever decodes must then
// survive encode -> decode unchanged. Returns an empty Parsed.
Result<formats::Parsed> decode_findings_fuzz(std::string_view path, std::string_view bytes);

}  // namespace vigil::scan::image_layers
