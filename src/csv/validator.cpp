#include "mmdreg/csv/validator.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ascii.hpp"
#include "csv/digest_table.hpp"
#include "csv/scan.hpp"
#include "hash/used_part.hpp"
#include "mmdreg/domain/profiles.hpp"

namespace mmdreg::csv {
namespace {

constexpr std::size_t kStoredFields = 16;
constexpr std::size_t kStoredText = 64;
// With several threads, each analyses a contiguous share of at most about kShareBytes per batch,
// and of at least kMinShareBytes: less is not worth starting a thread for.
constexpr std::size_t kShareBytes = std::size_t{2} << 20;
constexpr std::size_t kMinShareBytes = std::size_t{64} << 10;
// validate_file reads a file in chunks of this size (one thread).
constexpr std::size_t kFileChunk = std::size_t{256} << 10;

// A documented sample row: manufacturer, model, serial.
struct template_row {
  std::string_view manufacturer, model, serial;
};
constexpr std::array<template_row, 2> kTemplateRows{{
    {"Microsoft Corporation", "Surface Laptop", "016520771357"},
    {"SpiralOrbit", "ContosoABC", "000000000000"},
}};

constexpr std::string_view kAsciiFix =
    "save the file as ANSI/ASCII (PowerShell: Get-Content in.csv | Set-Content -Encoding ASCII "
    "out.csv), or rewrite it with mmdreg merge";

bool is_blank_char(char c) noexcept {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view v) noexcept {
  while (!v.empty() && is_blank_char(v.front()))
    v.remove_prefix(1);
  while (!v.empty() && is_blank_char(v.back()))
    v.remove_suffix(1);
  return v;
}

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  // A value can be a 4000-character hash; a message names it without drowning the reader.
  if (s.size() > 80) {
    out.append(s.substr(0, 40));
    out += "...";
    out.append(s.substr(s.size() - 20));
  } else {
    out.append(s);
  }
  out += '"';
  return out;
}

// Whether the bytes at `i` start a well-formed UTF-8 multi-byte sequence.
bool utf8_sequence_at(std::string_view s, std::size_t i) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned lead = b(i);
  std::size_t n = 0;
  if (lead >= 0xC2 && lead <= 0xDF)
    n = 1;
  else if (lead >= 0xE0 && lead <= 0xEF)
    n = 2;
  else if (lead >= 0xF0 && lead <= 0xF4)
    n = 3;
  else
    return false;
  if (i + n >= s.size()) return false;
  for (std::size_t k = 1; k <= n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return false;
  return true;
}

// The Excel shapes of a number: 1.65208E+11, 165208000000.0.
bool excel_mangled(std::string_view s) noexcept {
  std::size_t i = 0;
  const auto digits = [&] {
    const auto start = i;
    while (i < s.size() && mmdreg::detail::is_digit(s[i]))
      ++i;
    return i - start;
  };
  if (digits() == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const auto frac_start = i;
    if (digits() == 0) return false;
    if (i == s.size()) return s.substr(frac_start).find_first_not_of('0') == std::string_view::npos;
  }
  if (i >= s.size() || (s[i] != 'E' && s[i] != 'e')) return false;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  return digits() > 0 && i == s.size();
}

// name@domain.tld: one '@', a local part, a domain of dot-separated labels ending in a TLD of at
// least two letters, no spaces or control characters.
bool is_upn(std::string_view s) noexcept {
  const auto at = s.find('@');
  if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos)
    return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ') return false;
  const auto domain = s.substr(at + 1);
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const auto tld = domain.substr(dot + 1);
  if (tld.size() < 2) return false;
  for (char c : tld)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  for (std::size_t start = 0; start < domain.size();) {
    const auto end = std::min(domain.find('.', start), domain.size());
    if (end == start) return false;
    start = end + 1;
  }
  return true;
}

void copy_text(std::array<char, kStoredText>& dst, std::uint8_t& len, std::string_view src) {
  len = static_cast<std::uint8_t>(std::min(src.size(), kStoredText));
  std::memcpy(dst.data(), src.data(), len);
}

}  // namespace

std::string_view encoding_name(text_encoding e) noexcept {
  switch (e) {
    case text_encoding::ascii:
      return "ascii";
    case text_encoding::utf8_bom:
      return "utf-8-bom";
    case text_encoding::utf16le:
      return "utf-16le";
    case text_encoding::utf16be:
      return "utf-16be";
  }
  return "ascii";
}

std::string_view row::value(column c) const noexcept {
  if (layout == nullptr) return {};
  const auto index = layout->index_of(c);
  if (!index || *index >= fields.size()) return {};
  return trim(fields[*index]);
}

// ---------------------------------------------------------------------------------------------

namespace {

// The row-local result of analysing one line: everything but duplicates and counts, which depend
// on the rows before it and are settled in input order by commit().
struct row_work {
  std::uint64_t line = 0;
  bool blank = false;
  bool has_error = false;
  bool hash_valid = false;
  std::uint8_t worker = 0;
  std::size_t field_count = 0;
  std::array<std::string_view, kStoredFields> fields{};
  std::size_t diag_begin = 0, diag_end = 0;
  device_identity identity{};  // computed only when a row sink receives it
  detail::key128 identity_key{};
  std::uint64_t serial_key = 0;
  std::optional<std::chrono::sys_seconds> capture_time;
  std::array<char, kStoredText> hash_serial{}, hash_manufacturer{};
  std::uint8_t hash_serial_len = 0, hash_manufacturer_len = 0;

  std::string_view serial_text() const { return {hash_serial.data(), hash_serial_len}; }
  std::string_view manufacturer_text() const {
    return {hash_manufacturer.data(), hash_manufacturer_len};
  }
};

// What the duplicate table keys a device by: 128 bits over the fields of device_identity
// (manufacturer, serial, SMBIOS UUID or its absence) from the non-cryptographic digests already
// made of the first two, so plain validation needs no SHA-256 per row for it. Any two identities
// that differ in a field get independent keys; a collision is a 2^-128 event.
detail::key128 identity_key(const detail::key128& manufacturer, const detail::key128& serial,
                            const std::optional<std::array<std::uint8_t, 16>>& uuid) noexcept {
  std::uint64_t u0 = 0, u1 = 0;
  if (uuid) {
    std::memcpy(&u0, uuid->data(), 8);
    std::memcpy(&u1, uuid->data() + 8, 8);
  }
  const std::uint64_t present = uuid ? 1 : 0;
  const std::uint64_t uuid_lo = detail::fmix64(u0 ^ std::rotl(u1, 29) ^ present);
  const std::uint64_t uuid_hi = detail::fmix64(u1 + u0 * 0x9e3779b97f4a7c15ULL + (present << 32));
  return {detail::fmix64(manufacturer.lo ^ detail::fmix64(serial.lo ^ uuid_lo)),
          detail::fmix64(manufacturer.hi + detail::fmix64(serial.hi + uuid_hi))};
}

// manufacturer + serial -> the identity first seen with them. 64 bits of a SHA-256 tell two
// identities apart well enough for a warning, and keep the entry at 32 bytes.
struct serial_payload {
  std::uint64_t identity = 0;
};

// The duplicate tables, which commit() fills in input order.
// The device table keeps 128 bits of the identity: a collision there would reject a row. The
// serial table only feeds a warning, so 64 bits of key and identity keep it at 24 bytes an entry.
struct duplicate_tables {
  detail::digest_table<detail::key128, char> devices;  // identity -> first line
  detail::digest_table<std::uint64_t, serial_payload> serials;
};

// What one thread needs to analyse rows: its own decoder, finding buffer and rows.
struct worker {
  hardware_hash hash;
  std::vector<diagnostic> diags;
  // The hash field that scan_row decoded into `hash` while it scanned the line, and the
  // decode_used_part result, which check_values then takes instead of decoding the text again.
  const char* used_part_of = nullptr;
  std::size_t zero_from = 0;
  // The rows of this worker's share of a batch (several threads).
  std::vector<row_work> rows;
  std::size_t row_count = 0;
};

// Whether a field that starts before `at` ends there: at a comma, at the end of the line, or at
// the '\r' of a CRLF (a lone '\r' is part of the value). Only a filter: check_values takes the
// decoded used part only for a trimmed value that is exactly the text decoded.
bool field_ends_at(std::string_view text, std::size_t at) noexcept {
  if (at >= text.size()) return at == text.size();
  const char c = text[at];
  if (c == ',' || c == '\n') return true;
  return c == '\r' && (at + 1 == text.size() || text[at + 1] == '\n');
}

class analyser {
 public:
  /// `prefetch_from`: the duplicate tables, when the row is committed right after its analysis
  /// (single-threaded), so that their slots are loaded while the remaining checks run.
  /// `wants_identity`: whether rows carry their device_identity (a SHA-256) to a row sink.
  analyser(const layout* l, bool rows_checked, const duplicate_tables* prefetch_from,
           bool wants_identity)
      : layout_(l),
        rows_checked_(rows_checked),
        wants_identity_(wants_identity),
        prefetch_from_(prefetch_from),
        hash_field_(l != nullptr && rows_checked ? l->index_of(column::hardware_hash)
                                                 : std::nullopt) {}

  /// Scans the line at the start of `text` (see detail::scan_line). When the layout has a hash
  /// column, the field there is tried first as an intact hash: its used part is decoded into the
  /// worker's hash and checked, and then its 4000 characters, which hold nothing the scan looks
  /// for, are stepped over instead of being read a second time. Any other field is scanned.
  detail::line_shape scan_row(std::string_view text, worker& k) const {
    detail::line_shape shape;
    k.used_part_of = nullptr;
    std::size_t from = 0;
    if (hash_field_) {
      const auto field = *hash_field_;
      if (field != 0 && !detail::scan_line_from(text, 0, field, shape)) return shape;
      from = field == 0 ? 0 : shape.comma_at[field - 1] + 1;
      if (field_ends_at(text, from + hash_text_length)) {
        const auto candidate = text.substr(from, hash_text_length);
        const auto zero_from = mmdreg::detail::decode_used_part(
            candidate, mmdreg::detail::hardware_hash_access::bytes(k.hash));
        if (zero_from != 0) {
          k.used_part_of = candidate.data();
          k.zero_from = zero_from;
          from += hash_text_length;
        }
      }
    }
    detail::scan_line_from(text, from, 0, shape);
    return shape;
  }

  /// `shape`: the scan_row of `line` with this worker, made just before, when the caller has
  /// made it while finding the line's end; otherwise the line is scanned here. The line's number
  /// is not known yet when several threads share a batch: commit() sets it on the row and its
  /// findings.
  void analyse(std::string_view line, row_work& w, worker& k, std::uint8_t worker_index,
               const detail::line_shape* shape = nullptr) const {
    w.line = 0;
    w.worker = worker_index;
    w.blank = w.has_error = w.hash_valid = false;
    w.identity = {};
    w.identity_key = {};
    w.serial_key = 0;
    w.capture_time.reset();
    w.hash_serial_len = w.hash_manufacturer_len = 0;
    w.diag_begin = w.diag_end = k.diags.size();
    w.field_count = 0;
    w_ = &w;
    k_ = &k;

    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) {
      w.blank = true;
      add(rule::blank_line, {}, "the line is blank", "remove the blank line (it is ignored)");
      w.diag_end = k.diags.size();
      return;
    }

    detail::line_shape scanned;
    if (shape == nullptr) {
      scanned = scan_row(line, k);
      shape = &scanned;
    }
    const auto& special = shape->special;
    // NUL bytes inside an 8-bit file are UTF-16 text appended to it (PowerShell's `>>` does
    // that); its values would only produce noise, so the line gets this one finding.
    if (special.first_nul != std::string_view::npos) {
      add(rule::encoding_utf16, {},
          "the line contains NUL bytes: UTF-16 text inside an 8-bit file (appended with >> in "
          "PowerShell?)",
          std::string(kAsciiFix));
      w.field_count = 0;
      w.diag_end = k.diags.size();
      return;
    }
    line_has_quote_ = special.first_quote != std::string_view::npos;
    split(line, *shape, w);
    if (special.first_high != std::string_view::npos) check_encoding(line, special.first_high, w);
    if (special.first_quote != std::string_view::npos) check_quote(line, special.first_quote, w);
    if (layout_ != nullptr && rows_checked_) check_values(w);
    if (!rows_checked_) w.has_error = true;
    w.diag_end = k.diags.size();
  }

 private:
  // `line` without its '\r'; the shape's commas all lie before it.
  static void split(std::string_view line, const detail::line_shape& shape, row_work& w) {
    static_assert(detail::line_shape::kept_commas >= kStoredFields);
    w.field_count = shape.commas + 1;
    const auto stored = std::min(w.field_count, kStoredFields);
    std::size_t start = 0;
    for (std::size_t i = 0; i < stored; ++i) {
      const auto stop = i < shape.commas ? shape.comma_at[i] : line.size();
      w.fields[i] = line.substr(start, stop - start);
      start = stop + 1;
    }
  }

  std::string_view column_name(std::size_t index) const {
    if (layout_ == nullptr || index >= layout_->column_count) return {};
    return layout_->names[index];
  }

  // The field holding byte `offset` of the line.
  static std::size_t field_at(const row_work& w, std::string_view line, std::size_t offset) {
    const char* p = line.data() + offset;
    const auto stored = std::min(w.field_count, kStoredFields);
    for (std::size_t i = 0; i < stored; ++i)
      if (p >= w.fields[i].data() && p <= w.fields[i].data() + w.fields[i].size()) return i;
    return stored;
  }

  void add(rule r, std::string_view column, std::string message, std::string fix) const {
    const auto sev = info(r).severity;
    if (sev == severity::error) w_->has_error = true;
    k_->diags.push_back(
        diagnostic{r, sev, w_->line, std::string(column), std::move(message), std::move(fix)});
  }

  void check_encoding(std::string_view line, std::size_t first, row_work& w) const {
    bool unicode = false;
    for (auto i = first; i < line.size() && !unicode; ++i)
      if (static_cast<unsigned char>(line[i]) >= 0x80) unicode = utf8_sequence_at(line, i);
    const auto index = field_at(w, line, first);
    const auto value = index < kStoredFields && index < w.field_count ? w.fields[index] : line;
    char byte_text[8];
    std::snprintf(byte_text, sizeof byte_text, "0x%02X", static_cast<unsigned char>(line[first]));
    if (unicode) {
      add(rule::encoding_unicode, column_name(index),
          "value " + quoted(value) +
              " contains Unicode (UTF-8 multi-byte) characters, which the "
              "service does not accept",
          "replace the non-ASCII characters with ASCII ones and " + std::string(kAsciiFix));
    } else {
      add(rule::encoding_non_ascii, column_name(index),
          "value " + quoted(value) + " contains the non-ASCII byte " + byte_text,
          "check that the value is right; identifiers are normally plain ASCII");
    }
  }

  void check_quote(std::string_view line, std::size_t first, row_work& w) const {
    const auto index = field_at(w, line, first);
    const auto value = index < kStoredFields && index < w.field_count ? w.fields[index] : line;
    add(rule::quote, column_name(index),
        "value " + quoted(value) + " contains a \" character; quotes are not allowed anywhere",
        "remove every \" from the file (values never need quoting: they contain no commas)");
  }

  // Whether a value cut from the line holds a '"': never when the scan found none in the line,
  // which spares reading the 4000-character hash again.
  bool field_has_quote(std::string_view v) const {
    return line_has_quote_ && v.find('"') != std::string_view::npos;
  }

  // The trimmed value of a column, empty when absent.
  std::string_view value_of(const row_work& w, column c) const {
    const auto index = layout_->index_of(c);
    if (!index) return {};
    return trim(w.fields[*index]);
  }

  void check_values(row_work& w) const {
    const auto& l = *layout_;
    if (w.field_count != l.column_count) {
      add(rule::field_count, {},
          "line has " + std::to_string(w.field_count) + " fields, the " +
              std::string(dialect_id(l.dialect)) + " header has " + std::to_string(l.column_count) +
              " (" + l.header() + ")",
          w.field_count > l.column_count
              ? "remove the extra column, or the comma inside a value"
              : "add the missing values; an empty value still needs its comma");
      return;
    }
    for (std::size_t i = 0; i < l.column_count; ++i) {
      const auto v = w.fields[i];
      if (!v.empty() && (is_blank_char(v.front()) || is_blank_char(v.back())))
        add(rule::whitespace, l.names[i], "value " + quoted(v) + " has leading or trailing spaces",
            "remove the spaces around " + quoted(trim(v)));
    }

    const auto serial = value_of(w, column::serial_number);
    const auto hash_text = value_of(w, column::hardware_hash);
    const auto manufacturer = value_of(w, column::manufacturer);
    const auto model = value_of(w, column::model);
    const auto product_id = value_of(w, column::product_id);

    // Required values.
    const auto require = [&](column c, std::string_view v) {
      if (!v.empty()) return;
      const auto name = l.names[*l.index_of(c)];
      add(rule::required_missing, name,
          "the " + std::string(name) + " value is empty; " + std::string(dialect_id(l.dialect)) +
              " rows require it",
          "fill in the " + std::string(name) +
              (c == column::hardware_hash ? " (capture it with Get-WindowsAutopilotInfo)" : ""));
    };
    switch (l.dialect) {
      case dialect::autopilot:
        require(column::serial_number, serial);
        require(column::hardware_hash, hash_text);
        break;
      case dialect::mmd_self:
        require(column::hardware_hash, hash_text);
        break;
      case dialect::mmd_partner:
        require(column::manufacturer, manufacturer);
        require(column::model, model);
        require(column::serial_number, serial);
        break;
      case dialect::partner_center:
        if (hash_text.empty() && product_id.empty() &&
            (manufacturer.empty() || serial.empty() || model.empty())) {
          add(rule::partner_identity, {},
              "the row identifies no device: no hardware hash, no Windows Product ID, and the "
              "manufacturer + serial + model tuple is incomplete",
              "give the hardware hash, or the Windows Product ID, or all of Manufacturer name, "
              "Device Serial Number and Device model");
        }
        break;
    }

    const auto serial_name = l.names[*l.index_of(column::serial_number)];
    if (!serial.empty() && !field_has_quote(serial)) {
      if (excel_mangled(serial))
        add(rule::serial_excel_mangled, serial_name,
            "serial " + quoted(serial) + " has the shape Excel gives a number",
            "the original serial is lost: take it from the device or the original CSV, and format "
            "the column as Text before editing in Excel");
    }

    if (const auto tag_index = l.index_of(column::group_tag)) {
      const auto tag = trim(w.fields[*tag_index]);
      if (!tag.empty() && !field_has_quote(tag)) check_group_tag(tag, l.names[*tag_index]);
    }
    if (const auto user_index = l.index_of(column::assigned_user)) {
      const auto user = trim(w.fields[*user_index]);
      if (!user.empty() && !field_has_quote(user) && !is_upn(user))
        add(rule::assigned_user_upn, l.names[*user_index],
            "assigned user " + quoted(user) + " is not a user principal name (name@domain.tld)",
            "give the user's UPN, e.g. someone@contoso.com, or leave the value empty");
    }

    std::string_view hash_serial, hash_manufacturer, hash_model;
    if (const auto hash_index = l.index_of(column::hardware_hash);
        hash_index && !hash_text.empty() && !field_has_quote(hash_text)) {
      auto& h = k_->hash;
      const bool used_part_decoded =
          k_->used_part_of == hash_text.data() && hash_text.size() == hash_text_length;
      k_->used_part_of = nullptr;
      if (auto problem = used_part_decoded ? mmdreg::detail::hardware_hash_access::decode_from(
                                                 h, hash_text, k_->zero_from)
                                           : h.decode(hash_text)) {
        const auto sev = info(problem->rule).severity;
        if (sev == severity::error) w_->has_error = true;
        k_->diags.push_back(diagnostic{problem->rule, sev, w.line,
                                       std::string(l.names[*hash_index]),
                                       std::move(problem->message), std::move(problem->fix)});
      } else {
        w.hash_valid = true;
        if (wants_identity_) w.identity = h.identity();
        w.capture_time = h.capture_time();
        hash_serial = h.serial_number();
        hash_manufacturer = h.manufacturer();
        hash_model = h.model();
        copy_text(w.hash_serial, w.hash_serial_len, hash_serial);
        copy_text(w.hash_manufacturer, w.hash_manufacturer_len, hash_manufacturer);
        const auto maker_key = detail::mix128(hash_manufacturer);
        const auto serial_key = detail::mix128(hash_serial);
        w.serial_key =
            detail::fmix64(maker_key.lo ^ (serial_key.lo * 0x9e3779b97f4a7c15ULL)) ^ serial_key.hi;
        w.identity_key = identity_key(maker_key, serial_key, h.smbios_uuid());
        if (prefetch_from_ != nullptr) {
          prefetch_from_->devices.prefetch(w.identity_key);
          prefetch_from_->serials.prefetch(w.serial_key);
        }
        // SMBIOS strings are often space-padded by the firmware; the CSV value was trimmed too.
        if (!serial.empty() && serial != trim(hash_serial))
          add(rule::hash_serial_mismatch, serial_name,
              "serial " + quoted(serial) + " differs from the serial inside the hash " +
                  quoted(hash_serial),
              "use the serial the device reports (" + quoted(hash_serial) +
                  "), or capture the hash again on the right device");
        if (h.tpm_key_digest_matches() == false)
          add(rule::hash_tpm_mismatch, l.names[*hash_index],
              "the offline device id in the hash is not the SHA-256 of its TPM endorsement key",
              "capture the hash again on the device; an edited or mixed hash will not register");
      }
    }

    const auto shown_serial = !serial.empty() ? serial : hash_serial;
    const bool shown_has_quote =
        !serial.empty() ? field_has_quote(serial) : hash_serial.find('"') != std::string_view::npos;
    if (!shown_serial.empty() && !shown_has_quote && is_placeholder_serial(shown_serial))
      add(rule::serial_placeholder, serial_name,
          (serial.empty() ? "the serial inside the hash " : "serial ") + quoted(shown_serial) +
              " is a firmware placeholder, not a real serial",
          "have the manufacturer set the SMBIOS serial number, or identify the device by its "
          "hardware hash only");

    // A template row is judged on the values the row shows; when the dialect has no manufacturer
    // and model columns, the hash supplies them.
    const auto shown_manufacturer =
        l.index_of(column::manufacturer) ? manufacturer : hash_manufacturer;
    const auto shown_model = l.index_of(column::model) ? model : hash_model;
    const bool has_maker = l.index_of(column::manufacturer).has_value() || w.hash_valid;
    for (const auto& t : kTemplateRows) {
      if (serial != t.serial) continue;
      if (has_maker && (shown_manufacturer != t.manufacturer || shown_model != t.model)) continue;
      add(rule::template_row, serial_name,
          "the row is the documented sample (" + std::string(t.manufacturer) + ", " +
              std::string(t.model) + ", serial " + std::string(t.serial) + ")",
          "replace the sample row with your own devices");
      break;
    }
  }

  void check_group_tag(std::string_view tag, std::string_view column) const {
    const auto parsed = parse_group_tag(tag);
    switch (parsed.kind) {
      case group_tag_kind::case_slip: {
        const auto meant = group_tag_name(parsed.profile, parsed.shared);
        add(rule::group_tag_case, column,
            "group tag " + quoted(tag) + " differs from " + quoted(meant) + " only in case",
            "use " + std::string(meant) + " exactly (tags are case-sensitive)");
        break;
      }
      case group_tag_kind::invalid:
        add(rule::group_tag_invalid, column,
            "group tag " + quoted(tag) + " is not a valid MMD tag: " + std::string(parsed.reason),
            "use one of the MMD tags, e.g. " +
                std::string(group_tag_name(device_profile::standard, false)));
        break;
      case group_tag_kind::legacy:
        add(rule::group_tag_legacy, column, "group tag " + quoted(tag) + " is the pre-2021 MMD tag",
            "use the tag of the device's profile, e.g. " +
                std::string(group_tag_name(device_profile::standard, false)));
        break;
      case group_tag_kind::foreign:
        add(rule::group_tag_foreign, column,
            "group tag " + quoted(tag) +
                " is not an MMD tag: Autopilot accepts it, but MMD will not manage the device",
            "use an MMD tag such as " +
                std::string(group_tag_name(device_profile::standard, false)) +
                " if the device is meant for MMD");
        break;
      case group_tag_kind::empty:
      case group_tag_kind::mmd:
        break;
    }
  }

  const layout* layout_;
  bool rows_checked_;
  bool wants_identity_;
  const duplicate_tables* prefetch_from_;
  std::optional<std::size_t> hash_field_;
  // Set per analyse() call.
  mutable row_work* w_ = nullptr;
  mutable worker* k_ = nullptr;
  mutable bool line_has_quote_ = false;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

struct validator::state {
  validate_options options;
  diagnostic_sink on_diagnostic;
  row_sink on_row;

  // Encoding detection looks at the first four bytes.
  bool encoding_known = false;
  std::string prefix;
  // UTF-16 transcoding state across chunk boundaries.
  bool have_odd_byte = false;
  unsigned char odd_byte = 0;
  std::uint16_t high_surrogate = 0;
  std::string transcoded;

  std::string carry;  // the partial line at the end of the previous chunk
  std::uint64_t line_no = 0;
  bool header_done = false;
  bool rows_checked = false;
  std::optional<std::size_t> limit;
  bool limit_reported = false;
  bool finished = false;
  csv::summary sum;

  std::vector<std::unique_ptr<worker>> workers;
  std::vector<analyser> analysers;  // one per worker: an analyser is used by one thread
  row_work single;

  duplicate_tables duplicates;

  state(validate_options o, diagnostic_sink d, row_sink r)
      : options(o), on_diagnostic(std::move(d)), on_row(std::move(r)) {
    if (options.threads == 0) options.threads = 1;
    options.threads = std::min(options.threads, 64U);
    for (unsigned i = 0; i < options.threads; ++i)
      workers.push_back(std::make_unique<worker>());
  }

  void expect_size(std::uint64_t total_bytes) {
    if (!options.detect_duplicates) return;
    // Only a row with a valid hash enters the tables, and each such row holds 4000 characters.
    // The reservation stops at a gigabyte's worth: entries spread over all of a table, so a
    // larger file with few valid hashes would otherwise keep a table far larger than its entries
    // need resident. Past that the tables grow as devices arrive.
    constexpr std::uint64_t most_reserved = std::uint64_t{1} << 18;
    const auto devices =
        static_cast<std::size_t>(std::min(total_bytes / hash_text_length, most_reserved));
    duplicates.devices.reserve(devices);
    duplicates.serials.reserve(devices);
  }

  void emit(const diagnostic& d) {
    if (d.severity == severity::error)
      ++sum.errors;
    else
      ++sum.warnings;
    if (on_diagnostic) on_diagnostic(d);
  }

  void file_finding(rule r, std::uint64_t line, std::string column, std::string message,
                    std::string fix) {
    const auto sev = info(r).severity;
    if (sev == severity::error) sum.file_rejected = true;
    emit(diagnostic{r, sev, line, std::move(column), std::move(message), std::move(fix)});
  }

  // ---- encoding -------------------------------------------------------------------------

  void detect(bool at_end) {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(prefix[i]); };
    const auto n = prefix.size();
    if (!at_end && n < 4) return;
    encoding_known = true;
    std::size_t skip = 0;
    if (n >= 3 && b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) {
      sum.encoding = text_encoding::utf8_bom;
      skip = 3;
      file_finding(rule::encoding_utf8_bom, 0, {},
                   "the file starts with a UTF-8 byte order mark (EF BB BF)",
                   std::string(kAsciiFix));
    } else if (n >= 2 && ((b(0) == 0xFF && b(1) == 0xFE) || (b(0) == 0xFE && b(1) == 0xFF))) {
      const bool le = b(0) == 0xFF;
      sum.encoding = le ? text_encoding::utf16le : text_encoding::utf16be;
      skip = 2;
      file_finding(rule::encoding_utf16, 0, {},
                   std::string("the file is UTF-16") + (le ? "LE" : "BE") +
                       " text (byte order mark " + (le ? "FF FE" : "FE FF") +
                       "), as Windows PowerShell 5.1 writes it",
                   std::string(kAsciiFix));
    } else if (n >= 2 && (b(0) != 0) != (b(1) != 0) &&
               (n < 4 || ((b(2) != 0) == (b(0) != 0) && (b(3) != 0) == (b(1) != 0)))) {
      const bool le = b(0) != 0;
      sum.encoding = le ? text_encoding::utf16le : text_encoding::utf16be;
      file_finding(rule::encoding_utf16, 0, {},
                   std::string("the file is UTF-16") + (le ? "LE" : "BE") +
                       " text without byte order mark (NUL bytes between ASCII characters)",
                   std::string(kAsciiFix));
    }
    std::string rest = prefix.substr(skip);
    prefix.clear();
    decode(rest);
  }

  void feed(std::string_view chunk) {
    if (!encoding_known) {
      const auto take = std::min<std::size_t>(4 - prefix.size(), chunk.size());
      prefix.append(chunk.substr(0, take));
      chunk.remove_prefix(take);
      detect(false);
      if (!encoding_known) return;
    }
    decode(chunk);
  }

  void put_code_point(std::uint32_t cp) {
    if (cp < 0x80) {
      transcoded += static_cast<char>(cp);
    } else if (cp < 0x800) {
      transcoded += static_cast<char>(0xC0 | (cp >> 6));
      transcoded += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      transcoded += static_cast<char>(0xE0 | (cp >> 12));
      transcoded += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      transcoded += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      transcoded += static_cast<char>(0xF0 | (cp >> 18));
      transcoded += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      transcoded += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      transcoded += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  void put_unit(std::uint16_t u) {
    if (high_surrogate != 0) {
      const auto high = high_surrogate;
      high_surrogate = 0;
      if (u >= 0xDC00 && u <= 0xDFFF) {
        put_code_point(0x10000 + ((static_cast<std::uint32_t>(high) - 0xD800) << 10) +
                       (u - 0xDC00));
        return;
      }
      put_code_point(0xFFFD);  // a lone high surrogate
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      high_surrogate = u;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      put_code_point(0xFFFD);
    } else {
      put_code_point(u);
    }
  }

  // Turns the chunk into 8-bit text (UTF-16 becomes UTF-8, so non-ASCII characters are reported
  // as encoding-unicode on their line) and hands it to the line assembler.
  void decode(std::string_view chunk) {
    if (sum.encoding != text_encoding::utf16le && sum.encoding != text_encoding::utf16be) {
      push(chunk);
      return;
    }
    const bool le = sum.encoding == text_encoding::utf16le;
    transcoded.clear();
    std::size_t i = 0;
    const auto unit = [le](unsigned char first, unsigned char second) {
      return static_cast<std::uint16_t>(le ? (first | (second << 8)) : ((first << 8) | second));
    };
    if (have_odd_byte && !chunk.empty()) {
      put_unit(unit(odd_byte, static_cast<unsigned char>(chunk[0])));
      have_odd_byte = false;
      i = 1;
    }
    for (; i + 1 < chunk.size(); i += 2)
      put_unit(
          unit(static_cast<unsigned char>(chunk[i]), static_cast<unsigned char>(chunk[i + 1])));
    if (i < chunk.size()) {
      have_odd_byte = true;
      odd_byte = static_cast<unsigned char>(chunk[i]);
    }
    push(transcoded);
  }

  // ---- lines ------------------------------------------------------------------------------

  void push(std::string_view data) {
    if (!carry.empty()) {
      const auto* nl = static_cast<const char*>(std::memchr(data.data(), '\n', data.size()));
      if (nl == nullptr) {
        carry.append(data);
        return;
      }
      const auto head = static_cast<std::size_t>(nl - data.data()) + 1;
      carry.append(data.substr(0, head));
      one_line(carry);
      carry.clear();
      data.remove_prefix(head);
    }
    const auto last_nl = data.rfind('\n');
    if (last_nl == std::string_view::npos) {
      carry.assign(data);
      return;
    }
    complete_lines(data.substr(0, last_nl + 1));
    carry.assign(data.substr(last_nl + 1));
  }

  // `region` holds whole lines, each ending in '\n'.
  void complete_lines(std::string_view region) {
    const char* p = region.data();
    const char* end = p + region.size();
    while (p < end && (!header_done || options.threads == 1)) {
      const std::string_view rest{p, static_cast<std::size_t>(end - p)};
      if (!header_done) {
        const auto length = rest.find('\n');
        one_line(rest.substr(0, length));
        p += length + 1;
        continue;
      }
      const auto shape = analysers[0].scan_row(rest, *workers[0]);
      one_line({p, shape.length}, &shape);
      p += shape.length + 1;
    }
    while (p < end) {
      const auto batch = std::min(static_cast<std::size_t>(end - p), kShareBytes * options.threads);
      p = run_batch(p, line_end(p + batch, end));
    }
  }

  // The end of the line holding the byte before `at` (`region_end` when that is the last line).
  static const char* line_end(const char* at, const char* region_end) noexcept {
    if (at >= region_end) return region_end;
    const auto* nl = static_cast<const char*>(
        std::memchr(at - 1, '\n', static_cast<std::size_t>(region_end - at + 1)));
    return nl == nullptr ? region_end : nl + 1;
  }

  void one_line(std::string_view line, const detail::line_shape* shape = nullptr) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    ++line_no;
    if (!header_done) {
      header(line);
      return;
    }
    auto& k = *workers[0];
    k.diags.clear();
    analysers[0].analyse(line, single, k, 0, shape);
    single.line = line_no;
    commit(single);
  }

  // Analyses the whole lines of [p, end) with one contiguous share per thread, each scanned and
  // analysed by its thread alone, and commits them in input order. Returns `end`.
  const char* run_batch(const char* p, const char* end) {
    const auto size = static_cast<std::size_t>(end - p);
    const auto threads =
        std::max<std::size_t>(1, std::min<std::size_t>(options.threads, size / kMinShareBytes));
    std::array<const char*, 65> bounds{};
    bounds[0] = p;
    for (std::size_t t = 1; t < threads; ++t)
      bounds[t] = line_end(std::max(bounds[t - 1], p + size * t / threads), end);
    bounds[threads] = end;
    const auto work = [&](std::size_t t) {
      auto& k = *workers[t];
      k.diags.clear();
      k.row_count = 0;
      for (const char* q = bounds[t]; q < bounds[t + 1];) {
        const std::string_view rest{q, static_cast<std::size_t>(bounds[t + 1] - q)};
        const auto shape = analysers[t].scan_row(rest, k);
        if (k.row_count == k.rows.size()) k.rows.resize(k.rows.size() * 2 + 64);
        analysers[t].analyse({q, shape.length}, k.rows[k.row_count++], k,
                             static_cast<std::uint8_t>(t), &shape);
        q += shape.length + 1;
      }
    };
    std::vector<std::thread> helpers;
    // A sink that throws while the helpers run must not leave them joinable (std::terminate).
    struct join_at_exit {
      std::vector<std::thread>& threads;
      ~join_at_exit() {
        for (auto& t : threads)
          if (t.joinable()) t.join();
      }
    } joiner{helpers};
    helpers.reserve(threads - 1);
    for (std::size_t t = 1; t < threads; ++t)
      helpers.emplace_back(work, t);
    work(0);
    // The first share precedes every other in input order and is this thread's own: it is
    // committed while the helpers still analyse theirs.
    commit_share(*workers[0]);
    for (auto& h : helpers)
      h.join();
    for (std::size_t t = 1; t < threads; ++t)
      commit_share(*workers[t]);
    return end;
  }

  // Commits a worker's rows in order. The duplicate-table slots of a row a few places ahead are
  // prefetched, so that their cache misses overlap the commits before it.
  void commit_share(worker& k) {
    constexpr std::size_t ahead = 8;
    for (std::size_t i = 0; i < k.row_count; ++i) {
      if (i + ahead < k.row_count && options.detect_duplicates) {
        const auto& next = k.rows[i + ahead];
        if (next.hash_valid && !next.blank) {
          duplicates.devices.prefetch(next.identity_key);
          duplicates.serials.prefetch(next.serial_key);
        }
      }
      // Only now, with the shares before this one counted, is the line's number known.
      auto& w = k.rows[i];
      w.line = ++line_no;
      commit(w);
    }
  }

  void header(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) {
      ++sum.blank_lines;
      emit(diagnostic{rule::blank_line,
                      info(rule::blank_line).severity,
                      line_no,
                      {},
                      "line " + std::to_string(line_no) + " is blank",
                      "remove the blank line before the header (it is ignored)"});
      return;
    }
    header_done = true;
    if (line.find('"') != std::string_view::npos)
      file_finding(rule::quote, line_no, {}, "the header contains a \" character",
                   "remove every \" from the file");
    auto match = match_header(line, options.dialect);
    const auto* l = match.layout;
    switch (match.outcome) {
      case header_match::kind::exact:
        rows_checked = true;
        break;
      case header_match::kind::case_only:
        rows_checked = true;
        file_finding(rule::header_case, line_no, {},
                     "the header matches the " + std::string(dialect_id(l->dialect)) +
                         " header only when case is ignored: " + match.difference,
                     "use the exact header: " + l->header());
        break;
      case header_match::kind::unknown: {
        std::size_t fields = 1;
        for (char c : line)
          fields += c == ',' ? 1 : 0;
        rows_checked = fields == l->column_count;
        file_finding(rule::header_unknown, line_no, {},
                     "the header matches no dialect; the nearest is " +
                         std::string(dialect_id(l->dialect)) + ": " + match.difference,
                     "use the exact header: " + l->header());
        break;
      }
    }
    sum.layout = rows_checked ? l : nullptr;
    const bool wants_identity = static_cast<bool>(on_row);
    analysers.assign(workers.size(), analyser(sum.layout, rows_checked, nullptr, wants_identity));
    if (options.detect_duplicates)
      analysers[0] = analyser(sum.layout, rows_checked, &duplicates, wants_identity);
    limit = row_limit(options.target, l->dialect);
  }

  // `w.line` is set; its findings get it here.
  void commit(row_work& w) {
    auto& diags = workers[w.worker]->diags;
    for (auto i = w.diag_begin; i < w.diag_end; ++i)
      diags[i].line = w.line;
    if (w.blank) {
      ++sum.blank_lines;
      for (auto i = w.diag_begin; i < w.diag_end; ++i)
        emit(diags[i]);
      return;
    }
    ++sum.rows;
    if (limit && sum.rows == *limit + 1 && !limit_reported) {
      limit_reported = true;
      file_finding(rule::too_many_rows, w.line, {},
                   "the file has more than " + std::to_string(*limit) + " data rows; line " +
                       std::to_string(w.line) + " is the first over the limit",
                   "split the file into uploads of at most " + std::to_string(*limit) +
                       " rows (mmdreg merge does this)");
    }
    for (auto i = w.diag_begin; i < w.diag_end; ++i)
      emit(diags[i]);
    bool rejected = w.has_error;
    if (options.detect_duplicates && w.hash_valid) {
      const auto id = w.identity_key;
      const auto [device, inserted] = duplicates.devices.find_or_insert(id, 0, w.line);
      const auto hash_column = sum.layout->names[*sum.layout->index_of(column::hardware_hash)];
      if (!inserted) {
        rejected = true;
        emit(diagnostic{rule::duplicate_device, info(rule::duplicate_device).severity, w.line,
                        std::string(hash_column),
                        "the device (manufacturer " + quoted(w.manufacturer_text()) + ", serial " +
                            quoted(w.serial_text()) + ") is already on line " +
                            std::to_string(device->line) + "; only the first row is processed",
                        "remove this row, or mmdreg merge to keep the latest capture"});
      } else {
        const auto [other, fresh] =
            duplicates.serials.find_or_insert(w.serial_key, {id.lo}, w.line);
        if (!fresh && other->payload.identity != id.lo) {
          emit(diagnostic{rule::duplicate_serial, info(rule::duplicate_serial).severity, w.line,
                          std::string(hash_column),
                          "manufacturer " + quoted(w.manufacturer_text()) + " and serial " +
                              quoted(w.serial_text()) + " are also on line " +
                              std::to_string(other->line) + " for a different device",
                          "check both devices: one serial is probably a firmware placeholder or "
                          "a copy"});
        }
      }
    }
    if (rejected)
      ++sum.rejected;
    else
      ++sum.accepted;
    if (on_row) {
      row r;
      r.line = w.line;
      r.layout = sum.layout;
      r.field_count = w.field_count;
      r.fields = {w.fields.data(), std::min(w.field_count, kStoredFields)};
      r.accepted = !rejected;
      r.hash_valid = w.hash_valid;
      r.identity = w.identity;
      r.capture_time = w.capture_time;
      on_row(r);
    }
  }

  summary finish() {
    if (!encoding_known) detect(true);
    if (have_odd_byte || high_surrogate != 0) {
      // A UTF-16 file cut in the middle of a character: keep what is there, visibly.
      have_odd_byte = false;
      high_surrogate = 0;
      transcoded.clear();
      put_code_point(0xFFFD);
      push(transcoded);
    }
    if (!carry.empty()) {
      std::string last = std::move(carry);
      carry.clear();
      one_line(last);
    }
    if (!header_done)
      file_finding(rule::empty_file, 0, {}, "the file has no header line (it is empty or blank)",
                   "export the devices again; the first line must be the header");
    finished = true;
    return sum;
  }
};

validator::validator(validate_options options, diagnostic_sink on_diagnostic, row_sink on_row)
    : state_(std::make_unique<state>(options, std::move(on_diagnostic), std::move(on_row))) {}
validator::~validator() = default;
validator::validator(validator&&) noexcept = default;
validator& validator::operator=(validator&&) noexcept = default;

void validator::expect_size(std::uint64_t total_bytes) {
  if (state_->finished) throw std::logic_error("mmdreg::csv::validator::expect_size after finish");
  state_->expect_size(total_bytes);
}

void validator::feed(std::string_view chunk) {
  if (state_->finished) throw std::logic_error("mmdreg::csv::validator::feed after finish");
  if (!chunk.empty()) state_->feed(chunk);
}

summary validator::finish() {
  if (state_->finished) throw std::logic_error("mmdreg::csv::validator::finish called twice");
  return state_->finish();
}

summary validate_buffer(std::string_view content, const validate_options& options,
                        const diagnostic_sink& on_diagnostic, const row_sink& on_row) {
  validator v(options, on_diagnostic, on_row);
  v.expect_size(content.size());
  v.feed(content);
  return v.finish();
}

result<summary> validate_file(const std::filesystem::path& path, const validate_options& options,
                              const diagnostic_sink& on_diagnostic, const row_sink& on_row) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return error{errc::io, "cannot open " + path.string() + ": " + std::strerror(errno)};
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } close_at_end{fd};
  validator v(options, on_diagnostic, on_row);
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    v.expect_size(static_cast<std::uint64_t>(info.st_size));
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  // One thread reads into a buffer that stays in its L2 cache: the kernel's copy from the page
  // cache streams, and the scan then reads from L2. Mapping the file instead costs a page-table
  // entry per 4 KiB, set up and torn down, and measured about 10 % slower. Several threads need a
  // share each per batch.
  const std::size_t chunk = options.threads <= 1 ? kFileChunk : kShareBytes * options.threads;
  const std::unique_ptr<char[]> buffer(new char[chunk]);
  while (true) {
    const auto n = ::read(fd, buffer.get(), chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return error{errc::io, "reading " + path.string() + " failed: " + std::strerror(errno)};
    }
    if (n == 0) break;
    v.feed({buffer.get(), static_cast<std::size_t>(n)});
  }
  return v.finish();
}

report validate_buffer_collect(std::string_view content, const validate_options& options) {
  report out;
  out.summary =
      validate_buffer(content, options, [&](const diagnostic& d) { out.diagnostics.push_back(d); });
  return out;
}

result<report> validate_file_collect(const std::filesystem::path& path,
                                     const validate_options& options) {
  report out;
  auto s = validate_file(path, options, [&](const diagnostic& d) { out.diagnostics.push_back(d); });
  if (!s) return s.err();
  out.summary = *s;
  return out;
}

}  // namespace mmdreg::csv
