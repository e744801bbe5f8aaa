#define BOOST_TEST_MODULE autopilot_payloads
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

#include "mmdreg/autopilot/device_list.hpp"
#include "mmdreg/autopilot/payloads.hpp"
#include "mmdreg/autopilot/service_errors.hpp"
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

bool has_issue_at(const std::vector<json_issue>& issues, std::string_view path) {
  for (const auto& issue : issues)
    if (issue.path == path) return true;
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(service_error_mapping)

BOOST_AUTO_TEST_CASE(every_documented_code_maps_by_number_and_by_name) {
  struct expectation {
    std::int64_t code;
    std::string_view name;
    registration_error error;
  };
  const expectation expected[] = {
      {801, "InvalidZtdRequestBody", registration_error::unexpected_error},
      {802, "InvalidZtdHardwareHash", registration_error::hardware_hash_not_valid},
      {803, "MissingZtdSerialNumberAndProductKey", registration_error::unexpected_error},
      {806, "ZtdDeviceAlreadyAssigned", registration_error::device_already_registered},
      {807, "ZtdDeviceIsNotRegistered", registration_error::device_not_found},
      {808, "ZtdDeviceAssignedToOtherTenant",
       registration_error::device_claimed_by_another_organization},
      {811, "ZtdDeviceRegisteredByOtherTenant",
       registration_error::device_claimed_by_another_organization},
      {812, "ZtdDeviceNotFound", registration_error::device_not_found},
      {813, "ZtdDeviceIsNotUnique", registration_error::unexpected_error},
      {814, "ZtdDeviceAlreadyAadRegistered", registration_error::unexpected_error},
      {0, "ZtdDeviceDuplicated", registration_error::device_already_registered},
      {0, "StorageError", registration_error::unexpected_error},
  };
  BOOST_TEST(known_service_errors().size() == std::size(expected));
  for (const auto& e : expected) {
    BOOST_TEST_CONTEXT(e.name) {
      const auto by_name = classify_service_error(0, e.name);
      BOOST_TEST(by_name.known);
      BOOST_TEST((by_name.error == e.error));
      BOOST_TEST(by_name.name == e.name);
      if (e.code != 0) {
        const auto by_code = classify_service_error(e.code, {});
        BOOST_TEST(by_code.known);
        BOOST_TEST((by_code.error == e.error));
        BOOST_TEST(by_code.code == e.code);
      }
      bool listed = false;
      for (const auto& known : known_service_errors())
        listed = listed || (known.name == e.name && known.code == e.code && known.error == e.error);
      BOOST_TEST(listed);
    }
  }
}

BOOST_AUTO_TEST_CASE(names_agree_with_the_domain_equivalents) {
  for (const auto e :
       {registration_error::hardware_hash_not_valid, registration_error::device_already_registered,
        registration_error::device_claimed_by_another_organization}) {
    const auto equivalent = autopilot_equivalent_of(e);
    BOOST_TEST((classify_service_error(equivalent.code, {}).error == e));
    BOOST_TEST((classify_service_error(0, equivalent.name).error == e));
  }
}

BOOST_AUTO_TEST_CASE(the_another_tenant_spelling_is_808) {
  const auto alias = classify_service_error(0, "ZtdDeviceAssignedToAnotherTenant");
  BOOST_TEST(alias.known);
  BOOST_TEST((alias.error == registration_error::device_claimed_by_another_organization));
  BOOST_TEST(alias.name == "ZtdDeviceAssignedToAnotherTenant");
}

BOOST_AUTO_TEST_CASE(unknown_codes_are_kept_verbatim) {
  const auto unknown = classify_service_error(999, "ZtdSomethingNew");
  BOOST_TEST(!unknown.known);
  BOOST_TEST(unknown.code == 999);
  BOOST_TEST(unknown.name == "ZtdSomethingNew");
  BOOST_TEST((unknown.error == registration_error::unexpected_error));
  const auto name_only = classify_service_error(0, "ztddevicealreadyassigned");  // case matters
  BOOST_TEST(!name_only.known);
  BOOST_TEST(name_only.name == "ztddevicealreadyassigned");
}

BOOST_AUTO_TEST_CASE(the_code_wins_over_a_disagreeing_name) {
  const auto mixed = classify_service_error(806, "ZtdDeviceNotFound");
  BOOST_TEST((mixed.error == registration_error::device_already_registered));
  BOOST_TEST(mixed.name == "ZtdDeviceNotFound");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(imported_identities)

BOOST_AUTO_TEST_CASE(a_collection_is_read_with_every_field) {
  const std::string json = R"({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/importedWindowsAutopilotDeviceIdentities",
    "value": [
      {"@odata.type": "#microsoft.graph.importedWindowsAutopilotDeviceIdentity",
       "id": "7a5e1b6c-0001", "orderIdentifier": "PO-1", "serialNumber": "0123 \"A\"",
       "productKey": "PK", "importId": "imp-1", "hardwareIdentifier": "AAEC",
       "assignedUserPrincipalName": "ana@contoso.com", "groupTag": "Microsoft365Managed_Standard",
       "state": {"@odata.type": "microsoft.graph.importedWindowsAutopilotDeviceIdentityState",
                 "deviceImportStatus": "error", "deviceRegistrationId": "reg-1",
                 "deviceErrorCode": 806, "deviceErrorName": "ZtdDeviceAlreadyAssigned"}},
      {"id": "7a5e1b6c-0002", "serialNumber": "B", "state": {"deviceImportStatus": "pending",
       "deviceErrorCode": 0, "deviceErrorName": null}}
    ],
    "@odata.nextLink": "https://graph.microsoft.com/v1.0/next?$skiptoken=2"
  })";
  payload_reader reader;
  const auto page = reader.read_imported_identities(json);
  BOOST_TEST_REQUIRE(page.ok(), page.err().message);
  BOOST_TEST_REQUIRE(page->items.size() == 2U);
  const auto& a = page->items[0];
  BOOST_TEST(a.id == "7a5e1b6c-0001");
  BOOST_TEST(a.serial_number == "0123 \"A\"");
  BOOST_TEST(a.product_key == "PK");
  BOOST_TEST(a.import_id == "imp-1");
  BOOST_TEST(a.hardware_identifier == "AAEC");
  BOOST_TEST(a.assigned_user_principal_name == "ana@contoso.com");
  BOOST_TEST(a.group_tag == "Microsoft365Managed_Standard");
  BOOST_TEST((a.status == import_status::error));
  BOOST_TEST(a.status_text == "error");
  BOOST_TEST(a.device_registration_id == "reg-1");
  BOOST_TEST(a.device_error_code == 806);
  BOOST_TEST(a.device_error_name == "ZtdDeviceAlreadyAssigned");
  BOOST_TEST((page->items[1].status == import_status::pending));
  BOOST_TEST(page->next_link == "https://graph.microsoft.com/v1.0/next?$skiptoken=2");
  BOOST_TEST(page->issues.empty());
}

BOOST_AUTO_TEST_CASE(a_single_record_is_read_as_one_item) {
  payload_reader reader;
  const auto page = reader.read_imported_identities(
      R"({"id":"x1","serialNumber":"S","state":{"deviceImportStatus":"complete"}})");
  BOOST_TEST_REQUIRE(page.ok(), page.err().message);
  BOOST_TEST_REQUIRE(page->items.size() == 1U);
  BOOST_TEST((page->items[0].status == import_status::complete));
}

BOOST_AUTO_TEST_CASE(status_names_round_trip_and_progress_is_unknown_or_pending) {
  for (const auto s : {import_status::unknown, import_status::pending, import_status::partial,
                       import_status::complete, import_status::error})
    BOOST_TEST((parse_import_status(import_status_name(s)) == s));
  BOOST_TEST((parse_import_status("Complete") == import_status::unrecognized));
  BOOST_TEST(in_progress(import_status::unknown));
  BOOST_TEST(in_progress(import_status::pending));
  BOOST_TEST(!in_progress(import_status::partial));
  BOOST_TEST(!in_progress(import_status::complete));
  BOOST_TEST(!in_progress(import_status::error));
}

BOOST_AUTO_TEST_CASE(wrong_types_and_missing_ids_are_issues_with_paths) {
  const std::string json = R"({"value": [
      {"id": "a", "serialNumber": 12345, "state": {"deviceErrorCode": "abc"}},
      {"serialNumber": "no id"},
      42,
      {"id": "d", "state": "complete"},
      {"id": "e", "state": {"deviceErrorCode": 1e400}},
      {"id": "f", "state": {"deviceErrorCode": "808"}}
  ]})";
  payload_reader reader;
  const auto page = reader.read_imported_identities(json);
  BOOST_TEST_REQUIRE(page.ok(), page.err().message);
  BOOST_TEST(page->items.size() == 4U);  // a, d, e, f
  BOOST_TEST(has_issue_at(page->issues, "$.value[0].serialNumber"));
  BOOST_TEST(has_issue_at(page->issues, "$.value[0].state.deviceErrorCode"));
  BOOST_TEST(has_issue_at(page->issues, "$.value[1].id"));
  BOOST_TEST(has_issue_at(page->issues, "$.value[2]"));
  BOOST_TEST(has_issue_at(page->issues, "$.value[3].state"));
  BOOST_TEST(has_issue_at(page->issues, "$.value[4].state.deviceErrorCode"));
  BOOST_TEST(page->items[3].device_error_code == 808);
  for (const auto& issue : page->issues)
    BOOST_TEST(issue.offset > 0U);
  // The offset points at the offending value.
  const auto at = json.find("12345");
  bool found = false;
  for (const auto& issue : page->issues)
    found = found || (issue.path == "$.value[0].serialNumber" && issue.offset == at);
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(malformed_documents_are_errors_naming_a_byte_offset) {
  payload_reader reader;
  for (const std::string& json :
       {std::string(""), std::string("{"), std::string("{\"value\": [1, 2"),
        std::string("{\"value\": [{\"id\": \"a\"}]} trailing"), std::string("[1,2]"),
        std::string("\"text\""), std::string("{\"id\": \"\xff\"}"),
        std::string("{\"value\": [{\"id\": \"a\\q\"}]}"), std::string("{\"value\": 7}"),
        std::string("{\"other\": 1}")}) {
    BOOST_TEST_CONTEXT(json) {
      const auto page = reader.read_imported_identities(json);
      if (page.ok()) {
        // Only a well-formed document with the wrong member type may read, and then with an issue.
        BOOST_TEST(!page->issues.empty());
      } else {
        BOOST_TEST((page.err().code == errc::invalid_argument));
        BOOST_TEST(!page.err().message.empty());
      }
    }
  }
  const auto truncated = reader.read_imported_identities("{\"value\": [1, 2");
  BOOST_TEST(!truncated.ok());
  BOOST_TEST(truncated.err().message.find("byte") != std::string::npos);
  const auto trailing = reader.read_imported_identities("{\"id\": \"a\"} x");
  BOOST_TEST(!trailing.ok());
  BOOST_TEST(trailing.err().message.find("byte 12") != std::string::npos, trailing.err().message);
}

BOOST_AUTO_TEST_CASE(oversize_documents_and_item_counts_are_refused) {
  payload_reader small(json_limits{64, 2});
  const auto big = small.read_imported_identities(std::string(65, ' '));
  BOOST_TEST(!big.ok());
  BOOST_TEST(big.err().message.find("exceeds the limit of 64 bytes") != std::string::npos);
  const auto many =
      small.read_imported_identities(R"({"value":[{"id":"a"},{"id":"b"},{"id":"c"}]})");
  BOOST_TEST_REQUIRE(many.ok(), many.err().message);
  BOOST_TEST(many->items.size() == 2U);
  BOOST_TEST(has_issue_at(many->issues, "$.value"));
}

BOOST_AUTO_TEST_CASE(deeply_nested_documents_do_not_crash) {
  payload_reader reader;
  const std::string deep =
      "{\"value\":[" + std::string(100000, '[') + std::string(100000, ']') + "]}";
  const auto page = reader.read_imported_identities(deep);
  // The nested arrays are skipped unread: the one element is reported as not a record.
  BOOST_TEST_REQUIRE(page.ok(), page.err().message);
  BOOST_TEST(page->items.empty());
  BOOST_TEST(has_issue_at(page->issues, "$.value[0]"));
  const std::string unbalanced = "{\"value\":[" + std::string(100000, '[') + "]}";
  BOOST_TEST(!reader.read_imported_identities(unbalanced).ok());
}

BOOST_AUTO_TEST_CASE(graph_error_bodies_are_read) {
  payload_reader reader;
  const auto e = reader.read_graph_error(
      R"({"error":{"code":"BadRequest","message":"Cannot convert the literal 'x' to the expected type 'Edm.Binary'.","innerError":{"request-id":"r"}}})");
  BOOST_TEST_REQUIRE(e.has_value());
  BOOST_TEST(e->first == "BadRequest");
  BOOST_TEST(e->second.find("Edm.Binary") != std::string::npos);
  BOOST_TEST(!reader.read_graph_error("not json").has_value());
  BOOST_TEST(!reader.read_graph_error("{\"value\":[]}").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(autopilot_devices)

BOOST_AUTO_TEST_CASE(pages_accumulate_and_expose_the_next_link) {
  autopilot_device_listing listing;
  BOOST_TEST(!listing.complete());
  const std::string page1 = R"({"@odata.context":"c","value":[
      {"@odata.type":"#microsoft.graph.windowsAutopilotDeviceIdentity","id":"d1",
       "deploymentProfileAssignmentStatus":"assignedInSync",
       "deploymentProfileAssignedDateTime":"2024-05-06T10:00:00Z","groupTag":"Microsoft365Managed_Kiosk",
       "purchaseOrderIdentifier":"PO","serialNumber":"S1","productKey":"","manufacturer":"Dell Inc.",
       "model":"Latitude 7440","enrollmentState":"enrolled","lastContactedDateTime":"2024-05-07T00:00:00Z",
       "userPrincipalName":"u@contoso.com","azureActiveDirectoryDeviceId":"aad-1",
       "managedDeviceId":"md-1","displayName":"MMD-12345678901"}],
      "@odata.nextLink":"https://graph.microsoft.com/v1.0/deviceManagement/windowsAutopilotDeviceIdentities?$skiptoken=p2"})";
  BOOST_TEST_REQUIRE(listing.add_page(page1).ok());
  BOOST_TEST(!listing.complete());
  BOOST_TEST(listing.next_link().find("skiptoken=p2") != std::string::npos);
  BOOST_TEST_REQUIRE(listing.add_page(R"({"value":[{"id":"d2","serialNumber":7}]})").ok());
  BOOST_TEST(listing.complete());
  BOOST_TEST(listing.pages() == 2U);
  BOOST_TEST_REQUIRE(listing.devices().size() == 2U);
  const auto& d = listing.devices()[0];
  BOOST_TEST(d.id == "d1");
  BOOST_TEST(d.deployment_profile_assignment_status == "assignedInSync");
  BOOST_TEST(d.deployment_profile_assigned_date_time == "2024-05-06T10:00:00Z");
  BOOST_TEST(d.group_tag == "Microsoft365Managed_Kiosk");
  BOOST_TEST(d.purchase_order_identifier == "PO");
  BOOST_TEST(d.serial_number == "S1");
  BOOST_TEST(d.manufacturer == "Dell Inc.");
  BOOST_TEST(d.model == "Latitude 7440");
  BOOST_TEST(d.enrollment_state == "enrolled");
  BOOST_TEST(d.last_contacted_date_time == "2024-05-07T00:00:00Z");
  BOOST_TEST(d.user_principal_name == "u@contoso.com");
  BOOST_TEST(d.azure_active_directory_device_id == "aad-1");
  BOOST_TEST(d.managed_device_id == "md-1");
  BOOST_TEST(d.display_name == "MMD-12345678901");
  BOOST_TEST_REQUIRE(listing.issues().size() == 1U);
  BOOST_TEST(listing.issues()[0].path == "page[1]$.value[0].serialNumber");
}

BOOST_AUTO_TEST_CASE(a_bad_page_changes_nothing) {
  autopilot_device_listing listing;
  BOOST_TEST_REQUIRE(listing.add_page(R"({"value":[{"id":"d1"}],"@odata.nextLink":"n2"})").ok());
  const auto bad = listing.add_page(R"({"value":[{"id":"d2"}, )");
  BOOST_TEST(!bad.ok());
  BOOST_TEST(listing.devices().size() == 1U);
  BOOST_TEST(listing.next_link() == "n2");
  BOOST_TEST(!listing.add_page(R"({"items":[]})").ok());
  BOOST_TEST(listing.pages() == 1U);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(partner_center_batches)

BOOST_AUTO_TEST_CASE(batch_status_and_device_details_are_read) {
  const std::string json = R"({
    "batchTrackingId": "e4ba4b04-7a5d-4b1b-8d53-9c8f9c3a9a7e",
    "status": "finished_with_errors",
    "startedTime": "2024-05-06T10:00:00Z", "completedTime": "2024-05-06T10:02:00Z",
    "devicesStatus": [
      {"deviceId": "d1", "serialNumber": "S1", "productKey": "", "status": "finished",
       "attributes": {"objectType": "DeviceUploadDetails"}},
      {"deviceId": "", "serialNumber": "S2", "status": "finished_with_errors",
       "errorCode": "808", "errorDescription": "ZtdDeviceAssignedToOtherTenant"},
      {"serialNumber": "S3", "status": "finished_with_errors", "errorCode": 806},
      {"serialNumber": "S4", "status": "finished_with_errors", "errorCode": "ZtdDeviceDuplicated"}
    ],
    "attributes": {"objectType": "BatchUploadDetails"}})";
  payload_reader reader;
  const auto batch = reader.read_batch_status(json);
  BOOST_TEST_REQUIRE(batch.ok(), batch.err().message);
  BOOST_TEST(batch->batch_tracking_id == "e4ba4b04-7a5d-4b1b-8d53-9c8f9c3a9a7e");
  BOOST_TEST((batch->status == batch_status::finished_with_errors));
  BOOST_TEST(batch->started_time == "2024-05-06T10:00:00Z");
  BOOST_TEST(batch->completed_time == "2024-05-06T10:02:00Z");
  BOOST_TEST_REQUIRE(batch->devices.size() == 4U);
  BOOST_TEST((batch->devices[0].status == batch_status::finished));
  BOOST_TEST(batch->devices[0].device_id == "d1");
  BOOST_TEST(batch->devices[1].error_code == "808");
  BOOST_TEST((batch->devices[1].error.error ==
              registration_error::device_claimed_by_another_organization));
  BOOST_TEST(batch->devices[2].error_code == "806");
  BOOST_TEST((batch->devices[2].error.error == registration_error::device_already_registered));
  BOOST_TEST(batch->devices[3].error.known);
  BOOST_TEST(batch->devices[3].error.name == "ZtdDeviceDuplicated");
  BOOST_TEST(batch->issues.empty());
}

BOOST_AUTO_TEST_CASE(every_batch_status_name_round_trips) {
  for (const auto s : {batch_status::unknown, batch_status::queued, batch_status::processing,
                       batch_status::finished, batch_status::finished_with_errors})
    BOOST_TEST((parse_batch_status(batch_status_name(s)) == s));
  payload_reader reader;
  for (const std::string_view name :
       {"unknown", "queued", "processing", "finished", "finished_with_errors"}) {
    const auto batch =
        reader.read_batch_status("{\"status\":\"" + std::string(name) + "\",\"devicesStatus\":[]}");
    BOOST_TEST_REQUIRE(batch.ok());
    BOOST_TEST(batch->status_text == name);
    BOOST_TEST((batch->status != batch_status::unrecognized));
  }
}

BOOST_AUTO_TEST_CASE(unknown_statuses_and_bad_documents_are_reported) {
  payload_reader reader;
  const auto odd =
      reader.read_batch_status(R"({"status":"paused","devicesStatus":[{"status":3}]})");
  BOOST_TEST_REQUIRE(odd.ok());
  BOOST_TEST((odd->status == batch_status::unrecognized));
  BOOST_TEST(has_issue_at(odd->issues, "$.status"));
  BOOST_TEST(has_issue_at(odd->issues, "$.devicesStatus[0].status"));
  BOOST_TEST(!reader.read_batch_status(R"({"devicesStatus":[]})").ok());
  BOOST_TEST(!reader.read_batch_status(R"({"status":"queued")").ok());
  BOOST_TEST(!reader.read_batch_status("[]").ok());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(writers)

BOOST_AUTO_TEST_CASE(json_strings_escape_quotes_backslashes_and_controls) {
  BOOST_TEST(json_string("plain").value() == "\"plain\"");
  BOOST_TEST(json_string("a\"b\\c").value() == "\"a\\\"b\\\\c\"");
  BOOST_TEST(json_string("\n\r\t\b\f").value() == "\"\\n\\r\\t\\b\\f\"");
  BOOST_TEST(json_string(std::string("\x01\x1f\x00", 3)).value() == "\"\\u0001\\u001f\\u0000\"");
  BOOST_TEST(json_string("\x7f").value() == "\"\x7f\"");
  BOOST_TEST(json_string("Jos\xc3\xa9@contoso.com").value() == "\"Jos\xc3\xa9@contoso.com\"");
  BOOST_TEST(json_string("\xf0\x9f\x98\x80").value() == "\"\xf0\x9f\x98\x80\"");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_refused_with_its_offset) {
  for (const std::string& bad :
       {std::string("ab\xff"), std::string("ab\xc3"), std::string("ab\xc0\x80"),
        std::string("ab\xed\xa0\x80"), std::string("ab\xf4\x90\x80\x80"), std::string("ab\x80")}) {
    const auto out = json_string(bad);
    BOOST_TEST_REQUIRE(!out.ok());
    BOOST_TEST((out.err().code == errc::invalid_argument));
    BOOST_TEST(out.err().message.find("byte 2") != std::string::npos, out.err().message);
  }
}

BOOST_AUTO_TEST_CASE(the_graph_import_body_round_trips_through_the_device_list_reader) {
  device_record tricky;
  tricky.serial_number = "SN\"1\\";
  tricky.product_key_id = "PK\t";
  tricky.hardware_hash = valid_hash("SN1");
  tricky.group_tag = "Tag \"with\" \\ backslash\n";
  tricky.assigned_user = "Zo\xc3\xab.M\xc3\xbcller@contoso.com";
  device_record bare;
  bare.serial_number = "S2";
  const std::vector<device_record> devices{tricky, bare};
  const auto body = write_graph_import_body(devices);
  BOOST_TEST_REQUIRE(body.ok(), body.err().message);
  BOOST_TEST(body->starts_with(
      "{\"importedWindowsAutopilotDeviceIdentities\":[{\"@odata.type\":\"#microsoft.graph."
      "importedWindowsAutopilotDeviceIdentity\",\"serialNumber\":\"SN\\\"1\\\\\""));
  BOOST_TEST(body->find("\"groupTag\":\"Tag \\\"with\\\" \\\\ backslash\\n\"") !=
             std::string::npos);
  BOOST_TEST(body->find("\"productKey\"", body->find("S2")) == std::string::npos);

  const auto read = read_device_list(*body);
  BOOST_TEST_REQUIRE(read.ok(), read.err().message);
  BOOST_TEST(read->issues.empty());
  BOOST_TEST_REQUIRE(read->devices.size() == 2U);
  BOOST_TEST((read->devices[0].record == tricky));
  BOOST_TEST((read->devices[1].record == bare));
  BOOST_TEST(read->devices[1].path == "$.importedWindowsAutopilotDeviceIdentities[1]");
}

BOOST_AUTO_TEST_CASE(the_hash_is_written_as_padded_base64_of_its_bytes) {
  device_record device;
  device.serial_number = "S";
  device.hardware_hash = "AAE=";  // not a real hash: the writer only re-encodes the bytes
  auto body = write_graph_import_body(std::span(&device, 1));
  BOOST_TEST_REQUIRE(body.ok());
  BOOST_TEST(body->find("\"hardwareIdentifier\":\"AAE=\"") != std::string::npos);
  device.hardware_hash = "AAF=";  // stray bits under the padding are cleared
  body = write_graph_import_body(std::span(&device, 1));
  BOOST_TEST_REQUIRE(body.ok());
  BOOST_TEST(body->find("\"hardwareIdentifier\":\"AAE=\"") != std::string::npos);
  for (const std::string bad : {"AAE", "AA=E", "A*E="}) {
    device.hardware_hash = bad;
    const auto refused = write_graph_import_body(std::span(&device, 1));
    BOOST_TEST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.err().message.find("device 0, hardwareIdentifier") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_refuses_the_whole_body) {
  std::vector<device_record> devices(2);
  devices[0].serial_number = "ok";
  devices[1].serial_number = "ok2";
  devices[1].assigned_user = "bad\xff@contoso.com";
  const auto body = write_graph_import_body(devices);
  BOOST_TEST_REQUIRE(!body.ok());
  BOOST_TEST(body.err().message.find("device 1, assignedUserPrincipalName") != std::string::npos);
  BOOST_TEST(body.err().message.find("byte 3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_mmd_body_requires_a_hash_only_from_a_tenant_admin) {
  device_record device;
  device.manufacturer = "Dell \"Inc.\"";
  device.model = "Latitude\\7440";
  device.serial_number = "0042";
  const auto partner = write_mmd_registration_body(std::span(&device, 1), mmd_sender::partner);
  BOOST_TEST_REQUIRE(partner.ok(), partner.err().message);
  BOOST_TEST(*partner ==
             "{\"devices\":[{\"manufacturer\":\"Dell \\\"Inc.\\\"\",\"model\":\"Latitude\\\\7440\","
             "\"serialNumber\":\"0042\"}]}");
  const auto admin = write_mmd_registration_body(std::span(&device, 1), mmd_sender::tenant_admin);
  BOOST_TEST_REQUIRE(!admin.ok());
  BOOST_TEST(admin.err().message.find("hardwareHash") != std::string::npos);
  device.hardware_hash = "AAEC";
  const auto with_hash =
      write_mmd_registration_body(std::span(&device, 1), mmd_sender::tenant_admin);
  BOOST_TEST_REQUIRE(with_hash.ok());
  BOOST_TEST(with_hash->find(",\"hardwareHash\":\"AAEC\"}") != std::string::npos);
  device.model.clear();
  BOOST_TEST(!write_mmd_registration_body(std::span(&device, 1), mmd_sender::partner).ok());
}

BOOST_AUTO_TEST_SUITE_END()
