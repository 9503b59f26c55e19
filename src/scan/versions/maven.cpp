// Maven version ordering: a port of maven-artifact 3.8.7 ComparableVersion (the version Debian ships and
// the one tests/data/versions/maven.tsv was generated with). ASCII only: non-ASCII bytes count as letters.
#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include "scan/versions/compare.hpp"

namespace vigil::versions {
namespace {

enum class Kind : unsigned char { Int, Str };

// An Int holds its digits without leading zeros (empty = 0); a Str holds its lowercase-able text and the
// index of its qualifier in alpha, beta, milestone, rc, snapshot, "", sp (7 = unknown, ordered by text).
struct Item {
  Kind kind;
  unsigned char rank;
  std::string_view text;
};

// ComparableVersion nests lists, but each list's sub-list is always its last element, so a version is a
// chain of levels: items of level k, then (optionally) level k+1.
struct Level {
  std::size_t first;
  std::size_t count;
};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool iequals(std::string_view s, std::string_view lower_word) {
  if (s.size() != lower_word.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (lower(s[i]) != lower_word[i]) return false;
  }
  return true;
}

Item make_string(std::string_view s, bool followed_by_digit) {
  static constexpr std::array<std::string_view, 7> kQualifiers{"alpha",    "beta", "milestone", "rc",
                                                               "snapshot", "",     "sp"};
  if (followed_by_digit && s.size() == 1) {
    switch (lower(s[0])) {
      case 'a': return {Kind::Str, 0, "alpha"};
      case 'b': return {Kind::Str, 1, "beta"};
      case 'm': return {Kind::Str, 2, "milestone"};
      default: break;
    }
  }
  if (iequals(s, "ga") || iequals(s, "final") || iequals(s, "release")) return {Kind::Str, 5, ""};
  if (iequals(s, "cr")) return {Kind::Str, 3, "rc"};
  for (std::size_t i = 0; i < kQualifiers.size(); ++i) {
    if (iequals(s, kQualifiers[i])) return {Kind::Str, static_cast<unsigned char>(i), kQualifiers[i]};
  }
  return {Kind::Str, 7, s};
}

Item make_item(bool digits, std::string_view s) {
  if (!digits) return make_string(s, false);
  std::size_t z = 0;
  while (z < s.size() && s[z] == '0') ++z;
  return {Kind::Int, 0, s.substr(z)};
}

bool is_null(const Item& it) {
  return it.kind == Kind::Int ? it.text.empty() : it.rank == 5;
}

int sign(int v) {
  return (v > 0) - (v < 0);
}

int compare_numbers(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return sign(a.compare(b));
}

// comparableQualifier(a).compareTo(comparableQualifier(b)): known index, or "7-" + text for unknowns.
int compare_qualifiers(const Item& a, const Item& b) {
  if (a.rank != b.rank) return a.rank < b.rank ? -1 : 1;
  if (a.rank != 7) return 0;
  const std::size_t n = std::min(a.text.size(), b.text.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(lower(a.text[i]));
    const auto y = static_cast<unsigned char>(lower(b.text[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.text.size() == b.text.size() ? 0 : (a.text.size() < b.text.size() ? -1 : 1);
}

int item_vs_null(const Item& it) {
  if (it.kind == Kind::Int) return it.text.empty() ? 0 : 1;
  return it.rank == 5 ? 0 : (it.rank < 5 ? -1 : 1);
}

int item_vs_item(const Item& a, const Item& b) {
  if (a.kind == Kind::Int) return b.kind == Kind::Int ? compare_numbers(a.text, b.text) : 1;
  return b.kind == Kind::Int ? -1 : compare_qualifiers(a, b);
}

// Small buffers on the stack; long versions spill to the heap.
template <typename T, std::size_t N>
class SmallVec {
 public:
  void push_back(const T& v) {
    if (size_ < N) {
      inline_[size_] = v;
    } else {
      if (heap_.empty()) heap_.assign(inline_.begin(), inline_.end());
      heap_.push_back(v);
    }
    ++size_;
  }
  T& operator[](std::size_t i) { return size_ > N ? heap_[i] : inline_[i]; }
  const T& operator[](std::size_t i) const { return size_ > N ? heap_[i] : inline_[i]; }
  [[nodiscard]] std::size_t size() const { return size_; }
  void resize_down(std::size_t n) {
    size_ = n;  // only used to drop levels; heap_ keeps the data consistent for indices < n
    if (n <= N && !heap_.empty()) {
      std::copy(heap_.begin(), heap_.begin() + static_cast<std::ptrdiff_t>(n), inline_.begin());
      heap_.clear();
    } else if (n > N) {
      heap_.resize(n);
    }
  }

 private:
  std::array<T, N> inline_{};
  std::vector<T> heap_;
  std::size_t size_ = 0;
};

struct Version {
  SmallVec<Item, 24> items;
  SmallVec<Level, 12> levels;

  void add(const Item& it) {
    items.push_back(it);
    ++levels[levels.size() - 1].count;
  }
  void push_level() { levels.push_back({items.size(), 0}); }
  [[nodiscard]] std::size_t current_count() const { return levels[levels.size() - 1].count; }
};

void parse(std::string_view s, Version& v) {
  v.push_level();
  bool digit = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.' || c == '-') {
      v.add(i == start ? Item{Kind::Int, 0, {}} : make_item(digit, s.substr(start, i - start)));
      start = i + 1;
      if (c == '-') v.push_level();
    } else if (is_digit(c)) {
      if (!digit && i > start) {
        if (v.current_count() != 0) v.push_level();  // 1.0.0.X1 < 1.0.0-X2: treat .X as -X
        v.add(make_string(s.substr(start, i - start), true));
        start = i;
        v.push_level();
      }
      digit = true;
    } else {
      if (digit && i > start) {
        v.add(make_item(true, s.substr(start, i - start)));
        start = i;
        v.push_level();
      }
      digit = false;
    }
  }
  if (s.size() > start) {
    if (!digit && v.current_count() != 0) v.push_level();
    v.add(make_item(digit, s.substr(start)));
  }
  // normalize(), deepest level first: drop trailing null items; an emptied level drops out of the chain.
  std::size_t live = v.levels.size();
  for (std::size_t k = v.levels.size(); k-- > 0;) {
    Level& level = v.levels[k];
    while (level.count > 0 && is_null(v.items[level.first + level.count - 1])) --level.count;
    if (level.count == 0 && live == k + 1 && k > 0) live = k;
  }
  v.levels.resize_down(live);
}

// ListItem.compareTo(null): every item against null, descending into the sub-list.
int list_vs_null(const Version& v, std::size_t k) {
  for (; k < v.levels.size(); ++k) {
    const Level& level = v.levels[k];
    for (std::size_t i = 0; i < level.count; ++i) {
      if (const int r = item_vs_null(v.items[level.first + i]); r != 0) return r;
    }
  }
  return 0;
}

int compare_versions(const Version& a, const Version& b) {
  std::size_t ka = 0;
  std::size_t kb = 0;
  for (;;) {
    const Level& la = a.levels[ka];
    const Level& lb = b.levels[kb];
    const bool child_a = ka + 1 < a.levels.size();
    const bool child_b = kb + 1 < b.levels.size();
    const std::size_t na = la.count + (child_a ? 1 : 0);
    const std::size_t nb = lb.count + (child_b ? 1 : 0);
    bool descend = false;
    for (std::size_t p = 0; p < na || p < nb; ++p) {
      const bool list_a = child_a && p == la.count;
      const bool list_b = child_b && p == lb.count;
      const Item* ia = p < la.count ? &a.items[la.first + p] : nullptr;
      const Item* ib = p < lb.count ? &b.items[lb.first + p] : nullptr;
      int r = 0;
      if (list_a && list_b) {
        descend = true;
        break;
      } else if (list_a) {
        r = ib == nullptr ? list_vs_null(a, ka + 1) : (ib->kind == Kind::Int ? -1 : 1);
      } else if (list_b) {
        r = ia == nullptr ? -list_vs_null(b, kb + 1) : (ia->kind == Kind::Int ? 1 : -1);
      } else if (ia == nullptr) {
        r = ib == nullptr ? 0 : -item_vs_null(*ib);
      } else {
        r = ib == nullptr ? item_vs_null(*ia) : item_vs_item(*ia, *ib);
      }
      if (r != 0) return r;
    }
    if (!descend) return 0;
    ++ka;
    ++kb;
  }
}

}  // namespace

int compare_maven(std::string_view a, std::string_view b) {
  Version va;
  Version vb;
  parse(a, va);
  parse(b, vb);
  return compare_versions(va, vb);
}

}  // namespace vigil::versions
