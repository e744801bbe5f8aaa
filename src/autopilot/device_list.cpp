#include "mmdreg/autopilot/device_list.hpp"

#include <set>

#include "autopilot/json_kernel.hpp"
#include "autopilot/json_members.hpp"
#include "mmdreg/domain/profiles.hpp"
#include "mmdreg/hash/hardware_hash.hpp"

// GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+ (GCC bug 105329); the
// message-building code here is plain string concatenation.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace mmdreg::autopilot {

namespace {

class checker {
 public:
  explicit checker(json_device_list& list) : list_(list) {}

  void check(json_device& device) {
    const auto& r = device.record;
    for (const auto& slot : detail::kDeviceMembers) {
      const std::string& value = r.*slot.field;
      if (!value.empty() && (is_blank(value.front()) || is_blank(value.back())))
        add(device, rule::whitespace, slot.name,
            concat("the value \"", clip(value), "\" has leading or trailing spaces"),
            "remove the spaces around the value");
    }
    if (r.serial_number.empty())
      add(device, rule::required_missing, "serialNumber", "the serial number is missing",
          "give the device's serial number");
    else if (is_placeholder_serial(r.serial_number))
      add(device, rule::serial_placeholder, "serialNumber",
          concat("the serial number \"", clip(r.serial_number), "\" is a firmware placeholder"),
          "ask the manufacturer for the real serial number");
    if (r.hardware_hash.empty())
      add(device, rule::required_missing, "hardwareIdentifier", "the hardware hash is missing",
          "capture the hash with Get-WindowsAutoPilotInfo on the device");
    else
      check_hash(device);
    check_group_tag(device);
    if (!r.assigned_user.empty() && !is_user_principal_name(r.assigned_user))
      add(device, rule::assigned_user_upn, "assignedUserPrincipalName",
          concat("\"", clip(r.assigned_user), "\" is not a user principal name (name@domain.tld)"),
          "give the user's sign-in name, e.g. name@contoso.com");
  }

 private:
  static bool is_blank(char c) { return c == ' ' || c == '\t'; }
  // Long values are cut in messages; appending piece by piece (no operator+ chains) also keeps
  // GCC 12 -O3 from a -Wrestrict false positive.
  static std::string clip(std::string_view text) {
    std::string out(text.substr(0, text.size() > 80 ? 77 : text.size()));
    if (text.size() > 80) out.append("...");
    return out;
  }
  template <class... Parts>
  static std::string concat(const Parts&... parts) {
    std::string out;
    (out.append(std::string_view(parts)), ...);
    return out;
  }

  void add(json_device& device, rule r, std::string_view member, std::string message,
           std::string fix) {
    const auto& facts = info(r);
    if (facts.severity == severity::error) device.rejected = true;
    list_.findings.push_back(
        {diagnostic{r, facts.severity, 0, std::string(member), std::move(message), std::move(fix)},
         device.path + "." + std::string(member), device.offset});
  }

  void check_hash(json_device& device) {
    const auto& r = device.record;
    if (const auto problem = hash_.decode(r.hardware_hash)) {
      add(device, problem->rule, "hardwareIdentifier", problem->message, problem->fix);
      return;
    }
    if (!r.serial_number.empty() && hash_.serial_number() != r.serial_number)
      add(device, rule::hash_serial_mismatch, "serialNumber",
          concat("the serial number \"", clip(r.serial_number), "\" differs from \"",
                 clip(hash_.serial_number()), "\" inside the hash"),
          "check that the hash was captured on this device");
    if (hash_.tpm_key_digest_matches() == false)
      add(device, rule::hash_tpm_mismatch, "hardwareIdentifier",
          "the offline device id is not the SHA-256 of the TPM endorsement key",
          "capture the hash again on the device");
    if (!identities_.insert(hash_.identity()).second)
      add(device, rule::duplicate_device, "hardwareIdentifier",
          concat("this device (", clip(hash_.manufacturer()), " ", clip(hash_.serial_number()),
                 ") is already in the list; only its first entry is processed"),
          "remove the second entry");
  }

  void check_group_tag(json_device& device) {
    const auto& tag = device.record.group_tag;
    const auto parsed = parse_group_tag(tag);
    switch (parsed.kind) {
      case group_tag_kind::empty:
      case group_tag_kind::mmd:
        return;
      case group_tag_kind::case_slip:
        add(device, rule::group_tag_case, "groupTag",
            concat("the group tag \"", clip(tag), "\" differs from \"",
                   group_tag_name(parsed.profile, parsed.shared), "\" only in case"),
            concat("write the tag exactly as \"", group_tag_name(parsed.profile, parsed.shared),
                   "\""));
        return;
      case group_tag_kind::invalid:
        add(device, rule::group_tag_invalid, "groupTag",
            concat("the group tag \"", clip(tag), "\" is not a valid MMD tag: ", parsed.reason),
            concat("use one of the MMD tags, e.g. \"",
                   group_tag_name(device_profile::standard, false), "\""));
        return;
      case group_tag_kind::legacy:
        add(device, rule::group_tag_legacy, "groupTag",
            concat("\"", legacy_group_tag, "\" is the pre-2021 tag"),
            "replace it with the tag of the device's profile");
        return;
      case group_tag_kind::foreign:
        add(device, rule::group_tag_foreign, "groupTag",
            concat("the group tag \"", clip(tag),
                   "\" is not an MMD tag: Autopilot accepts it, MMD will not manage the device"),
            "use an MMD tag if MMD should manage the device");
        return;
    }
  }

  json_device_list& list_;
  hardware_hash hash_;
  std::set<device_identity> identities_;
};

}  // namespace

std::size_t json_device_list::accepted() const noexcept {
  std::size_t count = 0;
  for (const auto& device : devices)
    count += device.rejected ? 0 : 1;
  return count;
}

bool is_user_principal_name(std::string_view upn) noexcept {
  const auto at = upn.find('@');
  if (at == std::string_view::npos || at == 0 || upn.find('@', at + 1) != std::string_view::npos)
    return false;
  for (const char c : upn)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  const auto domain = upn.substr(at + 1);
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= domain.size()) {
    const auto dot = std::min(domain.find('.', start), domain.size());
    if (dot == start) return false;  // empty label
    ++labels;
    start = dot + 1;
  }
  return labels >= 2;
}

result<json_device_list> read_device_list(std::string_view json, const json_limits& limits) {
  json_device_list list;
  detail::json_reader_state state(limits.max_document_bytes);
  const auto outcome =
      state.kernel().read_device_list(state.parser(), state.buffer(), limits, json, list);
  if (!outcome) return outcome.err();
  checker check(list);
  for (auto& device : list.devices)
    check.check(device);
  return list;
}

}  // namespace mmdreg::autopilot
