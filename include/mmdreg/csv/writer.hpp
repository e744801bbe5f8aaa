// Writing upload files the service accepts: the exact header of a layout, ASCII only, CRLF line
// ends, no quotes. A value that would break the format is refused, never written.
#ifndef MMDREG_CSV_WRITER_HPP
#define MMDREG_CSV_WRITER_HPP

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "mmdreg/csv/dialect.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::csv {

/// Whether a value can be written as it is: printable ASCII (0x20-0x7E) without comma or quote.
/// The error (errc::invalid_argument) names the column, the value and the offending character.
status check_writable(std::string_view value, std::string_view column_name);

/// One row as text: the values joined by commas, ending in CRLF. Refuses a row whose value count
/// differs from the layout's column count, or with a value check_writable refuses.
result<std::string> format_row(const layout& l, std::span<const std::string_view> values);

/// Writes one upload file. Everything goes to "<path>.partial" first and is renamed to `path` by
/// commit(), so a failure never leaves a partial file under the final name; a writer destroyed
/// without commit() removes its partial file.
class writer {
 public:
  /// Opens the partial file and writes the header. errc::io when it cannot be created.
  static result<writer> create(const std::filesystem::path& path, const layout& l);

  writer(writer&&) noexcept;
  writer& operator=(writer&&) noexcept;
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;
  ~writer();

  /// Appends a row. A refused row (see format_row) writes nothing and leaves the writer usable;
  /// errc::io after a write failure, after which only destruction remains.
  status write_row(std::span<const std::string_view> values);
  /// Flushes, closes and renames the file into place. errc::io on failure (nothing is left).
  status commit();
  /// Data rows written so far.
  std::size_t rows_written() const noexcept;
  const csv::layout& layout() const noexcept;

 private:
  struct state;
  explicit writer(std::unique_ptr<state> s);
  std::unique_ptr<state> state_;
};

}  // namespace mmdreg::csv

#endif
