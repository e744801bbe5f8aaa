#define BOOST_TEST_MODULE autopilot_device_list
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "hash/base64.hpp"

#include "mmdreg/autopilot/device_list.hpp"
#include "mmdreg/hash/hardware_hash.hpp"

using namespace mmdreg;
using namespace mmdreg::autopilot;

namespace {

std::string valid_hash(std::string serial, std::uint8_t uuid_seed = 1) {
  hash_fields fields;
  fields.serial_number = std::move(serial);
  fields.manufacturer = "Microsoft Corporation";
  fields.model = "Surface Laptop 5";
  fields.smbios_uuid.fill(uuid_seed);
  fields.capture_time = std::chrono::sys_days{std::chrono::year{2024} / 5 / 6};
  auto text = build_hash(fields);
  BOOST_TEST_REQUIRE(text.ok(), text.err().message);
  return *text;
}

std::string device_json(std::string_view serial, std::string_view hash, std::string_view tag = {},
                        std::string_view user = {}) {
  std::string out = "{\"serialNumber\":\"" + std::string(serial) + "\",\"hardwareIdentifier\":\"" +
                    std::string(hash) + "\"";
  if (!tag.empty()) out += ",\"groupTag\":\"" + std::string(tag) + "\"";
  if (!user.empty()) out += ",\"assignedUserPrincipalName\":\"" + std::string(user) + "\"";
  return out + "}";
}

const json_finding* find(const json_device_list& list, rule r) {
  for (const auto& f : list.findings)
    if (f.finding.rule == r) return &f;
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_clean_list_has_no_findings) {
  const std::string json =
      "[" +
      device_json("SN1", valid_hash("SN1"), "Microsoft365Managed_Standard", "ana@contoso.com") +
      "," + device_json("SN2", valid_hash("SN2", 2)) + "]";
  const auto list = read_device_list(json);
  BOOST_TEST_REQUIRE(list.ok(), list.err().message);
  BOOST_TEST(list->findings.empty());
  BOOST_TEST(list->issues.empty());
  BOOST_TEST_REQUIRE(list->devices.size() == 2U);
  BOOST_TEST(list->accepted() == 2U);
  BOOST_TEST(list->devices[0].record.group_tag == "Microsoft365Managed_Standard");
  BOOST_TEST(list->devices[1].path == "$[1]");
  BOOST_TEST(list->devices[1].offset == json.find("{\"serialNumber\":\"SN2\""));
}

BOOST_AUTO_TEST_CASE(a_byte_order_mark_is_read_as_whitespace) {
  // Windows tools save UTF-8 with a byte order mark; offsets stay those of the text as given.
  const std::string json = "\xEF\xBB\xBF[" + device_json("SN1", valid_hash("SN1")) + "," +
                           device_json("SN2", "AAAA") + "]";
  const auto list = read_device_list(json);
  BOOST_TEST_REQUIRE(list.ok(), list.err().message);
  BOOST_TEST_REQUIRE(list->devices.size() == 2U);
  BOOST_TEST(list->accepted() == 1U);
  BOOST_TEST(list->devices[0].offset == 4U);
  BOOST_TEST(list->devices[1].offset == json.find("{\"serialNumber\":\"SN2\""));
  BOOST_TEST(list->devices[1].rejected);
  // Anywhere else the same bytes are not whitespace.
  BOOST_TEST(!read_device_list("[\xEF\xBB\xBF]").ok());
}

BOOST_AUTO_TEST_CASE(each_rule_fires_with_the_json_path) {
  struct scenario {
    std::string device;
    rule expected;
    std::string path;
  };
  const std::string good = valid_hash("SN1");
  std::string truncated = good.substr(0, 1452);
  // A byte of the model text changed: the structure stands, the trailer's SHA-256 no longer fits.
  hardware_hash decoded;
  BOOST_TEST_REQUIRE(!decoded.decode(good).has_value());
  std::vector<std::uint8_t> bytes(decoded.bytes().begin(), decoded.bytes().end());
  const std::string_view model = "Surface Laptop 5";
  const auto at = std::search(bytes.begin(), bytes.end(), model.begin(), model.end());
  BOOST_TEST_REQUIRE((at != bytes.end()));
  *at = 'T';
  const std::string bad_checksum = mmdreg::detail::base64_encode(bytes);
  const scenario scenarios[] = {
      {device_json("", good), rule::required_missing, "$[0].serialNumber"},
      {device_json("SN1", ""), rule::required_missing, "$[0].hardwareIdentifier"},
      {device_json("SN1", "not*base64"), rule::hash_base64, "$[0].hardwareIdentifier"},
      {device_json("SN1", truncated), rule::hash_length, "$[0].hardwareIdentifier"},
      {device_json("SN1", bad_checksum), rule::hash_checksum, "$[0].hardwareIdentifier"},
      {device_json("OTHER", good), rule::hash_serial_mismatch, "$[0].serialNumber"},
      {device_json("Default string", valid_hash("Default string")), rule::serial_placeholder,
       "$[0].serialNumber"},
      {device_json(" SN1", good), rule::whitespace, "$[0].serialNumber"},
      {device_json("SN1", good, "microsoft365managed_standard"), rule::group_tag_case,
       "$[0].groupTag"},
      {device_json("SN1", good, "Microsoft365Managed_PowerUser-Shared"), rule::group_tag_invalid,
       "$[0].groupTag"},
      {device_json("SN1", good, "Microsoft365Managed_Autopilot"), rule::group_tag_legacy,
       "$[0].groupTag"},
      {device_json("SN1", good, "Sales"), rule::group_tag_foreign, "$[0].groupTag"},
      {device_json("SN1", good, {}, "ana"), rule::assigned_user_upn,
       "$[0].assignedUserPrincipalName"},
      {device_json("SN1", good, {}, "ana@contoso"), rule::assigned_user_upn,
       "$[0].assignedUserPrincipalName"},
  };
  for (const auto& s : scenarios) {
    BOOST_TEST_CONTEXT(rule_id(s.expected) << " " << s.device.substr(0, 80)) {
      const auto list = read_device_list("[" + s.device + "]");
      BOOST_TEST_REQUIRE(list.ok(), list.err().message);
      const auto* f = find(*list, s.expected);
      BOOST_TEST_REQUIRE(f != nullptr);
      BOOST_TEST(f->path == s.path);
      BOOST_TEST(f->finding.line == 0U);
      BOOST_TEST((f->finding.severity == info(s.expected).severity));
      BOOST_TEST(!f->finding.message.empty());
      BOOST_TEST(!f->finding.fix.empty());
      BOOST_TEST(list->devices[0].rejected == (info(s.expected).severity == severity::error));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_second_entry_of_one_device_is_a_duplicate) {
  const std::string json = "{\"value\":[" + device_json("SN1", valid_hash("SN1")) + "," +
                           device_json("SN1", valid_hash("SN1")) + "]}";
  const auto list = read_device_list(json);
  BOOST_TEST_REQUIRE(list.ok(), list.err().message);
  const auto* f = find(*list, rule::duplicate_device);
  BOOST_TEST_REQUIRE(f != nullptr);
  BOOST_TEST(f->path == "$.value[1].hardwareIdentifier");
  BOOST_TEST(!list->devices[0].rejected);
  BOOST_TEST(list->devices[1].rejected);
  BOOST_TEST(list->accepted() == 1U);
}

BOOST_AUTO_TEST_CASE(wrong_types_reject_the_device_and_say_where) {
  const std::string json =
      "[{\"serialNumber\": 12, \"hardwareIdentifier\": \"" + valid_hash("12") + "\"}, 7, null]";
  const auto list = read_device_list(json);
  BOOST_TEST_REQUIRE(list.ok(), list.err().message);
  BOOST_TEST_REQUIRE(list->devices.size() == 1U);
  BOOST_TEST(list->devices[0].rejected);
  BOOST_TEST_REQUIRE(list->issues.size() == 3U);
  BOOST_TEST(list->issues[0].path == "$[0].serialNumber");
  BOOST_TEST(list->issues[1].path == "$[1]");
  BOOST_TEST(list->issues[2].path == "$[2]");
}

BOOST_AUTO_TEST_CASE(malformed_or_misshapen_lists_are_errors_or_issues) {
  BOOST_TEST(!read_device_list("[{\"serialNumber\": \"A\"").ok());
  BOOST_TEST(!read_device_list("12").ok());
  BOOST_TEST(!read_device_list("").ok());
  const auto shapeless = read_device_list("{\"devices\": []}");
  BOOST_TEST_REQUIRE(shapeless.ok());
  BOOST_TEST(shapeless->devices.empty());
  BOOST_TEST_REQUIRE(shapeless->issues.size() == 1U);
  BOOST_TEST(shapeless->issues[0].path == "$");
}

BOOST_AUTO_TEST_CASE(user_principal_names) {
  for (const std::string_view good :
       {"a@b.c", "first.last@contoso.onmicrosoft.com", "Zo\xc3\xab@contoso.com"})
    BOOST_TEST(is_user_principal_name(good), good);
  for (const std::string_view bad :
       {"", "a", "@b.c", "a@", "a@b", "a@b.", "a@.c", "a@b..c", "a b@c.d", "a@b@c.d", "a@b.c\t"})
    BOOST_TEST(!is_user_principal_name(bad), bad);
}
