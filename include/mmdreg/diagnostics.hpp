// Findings about input files: the rule that fired, how bad it is, where, and what to do.
// Rule ids are the contract of spec section 2.1 (`../shared/spec/registration.md`).
#ifndef MMDREG_DIAGNOSTICS_HPP
#define MMDREG_DIAGNOSTICS_HPP

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mmdreg {

/// Every check the library performs on an upload. The numeric values are stable (they cross the
/// C ABI): a new rule takes a new number at the end, and a number is never reused.
enum class rule : std::uint16_t {
  encoding_utf16 = 1,
  encoding_utf8_bom = 2,
  encoding_unicode = 3,
  encoding_non_ascii = 4,
  empty_file = 5,
  header_case = 6,
  header_unknown = 7,
  too_many_rows = 8,
  quote = 9,
  field_count = 10,
  blank_line = 11,
  whitespace = 12,
  required_missing = 13,
  serial_excel_mangled = 14,
  serial_placeholder = 15,
  template_row = 16,
  hash_base64 = 17,
  hash_length = 18,
  hash_structure = 19,
  hash_checksum = 20,
  hash_missing_field = 21,
  hash_serial_mismatch = 22,
  hash_tpm_mismatch = 23,
  duplicate_device = 24,
  duplicate_serial = 25,
  group_tag_case = 26,
  group_tag_invalid = 27,
  group_tag_legacy = 28,
  group_tag_foreign = 29,
  assigned_user_upn = 30,
  partner_identity = 31,
};

/// `error` rejects the row (or the whole file for file-level rules); `warning` does not.
enum class severity : std::uint8_t { error = 0, warning = 1 };

/// Static facts about a rule.
struct rule_info {
  mmdreg::rule rule;
  std::string_view id;        ///< the spec's rule id, e.g. "hash-checksum"
  mmdreg::severity severity;  ///< the spec's severity
  std::string_view summary;   ///< when the rule fires, in one line
};

/// All rules, in the order of the spec's table.
std::span<const rule_info> all_rules() noexcept;

/// Facts about one rule.
const rule_info& info(rule r) noexcept;

/// The spec's id of a rule ("hash-checksum").
inline std::string_view rule_id(rule r) noexcept {
  return info(r).id;
}

/// The rule with that spec id, if any (exact, case-sensitive).
std::optional<rule> parse_rule_id(std::string_view id) noexcept;

/// "error" or "warning".
std::string_view severity_name(severity s) noexcept;

/// One finding. `line` is 1-based with the header on line 1 (0 when the finding concerns the file
/// or the input is not line-based); `column` is the column's header name, empty when there is none.
struct diagnostic {
  mmdreg::rule rule{};
  mmdreg::severity severity = severity::error;
  std::uint64_t line = 0;
  std::string column;
  std::string message;  ///< what is wrong, with the offending value where it helps
  std::string fix;      ///< what to do about it
};

}  // namespace mmdreg

#endif
