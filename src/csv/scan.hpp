// One pass over a line for the bytes that need a closer look: the first byte >= 0x80, the first
// quote, and whether there is a NUL. AVX2 when the CPU has it (chosen at run time), a portable
// scalar loop otherwise; both give identical answers. Internal.
#ifndef MMDREG_SRC_CSV_SCAN_HPP
#define MMDREG_SRC_CSV_SCAN_HPP

#include <cstddef>
#include <string_view>

namespace mmdreg::csv::detail {

struct special_bytes {
  std::size_t first_high = std::string_view::npos;   ///< first byte >= 0x80
  std::size_t first_quote = std::string_view::npos;  ///< first '"'
  std::size_t first_nul = std::string_view::npos;    ///< first NUL
  bool operator==(const special_bytes&) const = default;
};

enum class scan_path { automatic, scalar, avx2 };

/// Whether this CPU can run the AVX2 path.
bool scan_avx2_supported() noexcept;

/// Scans `line` once. `path` forces an implementation (tests); avx2 on a CPU without it falls back
/// to scalar.
special_bytes scan_special(std::string_view line, scan_path path = scan_path::automatic) noexcept;

}  // namespace mmdreg::csv::detail

#endif
