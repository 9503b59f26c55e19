// Lookalike-name detection (see lookalike.hpp): confusable folding plus a bounded Damerau (optimal string
// alignment) distance, per owner/repository component so that a squatted owner with the real repository name is
// caught as readily as a typo in the repository.
#include "core/lookalike.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "core/strings.hpp"

namespace vigil {
namespace {

constexpr size_t kMaxCompared = 256;
constexpr int kFar = std::numeric_limits<int>::max() / 2;

// Edits tolerated for a component as long as the known one: short names are too dense for any edit to mean
// "imitates" (go/gh, ko/go), so they must fold to equal.
int allowed_edits(size_t known_length) {
  if (known_length < 4) return 0;
  return known_length <= 10 ? 1 : 2;
}

// Optimal string alignment distance, or kFar once it must exceed `limit` (the length gap alone decides most
// pairs, so the table is rarely filled).
int osa_distance(std::string_view a, std::string_view b, int limit) {
  const size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (gap > static_cast<size_t>(limit)) return kFar;
  const size_t width = b.size() + 1;
  std::vector<int> d((a.size() + 1) * width);
  const auto at = [&](size_t i, size_t j) -> int& { return d[i * width + j]; };
  for (size_t i = 0; i <= a.size(); ++i) at(i, 0) = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) at(0, j) = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) best = std::min(best, at(i - 2, j - 2) + 1);
      at(i, j) = best;
    }
  }
  const int result = at(a.size(), b.size());
  return result > limit ? kFar : result;
}

// How far `name` is from `known` (both already folded), or kFar when not close.
int component_distance(std::string_view name, std::string_view known) {
  if (name == known) return 0;
  return osa_distance(name, known, allowed_edits(known.size()));
}

struct Split {
  std::string_view owner;
  std::string_view rest;
};

std::optional<Split> split_owner(std::string_view s) {
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  return Split{s.substr(0, slash), s.substr(slash + 1)};
}

// The owner with a word added ("docker-login" for "docker", "official-actions" for "actions"): squatters register
// such organisations and copy the repository under its real name.
bool owner_with_affix(std::string_view owner, std::string_view known_owner) {
  if (known_owner.size() < 4 || owner.size() <= known_owner.size() + 1) return false;
  const std::string prefix = std::string(known_owner) + "-";
  const std::string suffix = "-" + std::string(known_owner);
  return starts_with(owner, prefix) || ends_with(owner, suffix);
}

// Distance of two raw names, kFar when not close.
int name_distance(std::string_view name, std::string_view known) {
  const auto a = split_owner(name);
  const auto b = split_owner(known);
  if (a && b) {
    const std::string owner_a = fold_confusables(a->owner);
    const std::string owner_b = fold_confusables(b->owner);
    const std::string rest_a = fold_confusables(a->rest);
    const std::string rest_b = fold_confusables(b->rest);
    if (rest_a == rest_b && owner_with_affix(owner_a, owner_b)) return 2;
    // Within one owner a whole-word change is more often a sibling repository than a typo: one edit at most.
    const int rest = owner_a == owner_b ? osa_distance(rest_a, rest_b, std::min(1, allowed_edits(rest_b.size())))
                                        : component_distance(rest_a, rest_b);
    const int owner = component_distance(owner_a, owner_b);
    return owner >= kFar || rest >= kFar ? kFar : owner + rest;
  }
  std::string whole_a = fold_confusables(name);
  std::string whole_b = fold_confusables(known);
  std::replace(whole_a.begin(), whole_a.end(), '/', '-');
  std::replace(whole_b.begin(), whole_b.end(), '/', '-');
  return component_distance(whole_a, whole_b);
}

}  // namespace

std::string fold_confusables(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const char next = i + 1 < name.size() ? name[i + 1] : '\0';
    const auto lower = [](char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; };
    if (lower(c) == 'r' && lower(next) == 'n') {
      out += 'm';
      ++i;
    } else if (lower(c) == 'v' && lower(next) == 'v') {
      out += 'w';
      ++i;
    } else {
      switch (lower(c)) {
        case '0': out += 'o'; break;
        case '1':
        case 'i':
        case '|': out += 'l'; break;
        case '_': out += '-'; break;
        default: out += lower(c);
      }
    }
  }
  return out;
}

std::optional<std::string> lookalike_of(std::string_view name, std::span<const std::string_view> known) {
  if (name.empty() || name.size() > kMaxCompared) return std::nullopt;
  for (std::string_view k : known) {
    if (iequals(name, k)) return std::nullopt;
  }
  int best = kFar;
  std::string_view match;
  for (std::string_view k : known) {
    if (k.empty() || k.size() > kMaxCompared) continue;
    const int d = name_distance(name, k);
    if (d < best) {
      best = d;
      match = k;
    }
  }
  if (best >= kFar) return std::nullopt;
  return std::string(match);
}

}  // namespace vigil
