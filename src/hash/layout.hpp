// Byte layout of the hardware hash (spec section 3, checked against the nine real samples).
// Internal: shared by the decoder, the builder and the padding repair so that each offset is
// written once.
#ifndef MMDREG_SRC_HASH_LAYOUT_HPP
#define MMDREG_SRC_HASH_LAYOUT_HPP

#include <cstddef>
#include <cstdint>
#include <span>

namespace mmdreg::detail::hash_layout {

inline constexpr std::size_t header_size = 4;    // "OA" + u16 end of the record area
inline constexpr std::size_t record_header = 4;  // u16 type + u16 length (header included)
inline constexpr std::size_t trailer_size = 36;  // "CS" + u16 36 + SHA-256
inline constexpr std::uint16_t trailer_length = 36;
inline constexpr std::size_t max_record_end = 3000 - trailer_size;

// Record 1 (version), value offsets.
inline constexpr std::size_t version_tool_build = 0;  // 4 x u16
inline constexpr std::size_t version_os_build = 8;    // 4 x u16: minor, major, revision, build
inline constexpr std::size_t version_capture_time = 16;
inline constexpr std::size_t version_utc_offset = 20;  // s8, 15-minute units
inline constexpr std::size_t version_os_type = 21;
inline constexpr std::size_t version_architecture = 22;
inline constexpr std::size_t version_tool_version = 23;
inline constexpr std::size_t version_value_size = 24;
// Seconds from 1970-01-01 to 2000-01-01, the epoch of the capture time.
inline constexpr std::int64_t capture_epoch = 946684800;

// Record 5 (memory) and 6 (boot disk).
inline constexpr std::size_t memory_value_size = 21;
inline constexpr std::size_t disk_capacity = 0;
inline constexpr std::size_t disk_bus_type = 8;
inline constexpr std::size_t disk_value_size = 12;

// Record 11 (offline device id): the kind byte sits at value offset 4 in every sample (1 with a TPM
// endorsement key, 3 on the VMs without a TPM), the digest at value offset 10.
inline constexpr std::size_t device_id_kind = 4;
inline constexpr std::uint8_t device_id_kind_tpm_ek = 1;
inline constexpr std::size_t device_id_digest = 10;
inline constexpr std::size_t device_id_value_size = 42;

inline constexpr std::size_t uuid_size = 16;
inline constexpr std::size_t endorsement_key_size = 256;

inline std::uint16_t read_u16(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
  return static_cast<std::uint16_t>(bytes[at] | (bytes[at + 1] << 8));
}
inline std::uint32_t read_u32(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
  return static_cast<std::uint32_t>(read_u16(bytes, at)) |
         (static_cast<std::uint32_t>(read_u16(bytes, at + 2)) << 16);
}
inline std::uint64_t read_u64(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
  return static_cast<std::uint64_t>(read_u32(bytes, at)) |
         (static_cast<std::uint64_t>(read_u32(bytes, at + 4)) << 32);
}
inline void write_u16(std::uint8_t* out, std::uint16_t v) noexcept {
  out[0] = static_cast<std::uint8_t>(v);
  out[1] = static_cast<std::uint8_t>(v >> 8);
}
inline void write_u32(std::uint8_t* out, std::uint32_t v) noexcept {
  write_u16(out, static_cast<std::uint16_t>(v));
  write_u16(out + 2, static_cast<std::uint16_t>(v >> 16));
}
inline void write_u64(std::uint8_t* out, std::uint64_t v) noexcept {
  write_u32(out, static_cast<std::uint32_t>(v));
  write_u32(out + 4, static_cast<std::uint32_t>(v >> 32));
}

}  // namespace mmdreg::detail::hash_layout

#endif
