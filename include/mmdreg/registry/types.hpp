// The vocabulary of the registration service model (spec sections 1, 5, 6, 7): identifiers, actors,
// channels, workflow steps, ring sources, audit causes and the simulated clock.
#ifndef MMDREG_REGISTRY_TYPES_HPP
#define MMDREG_REGISTRY_TYPES_HPP

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "mmdreg/domain/profiles.hpp"
#include "mmdreg/domain/states.hpp"

namespace mmdreg::registry {

/// Simulated time: whole seconds on the UTC time line. The engine never reads a real clock.
using sim_time = std::chrono::sys_seconds;

/// An organization (tenant). Strong types keep ids of different kinds from being mixed up.
enum class organization_id : std::uint32_t {};
/// A CSP partner known to the service.
enum class partner_id : std::uint32_t {};
/// An OEM known to the service.
enum class oem_id : std::uint32_t {};
/// One device row of one organization. Ids are never reused: a removed row keeps its id so that
/// the audit trail always names the row it speaks of.
enum class device_id : std::uint32_t {};
/// One registration request (batch), numbered from 1 in the order the engine accepted it.
enum class request_number : std::uint32_t {};

/// Who performs an operation (spec section 1).
enum class actor_kind : std::uint8_t {
  tenant_admin = 0,  ///< the IT admin of one organization
  csp_partner = 1,   ///< a Cloud Solution Provider partner, acting for a consenting customer
  oem = 2,           ///< an OEM, acting for a customer that authorized it
  service = 3,       ///< the service itself: scheduled jobs, workflow steps, device telemetry
};

/// "tenant admin", "CSP partner", "OEM", "service".
std::string_view actor_kind_name(actor_kind k) noexcept;

/// An actor: its kind and the id of the organization (tenant admin), partner or OEM it is.
struct actor {
  actor_kind kind = actor_kind::service;
  std::uint32_t id = 0;

  static constexpr actor admin_of(organization_id org) noexcept {
    return {actor_kind::tenant_admin, static_cast<std::uint32_t>(org)};
  }
  static constexpr actor partner(partner_id p) noexcept {
    return {actor_kind::csp_partner, static_cast<std::uint32_t>(p)};
  }
  static constexpr actor oem(oem_id o) noexcept {
    return {actor_kind::oem, static_cast<std::uint32_t>(o)};
  }
  static constexpr actor service_itself() noexcept { return {actor_kind::service, 0}; }
  bool operator==(const actor&) const = default;
};

/// Where a registration request comes from (spec section 1).
enum class channel : std::uint8_t {
  devices_blade = 0,  ///< "devices-blade": MMD Devices blade upload, manual workflow, tenant admin
  autopilot_blade = 1,  ///< "autopilot-blade": Intune Autopilot CSV import, auto-registration
  partner_center = 2,   ///< "partner-center": CSP partner, auto-registration
  oem_api = 3,          ///< "oem-api": OEM, auto-registration
  mmd_api = 4,          ///< "mmd-api": REST, manual workflow; a partner may omit the hash
};

/// The channel's id as the spec writes it, e.g. "devices-blade".
std::string_view channel_name(channel c) noexcept;
std::optional<channel> parse_channel(std::string_view name) noexcept;

/// Whether requests from this channel follow the auto-registration workflow of spec section 6.
constexpr bool is_auto_registration(channel c) noexcept {
  return c == channel::autopilot_blade || c == channel::partner_center || c == channel::oem_api;
}

/// The internal steps of the workflow of spec section 6, in the order a device goes through them.
/// Auto-registered devices also pass shipped_record and request_comparison (the hourly jobs that
/// take them into MMD); manually registered devices skip those two.
enum class workflow_step : std::uint8_t {
  autopilot_record = 0,       ///< the Autopilot device record exists
  entra_record = 1,           ///< the Entra device record exists
  order_id_link = 2,          ///< the Entra record carries the group tag as OrderID
  deployment_profile = 3,     ///< the Autopilot deployment profile is assigned
  shipped_record = 4,         ///< auto only: the hourly assignment check found the device
  request_comparison = 5,     ///< auto only: the hourly comparison registered it in MMD
  ring = 6,                   ///< a deployment ring is assigned
  groups = 7,                 ///< Entra group memberships are in place
  configuration_profile = 8,  ///< the device configuration profile is assigned
  validation = 9,             ///< validation passed: Ready for user
  intune_record = 10,         ///< the user signed in at OOBE: Intune managed-device record, Active
};
inline constexpr std::size_t workflow_step_count = 11;

/// "Autopilot record", "Entra record", "OrderID link", ...
std::string_view step_name(workflow_step s) noexcept;

/// Who gave a device its ring.
enum class ring_source : std::uint8_t {
  automatic = 0,  ///< the automatic assignment (never Test)
  admin = 1,      ///< pinned by a tenant admin
};

/// "Automatic", "Admin".
std::string_view ring_source_name(ring_source s) noexcept;

/// Why an audit entry was written.
enum class audit_cause : std::uint8_t {
  registration_requested = 0,  ///< a manual request made the device Registration Pending
  registration_failed = 1,     ///< the request failed for this device (see its error)
  autopilot_import = 2,        ///< an auto-registration request put the device into Autopilot
  assignment_check = 3,        ///< the hourly assignment check made it Registration Pending
  validation = 4,              ///< validation passed: Ready for user
  oobe_sign_in = 5,            ///< the first user signed in at OOBE: Active
  activity = 6,                ///< activity after a quiet week: Inactive -> Active
  inactivity = 7,              ///< no activity for 7 days: Active -> Inactive
  deregistered = 8,            ///< removed by a tenant admin; the identity is released
  ring_assigned = 9,           ///< the automatic ring assignment gave the device a ring
  ring_pinned = 10,            ///< an admin pinned the device to a ring
  ring_released = 11,          ///< an admin released the device to automatic assignment
  manual_group_change = 12,    ///< someone changed an MMD group membership by hand
  groups_reconciled = 13,      ///< the hourly remediation restored the MMD group memberships
  renamed = 14,                ///< the 4-hourly rename job gave the device a template name
  manual_rename = 15,          ///< the device was renamed outside MMD
  tag_removed = 16,            ///< the MMD group tag was removed outside MMD
  tag_restored = 17,           ///< the daily job gave the device its MMD tag back
  failure_superseded = 18,     ///< a later registration of the same device replaced this failed row
};

/// "registration requested", "ring pinned", ...
std::string_view audit_cause_name(audit_cause c) noexcept;

/// One audit entry: 24 bytes. `from`/`to` are the visible states before and after; an entry that
/// does not change the state (a ring, group, name or tag change) has from == to. A device that is
/// not in the Devices blade (before the assignment check, after removal) has no state (nullopt).
struct audit_entry {
  std::int64_t time = 0;  ///< seconds since the Unix epoch
  std::uint32_t device = 0;
  std::uint32_t by_id = 0;  ///< actor::id of who caused it
  actor_kind by_kind = actor_kind::service;
  std::uint8_t from = no_state;  ///< registration_state, or no_state
  std::uint8_t to = no_state;    ///< registration_state, or no_state
  audit_cause cause = audit_cause::registration_requested;

  static constexpr std::uint8_t no_state = 0xFF;
  bool operator==(const audit_entry&) const = default;
};

}  // namespace mmdreg::registry

#endif
