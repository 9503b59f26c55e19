// Event type names: the `evt.type` values rules compare with and the "type" of recorded events (Falco's names).
#include "model/event.hpp"

#include <array>

namespace vigil::model {
namespace {

// One row per EventType, in enum order (checked below).
constexpr std::array<std::pair<EventType, std::string_view>, kEventTypeCount> kNames = {{
    {EventType::Exec, "execve"},
    {EventType::Fork, "clone"},
    {EventType::Exit, "procexit"},
    {EventType::Open, "open"},
    {EventType::Unlink, "unlink"},
    {EventType::Rename, "rename"},
    {EventType::Chmod, "chmod"},
    {EventType::Connect, "connect"},
    {EventType::Accept, "accept"},
    {EventType::Bind, "bind"},
    {EventType::Ptrace, "ptrace"},
    {EventType::MemfdCreate, "memfd_create"},
    {EventType::ExecMmap, "mmap_exec"},
    {EventType::ModuleLoad, "init_module"},
    {EventType::SetUid, "setuid"},
    {EventType::SetGid, "setgid"},
    {EventType::Capset, "capset"},
    {EventType::Mount, "mount"},
    {EventType::Bpf, "bpf"},
    {EventType::Dup, "dup"},
    {EventType::Chdir, "chdir"},
}};

constexpr bool names_in_enum_order() {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (static_cast<size_t>(kNames[i].first) != i) {
      return false;
    }
  }
  return true;
}
static_assert(names_in_enum_order(), "kNames must list every EventType in enum order");

}  // namespace

std::string_view event_type_name(EventType type) {
  const auto index = static_cast<size_t>(type);
  return index < kNames.size() ? kNames[index].second : std::string_view("unknown");
}

std::optional<EventType> parse_event_type(std::string_view name) {
  for (const auto& [type, type_name] : kNames) {
    if (type_name == name) {
      return type;
    }
  }
  return std::nullopt;
}

}  // namespace vigil::model
