// Hostile images, built by hand as OCI layouts: unsafe entry names, symlink and hardlink escapes, devices, a
// 100 GiB sparse file, decompression bombs, wrong digests and 200k files. Checked through scan_image and through
// the real binary (its peak RSS from wait4(), and every file it leaves behind).
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/sha256.hpp"
#include "image/source.hpp"
#include "image_support.hpp"
#include "scan/analyzer.hpp"
#include "scan/image/image_scan.hpp"
#include "test_support.hpp"

extern char** environ;

namespace vigil {
namespace {

namespace fs = std::filesystem;
namespace oci = formats::oci;
using test::TarEntry;

// ASan's shadow memory and quarantine add a fixed overhead to every process (as in bounded_memory_test.cpp).
// Runs whose peak RSS is asserted scan with the secret scanner, which wants every file; under ASan its Hyperscan
// compile alone peaks at ~650 MiB (allocator redzones and quarantine), so those runs take inventory only there.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kOverheadKib = 256 * 1024;
constexpr const char* kMeasuredScanners = "none";
#else
constexpr long kOverheadKib = 0;
constexpr const char* kMeasuredScanners = "secret";
#endif

constexpr std::string_view kAlpineOsRelease = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n";

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

struct LayerBlob {
  oci::Descriptor descriptor;
  std::string diff_id;
};

// A layer blob written while it is produced: libarchive's tar output is hashed (diff_id) and, for gzip,
// deflated by zlib into a file that is hashed too (the blob digest). Nothing is held in memory, so a 1 GiB layer
// costs only time.
class LayerStream {
 public:
  LayerStream(fs::path blobs_dir, bool gzip) : blobs_dir_(std::move(blobs_dir)), gzip_(gzip) {
    tmp_ = blobs_dir_ / "partial-layer";
    fd_ = ::open(tmp_.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot create " + tmp_.string());
    if (gzip_ && deflateInit2(&z_, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2 failed");
    }
    a_ = archive_write_new();
    archive_write_set_format_pax_restricted(a_);
    archive_write_set_bytes_in_last_block(a_, 1);
    if (archive_write_open(a_, this, nullptr, &LayerStream::on_tar, nullptr) != ARCHIVE_OK) {
      throw std::runtime_error(archive_error_string(a_));
    }
  }
  ~LayerStream() {
    if (a_ != nullptr) archive_write_free(a_);
    if (fd_ >= 0) ::close(fd_);
  }
  LayerStream(const LayerStream&) = delete;
  LayerStream& operator=(const LayerStream&) = delete;

  [[nodiscard]] archive* tar() const { return a_; }

  // A regular file of `size` bytes: `fill` repeated (zeros when empty).
  void file(const std::string& path, uint64_t size, std::string_view fill = {}) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    archive_write_header(a_, e);
    archive_entry_free(e);
    std::string chunk = fill.empty() ? std::string(1 << 20, '\0') : std::string(fill);
    for (uint64_t done = 0; done < size;) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), size - done));
      archive_write_data(a_, chunk.data(), n);
      done += n;
    }
  }

  // Closes the tar, flushes the compressor and moves the blob to its digest's name.
  LayerBlob finish() {
    archive_write_close(a_);
    archive_write_free(a_);
    a_ = nullptr;
    if (gzip_) {
      deflate_out(nullptr, 0, Z_FINISH);
      deflateEnd(&z_);
    }
    ::close(fd_);
    fd_ = -1;
    LayerBlob out;
    out.diff_id = tar_hash_.digest();
    out.descriptor.digest = blob_hash_.digest();
    out.descriptor.size = static_cast<int64_t>(blob_size_);
    out.descriptor.media_type = gzip_ ? oci::kOciLayerGzip : oci::kOciLayerTar;
    fs::rename(tmp_, blobs_dir_ / out.descriptor.digest.substr(7));
    return out;
  }

 private:
  static la_ssize_t on_tar(archive*, void* self, const void* data, size_t n) {
    auto* s = static_cast<LayerStream*>(self);
    s->tar_hash_.update(std::string_view(static_cast<const char*>(data), n));
    if (s->gzip_) {
      s->deflate_out(data, n, Z_NO_FLUSH);
    } else {
      s->emit(data, n);
    }
    return static_cast<la_ssize_t>(n);
  }

  void deflate_out(const void* data, size_t n, int flush) {
    z_.next_in = static_cast<Bytef*>(const_cast<void*>(data));
    z_.avail_in = static_cast<uInt>(n);
    std::array<char, 1 << 16> out{};
    int rc = Z_OK;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(out.data());
      z_.avail_out = static_cast<uInt>(out.size());
      rc = deflate(&z_, flush);
      emit(out.data(), out.size() - z_.avail_out);
    } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  }

  void emit(const void* data, size_t n) {
    blob_hash_.update(std::string_view(static_cast<const char*>(data), n));
    blob_size_ += n;
    if (::write(fd_, data, n) != static_cast<ssize_t>(n)) throw std::runtime_error("short write");
  }

  fs::path blobs_dir_;
  fs::path tmp_;
  bool gzip_;
  int fd_ = -1;
  archive* a_ = nullptr;
  z_stream z_{};
  Sha256 tar_hash_;
  Sha256 blob_hash_;
  uint64_t blob_size_ = 0;
};

// An OCI image layout with one image, written blob by blob with correct digests unless a test says otherwise.
class Layout {
 public:
  explicit Layout(fs::path dir) : dir_(std::move(dir)) {
    fs::create_directories(blobs());
    write_file(dir_ / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  }
  [[nodiscard]] const fs::path& dir() const { return dir_; }
  [[nodiscard]] fs::path blobs() const { return dir_ / "blobs" / "sha256"; }

  oci::Descriptor add_blob(std::string_view bytes, std::string_view media_type) {
    oci::Descriptor d;
    d.media_type = media_type;
    d.digest = sha256_digest(bytes);
    d.size = static_cast<int64_t>(bytes.size());
    write_file(blobs() / d.digest.substr(7), bytes);
    return d;
  }

  // A layer from test::make_tar (hostile entries allowed), gzip-compressed by zlib.
  LayerBlob add_layer(const std::vector<TarEntry>& entries) {
    const std::string tar = test::make_tar(entries);
    LayerBlob out;
    out.diff_id = sha256_digest(tar);
    out.descriptor = add_blob(gzip(tar), oci::kOciLayerGzip);
    return out;
  }

  LayerBlob add_streamed(const std::function<void(LayerStream&)>& fill, bool gzip = true) {
    LayerStream stream(blobs(), gzip);
    fill(stream);
    return stream.finish();
  }

  // Config, manifest and index.json for one linux/amd64 image; diff_ids default to the layers' own.
  void add_image(const std::string& tag, const std::vector<LayerBlob>& layers, std::vector<std::string> diff_ids = {}) {
    std::string layer_json;
    if (diff_ids.empty()) {
      for (const auto& l : layers) diff_ids.push_back(l.diff_id);
    }
    std::string diff_json;
    for (size_t i = 0; i < layers.size(); ++i) {
      layer_json +=
          fmt::format(R"({}{{"mediaType":"{}","digest":"{}","size":{}}})", i == 0 ? "" : ",",
                      layers[i].descriptor.media_type, layers[i].descriptor.digest, layers[i].descriptor.size);
    }
    for (size_t i = 0; i < diff_ids.size(); ++i) diff_json += fmt::format(R"({}"{}")", i == 0 ? "" : ",", diff_ids[i]);
    const std::string config =
        fmt::format(R"({{"architecture":"amd64","os":"linux","config":{{"Env":["PATH=/usr/bin:/bin"]}},)"
                    R"("rootfs":{{"type":"layers","diff_ids":[{}]}}}})",
                    diff_json);
    const oci::Descriptor c = add_blob(config, oci::kOciConfig);
    const std::string manifest =
        fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","config":{{"mediaType":"{}","digest":"{}","size":{}}},)"
                    R"("layers":[{}]}})",
                    oci::kOciManifest, c.media_type, c.digest, c.size, layer_json);
    const oci::Descriptor m = add_blob(manifest, oci::kOciManifest);
    write_file(dir_ / "index.json",
               fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","manifests":[{{"mediaType":"{}","digest":"{}",)"
                           R"("size":{},"annotations":{{"org.opencontainers.image.ref.name":"{}"}}}}]}})",
                           oci::kOciIndex, m.media_type, m.digest, m.size, tag));
  }

 private:
  static std::string gzip(const std::string& bytes) {
    std::string out(compressBound(static_cast<uLong>(bytes.size())) + 64, '\0');
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
  }

  fs::path dir_;
};

Result<scan::ImageScan> scan_layout(const fs::path& dir, const std::string& tag,
                                    const image::LayerLimits& limits = {}) {
  oci::ImageReference ref;
  ref.transport = oci::Transport::OciLayout;
  ref.path = dir.string();
  ref.tag = tag;
  auto source = image::open_image_source(ref, {});
  if (!source) return tl::unexpected(source.error());
  auto resolved = image::resolve_image(**source, oci::Platform{"linux", "amd64", ""});
  if (!resolved) return tl::unexpected(resolved.error());
  scan::ImageScanOptions options;
  options.layers.analyzers = scan::all_analyzers();
  options.limits = limits;
  options.threads = 2;
  return scan::scan_image(**source, *resolved, options);
}

struct RunResult {
  int exit_code = -1;
  long max_rss_kib = 0;
  std::string out;
  std::string err;
};

// Runs `vigil ARGS` in `cwd` with HOME, XDG_CACHE_HOME and TMPDIR inside `home_root` (created here); stdout and
// stderr go to files in `io_dir`.
RunResult run_vigil(const std::vector<std::string>& args, const fs::path& home_root, const fs::path& cwd,
                    const fs::path& io_dir) {
  for (const char* d : {"home", "cache", "tmp"}) fs::create_directories(home_root / d);
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view var(*e);
    if (var.starts_with("HOME=") || var.starts_with("XDG_CACHE_HOME=") || var.starts_with("TMPDIR=")) continue;
    env.emplace_back(var);
  }
  env.push_back("HOME=" + (home_root / "home").string());
  env.push_back("XDG_CACHE_HOME=" + (home_root / "cache").string());
  env.push_back("TMPDIR=" + (home_root / "tmp").string());
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string binary = VIGIL_BINARY;
  std::vector<std::string> copy = args;
  std::vector<char*> argv{binary.data()};
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out_path = (io_dir / "stdout").string();
  const std::string err_path = (io_dir / "stderr").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  RunResult result;
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return result;
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.max_rss_kib = usage.ru_maxrss;
  std::ifstream out(out_path);
  result.out.assign(std::istreambuf_iterator<char>(out), {});
  std::ifstream err(err_path);
  result.err.assign(std::istreambuf_iterator<char>(err), {});
  return result;
}

// Every path under root, relative, directories with a trailing '/'.
std::set<std::string> list_tree(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    out.insert(fs::relative(e.path(), root).string() + (e.is_directory() ? "/" : ""));
  }
  return out;
}

// A scratch area for one binary run: the layout, an empty HOME/cache/TMPDIR tree, a working directory two
// levels below a sentinel directory (so "../../x" from it lands in the sentinel), and a place for stdout.
struct Sandbox {
  test::TempDir tmp;
  Layout layout{tmp.path() / "layout"};
  fs::path home = tmp.path() / "home-root";
  fs::path sentinel = tmp.path() / "sentinel";
  fs::path cwd = sentinel / "a" / "b";
  fs::path io = tmp.path() / "io";
  Sandbox() {
    fs::create_directories(cwd);
    fs::create_directories(io);
  }
  RunResult scan(const std::string& tag, const std::string& scanners = "secret") {
    return run_vigil({"scan", "image", "oci:" + layout.dir().string() + ":" + tag, "-f", "json", "--scanners", scanners,
                      "--threads", "2"},
                     home, cwd, io);
  }
};

bool has_warning(const model::Inventory& inv, std::string_view file, std::string_view text) {
  return std::any_of(inv.warnings.begin(), inv.warnings.end(),
                     [&](const Diagnostic& d) { return d.file == file && d.message.find(text) != std::string::npos; });
}

}  // namespace

// Unsafe names never reach an analyzer; a scan writes nothing but its caches, wherever the names point.
TEST(HostileImage, UnsafeNamesAreSkippedAndNothingIsWritten) {
  Sandbox box;
  const LayerBlob layer = box.layout.add_layer({
      {"../../etc/cron.d/x", "* * * * * root touch /tmp/pwned\n"},
      {"a/../../b", "jinja2==2.10\n"},
      {"../../requirements.txt", "flask==0.12\n"},
      {"/abs/path/requirements.txt", "requests==2.19.1\n"},
      {"etc/os-release", std::string(kAlpineOsRelease)},
  });
  box.layout.add_image("names", {layer});
  const auto layout_before = list_tree(box.layout.dir());

  auto scanned = scan_layout(box.layout.dir(), "names");
  ASSERT_TRUE(scanned) << scanned.error().message;
  const auto& inv = scanned->inventory;
  EXPECT_TRUE(has_warning(inv, "../../etc/cron.d/x", "unsafe"));
  EXPECT_TRUE(has_warning(inv, "a/../../b", "unsafe"));
  EXPECT_TRUE(has_warning(inv, "../../requirements.txt", "unsafe"));
  // An absolute name is a path in the image's root, as container runtimes read it: never outside the image.
  ASSERT_EQ(inv.packages.size(), 1U);
  EXPECT_EQ(inv.packages[0].name, "requests");
  EXPECT_EQ(inv.packages[0].location, "abs/path/requirements.txt");
  EXPECT_EQ(test::find(inv.packages, "jinja2"), nullptr);
  EXPECT_EQ(test::find(inv.packages, "flask"), nullptr);

  const RunResult run = box.scan("names");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("abs/path/requirements.txt"), std::string::npos);
  EXPECT_EQ(run.out.find("jinja2"), std::string::npos);
  EXPECT_EQ(list_tree(box.sentinel), (std::set<std::string>{"a/", "a/b/"}));
  EXPECT_EQ(list_tree(box.layout.dir()), layout_before);
  const std::set<std::string> allowed{"home/",
                                      "cache/",
                                      "tmp/",
                                      "cache/vigil/",
                                      "cache/vigil/layers.db",
                                      "cache/vigil/layers.db-wal",
                                      "cache/vigil/layers.db-shm"};
  const auto left = list_tree(box.home);
  for (const auto& path : left) {
    const bool secrets_db =
        path.starts_with("cache/vigil/secrets-") && path.ends_with(".hsdb") && path.find('/', 13) == std::string::npos;
    EXPECT_TRUE(allowed.contains(path) || secrets_db) << "the scan wrote " << path;
  }
  EXPECT_TRUE(left.contains("cache/vigil/layers.db"));
}

// Layer 0 makes etc a symlink to "/", layer 1 writes through it; hard links point at host files. The scan sees
// only the bytes in the layers.
TEST(HostileImage, SymlinkAndHardlinkEscapesAreNeverFollowed) {
  test::TempDir tmp;
  Layout layout(tmp.path() / "layout");
  const LayerBlob base = layout.add_layer({
      {"etc", "", 'l', "/"},
      {"var/lib/dpkg/status", "", 'h', "../../../etc/shadow"},
      {"usr/lib/os-release", "", 'h', "../../../etc/os-release"},
      {"lib/apk/db/installed", "", 'l', "/var/lib/dpkg/status"},
  });
  const LayerBlob top = layout.add_layer({{"etc/os-release", std::string(kAlpineOsRelease)}});
  layout.add_image("links", {base, top});
  auto scanned = scan_layout(layout.dir(), "links");
  ASSERT_TRUE(scanned) << scanned.error().message;
  const auto& inv = scanned->inventory;
  ASSERT_TRUE(inv.os.has_value());
  EXPECT_EQ(inv.os->family, "alpine");  // the layer's file, not this Debian host's
  EXPECT_EQ(inv.os->version, "3.19.1");
  EXPECT_TRUE(inv.packages.empty()) << inv.packages.size() << " packages, first " << inv.packages[0].name;

  // Only the links: no OS at all, though every link names a host file that exists.
  Layout only_links(tmp.path() / "only-links");
  only_links.add_image("links", {only_links.add_layer({
                                    {"etc/os-release", "", 'h', "../../../etc/os-release"},
                                    {"usr/lib/os-release", "", 'l', "/etc/os-release"},
                                    {"var/lib/dpkg/status", "", 'l', "/var/lib/dpkg/status"},
                                })});
  auto links = scan_layout(only_links.dir(), "links");
  ASSERT_TRUE(links) << links.error().message;
  EXPECT_FALSE(links->inventory.os.has_value()) << links->inventory.os->family;
  EXPECT_TRUE(links->inventory.packages.empty());
}

// Devices and FIFOs with the names analyzers want are entries without data: nothing opens them, nothing waits.
TEST(HostileImage, DevicesAndFifosWithWantedNamesAreSkipped) {
  Sandbox box;
  const LayerBlob layer = box.layout.add_layer({
      {"var/lib/dpkg/status", "", 'c'},
      {"lib/apk/db/installed", "", 'p'},
      {"app/requirements.txt", "", 'p'},
      {"app/.env", "", 'c'},
      {"etc/os-release", "", 'p'},
      {"app/package-lock.json", "", 'c'},
  });
  box.layout.add_image("dev", {layer});
  auto scanned = scan_layout(box.layout.dir(), "dev");
  ASSERT_TRUE(scanned) << scanned.error().message;
  EXPECT_TRUE(scanned->inventory.packages.empty());
  EXPECT_FALSE(scanned->inventory.os.has_value());
  const RunResult run = box.scan("dev");
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

// A pax sparse entry whose logical size is 100 GiB, named package-lock.json: the scan finishes, memory bounded.
TEST(HostileImage, HundredGibSparseFileKeepsMemoryBounded) {
  Sandbox box;
  constexpr uint64_t kLogical = 100ULL << 30;
  constexpr uint64_t kGib = 1ULL << 30;
  // Holes are passed to the writer from an untouched read-only mapping: pax skips hole bytes without reading.
  void* zeros = ::mmap(nullptr, kGib, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(zeros, MAP_FAILED);
  const LayerBlob layer = box.layout.add_streamed([&](LayerStream& s) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, "app/package-lock.json");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(kLogical));
    archive_entry_sparse_add_entry(e, 0, 4096);
    archive_entry_sparse_add_entry(e, static_cast<la_int64_t>(kLogical - 4096), 4096);
    archive_write_header(s.tar(), e);
    archive_entry_free(e);
    std::string head = R"({"name":"x","lockfileVersion":3,"packages":{)";
    head.resize(4096, ' ');
    archive_write_data(s.tar(), head.data(), head.size());
    for (uint64_t done = 4096; done < kLogical;) {
      const uint64_t n = std::min(kGib, kLogical - done);
      ASSERT_EQ(archive_write_data(s.tar(), zeros, n), static_cast<la_ssize_t>(n));
      done += n;
    }
    s.file("etc/os-release", kAlpineOsRelease.size(), kAlpineOsRelease);
  });
  ::munmap(zeros, kGib);
  EXPECT_LT(layer.descriptor.size, 1 << 20);
  box.layout.add_image("sparse", {layer});

  auto scanned = scan_layout(box.layout.dir(), "sparse");
  ASSERT_TRUE(scanned) << scanned.error().message;
  ASSERT_TRUE(scanned->inventory.os.has_value());
  EXPECT_EQ(scanned->inventory.os->family, "alpine");
  EXPECT_TRUE(scanned->inventory.packages.empty());

  const RunResult run = box.scan("sparse", kMeasuredScanners);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_LT(run.max_rss_kib, 200 * 1024 + kOverheadKib) << "peak RSS " << run.max_rss_kib << " KiB";
}

// A layer that expands past the limit fails as a bomb; the real binary reads 1 GiB of zeros with bounded memory.
TEST(HostileImage, DecompressionBombs) {
  Sandbox box;
  const LayerBlob small = box.layout.add_streamed([](LayerStream& s) { s.file("app/zeros.bin", 64ULL << 20); });
  EXPECT_LT(small.descriptor.size, 1 << 20);
  box.layout.add_image("bomb", {small});
  image::LayerLimits limits;
  limits.max_uncompressed_bytes = 1ULL << 20;
  auto refused = scan_layout(box.layout.dir(), "bomb", limits);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("decompression bomb"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find(small.descriptor.digest), std::string::npos) << refused.error().message;

  Sandbox big;
  const LayerBlob gib = big.layout.add_streamed([](LayerStream& s) {
    s.file("etc/os-release", kAlpineOsRelease.size(), kAlpineOsRelease);
    s.file("app/package-lock.json", 1ULL << 30);
  });
  EXPECT_LT(gib.descriptor.size, 8 << 20);
  big.layout.add_image("gib", {gib});
  const RunResult run = big.scan("gib", kMeasuredScanners);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("alpine"), std::string::npos);
  EXPECT_LT(run.max_rss_kib, 200 * 1024 + kOverheadKib) << "peak RSS " << run.max_rss_kib << " KiB";
}

// Digests that lie: the scan fails and says which layer or blob.
TEST(HostileImage, WrongDiffIdFailsNamingTheLayer) {
  test::TempDir tmp;
  Layout layout(tmp.path() / "layout");
  const LayerBlob a = layout.add_layer({{"etc/os-release", std::string(kAlpineOsRelease)}});
  const LayerBlob b = layout.add_layer({{"app/requirements.txt", "flask==0.12\n"}});
  const std::string wrong = sha256_digest("not this layer");
  layout.add_image("diff", {a, b}, {a.diff_id, wrong});
  auto scanned = scan_layout(layout.dir(), "diff");
  ASSERT_FALSE(scanned);
  const std::string& message = scanned.error().message;
  EXPECT_NE(message.find("layer 1 (" + b.descriptor.digest + ")"), std::string::npos) << message;
  EXPECT_NE(message.find(wrong), std::string::npos) << message;
}

TEST(HostileImage, BlobNotMatchingItsNameFailsNamingTheDigest) {
  test::TempDir tmp;
  Layout layout(tmp.path() / "layout");
  const LayerBlob real = layout.add_layer({{"app/requirements.txt", "flask==0.12\n"}});
  // The same bytes filed under another digest: the name is a lie the reader must catch.
  const std::string fake = sha256_digest("some other layer");
  fs::rename(layout.blobs() / real.descriptor.digest.substr(7), layout.blobs() / fake.substr(7));
  LayerBlob lying = real;
  lying.descriptor.digest = fake;
  layout.add_image("blob", {lying});
  auto scanned = scan_layout(layout.dir(), "blob");
  ASSERT_FALSE(scanned);
  EXPECT_NE(scanned.error().message.find(fake), std::string::npos) << scanned.error().message;
}

// 200k tiny files in one layer: finishes, memory bounded (the layer keeps 8-byte path hashes, not paths).
TEST(HostileImage, TwoHundredThousandFilesInOneLayer) {
  Sandbox box;
  const LayerBlob layer = box.layout.add_streamed([](LayerStream& s) {
    for (int i = 0; i < 200'000; ++i) s.file(fmt::format("srv/d{}/f{}.conf", i / 1000, i), 4, "k=v\n");
    s.file("srv/requirements.txt", 13, "flask==0.12\n\n");
  });
  box.layout.add_image("many", {layer});
  const RunResult run = box.scan("many", kMeasuredScanners);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("flask"), std::string::npos);
  EXPECT_LT(run.max_rss_kib, 300 * 1024 + kOverheadKib) << "peak RSS " << run.max_rss_kib << " KiB";
}

}  // namespace vigil
