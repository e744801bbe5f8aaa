#include <array>
#include <cstddef>

#include "mmdreg/registry/types.hpp"

namespace mmdreg::registry {
namespace {

constexpr std::array<std::string_view, 4> kActorKinds{"tenant admin", "CSP partner", "OEM",
                                                      "service"};
constexpr std::array<std::string_view, 5> kChannels{"devices-blade", "autopilot-blade",
                                                    "partner-center", "oem-api", "mmd-api"};
constexpr std::array<std::string_view, workflow_step_count> kSteps{
    "Autopilot record",      "Entra record",       "OrderID link", "deployment profile",
    "shipped record",        "request comparison", "ring",         "groups",
    "configuration profile", "validation",         "Intune record"};
constexpr std::array<std::string_view, 19> kCauses{"registration requested",
                                                   "registration failed",
                                                   "Autopilot import",
                                                   "assignment check",
                                                   "validation",
                                                   "OOBE sign-in",
                                                   "activity",
                                                   "inactivity",
                                                   "deregistered",
                                                   "ring assigned",
                                                   "ring pinned",
                                                   "ring released",
                                                   "manual group change",
                                                   "groups reconciled",
                                                   "renamed",
                                                   "manual rename",
                                                   "tag removed",
                                                   "tag restored",
                                                   "failure superseded"};

template <std::size_t N>
std::string_view lookup(const std::array<std::string_view, N>& names, std::size_t i) noexcept {
  return i < N ? names[i] : std::string_view{};
}

}  // namespace

std::string_view actor_kind_name(actor_kind k) noexcept {
  return lookup(kActorKinds, static_cast<std::size_t>(k));
}
std::string_view channel_name(channel c) noexcept {
  return lookup(kChannels, static_cast<std::size_t>(c));
}
std::optional<channel> parse_channel(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kChannels.size(); ++i)
    if (kChannels[i] == name) return static_cast<channel>(i);
  return std::nullopt;
}
std::string_view step_name(workflow_step s) noexcept {
  return lookup(kSteps, static_cast<std::size_t>(s));
}
std::string_view ring_source_name(ring_source s) noexcept {
  return s == ring_source::admin ? "Admin" : "Automatic";
}
std::string_view audit_cause_name(audit_cause c) noexcept {
  return lookup(kCauses, static_cast<std::size_t>(c));
}

}  // namespace mmdreg::registry
