#include "mmdreg/domain/states.hpp"

#include <array>
#include <cstddef>

namespace mmdreg {
namespace {

constexpr std::array<std::string_view, 5> kStateNames{"Registration Pending", "Registration failed",
                                                      "Ready for user", "Active", "Inactive"};

struct error_facts {
  std::string_view message;
  autopilot_equivalent autopilot;
};

constexpr std::array<error_facts, 5> kErrors{{
    {"Device not found", {}},
    {"Hardware hash not valid", {"InvalidZtdHardwareHash", 802}},
    {"Device already registered", {"ZtdDeviceAlreadyAssigned", 806}},
    {"Device claimed by another organization", {"ZtdDeviceAssignedToOtherTenant", 808}},
    {"Unexpected error", {"StorageError", 0}},
}};

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

std::string_view display_name(registration_state s) noexcept {
  const auto i = static_cast<std::size_t>(s);
  return i < kStateNames.size() ? kStateNames[i] : std::string_view{};
}

std::optional<registration_state> parse_registration_state(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kStateNames.size(); ++i)
    if (name == kStateNames[i]) return static_cast<registration_state>(i);
  if (name == "Setup needed") return registration_state::ready_for_user;
  return std::nullopt;
}

std::string_view message(registration_error e) noexcept {
  const auto i = static_cast<std::size_t>(e);
  return i < kErrors.size() ? kErrors[i].message : std::string_view{};
}

std::optional<registration_error> parse_registration_error(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kErrors.size(); ++i)
    if (text == kErrors[i].message) return static_cast<registration_error>(i);
  return std::nullopt;
}

autopilot_equivalent autopilot_equivalent_of(registration_error e) noexcept {
  const auto i = static_cast<std::size_t>(e);
  return i < kErrors.size() ? kErrors[i].autopilot : autopilot_equivalent{};
}

std::string make_request_id(random_source& random) {
  const std::uint64_t hi = random.next();
  const std::uint64_t lo = random.next();
  std::array<unsigned char, 16> bytes{};
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
    bytes[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string id;
  id.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id.push_back(kHex[bytes[i] >> 4]);
    id.push_back(kHex[bytes[i] & 0x0F]);
  }
  return id;
}

bool is_request_id(std::string_view id) noexcept {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return id[14] == '4' && (id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
}

registration_failure make_registration_failure(registration_error e, random_source& random) {
  registration_failure f{e, {}};
  if (e == registration_error::unexpected_error) f.request_id = make_request_id(random);
  return f;
}

}  // namespace mmdreg
