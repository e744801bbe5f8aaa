// Reads the Markdown tables of ../shared/spec/registration.md so that tests check the library
// against the spec itself rather than against a copy of it.
#ifndef MMDREG_TESTS_SPEC_TABLES_HPP
#define MMDREG_TESTS_SPEC_TABLES_HPP

#include <string>
#include <string_view>
#include <vector>

#include "support.hpp"

namespace mmdreg::testing {

using table = std::vector<std::vector<std::string>>;

inline std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

/// The text between the first pair of backticks in a cell, or the trimmed cell when it has none.
inline std::string code(std::string_view cell) {
  const auto open = cell.find('`');
  if (open == std::string_view::npos) return trim(cell);
  const auto close = cell.find('`', open + 1);
  return std::string(cell.substr(open + 1, close - open - 1));
}

/// Every `code` span of a cell, in order.
inline std::vector<std::string> codes(std::string_view cell) {
  std::vector<std::string> out;
  for (auto open = cell.find('`'); open != std::string_view::npos; open = cell.find('`', open)) {
    const auto close = cell.find('`', open + 1);
    if (close == std::string_view::npos) break;
    out.emplace_back(cell.substr(open + 1, close - open - 1));
    open = close + 1;
  }
  return out;
}

/// The data rows of the first table whose header row starts with `first_header` (trimmed cells).
inline table spec_table(std::string_view first_header) {
  const auto dir = shared_dir();
  BOOST_TEST_REQUIRE(dir.has_value());
  const std::string text = read_file(*dir / "spec" / "registration.md");
  table rows;
  bool in_table = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (!line.starts_with("|")) {
      if (in_table) break;
      continue;
    }
    std::vector<std::string> cells;
    std::size_t start = 1;
    // Cells are split on '|' outside backticks so that code spans may contain '|'.
    bool in_code = false;
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '`') in_code = !in_code;
      if (line[i] == '|' && !in_code) {
        cells.push_back(trim(line.substr(start, i - start)));
        start = i + 1;
      }
    }
    if (!in_table) {
      if (!cells.empty() && cells[0] == first_header) in_table = true;
      continue;
    }
    if (!cells.empty() && cells[0].starts_with("---")) continue;
    rows.push_back(std::move(cells));
  }
  BOOST_TEST_REQUIRE(!rows.empty(), "no table headed '" << first_header << "' in the spec");
  return rows;
}

}  // namespace mmdreg::testing

#endif
