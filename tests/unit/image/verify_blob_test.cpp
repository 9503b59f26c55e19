// verify_blob and read_blob: size and digest checks on streamed blobs, sticky failures, limits.
#include <gtest/gtest.h>

#include <array>
#include <map>

#include "core/sha256.hpp"
#include "image/source.hpp"

namespace vigil::image {
namespace {

// Hands out bytes a few at a time, like a socket or a tar entry would; can fail after some bytes.
class MemoryReader final : public BlobReader {
 public:
  explicit MemoryReader(std::string bytes, size_t chunk = 7, size_t fail_at = std::string::npos)
      : bytes_(std::move(bytes)), chunk_(chunk), fail_at_(fail_at) {}
  Result<size_t> read(std::span<char> out) override {
    if (pos_ >= fail_at_) return fail("connection reset");
    const size_t n = std::min({out.size(), chunk_, bytes_.size() - pos_});
    std::copy_n(bytes_.data() + pos_, n, out.data());
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  size_t chunk_;
  size_t fail_at_;
  size_t pos_ = 0;
};

oci::Descriptor describe(const std::string& bytes) {
  oci::Descriptor d;
  d.media_type = std::string(oci::kOciLayerGzip);
  d.digest = sha256_digest(bytes);
  d.size = static_cast<int64_t>(bytes.size());
  return d;
}

// Reads to the end; the bytes, or the first error.
Result<std::string> drain(BlobReader& reader) {
  std::string out;
  std::array<char, 16> buf{};
  while (true) {
    auto n = reader.read(buf);
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return out;
    out.append(buf.data(), *n);
  }
}

const std::string kContent = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n";

TEST(VerifyBlob, ExactContentPassesAndEndIsRepeatable) {
  auto reader = verify_blob(std::make_unique<MemoryReader>(kContent), describe(kContent));
  auto bytes = drain(*reader);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, kContent);
  std::array<char, 4> buf{};
  auto again = reader->read(buf);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0U);
}

TEST(VerifyBlob, DigestMismatchFailsAtTheEndNamingTheBlob) {
  oci::Descriptor d = describe(kContent);
  std::string tampered = kContent;
  tampered[3] = 'X';
  auto reader = verify_blob(std::make_unique<MemoryReader>(tampered), d);
  auto bytes = drain(*reader);
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().message.rfind("blob " + d.digest.substr(0, 19) + "…: ", 0), 0U) << bytes.error().message;
  EXPECT_NE(bytes.error().message.find(sha256_digest(tampered)), std::string::npos);
  std::array<char, 4> buf{};
  EXPECT_FALSE(reader->read(buf)) << "a failed blob stays failed";
}

TEST(VerifyBlob, MoreBytesThanTheSizeFailBeforeTheEnd) {
  oci::Descriptor d = describe(kContent);
  d.size = 10;
  auto reader = verify_blob(std::make_unique<MemoryReader>(kContent, 7), d);
  std::array<char, 64> buf{};
  auto first = reader->read(buf);  // 7 bytes: still within the size
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 7U);
  auto second = reader->read(buf);  // 14 > 10
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("more than the 10 bytes"), std::string::npos) << second.error().message;
}

TEST(VerifyBlob, FewerBytesThanTheSizeFailAtTheEnd) {
  oci::Descriptor d = describe(kContent);
  d.size += 1;
  auto reader = verify_blob(std::make_unique<MemoryReader>(kContent), d);
  auto bytes = drain(*reader);
  ASSERT_FALSE(bytes);
  EXPECT_NE(bytes.error().message.find(std::to_string(kContent.size()) + " bytes instead of"), std::string::npos)
      << bytes.error().message;
}

TEST(VerifyBlob, EmptyBlobVerifies) {
  auto reader = verify_blob(std::make_unique<MemoryReader>(""), describe(""));
  auto bytes = drain(*reader);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_TRUE(bytes->empty());
}

TEST(VerifyBlob, StreamErrorsCarryTheDigest) {
  const oci::Descriptor d = describe(kContent);
  auto reader = verify_blob(std::make_unique<MemoryReader>(kContent, 7, 20), d);
  auto bytes = drain(*reader);
  ASSERT_FALSE(bytes);
  EXPECT_NE(bytes.error().message.find(d.digest.substr(0, 19)), std::string::npos);
  EXPECT_NE(bytes.error().message.find("connection reset"), std::string::npos);
}

// A source of in-memory blobs; counts opens so tests can see that a blob over the limit is never opened.
class MemorySource final : public ImageSource {
 public:
  std::map<std::string, std::string> blobs;
  int opens = 0;
  Result<FetchedManifest> root_manifest() override { return fail("none"); }
  Result<FetchedManifest> manifest(const oci::Descriptor&) override { return fail("none"); }
  Result<std::unique_ptr<BlobReader>> open_blob(const oci::Descriptor& d) override {
    ++opens;
    auto it = blobs.find(d.digest);
    if (it == blobs.end()) return fail("no blob " + d.digest);
    return verify_blob(std::make_unique<MemoryReader>(it->second, 1000), d);
  }
  [[nodiscard]] std::string name() const override { return "memory"; }
};

TEST(ReadBlob, ReadsAndVerifiesAWholeBlob) {
  MemorySource source;
  const oci::Descriptor d = describe(kContent);
  source.blobs[d.digest] = kContent;
  auto bytes = read_blob(source, d, 1024);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, kContent);
}

TEST(ReadBlob, RefusesBlobsOverTheLimit) {
  MemorySource source;
  const std::string big(5000, 'a');
  oci::Descriptor d = describe(big);
  source.blobs[d.digest] = big;
  auto declared = read_blob(source, d, 4096);
  ASSERT_FALSE(declared);
  EXPECT_NE(declared.error().message.find("over the limit of 4096"), std::string::npos);
  EXPECT_EQ(source.opens, 0);
  d.size = 100;  // a descriptor that understates the size: the stream stops it anyway
  auto lying = read_blob(source, d, 4096);
  ASSERT_FALSE(lying);
  EXPECT_EQ(source.opens, 1);
}

TEST(ReadBlob, TamperedBlobFails) {
  MemorySource source;
  const oci::Descriptor d = describe(kContent);
  source.blobs[d.digest] = std::string(kContent.size(), 'z');
  auto bytes = read_blob(source, d, 1024);
  ASSERT_FALSE(bytes);
  EXPECT_NE(bytes.error().message.find("corrupt or tampered"), std::string::npos);
}

}  // namespace
}  // namespace vigil::image
