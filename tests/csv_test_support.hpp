// Helpers shared by the CSV test suites: run the validator and look at what it found.
#ifndef MMDREG_TESTS_CSV_TEST_SUPPORT_HPP
#define MMDREG_TESTS_CSV_TEST_SUPPORT_HPP

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "mmdreg/csv/validator.hpp"

namespace mmdreg::testing {

/// Everything observable about one validation run, comparable as a whole.
struct csv_run {
  csv::summary summary;
  std::vector<diagnostic> diagnostics;
  std::vector<std::tuple<std::uint64_t, bool, std::size_t>> rows;  // line, accepted, field count

  bool has(rule r, std::uint64_t line) const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [&](const diagnostic& d) { return d.rule == r && d.line == line; });
  }
  bool has(rule r) const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [&](const diagnostic& d) { return d.rule == r; });
  }
  std::size_t count(rule r) const {
    return static_cast<std::size_t>(std::count_if(
        diagnostics.begin(), diagnostics.end(), [&](const diagnostic& d) { return d.rule == r; }));
  }
  const diagnostic* first(rule r) const {
    for (const auto& d : diagnostics)
      if (d.rule == r) return &d;
    return nullptr;
  }
  /// "rule@line:column" for every finding, in order: a compact form for whole-run comparisons.
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& d : diagnostics)
      out.push_back(std::string(rule_id(d.rule)) + "@" + std::to_string(d.line) + ":" + d.column +
                    ":" + d.message);
    return out;
  }
};

inline csv_run run_validator(std::string_view content, csv::validate_options options = {},
                             std::size_t chunk = 0) {
  csv_run out;
  csv::validator v(
      options, [&](const diagnostic& d) { out.diagnostics.push_back(d); },
      [&](const csv::row& r) { out.rows.emplace_back(r.line, r.accepted, r.field_count); });
  if (chunk == 0) {
    v.feed(content);
  } else {
    for (std::size_t i = 0; i < content.size(); i += chunk)
      v.feed(content.substr(i, chunk));
  }
  out.summary = v.finish();
  return out;
}

/// The same text as UTF-16 (each byte is one code unit: the inputs are ASCII), with or without BOM.
inline std::string to_utf16(std::string_view ascii, bool little_endian, bool bom) {
  std::string out;
  if (bom) out += little_endian ? std::string("\xFF\xFE", 2) : std::string("\xFE\xFF", 2);
  for (char c : ascii) {
    if (little_endian) {
      out += c;
      out += '\0';
    } else {
      out += '\0';
      out += c;
    }
  }
  return out;
}

}  // namespace mmdreg::testing

#endif
