#include "csv/scan.hpp"

#include <bit>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MMDREG_CSV_SCAN_AVX2 1
#include <immintrin.h>
#endif

namespace mmdreg::csv::detail {
namespace {

constexpr auto npos = std::string_view::npos;

// Whether the comma at `at` was the one the scan stops after.
bool add_comma(line_shape& out, std::size_t at, std::size_t stop) noexcept {
  if (out.commas < line_shape::kept_commas) out.comma_at[out.commas] = at;
  ++out.commas;
  return out.commas == stop;
}

bool scan_scalar_from(std::string_view text, std::size_t i, std::size_t stop,
                      line_shape& out) noexcept {
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if (out.special.first_high == npos) out.special.first_high = i;
    } else if (c == ',') {
      if (add_comma(out, i, stop)) return true;
    } else if (c == '\n') {
      out.length = i;
      out.newline = true;
      return false;
    } else if (c == '"') {
      if (out.special.first_quote == npos) out.special.first_quote = i;
    } else if (c == 0) {
      if (out.special.first_nul == npos) out.special.first_nul = i;
    }
  }
  out.length = text.size();
  return false;
}

#if MMDREG_CSV_SCAN_AVX2
// A byte needs a closer look when it is '\n' ',' '"' NUL or >= 0x80. All but the comma are below
// 0x2B as signed bytes ('+', the lowest base64 character), so one signed compare and one equality
// flag every such byte (plus a few harmless others: space, '\r', '!'...). A row is mostly its
// 4000-character hash, so nearly every 64-byte block costs those two tests.
struct scan_constants {
  __m256i newline, comma, quote, zero, below;
};

__attribute__((target("avx2"))) inline __m256i maybe_marked(__m256i v,
                                                            const scan_constants& k) noexcept {
  return _mm256_or_si256(_mm256_cmpgt_epi8(k.below, v), _mm256_cmpeq_epi8(v, k.comma));
}

__attribute__((target("avx2"))) inline unsigned mask(__m256i v, __m256i c) noexcept {
  return static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, c)));
}

__attribute__((target("avx2,bmi,popcnt"))) bool scan_avx2_from(std::string_view text, std::size_t i,
                                                               std::size_t stop,
                                                               line_shape& out) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const scan_constants k{_mm256_set1_epi8('\n'), _mm256_set1_epi8(','), _mm256_set1_epi8('"'),
                         _mm256_setzero_si256(), _mm256_set1_epi8('+')};
  while (i + 32 <= text.size()) {
    if (i + 64 <= text.size()) {
      const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
      const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
      const __m256i m = _mm256_or_si256(maybe_marked(a, k), maybe_marked(b, k));
      if (_mm256_testz_si256(m, m)) {
        i += 64;
        continue;
      }
    }
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const std::size_t at = i;
    i += 32;
    if (_mm256_movemask_epi8(maybe_marked(v, k)) == 0) continue;
    const unsigned newlines = mask(v, k.newline);
    // Only the bytes before the first newline belong to the line.
    unsigned inside = newlines != 0 ? _blsmsk_u32(newlines) >> 1 : ~0U;
    unsigned commas = mask(v, k.comma) & inside;
    bool stopped = false;
    if (stop > out.commas && static_cast<std::size_t>(std::popcount(commas)) >= stop - out.commas) {
      // Nothing after the stopping comma belongs to this part of the scan.
      unsigned last = commas;
      for (std::size_t n = stop - out.commas; n > 1; --n)
        last = _blsr_u32(last);
      inside &= _blsmsk_u32(last);
      commas &= inside;
      stopped = true;
    }
    const unsigned high = static_cast<unsigned>(_mm256_movemask_epi8(v)) & inside;
    const unsigned quotes = mask(v, k.quote) & inside;
    const unsigned nuls = mask(v, k.zero) & inside;
    for (; commas != 0; commas = _blsr_u32(commas))
      add_comma(out, at + _tzcnt_u32(commas), stop);
    if (high != 0 && out.special.first_high == npos) out.special.first_high = at + _tzcnt_u32(high);
    if (quotes != 0 && out.special.first_quote == npos)
      out.special.first_quote = at + _tzcnt_u32(quotes);
    if (nuls != 0 && out.special.first_nul == npos) out.special.first_nul = at + _tzcnt_u32(nuls);
    if (stopped) return true;
    if (newlines != 0) {
      out.length = at + _tzcnt_u32(newlines);
      out.newline = true;
      return false;
    }
  }
  return scan_scalar_from(text, i, stop, out);
}
#endif

}  // namespace

bool scan_avx2_supported() noexcept {
#if MMDREG_CSV_SCAN_AVX2
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                                __builtin_cpu_supports("popcnt");
  return supported;
#else
  return false;
#endif
}

bool scan_line_from(std::string_view text, std::size_t from, std::size_t stop_after_commas,
                    line_shape& out, scan_path path) noexcept {
  const std::size_t stop = stop_after_commas <= line_shape::kept_commas ? stop_after_commas : 0;
#if MMDREG_CSV_SCAN_AVX2
  if (path != scan_path::scalar && scan_avx2_supported())
    return scan_avx2_from(text, from, stop, out);
#endif
  (void)path;
  return scan_scalar_from(text, from, stop, out);
}

line_shape scan_line(std::string_view text, scan_path path) noexcept {
  line_shape out;
  scan_line_from(text, 0, 0, out, path);
  return out;
}

}  // namespace mmdreg::csv::detail
