#define BOOST_TEST_MODULE registry_intake
#include <boost/test/unit_test.hpp>
#include <set>

#include "mmdreg/registry/intake.hpp"
#include "registry_fixture.hpp"

using namespace mmdreg;
using namespace mmdreg::testing;

namespace {

std::string hash_of(std::uint32_t n) {
  return build_hash(device_fields(n)).value();
}
std::string serial_of(std::uint32_t n) {
  return device_fields(n).serial_number;
}

// Lines 2 and 5 are valid, 3 has a case-slipped tag, 4 a truncated hash, 6 repeats device 1.
std::string mixed_csv() {
  const std::string tag = "Microsoft365Managed_Standard";
  std::string csv = "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\n";
  csv += serial_of(1) + ",," + hash_of(1) + "," + tag + "\r\n";
  csv += serial_of(2) + ",," + hash_of(2) + ",microsoft365managed_standard\r\n";
  csv += serial_of(3) + ",," + hash_of(3).substr(0, 1452) + "," + tag + "\r\n";
  csv += serial_of(4) + ",," + hash_of(4) + ",\r\n";
  csv += serial_of(1) + ",," + hash_of(1) + "," + tag + "\r\n";
  return csv;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rejected_csv_rows_never_enter_the_service) {
  const auto upload = registry::check_csv_upload(mixed_csv());
  BOOST_TEST(upload.rows == 5U);
  BOOST_TEST(upload.rejected == 3U);
  BOOST_TEST(!upload.file_rejected);
  BOOST_TEST_REQUIRE(upload.devices.size() == 2U);
  BOOST_TEST(upload.devices[0].line == 2U);
  BOOST_TEST(upload.devices[1].line == 5U);
  BOOST_TEST(upload.devices[0].record.serial_number == serial_of(1));
  BOOST_TEST(upload.devices[0].record.group_tag == "Microsoft365Managed_Standard");
  std::set<std::string_view> rules;
  for (const auto& f : upload.findings)
    rules.insert(rule_id(f.rule));
  for (const char* expected : {"group-tag-case", "hash-length", "duplicate-device"})
    BOOST_TEST(rules.count(expected) == 1U, expected);

  engine e{registry::engine_options{.start = t0, .seed = 1}};
  const auto org = e.add_organization(settings_named("Contoso")).value();
  const auto result = e.register_devices(manual_request(org, upload.devices));
  BOOST_TEST_REQUIRE(result.ok(), result.err().message);
  BOOST_TEST(result->accepted == 2U);
  BOOST_TEST_REQUIRE(result->devices.size() == 2U);
  BOOST_TEST(result->devices[0].line == 2U);
  BOOST_TEST(result->devices[1].line == 5U);
  BOOST_TEST(e.devices_blade(actor::admin_of(org), org).value().size() == 2U);
}

BOOST_AUTO_TEST_CASE(a_rejected_file_gives_an_empty_batch) {
  // A UTF-16 file is refused whole by the service, even though its rows read cleanly.
  std::string utf8 = mixed_csv();
  std::string utf16 = "\xFF\xFE";
  for (char c : utf8) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  const auto upload = registry::check_csv_upload(utf16);
  BOOST_TEST(upload.file_rejected);
  BOOST_TEST(upload.devices.empty());
  BOOST_TEST(upload.rows == 5U);
}

BOOST_AUTO_TEST_CASE(json_lists_go_through_the_same_rules) {
  const std::string json = R"([{"serialNumber":")" + serial_of(7) + R"(","hardwareIdentifier":")" +
                           hash_of(7) + R"("},{"serialNumber":")" + serial_of(8) +
                           R"(","hardwareIdentifier":")" + hash_of(8).substr(0, 1452) +
                           R"("},{"serialNumber":")" + serial_of(9) +
                           R"(","hardwareIdentifier":")" + hash_of(9) +
                           R"(","groupTag":"Microsoft365Managed_PowerUser-Shared"}])";
  const auto upload = registry::check_json_upload(json);
  BOOST_TEST_REQUIRE(upload.ok(), upload.err().message);
  BOOST_TEST(upload->rows == 3U);
  BOOST_TEST(upload->rejected == 2U);
  BOOST_TEST_REQUIRE(upload->devices.size() == 1U);
  BOOST_TEST(upload->devices[0].line == 1U);
  bool hash_finding_has_path = false;
  for (const auto& f : upload->findings)
    if (f.rule == rule::hash_length) hash_finding_has_path = f.column.starts_with("$[1]");
  BOOST_TEST(hash_finding_has_path);

  BOOST_TEST(!registry::check_json_upload("{not json").ok());
}
