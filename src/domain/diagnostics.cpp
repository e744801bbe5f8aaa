#include "mmdreg/diagnostics.hpp"

#include <array>

namespace mmdreg {
namespace {

using enum severity;

// Indexed by the rule's numeric value minus one; a test checks that order against the enum.
constexpr std::array<rule_info, 31> kRules{{
    {rule::encoding_utf16, "encoding-utf16", error,
     "UTF-16 text (BOM FF FE / FE FF, or NUL bytes between ASCII characters)"},
    {rule::encoding_utf8_bom, "encoding-utf8-bom", error, "UTF-8 BOM EF BB BF"},
    {rule::encoding_unicode, "encoding-unicode", error,
     "bytes >= 0x80 that form UTF-8 multi-byte sequences"},
    {rule::encoding_non_ascii, "encoding-non-ascii", warning, "other bytes >= 0x80"},
    {rule::empty_file, "empty-file", error, "no header line"},
    {rule::header_case, "header-case", error,
     "the header matches a dialect only when case is ignored"},
    {rule::header_unknown, "header-unknown", error, "the header matches no dialect"},
    {rule::too_many_rows, "too-many-rows", error, "more data rows than the dialect's upload limit"},
    {rule::quote, "quote", error, "a \" character anywhere in the line"},
    {rule::field_count, "field-count", error, "more or fewer fields than the header"},
    {rule::blank_line, "blank-line", warning, "an empty line (ignored)"},
    {rule::whitespace, "whitespace", warning, "leading or trailing spaces or tabs around a value"},
    {rule::required_missing, "required-missing", error, "a required value is empty"},
    {rule::serial_excel_mangled, "serial-excel-mangled", error,
     "the serial has the shape Excel gives a number"},
    {rule::serial_placeholder, "serial-placeholder", warning,
     "the serial is a firmware placeholder"},
    {rule::template_row, "template-row", error, "a documented sample row left unchanged"},
    {rule::hash_base64, "hash-base64", error, "the hardware hash is not standard base64"},
    {rule::hash_length, "hash-length", error, "decoded length is not 3000 bytes"},
    {rule::hash_structure, "hash-structure", error, "bad magic, record chain, trailer or padding"},
    {rule::hash_checksum, "hash-checksum", error, "the SHA-256 in the trailer does not match"},
    {rule::hash_missing_field, "hash-missing-field", error,
     "the serial-number or manufacturer record is missing or empty"},
    {rule::hash_serial_mismatch, "hash-serial-mismatch", warning,
     "the CSV serial differs from the serial inside the hash"},
    {rule::hash_tpm_mismatch, "hash-tpm-mismatch", warning,
     "the offline device id is not the SHA-256 of the TPM endorsement key"},
    {rule::duplicate_device, "duplicate-device", error,
     "a second row for a device identity already seen"},
    {rule::duplicate_serial, "duplicate-serial", warning,
     "two different device identities share a manufacturer + serial"},
    {rule::group_tag_case, "group-tag-case", error,
     "the tag equals an MMD tag when case is ignored"},
    {rule::group_tag_invalid, "group-tag-invalid", error,
     "starts with Microsoft365Managed_ but is no valid tag"},
    {rule::group_tag_legacy, "group-tag-legacy", warning,
     "Microsoft365Managed_Autopilot (pre-2021 tag)"},
    {rule::group_tag_foreign, "group-tag-foreign", warning, "not an MMD tag"},
    {rule::assigned_user_upn, "assigned-user-upn", error,
     "Assigned User is not of the form name@domain.tld"},
    {rule::partner_identity, "partner-identity", error,
     "a partner-center row with no complete identification"},
}};

}  // namespace

std::span<const rule_info> all_rules() noexcept {
  return kRules;
}

const rule_info& info(rule r) noexcept {
  const auto index = static_cast<std::size_t>(r) - 1;
  // An out-of-range value can only come from a cast; answer with a rule rather than read past the
  // table.
  return index < kRules.size() ? kRules[index] : kRules.back();
}

std::optional<rule> parse_rule_id(std::string_view id) noexcept {
  for (const auto& r : kRules)
    if (r.id == id) return r.rule;
  return std::nullopt;
}

std::string_view severity_name(severity s) noexcept {
  return s == severity::error ? "error" : "warning";
}

}  // namespace mmdreg
