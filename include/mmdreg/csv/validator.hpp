// The streaming validator: reads an upload once, in any size, from a file, a memory buffer or
// chunks fed one by one, and reports every finding of spec section 2.1 for every row.
//
// Memory stays flat whatever the input size: only the current partial line, a fixed read buffer and
// one compact digest per distinct device (for duplicate detection) are kept.
#ifndef MMDREG_CSV_VALIDATOR_HPP
#define MMDREG_CSV_VALIDATOR_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "mmdreg/csv/dialect.hpp"
#include "mmdreg/diagnostics.hpp"
#include "mmdreg/hash/hardware_hash.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::csv {

/// How the bytes of an input were encoded, as recognised from its first bytes.
enum class text_encoding : std::uint8_t {
  ascii = 0,     ///< 8-bit text (ASCII, or ANSI with high bytes: see the encoding rules)
  utf8_bom = 1,  ///< starts with EF BB BF (rule encoding-utf8-bom); read without the BOM
  utf16le = 2,   ///< FF FE, or NUL after ASCII characters (rule encoding-utf16); transcoded
  utf16be = 3,   ///< FE FF, or NUL before ASCII characters (rule encoding-utf16); transcoded
};

/// "ascii", "utf-8-bom", "utf-16le", "utf-16be".
std::string_view encoding_name(text_encoding e) noexcept;

/// What the validator is told about an input.
struct validate_options {
  /// The dialect the caller expects; nullopt detects it from the header. With a dialect set, a
  /// header of another dialect is reported as header-unknown.
  std::optional<csv::dialect> dialect;
  /// Where the file goes: decides the row limit of rule too-many-rows.
  upload_target target = upload_target::dialect_default;
  /// Rule duplicate-device / duplicate-serial. Merge turns it off because it resolves duplicates
  /// itself (keeping the latest capture rather than the first row).
  bool detect_duplicates = true;
  /// Worker threads for the expensive per-row checks (hash decoding). Findings, their order and
  /// every count are identical to a single-threaded run. 0 is taken as 1.
  unsigned threads = 1;
};

/// One data row as the validator saw it, for later layers (registry, merge, bindings) that consume
/// rows without parsing them again. Every view is valid only during the row callback.
struct row {
  std::uint64_t line = 0;                    ///< 1-based, header = 1
  const csv::layout* layout = nullptr;       ///< the layout the row was read with
  std::span<const std::string_view> fields;  ///< values as in the file (untrimmed), at most 16
  std::size_t field_count = 0;  ///< the true number of fields (may exceed fields.size())
  bool accepted = false;        ///< no finding of severity error on this row
  bool hash_valid = false;      ///< the row has a hash and it decoded without a problem
  /// Decoded from a valid hash (zero otherwise).
  device_identity identity{};
  /// Capture time inside a valid hash.
  std::optional<std::chrono::sys_seconds> capture_time;

  /// The value of a column with surrounding spaces and tabs removed; empty when the layout has no
  /// such column or the row has too few fields.
  std::string_view value(column c) const noexcept;
};

/// Counts for one input.
struct summary {
  std::uint64_t rows = 0;         ///< data rows (header and blank lines excluded)
  std::uint64_t accepted = 0;     ///< rows without an error finding
  std::uint64_t rejected = 0;     ///< rows with at least one error finding
  std::uint64_t blank_lines = 0;  ///< blank lines (ignored)
  std::uint64_t errors = 0;       ///< findings of severity error, file-level ones included
  std::uint64_t warnings = 0;     ///< findings of severity warning
  /// A file-level error (encoding, empty file, header, too many rows) rejects the whole upload.
  bool file_rejected = false;
  /// The layout the rows were read with: the header's, or the nearest one for header-case. Null
  /// when there was no header or it matched nothing well enough to read rows (see validator).
  const csv::layout* layout = nullptr;
  text_encoding encoding = text_encoding::ascii;
};

/// Receives each finding as soon as it is known, in input order: file-level encoding findings
/// first (line 0), then line by line. Within a line: encoding, quote, field count, whitespace (in
/// column order), required values and partner identity, serial shape, group tag, assigned user,
/// the hash and its cross-checks, placeholder serial, template row, then duplicates. too-many-rows
/// comes just before the findings of the first row over the limit; empty-file comes last.
using diagnostic_sink = std::function<void(const diagnostic&)>;
/// Receives each data row after its findings were sent, in input order. Both sinks are always
/// called on the thread that called feed() / finish(), whatever the `threads` option.
using row_sink = std::function<void(const row&)>;

/// Incremental validation: feed the input in chunks of any size (1 byte works), then finish().
/// Findings and counts do not depend on where the chunk boundaries fall.
///
/// Rows after a header that matches no layout are only checked when the header has the column count
/// of its nearest layout (a misspelt column name); otherwise they are counted as rejected without
/// further findings, since their columns cannot be known.
class validator {
 public:
  explicit validator(validate_options options, diagnostic_sink on_diagnostic, row_sink on_row = {});
  ~validator();
  validator(validator&&) noexcept;
  validator& operator=(validator&&) noexcept;
  validator(const validator&) = delete;
  validator& operator=(const validator&) = delete;

  /// Optional, before the first feed: the size of the whole input when it is known, so that the
  /// duplicate tables are sized once for as many devices as it can hold (one per 4000-character
  /// hash; at most 262,144, a gigabyte's worth) instead of growing as rows arrive.
  void expect_size(std::uint64_t total_bytes);

  /// The next bytes of the input. Views passed to the sinks never outlive this call. Feeding a
  /// finished validator is a programming error (std::logic_error).
  void feed(std::string_view chunk);
  /// Ends the input (the last line needs no line end) and returns the counts. Once only
  /// (std::logic_error on a second call).
  summary finish();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Validates a whole buffer (one feed + finish; with threads > 1 the buffer is split into
/// line-aligned blocks).
summary validate_buffer(std::string_view content, const validate_options& options,
                        const diagnostic_sink& on_diagnostic, const row_sink& on_row = {});

/// Validates a file without ever holding it whole: it is read in chunks (256 KiB with one thread,
/// 2 MiB per thread with more), so memory stays flat whatever its size; a pipe works as well as a
/// regular file. errc::io when the file cannot be opened or read.
result<summary> validate_file(const std::filesystem::path& path, const validate_options& options,
                              const diagnostic_sink& on_diagnostic, const row_sink& on_row = {});

/// Counts plus every finding, for callers that want them in one value.
struct report {
  csv::summary summary;
  std::vector<diagnostic> diagnostics;
};

/// validate_buffer, collecting the findings.
report validate_buffer_collect(std::string_view content, const validate_options& options = {});
/// validate_file, collecting the findings.
result<report> validate_file_collect(const std::filesystem::path& path,
                                     const validate_options& options = {});

}  // namespace mmdreg::csv

#endif
