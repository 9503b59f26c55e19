// OCI image layout: the source logic shared with oci-archive (LayoutSource) and the directory form `oci:DIR[:tag]`,
// whose files are opened beneath the directory without following any symlink (a blob linked to /etc/shadow or
// to another layout is refused, not read).
#include "image/oci_layout.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/openat2.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/sha256.hpp"
#include "core/unique_fd.hpp"
#include "image/local_sources.hpp"

namespace vigil::image {
namespace {

constexpr uint64_t kMaxLayoutMarkerBytes = 64 << 10;
constexpr uint64_t kMaxIndexBytes = 4ULL << 20;
constexpr uint64_t kMaxManifestBytes = 4ULL << 20;
constexpr size_t kMaxIndexEntries = 1000;

// Kernels before 5.6 lack openat2: one component at a time, directories and the file with O_NOFOLLOW.
int open_beneath_fallback(int root_fd, std::string_view rel, int flags) {
  UniqueFd dir;
  int at = root_fd;
  size_t pos = 0;
  while (true) {
    const size_t slash = rel.find('/', pos);
    const std::string part(rel.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (part.empty() || part == "." || part == "..") {
      errno = EXDEV;
      return -1;
    }
    if (slash == std::string_view::npos) return ::openat(at, part.c_str(), flags | O_NOFOLLOW);
    UniqueFd next(::openat(at, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) return -1;
    dir = std::move(next);
    at = dir.get();
    pos = slash + 1;
  }
}

int open_beneath(int root_fd, std::string_view rel, int flags) {
  const std::string path(rel);
  open_how how{};
  how.flags = static_cast<uint64_t>(flags);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof(how));
  if (fd < 0 && errno == ENOSYS) return open_beneath_fallback(root_fd, rel, flags);
  return static_cast<int>(fd);
}

class FdReader final : public BlobReader {
 public:
  explicit FdReader(UniqueFd fd) : fd_(std::move(fd)) {}
  Result<size_t> read(std::span<char> out) override {
    while (true) {
      const ssize_t n = ::read(fd_.get(), out.data(), out.size());
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return fail(fmt::format("read failed: {}", std::strerror(errno)));
    }
  }

 private:
  UniqueFd fd_;
};

class DirFiles final : public LayoutFiles {
 public:
  DirFiles(UniqueFd dir, std::string path) : dir_(std::move(dir)), path_(std::move(path)) {}

  Result<std::string> read_file(std::string_view rel, uint64_t limit) override {
    auto fd = open_regular(rel);
    if (!fd) return tl::unexpected(fd.error());
    std::string out;
    std::array<char, 1 << 16> chunk{};
    while (true) {
      const ssize_t n = ::read(fd->get(), chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(fmt::format("{}/{}: {}", path_, rel, std::strerror(errno)));
      if (n == 0) return out;
      if (out.size() + static_cast<size_t>(n) > limit) {
        return fail(fmt::format("{}/{}: over the limit of {} bytes", path_, rel, limit));
      }
      out.append(chunk.data(), static_cast<size_t>(n));
    }
  }

  Result<std::unique_ptr<BlobReader>> open_file(std::string_view rel) override {
    auto fd = open_regular(rel);
    if (!fd) return tl::unexpected(fd.error());
    return std::unique_ptr<BlobReader>(new FdReader(std::move(*fd)));
  }

 private:
  Result<UniqueFd> open_regular(std::string_view rel) {
    UniqueFd fd(open_beneath(dir_.get(), rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd.valid()) {
      const int err = errno;
      if (err == ELOOP || err == EXDEV) {
        return fail(fmt::format("{}/{}: a symlink or a path leaving the layout; refused", path_, rel));
      }
      return fail(fmt::format("{}/{}: {}", path_, rel, std::strerror(err)));
    }
    struct stat st{};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return fail(fmt::format("{}/{}: not a regular file", path_, rel));
    }
    return fd;
  }

  UniqueFd dir_;
  std::string path_;
};

std::string tag_list(const oci::Index& index) {
  std::string out;
  for (const auto& d : index.manifests) {
    if (d.ref_name.empty()) continue;
    if (!out.empty()) out += ", ";
    out += d.ref_name;
  }
  return out.empty() ? std::string("(none)") : out;
}

// The descriptor the reference names; nullopt: index.json itself is the image (one multi-platform index
// whose entries carry no names).
Result<std::optional<oci::Descriptor>> choose_image(const oci::Index& index, const oci::ImageReference& ref) {
  if (!ref.tag.empty()) {
    for (const auto& d : index.manifests) {
      if (d.ref_name == ref.tag) return std::optional<oci::Descriptor>(d);
    }
    return fail(fmt::format("{}: no image tagged \"{}\"; tags: {}", ref.path, ref.tag, tag_list(index)));
  }
  if (!ref.digest.empty()) {
    for (const auto& d : index.manifests) {
      if (d.digest == ref.digest) return std::optional<oci::Descriptor>(d);
    }
    return fail(fmt::format("{}: no image {} in index.json", ref.path, ref.digest));
  }
  if (index.manifests.empty()) return fail(fmt::format("{}: index.json lists no image", ref.path));
  if (index.manifests.size() == 1) return std::optional<oci::Descriptor>(index.manifests.front());
  bool named = false;
  for (const auto& d : index.manifests) named = named || !d.ref_name.empty();
  if (!named) return std::optional<oci::Descriptor>();
  return fail(fmt::format("{}: holds {} images; name one with {}:TAG; tags: {}", ref.path, index.manifests.size(),
                          ref.transport == oci::Transport::OciArchive ? "oci-archive:FILE" : "oci:DIR",
                          tag_list(index)));
}

Result<void> check_layout_marker(LayoutFiles& files, const std::string& path) {
  auto marker = files.read_file("oci-layout", kMaxLayoutMarkerBytes);
  if (!marker) return fail(fmt::format("{}: not an OCI image layout: {}", path, marker.error().message));
  simdjson::dom::parser parser;
  std::string_view version;
  simdjson::dom::element doc;
  if (parser.parse(marker->data(), marker->size()).get(doc) || doc["imageLayoutVersion"].get_string().get(version) ||
      version.empty()) {
    return fail(fmt::format("{}: oci-layout has no imageLayoutVersion", path));
  }
  return {};
}

class LayoutSource final : public ImageSource {
 public:
  LayoutSource(std::unique_ptr<LayoutFiles> files, oci::ImageReference ref)
      : files_(std::move(files)), ref_(std::move(ref)) {}

  Result<void> init() {
    if (auto ok = check_layout_marker(*files_, ref_.path); !ok) return ok;
    auto bytes = files_->read_file("index.json", kMaxIndexBytes);
    if (!bytes) return tl::unexpected(bytes.error());
    auto doc = oci::parse_manifest(*bytes, oci::kOciIndex);
    if (!doc) return fail(fmt::format("{}: index.json: {}", ref_.path, doc.error().message));
    if (!doc->index) return fail(fmt::format("{}: index.json is not an image index", ref_.path));
    if (doc->index->manifests.size() > kMaxIndexEntries) {
      return fail(fmt::format("{}: index.json lists more than {} images", ref_.path, kMaxIndexEntries));
    }
    auto chosen = choose_image(*doc->index, ref_);
    if (!chosen) return tl::unexpected(chosen.error());
    root_ = std::move(*chosen);
    index_json_ = std::move(*bytes);
    return {};
  }

  Result<FetchedManifest> root_manifest() override {
    if (!root_) return FetchedManifest{index_json_, std::string(oci::kOciIndex), sha256_digest(index_json_)};
    return manifest(*root_);
  }

  Result<FetchedManifest> manifest(const oci::Descriptor& descriptor) override {
    auto bytes = read_blob(*this, descriptor, kMaxManifestBytes);
    if (!bytes) return tl::unexpected(bytes.error());
    return FetchedManifest{std::move(*bytes), descriptor.media_type, descriptor.digest};
  }

  Result<std::unique_ptr<BlobReader>> open_blob(const oci::Descriptor& descriptor) override {
    if (!oci::valid_digest(descriptor.digest)) return fail(fmt::format("unsupported digest \"{}\"", descriptor.digest));
    const std::string_view hex = std::string_view(descriptor.digest).substr(7);
    auto raw = files_->open_file(fmt::format("blobs/sha256/{}", hex));
    if (!raw) return tl::unexpected(raw.error());
    return verify_blob(std::move(*raw), descriptor);
  }

  [[nodiscard]] std::string name() const override { return ref_.to_string(); }

 private:
  std::unique_ptr<LayoutFiles> files_;
  oci::ImageReference ref_;
  std::optional<oci::Descriptor> root_;
  std::string index_json_;
};

}  // namespace

Result<std::unique_ptr<ImageSource>> open_layout_source(std::unique_ptr<LayoutFiles> files,
                                                        const oci::ImageReference& ref) {
  auto source = std::make_unique<LayoutSource>(std::move(files), ref);
  if (auto ok = source->init(); !ok) return tl::unexpected(ok.error());
  return std::unique_ptr<ImageSource>(std::move(source));
}

Result<std::unique_ptr<ImageSource>> open_oci_layout(const oci::ImageReference& ref) {
  UniqueFd dir(::open(ref.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return fail(fmt::format("{}: {}", ref.path, std::strerror(errno)));
  return open_layout_source(std::make_unique<DirFiles>(std::move(dir), ref.path), ref);
}

}  // namespace vigil::image
