// Inside the secret engine (scanner.cpp): compiling the rules into one Hyperscan database plus one PCRE2 program
// each, finding candidate secrets in a block of bytes, inline `vigil:allow` markers and redaction.
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "scan/secrets/rule.hpp"

namespace vigil::secrets::detail {

// Distinct candidate regions kept per block; a block of hostile bytes that fires more often stops early (warning).
constexpr size_t kMaxRegionsPerBlock = 1U << 17;
// Hyperscan reports where matches end; PCRE2 then re-reads the region of up to this many bytes before each end
// (the pattern's longest match, when shorter). So a match of an unbounded pattern is found only when it is at most
// 16 KiB long (PEM/PGP private keys are well under). HS_FLAG_SOM_LEFTMOST would give exact starts but, measured with
// the 197 built-in rules (41 unbounded) on /usr/lib/python3, it cut Hyperscan from 894 to 213 MB/s.
constexpr uint32_t kMaxBoundedWidth = 16U << 10;

struct CompiledRule {
  const SecretRule* rule = nullptr;
  pcre2_code* code = nullptr;         // owned
  uint32_t width = 0;                 // longest match in bytes, at most kMaxBoundedWidth
  std::vector<std::string> keywords;  // lower-case; one must occur in or near each match
  bool has_check = false;

  CompiledRule() = default;
  CompiledRule(CompiledRule&& o) noexcept;
  CompiledRule& operator=(CompiledRule&&) = delete;
  CompiledRule(const CompiledRule&) = delete;
  ~CompiledRule();
};

// What compile_rules did with the on-disk database cache.
enum class CacheUse {
  Off,         // no cache directory given
  Hit,         // database loaded from the cache
  Written,     // compiled, then written to the cache
  Unwritable,  // compiled; the cache could not be written (the scan goes on regardless)
};

struct Compiled {
  std::vector<CompiledRule> rules;
  hs_database_t* db = nullptr;      // null when there are no rules
  hs_scratch_t* scratch = nullptr;  // the prototype every worker clones
  CacheUse cache = CacheUse::Off;
};

// Bump when the cache file layout or the way the database is compiled (flags, mode, widths) changes.
constexpr uint32_t kCacheFormat = 1;

// Compiling the Hyperscan database takes ~0.37 s for the built-in rules, so it is cached in cache_dir (empty: no
// cache) as "secrets-<key>.hsdb", the key a sha256 of every rule's id and pattern, the cache format, hs_version() and
// the host platform. A missing, corrupt or mismatching file is recompiled and rewritten atomically (temp + rename);
// the cache never makes compilation fail. PCRE2 patterns are compiled every time (~2 ms for the built-in rules,
// JIT included). Fails naming the rule whose pattern Hyperscan or PCRE2 rejects.
Result<Compiled> compile_rules(std::span<const SecretRule> rules, const std::string& cache_dir = {});

// The cache file compile_rules uses for these rules on this host, without the directory.
std::string cache_file_name(std::span<const SecretRule> rules);

struct Region {
  uint32_t rule = 0;
  uint64_t start = 0;
  uint64_t end = 0;
  bool open = false;
};

// Per-thread matching state, pooled by the scanner (Hyperscan scratch and PCRE2 match data are not shareable).
struct Worker {
  Worker(const hs_scratch_t* prototype, size_t rule_count);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  hs_scratch_t* scratch = nullptr;
  pcre2_match_data* match = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
  std::vector<Region> open;  // per rule: the region being extended
  std::vector<Region> closed;
  std::string lowered;  // scratch for keyword checks
  const std::vector<CompiledRule>* rules = nullptr;
  size_t regions = 0;
  bool overflow = false;
  std::string chunk;  // file bytes read for one block
};

// A pattern match in a block: offsets relative to the block.
struct Candidate {
  uint32_t rule = 0;
  size_t match_start = 0;
  size_t match_end = 0;
  size_t secret_start = 0;
  size_t secret_end = 0;
};

// Every match of every rule with one of its keywords (if any) in or near the match, sorted by secret start; at most one
// per rule and start offset (PCRE2 leftmost-first, non-overlapping matches within a rule).
std::vector<Candidate> find_candidates(Worker& worker, const hs_database_t* db, const std::vector<CompiledRule>& rules,
                                       std::string_view block);

// When different rules matched overlapping secrets, keeps one: a rule with a checksum/structure check beats one
// without, then the earlier rule in the table (specific groups come before generic ones). Input sorted by start.
std::vector<Candidate> resolve_overlaps(const std::vector<Candidate>& sorted, const std::vector<CompiledRule>& rules);

// True when a `vigil:allow` marker on the secret's line, or on the line above, covers rule_id: a bare marker covers
// every rule; `vigil:allow id1, id2` (ids of known rules) only those. Offsets are file offsets; buf starts at
// buf_off. prev_line_start is UINT64_MAX on the first line. Only a bounded span around the secret is searched.
bool inline_allowed(std::string_view buf, uint64_t buf_off, uint64_t line_start, uint64_t prev_line_start,
                    uint64_t offset, std::string_view rule_id, const std::vector<std::string_view>& rule_ids);

// A known prefix ("ghp_", "sk_live_", "github_pat_": letters and a separator, repeated) plus two characters, else
// the first four; never more than a third of the secret; then a fixed "*****" so the length is not revealed.
std::string redact(std::string_view secret);

}  // namespace vigil::secrets::detail
