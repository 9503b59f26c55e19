// One pass over a layer stream: whiteouts and written paths are recorded, each file some analyzer or scanner
// wants is read into memory once and analysed at once, except files whose analyzer reads neighbours (go.mod +
// go.sum, a pom.xml's parents): a stream cannot go back, so those wait, in memory, for the layer's end.
#include "scan/image/layer_scan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

namespace vigil::scan::image_layers {
namespace {

constexpr uint64_t kMaxKeptFile = 4ULL << 20;    // a go.sum or pom.xml larger than this is not kept
constexpr uint64_t kMaxKeptTotal = 64ULL << 20;  // per layer
constexpr uint64_t kStreamAbove = 8ULL << 20;    // files only scanners want are streamed above this size

// Files kept for analyzers that read neighbours, looked up by path.
class KeptFiles final : public FileLookup {
 public:
  bool keep(const std::string& path, std::string_view bytes) {
    if (bytes.size() > kMaxKeptFile || total_ + bytes.size() > kMaxKeptTotal) return false;
    total_ += bytes.size();
    files_.insert_or_assign(path, std::string(bytes));
    return true;
  }
  [[nodiscard]] const std::string* find(std::string_view path) const override {
    auto it = files_.find(std::string(path));
    return it == files_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] bool has_files_under(std::string_view dir) const override {
    const std::string prefix = std::string(dir) + "/";
    return std::any_of(files_.begin(), files_.end(), [&](const auto& f) { return f.first.starts_with(prefix); });
  }

 private:
  std::unordered_map<std::string, std::string> files_;
  uint64_t total_ = 0;
};

struct Deferred {
  std::string path;
  uint64_t size = 0;
  bool executable = false;
  std::vector<const Analyzer*> analyzers;
};

std::string_view base_of(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Runs analyzers and scanners on one file; what they add is stamped with the file's path.
void analyze(FileContent& content, std::span<const Analyzer* const> analyzers,
             std::span<const FileScanner* const> scanners, LayerFindings& out) {
  AnalyzerOutput found;
  for (const Analyzer* analyzer : analyzers) analyzer->analyze(content, found);
  for (const FileScanner* scanner : scanners) scanner->scan(content, found);
  const std::string path(content.info().path);
  for (auto& pkg : found.packages) {
    if (pkg.location.empty()) pkg.location = path;
    out.packages.push_back(std::move(pkg));
  }
  for (auto& w : found.warnings) {
    if (w.file.empty()) w.file = path;
    out.warnings.push_back(std::move(w));
  }
  for (auto& s : found.secrets) out.secrets.push_back(std::move(s));
  if (found.os) {
    found.os->location = path;
    out.os.push_back(std::move(*found.os));
  }
}

// Reads the current entry's data into buffer. The buffer grows as data arrives rather than to the size the tar
// header claims, so a header that lies costs nothing until the bytes are really there.
Result<void> read_entry(image::LayerReader& reader, uint64_t size, std::string& buffer) {
  constexpr size_t kChunk = 1U << 20;
  buffer.clear();
  while (buffer.size() < size) {
    const size_t done = buffer.size();
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, size - done));
    buffer.resize(done + want);
    auto n = reader.read(std::span<char>(buffer.data() + done, want));
    if (!n) return tl::unexpected(n.error());
    buffer.resize(done + *n);
    if (*n == 0) break;
  }
  return {};
}

class LayerScan {
 public:
  explicit LayerScan(const LayerScanOptions& options) : options_(options) {
    for (const auto& a : options.analyzers) {
      if (!a.companion_file.empty()) companions_.push_back(a.companion_file);
    }
  }

  Result<LayerFindings> run(image::LayerReader& reader) {
    while (true) {
      auto entry = reader.next();
      if (!entry) return tl::unexpected(entry.error());
      if (!*entry) break;
      if (auto ok = on_entry(reader, **entry); !ok) return tl::unexpected(ok.error());
    }
    for (auto& w : reader.take_warnings()) out_.warnings.push_back(std::move(w));
    run_deferred();
    std::sort(out_.written.begin(), out_.written.end());
    std::sort(out_.written_non_dirs.begin(), out_.written_non_dirs.end());
    return std::move(out_);
  }

 private:
  Result<void> on_entry(image::LayerReader& reader, const image::LayerEntry& entry) {
    if (entry.whiteout == image::Whiteout::Delete) {
      out_.whiteouts.push_back(entry.path);
      return {};
    }
    if (entry.whiteout == image::Whiteout::Opaque) {
      out_.opaque_dirs.push_back(entry.path);
      return {};
    }
    const uint64_t hash = path_hash(entry.path);
    out_.written.push_back(hash);
    if (entry.type != image::EntryType::Directory) out_.written_non_dirs.push_back(hash);
    if (entry.type != image::EntryType::File) return {};
    ++out_.files;
    const FileInfo info{entry.path, base_of(entry.path), entry.size, (entry.mode & 0111U) != 0};
    // Reused for every entry: a layer can hold hundreds of thousands of files.
    auto& now = now_;
    auto& later = later_;
    auto& scanners = scanners_;
    now.clear();
    later.clear();
    scanners.clear();
    for (const auto& a : options_.analyzers) {
      if (a.wants(info)) (a.reads_other_files ? later : now).push_back(&a);
    }
    for (const FileScanner* s : options_.file_scanners) {
      if (s->wants(info)) scanners.push_back(s);
    }
    const bool companion = std::find(companions_.begin(), companions_.end(), info.name) != companions_.end();
    if (now.empty() && later.empty() && scanners.empty() && !companion) return {};
    const bool analyzers_want = !now.empty() || !later.empty() || companion;
    if (entry.size > FileContent::kMaxWholeRead || (!analyzers_want && entry.size > kStreamAbove)) {
      // Too large to hold, or only scanners want it: analyzers report the size limit themselves; scanners read
      // it as a stream through a small window, so memory does not follow file sizes.
      later.insert(later.end(), now.begin(), now.end());
      FileContent too_large(info, {}, nullptr);
      analyze(too_large, later, {}, out_);
      FileContent streamed(info, [&reader](std::span<char> out) { return reader.read(out); });
      analyze(streamed, {}, scanners, out_);
      return {};
    }
    if (auto ok = read_entry(reader, entry.size, buffer_); !ok) {
      return fail(fmt::format("{}: {}", entry.path, ok.error().message));
    }
    FileContent content(FileInfo{entry.path, info.name, buffer_.size(), info.executable}, buffer_, nullptr);
    analyze(content, now, scanners, out_);
    if (!later.empty() || companion) {
      if (kept_.keep(entry.path, buffer_)) {
        if (!later.empty()) deferred_.push_back({entry.path, buffer_.size(), info.executable, later});
      } else if (!later.empty()) {
        out_.warnings.push_back({entry.path, 0, "analysed without the files beside it: too large to keep in memory"});
        analyze(content, later, {}, out_);
      }
    }
    if (buffer_.capacity() > (16U << 20)) std::string().swap(buffer_);
    return {};
  }

  void run_deferred() {
    for (const auto& d : deferred_) {
      const std::string* bytes = kept_.find(d.path);
      if (bytes == nullptr) continue;  // cannot happen: deferred files are kept first
      FileContent content(FileInfo{d.path, base_of(d.path), d.size, d.executable}, *bytes, &kept_);
      analyze(content, d.analyzers, {}, out_);
    }
  }

  const LayerScanOptions& options_;
  std::vector<std::string_view> companions_;
  LayerFindings out_;
  KeptFiles kept_;
  std::vector<Deferred> deferred_;
  std::vector<const Analyzer*> now_;
  std::vector<const Analyzer*> later_;
  std::vector<const FileScanner*> scanners_;
  std::string buffer_;
};

}  // namespace

uint64_t path_hash(std::string_view path) {
  // FNV-1a then a murmur-style finaliser: fast, and collisions (which could hide a package) are ~1e-8 likely
  // even with a million paths.
  uint64_t h = 1469598103934665603ULL;
  for (const char c : path) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

Result<LayerFindings> scan_layer(image::LayerReader& reader, const LayerScanOptions& options) {
  return LayerScan(options).run(reader);
}

}  // namespace vigil::scan::image_layers
