#include "mmdreg/hash/hardware_hash.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "hash/base64.hpp"
#include "hash/layout.hpp"
#include "hash/sha256.hpp"
#include "hash/used_part.hpp"

namespace mmdreg {
namespace {

namespace layout = detail::hash_layout;
using layout::read_u16;

constexpr std::string_view recapture =
    "re-capture the hash on the device with Get-WindowsAutopilotInfo and upload the CSV it writes "
    "without opening it in an editor or a spreadsheet";

std::string byte_text(std::uint8_t b) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", b);
  return text;
}

std::string character_text(unsigned char c) {
  if (c >= 0x21 && c < 0x7F) {
    char text[16];
    std::snprintf(text, sizeof text, "'%c' (0x%02X)", c, c);
    return text;
  }
  if (c == ' ') return "a space (0x20)";
  if (c == '\t') return "a tab (0x09)";
  if (c == '\r' || c == '\n') return "a line break (" + byte_text(c) + ")";
  return "the byte " + byte_text(c);
}

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (const auto b : bytes) {
    text += digits[b >> 4];
    text += digits[b & 15];
  }
  return text;
}

hash_problem problem(rule r, std::string message, std::string fix) {
  return hash_problem{r, std::move(message), std::move(fix)};
}

hash_problem base64_problem(const detail::base64_error& e, std::size_t text_size) {
  const auto at = std::to_string(e.offset);
  switch (e.failure) {
    case detail::base64_failure::bad_character:
      return problem(
          rule::hash_base64,
          "character offset " + at + " of the hardware hash is " + character_text(e.character) +
              ", which is not in the standard base64 alphabet (A-Z a-z 0-9 + /)",
          "copy the hash again from the CSV that Get-WindowsAutopilotInfo wrote: a space, "
          "quote, line break or other character means the text was altered on the way; "
          "if the original is damaged too, " +
              std::string(recapture));
    case detail::base64_failure::misplaced_padding:
      return problem(
          rule::hash_base64,
          "'=' at character offset " + at +
              " of the hardware hash: base64 padding may only be the last one or two "
              "characters (and a hardware hash has none)",
          "take the hash again from the original CSV; if '=' was only appended at the end, "
          "the padding repair (repair_padding) can fix it");
    case detail::base64_failure::bad_length:
      break;
  }
  return problem(
      rule::hash_base64,
      "the hardware hash has " + std::to_string(text_size) +
          " characters, which is not a multiple of 4 (a hardware hash has exactly " +
          std::to_string(hash_text_length) + ")",
      "check that the file was not cut and that the hash was not split over several lines "
      "or shortened while copying; the padding repair (repair_padding) fixes a hash whose "
      "only fault is its padding; otherwise " +
          std::string(recapture));
}

hash_problem structure_problem(std::string message) {
  return problem(
      rule::hash_structure, std::move(message),
      "the hash was damaged after capture or written by a faulty tool: " + std::string(recapture));
}

std::size_t first_nonzero(std::span<const std::uint8_t> bytes) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + i, sizeof word);
    if (word != 0) break;
  }
  for (; i < bytes.size(); ++i)
    if (bytes[i] != 0) return i;
  return bytes.size();
}

std::string_view nul_terminated(std::optional<std::span<const std::uint8_t>> value) noexcept {
  if (!value) return {};
  const auto* begin = reinterpret_cast<const char*>(value->data());
  const void* nul = std::memchr(begin, 0, value->size());
  const std::size_t size = nul == nullptr
                               ? value->size()
                               : static_cast<std::size_t>(static_cast<const char*>(nul) - begin);
  return {begin, size};
}

}  // namespace

namespace detail {

std::size_t decode_used_part(std::string_view text,
                             std::span<std::uint8_t, hash_byte_length> out) noexcept {
  constexpr std::size_t refused = 0;
  if (text.size() != hash_text_length) return refused;
  // The first two quads give bytes 0-5, which hold the end of the record area (bytes 2-3).
  constexpr std::size_t head_quads = 2;
  const auto decode_quads = [&](std::size_t first, std::size_t count) {
    const auto decoded =
        base64_decode(text.substr(first * 4, count * 4), out.subspan(first * 3, count * 3));
    // A '=' among the characters would be taken as padding and shorten the output.
    return !decoded.error && decoded.size == count * 3;
  };
  if (!decode_quads(0, head_quads)) return refused;
  const std::size_t end = read_u16(out, 2);
  if (end < layout::header_size || end > layout::max_record_end) return refused;
  // Every quad holding a byte of the record area or the trailer is decoded; the bytes of the last
  // one past the trailer are padding and are checked as decoded bytes, like the rest of it.
  const std::size_t used_quads = (end + layout::trailer_size + 2) / 3;
  if (!decode_quads(head_quads, used_quads - head_quads)) return refused;
  if (!base64_all_zero_sextets(text.substr(used_quads * 4))) return refused;
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(used_quads * 3), out.end(), std::uint8_t{0});
  return used_quads * 3;
}

}  // namespace detail

std::string_view architecture_name(std::uint8_t architecture) noexcept {
  switch (static_cast<hash_architecture>(architecture)) {
    case hash_architecture::x86:
      return "x86";
    case hash_architecture::x64:
      return "x64";
    case hash_architecture::arm64:
      return "ARM64";
  }
  return {};
}

std::optional<hash_problem> hardware_hash::decode(std::string_view base64_text) {
  return decode_from(base64_text, detail::decode_used_part(base64_text, bytes_));
}

// `zero_from`: what decode_used_part said of base64_text into bytes_.
std::optional<hash_problem> hardware_hash::decode_from(std::string_view base64_text,
                                                       std::size_t zero_from) {
  record_end_ = 0;
  record_count_ = 0;
  first_record_.fill(0);

  // Only a 4000-character text can be a hash; any other is checked without being stored.
  // Whatever the used-part decode does not accept is decoded whole, which reports it exactly.
  const auto decoded = zero_from != 0 ? detail::base64_decoded{hash_byte_length, std::nullopt}
                       : base64_text.size() == hash_text_length
                           ? detail::base64_decode(base64_text, bytes_)
                           : detail::base64_check(base64_text);
  if (decoded.error) return base64_problem(*decoded.error, base64_text.size());
  if (decoded.size != hash_byte_length) {
    const bool shorter = decoded.size < hash_byte_length;
    return problem(
        rule::hash_length,
        "the hardware hash decodes to " + std::to_string(decoded.size) + " bytes (" +
            std::to_string(base64_text.size()) + " characters), not " +
            std::to_string(hash_byte_length) + " bytes (" + std::to_string(hash_text_length) +
            " characters)" + (shorter ? ": it is truncated" : ": it has extra data"),
        shorter ? "check that the file was not cut (editors, spreadsheets and some documentation "
                  "samples shorten long values); " +
                      std::string(recapture)
                : "remove whatever was appended to the hash, or " + std::string(recapture));
  }

  const std::span<const std::uint8_t> bytes = bytes_;
  if (bytes[0] != 'O' || bytes[1] != 'A')
    return structure_problem("bytes 0-1 are " + byte_text(bytes[0]) + " " + byte_text(bytes[1]) +
                             ", not the magic \"OA\" (0x4F 0x41)");
  const std::size_t end = read_u16(bytes, 2);
  if (end < layout::header_size || end > layout::max_record_end)
    return structure_problem("bytes 2-3 put the end of the record area at byte " +
                             std::to_string(end) + ", outside 4-" +
                             std::to_string(layout::max_record_end) +
                             " (the 36-byte trailer must fit before byte 3000)");

  std::size_t offset = layout::header_size;
  while (offset < end) {
    if (end - offset < layout::record_header)
      return structure_problem("the record at byte " + std::to_string(offset) + " has only " +
                               std::to_string(end - offset) +
                               " bytes before the end of the record area at byte " +
                               std::to_string(end) + ", less than its 4-byte header");
    const std::uint16_t type = read_u16(bytes, offset);
    const std::size_t length = read_u16(bytes, offset + 2);
    if (length < layout::record_header)
      return structure_problem("the record at byte " + std::to_string(offset) + " (type " +
                               std::to_string(type) + ") declares length " +
                               std::to_string(length) + ", less than its own 4-byte header");
    if (length > end - offset)
      return structure_problem("the record at byte " + std::to_string(offset) + " (type " +
                               std::to_string(type) + ", length " + std::to_string(length) +
                               ") runs past the end of the record area at byte " +
                               std::to_string(end) + " (bytes 2-3)");
    record_types_[record_count_] = type;
    record_offsets_[record_count_] = static_cast<std::uint16_t>(offset);
    ++record_count_;
    if (type < first_record_.size() && first_record_[type] == 0)
      first_record_[type] = static_cast<std::uint16_t>(offset);
    offset += length;
  }
  record_end_ = static_cast<std::uint16_t>(end);

  if (bytes[end] != 'C' || bytes[end + 1] != 'S' ||
      read_u16(bytes, end + 2) != layout::trailer_length)
    return structure_problem("the trailer at byte " + std::to_string(end) + " is " +
                             byte_text(bytes[end]) + " " + byte_text(bytes[end + 1]) + " " +
                             byte_text(bytes[end + 2]) + " " + byte_text(bytes[end + 3]) +
                             ", not \"CS\" followed by the length 36 (0x43 0x53 0x24 0x00)");
  const std::size_t padding_start = end + layout::trailer_size;
  // Past zero_from the used-part decode has already seen nothing but zero.
  const std::size_t checked_end =
      zero_from != 0 ? std::max(zero_from, padding_start) : hash_byte_length;
  const std::size_t nonzero =
      padding_start + first_nonzero(bytes.subspan(padding_start, checked_end - padding_start));
  if (nonzero != checked_end)
    return structure_problem("byte " + std::to_string(nonzero) + " is " +
                             byte_text(bytes[nonzero]) +
                             ", but everything after the trailer (bytes " +
                             std::to_string(padding_start) + "-2999) must be zero");

  const auto digest = detail::sha256(bytes.first(end));
  const auto stored = bytes.subspan(end + 4, digest.size());
  if (!std::equal(digest.begin(), digest.end(), stored.begin()))
    return problem(rule::hash_checksum,
                   "the SHA-256 in the trailer (bytes " + std::to_string(end + 4) + "-" +
                       std::to_string(end + 35) + ") is " + hex(stored) + ", but bytes 0-" +
                       std::to_string(end - 1) + " hash to " + hex(digest),
                   "the content was altered after capture (a single changed character is enough): "
                   "copy the hash again from the original CSV, or " +
                       std::string(recapture));

  const auto missing = [this](hash_record type,
                              std::string_view what) -> std::optional<hash_problem> {
    const auto value = record(static_cast<std::uint16_t>(type));
    if (value && !nul_terminated(value).empty()) return std::nullopt;
    const auto number = std::to_string(static_cast<int>(type));
    return problem(rule::hash_missing_field,
                   value ? "the " + std::string(what) + " record (type " + number + ") is empty"
                         : "the hash has no " + std::string(what) + " record (type " + number + ")",
                   "Autopilot rejects such a hash (InvalidZtdHardwareHash, 802): the firmware does "
                   "not report the SMBIOS " +
                       std::string(what) +
                       "; have the manufacturer set it (a firmware or BIOS update, or the OEM's "
                       "tool), then re-capture the hash with Get-WindowsAutopilotInfo");
  };
  if (auto p = missing(hash_record::serial_number, "serial-number")) return p;
  if (auto p = missing(hash_record::manufacturer, "manufacturer")) return p;
  return std::nullopt;
}

std::optional<std::span<const std::uint8_t>> hardware_hash::record(
    std::uint16_t type) const noexcept {
  std::size_t offset = 0;
  if (type < first_record_.size()) {
    offset = first_record_[type];
  } else {
    for (std::size_t i = 0; i < record_count_; ++i)
      if (record_types_[i] == type) {
        offset = record_offsets_[i];
        break;
      }
  }
  if (offset == 0) return std::nullopt;
  const std::span<const std::uint8_t> bytes = bytes_;
  const std::size_t length = read_u16(bytes, offset + 2);
  return bytes.subspan(offset + layout::record_header, length - layout::record_header);
}

std::string_view hardware_hash::serial_number() const noexcept {
  return nul_terminated(record(static_cast<std::uint16_t>(hash_record::serial_number)));
}
std::string_view hardware_hash::manufacturer() const noexcept {
  return nul_terminated(record(static_cast<std::uint16_t>(hash_record::manufacturer)));
}
std::string_view hardware_hash::model() const noexcept {
  return nul_terminated(record(static_cast<std::uint16_t>(hash_record::model)));
}

std::optional<std::array<std::uint8_t, 16>> hardware_hash::smbios_uuid() const noexcept {
  const auto value = record(static_cast<std::uint16_t>(hash_record::smbios_uuid));
  if (!value || value->size() < layout::uuid_size) return std::nullopt;
  std::array<std::uint8_t, 16> uuid{};
  std::copy_n(value->begin(), uuid.size(), uuid.begin());
  return uuid;
}

std::string hardware_hash::smbios_uuid_text() const {
  const auto uuid = smbios_uuid();
  if (!uuid) return {};
  // SMBIOS 2.6+: time_low, time_mid and time_hi_and_version are little-endian, the rest as stored.
  static constexpr std::array<std::uint8_t, 16> order{3, 2, 1,  0,  5,  4,  7,  6,
                                                      8, 9, 10, 11, 12, 13, 14, 15};
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    const auto b = (*uuid)[order[i]];
    text += digits[b >> 4];
    text += digits[b & 15];
  }
  return text;
}

namespace {
std::optional<std::span<const std::uint8_t>> version_value(const hardware_hash& hash,
                                                           std::size_t needed) noexcept {
  auto value = hash.record(static_cast<std::uint16_t>(hash_record::version));
  if (!value || value->size() < needed) return std::nullopt;
  return value;
}
}  // namespace

std::optional<std::chrono::sys_seconds> hardware_hash::capture_time() const noexcept {
  const auto value = version_value(*this, layout::version_capture_time + 4);
  if (!value) return std::nullopt;
  const auto seconds =
      layout::capture_epoch + layout::read_u32(*value, layout::version_capture_time);
  return std::chrono::sys_seconds{std::chrono::seconds{seconds}};
}

std::optional<int> hardware_hash::utc_offset_minutes() const noexcept {
  const auto value = version_value(*this, layout::version_utc_offset + 1);
  if (!value) return std::nullopt;
  return static_cast<int>(static_cast<std::int8_t>((*value)[layout::version_utc_offset])) * 15;
}

std::optional<os_build> hardware_hash::windows_build() const noexcept {
  const auto value = version_value(*this, layout::version_os_build + 8);
  if (!value) return std::nullopt;
  const auto at = layout::version_os_build;
  return os_build{.major = read_u16(*value, at + 2),
                  .minor = read_u16(*value, at),
                  .build = read_u16(*value, at + 6),
                  .revision = read_u16(*value, at + 4)};
}

std::optional<std::uint8_t> hardware_hash::os_type() const noexcept {
  const auto value = version_value(*this, layout::version_os_type + 1);
  if (!value) return std::nullopt;
  return (*value)[layout::version_os_type];
}

std::optional<std::uint8_t> hardware_hash::architecture() const noexcept {
  const auto value = version_value(*this, layout::version_architecture + 1);
  if (!value) return std::nullopt;
  return (*value)[layout::version_architecture];
}

std::optional<std::uint64_t> hardware_hash::ram_gb() const noexcept {
  const auto value = record(static_cast<std::uint16_t>(hash_record::memory));
  if (!value || value->size() < 8) return std::nullopt;
  return layout::read_u64(*value, 0);
}

std::optional<boot_disk> hardware_hash::boot_disk() const noexcept {
  const auto value = record(static_cast<std::uint16_t>(hash_record::boot_disk));
  if (!value || value->size() < layout::disk_bus_type + 2) return std::nullopt;
  return mmdreg::boot_disk{layout::read_u64(*value, layout::disk_capacity),
                           read_u16(*value, layout::disk_bus_type)};
}

std::string_view hardware_hash::tpm_version_text() const noexcept {
  return nul_terminated(record(static_cast<std::uint16_t>(hash_record::tpm_version)));
}

std::string_view hardware_hash::tpm_version() const noexcept {
  constexpr std::string_view prefix = "TPM-Version:";
  std::string_view text = tpm_version_text();
  if (!text.starts_with(prefix)) return {};
  text.remove_prefix(prefix.size());
  std::size_t size = 0;
  while (size < text.size() && ((text[size] >= '0' && text[size] <= '9') || text[size] == '.'))
    ++size;
  return text.substr(0, size);
}

std::optional<bool> hardware_hash::tpm_key_digest_matches() const noexcept {
  const auto device_id = record(static_cast<std::uint16_t>(hash_record::offline_device_id));
  const auto key = record(static_cast<std::uint16_t>(hash_record::tpm_endorsement_key));
  if (!device_id || !key || device_id->size() < layout::device_id_value_size ||
      (*device_id)[layout::device_id_kind] != layout::device_id_kind_tpm_ek)
    return std::nullopt;
  const auto digest = detail::sha256(*key);
  return std::equal(digest.begin(), digest.end(), device_id->begin() + layout::device_id_digest);
}

device_identity hardware_hash::identity() const noexcept {
  static constexpr std::uint8_t separator[1] = {0};
  const auto as_bytes = [](std::string_view s) {
    return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  const auto uuid = smbios_uuid();
  const std::span<const std::uint8_t> uuid_bytes =
      uuid ? std::span<const std::uint8_t>(*uuid) : std::span<const std::uint8_t>();
  return device_identity{detail::sha256(
      {as_bytes(manufacturer()), separator, as_bytes(serial_number()), separator, uuid_bytes})};
}

}  // namespace mmdreg
