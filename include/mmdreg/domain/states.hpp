// Registration states and registration errors: spec section 5. Display names and messages are
// exact.
#ifndef MMDREG_DOMAIN_STATES_HPP
#define MMDREG_DOMAIN_STATES_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mmdreg/domain/random.hpp"

namespace mmdreg {

/// What the Devices blade shows for a device. Numeric values cross the C ABI.
enum class registration_state : std::uint8_t {
  pending = 0,         ///< "Registration Pending"
  failed = 1,          ///< "Registration failed"
  ready_for_user = 2,  ///< "Ready for user" (older docs: "Setup needed")
  active = 3,          ///< "Active": enrolled and used in the last 7 days
  inactive = 4,        ///< "Inactive": enrolled, not used in the last 7 days
};

/// The exact display name, e.g. "Registration Pending".
std::string_view display_name(registration_state s) noexcept;

/// The state with that display name (exact), if any. "Setup needed" is read as ready_for_user.
std::optional<registration_state> parse_registration_state(std::string_view name) noexcept;

/// Why a registration or deregistration failed. Numeric values cross the C ABI.
enum class registration_error : std::uint8_t {
  device_not_found = 0,
  hardware_hash_not_valid = 1,
  device_already_registered = 2,
  device_claimed_by_another_organization = 3,
  unexpected_error = 4,
};

/// The exact message, e.g. "Device claimed by another organization".
std::string_view message(registration_error e) noexcept;

/// The error with that exact message, if any.
std::optional<registration_error> parse_registration_error(std::string_view message) noexcept;

/// What Autopilot reports for the same failure.
struct autopilot_equivalent {
  std::string_view name;  ///< "InvalidZtdHardwareHash", ...; empty when there is none
  int code = 0;           ///< 802, 806, 808; 0 when Autopilot gives no number
};

/// Device not found has none; Hardware hash not valid is InvalidZtdHardwareHash (802); Device
/// already registered is ZtdDeviceAlreadyAssigned (806); Device claimed by another organization is
/// ZtdDeviceAssignedToOtherTenant (808); Unexpected error is StorageError (no number).
autopilot_equivalent autopilot_equivalent_of(registration_error e) noexcept;

/// A failed registration as the Devices blade reports it. `request_id` is set exactly when the
/// error is unexpected_error: it is what the admin gives to support.
struct registration_failure {
  registration_error error = registration_error::unexpected_error;
  std::string request_id;
};

/// A failure of the given kind; unexpected_error gets a fresh Request ID drawn from `random`.
registration_failure make_registration_failure(registration_error e, random_source& random);

/// A Request ID in the lower-case GUID form 8-4-4-4-12 (version 4, RFC 4122 variant).
std::string make_request_id(random_source& random);

/// Whether `id` has the form make_request_id produces.
bool is_request_id(std::string_view id) noexcept;

}  // namespace mmdreg

#endif
