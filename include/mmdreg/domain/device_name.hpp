// Device names from the profile templates of spec section 4: "MMD-" + 11 digits, "Kiosk-" + 9
// digits; always 15 characters, the NetBIOS limit.
#ifndef MMDREG_DOMAIN_DEVICE_NAME_HPP
#define MMDREG_DOMAIN_DEVICE_NAME_HPP

#include <string>
#include <string_view>

#include "mmdreg/domain/profiles.hpp"
#include "mmdreg/domain/random.hpp"

namespace mmdreg {

/// A fresh name for a device of this profile, its digits drawn from `random`.
std::string generate_device_name(device_profile p, random_source& random);

/// Whether `name` follows the profile's template exactly (prefix case included).
bool follows_name_template(std::string_view name, device_profile p) noexcept;

/// Expands a template of the form PREFIX%RAND:n% (n from 1 to 15) with n digits from `random`.
/// Refuses any other shape with errc::invalid_argument.
result<std::string> expand_name_template(std::string_view name_template, random_source& random);

}  // namespace mmdreg

#endif
