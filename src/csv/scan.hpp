// One pass over a line: where it ends, where its commas are, and the bytes that need a closer
// look (the first byte >= 0x80, the first quote, the first NUL). Splitting a line, finding its end
// and looking for special bytes used to be three passes over every 4 KB row; the validator now
// makes one. AVX2 when the CPU has it (chosen at run time), a portable scalar loop otherwise; both
// give identical answers. Internal.
#ifndef MMDREG_SRC_CSV_SCAN_HPP
#define MMDREG_SRC_CSV_SCAN_HPP

#include <array>
#include <cstddef>
#include <string_view>

namespace mmdreg::csv::detail {

struct special_bytes {
  std::size_t first_high = std::string_view::npos;   ///< first byte >= 0x80
  std::size_t first_quote = std::string_view::npos;  ///< first '"'
  std::size_t first_nul = std::string_view::npos;    ///< first NUL
  bool operator==(const special_bytes&) const = default;
};

/// What scan_line finds in the text before the first '\n'.
struct line_shape {
  /// Comma offsets kept: enough to bound the first 16 fields, more than any dialect has.
  static constexpr std::size_t kept_commas = 16;
  std::size_t length = 0;  ///< bytes before the first '\n', or all of the text when there is none
  bool newline = false;    ///< whether a '\n' ends the line
  special_bytes special;
  std::size_t commas = 0;                           ///< every comma of the line
  std::array<std::size_t, kept_commas> comma_at{};  ///< offsets of the first kept_commas commas
  bool operator==(const line_shape&) const = default;
};

enum class scan_path { automatic, scalar, avx2 };

/// Whether this CPU can run the AVX2 path.
bool scan_avx2_supported() noexcept;

/// Scans `text` up to its first '\n'. `path` forces an implementation (tests); avx2 on a CPU
/// without it falls back to scalar.
line_shape scan_line(std::string_view text, scan_path path = scan_path::automatic) noexcept;

/// Scans a line in parts, so that a caller can step over a stretch it has checked itself (the
/// 4000 characters of an intact hardware hash) instead of reading it twice. `out` holds the scan
/// of text[0, from). The scan stops at the line's end, or right after the comma that brings
/// `out.commas` to `stop_after_commas` (1..kept_commas; 0 never stops there), and then says true:
/// out.length and out.newline are not yet set, and the line is finished by another call from
/// out.comma_at[stop_after_commas - 1] + 1, or from any later offset when the bytes in between
/// are known to hold no '\n', comma, quote, NUL or byte >= 0x80.
bool scan_line_from(std::string_view text, std::size_t from, std::size_t stop_after_commas,
                    line_shape& out, scan_path path = scan_path::automatic) noexcept;

}  // namespace mmdreg::csv::detail

#endif
