// Decoding a hardware hash by its used part only. Internal.
//
// A hash is 4000 characters, but only the record area and the trailer (end + 36 bytes, typically
// 700-1400 of the 3000) carry data; the rest is zero padding, which encodes as a run of 'A'.
// Checking that run in the text is far cheaper than decoding it.
#ifndef MMDREG_SRC_HASH_USED_PART_HPP
#define MMDREG_SRC_HASH_USED_PART_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "mmdreg/hash/hardware_hash.hpp"

namespace mmdreg::detail {

/// Decodes `text` when it has the shape of every intact hash: 4000 characters, bytes 2-3 giving a
/// record-area end inside the limits, valid base64 up to the quad that holds the trailer's last
/// byte, and nothing but 'A' after it. Then `out` holds exactly what base64_decode of the whole
/// text writes (the padding bytes set to zero) and the result is the offset from which every byte
/// is known to be zero without having been decoded (at least end + 36). Otherwise the result is 0
/// and `out` is unspecified: the caller decodes the whole text, which finds the exact problem.
/// Success therefore never hides a finding of the full decode.
std::size_t decode_used_part(std::string_view text,
                             std::span<std::uint8_t, hash_byte_length> out) noexcept;

/// For a caller that runs decode_used_part itself, straight into a hardware_hash, and then
/// finishes the decode without decoding the text again.
struct hardware_hash_access {
  static std::span<std::uint8_t, hash_byte_length> bytes(hardware_hash& hash) noexcept {
    return hash.bytes_;
  }
  /// The same as hash.decode(text), given zero_from = decode_used_part(text, bytes(hash)) made
  /// since the last decode into `hash`.
  static std::optional<hash_problem> decode_from(hardware_hash& hash, std::string_view text,
                                                 std::size_t zero_from) {
    return hash.decode_from(text, zero_from);
  }
};

}  // namespace mmdreg::detail

#endif
