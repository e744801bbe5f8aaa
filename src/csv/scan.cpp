#include "csv/scan.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MMDREG_CSV_SCAN_AVX2 1
#include <immintrin.h>
#endif

namespace mmdreg::csv::detail {
namespace {

constexpr auto npos = std::string_view::npos;

void scan_scalar_from(std::string_view line, std::size_t i, special_bytes& out) noexcept {
  for (; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c >= 0x80) {
      if (out.first_high == npos) out.first_high = i;
    } else if (c == '"') {
      if (out.first_quote == npos) out.first_quote = i;
    } else if (c == 0) {
      if (out.first_nul == npos) out.first_nul = i;
    }
  }
}

#if MMDREG_CSV_SCAN_AVX2
// A byte needs a look when its sign bit is set, or when it equals '"' or NUL (the compares then set
// it): clean 64-byte blocks, nearly all of a file, cost one test each.
__attribute__((target("avx2"))) inline __m256i marked(__m256i v) noexcept {
  return _mm256_or_si256(v, _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')),
                                            _mm256_cmpeq_epi8(v, _mm256_setzero_si256())));
}

__attribute__((target("avx2,bmi"))) special_bytes scan_avx2(std::string_view line) noexcept {
  special_bytes out;
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  const __m256i quote = _mm256_set1_epi8('"');
  const __m256i zero = _mm256_setzero_si256();
  std::size_t i = 0;
  while (i + 32 <= line.size()) {
    if (i + 64 <= line.size()) {
      const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
      const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
      if (_mm256_movemask_epi8(_mm256_or_si256(marked(a), marked(b))) == 0) {
        i += 64;
        continue;
      }
    }
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    i += 32;
    const auto high = static_cast<unsigned>(_mm256_movemask_epi8(v));
    const auto quotes = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, quote)));
    const auto nuls = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, zero)));
    if ((high | quotes | nuls) == 0) continue;
    const std::size_t at = i - 32;
    if (high != 0 && out.first_high == npos) out.first_high = at + _tzcnt_u32(high);
    if (quotes != 0 && out.first_quote == npos) out.first_quote = at + _tzcnt_u32(quotes);
    if (nuls != 0 && out.first_nul == npos) out.first_nul = at + _tzcnt_u32(nuls);
    if (out.first_high != npos && out.first_quote != npos && out.first_nul != npos) return out;
  }
  scan_scalar_from(line, i, out);
  return out;
}
#endif

}  // namespace

bool scan_avx2_supported() noexcept {
#if MMDREG_CSV_SCAN_AVX2
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
  return supported;
#else
  return false;
#endif
}

special_bytes scan_special(std::string_view line, scan_path path) noexcept {
#if MMDREG_CSV_SCAN_AVX2
  if (path != scan_path::scalar && scan_avx2_supported()) return scan_avx2(line);
#endif
  (void)path;
  special_bytes out;
  scan_scalar_from(line, 0, out);
  return out;
}

}  // namespace mmdreg::csv::detail
