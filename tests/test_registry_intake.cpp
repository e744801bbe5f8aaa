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

BOOST_AUTO_TEST_CASE(a_chosen_profile_makes_the_tag_and_counts_retagged_rows) {
  // Line 2 agrees with the choice, line 5 is untagged, line 6 names another profile.
  std::string csv = "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\n";
  csv += serial_of(1) + ",," + hash_of(1) + ",Microsoft365Managed_Kiosk\r\n";
  csv += serial_of(2) + ",," + hash_of(2) + ",\r\n";
  csv += serial_of(3) + ",," + hash_of(3) + ",Microsoft365Managed_Standard\r\n";
  auto upload = registry::check_csv_upload(csv);
  BOOST_TEST_REQUIRE(upload.devices.size() == 3U);
  registry::registration_request request;
  request.devices = upload.devices;
  const auto retagged = registry::select_profile(request, device_profile::kiosk, false);
  BOOST_TEST(retagged == 1U);
  BOOST_TEST((request.profile == device_profile::kiosk));
  BOOST_TEST(!request.shared);
  for (const auto& entry : request.devices)
    BOOST_TEST(entry.record.group_tag.empty());

  // Retagged rows are what lets the batch through: the engine refuses rows carrying another tag.
  engine e{registry::engine_options{.start = t0, .seed = 1}};
  const auto org = e.add_organization(settings_named("Contoso")).value();
  auto kept = manual_request(org, upload.devices);
  kept.profile = device_profile::kiosk;
  BOOST_TEST(!e.register_devices(kept).ok());
  auto chosen = manual_request(org, upload.devices);
  BOOST_TEST(registry::select_profile(chosen, device_profile::kiosk, false) == 1U);
  const auto result = e.register_devices(chosen);
  BOOST_TEST_REQUIRE(result.ok(), result.err().message);
  BOOST_TEST(result->accepted == 3U);
  const auto blade = e.devices_blade(actor::admin_of(org), org);
  BOOST_TEST_REQUIRE(blade.ok());
  BOOST_TEST(blade->size() == 3U);
  for (const auto& row : *blade)
    BOOST_TEST((row.profile == device_profile::kiosk));
}

BOOST_AUTO_TEST_CASE(without_a_choice_the_rows_mmd_tag_decides) {
  registry::registration_request request;
  request.devices.resize(3);
  request.devices[0].record.group_tag = "Sales-Floor";  // foreign: does not decide
  request.devices[1].record.group_tag = "Microsoft365Managed_Kiosk-Shared";
  request.devices[2].record.group_tag = "Microsoft365Managed_Standard";
  BOOST_TEST(registry::select_profile(request, std::nullopt, false) == 0U);
  BOOST_TEST((request.profile == device_profile::kiosk));
  BOOST_TEST(request.shared);
  // The rows keep their tags: the engine, not the selection, refuses rows that disagree.
  BOOST_TEST(request.devices[2].record.group_tag == "Microsoft365Managed_Standard");

  // A shared request makes the rows' profile shared; no MMD tag at all means Standard.
  registry::registration_request untagged;
  untagged.devices.resize(1);
  untagged.devices[0].record.group_tag = "Microsoft365Managed_PowerUser";
  BOOST_TEST(registry::select_profile(untagged, std::nullopt, false) == 0U);
  BOOST_TEST((untagged.profile == device_profile::power_user));
  untagged.devices[0].record.group_tag.clear();
  BOOST_TEST(registry::select_profile(untagged, std::nullopt, true) == 0U);
  BOOST_TEST((untagged.profile == device_profile::standard));
  BOOST_TEST(untagged.shared);
}

BOOST_AUTO_TEST_CASE(json_is_told_from_csv_by_its_first_bytes) {
  BOOST_TEST(registry::upload_looks_like_json("[{\"serialNumber\":\"1\"}]"));
  BOOST_TEST(registry::upload_looks_like_json("\xEF\xBB\xBF\r\n  {\"devices\":[]}"));
  BOOST_TEST(!registry::upload_looks_like_json("Device Serial Number,Windows Product ID\r\n"));
  BOOST_TEST(!registry::upload_looks_like_json(""));
  BOOST_TEST(!registry::upload_looks_like_json("\xEF\xBB\xBF"));
  // Only the first 64 bytes are looked at, as the Python package does.
  BOOST_TEST(!registry::upload_looks_like_json(std::string(64, ' ') + "[]"));
  BOOST_TEST(registry::upload_looks_like_json(std::string(63, ' ') + "[]"));
}

BOOST_AUTO_TEST_CASE(register_upload_checks_then_registers_the_accepted_rows) {
  engine e{registry::engine_options{.start = t0, .seed = 1}};
  const auto org = e.add_organization(settings_named("Contoso")).value();
  auto request = manual_request(org, {});
  request.order_id = "PO-7";
  const auto done = registry::register_upload(
      e, request, mixed_csv(), registry::upload_format::detect, device_profile::standard, false);
  BOOST_TEST_REQUIRE(done.ok(), done.err().message);
  BOOST_TEST(done->check.rows == 5U);
  BOOST_TEST(done->check.rejected == 3U);
  BOOST_TEST(done->check.devices.empty());
  BOOST_TEST_REQUIRE(done->result.has_value());
  BOOST_TEST(done->result->accepted == 2U);
  BOOST_TEST_REQUIRE(done->request.devices.size() == 2U);
  BOOST_TEST(done->request.devices[1].line == 5U);
  BOOST_TEST(done->request.devices[0].record.order_id == "PO-7");

  // Nothing accepted: nothing submitted, and the findings are still there.
  const auto empty = registry::register_upload(
      e, request, "Serial,Hash\r\n", registry::upload_format::csv, device_profile::standard, false);
  BOOST_TEST_REQUIRE(empty.ok(), empty.err().message);
  BOOST_TEST(!empty->result.has_value());
  BOOST_TEST(!empty->check.findings.empty());

  // Named JSON that is no device list is an error.
  BOOST_TEST(!registry::register_upload(e, request, "{not json", registry::upload_format::json,
                                        std::nullopt, false)
                  .ok());
}
