#include <vector>

#include "autopilot/json_text.hpp"
#include "hash/base64.hpp"
#include "mmdreg/autopilot/payloads.hpp"

// GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+ (GCC bug 105329); the
// message-building code here is plain string concatenation.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace mmdreg::autopilot {
namespace {

error field_error(std::size_t index, std::string_view field, std::string_view what) {
  return {errc::invalid_argument,
          "device " + std::to_string(index) + ", " + std::string(field) + ": " + std::string(what)};
}

// Checks that every value is valid UTF-8 before anything is written, so that no partial body is
// ever produced.
std::optional<error> check_utf8(std::size_t index, std::string_view field, std::string_view text) {
  if (const auto offset = detail::invalid_utf8_offset(text))
    return field_error(index, field,
                       "not valid UTF-8 at byte " + std::to_string(*offset) + "; nothing written");
  return std::nullopt;
}

// The hash as standard padded base64 of its decoded bytes (a correct text comes back unchanged;
// stray bits under the padding are cleared).
result<std::string> normalized_base64(std::size_t index, std::string_view field,
                                      std::string_view text, std::vector<std::uint8_t>& scratch) {
  scratch.resize(mmdreg::detail::base64_decoded_capacity(text.size()));
  const auto decoded = mmdreg::detail::base64_decode(text, scratch);
  if (decoded.error) {
    const auto& e = *decoded.error;
    switch (e.failure) {
      case mmdreg::detail::base64_failure::bad_character:
        return field_error(index, field,
                           "not base64: character " + std::to_string(e.character) + " at offset " +
                               std::to_string(e.offset));
      case mmdreg::detail::base64_failure::misplaced_padding:
        return field_error(
            index, field,
            "not base64: '=' at offset " + std::to_string(e.offset) + " before the end");
      case mmdreg::detail::base64_failure::bad_length:
        return field_error(
            index, field,
            "not base64: length " + std::to_string(text.size()) + " is not a multiple of 4");
    }
  }
  return mmdreg::detail::base64_encode(std::span<const std::uint8_t>(scratch.data(), decoded.size));
}

}  // namespace

result<std::string> json_string(std::string_view text) {
  if (const auto offset = detail::invalid_utf8_offset(text))
    return error{errc::invalid_argument,
                 "the text is not valid UTF-8 at byte " + std::to_string(*offset)};
  std::string out;
  out.reserve(text.size() + 2);
  detail::append_json_string(out, text);
  return out;
}

result<std::string> write_graph_import_body(std::span<const device_record> devices) {
  std::string body = "{\"importedWindowsAutopilotDeviceIdentities\":[";
  std::vector<std::uint8_t> scratch;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const auto& device = devices[i];
    const std::pair<std::string_view, const std::string*> text_fields[] = {
        {"serialNumber", &device.serial_number},
        {"productKey", &device.product_key_id},
        {"groupTag", &device.group_tag},
        {"assignedUserPrincipalName", &device.assigned_user}};
    for (const auto& [name, value] : text_fields)
      if (auto problem = check_utf8(i, name, *value)) return *problem;
    std::string hash;
    if (!device.hardware_hash.empty()) {
      auto normalized = normalized_base64(i, "hardwareIdentifier", device.hardware_hash, scratch);
      if (!normalized) return normalized.err();
      hash = std::move(*normalized);
    }
    if (i != 0) body.push_back(',');
    body += "{\"@odata.type\":\"#microsoft.graph.importedWindowsAutopilotDeviceIdentity\"";
    const std::pair<std::string_view, std::string_view> members[] = {
        {"serialNumber", device.serial_number},
        {"productKey", device.product_key_id},
        {"hardwareIdentifier", hash},
        {"groupTag", device.group_tag},
        {"assignedUserPrincipalName", device.assigned_user}};
    for (const auto& [name, value] : members)
      if (!value.empty()) detail::append_member(body, true, name, value);
    body.push_back('}');
  }
  body += "]}";
  return body;
}

result<std::string> write_mmd_registration_body(std::span<const device_record> devices,
                                                mmd_sender sender) {
  std::string body = "{\"devices\":[";
  std::vector<std::uint8_t> scratch;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const auto& device = devices[i];
    const std::pair<std::string_view, const std::string*> required[] = {
        {"manufacturer", &device.manufacturer},
        {"model", &device.model},
        {"serialNumber", &device.serial_number}};
    for (const auto& [name, value] : required) {
      if (value->empty()) return field_error(i, name, "required but empty; nothing written");
      if (auto problem = check_utf8(i, name, *value)) return *problem;
    }
    std::string hash;
    if (device.hardware_hash.empty()) {
      if (sender == mmd_sender::tenant_admin)
        return field_error(i, "hardwareHash",
                           "required from a tenant admin (only a partner may leave it out); "
                           "nothing written");
    } else {
      auto normalized = normalized_base64(i, "hardwareHash", device.hardware_hash, scratch);
      if (!normalized) return normalized.err();
      hash = std::move(*normalized);
    }
    if (i != 0) body.push_back(',');
    body.push_back('{');
    bool comma = false;
    for (const auto& [name, value] : required) {
      detail::append_member(body, comma, name, *value);
      comma = true;
    }
    if (!hash.empty()) detail::append_member(body, true, "hardwareHash", hash);
    body.push_back('}');
  }
  body += "]}";
  return body;
}

}  // namespace mmdreg::autopilot
