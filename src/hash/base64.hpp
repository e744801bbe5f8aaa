// Standard-alphabet base64 (RFC 4648 section 4), strict about the alphabet and the padding.
// Internal. Decoding is a hot path (every row of every CSV): an AVX2 kernel is chosen at run time
// when the CPU has it, and a portable scalar kernel gives byte-identical output and the identical
// first error.
#ifndef MMDREG_SRC_HASH_BASE64_HPP
#define MMDREG_SRC_HASH_BASE64_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mmdreg::detail {

/// Which decoding kernel to use. `automatic` picks AVX2 when the CPU supports it; tests and
/// benchmarks force one kernel to compare them (`avx2` falls back to scalar on a CPU without it).
enum class base64_path : std::uint8_t { automatic = 0, scalar = 1, avx2 = 2 };

/// Whether this CPU can run the AVX2 kernel.
bool base64_avx2_supported() noexcept;

/// What is wrong with a text, in the order found: the lowest-offset bad character first, then the
/// length. Non-zero bits under the padding are accepted (RFC 4648 lets decoders ignore them).
enum class base64_failure : std::uint8_t {
  bad_character,      ///< a character outside A-Z a-z 0-9 + / (and not '=')
  misplaced_padding,  ///< '=' before the last two characters, or more than two of them
  bad_length,         ///< the length is not a multiple of 4
};

struct base64_error {
  base64_failure failure = base64_failure::bad_character;
  std::size_t offset = 0;       ///< 0-based character offset; the text length for bad_length
  unsigned char character = 0;  ///< the offending character (0 for bad_length)
  bool operator==(const base64_error&) const = default;
};

/// The outcome of a decode: the number of bytes written, or the first error.
struct base64_decoded {
  std::size_t size = 0;
  std::optional<base64_error> error;
};

/// Bytes needed to decode a text of that many characters (an upper bound for padded texts).
constexpr std::size_t base64_decoded_capacity(std::size_t text_size) noexcept {
  return (text_size + 3) / 4 * 3;
}

/// Characters produced by encoding that many bytes (with padding).
constexpr std::size_t base64_encoded_size(std::size_t byte_count) noexcept {
  return (byte_count + 2) / 3 * 4;
}

/// Decodes `text` into `out`, which must hold base64_decoded_capacity(text.size()) bytes (a smaller
/// buffer is a programming error: std::length_error). On an error the content of `out` is
/// unspecified.
base64_decoded base64_decode(std::string_view text, std::span<std::uint8_t> out,
                             base64_path path = base64_path::automatic);

/// Checks `text` and computes its decoded size without writing anything: for texts of any length.
base64_decoded base64_check(std::string_view text,
                            base64_path path = base64_path::automatic) noexcept;

/// Whether every character of `text` is 'A', the base64 digit of six zero bits (true when empty).
/// A run of 'A' is how zero bytes look once encoded, so this checks zero padding without decoding
/// it. `path` as for decoding; both kernels give the same answer.
bool base64_all_zero_sextets(std::string_view text,
                             base64_path path = base64_path::automatic) noexcept;

/// Encodes `bytes` into `out`, which must hold base64_encoded_size(bytes.size()) characters.
void base64_encode(std::span<const std::uint8_t> bytes, char* out) noexcept;

/// Encodes `bytes` as a new string.
std::string base64_encode(std::span<const std::uint8_t> bytes);

}  // namespace mmdreg::detail

#endif
