#include "mmdreg/autopilot/service_errors.hpp"

#include <array>

// GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+ (GCC bug 105329); the
// message-building code here is plain string concatenation.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace mmdreg::autopilot {
namespace {

using enum registration_error;

// Codes that the domain layer already names (spec section 5) take their names from it, so each
// name is spelled once in the library.
known_service_error from_domain(registration_error e, std::string_view meaning) {
  const auto equivalent = autopilot_equivalent_of(e);
  return {equivalent.code, equivalent.name, e, meaning};
}

const std::array<known_service_error, 12>& table() {
  static const std::array<known_service_error, 12> errors{{
      {801, "InvalidZtdRequestBody", unexpected_error, "the request body was not understood"},
      from_domain(hardware_hash_not_valid, "the hardware hash is not formatted correctly"),
      {803, "MissingZtdSerialNumberAndProductKey", unexpected_error,
       "neither a serial number nor a product key identifies the device"},
      from_domain(device_already_registered, "the device is already registered to this tenant"),
      {807, "ZtdDeviceIsNotRegistered", device_not_found, "the device is not registered"},
      from_domain(device_claimed_by_another_organization,
                  "the device is registered to another tenant"),
      {811, "ZtdDeviceRegisteredByOtherTenant", device_claimed_by_another_organization,
       "the device was registered by another tenant"},
      {812, "ZtdDeviceNotFound", device_not_found, "the service does not know the device"},
      {813, "ZtdDeviceIsNotUnique", unexpected_error, "the identifiers match more than one device"},
      {814, "ZtdDeviceAlreadyAadRegistered", unexpected_error,
       "the device is already registered in Entra ID"},
      {0, "ZtdDeviceDuplicated", device_already_registered,
       "the device appears more than once in the import; only its first row is processed"},
      from_domain(unexpected_error, "the service failed to store the record"),
  }};
  return errors;
}

// The documentation spells 808 both ways.
constexpr std::string_view kAnotherTenantSpelling = "ZtdDeviceAssignedToAnotherTenant";

}  // namespace

std::span<const known_service_error> known_service_errors() noexcept {
  return table();
}

service_error classify_service_error(std::int64_t code, std::string_view name) {
  service_error result{code, std::string(name), unexpected_error, false};
  const known_service_error* by_code = nullptr;
  const known_service_error* by_name = nullptr;
  for (const auto& known : table()) {
    if (code != 0 && known.code == code) by_code = &known;
    if (!name.empty() && known.name == name) by_name = &known;
  }
  if (by_name == nullptr && name == kAnotherTenantSpelling)
    for (const auto& known : table())
      if (known.error == registration_error::device_claimed_by_another_organization &&
          known.name == autopilot_equivalent_of(known.error).name)
        by_name = &known;
  const auto* match = by_code != nullptr ? by_code : by_name;
  if (match != nullptr) {
    result.error = match->error;
    result.known = true;
  }
  return result;
}

}  // namespace mmdreg::autopilot
