// The hardware hash ("4K hash", "OA3 hash"): a base64-encoded binary inventory of a device, spec
// section 3. Decoding checks every structural property and exposes the fields as views into the
// decoded bytes; nothing here allocates on the success path.
#ifndef MMDREG_HASH_HARDWARE_HASH_HPP
#define MMDREG_HASH_HARDWARE_HASH_HPP

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmdreg/diagnostics.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg {

/// Length of a hardware hash as base64 text, and decoded.
inline constexpr std::size_t hash_text_length = 4000;
inline constexpr std::size_t hash_byte_length = 3000;

/// Record types whose meaning is known (spec section 3). Any other u16 type is accepted as-is.
enum class hash_record : std::uint16_t {
  version = 1,
  processor = 2,
  memory = 5,
  boot_disk = 6,
  offline_device_id = 11,
  smbios_uuid = 12,
  tpm_version = 13,
  serial_number = 14,
  manufacturer = 16,
  model = 17,
  tpm_endorsement_key = 25,
};

/// Processor architecture byte of the version record.
enum class hash_architecture : std::uint8_t { x86 = 0, x64 = 9, arm64 = 12 };

/// "x86", "x64", "ARM64"; empty for any other value (callers spell those "unknown(N)").
std::string_view architecture_name(std::uint8_t architecture) noexcept;

/// Windows build as stored in the version record.
struct os_build {
  std::uint16_t major = 0, minor = 0, build = 0, revision = 0;
  bool operator==(const os_build&) const = default;
};

/// Boot disk record: capacity and bus (17 NVMe, 11 SATA, others as the raw STORAGE_BUS_TYPE value).
struct boot_disk {
  std::uint64_t capacity_gb = 0;
  std::uint16_t bus_type = 0;
};

/// What identifies a device across captures: SHA-256 over manufacturer, serial and SMBIOS UUID.
/// Two captures of one device give different hash strings but the same identity.
struct device_identity {
  std::array<std::uint8_t, 32> digest{};
  bool operator==(const device_identity&) const = default;
  auto operator<=>(const device_identity&) const = default;
};

/// Why a hash was rejected: one of hash_base64, hash_length, hash_structure, hash_checksum,
/// hash_missing_field, with a message that says where (character or byte offset, record type).
struct hash_problem {
  mmdreg::rule rule = rule::hash_structure;
  std::string message;
  std::string fix;
};

namespace detail {
struct hardware_hash_access;
}

/// A decoded, verified hardware hash. Fixed size, no heap: decode into one and reuse it per row.
/// Every string_view returned points into this object and is valid until the next decode into it.
class hardware_hash {
 public:
  /// The first problem found, in the order base64, length, structure, checksum, missing field,
  /// or nothing when the hash is valid. On a problem the object's fields are unspecified.
  [[nodiscard]] std::optional<hash_problem> decode(std::string_view base64_text);

  /// The 3000 decoded bytes.
  std::span<const std::uint8_t> bytes() const noexcept { return {bytes_.data(), bytes_.size()}; }
  /// Offset of the "CS" trailer: the end of the record area.
  std::uint16_t record_end() const noexcept { return record_end_; }
  /// The record types in the order they appear (duplicates included).
  std::span<const std::uint16_t> record_types() const noexcept {
    return {record_types_.data(), record_count_};
  }
  /// The value (header excluded) of the first record of that type, if present.
  std::optional<std::span<const std::uint8_t>> record(std::uint16_t type) const noexcept;

  std::string_view serial_number() const noexcept;  ///< NUL-trimmed; empty when absent
  std::string_view manufacturer() const noexcept;   ///< NUL-trimmed; empty when absent
  std::string_view model() const noexcept;          ///< NUL-trimmed; empty when absent
  std::optional<std::array<std::uint8_t, 16>> smbios_uuid() const noexcept;
  /// The SMBIOS UUID as 8-4-4-4-12 upper-case hex, decoded as SMBIOS 2.6+ stores it (first three
  /// fields little-endian), i.e. as Windows and dmidecode show it: the stored bytes 44 45 4C 4C 38
  /// 00 10 54 ... read "4C4C4544-0038-5410-...". Empty when absent.
  std::string smbios_uuid_text() const;
  /// Capture time (u32 seconds since 2000-01-01 UTC); nullopt when the version record is absent.
  std::optional<std::chrono::sys_seconds> capture_time() const noexcept;
  /// UTC offset of the capturing machine, in minutes.
  std::optional<int> utc_offset_minutes() const noexcept;
  std::optional<os_build> windows_build() const noexcept;
  std::optional<std::uint8_t> os_type() const noexcept;
  std::optional<std::uint8_t> architecture() const noexcept;
  std::optional<std::uint64_t> ram_gb() const noexcept;
  std::optional<mmdreg::boot_disk> boot_disk() const noexcept;
  /// The TPM version text of record 13 (e.g. "TPM-Version:2.0 -Level:0-..."); empty when absent.
  std::string_view tpm_version_text() const noexcept;
  /// "2.0", "1.2", ... parsed from the TPM version text; empty when absent.
  std::string_view tpm_version() const noexcept;
  /// Whether record 11's digest equals SHA-256 of record 25. nullopt when it cannot be checked
  /// (no EK record, or the offline device id is not of kind 1 = TPM EK).
  std::optional<bool> tpm_key_digest_matches() const noexcept;
  /// Manufacturer + serial + SMBIOS UUID, digested.
  device_identity identity() const noexcept;

 private:
  // The CSV validator decodes a hash's used part while it scans the line (internal).
  friend struct detail::hardware_hash_access;
  std::optional<hash_problem> decode_from(std::string_view base64_text, std::size_t zero_from);

  std::array<std::uint8_t, hash_byte_length> bytes_{};
  std::uint16_t record_end_ = 0;
  std::uint16_t record_count_ = 0;
  // A 3000-byte hash holds at most (3000 - 4) / 4 records.
  std::array<std::uint16_t, 749> record_types_{};
  std::array<std::uint16_t, 749> record_offsets_{};
  // Offset of the first record of each type below 40 (0 = absent: no record starts at 0), so that
  // the accessors of the known types are O(1).
  std::array<std::uint16_t, 40> first_record_{};
};

/// Placeholder serials that firmware leaves in SMBIOS ("Default string", "To be filled by O.E.M.",
/// "System Serial Number", "0", "None", ...), compared as the spec describes.
bool is_placeholder_serial(std::string_view serial) noexcept;

/// One requirement of spec section 8 checked against what a hash shows.
struct readiness_check {
  std::string_view requirement;  ///< e.g. "64-bit, not ARM"
  enum class verdict : std::uint8_t {
    met = 0,
    not_met = 1,
    unknown = 2
  } outcome = verdict::unknown;
  std::string detail;  ///< what the hash says, e.g. "8 GB RAM"
};

/// Every device requirement that the hash can speak to (architecture, RAM, boot disk, TPM 2.0,
/// manufacturer), and the ones it cannot (edition, Secure Boot) as unknown.
std::vector<readiness_check> check_readiness(const hardware_hash& hash);

/// Fields for building a structurally valid hash (tests, examples, benchmarks, simulations).
struct hash_fields {
  std::string serial_number;
  std::string manufacturer;
  std::string model;
  std::array<std::uint8_t, 16> smbios_uuid{};
  std::chrono::sys_seconds capture_time{};
  os_build windows{10, 0, 26100, 1};
  std::uint8_t architecture = 9;
  std::uint64_t ram_gb = 16;
  std::optional<mmdreg::boot_disk> disk = mmdreg::boot_disk{512, 17};
  /// When set, records 13 (version text "TPM-Version:2.0 ...") and 25 (this 256-byte key) are
  /// written, and record 11 carries kind 1 with SHA-256 of the key.
  std::optional<std::array<std::uint8_t, 256>> tpm_endorsement_key;
};

/// Encodes a valid hash: 4000 base64 characters. Refuses fields that do not fit in 3000 bytes.
result<std::string> build_hash(const hash_fields& fields);

/// The documented padding repair (spec 2.2): append '=' or turn a trailing "==" into "A" until the
/// text decodes, and return the repaired text only when the decoded payload and its checksum are
/// intact. nullopt when no repair is possible or the hash needs none.
std::optional<std::string> repair_padding(std::string_view base64_text);

}  // namespace mmdreg

#endif
