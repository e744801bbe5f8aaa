// Repair and merge (spec 2.2): any mix of files, dialects and encodings in; clean upload files
// out, split at the upload limit, with every input row accounted for.
#ifndef MMDREG_CSV_MERGE_HPP
#define MMDREG_CSV_MERGE_HPP

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmdreg/csv/dialect.hpp"
#include "mmdreg/diagnostics.hpp"
#include "mmdreg/hash/hardware_hash.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::csv {

/// One input of a merge: a file, or text already in memory.
struct merge_source {
  std::string name;            ///< how the report names it (the path for a file)
  std::filesystem::path path;  ///< read from here when `from_file`
  std::string content;         ///< the text when not `from_file`
  bool from_file = false;

  static merge_source file(const std::filesystem::path& p) { return {p.string(), p, {}, true}; }
  static merge_source text(std::string name, std::string content) {
    return {std::move(name), {}, std::move(content), false};
  }
};

/// What to produce.
struct merge_options {
  /// The output dialect. autopilot gets 4 columns when a group tag is involved and 5 when a row
  /// has an assigned user.
  csv::dialect dialect = dialect::autopilot;
  /// Applied to every row (replacing the rows' own tags). Must not be a case slip or an invalid
  /// MMD tag; only dialects with a Group Tag column (autopilot) take one.
  std::optional<std::string> group_tag;
  /// Decides the rows per output file: the dialect's upload limit by default (500 autopilot, 1000
  /// partner-center); `none` writes a single file.
  upload_target target = upload_target::dialect_default;
};

/// A row that goes into an output file.
struct merged_row {
  std::string source;  ///< merge_source::name
  std::uint64_t line = 0;
  std::array<std::string, max_columns> values;  ///< in the output layout's column order
  std::optional<std::chrono::sys_seconds> capture_time;
  bool hash_repaired = false;  ///< the padding repair was applied
};

/// An input row that is in no output file, and why.
struct merge_drop {
  std::string source;
  std::uint64_t line = 0;  ///< 0 when the whole source was unreadable
  mmdreg::rule reason{};   ///< the rule that keeps the row out
  std::string message;
};

/// Two rows with one manufacturer + serial but different device identities. Both stay in the
/// output: which one is right is for a person to decide.
struct merge_conflict {
  std::string manufacturer, serial;
  std::string first_source;
  std::uint64_t first_line = 0;
  std::string second_source;
  std::uint64_t second_line = 0;
};

/// The outcome of a merge, before anything is written.
struct merge_result {
  const csv::layout* layout = nullptr;         ///< the output layout
  std::vector<std::vector<merged_row>> files;  ///< one vector per output file, in order
  std::vector<merge_drop> dropped;             ///< in input order
  std::vector<merge_conflict> conflicts;
  std::uint64_t rows_in = 0;   ///< data rows read, over all sources
  std::uint64_t repaired = 0;  ///< hashes repaired by the padding repair
  /// Findings that concern whole sources (encoding, header), kept for the report.
  std::vector<std::pair<std::string, diagnostic>> source_findings;

  /// Rows in output files.
  std::uint64_t rows_out() const noexcept;
};

/// Reads every source (trimming values, dropping blank lines, keeping leading zeros), repairs what
/// can be repaired losslessly (whitespace, hash padding, the group tag when one is applied),
/// removes duplicate devices keeping the latest capture, reports conflicts, and splits the rest at
/// the row limit. Every data row ends in exactly one output file or in `dropped`. Rows without a
/// hash (partner tuples, product ids) have no device identity: they are kept as they are, neither
/// deduplicated nor checked for conflicts. Input rows are validated with every rule of the
/// validator; a row with an error that cannot be repaired is dropped with that rule and message.
/// errc::invalid_argument for a group tag that is refused or an output dialect without a tag
/// column given a tag.
result<merge_result> merge(std::span<const merge_source> sources,
                           const merge_options& options = {});

/// Writes the output files as "<stem>-001.csv", "<stem>-002.csv", ... into `directory`, created
/// with its parents when missing (each file via writer, so nothing partial is left behind on
/// failure) and returns their paths. errc::io names the file or directory that could not be made.
result<std::vector<std::filesystem::path>> write_merge(const merge_result& merged,
                                                       const std::filesystem::path& directory,
                                                       std::string_view stem = "devices");

}  // namespace mmdreg::csv

#endif
