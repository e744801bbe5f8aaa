#include "hash/base64.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MMDREG_BASE64_X86 1
#endif

namespace mmdreg::detail {
namespace {

constexpr std::size_t no_error = static_cast<std::size_t>(-1);
constexpr std::uint8_t invalid = 0xFF;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  table.fill(invalid);
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  return table;
}
constexpr auto decode_table = make_decode_table();
constexpr char encode_table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

inline std::uint8_t sextet(char c) noexcept {
  return decode_table[static_cast<unsigned char>(c)];
}

// Decodes `quads` groups of four alphabet characters. Returns the offset of the first character
// outside the alphabet (nothing after it is written), or no_error.
std::size_t decode_quads_scalar(const char* in, std::size_t quads, std::uint8_t* out) noexcept {
  for (std::size_t q = 0; q < quads; ++q, in += 4, out += 3) {
    const std::uint32_t a = sextet(in[0]), b = sextet(in[1]), c = sextet(in[2]), d = sextet(in[3]);
    if (((a | b | c | d) & 0x80U) != 0) {
      for (std::size_t k = 0; k < 4; ++k)
        if (sextet(in[k]) == invalid) return q * 4 + k;
    }
    const std::uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
    out[0] = static_cast<std::uint8_t>(v >> 16);
    out[1] = static_cast<std::uint8_t>(v >> 8);
    out[2] = static_cast<std::uint8_t>(v);
  }
  return no_error;
}

#if MMDREG_BASE64_X86
// 32 characters per step, validated and translated with nibble tables (the technique of Mula and
// Lemire, "Faster Base64 Encoding and Decoding Using AVX2 Instructions", 2018): a character is in
// the alphabet exactly when the class bits of its low nibble and of its high nibble share no bit,
// and its sextet is the character plus an offset chosen by its high nibble ('/' apart). A block
// holding any non-alphabet character is left to the scalar kernel, which finds the exact offset:
// the two kernels therefore report the same first error by construction.
struct decode_constants {
  __m256i pack_bytes, pack_lanes, low_classes, high_classes, offsets, nibble, slash;
};

// Decodes the 32 characters at `in` into 24 bytes at `out`; false (nothing written) when one of
// them is outside the alphabet.
__attribute__((target("avx2"))) inline bool decode_block_avx2(const char* in, std::uint8_t* out,
                                                              const decode_constants& k) noexcept {
  const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
  const __m256i high = _mm256_and_si256(_mm256_srli_epi32(c, 4), k.nibble);
  const __m256i low = _mm256_and_si256(c, k.nibble);
  const __m256i classes = _mm256_and_si256(_mm256_shuffle_epi8(k.low_classes, low),
                                           _mm256_shuffle_epi8(k.high_classes, high));
  if (_mm256_testz_si256(classes, classes) == 0) return false;
  const __m256i is_slash = _mm256_cmpeq_epi8(c, k.slash);
  const __m256i sextets =
      _mm256_add_epi8(c, _mm256_shuffle_epi8(k.offsets, _mm256_add_epi8(is_slash, high)));
  // Per 32-bit lane: (a*64 + b, c*64 + d) in 16 bits, then a<<18 | b<<12 | c<<6 | d.
  const __m256i pairs = _mm256_maddubs_epi16(sextets, _mm256_set1_epi32(0x01400140));
  const __m256i words = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
  const __m256i packed =
      _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(words, k.pack_bytes), k.pack_lanes);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm256_castsi256_si128(packed));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 16), _mm256_extracti128_si256(packed, 1));
  return true;
}

__attribute__((target("avx2"))) std::size_t decode_quads_avx2(const char* in, std::size_t quads,
                                                              std::uint8_t* out) noexcept {
  const std::size_t n = quads * 4;
  std::size_t i = 0;
  const decode_constants k{
      _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1, 0, 6, 5, 4, 10,
                       9, 8, 14, 13, 12, -1, -1, -1, -1),
      _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7),
      // Bit 0x10 of every low-nibble class meets the high-nibble class of bytes 0x00-0x1F and
      // 0x80-0xFF; the other bits single out the valid low nibbles of each high nibble 2-7.
      _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B,
                       0x1B, 0x1B, 0x1A, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                       0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A),
      _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10,
                       0x10, 0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10,
                       0x10, 0x10, 0x10, 0x10, 0x10, 0x10),
      // Sextet minus character by high nibble; index 1 is '/' (high nibble 2 minus one), 2 is
      // '+'.
      _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 19, 4, -65,
                       -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0),
      _mm256_set1_epi8(0x0F),
      _mm256_set1_epi8('/'),
  };
  for (; i + 32 <= n; i += 32, out += 24)
    if (!decode_block_avx2(in + i, out, k)) break;
  // After a run of valid blocks, a tail shorter than a block is decoded as the last 32
  // characters, overlapping quads already decoded (they are written again with the same bytes).
  if (i < n && n - i < 32 && n >= 32 &&
      decode_block_avx2(in + n - 32, out - (i - (n - 32)) / 4 * 3, k))
    return no_error;
  const std::size_t bad = decode_quads_scalar(in + i, (n - i) / 4, out);
  return bad == no_error ? no_error : i + bad;
}

bool cpu_has_avx2() noexcept {
  static const bool has = __builtin_cpu_supports("avx2") != 0;
  return has;
}

__attribute__((target("avx2"))) bool all_zero_sextets_avx2(const char* in, std::size_t n) noexcept {
  const __m256i zero_digit = _mm256_set1_epi8('A');
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i + 32));
    const __m256i differ =
        _mm256_or_si256(_mm256_xor_si256(a, zero_digit), _mm256_xor_si256(b, zero_digit));
    if (_mm256_testz_si256(differ, differ) == 0) return false;
  }
  // The tail, under 64 characters: the 32 where it starts and the last 32, overlapping each other
  // or the blocks already checked (a tail of 32 or less is the last 32 twice).
  if (i < n && n >= 32) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + n - 32));
    const __m256i b =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + std::min(i, n - 32)));
    const __m256i differ =
        _mm256_or_si256(_mm256_xor_si256(a, zero_digit), _mm256_xor_si256(b, zero_digit));
    return _mm256_testz_si256(differ, differ) != 0;
  }
  for (; i < n; ++i)
    if (in[i] != 'A') return false;
  return true;
}
#else
bool cpu_has_avx2() noexcept {
  return false;
}
#endif

bool all_zero_sextets_scalar(const char* in, std::size_t n) noexcept {
  constexpr std::uint64_t zero_digits = 0x4141414141414141ULL;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, in + i, sizeof word);
    if (word != zero_digits) return false;
  }
  for (; i < n; ++i)
    if (in[i] != 'A') return false;
  return true;
}

std::size_t decode_quads(const char* in, std::size_t quads, std::uint8_t* out,
                         base64_path path) noexcept {
#if MMDREG_BASE64_X86
  if (path != base64_path::scalar && cpu_has_avx2()) return decode_quads_avx2(in, quads, out);
#else
  (void)path;
#endif
  return decode_quads_scalar(in, quads, out);
}

base64_error positional_error(std::string_view text, std::size_t offset) noexcept {
  const auto c = static_cast<unsigned char>(text[offset]);
  return {c == '=' ? base64_failure::misplaced_padding : base64_failure::bad_character, offset, c};
}

// Shared by decode and check: `out` is null when only checking, and then the full quads are decoded
// chunk by chunk into a scratch buffer.
base64_decoded decode_into(std::string_view text, std::uint8_t* out, base64_path path) noexcept {
  const std::size_t n = text.size();
  std::size_t padding = 0;
  while (padding < n && text[n - 1 - padding] == '=')
    ++padding;
  const std::size_t body = n - padding;
  const std::size_t quads = body / 4;

  std::size_t bad = no_error;
  if (out != nullptr) {
    bad = decode_quads(text.data(), quads, out, path);
  } else {
    constexpr std::size_t chunk_quads = 1024;
    std::array<std::uint8_t, chunk_quads * 3> scratch;
    for (std::size_t q = 0; q < quads && bad == no_error; q += chunk_quads) {
      const std::size_t count = std::min(chunk_quads, quads - q);
      bad = decode_quads(text.data() + q * 4, count, scratch.data(), path);
      if (bad != no_error) bad += q * 4;
    }
  }
  if (bad != no_error) return {0, positional_error(text, bad)};
  for (std::size_t i = quads * 4; i < body; ++i)
    if (sextet(text[i]) == invalid) return {0, positional_error(text, i)};
  if (padding > 2) return {0, base64_error{base64_failure::misplaced_padding, body, '='}};
  if (n % 4 != 0) return {0, base64_error{base64_failure::bad_length, n, 0}};

  // With n % 4 == 0 and at most two '=', the tail holds 0, 2 or 3 characters.
  const std::size_t tail = body - quads * 4;
  std::size_t size = quads * 3;
  if (tail >= 2) {
    const char* t = text.data() + quads * 4;
    const std::uint32_t v = (std::uint32_t{sextet(t[0])} << 18) |
                            (std::uint32_t{sextet(t[1])} << 12) |
                            (tail == 3 ? std::uint32_t{sextet(t[2])} << 6 : 0U);
    if (out != nullptr) {
      out[size] = static_cast<std::uint8_t>(v >> 16);
      if (tail == 3) out[size + 1] = static_cast<std::uint8_t>(v >> 8);
    }
    size += tail - 1;
  }
  return {size, std::nullopt};
}

}  // namespace

bool base64_avx2_supported() noexcept {
  return cpu_has_avx2();
}

base64_decoded base64_decode(std::string_view text, std::span<std::uint8_t> out, base64_path path) {
  if (out.size() < base64_decoded_capacity(text.size()))
    throw std::length_error("base64_decode: output buffer smaller than base64_decoded_capacity");
  return decode_into(text, out.data(), path);
}

base64_decoded base64_check(std::string_view text, base64_path path) noexcept {
  return decode_into(text, nullptr, path);
}

bool base64_all_zero_sextets(std::string_view text, base64_path path) noexcept {
#if MMDREG_BASE64_X86
  if (path != base64_path::scalar && cpu_has_avx2())
    return all_zero_sextets_avx2(text.data(), text.size());
#else
  (void)path;
#endif
  return all_zero_sextets_scalar(text.data(), text.size());
}

void base64_encode(std::span<const std::uint8_t> bytes, char* out) noexcept {
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3, out += 4) {
    const std::uint32_t v =
        (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out[0] = encode_table[(v >> 18) & 63];
    out[1] = encode_table[(v >> 12) & 63];
    out[2] = encode_table[(v >> 6) & 63];
    out[3] = encode_table[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) return;
  const std::uint32_t v =
      (std::uint32_t{bytes[i]} << 16) | (rest == 2 ? std::uint32_t{bytes[i + 1]} << 8 : 0U);
  out[0] = encode_table[(v >> 18) & 63];
  out[1] = encode_table[(v >> 12) & 63];
  out[2] = rest == 2 ? encode_table[(v >> 6) & 63] : '=';
  out[3] = '=';
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string text(base64_encoded_size(bytes.size()), '\0');
  base64_encode(bytes, text.data());
  return text;
}

}  // namespace mmdreg::detail
