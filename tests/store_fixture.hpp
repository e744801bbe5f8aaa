// Helpers shared by the store test suites: temporary directories, and a scenario that exercises
// every kind of record the engine stores, in two parts so that a restart can sit between them.
#ifndef MMDREG_TESTS_STORE_FIXTURE_HPP
#define MMDREG_TESTS_STORE_FIXTURE_HPP

#include <stdlib.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "mmdreg/store/sqlite_storage.hpp"
#include "registry_fixture.hpp"

namespace mmdreg::testing {

/// A fresh directory under the system temp dir, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mmdreg-store-XXXXXX").string();
    BOOST_TEST_REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const char* name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline const registry::engine_options scenario_options{.start = t0, .seed = 4242};
inline constexpr organization_id contoso{1}, fabrikam{2}, tailspin{3};

inline std::vector<batch_entry> decoded_range(std::uint32_t first, std::uint32_t last) {
  std::vector<batch_entry> out;
  for (auto n = first; n <= last; ++n)
    out.push_back(decoded_entry(n));
  return out;
}

/// Organizations, a partner and an OEM with their relationships, the catalogue, manual and auto
/// batches with failures, and every kind of event; ends with workflows mid-way.
inline void scenario_part_one(engine& e) {
  BOOST_TEST_REQUIRE(e.add_organization(settings_named("Contoso")).ok());
  auto fabrikam_settings = settings_named("Fabrikam");
  fabrikam_settings.naming_exception = true;
  BOOST_TEST_REQUIRE(e.add_organization(fabrikam_settings).ok());
  auto tailspin_settings = settings_named("Tailspin");
  tailspin_settings.enabled_profiles[static_cast<std::size_t>(device_profile::kiosk)] = false;
  BOOST_TEST_REQUIRE(e.add_organization(tailspin_settings).ok());
  const auto partner = e.add_partner("Northwind Partners").value();
  const auto oem = e.add_oem("Litware OEM").value();
  BOOST_TEST_REQUIRE(e.grant_partner_consent(actor::admin_of(contoso), contoso, partner).ok());
  BOOST_TEST_REQUIRE(e.authorize_oem(actor::admin_of(fabrikam), fabrikam, oem).ok());
  const auto f = device_fields(900);
  BOOST_TEST_REQUIRE(e.add_catalogue_entry({.manufacturer = f.manufacturer,
                                            .model = f.model,
                                            .serial_number = f.serial_number,
                                            .product_key_id = "00330-80000-00000-AAOEM",
                                            .identity = identity_of(900)})
                         .ok());

  BOOST_TEST_REQUIRE(e.register_devices(manual_request(contoso, decoded_range(1, 40))).ok());
  BOOST_TEST_REQUIRE(e.register_devices(manual_request(fabrikam, decoded_range(41, 60),
                                                       device_profile::sensitive_data))
                         .ok());
  registration_request by_partner;
  by_partner.by = actor::partner(partner);
  by_partner.organization = contoso;
  by_partner.via = channel::partner_center;
  by_partner.order_id = "PO-7";
  by_partner.devices = {hashed_entry(61), hashed_entry(62)};
  BOOST_TEST_REQUIRE(e.register_devices(by_partner).ok());
  // Claimed by another organization, and a new one.
  auto mixed = e.register_devices(manual_request(tailspin, {decoded_entry(1), decoded_entry(70)}));
  BOOST_TEST_REQUIRE(mixed.ok());
  BOOST_TEST_REQUIRE(mixed->failed == 1U);
  BOOST_TEST_REQUIRE(e.advance(5min).ok());
  auto again = e.register_devices(manual_request(contoso, {decoded_entry(1, 7)}));
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST_REQUIRE(again->failed == 1U);
  BOOST_TEST_REQUIRE(e.advance(7min).ok());
  const auto admin = actor::admin_of(contoso);
  for (std::uint32_t d = 1; d <= 10; ++d)
    BOOST_TEST_REQUIRE(e.record_oobe_sign_in(contoso, device_id{d}).ok());
  BOOST_TEST_REQUIRE(e.rename_device(admin, contoso, device_id{3}, "LAPTOP-X").ok());
  BOOST_TEST_REQUIRE(
      e.change_group_membership(admin, contoso, device_id{4}, all_devices_group(), false).ok());
  BOOST_TEST_REQUIRE(e.remove_group_tag(admin, contoso, device_id{5}).ok());
  BOOST_TEST_REQUIRE(e.pin_ring(admin, contoso, device_id{6}, ring::test).ok());
  BOOST_TEST_REQUIRE(e.deregister(admin, contoso, device_id{7}).ok());
  BOOST_TEST_REQUIRE(e.withdraw_partner_consent(admin, contoso, partner).ok());
  BOOST_TEST_REQUIRE(e.advance(50min).ok());
  BOOST_TEST_REQUIRE(e.register_devices(manual_request(fabrikam, decoded_range(80, 90))).ok());
  BOOST_TEST_REQUIRE(e.advance(150s).ok());  // mid-way through the workflow
}

/// Jobs over days, the activity window, a ring release and one more batch.
inline void scenario_part_two(engine& e) {
  const auto admin = actor::admin_of(contoso);
  BOOST_TEST_REQUIRE(e.advance(std::chrono::days{3}).ok());
  BOOST_TEST_REQUIRE(e.record_activity(contoso, device_id{1}).ok());
  BOOST_TEST_REQUIRE(e.record_activity(contoso, device_id{2}).ok());
  BOOST_TEST_REQUIRE(e.advance(std::chrono::days{5}).ok());
  BOOST_TEST_REQUIRE(e.record_activity(contoso, device_id{3}).ok());
  BOOST_TEST_REQUIRE(e.release_ring(admin, contoso, device_id{6}).ok());
  BOOST_TEST_REQUIRE(e.register_devices(manual_request(contoso, decoded_range(100, 105))).ok());
  BOOST_TEST_REQUIRE(e.advance(std::chrono::days{1}).ok());
}

/// Everything a person sees of one organization, as text: the Devices blade, groups, the audit
/// trail and every request's failures.
inline std::string visible_state(const engine& e, organization_id org) {
  std::ostringstream out;
  const auto admin = actor::admin_of(org);
  const auto blade = e.devices_blade(admin, org);
  BOOST_TEST_REQUIRE(blade.ok(), blade.err().message);
  for (const auto& b : blade.value()) {
    out << static_cast<std::uint32_t>(b.id) << '|' << b.name << '|' << b.serial_number << '|'
        << b.manufacturer << '|' << b.model << '|' << display_name(b.state) << '|'
        << static_cast<int>(b.profile) << '|' << b.shared << '|'
        << (b.ring ? static_cast<int>(*b.ring) : -1) << '|' << static_cast<int>(b.ring_assigned_by)
        << '|' << (b.last_error ? static_cast<int>(b.last_error->error) : -1) << '|'
        << (b.last_error ? b.last_error->request_id : "") << '|'
        << b.registered_at.time_since_epoch().count() << '|' << static_cast<int>(b.via) << '|'
        << b.group_tag << " groups:";
    for (auto g : e.groups_of(b.id))
      out << g << ';';
    out << '\n';
  }
  const auto trail = e.audit(admin, org);
  BOOST_TEST_REQUIRE(trail.ok(), trail.err().message);
  out << registry::audit_to_csv(trail.value());
  const auto requests = e.export_snapshot().requests.size();
  for (std::uint32_t n = 1; n <= requests; ++n) {
    auto failures = e.request_failures(admin, org, registry::request_number{n});
    if (!failures) continue;  // another organization's request
    out << "request " << n << '\n' << registry::failures_to_csv(*failures);
  }
  return out.str();
}

/// Compares two snapshots field by field (snapshot has no operator==: strings are views).
inline void check_same_snapshot(const registry::snapshot& a, const registry::snapshot& b) {
  BOOST_TEST((a.meta == b.meta));
  BOOST_TEST((a.strings == b.strings));
  BOOST_TEST((a.organizations == b.organizations));
  BOOST_TEST((a.partners == b.partners));
  BOOST_TEST((a.oems == b.oems));
  BOOST_TEST((a.catalogue == b.catalogue));
  BOOST_TEST((a.requests == b.requests));
  BOOST_TEST((a.cohorts == b.cohorts));
  BOOST_TEST(a.devices.size() == b.devices.size());
  BOOST_TEST((a.devices == b.devices));
  BOOST_TEST(a.audit.size() == b.audit.size());
  BOOST_TEST((a.audit == b.audit));
}

inline std::unique_ptr<store::sqlite_storage> open_store(
    const std::filesystem::path& file, const store::sqlite_options& options = {}) {
  auto opened = store::sqlite_storage::open(file, options);
  BOOST_TEST_REQUIRE(opened.ok(), opened.err().message);
  return std::move(*opened);
}

}  // namespace mmdreg::testing

#endif
