// The JSON members the readers take, as tables shared by the reading kernels and the code that
// checks or copies what they read. Data and constexpr helpers only. Internal.
#ifndef MMDREG_SRC_AUTOPILOT_JSON_MEMBERS_HPP
#define MMDREG_SRC_AUTOPILOT_JSON_MEMBERS_HPP

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "mmdreg/autopilot/payloads.hpp"
#include "mmdreg/domain/device.hpp"

namespace mmdreg::autopilot::detail {

/// Where each member of a device-list entry lands in the record; the names are Graph's.
struct device_member {
  std::string_view name;
  std::string device_record::*field;
};
inline constexpr device_member kDeviceMembers[] = {
    {"serialNumber", &device_record::serial_number},
    {"productKey", &device_record::product_key_id},
    {"hardwareIdentifier", &device_record::hardware_hash},
    {"groupTag", &device_record::group_tag},
    {"assignedUserPrincipalName", &device_record::assigned_user},
    {"manufacturer", &device_record::manufacturer},
    {"model", &device_record::model},
    {"orderIdentifier", &device_record::order_id},
    {"purchaseOrderIdentifier", &device_record::purchase_id},
};

/// The members of windowsAutopilotDeviceIdentity the library reads, in one table for the view and
/// the owning record.
struct autopilot_member {
  std::string_view name;
  std::string_view autopilot_device_view::*view;
  std::string autopilot_device_identity::*owned;
};
inline constexpr autopilot_member kAutopilotMembers[] = {
    {"id", &autopilot_device_view::id, &autopilot_device_identity::id},
    {"serialNumber", &autopilot_device_view::serial_number,
     &autopilot_device_identity::serial_number},
    {"productKey", &autopilot_device_view::product_key, &autopilot_device_identity::product_key},
    {"manufacturer", &autopilot_device_view::manufacturer,
     &autopilot_device_identity::manufacturer},
    {"model", &autopilot_device_view::model, &autopilot_device_identity::model},
    {"groupTag", &autopilot_device_view::group_tag, &autopilot_device_identity::group_tag},
    {"purchaseOrderIdentifier", &autopilot_device_view::purchase_order_identifier,
     &autopilot_device_identity::purchase_order_identifier},
    {"enrollmentState", &autopilot_device_view::enrollment_state,
     &autopilot_device_identity::enrollment_state},
    {"deploymentProfileAssignmentStatus",
     &autopilot_device_view::deployment_profile_assignment_status,
     &autopilot_device_identity::deployment_profile_assignment_status},
    {"deploymentProfileAssignedDateTime",
     &autopilot_device_view::deployment_profile_assigned_date_time,
     &autopilot_device_identity::deployment_profile_assigned_date_time},
    {"lastContactedDateTime", &autopilot_device_view::last_contacted_date_time,
     &autopilot_device_identity::last_contacted_date_time},
    {"userPrincipalName", &autopilot_device_view::user_principal_name,
     &autopilot_device_identity::user_principal_name},
    {"azureActiveDirectoryDeviceId", &autopilot_device_view::azure_active_directory_device_id,
     &autopilot_device_identity::azure_active_directory_device_id},
    {"managedDeviceId", &autopilot_device_view::managed_device_id,
     &autopilot_device_identity::managed_device_id},
    {"displayName", &autopilot_device_view::display_name, &autopilot_device_identity::display_name},
};

// A device has some twenty members and a listing a million devices: the member is found with one
// table probe (length, first and last character) and one comparison instead of a scan.
constexpr std::size_t autopilot_member_slot(std::string_view key) noexcept {
  return (key.size() + static_cast<unsigned char>(key.front()) +
          static_cast<unsigned char>(key.back()) * 4) &
         63;
}

constexpr std::array<signed char, 64> make_autopilot_member_table() {
  std::array<signed char, 64> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < std::size(kAutopilotMembers); ++i) {
    const auto slot = autopilot_member_slot(kAutopilotMembers[i].name);
    if (table[slot] != -1) throw "two members share a slot: change autopilot_member_slot";
    table[slot] = static_cast<signed char>(i);
  }
  return table;
}
/// Index into kAutopilotMembers by autopilot_member_slot, -1 where no member lands.
inline constexpr auto kAutopilotMemberTable = make_autopilot_member_table();

}  // namespace mmdreg::autopilot::detail

#endif
