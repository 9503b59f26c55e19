// Candidate finding for the secret engine: one Hyperscan pass over a block marks, per rule, the regions where a
// match ends; PCRE2 (JIT) re-runs just those rules on just those regions to get exact spans and capture groups.
// The compiled database is cached on disk between runs (compile_rules).
#include "scan/secrets/matcher.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <tuple>

#include "core/strings.hpp"
#include "scan/secrets/validate.hpp"

namespace vigil::secrets::detail {
namespace {

// PCRE2 gets this much real context after a region so \b and character classes at its end see the next byte.
constexpr size_t kLookAhead = 256;
// Keywords may sit this far before or after a match (on the same line, typically: "ACME_API_KEY = <hex>").
constexpr size_t kKeywordSpan = 256;
// Inline markers are looked for at most this far from the secret (giant minified lines stay cheap).
constexpr uint64_t kInlineSpan = 4096;
// Backtracking bound per PCRE2 call; a pattern that needs more on hostile input simply yields no match there.
constexpr uint32_t kMatchLimit = 1'000'000;

Result<pcre2_code*> compile_pcre2(const SecretRule& rule) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rule.pattern.data()), rule.pattern.size(), 0, &error,
                                   &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof(message));
    return fail(fmt::format("secret rule '{}': PCRE2 rejects the pattern at offset {}: {}", rule.id, offset,
                            reinterpret_cast<const char*>(message)));
  }
  uint32_t captures = 0;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &captures);
  if (rule.secret_group < 0 || static_cast<uint32_t>(rule.secret_group) > captures) {
    pcre2_code_free(code);
    return fail(fmt::format("secret rule '{}': secret_group {} but the pattern has {} groups", rule.id,
                            rule.secret_group, captures));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // without JIT (unsupported CPU) the interpreter still works
  return code;
}

// Longest match width as Hyperscan computes it; UINT_MAX when unbounded.
Result<unsigned> max_width(const SecretRule& rule, const std::string& pattern) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_expression_info(pattern.c_str(), 0, &info, &error) != HS_SUCCESS) {
    std::string message = error != nullptr ? error->message : "unknown error";
    hs_free_compile_error(error);
    return fail(fmt::format("secret rule '{}': Hyperscan rejects the pattern: {}", rule.id, message));
  }
  const unsigned width = info->max_width;
  std::free(info);  // allocated with Hyperscan's misc allocator, malloc by default
  return width;
}

struct ScanContext {
  Worker* worker;
};

int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/, void* ctx) {
  Worker& w = *static_cast<ScanContext*>(ctx)->worker;
  const auto& rules = *w.rules;
  const CompiledRule& rule = rules[id];
  const uint64_t start = to > rule.width ? to - rule.width : 0;
  Region& open = w.open[id];
  if (open.open && start <= open.end && to >= open.start) {
    open.start = std::min<uint64_t>(open.start, start);
    open.end = std::max<uint64_t>(open.end, to);
    return 0;
  }
  if (open.open) {
    w.closed.push_back(open);
  }
  if (++w.regions > kMaxRegionsPerBlock) {
    w.overflow = true;
    open.open = false;
    return 1;  // stop scanning this block
  }
  open = Region{id, start, to, true};
  return 0;
}

// Keywords are checked on the match and kKeywordSpan bytes either side, not with literals in the database: a rule's
// keywords normally occur inside its matches, and measured on 175 MB of source with 6 rules, caseless single-match
// keyword literals in the database cost 10-15% of throughput for no change in findings.
bool keywords_near(const CompiledRule& rule, std::string_view block, size_t start, size_t end, std::string& lower) {
  if (rule.keywords.empty()) return true;
  const size_t lo = start > kKeywordSpan ? start - kKeywordSpan : 0;
  const size_t hi = std::min(block.size(), end + kKeywordSpan);
  lower.assign(block.substr(lo, hi - lo));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::any_of(rule.keywords.begin(), rule.keywords.end(),
                     [&](const std::string& k) { return lower.find(k) != std::string::npos; });
}

// PCRE2 over one merged region of one rule; next_pos keeps matches of a rule from overlapping across regions.
void confirm_region(Worker& w, const CompiledRule& rule, uint32_t rule_index, const Region& region,
                    std::string_view block, size_t& next_pos, std::vector<Candidate>& out) {
  const size_t subject_end = std::min<size_t>(block.size(), region.end + kLookAhead);
  const uint32_t options = subject_end < block.size() ? PCRE2_NOTEOL : 0;
  size_t pos = std::max<size_t>(region.start, next_pos);
  const auto group = static_cast<size_t>(rule.rule->secret_group);
  while (pos < region.end) {
    const int rc = pcre2_match(rule.code, reinterpret_cast<PCRE2_SPTR>(block.data()), subject_end, pos, options,
                               w.match, w.context);
    if (rc < 0) return;  // no match, or a limit hit on hostile input
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(w.match);
    if (ov[0] >= region.end || ov[1] < ov[0]) return;
    pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    if (ov[1] > region.end) continue;  // ran into the look-ahead context: not a match Hyperscan saw
    next_pos = pos;
    if (static_cast<size_t>(rc) <= group || ov[2 * group] == PCRE2_UNSET || ov[2 * group + 1] <= ov[2 * group]) {
      continue;  // the secret group did not take part or is empty
    }
    if (!keywords_near(rule, block, ov[0], ov[1], w.lowered)) continue;
    out.push_back(Candidate{rule_index, ov[0], ov[1], ov[2 * group], ov[2 * group + 1]});
  }
}

bool is_id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

bool marker_covers(std::string_view text, std::string_view rule_id, const std::vector<std::string_view>& rule_ids) {
  constexpr std::string_view kMarker = "vigil:allow";
  for (size_t at = text.find(kMarker); at != std::string_view::npos; at = text.find(kMarker, at + 1)) {
    size_t i = at + kMarker.size();
    if (i < text.size() && is_id_char(text[i])) continue;  // "vigil:allowed" is not the marker
    bool listed = false;
    bool covers = false;
    while (true) {
      while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\t')) ++i;
      size_t j = i;
      while (j < text.size() && is_id_char(text[j])) ++j;
      const std::string_view token = text.substr(i, j - i);
      if (token.empty() || std::find(rule_ids.begin(), rule_ids.end(), token) == rule_ids.end()) break;
      listed = true;
      covers = covers || token == rule_id;
      i = j;
    }
    if (!listed || covers) return true;
  }
  return false;
}

// Widths of every rule, then one Hyperscan database of every pattern (ids are indices into out.rules).
Result<void> compile_hyperscan(std::span<const SecretRule> rules, Compiled& out) {
  std::vector<std::string> patterns;
  std::vector<const char*> expressions;
  std::vector<unsigned> flags(rules.size(), 0);
  std::vector<unsigned> ids;
  patterns.reserve(rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    patterns.emplace_back(rules[i].pattern);
    auto width = max_width(rules[i], patterns.back());
    if (!width) return tl::unexpected(width.error());
    out.rules[i].width = std::min<unsigned>(*width, kMaxBoundedWidth);
    expressions.push_back(patterns.back().c_str());
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                       HS_MODE_BLOCK, nullptr, &out.db, &error) != HS_SUCCESS) {
    const int index = error != nullptr ? error->expression : -1;
    std::string what = "the rule set";
    if (index >= 0 && static_cast<size_t>(index) < rules.size()) {
      what = fmt::format("secret rule '{}'", rules[static_cast<size_t>(index)].id);
    }
    std::string message =
        fmt::format("{}: Hyperscan rejects the pattern: {}", what, error != nullptr ? error->message : "unknown error");
    hs_free_compile_error(error);
    out.db = nullptr;
    return fail(message);
  }
  return {};
}

// ---- The compiled-database cache ----
// File layout (host byte order; the platform is part of the key): CacheHeader, uint32 width per rule, the
// hs_serialize_database bytes, then a CRC32 of everything before it. The CRC catches torn or damaged files, and
// the file must be ours and not writable by others: Hyperscan trusts the bytecode it deserializes.

using Digest = std::array<unsigned char, 32>;

constexpr char kCacheMagic[8] = {'V', 'I', 'G', 'I', 'L', 'H', 'S', '\0'};
constexpr uint64_t kMaxCacheBytes = 256ULL << 20;
constexpr auto kCacheMaxAge = std::chrono::hours(24 * 30);  // other rule sets' files older than this are pruned

struct CacheHeader {
  char magic[8];
  uint32_t format;
  uint32_t rule_count;
  Digest key;
  uint64_t db_size;
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { ok_ = ctx_ != nullptr && EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) == 1; }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void add(const void* data, size_t size) { ok_ = ok_ && EVP_DigestUpdate(ctx_, data, size) == 1; }
  // Length-prefixed, so ("ab", "c") and ("a", "bc") hash differently.
  void add_sized(std::string_view s) {
    const uint64_t size = s.size();
    add(&size, sizeof size);
    add(s.data(), s.size());
  }
  std::optional<Digest> finish() {
    Digest out{};
    unsigned int size = 0;
    if (!ok_ || EVP_DigestFinal_ex(ctx_, out.data(), &size) != 1 || size != out.size()) return std::nullopt;
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
  bool ok_ = false;
};

std::optional<Digest> cache_key(std::span<const SecretRule> rules) {
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) != HS_SUCCESS) return std::nullopt;
  Sha256 h;
  h.add_sized("vigil secret rules: Hyperscan block-mode database");
  const uint32_t numbers[] = {kCacheFormat, kMaxBoundedWidth};
  h.add(numbers, sizeof numbers);
  h.add_sized(hs_version());
  const uint64_t host[] = {platform.tune, platform.cpu_features, platform.reserved1, platform.reserved2};
  h.add(host, sizeof host);
  const uint64_t count = rules.size();
  h.add(&count, sizeof count);
  for (const auto& rule : rules) {
    h.add_sized(rule.id);
    h.add_sized(rule.pattern);
  }
  return h.finish();
}

std::string file_name_for(const Digest& key) {
  std::string hex;
  for (size_t i = 0; i < 16; ++i) hex += fmt::format("{:02x}", key[i]);
  return "secrets-" + hex + ".hsdb";
}

// The whole file when it is a regular file of ours, not writable by others, of a sane size.
std::optional<std::string> read_own_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> out;
  struct stat st{};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
      (st.st_mode & (S_IWGRP | S_IWOTH)) == 0 && static_cast<uint64_t>(st.st_size) <= kMaxCacheBytes) {
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    if (done == bytes.size()) out = std::move(bytes);
  }
  ::close(fd);
  return out;
}

// Fills widths, db and scratch from the cache file; false (and out untouched but for widths) on any mismatch.
bool load_cache(const std::string& path, const Digest& key, Compiled& out) {
  const auto bytes = read_own_file(path);
  if (!bytes || bytes->size() < sizeof(CacheHeader) + sizeof(uint32_t)) return false;
  CacheHeader header{};
  std::memcpy(&header, bytes->data(), sizeof header);
  const uint64_t widths_size = uint64_t{header.rule_count} * sizeof(uint32_t);
  if (std::memcmp(header.magic, kCacheMagic, sizeof kCacheMagic) != 0 || header.format != kCacheFormat ||
      header.rule_count != out.rules.size() || header.key != key ||
      header.db_size != bytes->size() - sizeof header - widths_size - sizeof(uint32_t)) {
    return false;
  }
  const size_t body = bytes->size() - sizeof(uint32_t);
  uint32_t crc = 0;
  std::memcpy(&crc, bytes->data() + body, sizeof crc);
  if (crc != crc32_of(std::string_view(*bytes).substr(0, body))) return false;
  for (size_t i = 0; i < out.rules.size(); ++i) {
    uint32_t width = 0;
    std::memcpy(&width, bytes->data() + sizeof header + i * sizeof width, sizeof width);
    if (width == 0 || width > kMaxBoundedWidth) return false;
    out.rules[i].width = width;
  }
  hs_database_t* db = nullptr;
  const char* serialized = bytes->data() + sizeof header + widths_size;
  if (hs_deserialize_database(serialized, static_cast<size_t>(header.db_size), &db) != HS_SUCCESS) return false;
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
    hs_free_database(db);
    return false;
  }
  out.db = db;
  out.scratch = scratch;
  return true;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Files of other rule sets (older vigil versions, other rule tables) and stale temporary files.
void prune_cache(const std::string& dir, const std::string& keep) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with("secrets-") || name == keep) continue;
    std::error_code ignored;
    const auto written = fs::last_write_time(it->path(), ignored);
    if (!ignored && now - written > kCacheMaxAge) fs::remove(it->path(), ignored);
  }
}

// Writes the cache file atomically: a temporary file in the same directory, then rename over the final name, so a
// concurrent reader sees either the old file or the whole new one.
bool write_cache(const std::string& dir, const std::string& path, const Digest& key, const Compiled& compiled) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return false;
  char* serialized = nullptr;
  size_t serialized_size = 0;
  if (hs_serialize_database(compiled.db, &serialized, &serialized_size) != HS_SUCCESS) return false;
  CacheHeader header{};
  std::memcpy(header.magic, kCacheMagic, sizeof kCacheMagic);
  header.format = kCacheFormat;
  header.rule_count = static_cast<uint32_t>(compiled.rules.size());
  header.key = key;
  header.db_size = serialized_size;
  std::string bytes(reinterpret_cast<const char*>(&header), sizeof header);
  for (const auto& rule : compiled.rules) bytes.append(reinterpret_cast<const char*>(&rule.width), sizeof rule.width);
  bytes.append(serialized, serialized_size);
  std::free(serialized);  // allocated with Hyperscan's misc allocator, malloc by default
  const uint32_t crc = crc32_of(bytes);
  bytes.append(reinterpret_cast<const char*>(&crc), sizeof crc);

  std::string temp = path + ".XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return false;
  const bool written = write_all(fd, bytes);
  const bool closed = ::close(fd) == 0;
  const bool ok = written && closed && ::rename(temp.c_str(), path.c_str()) == 0;
  if (!ok) ::unlink(temp.c_str());
  if (ok) prune_cache(dir, std::filesystem::path(path).filename().string());
  return ok;
}

}  // namespace

CompiledRule::CompiledRule(CompiledRule&& o) noexcept
    : rule(o.rule), code(o.code), width(o.width), keywords(std::move(o.keywords)), has_check(o.has_check) {
  o.code = nullptr;
}

CompiledRule::~CompiledRule() {
  if (code != nullptr) pcre2_code_free(code);
}

Result<Compiled> compile_rules(std::span<const SecretRule> rules, const std::string& cache_dir) {
  Compiled out;
  if (rules.empty()) return out;
  for (const auto& rule : rules) {
    CompiledRule compiled;
    compiled.rule = &rule;
    compiled.has_check = rule.validation.check != nullptr;
    auto code = compile_pcre2(rule);
    if (!code) return tl::unexpected(code.error());
    compiled.code = *code;
    for (const auto keyword : rule.keywords) {
      if (!keyword.empty()) compiled.keywords.emplace_back(to_lower(keyword));
    }
    out.rules.push_back(std::move(compiled));
  }
  const std::optional<Digest> key = cache_dir.empty() ? std::nullopt : cache_key(rules);
  const std::string path = key ? cache_dir + "/" + file_name_for(*key) : std::string();
  if (key && load_cache(path, *key, out)) {
    out.cache = CacheUse::Hit;
    return out;
  }
  if (auto compiled = compile_hyperscan(rules, out); !compiled) return tl::unexpected(compiled.error());
  if (hs_alloc_scratch(out.db, &out.scratch) != HS_SUCCESS) {
    hs_free_database(out.db);
    return fail("secret rules: cannot allocate Hyperscan scratch space");
  }
  if (key) {
    out.cache = write_cache(cache_dir, path, *key, out) ? CacheUse::Written : CacheUse::Unwritable;
  } else if (!cache_dir.empty()) {
    out.cache = CacheUse::Unwritable;
  }
  return out;
}

std::string cache_file_name(std::span<const SecretRule> rules) {
  const auto key = cache_key(rules);
  return key ? file_name_for(*key) : std::string();
}

Worker::Worker(const hs_scratch_t* prototype, size_t rule_count) : open(rule_count) {
  if (prototype != nullptr && hs_clone_scratch(prototype, &scratch) != HS_SUCCESS) {
    scratch = nullptr;
  }
  match = pcre2_match_data_create(64, nullptr);
  context = pcre2_match_context_create(nullptr);
  jit_stack = pcre2_jit_stack_create(32U << 10, 1U << 20, nullptr);
  if (context != nullptr) {
    pcre2_set_match_limit(context, kMatchLimit);
    pcre2_set_depth_limit(context, 10'000);
    if (jit_stack != nullptr) pcre2_jit_stack_assign(context, nullptr, jit_stack);
  }
}

Worker::~Worker() {
  if (scratch != nullptr) hs_free_scratch(scratch);
  if (match != nullptr) pcre2_match_data_free(match);
  if (context != nullptr) pcre2_match_context_free(context);
  if (jit_stack != nullptr) pcre2_jit_stack_free(jit_stack);
}

std::vector<Candidate> find_candidates(Worker& w, const hs_database_t* db, const std::vector<CompiledRule>& rules,
                                       std::string_view block) {
  std::vector<Candidate> out;
  if (w.scratch == nullptr || w.match == nullptr || w.context == nullptr) return out;
  w.rules = &rules;
  w.closed.clear();
  for (auto& r : w.open) r.open = false;
  w.regions = 0;
  w.overflow = false;
  ScanContext ctx{&w};
  hs_scan(db, block.data(), static_cast<unsigned>(block.size()), 0, w.scratch, on_match, &ctx);
  for (auto& r : w.open) {
    if (r.open) w.closed.push_back(r);
  }
  std::sort(w.closed.begin(), w.closed.end(),
            [](const Region& a, const Region& b) { return a.rule != b.rule ? a.rule < b.rule : a.start < b.start; });
  size_t i = 0;
  while (i < w.closed.size()) {
    const uint32_t rule_index = w.closed[i].rule;
    const CompiledRule& rule = rules[rule_index];
    size_t next_pos = 0;
    while (i < w.closed.size() && w.closed[i].rule == rule_index) {
      Region merged = w.closed[i++];
      while (i < w.closed.size() && w.closed[i].rule == rule_index && w.closed[i].start <= merged.end) {
        merged.end = std::max(merged.end, w.closed[i++].end);
      }
      confirm_region(w, rule, rule_index, merged, block, next_pos, out);
    }
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.secret_start != b.secret_start ? a.secret_start < b.secret_start : a.rule < b.rule;
  });
  return out;
}

// A generic candidate whose secret overlaps any specific rule's secret is dropped first: "password = sk_live_..."
// is a Stripe key, not a password. Spans are sorted by start; a prefix maximum of ends finds any overlap.
std::vector<Candidate> drop_generic_overlaps(const std::vector<Candidate>& sorted,
                                             const std::vector<CompiledRule>& rules) {
  std::vector<size_t> starts;
  std::vector<size_t> max_end;
  for (const auto& c : sorted) {
    if (!rules[c.rule].rule->generic) {
      starts.push_back(c.secret_start);
      max_end.push_back(std::max(c.secret_end, max_end.empty() ? size_t{0} : max_end.back()));
    }
  }
  std::vector<Candidate> out;
  for (const auto& c : sorted) {
    if (rules[c.rule].rule->generic) {
      const auto before = std::lower_bound(starts.begin(), starts.end(), c.secret_end) - starts.begin();
      if (before > 0 && max_end[static_cast<size_t>(before) - 1] > c.secret_start) {
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

std::vector<Candidate> resolve_overlaps(const std::vector<Candidate>& all, const std::vector<CompiledRule>& rules) {
  std::vector<Candidate> kept;
  for (const auto& c : drop_generic_overlaps(all, rules)) {
    if (!kept.empty() && c.secret_start < kept.back().secret_end) {
      const Candidate& k = kept.back();
      // A rule with a checksum/structure check, then table order.
      const auto rank = [&](const Candidate& x) { return std::make_tuple(!rules[x.rule].has_check, x.rule); };
      if (rank(c) < rank(k)) kept.back() = c;
      continue;
    }
    kept.push_back(c);
  }
  return kept;
}

bool inline_allowed(std::string_view buf, uint64_t buf_off, uint64_t line_start, uint64_t prev_line_start,
                    uint64_t offset, std::string_view rule_id, const std::vector<std::string_view>& rule_ids) {
  const uint64_t buf_end = buf_off + buf.size();
  const uint64_t lo = std::max({line_start, buf_off, offset > kInlineSpan ? offset - kInlineSpan : 0});
  const uint64_t limit = std::min(buf_end, offset + kInlineSpan);
  const size_t newline = buf.find('\n', static_cast<size_t>(offset - buf_off));
  const uint64_t hi = newline == std::string_view::npos ? limit : std::min<uint64_t>(limit, buf_off + newline);
  if (marker_covers(buf.substr(lo - buf_off, hi - lo), rule_id, rule_ids)) return true;
  if (prev_line_start == UINT64_MAX || prev_line_start < buf_off || line_start == 0) return false;
  const uint64_t prev_end = line_start - 1;  // the '\n' ending the line above
  const uint64_t prev_lo = std::max(prev_line_start, prev_end > kInlineSpan ? prev_end - kInlineSpan : 0);
  return prev_lo <= prev_end && marker_covers(buf.substr(prev_lo - buf_off, prev_end - prev_lo), rule_id, rule_ids);
}

std::string redact(std::string_view secret) {
  size_t prefix = 0;
  for (size_t i = 0; i < secret.size() && i < 16;) {
    size_t j = i;
    while (j < secret.size() && std::isalpha(static_cast<unsigned char>(secret[j]))) ++j;
    if (j == i || j >= secret.size() || (secret[j] != '_' && secret[j] != '-' && secret[j] != '.')) break;
    prefix = j + 1;
    i = j + 1;
  }
  const size_t shown = std::min(prefix > 0 ? prefix + 2 : size_t{4}, secret.size() / 3);
  std::string out;
  for (size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(secret[i]);
    out += (c >= 0x21 && c < 0x7f) ? static_cast<char>(c) : '?';  // reports are UTF-8 JSON: no raw bytes
  }
  return out + "*****";
}

}  // namespace vigil::secrets::detail
