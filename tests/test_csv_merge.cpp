#define BOOST_TEST_MODULE csv_merge
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <set>

#include "csv_hashes.hpp"
#include "csv_test_support.hpp"
#include "mmdreg/csv/merge.hpp"
#include "mmdreg/csv/writer.hpp"
#include "support.hpp"

using namespace mmdreg;
using namespace mmdreg::csv;
using mmdreg::testing::device_hash;
using mmdreg::testing::run_validator;

namespace {

const std::string kAutopilot3 = "Device Serial Number,Windows Product ID,Hardware Hash\r\n";
const std::string kAutopilot4 =
    "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\n";
const std::string kSelf = "Manufacturer,Model,Serial Number,Hardware Hash\r\n";
const std::string kTuple = "Manufacturer,Model,Serial Number\r\n";

// A fresh, empty directory under the temp directory.
std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("mmdreg_test_csv_merge_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::size_t files_in(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

// n distinct devices as autopilot rows, serials keeping leading zeros.
std::string devices(int n, int first = 1) {
  std::string out;
  for (int i = first; i < first + n; ++i) {
    char serial[16];
    std::snprintf(serial, sizeof serial, "%08d", i);
    out += std::string(serial) + ",," +
           device_hash(serial, "Dell Inc.", "X", static_cast<std::uint8_t>(i % 251), i) + "\r\n";
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(writer_suite)

BOOST_AUTO_TEST_CASE(format_row_writes_ascii_crlf_without_quotes) {
  const std::array<std::string_view, 3> values{"Dell Inc.", "Latitude 5530", "0042"};
  const auto row = format_row(layout_of(dialect::mmd_partner), values);
  BOOST_TEST_REQUIRE(row.ok());
  BOOST_TEST(*row == "Dell Inc.,Latitude 5530,0042\r\n");
}

BOOST_AUTO_TEST_CASE(values_that_break_the_format_are_refused) {
  const auto& l = layout_of(dialect::mmd_partner);
  for (const std::string bad :
       {"Dell, Inc.", "Dell \"Inc\"", "Dell\r\nInc", "Dell\nInc", "Dell Inc\xC3\xA9", "Dell\x01"}) {
    const std::array<std::string_view, 3> values{bad, "M", "S"};
    const auto row = format_row(l, values);
    BOOST_TEST(!row.ok(), bad);
    BOOST_TEST((row.err().code == errc::invalid_argument));
    BOOST_TEST(row.err().message.find("Manufacturer") != std::string::npos);
  }
  const std::array<std::string_view, 2> short_row{"Dell", "M"};
  BOOST_TEST(!format_row(l, short_row).ok());
}

BOOST_AUTO_TEST_CASE(writer_commits_by_rename_and_leaves_nothing_on_failure) {
  const auto dir = scratch("writer");
  const auto path = dir / "out.csv";
  {
    auto w = writer::create(path, layout_of(dialect::mmd_partner));
    BOOST_TEST_REQUIRE(w.ok());
    const std::array<std::string_view, 3> good{"Dell Inc.", "X", "007"};
    const std::array<std::string_view, 3> bad{"Dell, Inc.", "X", "008"};
    BOOST_TEST(w->write_row(good).ok());
    BOOST_TEST(!w->write_row(bad).ok());
    BOOST_TEST(w->rows_written() == 1U);
    BOOST_TEST(!std::filesystem::exists(path), "nothing under the final name before commit");
    BOOST_TEST(w->commit().ok());
  }
  BOOST_TEST(testing::read_file(path) == "Manufacturer,Model,Serial Number\r\nDell Inc.,X,007\r\n");
  const auto reread = run_validator(testing::read_file(path));
  BOOST_TEST(reread.diagnostics.empty());
  {
    auto w = writer::create(dir / "abandoned.csv", layout_of(dialect::mmd_partner));
    BOOST_TEST_REQUIRE(w.ok());
  }
  BOOST_TEST(files_in(dir) == 1U, "an abandoned writer removes its partial file");
  const auto nowhere = writer::create(dir / "missing" / "x.csv", layout_of(dialect::mmd_partner));
  BOOST_TEST(!nowhere.ok());
  BOOST_TEST((nowhere.err().code == errc::io));
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(merge_suite)

BOOST_AUTO_TEST_CASE(the_same_device_captured_twice_keeps_the_latest) {
  const auto older = device_hash("0001", "Dell Inc.", "X", 9, 0);
  const auto newer = device_hash("0001", "Dell Inc.", "X", 9, 48);
  const std::vector<merge_source> sources{
      merge_source::text("new.csv", kAutopilot3 + "0001,," + newer + "\r\n"),
      merge_source::text("old.csv", kAutopilot3 + "0001,," + older + "\r\n")};
  auto merged = merge(sources);
  BOOST_TEST_REQUIRE(merged.ok());
  BOOST_TEST(merged->rows_in == 2U);
  BOOST_TEST_REQUIRE(merged->rows_out() == 1U);
  BOOST_TEST(merged->files[0][0].values[2] == newer);
  BOOST_TEST(merged->files[0][0].source == "new.csv");
  BOOST_TEST_REQUIRE(merged->dropped.size() == 1U);
  BOOST_TEST(merged->dropped[0].source == "old.csv");
  BOOST_TEST((merged->dropped[0].reason == rule::duplicate_device));
  // And in the other order the later capture replaces the earlier row.
  const std::vector<merge_source> reversed{sources[1], sources[0]};
  merged = merge(reversed);
  BOOST_TEST_REQUIRE(merged->rows_out() == 1U);
  BOOST_TEST(merged->files[0][0].values[2] == newer);
  BOOST_TEST(merged->dropped[0].source == "old.csv");
}

BOOST_AUTO_TEST_CASE(a_conflict_is_reported_and_both_rows_kept) {
  const std::vector<merge_source> sources{merge_source::text(
      "a.csv", kAutopilot3 + "SAME,," + device_hash("SAME", "HP", "X", 1) + "\r\n" + "SAME,," +
                   device_hash("SAME", "HP", "X", 2) + "\r\n")};
  const auto merged = merge(sources);
  BOOST_TEST_REQUIRE(merged.ok());
  BOOST_TEST(merged->rows_out() == 2U);
  BOOST_TEST_REQUIRE(merged->conflicts.size() == 1U);
  BOOST_TEST(merged->conflicts[0].serial == "SAME");
  BOOST_TEST(merged->conflicts[0].manufacturer == "HP");
  BOOST_TEST(merged->conflicts[0].first_line == 2U);
  BOOST_TEST(merged->conflicts[0].second_line == 3U);
}

BOOST_AUTO_TEST_CASE(rows_split_at_the_upload_limit) {
  const std::vector<merge_source> sources{
      merge_source::text("big.csv", kAutopilot3 + devices(1001))};
  auto merged = merge(sources);
  BOOST_TEST_REQUIRE(merged.ok());
  BOOST_TEST_REQUIRE(merged->files.size() == 3U);
  BOOST_TEST(merged->files[0].size() == 500U);
  BOOST_TEST(merged->files[1].size() == 500U);
  BOOST_TEST(merged->files[2].size() == 1U);
  BOOST_TEST(merged->files[0][0].values[0] == "00000001", "leading zeros kept");

  merged = merge(sources, {.dialect = dialect::partner_center});
  BOOST_TEST_REQUIRE(merged->files.size() == 2U);
  BOOST_TEST(merged->files[0].size() == 1000U);
  BOOST_TEST(merged->files[1].size() == 1U);
  BOOST_TEST(merged->layout == &layout_of(dialect::partner_center));

  const auto dir = scratch("split");
  const auto written = write_merge(*merged, dir, "pc");
  BOOST_TEST_REQUIRE(written.ok());
  BOOST_TEST_REQUIRE(written->size() == 2U);
  BOOST_TEST((written->at(0).filename() == "pc-001.csv"));
  const auto first = run_validator(testing::read_file(written->at(0)));
  BOOST_TEST(first.diagnostics.empty(),
             (first.diagnostics.empty() ? "" : first.diagnostics[0].message));
  BOOST_TEST(first.summary.accepted == 1000U);
  BOOST_TEST(first.summary.layout == &layout_of(dialect::partner_center));
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(group_tag_is_applied_or_refused) {
  const std::vector<merge_source> sources{merge_source::text(
      "t.csv", kAutopilot4 + "S1,," + device_hash("S1") + ",microsoft365managed_standard\r\n")};
  auto merged = merge(sources);
  BOOST_TEST_REQUIRE(merged.ok());
  BOOST_TEST(merged->rows_out() == 0U, "a case-slipped tag is an error without a tag to apply");
  BOOST_TEST((merged->dropped.at(0).reason == rule::group_tag_case));
  merged = merge(sources, {.group_tag = "Microsoft365Managed_Kiosk-Shared"});
  BOOST_TEST_REQUIRE(merged.ok());
  BOOST_TEST_REQUIRE(merged->rows_out() == 1U);
  BOOST_TEST(merged->layout == &layout_of(dialect::autopilot, 4));
  BOOST_TEST(merged->files[0][0].values[3] == "Microsoft365Managed_Kiosk-Shared");
  for (const std::string bad :
       {"microsoft365managed_kiosk", "Microsoft365Managed_PowerUser-Shared", ""}) {
    const auto refused = merge(sources, {.group_tag = bad});
    BOOST_TEST(!refused.ok(), bad);
    BOOST_TEST((refused.err().code == errc::invalid_argument));
  }
  BOOST_TEST(!merge(sources, {.dialect = dialect::partner_center,
                              .group_tag = "Microsoft365Managed_Standard"})
                  .ok());
}

BOOST_AUTO_TEST_CASE(padding_repair_and_whitespace_trim) {
  const auto valid = device_hash("S1");
  BOOST_TEST_REQUIRE(valid.substr(valid.size() - 8) == "AAAAAAAA");
  const auto stripped = valid.substr(0, valid.size() - 2);  // what some tools leave
  const std::vector<merge_source> sources{
      merge_source::text("r.csv", kAutopilot3 + " S1 ,," + stripped + "\r\n\r\n")};
  const auto merged = merge(sources);
  BOOST_TEST_REQUIRE(merged.ok());
  BOOST_TEST_REQUIRE(merged->rows_out() == 1U);
  BOOST_TEST(merged->repaired == 1U);
  BOOST_TEST(merged->files[0][0].hash_repaired);
  BOOST_TEST(merged->files[0][0].values[0] == "S1");
  BOOST_TEST(merged->files[0][0].values[2] == valid);
  BOOST_TEST(merged->dropped.empty(), "a blank line is no row");
}

BOOST_AUTO_TEST_CASE(nothing_is_lost_on_a_mixed_input) {
  // Dialects, encodings and defects mixed: every data row ends in an output file or the report.
  std::string ap = kAutopilot3 + devices(30);
  ap += "BROKEN,," + device_hash("BROKEN").substr(0, 400) + "\r\n";  // cut inside the records
  ap += "QUOTE,,\"" + device_hash("QUOTE") + "\"\r\n";               // quotes
  ap += "EXTRA,," + device_hash("EXTRA") + ",x\r\n";                 // field count
  ap += "1.65208E+11,," + device_hash("1.65208E+11") + "\r\n";       // Excel
  ap += "\r\n";
  const std::string self = kSelf + "Dell Inc.,X,00000003," +
                           device_hash("00000003", "Dell Inc.", "X", 3, 100) + "\r\n" +
                           "HP,Y,HPSER1," + device_hash("HPSER1", "HP", "Y", 77) + "\r\n" +
                           "HP,Y,HPSER2,\r\n";             // no hash: required for mmd-self
  const std::string tuple = kTuple + "Lenovo,T14,L1\r\n";  // no hash at all
  const std::string utf16 = testing::to_utf16(kAutopilot3 + devices(5, 100), true, true);
  const std::vector<merge_source> sources{
      merge_source::text("ap.csv", ap), merge_source::text("self.csv", self),
      merge_source::text("tuple.csv", tuple), merge_source::text("utf16.csv", utf16)};
  const auto merged = merge(sources);
  BOOST_TEST_REQUIRE(merged.ok());
  const std::uint64_t rows_in = 34 + 3 + 1 + 5;
  BOOST_TEST(merged->rows_in == rows_in);
  BOOST_TEST(merged->rows_out() + merged->dropped.size() == merged->rows_in);

  std::set<std::pair<std::string, std::uint64_t>> seen;
  for (const auto& f : merged->files)
    for (const auto& r : f)
      BOOST_TEST(seen.emplace(r.source, r.line).second);
  for (const auto& d : merged->dropped)
    BOOST_TEST(seen.emplace(d.source, d.line).second);
  BOOST_TEST(seen.size() == rows_in, "each row exactly once");

  std::map<rule, int> reasons;
  for (const auto& d : merged->dropped)
    ++reasons[d.reason];
  BOOST_TEST(reasons[rule::hash_length] == 1);
  BOOST_TEST(reasons[rule::quote] == 1);
  BOOST_TEST(reasons[rule::field_count] == 1);
  BOOST_TEST(reasons[rule::serial_excel_mangled] == 1);
  BOOST_TEST(reasons[rule::duplicate_device] == 1, "00000003 from ap.csv, superseded by self.csv");
  BOOST_TEST(reasons[rule::required_missing] == 2, "HPSER2 without hash; the tuple row");
  BOOST_TEST(merged->rows_out() == 30U + 2U + 5U - 1U);
  bool utf16_reported = false;
  for (const auto& [name, d] : merged->source_findings)
    utf16_reported |= name == "utf16.csv" && d.rule == rule::encoding_utf16;
  BOOST_TEST(utf16_reported);

  const auto dir = scratch("mixed");
  // The output directory and its parent do not exist yet: write_merge makes them.
  const auto written = write_merge(*merged, dir / "out" / "clean");
  BOOST_TEST_REQUIRE(written.ok());
  BOOST_TEST(written->size() == merged->files.size());
  // A path under a regular file cannot become a directory: a clear error, nothing written.
  std::ofstream(dir / "a-file") << "x";
  const auto blocked = write_merge(*merged, dir / "a-file" / "out");
  BOOST_TEST_REQUIRE(!blocked.ok());
  BOOST_TEST((blocked.err().code == mmdreg::errc::io));
  BOOST_TEST(blocked.err().message.find("output directory") != std::string::npos,
             blocked.err().message);
  for (const auto& p : *written) {
    const auto text = testing::read_file(p);
    BOOST_TEST(text.find('"') == std::string::npos);
    const auto run = run_validator(text);
    BOOST_TEST(run.diagnostics.empty(), p);
  }
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(real_samples_merge,
                     *boost::unit_test::precondition(testing::shared_dir_present{})) {
  std::vector<merge_source> sources;
  for (const auto& entry :
       std::filesystem::directory_iterator(*testing::shared_dir() / "hwhash-samples"))
    if (entry.path().extension() == ".csv") sources.push_back(merge_source::file(entry.path()));
  const auto merged = merge(sources, {.group_tag = "Microsoft365Managed_Standard"});
  BOOST_TEST_REQUIRE(merged.ok());
  BOOST_TEST(merged->rows_in == 9U);
  BOOST_TEST(merged->rows_out() + merged->dropped.size() == 9U);
  // The two QEMU captures have no serial and the truncated sample is beyond repair.
  BOOST_TEST(merged->rows_out() == 6U);
  const auto missing = merge(std::vector<merge_source>{merge_source::file("/nonexistent/x.csv")});
  BOOST_TEST(!missing.ok());
  BOOST_TEST((missing.err().code == errc::io));
}

BOOST_AUTO_TEST_SUITE_END()
