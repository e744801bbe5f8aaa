// The error codes the Autopilot service reports (Graph `deviceErrorCode` / `deviceErrorName`,
// Partner Center `errorCode`), and what each means in the library's terms (spec section 5).
#ifndef MMDREG_AUTOPILOT_SERVICE_ERRORS_HPP
#define MMDREG_AUTOPILOT_SERVICE_ERRORS_HPP

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "mmdreg/domain/states.hpp"

namespace mmdreg::autopilot {

/// One error the service reported, kept exactly as received, with its meaning for the library.
/// An unknown code or name is never dropped: it stays in `code` / `name` and maps to
/// registration_error::unexpected_error (the spec's "anything else").
struct service_error {
  std::int64_t code = 0;  ///< numeric code as received (801...), 0 when the service gave none
  std::string name;       ///< name as received ("ZtdDeviceAlreadyAssigned", ...), may be empty
  /// The library error the failure amounts to.
  registration_error error = registration_error::unexpected_error;
  /// Whether the code or name is one the library knows (false: kept verbatim, mapped to
  /// unexpected_error).
  bool known = false;

  bool operator==(const service_error&) const = default;
};

/// A documented service error: its number (0 when the service gives none), canonical name, and
/// the library error it maps to.
struct known_service_error {
  std::int64_t code = 0;
  std::string_view name;
  registration_error error = registration_error::unexpected_error;
  std::string_view meaning;  ///< one line, for messages
};

/// Every documented code: 801 InvalidZtdRequestBody, 802 InvalidZtdHardwareHash, 803
/// MissingZtdSerialNumberAndProductKey, 806 ZtdDeviceAlreadyAssigned, 807 ZtdDeviceIsNotRegistered,
/// 808 ZtdDeviceAssignedToOtherTenant, 811 ZtdDeviceRegisteredByOtherTenant, 812 ZtdDeviceNotFound,
/// 813 ZtdDeviceIsNotUnique, 814 ZtdDeviceAlreadyAadRegistered, ZtdDeviceDuplicated, StorageError.
/// Mapping: 802 -> Hardware hash not valid; 806 and ZtdDeviceDuplicated (a second row of a device
/// already in the import: the first row carries the registration) -> Device already registered;
/// 808 and 811 -> Device claimed by another organization; 807 and 812 -> Device not found; every
/// other code -> Unexpected error.
std::span<const known_service_error> known_service_errors() noexcept;

/// Interprets what the service reported. Either part may be missing (code 0, empty name). The name
/// is matched exactly, and the spelling `ZtdDeviceAssignedToAnotherTenant` is read as 808. When
/// code and name disagree, the code wins (the name is still kept verbatim).
service_error classify_service_error(std::int64_t code, std::string_view name);

}  // namespace mmdreg::autopilot

#endif
