// The secret scanning engine: one Hyperscan database finds candidate regions for every rule at once, PCRE2 (JIT)
// re-runs only the rules that fired on only those regions to extract the secret, then validation, the built-in
// allowlist, `vigil:allow` comments and redaction turn candidates into findings.
#include "scan/secrets/scanner.hpp"

#include <fmt/format.h>
#include <hs/hs.h>
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "scan/secrets/allowlist.hpp"
#include "scan/secrets/matcher.hpp"
#include "scan/secrets/validate.hpp"

namespace vigil::secrets {
namespace {

using detail::Candidate;
using detail::CompiledRule;
using detail::Worker;

// Files up to this size are scanned as one block (FileContent::bytes(), shared with analyzers); bigger ones are
// read in kFileChunk pieces so memory stays bounded per thread. We use block mode with overlapping chunks rather
// than HS_MODE_STREAM because every candidate is re-read by PCRE2 to extract its secret: streaming would still have
// to keep the bytes of any match in flight, and block mode is faster.
constexpr uint64_t kWholeFileBytes = 8ULL << 20;
constexpr size_t kFileChunk = 1U << 20;
constexpr size_t kMemoryChunk = 64U << 20;  // scan_bytes: no copy, so larger blocks (fewer overlaps)
// A match must fit in the overlap to be found whole when it straddles a chunk boundary (private key blocks are
// at most ~10 KiB). kLookBehind keeps a little context before each chunk so \b and character classes before a
// match see the real previous byte.
constexpr size_t kOverlap = 64U << 10;
constexpr size_t kLookBehind = 256;
constexpr size_t kSniffBytes = 8U << 10;
constexpr int kMaxFindingsPerFile = 1000;
// Bump when what scan() reports for the same rules changes (allowlist, validation, redaction): image layer
// caches key on cache_key().
constexpr int kResultsVersion = 1;

struct Stats {
  std::atomic<uint64_t> files_scanned{0}, bytes_scanned{0}, files_skipped_binary{0}, files_skipped_large{0},
      files_skipped_path{0}, dropped_example{0}, dropped_placeholder{0}, dropped_inline{0}, dropped_validation{0};
};

// 1-based line of an offset, counted incrementally: offsets only move forward within one file.
struct LineCounter {
  uint64_t pos = 0;
  uint64_t line = 1;
  uint64_t line_start = 0;
  uint64_t prev_line_start = 0;  // start of the line before, when line > 1

  // Counts newlines in [pos, to); buf holds the file bytes from buf_off and covers that range.
  void advance(std::string_view buf, uint64_t buf_off, uint64_t to) {
    if (to <= pos) return;
    const char* begin = buf.data() + (pos - buf_off);
    const char* end = buf.data() + (to - buf_off);
    const auto n = static_cast<uint64_t>(std::count(begin, end, '\n'));
    if (n > 0) {
      const auto* last = static_cast<const char*>(::memrchr(begin, '\n', static_cast<size_t>(end - begin)));
      const uint64_t last_start = buf_off + static_cast<uint64_t>(last - buf.data()) + 1;
      if (n >= 2) {
        const auto* prev = static_cast<const char*>(::memrchr(begin, '\n', static_cast<size_t>(last - begin)));
        prev_line_start = buf_off + static_cast<uint64_t>(prev - buf.data()) + 1;
      } else {
        prev_line_start = line_start;
      }
      line_start = last_start;
      line += n;
    }
    pos = to;
  }
};

// One block of the file being scanned: bytes [off, off + bytes.size()); matches starting in [accept_from,
// accept_to) belong to this block (the others were or will be reported by a neighbouring block).
struct Block {
  std::string_view bytes;
  uint64_t off = 0;
  uint64_t accept_from = 0;
  uint64_t accept_to = 0;
};

struct FileState {
  std::string_view path;
  LineCounter lines;
  int findings = 0;
  bool capped = false;
  std::vector<model::SecretFinding>* out = nullptr;
  std::vector<Diagnostic>* warnings = nullptr;
};

std::string sha256_hex32(std::string_view a, std::string_view b, std::string_view c) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const char zero = '\0';
  const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 && EVP_DigestUpdate(ctx, &zero, 1) == 1 &&
                  EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 && EVP_DigestUpdate(ctx, &zero, 1) == 1 &&
                  EVP_DigestUpdate(ctx, c.data(), c.size()) == 1 && EVP_DigestFinal_ex(ctx, digest, &size) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return {};
  std::string hex;
  for (unsigned int i = 0; i < 16 && i < size; ++i) {
    hex += fmt::format("{:02x}", digest[i]);
  }
  return hex;
}

bool binary_sniff(std::string_view head) {
  return std::memchr(head.data(), '\0', std::min(head.size(), kSniffBytes)) != nullptr;
}

}  // namespace

std::string default_cache_dir() {
  if (const char* p = std::getenv("XDG_CACHE_HOME"); p != nullptr && *p == '/') {
    return std::string(p) + "/vigil";
  }
  const char* home = std::getenv("HOME");
  return home != nullptr && *home != '\0' ? std::string(home) + "/.cache/vigil" : std::string();
}

struct SecretScanner::Impl {
  std::vector<CompiledRule> rules;
  std::vector<std::string_view> rule_ids;
  ScannerOptions options;
  std::string cache_key;  // rules, options and kResultsVersion
  hs_database_t* db = nullptr;
  hs_scratch_t* prototype = nullptr;
  bool db_from_cache = false;
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<Worker>> pool;
  mutable Stats stats;

  ~Impl() {
    pool.clear();
    if (prototype != nullptr) hs_free_scratch(prototype);
    if (db != nullptr) hs_free_database(db);
  }

  std::unique_ptr<Worker> acquire() {
    {
      std::lock_guard lock(pool_mutex);
      if (!pool.empty()) {
        auto worker = std::move(pool.back());
        pool.pop_back();
        return worker;
      }
    }
    return std::make_unique<Worker>(db != nullptr ? prototype : nullptr, rules.size());
  }
  void release(std::unique_ptr<Worker> worker) {
    std::lock_guard lock(pool_mutex);
    pool.push_back(std::move(worker));
  }

  bool skip_path(std::string_view path) const {
    if (!options.builtin_path_allowlist || classify_path(path) == PathClass::Normal) return false;
    ++stats.files_skipped_path;
    return true;
  }

  void scan_block(Worker& worker, const Block& block, FileState& file) const;
  bool passes(const Candidate& c, const Block& block) const;
  template <class Read>
  void scan_stream(Worker& worker, uint64_t size, size_t chunk, Read&& read, FileState& file) const;
};

// Runs the database over one block, PCRE2 over the regions that fired, then reports what survives validation, the
// allowlist, overlap resolution and inline markers.
void SecretScanner::Impl::scan_block(Worker& worker, const Block& block, FileState& file) const {
  if (db == nullptr || block.bytes.empty() || file.capped) return;
  auto candidates = detail::find_candidates(worker, db, rules, block.bytes);
  if (worker.overflow && file.warnings != nullptr) {
    file.warnings->push_back({std::string(file.path), 0,
                              fmt::format("secret scan: more than {} candidate regions in a {} byte block at offset "
                                          "{}; the rest of the block was not scanned",
                                          detail::kMaxRegionsPerBlock, block.bytes.size(), block.off)});
  }
  std::erase_if(candidates, [&](const Candidate& c) {
    const uint64_t start = block.off + c.match_start;
    return start < block.accept_from || start >= block.accept_to || !passes(c, block);
  });
  for (const auto& c : detail::resolve_overlaps(candidates, rules)) {
    const CompiledRule& rule = rules[c.rule];
    const uint64_t offset = block.off + c.secret_start;
    file.lines.advance(block.bytes, block.off, offset);
    if (detail::inline_allowed(block.bytes, block.off, file.lines.line_start,
                               file.lines.line > 1 ? file.lines.prev_line_start : UINT64_MAX, offset, rule.rule->id,
                               rule_ids)) {
      ++stats.dropped_inline;
      continue;
    }
    if (file.findings >= kMaxFindingsPerFile) {
      file.capped = true;
      if (file.warnings != nullptr) {
        file.warnings->push_back(
            {std::string(file.path), 0,
             fmt::format("secret scan: more than {} secrets; the rest are not reported", kMaxFindingsPerFile)});
      }
      return;
    }
    const std::string_view secret = block.bytes.substr(c.secret_start, c.secret_end - c.secret_start);
    model::SecretFinding finding;
    finding.rule = std::string(rule.rule->id);
    finding.title = std::string(rule.rule->description);
    finding.severity = rule.rule->severity;
    finding.path = std::string(file.path);
    finding.line = static_cast<int>(std::min<uint64_t>(file.lines.line, INT_MAX));
    finding.column = static_cast<int>(std::min<uint64_t>(offset - file.lines.line_start + 1, INT_MAX));
    finding.redacted = detail::redact(secret);
    finding.fingerprint = sha256_hex32(rule.rule->id, file.path, secret);
    file.out->push_back(std::move(finding));
    ++file.findings;
  }
}

// The built-in value allowlist, then the rule's validation (so a placeholder is counted as one even when it would
// also fail the entropy check).
bool SecretScanner::Impl::passes(const Candidate& c, const Block& block) const {
  const CompiledRule& rule = rules[c.rule];
  const std::string_view secret = block.bytes.substr(c.secret_start, c.secret_end - c.secret_start);
  switch (check_value(secret)) {
    case ValueVerdict::Keep: break;
    case ValueVerdict::ExampleValue: ++stats.dropped_example; return false;
    case ValueVerdict::Placeholder:
    case ValueVerdict::LowDiversity: ++stats.dropped_placeholder; return false;
  }
  const Validation& v = rule.rule->validation;
  if ((v.min_entropy > 0 && shannon_entropy(secret) < v.min_entropy) || (v.check != nullptr && !v.check(secret))) {
    ++stats.dropped_validation;
    return false;
  }
  return true;
}

// Walks [0, size) in blocks of `chunk` bytes overlapping by kOverlap (+ kLookBehind of context); read(off, len)
// returns the bytes there (fewer at end of file, which ends the walk).
template <class Read>
void SecretScanner::Impl::scan_stream(Worker& worker, uint64_t size, size_t chunk, Read&& read, FileState& file) const {
  uint64_t accept_from = 0;
  while (accept_from < size && !file.capped) {
    Block block;
    block.off = accept_from > kLookBehind ? accept_from - kLookBehind : 0;
    const size_t want = static_cast<size_t>(std::min<uint64_t>(chunk, size - block.off));
    auto bytes = read(block.off, want);
    if (!bytes) {
      if (file.warnings != nullptr) {
        file.warnings->push_back({std::string(file.path), 0, fmt::format("secret scan: {}", bytes.error().message)});
      }
      return;
    }
    block.bytes = *bytes;
    const bool last = block.off + block.bytes.size() >= size || block.bytes.size() < want;
    block.accept_from = accept_from;
    block.accept_to = last ? block.off + block.bytes.size() : block.off + block.bytes.size() - kOverlap;
    if (block.accept_to <= block.accept_from) return;  // the file shrank under us
    scan_block(worker, block, file);
    stats.bytes_scanned += block.accept_to - block.accept_from;
    if (last) break;
    file.lines.advance(block.bytes, block.off, block.accept_to);
    accept_from = block.accept_to;
  }
}

SecretScanner::SecretScanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SecretScanner::~SecretScanner() = default;

Result<std::unique_ptr<SecretScanner>> SecretScanner::create(std::span<const SecretRule> rules,
                                                             ScannerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto compiled = detail::compile_rules(rules, options.cache_dir);
  if (!compiled) return tl::unexpected(compiled.error());
  impl->rules = std::move(compiled->rules);
  impl->db = compiled->db;
  impl->prototype = compiled->scratch;
  impl->db_from_cache = compiled->cache == detail::CacheUse::Hit;
  for (const auto& r : rules) impl->rule_ids.push_back(r.id);
  impl->cache_key =
      fmt::format("secrets:{}:{}:{}:{}:{}", kResultsVersion, detail::cache_file_name(rules), impl->options.scan_binary,
                  impl->options.max_file_bytes, impl->options.builtin_path_allowlist);
  return std::unique_ptr<SecretScanner>(new SecretScanner(std::move(impl)));
}

std::string SecretScanner::cache_key() const {
  return impl_->cache_key;
}

bool SecretScanner::wants(const scan::FileInfo& file) const {
  return file.size > 0 && !impl_->skip_path(file.path);
}

void SecretScanner::scan(scan::FileContent& file, scan::AnalyzerOutput& out) const {
  const auto& info = file.info();
  auto& stats = impl_->stats;
  if (info.size > impl_->options.max_file_bytes) {
    ++stats.files_skipped_large;
    out.warnings.push_back({std::string(info.path), 0,
                            fmt::format("secret scan skipped: {} bytes is over the {} byte limit", info.size,
                                        impl_->options.max_file_bytes)});
    return;
  }
  auto worker = impl_->acquire();
  FileState state{info.path, {}, 0, false, &out.secrets, &out.warnings};
  if (info.size <= kWholeFileBytes) {
    auto bytes = file.bytes();
    if (!bytes) {
      out.warnings.push_back({std::string(info.path), 0, fmt::format("secret scan: {}", bytes.error().message)});
    } else if (!impl_->options.scan_binary && binary_sniff(*bytes)) {
      ++stats.files_skipped_binary;
    } else {
      ++stats.files_scanned;
      const std::string_view all = *bytes;
      impl_->scan_stream(
          *worker, all.size(), kMemoryChunk,
          [&](uint64_t off, size_t len) -> Result<std::string_view> { return all.substr(off, len); }, state);
    }
  } else {
    auto read = [&](uint64_t off, size_t len) -> Result<std::string_view> {
      worker->chunk.resize(len);
      auto n = file.read_at(off, std::span<char>(worker->chunk.data(), len));
      if (!n) return tl::unexpected(n.error());
      return std::string_view(worker->chunk.data(), *n);
    };
    auto head = read(0, kSniffBytes);
    if (head && !impl_->options.scan_binary && binary_sniff(*head)) {
      ++stats.files_skipped_binary;
    } else {
      ++stats.files_scanned;
      impl_->scan_stream(*worker, info.size, kFileChunk, read, state);
    }
  }
  impl_->release(std::move(worker));
}

void SecretScanner::scan_bytes(std::string_view path, std::string_view bytes,
                               std::vector<model::SecretFinding>& out) const {
  if (bytes.empty() || impl_->skip_path(path)) return;
  if (!impl_->options.scan_binary && binary_sniff(bytes)) {
    ++impl_->stats.files_skipped_binary;
    return;
  }
  ++impl_->stats.files_scanned;
  auto worker = impl_->acquire();
  FileState state{path, {}, 0, false, &out, nullptr};
  impl_->scan_stream(
      *worker, bytes.size(), kMemoryChunk,
      [&](uint64_t off, size_t len) -> Result<std::string_view> { return bytes.substr(off, len); }, state);
  impl_->release(std::move(worker));
}

ScanStats SecretScanner::stats() const {
  const auto& s = impl_->stats;
  ScanStats out;
  out.files_scanned = s.files_scanned;
  out.bytes_scanned = s.bytes_scanned;
  out.files_skipped_binary = s.files_skipped_binary;
  out.files_skipped_large = s.files_skipped_large;
  out.files_skipped_path = s.files_skipped_path;
  out.dropped_example = s.dropped_example;
  out.dropped_placeholder = s.dropped_placeholder;
  out.dropped_inline = s.dropped_inline;
  out.dropped_validation = s.dropped_validation;
  out.db_from_cache = impl_->db_from_cache;
  return out;
}

Result<formats::Parsed> fuzz_secret_scan(std::string_view path, std::string_view bytes) {
  // No database cache: a fuzzer should not write into the user's home.
  static const auto scanner =
      SecretScanner::create(all_secret_rules(), ScannerOptions{.scan_binary = true, .cache_dir = {}});
  if (!scanner) return fail(scanner.error().message);
  std::vector<model::SecretFinding> findings;
  (*scanner)->scan_bytes(path, bytes, findings);
  for (const auto& f : findings) {
    // The raw secret must never reach a finding: the redacted form is short and ends in the fixed mask.
    if (f.redacted.size() > 32 || !f.redacted.ends_with("*****") || f.fingerprint.size() != 32) __builtin_trap();
  }
  return formats::Parsed{};
}

}  // namespace vigil::secrets
