// What one image layer holds, on its own: the packages, OS, secrets and warnings of its files, plus what it
// deletes and overwrites. Computed once per layer (and cached by diff_id); image_scan.cpp stacks the layers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "image/layer_reader.hpp"
#include "model/package.hpp"
#include "scan/analyzer.hpp"
#include "scan/file_scanner.hpp"

namespace vigil::scan::image_layers {

struct LayerFindings {
  std::vector<model::Package> packages;  // location = the file's path in the layer (or inside it: "a.war!/...")
  std::vector<model::OsInfo> os;         // every os-release-like file found, with location
  std::vector<model::SecretFinding> secrets;
  std::vector<Diagnostic> warnings;
  std::vector<std::string> whiteouts;    // paths this layer deletes from the layers below
  std::vector<std::string> opaque_dirs;  // directories whose lower contents it hides ("" = the root)
  // 64-bit hashes (path_hash) of every path the layer writes, sorted; and of those that are not directories.
  // A later layer that writes P (or a non-directory at P's parent) hides a lower layer's P. Hashes, not paths,
  // so a 500k-file layer costs 8 MB here rather than 50.
  std::vector<uint64_t> written;
  std::vector<uint64_t> written_non_dirs;
  uint64_t files = 0;  // regular files in the layer
};

uint64_t path_hash(std::string_view path);

struct LayerScanOptions {
  std::span<const Analyzer> analyzers;
  std::vector<const FileScanner*> file_scanners;
};

// Reads the layer to its end (so the blob digest and diff_id are verified) and analyses each wanted file from
// memory. Fails when the layer cannot be read or does not verify; problems with single files are warnings.
Result<LayerFindings> scan_layer(image::LayerReader& reader, const LayerScanOptions& options);

}  // namespace vigil::scan::image_layers
