#define BOOST_TEST_MODULE registry_access
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "registry_fixture.hpp"
#include "support.hpp"

using namespace mmdreg;
using namespace mmdreg::testing;
using registry::audit_cause;

namespace {

struct world {
  engine e{registry::engine_options{.start = t0, .seed = 9}};
  organization_id contoso = e.add_organization(settings_named("Contoso")).value();
  organization_id fabrikam = e.add_organization(settings_named("Fabrikam")).value();
  registry::partner_id partner = e.add_partner("Northwind Partners").value();
  registry::oem_id oem = e.add_oem("Surface Factory").value();
  actor admin = actor::admin_of(contoso);

  registration_request partner_request(std::vector<batch_entry> devices,
                                       channel via = channel::partner_center) {
    registration_request r;
    r.by = actor::partner(partner);
    r.organization = contoso;
    r.via = via;
    r.devices = std::move(devices);
    return r;
  }
  registration_request oem_request(std::vector<batch_entry> devices) {
    registration_request r;
    r.by = actor::oem(oem);
    r.organization = contoso;
    r.via = channel::oem_api;
    r.devices = std::move(devices);
    return r;
  }
};

batch_entry tuple_entry(std::string manufacturer, std::string model, std::string serial,
                        std::uint32_t line) {
  batch_entry e;
  e.record.manufacturer = std::move(manufacturer);
  e.record.model = std::move(model);
  e.record.serial_number = std::move(serial);
  e.line = line;
  return e;
}

registry::catalogue_entry catalogue_of(std::uint32_t n, bool with_identity) {
  const auto f = device_fields(n);
  registry::catalogue_entry c{
      .manufacturer = f.manufacturer, .model = f.model, .serial_number = f.serial_number};
  if (with_identity) c.identity = identity_of(n);
  return c;
}

/// A storage that refuses every commit once told to, as a full disk would.
class failing_storage final : public registry::storage {
 public:
  status commit(const registry::change_set& batch) override {
    if (failing) return error{errc::io, "disk full"};
    return inner.commit(batch);
  }
  result<registry::snapshot> load() const override { return inner.load(); }
  registry::memory_storage inner;
  bool failing = false;
};

}  // namespace

BOOST_AUTO_TEST_CASE(device_not_found_when_a_partner_tuple_matches_no_supplier_record) {
  world w;
  BOOST_TEST_REQUIRE(w.e.grant_partner_consent(w.admin, w.contoso, w.partner).ok());
  BOOST_TEST_REQUIRE(w.e.add_catalogue_entry(catalogue_of(1, false)).ok());
  const auto f = device_fields(1);
  // The tuple must match exactly: case matters, every field counts.
  const auto r = w.e.register_devices(w.partner_request(
      {tuple_entry(f.manufacturer, f.model, f.serial_number, 2),
       tuple_entry("microsoft corporation", f.model, f.serial_number, 3),
       tuple_entry(f.manufacturer, "Surface Laptop 4", f.serial_number, 4),
       tuple_entry(f.manufacturer, f.model, "X" + f.serial_number, 5), tuple_entry("", "", "", 6)},
      channel::mmd_api));
  BOOST_TEST_REQUIRE(r.ok(), r.err().message);
  BOOST_TEST(r->accepted == 1U);
  BOOST_TEST(!r->devices[0].failure.has_value());
  for (std::size_t i = 1; i < 5; ++i) {
    BOOST_TEST_REQUIRE(r->devices[i].failure.has_value());
    BOOST_TEST(message(r->devices[i].failure->error) == "Device not found");
    BOOST_TEST(r->devices[i].failure->request_id.empty());
    BOOST_TEST(r->devices[i].line == i + 2);
  }
  // mmd-api is a manual channel: the matched device is pending at once.
  BOOST_TEST((state_of(w.e, w.contoso, *r->devices[0].device) == registration_state::pending));
  const auto failed = w.e.device(w.admin, w.contoso, *r->devices[1].device).value();
  BOOST_TEST((failed.state == registration_state::failed));
  BOOST_TEST((failed.last_error->error == registration_error::device_not_found));
}

BOOST_AUTO_TEST_CASE(hardware_hash_not_valid_for_a_broken_hash_or_an_admin_without_one) {
  world w;
  auto broken = hashed_entry(1, 2);
  broken.record.hardware_hash.resize(3996);  // truncated
  auto tampered = hashed_entry(2, 3);
  tampered.record.hardware_hash[100] =
      tampered.record.hardware_hash[100] == 'A' ? 'B' : 'A';  // checksum
  auto no_hash = tuple_entry("Microsoft Corporation", "Surface Laptop 5", "0001", 4);
  const auto r = w.e.register_devices(
      manual_request(w.contoso, {broken, tampered, no_hash, hashed_entry(3, 5)}));
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->failed == 3U);
  BOOST_TEST(r->accepted == 1U);
  for (std::size_t i = 0; i < 3; ++i)
    BOOST_TEST(message(r->devices[i].failure->error) == "Hardware hash not valid");
  const auto blade = w.e.devices_blade(w.admin, w.contoso).value();
  BOOST_TEST(blade.size() == 4U);
  BOOST_TEST(blade[0].serial_number == device_fields(1).serial_number);  // as uploaded
}

BOOST_AUTO_TEST_CASE(device_already_registered_leaves_the_existing_row_alone) {
  world w;
  const auto first = w.e.register_devices(manual_request(w.contoso, {hashed_entry(1)})).value();
  const auto d = *first.devices[0].device;
  BOOST_TEST_REQUIRE(w.e.advance(10min).ok());
  const auto before = w.e.row(d);
  // Another capture of the same device (different hash text, same identity).
  auto fields = device_fields(1);
  fields.capture_time += std::chrono::days{3};
  batch_entry again;
  again.record.hardware_hash = build_hash(fields).value();
  again.line = 7;
  BOOST_TEST(again.record.hardware_hash != hashed_entry(1).record.hardware_hash);
  const auto r = w.e.register_devices(manual_request(w.contoso, {again})).value();
  BOOST_TEST(message(r.devices[0].failure->error) == "Device already registered");
  BOOST_TEST(!r.devices[0].device.has_value());
  BOOST_TEST((w.e.row(d) == before));
  BOOST_TEST(w.e.devices_blade(w.admin, w.contoso).value().size() == 1U);
  // Twice in one batch: the second is already registered by the first.
  const auto twice =
      w.e.register_devices(manual_request(w.contoso, {hashed_entry(2), decoded_entry(2)})).value();
  BOOST_TEST(twice.accepted == 1U);
  BOOST_TEST((twice.devices[1].failure->error == registration_error::device_already_registered));
}

BOOST_AUTO_TEST_CASE(the_same_device_offered_by_two_organizations_is_claimed_by_the_first) {
  world w;
  BOOST_TEST_REQUIRE(
      w.e.register_devices(manual_request(w.contoso, {hashed_entry(1)})).value().accepted == 1U);
  const auto r = w.e.register_devices(manual_request(w.fabrikam, {hashed_entry(1, 9)})).value();
  BOOST_TEST_REQUIRE(r.devices[0].failure.has_value());
  BOOST_TEST(message(r.devices[0].failure->error) == "Device claimed by another organization");
  BOOST_TEST((autopilot_equivalent_of(r.devices[0].failure->error).code == 808));
  BOOST_TEST((w.e.owner_of(identity_of(1)) == w.contoso));
  const auto fabrikam_blade = w.e.devices_blade(actor::admin_of(w.fabrikam), w.fabrikam).value();
  BOOST_TEST_REQUIRE(fabrikam_blade.size() == 1U);
  BOOST_TEST((fabrikam_blade[0].state == registration_state::failed));
  // The failed row owns nothing: Contoso's device goes on, and removing the failure frees nothing.
  BOOST_TEST_REQUIRE(
      w.e.deregister(actor::admin_of(w.fabrikam), w.fabrikam, fabrikam_blade[0].id).ok());
  BOOST_TEST((w.e.owner_of(identity_of(1)) == w.contoso));
}

BOOST_AUTO_TEST_CASE(unexpected_error_with_request_ids_when_the_storage_fails_and_nothing_changes) {
  failing_storage store;
  auto opened = engine::open(store, registry::engine_options{.start = t0, .seed = 3});
  BOOST_TEST_REQUIRE(opened.ok());
  auto& e = *opened;
  const auto org = e.add_organization(settings_named("Contoso")).value();
  BOOST_TEST_REQUIRE(e.register_devices(manual_request(org, {hashed_entry(1)})).value().accepted ==
                     1U);
  const auto before = e.export_snapshot();
  const auto stored_before = store.inner.load().value();

  store.failing = true;
  const auto r = e.register_devices(manual_request(org, {hashed_entry(2, 2), hashed_entry(3, 3)}));
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->failed == 2U);
  BOOST_TEST(r->accepted == 0U);
  for (const auto& outcome : r->devices) {
    BOOST_TEST(message(outcome.failure->error) == "Unexpected error");
    BOOST_TEST(is_request_id(outcome.failure->request_id));
    BOOST_TEST(!outcome.device.has_value());
  }
  BOOST_TEST(r->devices[0].failure->request_id != r->devices[1].failure->request_id);
  BOOST_TEST((e.export_snapshot().devices == before.devices));
  BOOST_TEST((e.export_snapshot().audit == before.audit));
  BOOST_TEST(!e.owner_of(identity_of(2)).has_value());
  // A job run that cannot be stored leaves the clock and the devices as they were.
  const auto advanced = e.advance(1h);
  BOOST_TEST((advanced.err().code == errc::io));
  BOOST_TEST((e.now() == t0));
  BOOST_TEST((e.export_snapshot().devices == before.devices));
  BOOST_TEST((store.inner.load().value().devices == stored_before.devices));

  store.failing = false;
  BOOST_TEST_REQUIRE(e.advance(1h).ok());
  BOOST_TEST((state_of(e, org, device_id{1}) == registration_state::ready_for_user));
}

BOOST_AUTO_TEST_CASE(a_partner_without_consent_is_refused_and_nothing_changes) {
  world w;
  const auto before = w.e.export_snapshot();
  const auto r = w.e.register_devices(w.partner_request({hashed_entry(1)}));
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().code == errc::refused));
  BOOST_TEST(r.err().message.find("consent") != std::string::npos);
  BOOST_TEST((w.e.export_snapshot().devices == before.devices));
  BOOST_TEST(w.e.export_snapshot().requests.empty());
  BOOST_TEST(!w.e.owner_of(identity_of(1)).has_value());
  // Only the customer's admin grants consent.
  BOOST_TEST(!w.e.grant_partner_consent(actor::partner(w.partner), w.contoso, w.partner).ok());
  BOOST_TEST(!w.e.grant_partner_consent(actor::admin_of(w.fabrikam), w.contoso, w.partner).ok());
  BOOST_TEST_REQUIRE(w.e.grant_partner_consent(w.admin, w.contoso, w.partner).ok());
  BOOST_TEST(w.e.register_devices(w.partner_request({hashed_entry(1)})).ok());
  // Consent to Contoso is no consent to Fabrikam.
  auto for_fabrikam = w.partner_request({hashed_entry(2)});
  for_fabrikam.organization = w.fabrikam;
  BOOST_TEST((w.e.register_devices(for_fabrikam).err().code == errc::refused));
}

BOOST_AUTO_TEST_CASE(consent_withdrawn_mid_way_stops_new_requests_but_not_accepted_ones) {
  world w;
  BOOST_TEST_REQUIRE(w.e.grant_partner_consent(w.admin, w.contoso, w.partner).ok());
  const auto accepted =
      w.e.register_devices(w.partner_request({hashed_entry(1), hashed_entry(2)})).value();
  BOOST_TEST(accepted.accepted == 2U);
  BOOST_TEST_REQUIRE(w.e.advance(5min).ok());
  BOOST_TEST_REQUIRE(w.e.withdraw_partner_consent(w.admin, w.contoso, w.partner).ok());
  BOOST_TEST(
      !w.e.withdraw_partner_consent(w.admin, w.contoso, w.partner).ok());  // already withdrawn
  const auto refused = w.e.register_devices(w.partner_request({hashed_entry(3)}));
  BOOST_TEST((refused.err().code == errc::refused));
  BOOST_TEST(!w.e.owner_of(identity_of(3)).has_value());
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 2h).ok());
  for (const auto& outcome : accepted.devices)
    BOOST_TEST((state_of(w.e, w.contoso, *outcome.device) == registration_state::ready_for_user));
  // The partner can still read the failures of its own request, never the blade.
  BOOST_TEST(w.e.request_failures(actor::partner(w.partner), w.contoso, accepted.number).ok());
}

BOOST_AUTO_TEST_CASE(an_oem_registers_only_with_the_customers_authorization) {
  world w;
  BOOST_TEST_REQUIRE(w.e.add_catalogue_entry(catalogue_of(2, true)).ok());
  const auto f2 = device_fields(2);
  BOOST_TEST((w.e.register_devices(w.oem_request({hashed_entry(1)})).err().code == errc::refused));
  BOOST_TEST_REQUIRE(w.e.authorize_oem(w.admin, w.contoso, w.oem).ok());
  const auto r = w.e.register_devices(w.oem_request(
      {hashed_entry(1), tuple_entry(f2.manufacturer, f2.model, f2.serial_number, 3)}));
  BOOST_TEST_REQUIRE(r.ok(), r.err().message);
  BOOST_TEST(r->accepted == 2U);
  // The tuple resolved to the identity the supplier knows from the hash.
  BOOST_TEST((w.e.owner_of(identity_of(2)) == w.contoso));
  // OEMs and partners use their own channels only, and never see the blade.
  auto wrong_channel = w.oem_request({hashed_entry(4)});
  wrong_channel.via = channel::partner_center;
  BOOST_TEST((w.e.register_devices(wrong_channel).err().code == errc::refused));
  wrong_channel.via = channel::devices_blade;
  BOOST_TEST((w.e.register_devices(wrong_channel).err().code == errc::refused));
  BOOST_TEST((w.e.devices_blade(actor::oem(w.oem), w.contoso).err().code == errc::refused));
  BOOST_TEST((w.e.devices_blade(actor::partner(w.partner), w.contoso).err().code == errc::refused));
  BOOST_TEST(!w.e.audit(actor::oem(w.oem), w.contoso).ok());
  BOOST_TEST(!w.e.device(actor::oem(w.oem), w.contoso, *r->devices[0].device).ok());
  BOOST_TEST(!w.e.progress(actor::partner(w.partner), w.contoso, *r->devices[0].device).ok());
  BOOST_TEST(!w.e.group_members(actor::oem(w.oem), w.contoso, all_devices_group()).ok());
  BOOST_TEST_REQUIRE(w.e.revoke_oem_authorization(w.admin, w.contoso, w.oem).ok());
  BOOST_TEST((w.e.register_devices(w.oem_request({hashed_entry(5)})).err().code == errc::refused));
  // The auto-registered devices go on.
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 2h).ok());
  BOOST_TEST(w.e.devices_blade(w.admin, w.contoso).value().size() == 2U);
}

BOOST_AUTO_TEST_CASE(partner_center_identifies_by_windows_product_id) {
  world w;
  BOOST_TEST_REQUIRE(w.e.grant_partner_consent(w.admin, w.contoso, w.partner).ok());
  auto entry = catalogue_of(1, false);
  entry.product_key_id = "3345678901234";
  BOOST_TEST_REQUIRE(w.e.add_catalogue_entry(entry).ok());
  BOOST_TEST((w.e.add_catalogue_entry(entry).err().code == errc::conflict));
  batch_entry by_key;
  by_key.record.product_key_id = "3345678901234";
  batch_entry unknown_key;
  unknown_key.record.product_key_id = "9999";
  const auto r = w.e.register_devices(w.partner_request({by_key, unknown_key})).value();
  BOOST_TEST(!r.devices[0].failure.has_value());
  BOOST_TEST((r.devices[1].failure->error == registration_error::device_not_found));
}

BOOST_AUTO_TEST_CASE(refused_batches_change_nothing) {
  world w;
  auto disabled = settings_named("Contoso");
  disabled.enabled_profiles[static_cast<std::size_t>(device_profile::kiosk)] = false;
  BOOST_TEST_REQUIRE(w.e.update_settings(w.admin, w.contoso, disabled).ok());
  BOOST_TEST(!w.e.update_settings(actor::admin_of(w.fabrikam), w.contoso, disabled).ok());
  const auto before = w.e.export_snapshot();

  auto expect_refused = [&](const registration_request& r, errc code, std::string_view words) {
    const auto result = w.e.register_devices(r);
    BOOST_TEST_REQUIRE(!result.ok());
    BOOST_TEST((result.err().code == code));
    BOOST_TEST(result.err().message.find(words) != std::string::npos, result.err().message);
  };
  expect_refused(manual_request(w.contoso, {hashed_entry(1)}, device_profile::power_user, true),
                 errc::invalid_argument, "Power user");
  expect_refused(manual_request(w.contoso, {hashed_entry(1)}, device_profile::kiosk), errc::refused,
                 "Kiosk profile is not enabled");
  expect_refused(manual_request(w.contoso, {}), errc::invalid_argument, "no devices");
  auto tagged = hashed_entry(1, 12);
  tagged.record.group_tag = "Microsoft365Managed_Kiosk";
  expect_refused(manual_request(w.contoso, {tagged}), errc::invalid_argument, "line 12");
  auto other_admin = manual_request(w.contoso, {hashed_entry(1)});
  other_admin.by = actor::admin_of(w.fabrikam);
  expect_refused(other_admin, errc::refused, "tenant admin");
  auto too_many = manual_request(w.contoso, std::vector<batch_entry>(501, decoded_entry(1)));
  too_many.via = channel::autopilot_blade;
  expect_refused(too_many, errc::invalid_argument, "at most 500");
  auto unknown = manual_request(organization_id{77}, {hashed_entry(1)});
  expect_refused(unknown, errc::not_found, "organization 77");
  auto unlicensed = settings_named("Fabrikam");
  unlicensed.licensed = false;
  BOOST_TEST_REQUIRE(w.e.update_settings(actor::admin_of(w.fabrikam), w.fabrikam, unlicensed).ok());
  expect_refused(manual_request(w.fabrikam, {hashed_entry(1)}), errc::refused, "licences");

  const auto after = w.e.export_snapshot();
  BOOST_TEST((after.devices == before.devices));
  BOOST_TEST((after.audit == before.audit));
  BOOST_TEST(after.requests.empty());
  // A batch tagged with its own tag is fine.
  auto own_tag = hashed_entry(1);
  own_tag.record.group_tag = "Microsoft365Managed_Standard";
  BOOST_TEST(w.e.register_devices(manual_request(w.contoso, {own_tag})).ok());
}

BOOST_AUTO_TEST_CASE(failures_export_as_csv_and_json_with_lines_and_request_ids) {
  world w;
  BOOST_TEST_REQUIRE(w.e.register_devices(manual_request(w.fabrikam, {hashed_entry(2)})).ok());
  auto broken = hashed_entry(1, 4);
  broken.record.hardware_hash[0] = '!';
  broken.record.manufacturer = "Microsoft Corporation";
  broken.record.model = "Surface Laptop 5";
  const auto r = w.e.register_devices(
      manual_request(w.contoso, {hashed_entry(3, 2), hashed_entry(2, 3), broken}));
  BOOST_TEST_REQUIRE(r.ok());
  const auto failures = w.e.request_failures(w.admin, w.contoso, r->number).value();
  BOOST_TEST_REQUIRE(failures.size() == 2U);
  const auto csv = registry::failures_to_csv(failures);
  const std::string expected_csv =
      "Line,Manufacturer,Model,Serial Number,Error,Request ID\r\n"
      "3,Microsoft Corporation,Surface Laptop 5," +
      device_fields(2).serial_number +
      ",Device claimed by another organization,\r\n"
      "4,Microsoft Corporation,Surface Laptop 5," +
      device_fields(1).serial_number + ",Hardware hash not valid,\r\n";
  BOOST_TEST(csv == expected_csv);
  const auto json = registry::failures_to_json(failures);
  BOOST_TEST(json.find("{\"line\":3,\"manufacturer\":\"Microsoft Corporation\"") !=
             std::string::npos);
  BOOST_TEST(json.find("\"error\":\"Hardware hash not valid\",\"requestId\":null}") !=
             std::string::npos);
  // Request IDs are exported when there is one.
  const registry::failure_row unexpected{.line = 9,
                                         .serial_number = "A\"B",
                                         .error = registration_error::unexpected_error,
                                         .request_id = "0b5c2d1e-1111-4222-8333-444455556666"};
  BOOST_TEST(registry::failures_to_csv({&unexpected, 1})
                 .find(",\"A\"\"B\",Unexpected error,0b5c2d1e-1111-4222-8333-444455556666") !=
             std::string::npos);
  BOOST_TEST(registry::failures_to_json({&unexpected, 1}).find("\"serialNumber\":\"A\\\"B\"") !=
             std::string::npos);
  // Other actors cannot read Contoso's failures.
  BOOST_TEST(!w.e.request_failures(actor::admin_of(w.fabrikam), w.contoso, r->number).ok());
}

BOOST_AUTO_TEST_CASE(the_audit_trail_is_queryable_by_device_and_time_and_exportable) {
  world w;
  const auto a =
      *w.e.register_devices(manual_request(w.contoso, {hashed_entry(1)})).value().devices[0].device;
  BOOST_TEST_REQUIRE(w.e.advance(1h).ok());
  const auto b =
      *w.e.register_devices(manual_request(w.contoso, {hashed_entry(2)})).value().devices[0].device;
  BOOST_TEST_REQUIRE(w.e.register_devices(manual_request(w.fabrikam, {hashed_entry(3)})).ok());
  BOOST_TEST_REQUIRE(w.e.advance(1h).ok());

  const auto all = w.e.audit(w.admin, w.contoso).value();
  BOOST_TEST(all.size() == 6U);  // two devices: pending, ring, ready each
  for (const auto& r : all)
    BOOST_TEST((r.device == a || r.device == b));
  const auto only_b = w.e.audit(w.admin, w.contoso, {.device = b}).value();
  BOOST_TEST(only_b.size() == 3U);
  const auto first_hour = w.e.audit(w.admin, w.contoso, {.until = t0 + 1h - 1s}).value();
  BOOST_TEST(first_hour.size() == 3U);
  const auto second_hour =
      w.e.audit(w.admin, w.contoso, {.from = t0 + 1h, .until = t0 + 2h}).value();
  BOOST_TEST(second_hour.size() == 3U);
  BOOST_TEST((second_hour[0].device == b));

  const auto csv = registry::audit_to_csv(first_hour);
  BOOST_TEST(
      csv.starts_with("Time,Device,Serial Number,From,To,Cause,Actor\r\n"
                      "2026-03-02T00:00:00Z,1," +
                      device_fields(1).serial_number +
                      ",,Registration Pending,registration requested,tenant admin 1\r\n"));
  BOOST_TEST(csv.find("2026-03-02T00:08:00Z,1," + device_fields(1).serial_number +
                      ",Registration Pending,Ready for user,validation,service\r\n") !=
             std::string::npos);
  const auto json = registry::audit_to_json(first_hour);
  BOOST_TEST(json.starts_with(
      "[{\"time\":\"2026-03-02T00:00:00Z\",\"device\":1,\"serialNumber\":\"" +
      device_fields(1).serial_number +
      "\",\"from\":null,\"to\":\"Registration Pending\",\"cause\":\"registration requested\","
      "\"actor\":\"tenant admin 1\"}"));
}

namespace {
/// The hash text of a sample file: its longest base64 run, whatever the file's encoding.
std::string sample_hash(const std::filesystem::path& file) {
  std::string ascii;
  for (char c : mmdreg::testing::read_file(file))
    if (c != '\0') ascii.push_back(c);
  std::string best, run;
  for (char c : ascii + "\n") {
    const bool base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    if (base64) {
      run.push_back(c);
    } else {
      if (run.size() > best.size()) best = run;
      run.clear();
    }
  }
  return best;
}
}  // namespace

BOOST_AUTO_TEST_CASE(real_hardware_hashes_register_by_their_decoded_identity,
                     *boost::unit_test::precondition(shared_dir_present{})) {
  world w;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(*shared_dir() / "hwhash-samples"))
    if (entry.path().filename().string().starts_with("hwhash-")) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  BOOST_TEST_REQUIRE(files.size() >= 10U);
  std::vector<batch_entry> batch;
  std::vector<std::optional<device_identity>> expected;
  std::vector<std::string> manufacturers;
  for (const auto& file : files) {
    batch_entry e;
    e.record.hardware_hash = sample_hash(file);
    e.line = static_cast<std::uint32_t>(batch.size() + 2);
    hardware_hash h;
    const bool valid = !h.decode(e.record.hardware_hash).has_value();
    expected.push_back(valid ? std::optional(h.identity()) : std::nullopt);
    manufacturers.push_back(valid ? std::string(h.manufacturer()) : std::string());
    batch.push_back(std::move(e));
  }
  const auto r = w.e.register_devices(manual_request(w.contoso, batch)).value();
  std::size_t valid = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    BOOST_TEST_CONTEXT(files[i].filename()) {
      if (!expected[i]) {
        BOOST_TEST(message(r.devices[i].failure->error) == "Hardware hash not valid");
        continue;
      }
      ++valid;
      BOOST_TEST_REQUIRE(!r.devices[i].failure.has_value());
      BOOST_TEST((w.e.find_device(w.contoso, *expected[i]) == r.devices[i].device));
      BOOST_TEST(w.e.device(w.admin, w.contoso, *r.devices[i].device).value().manufacturer ==
                 manufacturers[i]);
    }
  }
  BOOST_TEST(valid >= 9U);
  BOOST_TEST(!expected[files.size() - 1].has_value() ==
             files.back().filename().string().starts_with("hwhash-bad"));
  // The same devices offered by another organization are claimed.
  const auto again = w.e.register_devices(manual_request(w.fabrikam, batch)).value();
  for (std::size_t i = 0; i < files.size(); ++i)
    if (expected[i])
      BOOST_TEST((again.devices[i].failure->error ==
                  registration_error::device_claimed_by_another_organization));
}

BOOST_AUTO_TEST_CASE(a_successful_retry_replaces_the_failed_row_of_the_same_device) {
  world w;
  BOOST_TEST_REQUIRE(w.e.register_devices(manual_request(w.fabrikam, {hashed_entry(1)})).ok());
  const auto claimed = w.e.register_devices(manual_request(w.contoso, {hashed_entry(1)})).value();
  const auto failed = *claimed.devices[0].device;
  BOOST_TEST((state_of(w.e, w.contoso, failed) == registration_state::failed));
  // Fabrikam releases the device; Contoso registers it again.
  BOOST_TEST_REQUIRE(w.e.advance(10min).ok());
  BOOST_TEST_REQUIRE(w.e.deregister(actor::admin_of(w.fabrikam), w.fabrikam, device_id{1}).ok());
  const auto retry = w.e.register_devices(manual_request(w.contoso, {hashed_entry(1)})).value();
  BOOST_TEST_REQUIRE(retry.accepted == 1U);
  const auto blade = w.e.devices_blade(w.admin, w.contoso).value();
  BOOST_TEST_REQUIRE(blade.size() == 1U);
  BOOST_TEST((blade[0].id == *retry.devices[0].device));
  BOOST_TEST((blade[0].state == registration_state::pending));
  const auto trail = w.e.audit(w.admin, w.contoso, {.device = failed}).value();
  BOOST_TEST((trail.back().cause == audit_cause::failure_superseded));
  BOOST_TEST((trail.back().from == registration_state::failed));
  // A failure without a device identity stays until an admin removes it.
  auto broken = hashed_entry(2);
  broken.record.hardware_hash[0] = '!';
  const auto unknown =
      *w.e.register_devices(manual_request(w.contoso, {broken})).value().devices[0].device;
  BOOST_TEST_REQUIRE(
      w.e.register_devices(manual_request(w.contoso, {hashed_entry(2)})).value().accepted == 1U);
  BOOST_TEST((state_of(w.e, w.contoso, unknown) == registration_state::failed));
}
