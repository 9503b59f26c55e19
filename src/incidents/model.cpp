#include "incidents/model.hpp"

#include <array>

namespace vigil::incidents {
namespace {

// One table per enum: index = value - 1.
constexpr std::array<std::string_view, 4> kSeverityNames{"low", "medium", "high", "critical"};
constexpr std::array<std::string_view, 3> kStatusNames{"open", "acknowledged", "resolved"};
constexpr std::array<std::string_view, 3> kRoleNames{"ingest", "read", "admin"};
constexpr std::array<std::string_view, 9> kChangeKindNames{
    "created", "escalated", "reopened", "acknowledged", "resolved", "auto_resolved", "assigned", "commented", "joined"};

template <class Enum, size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<Enum>(i + 1);
  }
  return std::nullopt;
}

template <class Enum, size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, Enum value) {
  const auto i = static_cast<size_t>(value);
  return i >= 1 && i <= N ? names[i - 1] : std::string_view{"unknown"};
}

}  // namespace

std::string_view severity_name(Severity s) {
  return name_of(kSeverityNames, s);
}
std::optional<Severity> parse_severity(std::string_view s) {
  return parse_name<Severity>(kSeverityNames, s);
}
std::string_view status_name(Status s) {
  return name_of(kStatusNames, s);
}
std::optional<Status> parse_status(std::string_view s) {
  return parse_name<Status>(kStatusNames, s);
}
std::string_view role_name(Role r) {
  return name_of(kRoleNames, r);
}
std::optional<Role> parse_role(std::string_view s) {
  return parse_name<Role>(kRoleNames, s);
}
// Least privilege: a read token (a dashboard viewer's) cannot post events and an ingest token (a sensor's) cannot
// read; admin may do everything.
bool role_allows(Role have, Role need) {
  return have == need || have == Role::Admin;
}
std::string_view change_kind_name(ChangeKind k) {
  return name_of(kChangeKindNames, k);
}
std::optional<ChangeKind> parse_change_kind(std::string_view s) {
  return parse_name<ChangeKind>(kChangeKindNames, s);
}

}  // namespace vigil::incidents
