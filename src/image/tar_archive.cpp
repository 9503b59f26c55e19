// libarchive over a file descriptor with read and seek callbacks (pread at our own offset, so several readers
// can share one descriptor); skipping an entry's data is a seek, so reaching the last layer of an archive costs
// a few header reads, not the bytes before it.
#include "image/tar_archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "image/layer_reader.hpp"

namespace vigil::image {
namespace {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

// The state the libarchive callbacks read from: a shared descriptor and this reader's own offset.
struct FileStream {
  std::shared_ptr<const UniqueFd> fd;
  int64_t offset = 0;
  int64_t file_size = 0;
  std::string error;
  std::array<char, 1 << 16> buffer{};

  static la_ssize_t read(archive*, void* self, const void** out) {
    auto* s = static_cast<FileStream*>(self);
    *out = s->buffer.data();
    while (true) {
      const ssize_t n = ::pread(s->fd->get(), s->buffer.data(), s->buffer.size(), s->offset);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        s->error = fmt::format("read failed: {}", std::strerror(errno));
        return ARCHIVE_FATAL;
      }
      s->offset += n;
      return n;
    }
  }

  static la_int64_t seek(archive*, void* self, la_int64_t offset, int whence) {
    auto* s = static_cast<FileStream*>(self);
    int64_t base = 0;
    if (whence == SEEK_CUR) base = s->offset;
    if (whence == SEEK_END) base = s->file_size;
    const int64_t target = base + offset;
    if (target < 0) return ARCHIVE_FATAL;
    s->offset = target;
    return target;
  }
};

std::string archive_message(archive* a, const FileStream& stream) {
  if (!stream.error.empty()) return stream.error;
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown archive error";
}

// A tar reader (any compression filter) over a fresh stream of the file.
// A fresh read position on the archive file (each reader seeks on its own).
std::unique_ptr<FileStream> file_stream(const std::shared_ptr<const UniqueFd>& fd) {
  auto stream = std::make_unique<FileStream>();
  stream->fd = fd;
  struct stat st{};
  if (::fstat(fd->get(), &st) == 0) stream->file_size = st.st_size;
  return stream;
}

Result<ArchivePtr> open_reader(FileStream& stream) {
  ArchivePtr a(archive_read_new());
  if (!a) return fail("out of memory");
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_filter_all(a.get());
  archive_read_set_callback_data(a.get(), &stream);
  archive_read_set_read_callback(a.get(), &FileStream::read);
  archive_read_set_seek_callback(a.get(), &FileStream::seek);
  if (archive_read_open1(a.get()) != ARCHIVE_OK) {
    return fail(fmt::format("not a tar archive: {}", archive_message(a.get(), stream)));
  }
  return a;
}

// Streams one entry's data; owns its libarchive reader and stream state.
class EntryReader final : public BlobReader {
 public:
  EntryReader(std::unique_ptr<FileStream> stream, ArchivePtr reader)
      : stream_(std::move(stream)), reader_(std::move(reader)) {}

  Result<size_t> read(std::span<char> out) override {
    if (out.empty()) return size_t{0};
    const la_ssize_t n = archive_read_data(reader_.get(), out.data(), out.size());
    if (n < 0) return fail(fmt::format("archive read failed: {}", archive_message(reader_.get(), *stream_)));
    return static_cast<size_t>(n);
  }

 private:
  std::unique_ptr<FileStream> stream_;  // before reader_: the reader's callbacks use it until freed
  ArchivePtr reader_;
};

std::optional<std::string> normalize_name(std::string_view raw) {
  if (raw.empty() || raw.front() == '/') return std::nullopt;
  return normalize_entry_path(raw);
}

}  // namespace

Result<std::unique_ptr<TarArchive>> TarArchive::open(const std::string& path, const TarLimits& limits) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) return fail(fmt::format("{}: {}", path, std::strerror(errno)));
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) return fail(fmt::format("{}: {}", path, std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return fail(fmt::format("{}: not a regular file", path));
  std::unique_ptr<TarArchive> tar(new TarArchive(path, std::make_shared<const UniqueFd>(std::move(fd))));
  if (auto built = tar->build_index(limits); !built) return tl::unexpected(built.error());
  return tar;
}

Result<void> TarArchive::build_index(const TarLimits& limits) {
  auto stream = file_stream(fd_);
  auto reader = open_reader(*stream);
  if (!reader) return fail(fmt::format("{}: {}", path_, reader.error().message));
  archive* a = reader->get();
  for (uint64_t ordinal = 0;; ++ordinal) {
    archive_entry* e = nullptr;
    const int rc = archive_read_next_header(a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return fail(fmt::format("{}: {}", path_, archive_message(a, *stream)));
    }
    if (ordinal >= limits.max_entries) {
      return fail(fmt::format("{}: more than {} entries; refused", path_, limits.max_entries));
    }
    if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) != nullptr) continue;
    const char* raw_name = archive_entry_pathname(e);
    const std::string_view raw = raw_name != nullptr ? raw_name : "";
    auto name = raw.size() <= limits.max_name_bytes ? normalize_name(raw) : std::nullopt;
    if (!name) {
      ++skipped_names_;
      continue;
    }
    const int64_t size = archive_entry_size_is_set(e) != 0 ? archive_entry_size(e) : 0;
    // A later entry of the same name wins, as it would when the archive is extracted.
    index_[*name] = Entry{ordinal, static_cast<uint64_t>(size < 0 ? 0 : size)};
  }
  return {};
}

const TarArchive::Entry* TarArchive::find(std::string_view name) const {
  auto normal = normalize_name(name);
  if (!normal) return nullptr;
  auto it = index_.find(*normal);
  return it == index_.end() ? nullptr : &it->second;
}

std::vector<std::string> TarArchive::names() const {
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& [name, entry] : index_) out.push_back(name);
  return out;
}

Result<std::unique_ptr<BlobReader>> TarArchive::open_entry(std::string_view name) const {
  const Entry* entry = find(name);
  if (entry == nullptr) return fail(fmt::format("{}: no file {} in the archive", path_, name));
  auto stream = file_stream(fd_);
  auto reader = open_reader(*stream);
  if (!reader) return fail(fmt::format("{}: {}", path_, reader.error().message));
  archive* a = reader->get();
  for (uint64_t ordinal = 0;; ++ordinal) {
    archive_entry* e = nullptr;
    const int rc = archive_read_next_header(a, &e);
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return fail(fmt::format("{}: {} changed while reading it: {}", path_, name,
                              rc == ARCHIVE_EOF ? std::string("entry gone") : archive_message(a, *stream)));
    }
    if (ordinal == entry->ordinal) break;
  }
  return std::unique_ptr<BlobReader>(new EntryReader(std::move(stream), std::move(*reader)));
}

Result<std::string> TarArchive::read_entry(std::string_view name, uint64_t limit) const {
  const Entry* entry = find(name);
  if (entry == nullptr) return fail(fmt::format("{}: no file {} in the archive", path_, name));
  if (entry->size > limit) {
    return fail(fmt::format("{}: {} is {} bytes, over the limit of {}", path_, name, entry->size, limit));
  }
  auto reader = open_entry(name);
  if (!reader) return tl::unexpected(reader.error());
  std::string out;
  std::array<char, 1 << 16> chunk{};
  while (true) {
    auto n = (*reader)->read(chunk);
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) break;
    if (out.size() + *n > limit) return fail(fmt::format("{}: {} is over the limit of {} bytes", path_, name, limit));
    out.append(chunk.data(), *n);
  }
  return out;
}

}  // namespace vigil::image
