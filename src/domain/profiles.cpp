#include "mmdreg/domain/profiles.hpp"

#include <algorithm>
#include <cstddef>

#include "common/ascii.hpp"

namespace mmdreg {
namespace {

struct profile_names {
  std::string_view display;
  std::string_view token;
  std::string_view tag;
  std::string_view shared_tag;  // empty when the profile cannot be shared
  std::string_view deployment_profile;
  std::string_view name_template;
  std::string_view group;
};

// Indexed by device_profile.
constexpr std::array<profile_names, 4> kProfiles{{
    {"Standard", "Standard", "Microsoft365Managed_Standard", "Microsoft365Managed_Standard-Shared",
     "Modern Workplace Autopilot Profile", "MMD-%RAND:11%", "Modern Workplace Devices - Standard"},
    {"Sensitive data", "SensitiveData", "Microsoft365Managed_SensitiveData",
     "Microsoft365Managed_SensitiveData-Shared", "Modern Workplace Autopilot Profile",
     "MMD-%RAND:11%", "Modern Workplace Devices - Sensitive data"},
    {"Power user", "PowerUser", "Microsoft365Managed_PowerUser", "",
     "Modern Workplace Autopilot Profile Power User", "MMD-%RAND:11%",
     "Modern Workplace Devices - Power user"},
    {"Kiosk", "Kiosk", "Microsoft365Managed_Kiosk", "Microsoft365Managed_Kiosk-Shared",
     "Modern Workplace Autopilot Profile Kiosk", "Kiosk-%RAND:9%",
     "Modern Workplace Devices - Kiosk"},
}};

constexpr std::string_view kSharedDeploymentProfile = "Modern Workplace Autopilot Profile Shared";

constexpr std::array<std::string_view, 4> kRingNames{"Test", "First", "Fast", "Broad"};
constexpr std::array<std::string_view, 4> kRingGroups{
    "Modern Workplace Devices - Test", "Modern Workplace Devices-First",
    "Modern Workplace Devices-Fast", "Modern Workplace Devices-Broad"};

const profile_names& names(device_profile p) noexcept {
  return kProfiles[static_cast<std::size_t>(p) & 3U];
}

// Explains why an MMD-looking tag (one that starts with the prefix when case is ignored) is not a
// valid tag. Called only after exact and case-insensitive matches have failed.
std::string_view invalid_reason(std::string_view tag) noexcept {
  const auto prefix_stem = group_tag_prefix.substr(0, group_tag_prefix.size() - 1);
  if (!detail::starts_with_nocase(tag, group_tag_prefix)) {
    return "an MMD group tag starts with exactly 'Microsoft365Managed_'";
  }
  std::string_view body = tag.substr(group_tag_prefix.size());
  const bool shared = detail::ends_with_nocase(body, shared_suffix);
  if (shared) body.remove_suffix(shared_suffix.size());
  if (detail::equals_nocase(body, tag_token(device_profile::power_user)) && shared) {
    return "Power user devices cannot be shared: there is no Microsoft365Managed_PowerUser-Shared";
  }
  const auto named = std::count_if(kProfiles.begin(), kProfiles.end(), [&](const auto& p) {
    return detail::contains_nocase(body, p.token);
  });
  if (named >= 2) return "a group tag names exactly one profile, this one names several";
  if (!tag.starts_with(prefix_stem)) return "the prefix 'Microsoft365Managed_' is case-sensitive";
  if (body.empty()) return "the tag names no profile";
  return "unknown profile: expected Standard, SensitiveData, PowerUser or Kiosk, optionally "
         "followed by -Shared";
}

}  // namespace

std::string_view display_name(device_profile p) noexcept {
  return names(p).display;
}
std::string_view tag_token(device_profile p) noexcept {
  return names(p).token;
}

std::optional<device_profile> parse_device_profile(std::string_view name) noexcept {
  for (auto p : all_device_profiles)
    if (name == names(p).display || name == names(p).token) return p;
  return std::nullopt;
}

group_tag parse_group_tag(std::string_view tag) noexcept {
  if (tag.empty()) return {};
  if (tag == legacy_group_tag) return {.kind = group_tag_kind::legacy};
  for (auto p : all_device_profiles) {
    const auto& n = names(p);
    if (tag == n.tag) return {.kind = group_tag_kind::mmd, .profile = p, .shared = false};
    if (!n.shared_tag.empty() && tag == n.shared_tag)
      return {.kind = group_tag_kind::mmd, .profile = p, .shared = true};
  }
  for (auto p : all_device_profiles) {
    const auto& n = names(p);
    if (detail::equals_nocase(tag, n.tag))
      return {.kind = group_tag_kind::case_slip, .profile = p, .shared = false};
    if (!n.shared_tag.empty() && detail::equals_nocase(tag, n.shared_tag))
      return {.kind = group_tag_kind::case_slip, .profile = p, .shared = true};
  }
  // Anything that begins like an MMD tag was meant as one; letting it through as a foreign tag
  // would leave the device unmanaged without a word.
  if (detail::starts_with_nocase(tag, group_tag_prefix.substr(0, group_tag_prefix.size() - 1))) {
    return {.kind = group_tag_kind::invalid, .reason = invalid_reason(tag)};
  }
  return {.kind = group_tag_kind::foreign};
}

std::string_view group_tag_name(device_profile p, bool shared) noexcept {
  return shared ? names(p).shared_tag : names(p).tag;
}

result<std::string> format_group_tag(device_profile p, bool shared) {
  if (shared && !supports_shared(p)) {
    return error{errc::invalid_argument,
                 "the Power user profile has no shared variant: register Power user devices "
                 "without -Shared, or choose Standard, Sensitive data or Kiosk"};
  }
  return std::string(group_tag_name(p, shared));
}

std::string_view deployment_profile_name(device_profile p, bool shared) noexcept {
  if (shared && !supports_shared(p)) return {};
  return shared ? kSharedDeploymentProfile : names(p).deployment_profile;
}

std::array<std::string_view, 4> all_deployment_profile_names() noexcept {
  return {names(device_profile::standard).deployment_profile,
          names(device_profile::power_user).deployment_profile,
          names(device_profile::kiosk).deployment_profile, kSharedDeploymentProfile};
}

std::string_view device_name_template(device_profile p) noexcept {
  return names(p).name_template;
}

std::string_view ring_name(ring r) noexcept {
  return kRingNames[static_cast<std::size_t>(r) & 3U];
}

std::optional<ring> parse_ring(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kRingNames.size(); ++i)
    if (name == kRingNames[i]) return static_cast<ring>(i);
  return std::nullopt;
}

std::string_view all_devices_group() noexcept {
  return "Modern Workplace Devices-All";
}
std::string_view shared_device_mode_group() noexcept {
  return "Modern Workplace Devices - Shared Device Mode";
}
std::string_view ring_group(ring r) noexcept {
  return kRingGroups[static_cast<std::size_t>(r) & 3U];
}
std::string_view profile_group(device_profile p) noexcept {
  return names(p).group;
}

}  // namespace mmdreg
