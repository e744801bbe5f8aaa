#define BOOST_TEST_MODULE registry_workflow
#include <boost/test/unit_test.hpp>
#include <map>

#include "registry_fixture.hpp"

using namespace mmdreg;
using namespace mmdreg::testing;
using registry::audit_cause;
using registry::ring_source;
using registry::workflow_step;

namespace {

struct world {
  engine e{registry::engine_options{.start = t0, .seed = 42}};
  organization_id contoso = e.add_organization(settings_named("Contoso")).value();
  actor admin = actor::admin_of(contoso);

  device_id register_manual(std::uint32_t n, device_profile p = device_profile::standard,
                            bool shared = false) {
    auto r = e.register_devices(manual_request(contoso, {hashed_entry(n)}, p, shared));
    BOOST_TEST_REQUIRE(r.ok(), r.err().message);
    BOOST_TEST_REQUIRE(r->accepted == 1U);
    return *r->devices[0].device;
  }
  /// Registers and runs the workflow until Ready for user.
  device_id ready_device(std::uint32_t n, device_profile p = device_profile::standard) {
    const auto d = register_manual(n, p);
    BOOST_TEST_REQUIRE(e.advance(10min).ok());
    BOOST_TEST_REQUIRE((state_of(e, contoso, d) == registration_state::ready_for_user));
    return d;
  }
  std::optional<registry::sim_time> done(device_id d, workflow_step s) {
    return e.progress(admin, contoso, d).value().done[static_cast<std::size_t>(s)];
  }
  std::vector<audit_cause> causes(device_id d) {
    std::vector<audit_cause> out;
    const auto trail = e.audit(admin, contoso, {.device = d}).value();
    for (const auto& r : trail)
      out.push_back(r.cause);
    return out;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(manual_registration_goes_through_every_step_to_ready_for_user_in_8_minutes) {
  world w;
  const auto d = w.register_manual(1, device_profile::standard, true);
  auto row = w.e.device(w.admin, w.contoso, d).value();
  BOOST_TEST((row.state == registration_state::pending));
  BOOST_TEST(row.shared);
  BOOST_TEST(row.group_tag == "Microsoft365Managed_Standard-Shared");
  BOOST_TEST(row.serial_number == device_fields(1).serial_number);
  BOOST_TEST(row.manufacturer == "Microsoft Corporation");  // read from the hash
  BOOST_TEST(row.model == "Surface Laptop 5");
  BOOST_TEST((row.registered_at == t0));
  BOOST_TEST(w.e.groups_of(d).empty());
  BOOST_TEST((w.e.progress(w.admin, w.contoso, d).value().next == workflow_step::autopilot_record));

  // Each step at its documented latency; the device stays pending until validation.
  const std::vector<std::pair<workflow_step, std::chrono::seconds>> steps{
      {workflow_step::autopilot_record, 60s},
      {workflow_step::entra_record, 60s},
      {workflow_step::order_id_link, 30s},
      {workflow_step::deployment_profile, 120s},
      {workflow_step::ring, 30s},
      {workflow_step::groups, 30s},
      {workflow_step::configuration_profile, 60s}};
  auto at = t0;
  for (const auto& [step, latency] : steps) {
    BOOST_TEST_CONTEXT(registry::step_name(step)) {
      BOOST_TEST_REQUIRE(w.e.advance(latency - 1s).ok());
      BOOST_TEST(!w.done(d, step).has_value());
      BOOST_TEST_REQUIRE(w.e.advance(1s).ok());
      at += latency;
      BOOST_TEST((w.done(d, step) == at));
      BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::pending));
    }
    if (step == workflow_step::deployment_profile) {
      const auto name = w.e.device(w.admin, w.contoso, d).value().name;
      BOOST_TEST(name.size() == 15U);
      BOOST_TEST(follows_name_template(name, device_profile::standard));
    }
    if (step == workflow_step::ring) {
      row = w.e.device(w.admin, w.contoso, d).value();
      BOOST_TEST(
          (row.ring == ring::broad));  // the first device of a tenant: Broad has the largest share
      BOOST_TEST((row.ring_assigned_by == ring_source::automatic));
      BOOST_TEST(w.e.groups_of(d).empty());  // memberships come with the next step
    }
    if (step == workflow_step::groups) {
      BOOST_TEST(w.e.groups_of(d).size() == 4U);
      BOOST_TEST(in_group(w.e, d, all_devices_group()));
      BOOST_TEST(in_group(w.e, d, shared_device_mode_group()));
      BOOST_TEST(in_group(w.e, d, ring_group(ring::broad)));
      BOOST_TEST(in_group(w.e, d, profile_group(device_profile::standard)));
    }
  }
  // Manual registrations skip the shipped-record and comparison jobs.
  BOOST_TEST(!w.done(d, workflow_step::shipped_record).has_value());
  BOOST_TEST(!w.done(d, workflow_step::request_comparison).has_value());
  BOOST_TEST_REQUIRE(w.e.advance(89s).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::pending));
  BOOST_TEST_REQUIRE(w.e.advance(1s).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::ready_for_user));
  BOOST_TEST((w.e.now() - t0 == 480s));
  BOOST_TEST((w.e.now() - t0 <= 10min));
  BOOST_TEST(!w.e.progress(w.admin, w.contoso, d).value().next.has_value());

  // The user signs in at OOBE: Intune record, Active.
  BOOST_TEST_REQUIRE(w.e.advance(2h).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::ready_for_user));
  BOOST_TEST_REQUIRE(w.e.record_oobe_sign_in(w.contoso, d).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::active));
  BOOST_TEST((w.done(d, workflow_step::intune_record) == w.e.now()));
  BOOST_TEST(!w.e.record_oobe_sign_in(w.contoso, d).ok());  // only once

  const std::vector<audit_cause> expected{audit_cause::registration_requested,
                                          audit_cause::ring_assigned, audit_cause::validation,
                                          audit_cause::oobe_sign_in};
  BOOST_TEST(w.causes(d) == expected, boost::test_tools::per_element());
  const auto trail = w.e.audit(w.admin, w.contoso, {.device = d}).value();
  BOOST_TEST(!trail[0].from.has_value());
  BOOST_TEST((trail[0].to == registration_state::pending));
  BOOST_TEST((trail[0].by == w.admin));
  BOOST_TEST((trail[2].from == registration_state::pending));
  BOOST_TEST((trail[2].to == registration_state::ready_for_user));
  BOOST_TEST((trail[2].time == t0 + 480s));
}

BOOST_AUTO_TEST_CASE(auto_registration_waits_for_the_hourly_jobs) {
  world w;
  const auto partner = w.e.add_partner("Northwind Partners").value();
  BOOST_TEST_REQUIRE(w.e.grant_partner_consent(w.admin, w.contoso, partner).ok());
  registration_request r;
  r.by = actor::partner(partner);
  r.organization = w.contoso;
  r.via = channel::partner_center;
  r.profile = device_profile::sensitive_data;
  r.order_id = "PO-7";
  r.devices = {hashed_entry(5)};
  const auto result = w.e.register_devices(r);
  BOOST_TEST_REQUIRE(result.ok(), result.err().message);
  const auto d = *result->devices[0].device;

  // In Autopilot, not yet in MMD: the Devices blade does not show it, the directory owns it.
  BOOST_TEST(w.e.devices_blade(w.admin, w.contoso).value().empty());
  BOOST_TEST((w.e.owner_of(identity_of(5)) == w.contoso));
  BOOST_TEST_REQUIRE(w.e.advance(270s).ok());
  BOOST_TEST(w.done(d, workflow_step::deployment_profile).has_value());
  BOOST_TEST((w.e.progress(w.admin, w.contoso, d).value().next == workflow_step::shipped_record));
  BOOST_TEST_REQUIRE(w.e.advance(10min).ok());
  BOOST_TEST(w.e.devices_blade(w.admin, w.contoso).value().empty());
  BOOST_TEST(!w.done(d, workflow_step::ring).has_value());

  // The hourly assignment check makes it a shipped record, pending; the comparison registers it.
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 1h).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::pending));
  BOOST_TEST((w.done(d, workflow_step::shipped_record) == t0 + 1h));
  BOOST_TEST((w.done(d, workflow_step::request_comparison) == t0 + 1h));
  BOOST_TEST(w.e.groups_of(d).empty());
  BOOST_TEST_REQUIRE(w.e.advance(30s).ok());
  BOOST_TEST(w.done(d, workflow_step::ring).has_value());
  BOOST_TEST_REQUIRE(w.e.advance(30s).ok());
  BOOST_TEST(in_group(w.e, d, all_devices_group()));
  BOOST_TEST(in_group(w.e, d, profile_group(device_profile::sensitive_data)));
  BOOST_TEST(!in_group(w.e, d, shared_device_mode_group()));
  BOOST_TEST_REQUIRE(w.e.advance(60s).ok());
  BOOST_TEST(w.done(d, workflow_step::configuration_profile).has_value());
  // Validation is hourly for auto-registered devices.
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 2h - 1s).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::pending));
  BOOST_TEST((w.e.progress(w.admin, w.contoso, d).value().next == workflow_step::validation));
  BOOST_TEST_REQUIRE(w.e.advance(1s).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::ready_for_user));
  const auto row = w.e.device(w.admin, w.contoso, d).value();
  BOOST_TEST(row.group_tag == "Microsoft365Managed_SensitiveData");
  BOOST_TEST((row.via == channel::partner_center));

  const std::vector<audit_cause> expected{audit_cause::autopilot_import,
                                          audit_cause::assignment_check, audit_cause::ring_assigned,
                                          audit_cause::validation};
  BOOST_TEST(w.causes(d) == expected, boost::test_tools::per_element());
  const auto trail = w.e.audit(w.admin, w.contoso, {.device = d}).value();
  BOOST_TEST((trail[0].by == actor::partner(partner)));
  BOOST_TEST(!trail[0].to.has_value());
  BOOST_TEST((trail[1].to == registration_state::pending));
}

BOOST_AUTO_TEST_CASE(active_becomes_inactive_after_seven_quiet_days_and_active_again_on_use) {
  world w;
  const auto d = w.ready_device(1);
  BOOST_TEST_REQUIRE(w.e.record_oobe_sign_in(w.contoso, d).ok());
  const auto signed_in = w.e.now();
  BOOST_TEST_REQUIRE(w.e.advance_to(signed_in + std::chrono::days{7} - 1s).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::active));
  BOOST_TEST_REQUIRE(w.e.advance(1h).ok());  // the next hourly activity check
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::inactive));
  BOOST_TEST_REQUIRE(w.e.record_activity(w.contoso, d).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::active));
  // Activity within the window keeps it active.
  BOOST_TEST_REQUIRE(w.e.advance(std::chrono::days{6}).ok());
  BOOST_TEST_REQUIRE(w.e.record_activity(w.contoso, d).ok());
  BOOST_TEST_REQUIRE(w.e.advance(std::chrono::days{6}).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::active));
  const auto trail = w.causes(d);
  BOOST_TEST(std::count(trail.begin(), trail.end(), audit_cause::inactivity) == 1);
  BOOST_TEST(std::count(trail.begin(), trail.end(), audit_cause::activity) == 1);
}

BOOST_AUTO_TEST_CASE(activity_before_oobe_is_refused) {
  world w;
  const auto d = w.register_manual(1);
  BOOST_TEST(!w.e.record_activity(w.contoso, d).ok());
  BOOST_TEST(!w.e.record_oobe_sign_in(w.contoso, d).ok());
  BOOST_TEST_REQUIRE(w.e.advance(10min).ok());
  const auto refused = w.e.record_activity(w.contoso, d);
  BOOST_TEST((refused.err().code == errc::refused));
}

BOOST_AUTO_TEST_CASE(the_rename_job_restores_template_names_unless_the_tenant_has_the_exception) {
  world w;
  auto exempt_settings = settings_named("Fabrikam");
  exempt_settings.naming_exception = true;
  const auto fabrikam = w.e.add_organization(exempt_settings).value();
  const auto d = w.ready_device(1);
  auto other =
      w.e.register_devices(manual_request(fabrikam, {hashed_entry(2)}, device_profile::kiosk));
  BOOST_TEST_REQUIRE(other.ok());
  const auto f = *other->devices[0].device;
  BOOST_TEST_REQUIRE(w.e.advance(10min).ok());
  BOOST_TEST(follows_name_template(w.e.device(actor::admin_of(fabrikam), fabrikam, f).value().name,
                                   device_profile::kiosk));

  BOOST_TEST_REQUIRE(w.e.rename_device(w.admin, w.contoso, d, "LAPTOP-JOHN").ok());
  BOOST_TEST_REQUIRE(w.e.rename_device(actor::admin_of(fabrikam), fabrikam, f, "KIOSK-LOBBY").ok());
  BOOST_TEST(!w.e.rename_device(w.admin, w.contoso, d, "A-NAME-LONGER-THAN-15").ok());
  BOOST_TEST(!w.e.rename_device(w.admin, fabrikam, f, "X").ok());  // not Fabrikam's admin

  // Hourly runs do not rename; the 4-hourly job does.
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 4h - 1s).ok());
  BOOST_TEST(w.e.device(w.admin, w.contoso, d).value().name == "LAPTOP-JOHN");
  BOOST_TEST_REQUIRE(w.e.advance(1s).ok());
  const auto renamed = w.e.device(w.admin, w.contoso, d).value().name;
  BOOST_TEST(renamed != "LAPTOP-JOHN");
  BOOST_TEST(follows_name_template(renamed, device_profile::standard));
  BOOST_TEST(w.e.device(actor::admin_of(fabrikam), fabrikam, f).value().name == "KIOSK-LOBBY");
  const auto trail = w.causes(d);
  BOOST_TEST((trail.back() == audit_cause::renamed));
  BOOST_TEST(std::count(trail.begin(), trail.end(), audit_cause::manual_rename) == 1);
  // A name that follows the template is left alone.
  BOOST_TEST_REQUIRE(w.e.advance(4h).ok());
  BOOST_TEST(w.e.device(w.admin, w.contoso, d).value().name == renamed);
}

BOOST_AUTO_TEST_CASE(a_tenant_that_drops_the_naming_exception_is_renamed_by_the_next_rename_job) {
  world w;
  auto settings = settings_named("Fabrikam");
  settings.naming_exception = true;
  const auto fabrikam = w.e.add_organization(settings).value();
  const auto admin = actor::admin_of(fabrikam);
  auto request = w.e.register_devices(manual_request(fabrikam, {hashed_entry(2)}));
  BOOST_TEST_REQUIRE(request.ok());
  const auto f = *request->devices[0].device;
  BOOST_TEST_REQUIRE(w.e.advance(10min).ok());
  BOOST_TEST_REQUIRE(w.e.rename_device(admin, fabrikam, f, "FRONT-DESK").ok());
  // Several rename jobs run while the exception holds; the device itself does not change.
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 12h).ok());
  BOOST_TEST(w.e.device(admin, fabrikam, f).value().name == "FRONT-DESK");

  settings.naming_exception = false;
  BOOST_TEST_REQUIRE(w.e.update_settings(admin, fabrikam, settings).ok());
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 16h - 1s).ok());
  BOOST_TEST(w.e.device(admin, fabrikam, f).value().name == "FRONT-DESK");
  BOOST_TEST_REQUIRE(w.e.advance(1s).ok());
  const auto renamed = w.e.device(admin, fabrikam, f).value().name;
  BOOST_TEST(follows_name_template(renamed, device_profile::standard));
  const auto trail = w.e.audit(admin, fabrikam, {.device = f}).value();
  BOOST_TEST_REQUIRE(!trail.empty());
  BOOST_TEST((trail.back().cause == audit_cause::renamed));
}

BOOST_AUTO_TEST_CASE(a_device_used_during_its_week_is_checked_again_a_week_after_its_last_use) {
  world w;
  const auto d = w.ready_device(1);
  BOOST_TEST_REQUIRE(w.e.record_oobe_sign_in(w.contoso, d).ok());
  const auto signed_in = w.e.now();
  BOOST_TEST_REQUIRE(w.e.advance(std::chrono::days{3}).ok());
  BOOST_TEST_REQUIRE(w.e.record_activity(w.contoso, d).ok());
  const auto used = w.e.now();
  // The week after the sign-in passes: the device was used since, so it stays active ...
  BOOST_TEST_REQUIRE(w.e.advance_to(signed_in + std::chrono::days{7} + 2h).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::active));
  BOOST_TEST_REQUIRE(w.e.advance_to(used + std::chrono::days{7} - 1s).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::active));
  // ... until a week after its last use: the first hourly check from then on.
  BOOST_TEST_REQUIRE(w.e.advance(1h).ok());
  BOOST_TEST((state_of(w.e, w.contoso, d) == registration_state::inactive));
  const auto trail = w.e.audit(w.admin, w.contoso, {.device = d}).value();
  BOOST_TEST((trail.back().cause == audit_cause::inactivity));
  BOOST_TEST((trail.back().time - used >= std::chrono::days{7}));
  BOOST_TEST((trail.back().time - used < std::chrono::days{7} + 1h));
}

BOOST_AUTO_TEST_CASE(the_daily_job_gives_a_removed_mmd_tag_back) {
  world w;
  const auto d = w.ready_device(1, device_profile::kiosk);
  BOOST_TEST_REQUIRE(w.e.remove_group_tag(w.admin, w.contoso, d).ok());
  BOOST_TEST(w.e.device(w.admin, w.contoso, d).value().group_tag.empty());
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 23h).ok());
  BOOST_TEST(w.e.device(w.admin, w.contoso, d).value().group_tag.empty());
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 24h).ok());
  BOOST_TEST(w.e.device(w.admin, w.contoso, d).value().group_tag == "Microsoft365Managed_Kiosk");
  BOOST_TEST((w.causes(d).back() == audit_cause::tag_restored));
}

BOOST_AUTO_TEST_CASE(ring_pinning_rules) {
  world w;
  const auto pending = w.register_manual(1);
  auto refused = w.e.pin_ring(w.admin, w.contoso, pending, ring::test);
  BOOST_TEST((refused.err().code == errc::refused));
  BOOST_TEST(refused.err().message.find("Registration Pending") != std::string::npos);
  BOOST_TEST_REQUIRE(w.e.advance(10min).ok());

  // A failed device cannot be moved either.
  auto bad = hashed_entry(2);
  bad.record.hardware_hash[10] = '*';
  const auto failed =
      w.e.register_devices(manual_request(w.contoso, {bad})).value().devices[0].device;
  BOOST_TEST_REQUIRE(failed.has_value());
  BOOST_TEST(!w.e.pin_ring(w.admin, w.contoso, *failed, ring::first).ok());
  BOOST_TEST(!w.e.row(*failed).groups);

  // Ready: an admin may pin any ring, Test included.
  BOOST_TEST_REQUIRE(w.e.pin_ring(w.admin, w.contoso, pending, ring::test).ok());
  auto row = w.e.device(w.admin, w.contoso, pending).value();
  BOOST_TEST((row.ring == ring::test));
  BOOST_TEST((row.ring_assigned_by == ring_source::admin));
  BOOST_TEST(in_group(w.e, pending, ring_group(ring::test)));
  BOOST_TEST(!in_group(w.e, pending, ring_group(ring::broad)));
  // Remediation keeps a pinned ring.
  BOOST_TEST_REQUIRE(w.e.advance(1h).ok());
  BOOST_TEST((w.e.device(w.admin, w.contoso, pending).value().ring == ring::test));
  // Others may not pin.
  const auto partner = w.e.add_partner("P").value();
  BOOST_TEST(!w.e.pin_ring(actor::partner(partner), w.contoso, pending, ring::fast).ok());
  // Release: the automatic assignment picks a ring at once, never Test.
  BOOST_TEST_REQUIRE(w.e.release_ring(w.admin, w.contoso, pending).ok());
  row = w.e.device(w.admin, w.contoso, pending).value();
  BOOST_TEST_REQUIRE(row.ring.has_value());
  BOOST_TEST((*row.ring != ring::test));
  BOOST_TEST((row.ring_assigned_by == ring_source::automatic));
  BOOST_TEST(!in_group(w.e, pending, ring_group(ring::test)));
  BOOST_TEST(in_group(w.e, pending, ring_group(*row.ring)));
  BOOST_TEST(!w.e.release_ring(w.admin, w.contoso, pending).ok());  // already automatic
}

BOOST_AUTO_TEST_CASE(automatic_rings_follow_the_spec_shares_and_never_use_test) {
  for (const auto& [devices, first, fast, broad] :
       {std::tuple{200U, 10U, 30U, 160U}, std::tuple{1000U, 10U, 90U, 900U}}) {
    BOOST_TEST_CONTEXT(devices << " devices") {
      world w;
      std::vector<batch_entry> batch;
      for (std::uint32_t n = 0; n < devices; ++n)
        batch.push_back(decoded_entry(n));
      BOOST_TEST_REQUIRE(w.e.register_devices(manual_request(w.contoso, batch)).value().accepted ==
                         devices);
      BOOST_TEST_REQUIRE(w.e.advance(10min).ok());
      std::map<ring, unsigned> count;
      const auto blade = w.e.devices_blade(w.admin, w.contoso).value();
      for (const auto& row : blade) {
        BOOST_TEST_REQUIRE(row.ring.has_value());
        ++count[*row.ring];
      }
      BOOST_TEST(count[ring::test] == 0U);
      BOOST_TEST(count[ring::first] == first);
      BOOST_TEST(count[ring::fast] == fast);
      BOOST_TEST(count[ring::broad] == broad);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_history) {
  auto run = [](std::uint64_t seed) {
    engine e{registry::engine_options{.start = t0, .seed = seed}};
    const auto org = e.add_organization(settings_named("Contoso")).value();
    std::vector<batch_entry> batch;
    for (std::uint32_t n = 0; n < 50; ++n)
      batch.push_back(decoded_entry(n));
    BOOST_TEST_REQUIRE(e.register_devices(manual_request(org, batch)).ok());
    BOOST_TEST_REQUIRE(e.advance(std::chrono::days{2}).ok());
    return e.export_snapshot();
  };
  const auto a = run(7);
  const auto b = run(7);
  const auto c = run(8);
  BOOST_TEST((a.devices == b.devices));
  BOOST_TEST((a.audit == b.audit));
  BOOST_TEST((a.devices != c.devices));  // names differ with the seed
}

BOOST_AUTO_TEST_CASE(manual_group_changes_are_reverted_by_the_next_reconciliation) {
  world w;
  const auto d = w.ready_device(1, device_profile::power_user);
  const auto own_ring = *w.e.device(w.admin, w.contoso, d).value().ring;
  const auto other_ring = own_ring == ring::broad ? ring::fast : ring::broad;
  BOOST_TEST_REQUIRE(w.e.change_group_membership(w.admin, w.contoso, d,
                                                 profile_group(device_profile::power_user), false)
                         .ok());
  BOOST_TEST_REQUIRE(
      w.e.change_group_membership(w.admin, w.contoso, d, profile_group(device_profile::kiosk), true)
          .ok());
  BOOST_TEST_REQUIRE(
      w.e.change_group_membership(w.admin, w.contoso, d, ring_group(other_ring), true).ok());
  BOOST_TEST_REQUIRE(
      w.e.change_group_membership(w.admin, w.contoso, d, all_devices_group(), false).ok());
  BOOST_TEST(!w.e.change_group_membership(w.admin, w.contoso, d, "Sales laptops", true).ok());
  BOOST_TEST(in_group(w.e, d, profile_group(device_profile::kiosk)));
  BOOST_TEST(!in_group(w.e, d, profile_group(device_profile::power_user)));
  const auto members =
      w.e.group_members(w.admin, w.contoso, profile_group(device_profile::kiosk)).value();
  BOOST_TEST(members.size() == 1U);

  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 1h).ok());
  BOOST_TEST(in_group(w.e, d, profile_group(device_profile::power_user)));
  BOOST_TEST(!in_group(w.e, d, profile_group(device_profile::kiosk)));
  BOOST_TEST(in_group(w.e, d, ring_group(own_ring)));
  BOOST_TEST(!in_group(w.e, d, ring_group(other_ring)));
  BOOST_TEST(in_group(w.e, d, all_devices_group()));
  BOOST_TEST(w.e.groups_of(d).size() == 3U);
  BOOST_TEST((w.causes(d).back() == audit_cause::groups_reconciled));

  // Removed from its ring group by hand: the remediation gives the ring back.
  BOOST_TEST_REQUIRE(
      w.e.change_group_membership(w.admin, w.contoso, d, ring_group(own_ring), false).ok());
  BOOST_TEST_REQUIRE(w.e.advance(1h).ok());
  BOOST_TEST(in_group(w.e, d, ring_group(own_ring)));
}

BOOST_AUTO_TEST_CASE(deregistration_releases_the_identity) {
  world w;
  const auto d = w.register_manual(1);
  auto refused = w.e.deregister(w.admin, w.contoso, d);
  BOOST_TEST((refused.err().code == errc::refused));  // pending devices cannot be removed
  BOOST_TEST_REQUIRE(w.e.advance(10min).ok());
  const auto fabrikam = w.e.add_organization(settings_named("Fabrikam")).value();
  auto wrong = w.e.deregister(actor::admin_of(fabrikam), fabrikam, d);
  BOOST_TEST(wrong.err().message == "Device not found");
  BOOST_TEST(!w.e.deregister(actor::admin_of(fabrikam), w.contoso, d).ok());  // not Contoso's admin

  BOOST_TEST_REQUIRE(w.e.deregister(w.admin, w.contoso, d).ok());
  BOOST_TEST(!w.e.owner_of(identity_of(1)).has_value());
  BOOST_TEST(w.e.groups_of(d).empty());
  BOOST_TEST(w.e.devices_blade(w.admin, w.contoso).value().empty());
  auto again = w.e.deregister(w.admin, w.contoso, d);
  BOOST_TEST((again.err().code == errc::not_found));
  BOOST_TEST(again.err().message == "Device not found");
  BOOST_TEST((w.causes(d).back() == audit_cause::deregistered));

  // Another organization may now register it.
  auto taken = w.e.register_devices(manual_request(fabrikam, {hashed_entry(1)}));
  BOOST_TEST_REQUIRE(taken.ok());
  BOOST_TEST(taken->accepted == 1U);
  BOOST_TEST((w.e.owner_of(identity_of(1)) == fabrikam));
}

BOOST_AUTO_TEST_CASE(a_workflow_step_due_at_the_same_instant_as_a_tick_does_not_skip_the_tick) {
  world w;
  const auto d = w.ready_device(1);
  BOOST_TEST_REQUIRE(
      w.e.change_group_membership(w.admin, w.contoso, d, all_devices_group(), false).ok());
  // Device 2's Autopilot record falls due exactly at t0 + 1h, the first hourly tick.
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 1h - 60s).ok());
  const auto second = w.register_manual(2);
  BOOST_TEST_REQUIRE(w.e.advance_to(t0 + 1h).ok());
  BOOST_TEST((w.done(second, workflow_step::autopilot_record) == t0 + 1h));
  BOOST_TEST(in_group(w.e, d, all_devices_group()));
}
