// libFuzzer target image_layer: the input is a layer blob (plain tar, gzip, zstd, ...) read by LayerReader and
// scanned by every analyzer and the secret scanner, as `scan image` does; what it finds must then survive the
// layer cache's record format unchanged. Seeds: tests/data/image/layers.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>

#include "image/layer_reader.hpp"
#include "scan/analyzer.hpp"
#include "scan/image/fuzz_entry.hpp"
#include "scan/image/layer_scan.hpp"
#include "scan/secrets/scanner.hpp"

namespace {

using namespace vigil;

// The input as an unverified blob, handed out in uneven reads (as a socket or a tar entry would).
class BytesBlob final : public image::BlobReader {
 public:
  explicit BytesBlob(std::string_view bytes) : bytes_(bytes) {}
  Result<size_t> read(std::span<char> out) override {
    const size_t n = std::min({out.size(), bytes_.size() - pos_, size_t{3001}});
    if (n > 0) std::memcpy(out.data(), bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

const scan::image_layers::LayerScanOptions& scan_options() {
  // Built once: compiling the secret rules takes far longer than one input. No database cache: a fuzzer must
  // not write into the user's home.
  static const auto scanner = secrets::SecretScanner::create(
      secrets::all_secret_rules(), secrets::ScannerOptions{.scan_binary = true, .cache_dir = {}});
  static const scan::image_layers::LayerScanOptions options = [] {
    if (!scanner) __builtin_trap();
    scan::image_layers::LayerScanOptions o;
    o.analyzers = scan::all_analyzers();
    o.file_scanners.push_back(scanner->get());
    return o;
  }();
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& options = scan_options();
  // Small limits keep compressed inputs (xz, bzip2 expand a lot) within the fuzzer's time and memory budget.
  const image::LayerLimits limits{.max_entries = 20'000, .max_uncompressed_bytes = 32ULL << 20, .max_path_bytes = 4096};
  auto reader = image::LayerReader::open(
      std::make_unique<BytesBlob>(std::string_view(reinterpret_cast<const char*>(data), size)), {}, limits);
  if (!reader) return 0;
  auto findings = scan::image_layers::scan_layer(**reader, options);
  if (!findings) return 0;
  for (const auto& w : findings->whiteouts) {
    // LayerReader's contract: whiteout targets are normalised relative paths too.
    if (w.empty() || w.front() == '/' || w == ".." || w.starts_with("../")) __builtin_trap();
  }
  scan::image_layers::check_findings_round_trip(*findings);
  return 0;
}
