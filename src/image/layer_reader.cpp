// Two libarchive readers in a chain: the outer one only decompresses (raw format, any filter), the inner one
// reads tar from the outer one's output. The bytes between them are the uncompressed layer, hashed for diff_id.
#include "image/layer_reader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/sha256.hpp"

namespace vigil::image {
namespace {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

std::string archive_message(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown archive error";
}

EntryType entry_type(mode_t type) {
  switch (type) {
    case AE_IFREG: return EntryType::File;
    case AE_IFDIR: return EntryType::Directory;
    case AE_IFLNK: return EntryType::Symlink;
    default: return EntryType::Other;
  }
}

}  // namespace

std::optional<std::string> normalize_entry_path(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  size_t pos = 0;
  while (pos <= raw.size()) {
    size_t slash = raw.find('/', pos);
    if (slash == std::string_view::npos) slash = raw.size();
    const std::string_view part = raw.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == ".." || part.find('\0') != std::string_view::npos) return std::nullopt;
    if (!out.empty()) out += '/';
    out += part;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// Uncompressed chunks from the decompressing thread to the tar reader; bounded, so memory stays flat.
class ChunkPipe {
 public:
  // Blocks while full; false once the consumer has gone.
  bool push(std::string chunk) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return queue_.size() < kDepth || closed_; });
    if (closed_) return false;
    queue_.push_back(std::move(chunk));
    ready_.notify_one();
    return true;
  }
  // The producer is done: error empty means the stream ended and verified.
  void end(std::string error) {
    std::lock_guard lock(mutex_);
    ended_ = true;
    error_ = std::move(error);
    ready_.notify_one();
  }
  // Next chunk into out (true), or false at the end with error set when the stream failed.
  bool pop(std::string& out, std::string& error) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty() || ended_; });
    if (!queue_.empty()) {
      out = std::move(queue_.front());
      queue_.pop_front();
      space_.notify_one();
      return true;
    }
    error = error_;
    return false;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    space_.notify_all();
  }

 private:
  static constexpr size_t kDepth = 8;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::deque<std::string> queue_;
  bool ended_ = false;
  bool closed_ = false;
  std::string error_;
};

// Two threads per layer: the producer reads the blob (its source verifies the digest), decompresses and hashes
// for diff_id; the consumer (the caller) parses tar and hands out entries. On 2 cores this halves a layer's time.
struct LayerReader::Impl {
  static constexpr size_t kChunk = 256U << 10;

  std::unique_ptr<BlobReader> blob;
  std::string expected_diff_id;
  LayerLimits limits;
  ArchivePtr outer{archive_read_new()};
  ArchivePtr inner{archive_read_new()};
  std::array<char, 1 << 16> blob_buffer{};  // compressed bytes handed to the outer reader (producer thread)
  std::string blob_error;                   // producer thread
  ChunkPipe pipe;
  std::atomic<uint64_t> uncompressed{0};
  std::jthread producer;
  // Consumer side.
  std::string current;  // the chunk the inner reader is parsing
  bool pipe_ended = false;
  std::string stream_error;  // takes precedence over libarchive's message
  uint64_t entries = 0;
  std::vector<Diagnostic> warnings;
  bool current_is_file = false;

  ~Impl() {
    pipe.close();  // unblocks a producer waiting for space; the jthread joins it
  }

  static la_ssize_t read_blob(archive*, void* self, const void** out) {
    auto* impl = static_cast<Impl*>(self);
    auto n = impl->blob->read(impl->blob_buffer);
    if (!n) {
      impl->blob_error = n.error().message;
      return ARCHIVE_FATAL;
    }
    *out = impl->blob_buffer.data();
    return static_cast<la_ssize_t>(*n);
  }

  // Producer: the uncompressed stream into the pipe, then the verdict on blob digest and diff_id.
  void produce() { pipe.end(produce_all()); }

  std::string produce_all() {
    Sha256 diff_id_hash;
    uint64_t total = 0;
    while (true) {
      std::string chunk(kChunk, '\0');
      const la_ssize_t n = archive_read_data(outer.get(), chunk.data(), chunk.size());
      if (n < 0) return blob_error.empty() ? "decompression failed: " + archive_message(outer.get()) : blob_error;
      if (n == 0) break;
      total += static_cast<uint64_t>(n);
      uncompressed = total;
      if (total > limits.max_uncompressed_bytes) {
        return fmt::format("layer expands to more than {} MiB; refused as a decompression bomb",
                           limits.max_uncompressed_bytes >> 20);
      }
      chunk.resize(static_cast<size_t>(n));
      if (!expected_diff_id.empty()) diff_id_hash.update(chunk);
      if (!pipe.push(std::move(chunk))) return "layer reading stopped";
    }
    std::array<char, 4096> rest{};  // bytes after the compressed stream still count for the blob digest
    while (true) {
      auto n = blob->read(rest);
      if (!n) return n.error().message;
      if (*n == 0) break;
    }
    if (!expected_diff_id.empty()) {
      const std::string actual = diff_id_hash.digest();
      if (actual != expected_diff_id) {
        return fmt::format("layer content does not match its diff_id {} (got {})", expected_diff_id, actual);
      }
    }
    return {};
  }

  static la_ssize_t read_tar(archive*, void* self, const void** out) {
    auto* impl = static_cast<Impl*>(self);
    if (impl->pipe_ended) return 0;
    std::string error;
    if (!impl->pipe.pop(impl->current, error)) {
      impl->pipe_ended = true;
      if (!error.empty()) {
        impl->stream_error = std::move(error);
        return ARCHIVE_FATAL;
      }
      return 0;
    }
    *out = impl->current.data();
    return static_cast<la_ssize_t>(impl->current.size());
  }

  Error error(archive* a) const { return Error{stream_error.empty() ? archive_message(a) : stream_error}; }

  // After the tar's end: drain the pipe (trailing padding counts towards diff_id) and take the producer's verdict.
  Result<void> finish() {
    const void* ignored = nullptr;
    while (!pipe_ended) {
      if (read_tar(nullptr, this, &ignored) < 0) return tl::unexpected(Error{stream_error});
    }
    return {};
  }
};

LayerReader::LayerReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LayerReader::~LayerReader() = default;

Result<std::unique_ptr<LayerReader>> LayerReader::open(std::unique_ptr<BlobReader> blob, std::string expected_diff_id,
                                                       const LayerLimits& limits) {
  auto impl = std::make_unique<Impl>();
  impl->blob = std::move(blob);
  impl->expected_diff_id = std::move(expected_diff_id);
  impl->limits = limits;
  archive* outer = impl->outer.get();
  archive* inner = impl->inner.get();
  if (outer == nullptr || inner == nullptr) return fail("out of memory");
  archive_read_support_filter_gzip(outer);
  archive_read_support_filter_zstd(outer);
  archive_read_support_filter_xz(outer);
  archive_read_support_filter_bzip2(outer);
  archive_read_support_format_raw(outer);
  if (archive_read_open(outer, impl.get(), nullptr, &Impl::read_blob, nullptr) != ARCHIVE_OK) {
    return tl::unexpected(impl->error(outer));
  }
  archive_entry* raw_entry = nullptr;
  if (archive_read_next_header(outer, &raw_entry) != ARCHIVE_OK) {
    return tl::unexpected(impl->error(outer));
  }
  impl->producer = std::jthread([raw = impl.get()] { raw->produce(); });
  archive_read_support_format_tar(inner);
  if (archive_read_open(inner, impl.get(), nullptr, &Impl::read_tar, nullptr) != ARCHIVE_OK) {
    return tl::unexpected(impl->error(inner));
  }
  return std::unique_ptr<LayerReader>(new LayerReader(std::move(impl)));
}

Result<std::optional<LayerEntry>> LayerReader::next() {
  Impl& s = *impl_;
  archive* a = s.inner.get();
  while (true) {
    s.current_is_file = false;
    archive_entry* e = nullptr;
    const int rc = archive_read_next_header(a, &e);
    if (rc == ARCHIVE_EOF) {
      if (auto done = s.finish(); !done) return tl::unexpected(done.error());
      return std::optional<LayerEntry>{};
    }
    if (rc == ARCHIVE_FATAL || rc == ARCHIVE_RETRY) return tl::unexpected(s.error(a));
    if (++s.entries > s.limits.max_entries) {
      return fail(fmt::format("layer has more than {} entries; refused", s.limits.max_entries));
    }
    const char* raw_name = archive_entry_pathname(e);
    const std::string_view raw = raw_name != nullptr ? raw_name : "";
    auto path = raw.size() <= s.limits.max_path_bytes ? normalize_entry_path(raw) : std::nullopt;
    if (!path && raw.find_first_not_of("./") == std::string_view::npos && raw.size() <= 2) {
      continue;  // "./" or "/": the layer's root directory itself
    }
    if (!path) {
      s.warnings.push_back({std::string(raw.substr(0, 200)), 0, "layer entry skipped: unsafe or empty name"});
      continue;
    }
    LayerEntry entry;
    entry.mode = static_cast<uint32_t>(archive_entry_perm(e));
    if (const char* hard = archive_entry_hardlink(e); hard != nullptr) {
      entry.type = EntryType::Hardlink;
      entry.link_target = hard;
    } else {
      entry.type = entry_type(archive_entry_filetype(e));
      if (entry.type == EntryType::Symlink && archive_entry_symlink(e) != nullptr) {
        entry.link_target = archive_entry_symlink(e);
      }
    }
    const size_t slash = path->rfind('/');
    const std::string_view base =
        slash == std::string::npos ? std::string_view(*path) : std::string_view(*path).substr(slash + 1);
    if (base == kOpaqueMarker) {
      entry.whiteout = Whiteout::Opaque;
      entry.path = slash == std::string::npos ? std::string() : path->substr(0, slash);  // "" = the root
    } else if (base.starts_with(kWhiteoutPrefix)) {
      entry.whiteout = Whiteout::Delete;
      const std::string target(base.substr(kWhiteoutPrefix.size()));
      if (target.empty() || target == "." || target == "..") {
        s.warnings.push_back({*path, 0, "layer entry skipped: whiteout without a valid target"});
        continue;
      }
      entry.path = slash == std::string::npos ? target : path->substr(0, slash + 1) + target;
    } else {
      entry.path = std::move(*path);
      if (entry.type == EntryType::File) {
        entry.size = archive_entry_size_is_set(e) != 0 ? static_cast<uint64_t>(archive_entry_size(e)) : 0;
        s.current_is_file = true;
      }
    }
    return std::optional<LayerEntry>(std::move(entry));
  }
}

Result<size_t> LayerReader::read(std::span<char> out) {
  Impl& s = *impl_;
  if (!s.current_is_file) return size_t{0};
  const la_ssize_t n = archive_read_data(s.inner.get(), out.data(), out.size());
  if (n < 0) return tl::unexpected(s.error(s.inner.get()));
  return static_cast<size_t>(n);
}

std::vector<Diagnostic> LayerReader::take_warnings() {
  return std::exchange(impl_->warnings, {});
}

uint64_t LayerReader::uncompressed_bytes() const {
  return impl_->uncompressed.load();
}

}  // namespace vigil::image
