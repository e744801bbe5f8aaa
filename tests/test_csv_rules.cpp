#define BOOST_TEST_MODULE csv_rules
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>

#include "csv_hashes.hpp"
#include "csv_test_support.hpp"
#include "mmdreg/domain/profiles.hpp"
#include "support.hpp"

using namespace mmdreg;
using namespace mmdreg::csv;
using mmdreg::testing::device_hash;
using mmdreg::testing::run_validator;

namespace {

const std::string kAutopilot5 =
    "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User\r\n";
const std::string kPartnerCenter =
    "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model\r\n";
const std::string kSelf = "Manufacturer,Model,Serial Number,Hardware Hash\r\n";
const std::string kTuple = "Manufacturer,Model,Serial Number\r\n";

std::string ap(const std::string& serial, const std::string& hash, const std::string& tag = "",
               const std::string& user = "") {
  return serial + ",," + hash + "," + tag + "," + user + "\r\n";
}

// A one-row autopilot file for a fresh device with that serial, tag and user.
std::string one_row(const std::string& serial, const std::string& tag = "",
                    const std::string& user = "") {
  return kAutopilot5 + ap(serial, device_hash(serial), tag, user);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_clean_file_has_no_findings) {
  const auto run =
      run_validator(one_row("PF3ABC12", "Microsoft365Managed_Kiosk-Shared", "someone@contoso.com"));
  BOOST_TEST(run.diagnostics.empty());
  BOOST_TEST(run.summary.accepted == 1U);
  BOOST_TEST(!run.summary.file_rejected);
}

BOOST_AUTO_TEST_CASE(empty_file) {
  for (const std::string text : {"", "\r\n", "\n\n \n"}) {
    const auto run = run_validator(text);
    BOOST_TEST(run.has(rule::empty_file, 0));
    BOOST_TEST(run.summary.file_rejected);
  }
  const auto run = run_validator(kTuple);
  BOOST_TEST(!run.has(rule::empty_file));
  BOOST_TEST(run.summary.rows == 0U);
}

BOOST_AUTO_TEST_CASE(header_case_and_unknown) {
  auto run = run_validator("manufacturer,Model,Serial Number\r\nDell,X,1\r\n");
  BOOST_TEST(run.has(rule::header_case, 1));
  BOOST_TEST(run.first(rule::header_case)->fix.find(kTuple.substr(0, kTuple.size() - 2)) !=
             std::string::npos);
  BOOST_TEST(run.summary.accepted == 1U, "rows are still read with the intended layout");
  run = run_validator("Manufacturer,Model,Serial No\r\nDell,X,1\r\n");
  BOOST_TEST(run.has(rule::header_unknown, 1));
  BOOST_TEST(run.first(rule::header_unknown)->message.find("mmd-partner") != std::string::npos);
  BOOST_TEST(run.first(rule::header_unknown)->message.find("\"Serial No\"") != std::string::npos);
  run = run_validator(kTuple + "Dell,X,1\r\n");
  BOOST_TEST(!run.has(rule::header_case));
  BOOST_TEST(!run.has(rule::header_unknown));
}

BOOST_AUTO_TEST_CASE(too_many_rows_against_the_target) {
  std::string rows;
  for (int i = 0; i < 500; ++i)
    rows += "Dell,X,S" + std::to_string(i) + "\r\n";
  auto run = run_validator(kTuple + rows, {.target = upload_target::intune});
  BOOST_TEST(!run.has(rule::too_many_rows));
  run = run_validator(kTuple + rows + "Dell,X,LAST\r\n", {.target = upload_target::intune});
  BOOST_TEST(run.count(rule::too_many_rows) == 1U);
  BOOST_TEST(run.has(rule::too_many_rows, 502));
  BOOST_TEST(run.summary.file_rejected);
  BOOST_TEST(run.summary.accepted == 501U, "the limit rejects the upload, not the rows");
  run = run_validator(kTuple + rows + "Dell,X,LAST\r\n");
  BOOST_TEST(!run.has(rule::too_many_rows), "mmd-partner has no documented limit");

  // Partner Center: 1000 by default for its dialect.
  std::string pc;
  for (int i = 0; i < 1000; ++i)
    pc += ",PK" + std::to_string(i) + ",,,\r\n";
  run = run_validator(kPartnerCenter + pc);
  BOOST_TEST(!run.has(rule::too_many_rows));
  run = run_validator(kPartnerCenter + pc + ",PKLAST,,,\r\n");
  BOOST_TEST(run.has(rule::too_many_rows, 1002));
  run = run_validator(kPartnerCenter + pc + ",PKLAST,,,\r\n", {.target = upload_target::none});
  BOOST_TEST(!run.has(rule::too_many_rows));
}

BOOST_AUTO_TEST_CASE(autopilot_limit_is_500_by_default) {
  std::string text = kAutopilot5;
  for (int i = 0; i < 501; ++i) {
    const auto serial = "S" + std::to_string(i);
    text += ap(serial, device_hash(serial, "Dell Inc.", "Latitude 5530",
                                   static_cast<std::uint8_t>(i % 250), i));
  }
  const auto run = run_validator(text);
  BOOST_TEST(run.count(rule::too_many_rows) == 1U);
  BOOST_TEST(run.has(rule::too_many_rows, 502));
  BOOST_TEST(!run.has(rule::duplicate_device), "same UUID, different serial: different devices");
}

BOOST_AUTO_TEST_CASE(quote_and_field_count) {
  const auto hash = device_hash("S1");
  auto run = run_validator(kAutopilot5 + ap("S1", hash, "\"Microsoft365Managed_Standard\""));
  BOOST_TEST(run.has(rule::quote, 2));
  BOOST_TEST(run.first(rule::quote)->column == "Group Tag");
  BOOST_TEST(!run.has(rule::group_tag_foreign), "the quoted value is not judged as a tag");
  BOOST_TEST(run.summary.rejected == 1U);

  run = run_validator(kAutopilot5 + "S1,," + hash + ",,,extra\r\n" + "S1,," + hash + "\r\n");
  BOOST_TEST(run.has(rule::field_count, 2));
  BOOST_TEST(run.first(rule::field_count)->message.find("6 fields") != std::string::npos);
  BOOST_TEST(run.has(rule::field_count, 3));
  BOOST_TEST(run.summary.rejected == 2U);

  run = run_validator(one_row("S1"));
  BOOST_TEST(!run.has(rule::quote));
  BOOST_TEST(!run.has(rule::field_count));
}

BOOST_AUTO_TEST_CASE(blank_line_and_whitespace_are_warnings) {
  const auto hash = device_hash("S1");
  auto run =
      run_validator(kAutopilot5 + "\r\n" + ap(" S1\t", hash, "Microsoft365Managed_Standard "));
  BOOST_TEST(run.has(rule::blank_line, 2));
  BOOST_TEST(run.has(rule::whitespace, 3));
  BOOST_TEST(run.count(rule::whitespace) == 2U);
  BOOST_TEST(run.first(rule::whitespace)->column == "Device Serial Number");
  BOOST_TEST(!run.has(rule::hash_serial_mismatch), "values are checked trimmed");
  BOOST_TEST(run.summary.accepted == 1U);
  BOOST_TEST(run.summary.rows == 1U);
  BOOST_TEST(run.summary.blank_lines == 1U);
  run = run_validator(one_row("S1"));
  BOOST_TEST(!run.has(rule::blank_line));
  BOOST_TEST(!run.has(rule::whitespace));
}

BOOST_AUTO_TEST_CASE(required_missing) {
  auto run = run_validator(kAutopilot5 + ap("S1", ""));
  BOOST_TEST(run.has(rule::required_missing, 2));
  BOOST_TEST(run.first(rule::required_missing)->column == "Hardware Hash");
  run = run_validator(kAutopilot5 + ap("", device_hash("S1")));
  BOOST_TEST(run.first(rule::required_missing)->column == "Device Serial Number");
  run = run_validator(kTuple + "Dell,,S1\r\n");
  BOOST_TEST(run.first(rule::required_missing)->column == "Model");
  run = run_validator(kSelf + ",,," + device_hash("S1") + "\r\n");
  BOOST_TEST(!run.has(rule::required_missing), "mmd-self needs only the hash");
  BOOST_TEST(!run.has(rule::hash_serial_mismatch), "an empty CSV serial is no mismatch");
  BOOST_TEST(run.summary.accepted == 1U);
}

BOOST_AUTO_TEST_CASE(serial_excel_mangled) {
  for (const std::string serial : {"1.65208E+11", "165208000000.0", "3E7", "12.5e-3"}) {
    const auto run = run_validator(kTuple + "Dell,X," + serial + "\r\n");
    BOOST_TEST(run.has(rule::serial_excel_mangled, 2), serial);
  }
  for (const std::string serial : {"016520771357", "5CG1234E12", "1.5", "E10", "12.0A"}) {
    const auto run = run_validator(kTuple + "Dell,X," + serial + "\r\n");
    BOOST_TEST(!run.has(rule::serial_excel_mangled), serial);
  }
}

BOOST_AUTO_TEST_CASE(serial_placeholder) {
  auto run = run_validator(one_row("To be filled by O.E.M."));
  BOOST_TEST(run.has(rule::serial_placeholder, 2));
  BOOST_TEST(run.summary.accepted == 1U);
  run = run_validator(kTuple + "Dell,X,Default string\r\n");
  BOOST_TEST(run.has(rule::serial_placeholder, 2));
  run = run_validator(one_row("PF3ABC12"));
  BOOST_TEST(!run.has(rule::serial_placeholder));
}

BOOST_AUTO_TEST_CASE(template_row) {
  auto run = run_validator(kTuple + "SpiralOrbit,ContosoABC,000000000000\r\n");
  BOOST_TEST(run.has(rule::template_row, 2));
  run = run_validator(kSelf + "Microsoft Corporation,Surface Laptop,016520771357," +
                      device_hash("016520771357", "Microsoft Corporation", "Surface Laptop") +
                      "\r\n");
  BOOST_TEST(run.has(rule::template_row, 2));
  BOOST_TEST(run.summary.rejected == 1U);
  run = run_validator(kTuple + "SpiralOrbit,ContosoABC,000000000001\r\n");
  BOOST_TEST(!run.has(rule::template_row));
  run = run_validator(kTuple + "Dell Inc.,Surface Laptop,016520771357\r\n");
  BOOST_TEST(!run.has(rule::template_row));
}

BOOST_AUTO_TEST_CASE(hash_problems_are_findings_on_the_hash_column) {
  const auto valid = device_hash("S1");
  const auto expect = [&](const std::string& hash, rule r) {
    const auto run = run_validator(kAutopilot5 + ap("S1", hash));
    BOOST_TEST(run.has(r, 2), rule_id(r));
    BOOST_TEST(run.diagnostics.size() == 1U, rule_id(r));
    if (!run.diagnostics.empty()) BOOST_TEST(run.diagnostics[0].column == "Hardware Hash");
    BOOST_TEST(run.summary.rejected == 1U);
  };
  expect(valid.substr(0, 100) + "*" + valid.substr(101), rule::hash_base64);
  expect(valid.substr(0, 1452), rule::hash_length);
  expect(testing::edited_hash(valid, [](auto& b, const hardware_hash&) { b[0] = 'X'; }),
         rule::hash_structure);
  expect(testing::edited_hash(
             valid, [](auto& b, const hardware_hash&) { b[40] ^= 1; }, false),
         rule::hash_checksum);
  expect(testing::edited_hash(valid,
                              [](auto& b, const hardware_hash& h) {
                                const auto v = *h.record(14);
                                const auto at =
                                    static_cast<std::size_t>(v.data() - h.bytes().data());
                                std::fill(b.begin() + at, b.begin() + at + v.size(), 0);
                              }),
         rule::hash_missing_field);
  const auto run = run_validator(kAutopilot5 + ap("S1", valid));
  BOOST_TEST(run.diagnostics.empty());
}

BOOST_AUTO_TEST_CASE(hash_serial_and_tpm_mismatch) {
  auto run = run_validator(kAutopilot5 + ap("S2", device_hash("S1")));
  BOOST_TEST(run.has(rule::hash_serial_mismatch, 2));
  BOOST_TEST(run.first(rule::hash_serial_mismatch)->message.find("\"S1\"") != std::string::npos);
  BOOST_TEST(run.summary.accepted == 1U);
  const auto broken_tpm =
      testing::edited_hash(device_hash("S1"), [](auto& b, const hardware_hash& h) {
        const auto v = *h.record(11);
        b[static_cast<std::size_t>(v.data() - h.bytes().data()) + 10] ^= 0xFF;
      });
  run = run_validator(kAutopilot5 + ap("S1", broken_tpm));
  BOOST_TEST(run.has(rule::hash_tpm_mismatch, 2));
  BOOST_TEST(run.summary.accepted == 1U);
  run = run_validator(one_row("S1"));
  BOOST_TEST(!run.has(rule::hash_serial_mismatch));
  BOOST_TEST(!run.has(rule::hash_tpm_mismatch));
  run = run_validator(kAutopilot5 + ap("S1", device_hash("S1   ")));
  BOOST_TEST(!run.has(rule::hash_serial_mismatch), "firmware padding is no mismatch");
  // Without a TPM there is nothing to compare.
  run = run_validator(kAutopilot5 + ap("S1", device_hash("S1", "Dell Inc.", "X", 1, 0, false)));
  BOOST_TEST(!run.has(rule::hash_tpm_mismatch));
}

BOOST_AUTO_TEST_CASE(duplicate_device_by_identity_not_by_string) {
  const auto first = device_hash("S1", "Dell Inc.", "Latitude", 5, 0);
  const auto second = device_hash("S1", "Dell Inc.", "Latitude", 5, 24);
  BOOST_TEST(first != second);
  auto run =
      run_validator(kAutopilot5 + ap("S1", first) + ap("S9", device_hash("S9")) + ap("S1", second));
  BOOST_TEST(run.has(rule::duplicate_device, 4));
  BOOST_TEST(run.first(rule::duplicate_device)->message.find("line 2") != std::string::npos);
  BOOST_TEST(run.summary.accepted == 2U);
  BOOST_TEST(run.summary.rejected == 1U);
  BOOST_TEST(!run.has(rule::duplicate_serial));
  run =
      run_validator(kAutopilot5 + ap("S1", first) + ap("S1", second), {.detect_duplicates = false});
  BOOST_TEST(!run.has(rule::duplicate_device));
}

BOOST_AUTO_TEST_CASE(duplicate_serial_across_different_devices) {
  auto run = run_validator(kAutopilot5 + ap("S1", device_hash("S1", "Dell Inc.", "X", 1)) +
                           ap("S1", device_hash("S1", "Dell Inc.", "X", 2)));
  BOOST_TEST(run.has(rule::duplicate_serial, 3));
  BOOST_TEST(run.first(rule::duplicate_serial)->message.find("line 2") != std::string::npos);
  BOOST_TEST(run.summary.accepted == 2U);
  run = run_validator(kAutopilot5 + ap("S1", device_hash("S1", "Dell Inc.", "X", 1)) +
                      ap("S1", device_hash("S1", "HP", "X", 2)));
  BOOST_TEST(!run.has(rule::duplicate_serial), "another manufacturer");
}

BOOST_AUTO_TEST_CASE(group_tags) {
  auto run = run_validator(one_row("S1", "microsoft365managed_sensitivedata-shared"));
  BOOST_TEST(run.has(rule::group_tag_case, 2));
  BOOST_TEST(
      run.first(rule::group_tag_case)->fix.find("Microsoft365Managed_SensitiveData-Shared") !=
      std::string::npos);
  run = run_validator(one_row("S1", "Microsoft365Managed_PowerUser-Shared"));
  BOOST_TEST(run.has(rule::group_tag_invalid, 2));
  BOOST_TEST(run.summary.rejected == 1U);
  run = run_validator(one_row("S1", "Microsoft365Managed_Autopilot"));
  BOOST_TEST(run.has(rule::group_tag_legacy, 2));
  BOOST_TEST(run.summary.accepted == 1U);
  run = run_validator(one_row("S1", "Sales-EMEA"));
  BOOST_TEST(run.has(rule::group_tag_foreign, 2));
  BOOST_TEST(run.first(rule::group_tag_foreign)->column == "Group Tag");
  for (const std::string tag :
       {"", "Microsoft365Managed_Standard", "Microsoft365Managed_PowerUser"}) {
    run = run_validator(one_row("S1", tag));
    BOOST_TEST(run.diagnostics.empty(), tag);
  }
}

BOOST_AUTO_TEST_CASE(assigned_user_upn) {
  for (const std::string user : {"john", "john@contoso", "@contoso.com", "jo hn@contoso.com",
                                 "john@@contoso.com", "john@contoso.c", "john@contoso..com"}) {
    const auto run = run_validator(one_row("S1", "", user));
    BOOST_TEST(run.has(rule::assigned_user_upn, 2), user);
  }
  for (const std::string user : {"", "john@contoso.com", "j.doe@mail.contoso.co.uk"}) {
    const auto run = run_validator(one_row("S1", "", user));
    BOOST_TEST(!run.has(rule::assigned_user_upn), user);
  }
}

BOOST_AUTO_TEST_CASE(partner_identity) {
  auto run = run_validator(kPartnerCenter + "S1,,,Dell Inc.,\r\n");
  BOOST_TEST(run.has(rule::partner_identity, 2));
  BOOST_TEST(run.summary.rejected == 1U);
  run = run_validator(kPartnerCenter + "S1,,,Dell Inc.,Latitude\r\n" + ",PK123,,,\r\n" + ",," +
                      device_hash("S2") + ",,\r\n");
  BOOST_TEST(!run.has(rule::partner_identity));
  BOOST_TEST(run.summary.accepted == 3U);
}

BOOST_AUTO_TEST_CASE(threads_and_chunks_identical_with_hashes) {
  std::string text = kAutopilot5;
  for (int i = 0; i < 300; ++i) {
    const auto serial = "SER" + std::to_string(i % 250);
    auto hash = device_hash(serial, "Dell Inc.", "X", static_cast<std::uint8_t>(i % 250), i);
    if (i % 11 == 0) hash = hash.substr(0, 3000);
    text += ap(serial, hash, i % 7 == 0 ? "microsoft365managed_standard" : "");
  }
  const auto one = run_validator(text);
  BOOST_TEST(one.count(rule::duplicate_device) > 0U);
  for (unsigned threads : {1U, 2U, 4U}) {
    for (std::size_t chunk :
         {std::size_t{0}, std::size_t{1}, std::size_t{4097}, std::size_t{65536}}) {
      const auto run = run_validator(text, {.threads = threads}, chunk);
      BOOST_TEST(run.keys() == one.keys());
      BOOST_TEST((run.rows == one.rows));
    }
  }
}

// The validator checks an intact hash while it scans the line and then steps over it; whatever it
// does not take that way is decoded whole. Either way, a row's hash findings must be exactly what
// decoding its trimmed value says, wherever the hash ends and whatever was done to it.
BOOST_AUTO_TEST_CASE(hash_findings_equal_a_plain_decode_of_the_value) {
  const auto valid = device_hash("S1");
  const auto hash_rules = [](const testing::csv_run& run) {
    std::vector<std::string_view> out;
    for (const auto& d : run.diagnostics)
      if (rule_id(d.rule).starts_with("hash-") && d.rule != rule::hash_serial_mismatch &&
          d.rule != rule::hash_tpm_mismatch)
        out.push_back(rule_id(d.rule));
    return out;
  };
  const auto expected = [](std::string_view value) {
    std::size_t first = value.find_first_not_of(" \t"), last = value.find_last_not_of(" \t");
    value = first == std::string_view::npos ? std::string_view{}
                                            : value.substr(first, last - first + 1);
    hardware_hash h;
    const auto problem = h.decode(value);
    return problem ? std::vector<std::string_view>{rule_id(problem->rule)}
                   : std::vector<std::string_view>{};
  };
  std::vector<std::string> values{valid,
                                  valid + "\rX",  // a lone CR belongs to the value
                                  valid + "\r",
                                  valid + " ",
                                  " " + valid,
                                  valid + "A",
                                  valid.substr(0, 3999),
                                  valid + "=",
                                  valid.substr(0, 3998) + "=="};
  std::mt19937 random(11);
  const std::string replacements = "AB=+/\r\t -\x80";
  for (int i = 0; i < 300; ++i) {
    auto v = valid;
    v[random() % v.size()] = replacements[random() % replacements.size()];
    values.push_back(v);
  }
  for (const auto& value : values) {
    for (const std::string& end : {std::string("\r\n"), std::string("\n"), std::string()}) {
      // The hash last on the line (autopilot, 3 columns), and followed by more fields.
      for (const bool last : {true, false}) {
        const auto text =
            last ? "Device Serial Number,Windows Product ID,Hardware Hash\r\nS1,," + value + end
                 : kAutopilot5 + "S1,," + value + ",," + end;
        BOOST_TEST_CONTEXT("value " << value.size() << " characters, line end " << end.size()
                                    << (last ? ", hash last" : ", fields after the hash")) {
          const auto run = run_validator(text);
          // A '\r' that ends the line (before "\n" or at the end of the file) is not part of
          // the value.
          const auto value_read = last && end != "\r\n" && value.ends_with('\r')
                                      ? value.substr(0, value.size() - 1)
                                      : value;
          BOOST_TEST(hash_rules(run) == expected(value_read), boost::test_tools::per_element());
          BOOST_TEST(run_validator(text, {}, 1).keys() == run.keys(),
                     boost::test_tools::per_element());
        }
      }
    }
  }
}

// validate_file reads in chunks (256 KiB with one thread, 2 MiB a thread with more): a file of
// several such chunks, lines cut at every boundary, reads as the same text in memory.
BOOST_AUTO_TEST_CASE(a_file_of_many_chunks_reads_as_its_text) {
  std::string text = kAutopilot5;
  for (int i = 0; i < 1100; ++i) {
    const auto serial = "SER" + std::to_string(i % 900);
    auto hash = device_hash(serial, "Dell Inc.", "X", static_cast<std::uint8_t>(i % 900 % 200), i);
    if (i % 37 == 0) hash[100] = '#';
    text += ap(serial, hash, i % 5 == 0 ? "Microsoft365Managed_Standard" : "");
  }
  BOOST_TEST_REQUIRE(text.size() > std::size_t{4} << 20);
  const auto path = std::filesystem::temp_directory_path() / "mmdreg_test_csv_rules_chunks.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  const auto memory = run_validator(text);
  BOOST_TEST(memory.count(rule::hash_base64) == 30U);
  BOOST_TEST(memory.count(rule::duplicate_device) > 0U);
  for (unsigned threads : {1U, 2U, 3U}) {
    BOOST_TEST_CONTEXT(threads << " threads") {
      const auto file = validate_file_collect(path, {.threads = threads});
      BOOST_TEST_REQUIRE(file.ok());
      testing::csv_run run;
      run.diagnostics = file->diagnostics;
      BOOST_TEST(run.keys() == memory.keys(), boost::test_tools::per_element());
      BOOST_TEST(file->summary.rows == memory.summary.rows);
      BOOST_TEST(file->summary.accepted == memory.summary.accepted);
    }
  }
  std::filesystem::remove(path);
}

// expect_size only sizes the duplicate tables: a hint that is right, far too small or far too
// large changes no finding.
BOOST_AUTO_TEST_CASE(a_size_hint_changes_no_finding_even_when_wrong) {
  std::string text = kAutopilot5;
  for (int i = 0; i < 3000; ++i) {
    const auto serial = "SER" + std::to_string(i % 2500);
    text += ap(serial, device_hash(serial, "Dell Inc.", "X", 1, i));
  }
  const auto findings = [&](std::optional<std::uint64_t> hint) {
    testing::csv_run run;
    validator v({}, [&](const diagnostic& d) { run.diagnostics.push_back(d); });
    if (hint) v.expect_size(*hint);
    v.feed(text);
    run.summary = v.finish();
    return run;
  };
  const auto plain = findings(std::nullopt);
  BOOST_TEST(plain.count(rule::duplicate_device) == 500U);
  for (const std::uint64_t hint :
       {std::uint64_t{0}, std::uint64_t{text.size()}, std::uint64_t{1} << 40}) {
    const auto hinted = findings(hint);
    BOOST_TEST(hinted.keys() == plain.keys(), boost::test_tools::per_element());
    BOOST_TEST(hinted.summary.accepted == plain.summary.accepted);
  }
}

BOOST_AUTO_TEST_CASE(real_samples, *boost::unit_test::precondition(testing::shared_dir_present{})) {
  const auto dir = *testing::shared_dir() / "hwhash-samples";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".csv") continue;
    BOOST_TEST_CONTEXT(name) {
      ++files;
      const auto run = validate_file_collect(entry.path());
      BOOST_TEST_REQUIRE(run.ok());
      if (name.starts_with("hwhash-bad-01")) {
        BOOST_TEST(run->diagnostics.size() == 3U);
        const auto has = [&](rule r) {
          return std::any_of(
              run->diagnostics.begin(), run->diagnostics.end(),
              [&](const diagnostic& d) { return d.rule == r && (d.line == 2 || d.line == 0); });
        };
        BOOST_TEST(has(rule::encoding_utf8_bom));
        BOOST_TEST(has(rule::hash_length));
        BOOST_TEST(has(rule::template_row));
        continue;
      }
      BOOST_TEST((run->summary.encoding == text_encoding::utf16le));
      BOOST_TEST(run->summary.rows == 1U);
      std::size_t utf16 = 0;
      for (const auto& d : run->diagnostics) {
        if (d.rule == rule::encoding_utf16) {
          ++utf16;
          continue;
        }
        // The QEMU captures have an empty serial column (required by the autopilot dialect) and
        // the SMBIOS placeholder serial inside the hash; sample 03 carries a non-MMD tag.
        const bool expected =
            (name.starts_with("hwhash-05") || name.starts_with("hwhash-06"))
                ? (d.rule == rule::required_missing || d.rule == rule::serial_placeholder)
                : name.starts_with("hwhash-03") && d.rule == rule::group_tag_foreign;
        BOOST_TEST(expected, rule_id(d.rule) << ": " << d.message);
        BOOST_TEST(!(d.rule >= rule::hash_base64 && d.rule <= rule::hash_tpm_mismatch));
      }
      BOOST_TEST(utf16 == 1U);
    }
  }
  BOOST_TEST(files == 9U);
}

BOOST_AUTO_TEST_CASE(every_rule_of_the_spec_fires_somewhere) {
  const auto valid = device_hash("S1");
  const auto tpm_broken = testing::edited_hash(valid, [](auto& b, const hardware_hash& h) {
    const auto v = *h.record(11);
    b[static_cast<std::size_t>(v.data() - h.bytes().data()) + 10] ^= 0xFF;
  });
  const auto no_serial = testing::edited_hash(valid, [](auto& b, const hardware_hash& h) {
    const auto v = *h.record(14);
    const auto at = static_cast<std::size_t>(v.data() - h.bytes().data());
    std::fill(b.begin() + at, b.begin() + at + v.size(), 0);
  });
  std::string many = kTuple;
  for (int i = 0; i < 501; ++i)
    many += "Dell,X,S" + std::to_string(i) + "\r\n";
  const std::vector<std::pair<std::string, validate_options>> inputs{
      {testing::to_utf16(one_row("S1"), true, true), {}},
      {"\xEF\xBB\xBF" + kTuple + "Dell,Lat\xC3\xA9,S1\r\nDell,X,S\xE9\r\n", {}},
      {"", {}},
      {"manufacturer,Model,Serial Number\r\n", {}},
      {"Manufacturer,Model\r\n", {}},
      {many, {.target = upload_target::intune}},
      {kTuple + "Dell,\"X\",S1\r\nDell,X\r\n\r\n Dell,X,S1\r\nDell,,S2\r\n", {}},
      {kTuple + "Dell,X,1.65208E+11\r\nDell,X,Default string\r\n"
                "SpiralOrbit,ContosoABC,000000000000\r\n",
       {}},
      {kAutopilot5 + ap("S1", "*" + valid.substr(1)) + ap("S1", valid.substr(0, 1452)) +
           ap("S1",
              testing::edited_hash(valid, [](auto& b, const hardware_hash&) { b[1] = 'X'; })) +
           ap("S1", testing::edited_hash(
                        valid, [](auto& b, const hardware_hash&) { b[40] ^= 1; }, false)) +
           ap("S1", no_serial) + ap("S2", valid) + ap("S1", tpm_broken),
       {}},
      {kAutopilot5 + ap("S1", device_hash("S1", "HP", "X", 1, 0)) +
           ap("S1", device_hash("S1", "HP", "X", 1, 5)) + ap("S1", device_hash("S1", "HP", "X", 2)),
       {}},
      {kAutopilot5 + ap("S1", valid, "microsoft365managed_standard") +
           ap("S2", device_hash("S2"), "Microsoft365Managed_Bogus") +
           ap("S3", device_hash("S3"), std::string(legacy_group_tag)) +
           ap("S4", device_hash("S4"), "Sales", "nobody"),
       {}},
      {kPartnerCenter + "S1,,,Dell,\r\n", {}},
  };
  std::set<rule> seen;
  for (const auto& [text, options] : inputs)
    for (const auto& d : run_validator(text, options).diagnostics)
      seen.insert(d.rule);
  for (const auto& r : all_rules())
    BOOST_TEST(seen.count(r.rule) == 1U, r.id);
}
