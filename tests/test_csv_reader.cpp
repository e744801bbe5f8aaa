#define BOOST_TEST_MODULE csv_reader
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <random>
#include <thread>

#include "csv/digest_table.hpp"
#include "csv/scan.hpp"
#include "csv_test_support.hpp"
#include "mmdreg/csv/dialect.hpp"
#include "support.hpp"

using namespace mmdreg;
using namespace mmdreg::csv;
using mmdreg::testing::run_validator;

namespace {

const std::string kPartnerHeader = "Manufacturer,Model,Serial Number\r\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(dialects)

BOOST_AUTO_TEST_CASE(every_layout_has_its_exact_header) {
  BOOST_TEST(layout_of(dialect::autopilot).header() ==
             "Device Serial Number,Windows Product ID,Hardware Hash");
  BOOST_TEST(layout_of(dialect::autopilot, 4).header() ==
             "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag");
  BOOST_TEST(layout_of(dialect::autopilot, 5).header() ==
             "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User");
  BOOST_TEST(
      layout_of(dialect::partner_center).header() ==
      "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model");
  BOOST_TEST(layout_of(dialect::mmd_self).header() ==
             "Manufacturer,Model,Serial Number,Hardware Hash");
  BOOST_TEST(layout_of(dialect::mmd_partner).header() == "Manufacturer,Model,Serial Number");
  BOOST_TEST(all_layouts().size() == 6U);
  for (const auto& l : all_layouts()) {
    const auto m = match_header(l.header());
    BOOST_TEST((m.outcome == header_match::kind::exact));
    BOOST_TEST(m.layout == &l);
  }
}

BOOST_AUTO_TEST_CASE(ids_limits_and_targets) {
  for (auto d :
       {dialect::autopilot, dialect::partner_center, dialect::mmd_self, dialect::mmd_partner})
    BOOST_TEST((parse_dialect_id(dialect_id(d)) == d));
  BOOST_TEST(dialect_id(dialect::partner_center) == "partner-center");
  BOOST_TEST(!parse_dialect_id("Autopilot").has_value());
  BOOST_TEST(upload_limit(dialect::autopilot).value() == 500U);
  BOOST_TEST(upload_limit(dialect::partner_center).value() == 1000U);
  BOOST_TEST(!upload_limit(dialect::mmd_self).has_value());
  BOOST_TEST(row_limit(upload_target::intune, dialect::mmd_partner).value() == 500U);
  BOOST_TEST(row_limit(upload_target::partner_center, dialect::autopilot).value() == 1000U);
  BOOST_TEST(!row_limit(upload_target::none, dialect::autopilot).has_value());
}

BOOST_AUTO_TEST_CASE(header_case_names_the_dialect_and_the_column) {
  const auto m = match_header("Device Serial Number,Windows Product Id,Hardware Hash");
  BOOST_TEST((m.outcome == header_match::kind::case_only));
  BOOST_TEST(m.layout == &layout_of(dialect::autopilot));
  BOOST_TEST(m.difference.find("\"Windows Product Id\"") != std::string::npos);
  BOOST_TEST(m.difference.find("\"Windows Product ID\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(header_unknown_names_the_nearest_dialect) {
  auto m = match_header("Manufacturer,Model,Serial,Hardware Hash");
  BOOST_TEST((m.outcome == header_match::kind::unknown));
  BOOST_TEST(m.layout == &layout_of(dialect::mmd_self));
  BOOST_TEST(m.difference.find("column 3 is \"Serial\", expected \"Serial Number\"") !=
             std::string::npos);
  m = match_header(
      "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User,X");
  BOOST_TEST(m.layout == &layout_of(dialect::autopilot, 5));
  BOOST_TEST(m.difference.find("first extra column \"X\"") != std::string::npos);
  // A header of another dialect is unknown when the caller expects a dialect.
  m = match_header(layout_of(dialect::mmd_self).header(), dialect::autopilot);
  BOOST_TEST((m.outcome == header_match::kind::unknown));
  BOOST_TEST((m.layout->dialect == dialect::autopilot));
}

BOOST_AUTO_TEST_CASE(validator_detects_the_dialect_and_honours_the_callers) {
  const auto text = kPartnerHeader + "Dell Inc.,Latitude 5530,ABC123\r\n";
  auto run = run_validator(text);
  BOOST_TEST(run.diagnostics.empty());
  BOOST_TEST(run.summary.layout == &layout_of(dialect::mmd_partner));
  BOOST_TEST(run.summary.accepted == 1U);
  run = run_validator(text, {.dialect = dialect::partner_center});
  BOOST_TEST(run.has(rule::header_unknown, 1));
  BOOST_TEST(run.summary.file_rejected);
  const auto d = run.first(rule::header_unknown);
  BOOST_TEST(d->message.find("partner-center") != std::string::npos);
  BOOST_TEST(d->fix.find(layout_of(dialect::partner_center).header()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rows_after_a_misspelt_header_are_still_checked) {
  auto run = run_validator("Manufacturer,Model,Serial\r\nDell Inc.,Latitude,\r\n");
  BOOST_TEST(run.has(rule::header_unknown, 1));
  BOOST_TEST(run.has(rule::required_missing, 2));
  // With another column count the columns cannot be known: rows are rejected without findings.
  run = run_validator("Foo\r\nbar\r\n");
  BOOST_TEST(run.diagnostics.size() == 1U);
  BOOST_TEST(run.summary.rejected == 1U);
  BOOST_TEST(run.summary.layout == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(encodings)

const std::string kText =
    kPartnerHeader + "Dell Inc.,Latitude 5530,ABC123\r\nHP,EliteBook,XYZ9\r\n";

BOOST_AUTO_TEST_CASE(plain_ascii_has_no_encoding_finding) {
  const auto run = run_validator(kText);
  BOOST_TEST(run.diagnostics.empty());
  BOOST_TEST((run.summary.encoding == text_encoding::ascii));
  BOOST_TEST(run.summary.accepted == 2U);
}

BOOST_AUTO_TEST_CASE(utf16_in_every_variant_is_reported_once_and_read_correctly) {
  for (bool le : {true, false}) {
    for (bool bom : {true, false}) {
      BOOST_TEST_CONTEXT("little endian " << le << ", bom " << bom) {
        const auto input = testing::to_utf16(kText, le, bom);
        for (std::size_t chunk : {0, 1, 3, 7}) {
          const auto run = run_validator(input, {}, chunk);
          BOOST_TEST(run.count(rule::encoding_utf16) == 1U);
          BOOST_TEST(run.diagnostics.size() == 1U, "no garbage findings after transcoding");
          BOOST_TEST(run.first(rule::encoding_utf16)->line == 0U);
          BOOST_TEST(
              (run.summary.encoding == (le ? text_encoding::utf16le : text_encoding::utf16be)));
          BOOST_TEST(run.summary.rows == 2U);
          BOOST_TEST(run.summary.accepted == 2U);
          BOOST_TEST(run.summary.file_rejected);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(utf16_non_ascii_characters_become_unicode_findings_on_their_line) {
  // "HP,EliteBook,XYZ\u00e9" and a surrogate pair (U+1F600) on line 3.
  std::string input = testing::to_utf16(kPartnerHeader + "Dell Inc.,Latitude,ABC", true, true);
  input += std::string("\xE9\x00", 2);
  input += testing::to_utf16("\r\nHP,EliteBook,X", true, false);
  input += std::string("\x3D\xD8\x00\xDE", 4);
  input += testing::to_utf16("\r\n", true, false);
  for (std::size_t chunk : {0, 1, 2, 5}) {
    const auto run = run_validator(input, {}, chunk);
    BOOST_TEST(run.count(rule::encoding_utf16) == 1U);
    BOOST_TEST(run.has(rule::encoding_unicode, 2));
    BOOST_TEST(run.first(rule::encoding_unicode)->column == "Serial Number");
    BOOST_TEST(run.first(rule::encoding_unicode)->message.find("ABC\xC3\xA9") != std::string::npos);
    BOOST_TEST(run.has(rule::encoding_unicode, 3));
    BOOST_TEST(run.summary.rejected == 2U);
  }
}

BOOST_AUTO_TEST_CASE(utf16_appended_to_an_8bit_file_is_reported_on_its_lines) {
  const auto input = kText + testing::to_utf16("HP,EliteBook,APPENDED\r\n", true, true);
  const auto run = run_validator(input);
  BOOST_TEST((run.summary.encoding == text_encoding::ascii));
  // The UTF-16 line end CR NUL LF NUL leaves a NUL at the start of the next line: two lines.
  BOOST_TEST(run.count(rule::encoding_utf16) == 2U);
  BOOST_TEST(run.has(rule::encoding_utf16, 4));
  BOOST_TEST(run.has(rule::encoding_utf16, 5));
  BOOST_TEST(run.diagnostics.size() == 2U, "no noise from the NUL-riddled values");
  BOOST_TEST(run.summary.accepted == 2U);
  BOOST_TEST(run.summary.rejected == 2U);
}

BOOST_AUTO_TEST_CASE(utf8_bom_is_reported_and_skipped) {
  const auto run = run_validator("\xEF\xBB\xBF" + kText);
  BOOST_TEST(run.count(rule::encoding_utf8_bom) == 1U);
  BOOST_TEST(run.diagnostics.size() == 1U, "the BOM does not spoil the header");
  BOOST_TEST((run.summary.encoding == text_encoding::utf8_bom));
  BOOST_TEST(run.summary.accepted == 2U);
}

BOOST_AUTO_TEST_CASE(utf8_multibyte_is_unicode_and_other_high_bytes_are_non_ascii) {
  auto run = run_validator(kPartnerHeader + "Dell Inc.,Latitude \xC3\xA9,ABC\r\n");
  BOOST_TEST(run.has(rule::encoding_unicode, 2));
  BOOST_TEST(run.first(rule::encoding_unicode)->column == "Model");
  BOOST_TEST(run.summary.rejected == 1U);
  BOOST_TEST(!run.has(rule::encoding_non_ascii));
  run = run_validator(kPartnerHeader + "Dell Inc.,Latitude \xE9,ABC\r\n");  // Latin-1 e-acute
  BOOST_TEST(run.has(rule::encoding_non_ascii, 2));
  BOOST_TEST(run.first(rule::encoding_non_ascii)->message.find("0xE9") != std::string::npos);
  BOOST_TEST(!run.has(rule::encoding_unicode));
  BOOST_TEST(run.summary.accepted == 1U, "a warning does not reject");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(streaming)

// Every line shape the reader has to get right: LF and CRLF, blank lines, a last line without end,
// a quote, extra fields, whitespace, high bytes.
const std::string kMixed =
    "Manufacturer,Model,Serial Number\n"
    "Dell Inc.,Latitude 5530,ABC123\r\n"
    "\r\n"
    "HP,Elite\"Book,XYZ\n"
    "HP,EliteBook,1.65208E+11,extra\r\n"
    " Lenovo ,T14s,   \n"
    "Lenovo,T\xC3\xA9,S1\n"
    "SpiralOrbit,ContosoABC,000000000000\r\n"
    "\n"
    "Microsoft Corporation,Surface,Default string";

BOOST_AUTO_TEST_CASE(every_chunk_size_gives_the_same_findings) {
  const auto whole = run_validator(kMixed);
  BOOST_TEST(whole.summary.rows == 7U);
  BOOST_TEST(whole.summary.blank_lines == 2U);
  BOOST_TEST(whole.diagnostics.size() >= 9U);
  for (std::size_t chunk = 1; chunk <= kMixed.size(); ++chunk) {
    BOOST_TEST_CONTEXT("chunk " << chunk) {
      const auto run = run_validator(kMixed, {}, chunk);
      BOOST_TEST(run.keys() == whole.keys(), boost::test_tools::per_element());
      BOOST_TEST((run.rows == whole.rows));
      BOOST_TEST(run.summary.errors == whole.summary.errors);
      BOOST_TEST(run.summary.warnings == whole.summary.warnings);
    }
  }
}

BOOST_AUTO_TEST_CASE(threads_give_identical_results) {
  std::string big = "Manufacturer,Model,Serial Number\r\n";
  for (int i = 0; i < 20000; ++i) {
    big += "Maker" + std::to_string(i % 7) + ",Model,S" + std::to_string(i);
    if (i % 13 == 0) big += ",extra";
    if (i % 17 == 0) big += " ";
    big += (i % 3 == 0) ? "\n" : "\r\n";
    if (i % 101 == 0) big += "\n";
  }
  const auto one = run_validator(big);
  BOOST_TEST(one.summary.rows == 20000U);
  for (unsigned threads : {2U, 3U, 8U}) {
    for (std::size_t chunk : {std::size_t{0}, std::size_t{4093}}) {
      const auto run = run_validator(big, {.threads = threads}, chunk);
      BOOST_TEST(run.keys() == one.keys());
      BOOST_TEST((run.rows == one.rows));
      BOOST_TEST(run.summary.accepted == one.summary.accepted);
      BOOST_TEST(run.summary.errors == one.summary.errors);
    }
  }
}

BOOST_AUTO_TEST_CASE(file_and_buffer_agree_and_a_missing_file_is_an_io_error) {
  const auto path = std::filesystem::temp_directory_path() / "mmdreg_test_csv_reader.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << kMixed;
  }
  for (unsigned threads : {1U, 2U}) {
    const auto file = validate_file_collect(path, {.threads = threads});
    BOOST_TEST_REQUIRE(file.ok());
    const auto buffer = validate_buffer_collect(kMixed);
    BOOST_TEST(file->diagnostics.size() == buffer.diagnostics.size());
    BOOST_TEST(file->summary.rows == buffer.summary.rows);
  }
  // Larger than several mapped windows (4 MiB per thread): lines cross window boundaries.
  std::string big = "Manufacturer,Model,Serial Number\n";
  for (int i = 0; big.size() < (std::size_t{17} << 20); ++i)
    big += "Maker,Model " + std::string(static_cast<std::size_t>(i % 97), 'x') + ",S" +
           std::to_string(i) + (i % 1000 == 0 ? ",extra\r\n" : "\r\n");
  {
    std::ofstream out(path, std::ios::binary);
    out << big;
  }
  const auto buffer = validate_buffer_collect(big);
  BOOST_TEST(buffer.summary.rejected > 0U);
  for (unsigned threads : {1U, 2U}) {
    const auto file = validate_file_collect(path, {.threads = threads});
    BOOST_TEST_REQUIRE(file.ok());
    BOOST_TEST(file->summary.rows == buffer.summary.rows);
    BOOST_TEST(file->summary.rejected == buffer.summary.rejected);
    BOOST_TEST(file->diagnostics.size() == buffer.diagnostics.size());
  }
  std::filesystem::remove(path);
  const auto missing = validate_file_collect(path);
  BOOST_TEST(!missing.ok());
  BOOST_TEST((missing.err().code == errc::io));
}

BOOST_AUTO_TEST_SUITE_END()

using mmdreg::csv::detail::line_shape;
using mmdreg::csv::detail::scan_line;
using mmdreg::csv::detail::scan_line_from;
using mmdreg::csv::detail::scan_path;

namespace {

// Calls check(text) for `trials` texts of each size below `sizes`: 'A's with up to `most` bytes
// replaced by random ones of `specials`.
template <class Check>
void for_sprinkled_texts(unsigned seed, std::size_t sizes, int trials, std::string_view specials,
                         unsigned most, Check check) {
  std::mt19937 random(seed);
  for (std::size_t size = 0; size < sizes; ++size) {
    for (int trial = 0; trial < trials; ++trial) {
      std::string text(size, 'A');
      const auto count = random() % most;
      for (unsigned k = 0; k < count && size > 0; ++k)
        text[random() % size] = specials[random() % specials.size()];
      check(text);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(line_scan_paths_agree_with_a_plain_reading) {
  BOOST_TEST_MESSAGE("AVX2 path available: " << mmdreg::csv::detail::scan_avx2_supported());
  constexpr std::string_view specials{"\"\0\x80\xC3\xFF,,\n\r", 9};
  for_sprinkled_texts(7, 200, 20, specials, 24, [](const std::string& text) {
    const auto scalar = scan_line(text, scan_path::scalar);
    BOOST_TEST((scan_line(text, scan_path::avx2) == scalar));
    // What the scan must find, read the plain way.
    const auto line = std::string_view(text).substr(0, text.find('\n'));
    BOOST_TEST(scalar.length == line.size());
    BOOST_TEST(scalar.newline == (line.size() < text.size()));
    BOOST_TEST(scalar.special.first_quote == line.find('"'));
    BOOST_TEST(scalar.special.first_nul == line.find('\0'));
    const auto high = std::find_if(line.begin(), line.end(),
                                   [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    BOOST_TEST(scalar.special.first_high == (high == line.end()
                                                 ? std::string_view::npos
                                                 : static_cast<std::size_t>(high - line.begin())));
    std::vector<std::size_t> commas;
    for (std::size_t i = 0; i < line.size(); ++i)
      if (line[i] == ',') commas.push_back(i);
    BOOST_TEST_REQUIRE(scalar.commas == commas.size());
    for (std::size_t i = 0; i < std::min(commas.size(), line_shape::kept_commas); ++i)
      BOOST_TEST(scalar.comma_at[i] == commas[i]);
  });
}

BOOST_AUTO_TEST_CASE(a_line_scanned_in_parts_reads_as_one_scan) {
  constexpr std::string_view specials{"\"\0\x80,,,\n", 7};
  for_sprinkled_texts(5, 300, 10, specials, 16, [](const std::string& text) {
    const auto size = text.size();
    const auto whole = scan_line(text, scan_path::scalar);
    for (const auto path : {scan_path::scalar, scan_path::avx2}) {
      for (std::size_t stop = 1; stop <= 5; ++stop) {
        BOOST_TEST_CONTEXT("size " << size << ", stop after comma " << stop) {
          line_shape parts;
          const bool stopped = scan_line_from(text, 0, stop, parts, path);
          // It stops at that comma exactly when the line has that many.
          BOOST_TEST(stopped == (whole.commas >= stop));
          if (stopped) {
            BOOST_TEST(parts.commas == stop);
            BOOST_TEST(parts.comma_at[stop - 1] == whole.comma_at[stop - 1]);
            // Nothing after the comma has been looked at yet.
            const auto seen = parts.comma_at[stop - 1];
            for (const auto at :
                 {parts.special.first_high, parts.special.first_quote, parts.special.first_nul})
              BOOST_TEST((at == std::string_view::npos || at < seen));
            BOOST_TEST(!scan_line_from(text, seen + 1, 0, parts, path));
          }
          BOOST_TEST((parts == whole));
        }
      }
    }
  });
}

BOOST_AUTO_TEST_CASE(a_reserved_duplicate_table_does_not_grow_and_keeps_its_keys) {
  using mmdreg::csv::detail::mix128;
  mmdreg::csv::detail::digest_table<mmdreg::csv::detail::key128, char> table;
  for (std::uint64_t i = 0; i < 1000; ++i)
    table.find_or_insert(mix128(std::to_string(i)), 0, i + 2);
  table.reserve(300000);
  const auto capacity = table.capacity();
  BOOST_TEST(capacity * 3 >= 300000U * 4);
  for (std::uint64_t i = 0; i < 300000; ++i) {
    const auto [entry, inserted] = table.find_or_insert(mix128(std::to_string(i)), 0, i + 2);
    BOOST_TEST_REQUIRE(inserted == (i >= 1000));
    BOOST_TEST_REQUIRE(entry->line == i + 2);
  }
  BOOST_TEST(table.capacity() == capacity);
  table.reserve(10);  // never shrinks
  BOOST_TEST(table.capacity() == capacity);
}

BOOST_AUTO_TEST_CASE(duplicate_table_keeps_every_key_across_growth) {
  // 200,000 entries take the table past 2 MiB, onto its own huge-page mapping.
  mmdreg::csv::detail::digest_table<mmdreg::csv::detail::key128, char> table;
  for (std::uint64_t i = 0; i < 200000; ++i) {
    const auto [entry, inserted] =
        table.find_or_insert(mmdreg::csv::detail::mix128(std::to_string(i)), 0, i + 2);
    BOOST_TEST_REQUIRE(inserted);
    BOOST_TEST_REQUIRE(entry->line == i + 2);
  }
  BOOST_TEST(table.size() == 200000U);
  for (std::uint64_t i = 0; i < 200000; ++i) {
    const auto [entry, inserted] =
        table.find_or_insert(mmdreg::csv::detail::mix128(std::to_string(i)), 0, 1);
    BOOST_TEST_REQUIRE(!inserted);
    BOOST_TEST_REQUIRE(entry->line == i + 2);
  }
}

BOOST_AUTO_TEST_CASE(a_pipe_is_read_in_chunks) {
  const auto fifo = std::filesystem::temp_directory_path() / "mmdreg_test_csv_reader.fifo";
  std::filesystem::remove(fifo);
  BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string text = "Manufacturer,Model,Serial Number\n";
  for (int i = 0; i < 100000; ++i)
    text += "Maker,Model,S" + std::to_string(i) + (i % 999 ? "\n" : ",x\n");
  std::thread producer([&] {
    std::ofstream out(fifo, std::ios::binary);
    out << text;
  });
  const auto piped = validate_file_collect(fifo);
  producer.join();
  std::filesystem::remove(fifo);
  BOOST_TEST_REQUIRE(piped.ok());
  const auto buffer = validate_buffer_collect(text);
  BOOST_TEST(piped->summary.rows == 100000U);
  BOOST_TEST(piped->summary.rejected == buffer.summary.rejected);
  BOOST_TEST(piped->diagnostics.size() == buffer.diagnostics.size());
}

BOOST_AUTO_TEST_CASE(a_finished_validator_refuses_more_input) {
  validator v({}, [](const diagnostic&) {});
  v.feed(kPartnerHeader);
  (void)v.finish();
  BOOST_CHECK_THROW(v.feed("x"), std::logic_error);
  BOOST_CHECK_THROW(v.expect_size(100), std::logic_error);
  BOOST_CHECK_THROW((void)v.finish(), std::logic_error);
}
