// Device profiles, group tags, Autopilot deployment profiles, Entra groups and rings: spec sections
// 4 and 7. Every name here is defined once, in src/domain/profiles.cpp, and matches the spec byte
// for byte.
#ifndef MMDREG_DOMAIN_PROFILES_HPP
#define MMDREG_DOMAIN_PROFILES_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mmdreg/result.hpp"

namespace mmdreg {

/// The four MMD device profiles. Numeric values cross the C ABI.
enum class device_profile : std::uint8_t {
  standard = 0,
  sensitive_data = 1,
  power_user = 2,
  kiosk = 3,
};

inline constexpr std::array<device_profile, 4> all_device_profiles{
    device_profile::standard, device_profile::sensitive_data, device_profile::power_user,
    device_profile::kiosk};

/// "Standard", "Sensitive data", "Power user", "Kiosk".
std::string_view display_name(device_profile p) noexcept;

/// The token used inside group tags: "Standard", "SensitiveData", "PowerUser", "Kiosk".
std::string_view tag_token(device_profile p) noexcept;

/// The profile whose display name or tag token is `name` (exact), if any.
std::optional<device_profile> parse_device_profile(std::string_view name) noexcept;

/// Whether the profile has a `-Shared` variant (every profile but Power user).
constexpr bool supports_shared(device_profile p) noexcept {
  return p != device_profile::power_user;
}

// ---------------------------------------------------------------------------------------------
// Group tags

inline constexpr std::string_view group_tag_prefix = "Microsoft365Managed_";
inline constexpr std::string_view shared_suffix = "-Shared";
/// The pre-2021 tag; still seen, no longer an MMD profile.
inline constexpr std::string_view legacy_group_tag = "Microsoft365Managed_Autopilot";

/// What a group tag string is.
enum class group_tag_kind : std::uint8_t {
  empty = 0,      ///< no tag
  mmd = 1,        ///< a valid MMD tag: profile and shared flag are set
  case_slip = 2,  ///< equals an MMD tag when case is ignored (rule group-tag-case); profile and
                  ///< shared name the tag that was meant
  invalid = 3,    ///< MMD-looking but not a valid tag (rule group-tag-invalid); `reason` says why
  legacy = 4,     ///< Microsoft365Managed_Autopilot (rule group-tag-legacy)
  foreign = 5,    ///< any other tag: Autopilot accepts it, MMD does not manage the device
};

/// The classification of one group tag.
struct group_tag {
  group_tag_kind kind = group_tag_kind::empty;
  device_profile profile = device_profile::standard;  ///< meaningful for mmd and case_slip
  bool shared = false;                                ///< meaningful for mmd and case_slip
  std::string_view reason;  ///< for invalid: why, as a sentence (static storage)
};

/// Classifies a tag exactly as written (no trimming: surrounding spaces make it foreign or
/// invalid).
group_tag parse_group_tag(std::string_view tag) noexcept;

/// The tag for a profile, e.g. "Microsoft365Managed_Kiosk-Shared". Refuses Power user + shared with
/// errc::invalid_argument.
result<std::string> format_group_tag(device_profile p, bool shared);

/// The tag for a profile as a view of static storage; empty for Power user + shared.
std::string_view group_tag_name(device_profile p, bool shared) noexcept;

// ---------------------------------------------------------------------------------------------
// Autopilot deployment profiles and device names

/// The Autopilot deployment profile that a device of this profile receives. Shared devices use
/// "Modern Workplace Autopilot Profile Shared" (self-deploying) whatever their profile. Empty for
/// Power user + shared: no such device exists, as no group tag names it (see group_tag_name).
std::string_view deployment_profile_name(device_profile p, bool shared) noexcept;

/// Every Autopilot deployment profile name MMD uses, each once.
std::array<std::string_view, 4> all_deployment_profile_names() noexcept;

/// The device name template: "MMD-%RAND:11%" or "Kiosk-%RAND:9%".
std::string_view device_name_template(device_profile p) noexcept;

// ---------------------------------------------------------------------------------------------
// Rings and Entra groups

/// Deployment rings. Test is only ever set by an admin. Numeric values cross the C ABI.
enum class ring : std::uint8_t { test = 0, first = 1, fast = 2, broad = 3 };

/// "Test", "First", "Fast", "Broad".
std::string_view ring_name(ring r) noexcept;
std::optional<ring> parse_ring(std::string_view name) noexcept;

/// "Modern Workplace Devices-All": every MMD device.
std::string_view all_devices_group() noexcept;
/// "Modern Workplace Devices - Shared Device Mode": devices registered with -Shared.
std::string_view shared_device_mode_group() noexcept;
/// The ring group: "Modern Workplace Devices - Test", "Modern Workplace Devices-First", ...
std::string_view ring_group(ring r) noexcept;
/// The profile group, e.g. "Modern Workplace Devices - Kiosk". The spec names no spelling for
/// these; the library follows the " - " style of the Shared Device Mode group and keeps it here
/// only.
std::string_view profile_group(device_profile p) noexcept;

}  // namespace mmdreg

#endif
