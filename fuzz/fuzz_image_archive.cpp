// libFuzzer target image_archive: the input is a file given to both local archive sources (oci-archive and
// docker-archive) through a memfd; whatever opens is resolved for linux/amd64 and every layer is read to its end
// through LayerReader, as `scan image` would. Also checks that no file descriptor outlives its source.
// Seeds: tests/data/image/archives.
#include <dirent.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "image/layer_reader.hpp"
#include "image/local_sources.hpp"
#include "image/source.hpp"

namespace {

using namespace vigil;

void drain_layer(image::ImageSource& source, const image::ResolvedImage& resolved, size_t i) {
  auto blob = source.open_blob(resolved.manifest.layers[i]);
  if (!blob) return;
  const image::LayerLimits limits{.max_entries = 20'000, .max_uncompressed_bytes = 32ULL << 20, .max_path_bytes = 4096};
  const std::string diff_id = i < resolved.config.diff_ids.size() ? resolved.config.diff_ids[i] : std::string();
  auto reader = image::LayerReader::open(std::move(*blob), diff_id, limits);
  if (!reader) return;
  std::array<char, 8192> buf{};
  while (true) {
    auto entry = (*reader)->next();
    if (!entry || !*entry) return;
    while (true) {
      auto n = (*reader)->read(buf);
      if (!n || *n == 0) break;
    }
  }
}

void scan_archive(formats::oci::Transport transport, const std::string& path) {
  formats::oci::ImageReference ref;
  ref.transport = transport;
  ref.path = path;
  auto source =
      transport == formats::oci::Transport::OciArchive ? image::open_oci_archive(ref) : image::open_docker_archive(ref);
  if (!source) return;
  auto resolved = image::resolve_image(**source, formats::oci::Platform{"linux", "amd64", ""});
  if (!resolved) return;
  if (auto config = (*source)->open_blob(resolved->manifest.config)) {
    std::array<char, 8192> buf{};
    while (true) {
      auto n = (*config)->read(buf);
      if (!n || *n == 0) break;
    }
  }
  for (size_t i = 0; i < resolved->manifest.layers.size(); ++i) drain_layer(**source, *resolved, i);
}

// Descriptors open in this process (the fuzzer's own stay the same during one input).
size_t open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) __builtin_trap();
  size_t n = 0;
  while (::readdir(dir) != nullptr) ++n;
  ::closedir(dir);
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = ::memfd_create("vigil-fuzz-archive", MFD_CLOEXEC);
  if (fd < 0) __builtin_trap();
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n <= 0) __builtin_trap();
    done += static_cast<size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const size_t before = open_fds();
  scan_archive(formats::oci::Transport::OciArchive, path);
  scan_archive(formats::oci::Transport::DockerArchive, path);
  if (open_fds() != before) __builtin_trap();  // a descriptor outlived its source
  ::close(fd);
  return 0;
}
