#define BOOST_TEST_MODULE registry_properties
#include <bit>
#include <boost/test/unit_test.hpp>
#include <map>

#include "registry_fixture.hpp"

using namespace mmdreg;
using namespace mmdreg::testing;
namespace gb = registry::group_bit;
namespace flag = registry::device_flag;

namespace {

constexpr std::uint32_t kPool = 48;  // device numbers the organizations compete for
constexpr std::size_t kOrgs = 3;

/// Drives an engine with a random but seeded sequence of operations, checking the invariants
/// after every one.
struct random_run {
  explicit random_run(std::uint64_t seed, registry::storage* store = nullptr)
      : random(seed),
        e(store == nullptr
              ? engine(registry::engine_options{.start = t0, .seed = seed})
              : engine::open(*store, registry::engine_options{.start = t0, .seed = seed}).value()) {
    for (std::size_t i = 0; i < kOrgs; ++i) {
      auto s = settings_named("Org " + std::to_string(i));
      s.naming_exception = i == 2;
      orgs.push_back(e.add_organization(s).value());
    }
    partner = e.add_partner("Partner").value();
    oem = e.add_oem("OEM").value();
    for (std::uint32_t n = 0; n < kPool; ++n)
      identities.push_back(identity_of(n));
    for (std::uint32_t n = kPool - 8; n < kPool; ++n) {
      const auto f = device_fields(n);
      BOOST_TEST_REQUIRE(e.add_catalogue_entry({.manufacturer = f.manufacturer,
                                                .model = f.model,
                                                .serial_number = f.serial_number,
                                                .identity = identities[n]})
                             .ok());
    }
  }

  std::uint64_t pick(std::uint64_t bound) { return random.below(bound); }
  organization_id any_org() { return orgs[pick(kOrgs)]; }
  /// Any row id (0 and foreign rows included, so refusals are exercised too); three times in four
  /// `org` becomes the row's own organization.
  device_id any_device(organization_id& org) {
    const auto id = static_cast<std::uint32_t>(pick(e.device_rows() + 1));
    if (id != 0 && pick(4) != 0) org = organization_id{e.row(device_id{id}).organization};
    return device_id{id};
  }

  void step() {
    const auto op = pick(100);
    auto org = any_org();
    const auto device = any_device(org);
    const auto admin = actor::admin_of(org);
    if (op < 25) {
      registration_request r;
      r.organization = org;
      r.profile = all_device_profiles[pick(4)];
      r.shared = supports_shared(r.profile) && pick(3) == 0;
      const auto who = pick(4);
      r.by = who == 0 ? actor::partner(partner) : who == 1 ? actor::oem(oem) : admin;
      r.via = who == 0   ? (pick(2) == 0 ? channel::partner_center : channel::mmd_api)
              : who == 1 ? channel::oem_api
                         : (pick(2) == 0 ? channel::devices_blade : channel::autopilot_blade);
      const auto size = 1 + pick(6);
      for (std::uint64_t i = 0; i < size; ++i) {
        const auto n = static_cast<std::uint32_t>(pick(kPool));
        auto entry = pick(5) == 0 ? hashed_entry(n) : decoded_entry(n);
        if (pick(12) == 0) {
          entry.decoded.reset();
          entry.record.hardware_hash = "not a hash";
        }
        if (who <= 1 && n >= kPool - 8 && pick(2) == 0) {  // a supplier tuple instead of a hash
          const auto f = device_fields(n);
          entry = batch_entry{};
          entry.record.manufacturer = f.manufacturer;
          entry.record.model = pick(4) == 0 ? "Other model" : f.model;
          entry.record.serial_number = f.serial_number;
        }
        r.devices.push_back(std::move(entry));
      }
      (void)e.register_devices(r);
    } else if (op < 30) {
      (void)(pick(2) == 0 ? e.grant_partner_consent(admin, org, partner)
                          : e.withdraw_partner_consent(admin, org, partner));
      (void)(pick(2) == 0 ? e.authorize_oem(admin, org, oem)
                          : e.revoke_oem_authorization(admin, org, oem));
    } else if (op < 36) {
      (void)e.deregister(admin, org, device);
    } else if (op < 44) {
      (void)(pick(2) == 0 ? e.release_ring(admin, org, device)
                          : e.pin_ring(admin, org, device, static_cast<ring>(pick(4))));
    } else if (op < 52) {
      const auto bit = static_cast<unsigned>(pick(10));
      std::string_view group = bit == 0   ? all_devices_group()
                               : bit == 1 ? shared_device_mode_group()
                               : bit < 6  ? ring_group(static_cast<ring>(bit - 2))
                                          : profile_group(static_cast<device_profile>(bit - 6));
      if (e.change_group_membership(admin, org, device, group, pick(2) == 0).ok())
        groups_touched = true;
    } else if (op < 56) {
      (void)e.rename_device(admin, org, device, "PC-" + std::to_string(pick(1000)));
    } else if (op < 58) {
      (void)e.remove_group_tag(admin, org, device);
    } else if (op < 70) {
      (void)(pick(2) == 0 ? e.record_oobe_sign_in(org, device) : e.record_activity(org, device));
    } else {
      static constexpr std::array<std::chrono::seconds, 6> steps{30s, 5min, 20min,
                                                                 1h,  6h,   std::chrono::days{2}};
      const auto before = e.now();
      BOOST_TEST_REQUIRE(e.advance(steps[pick(steps.size())]).ok());
      // Crossed an hourly tick: the remediation ran after any manual change.
      if ((e.now() - t0) / 1h != (before - t0) / 1h) groups_touched = false;
    }
    check();
  }

  std::string dump(std::uint32_t id) {
    std::string out;
    for (const auto& a : e.audit_entries())
      if (a.device == id)
        out += "\n  " + std::to_string(a.time - t0.time_since_epoch().count()) + " " +
               std::string(registry::audit_cause_name(a.cause)) + " " + std::to_string(a.from) +
               "->" + std::to_string(a.to);
    return out;
  }
  void check() {
    // A device identity is held by at most one row, hence one organization, and the directory
    // agrees with the rows.
    std::map<std::array<std::uint8_t, 32>, int> holders;
    for (std::uint32_t id = 1; id <= e.device_rows(); ++id) {
      const auto& d = e.row(device_id{id});
      if ((d.flags & flag::owns_identity) != 0) {
        BOOST_TEST_REQUIRE((d.flags & flag::removed) == 0);
        BOOST_TEST_REQUIRE(++holders[d.identity.digest] == 1);
        BOOST_TEST_REQUIRE((e.owner_of(d.identity) == organization_id{d.organization}));
      }
    }
    for (const auto& identity : identities)
      if (!holders.contains(identity.digest)) BOOST_TEST_REQUIRE(!e.owner_of(identity).has_value());

    // After remediation (and while nobody edited groups by hand): one ring, one profile group,
    // and the ring group is the device's ring.
    if (!groups_touched) {
      for (std::uint32_t id = 1; id <= e.device_rows(); ++id) {
        const auto& d = e.row(device_id{id});
        if (d.groups == 0) continue;
        BOOST_TEST_REQUIRE(std::popcount(static_cast<unsigned>(d.groups & gb::ring_mask)) == 1,
                           "device " << id << " state " << int(d.state) << " ring " << int(d.ring)
                                     << " groups " << d.groups << " flags " << int(d.flags)
                                     << " at " << (e.now() - t0).count() << dump(id));
        BOOST_TEST_REQUIRE(std::popcount(static_cast<unsigned>(d.groups & gb::profile_mask)) == 1);
        BOOST_TEST_REQUIRE((d.groups & (1U << (gb::ring_base + d.ring))) != 0U);
        BOOST_TEST_REQUIRE(
            (d.groups & (1U << (gb::profile_base + static_cast<unsigned>(d.profile)))) != 0U);
        if (d.ring_by == registry::ring_source::automatic)
          BOOST_TEST_REQUIRE(d.ring != static_cast<std::uint8_t>(ring::test));
      }
    }

    // Every state change is in the audit trail: folding each device's entries gives its state.
    std::vector<std::uint8_t> folded(e.device_rows() + 1, registry::audit_entry::no_state);
    std::int64_t last_time = 0;
    for (const auto& entry : e.audit_entries()) {
      BOOST_TEST_REQUIRE(entry.time >= last_time);
      last_time = entry.time;
      BOOST_TEST_REQUIRE(entry.from == folded[entry.device]);
      folded[entry.device] = entry.to;
    }
    for (std::uint32_t id = 1; id <= e.device_rows(); ++id)
      BOOST_TEST_REQUIRE(folded[id] == e.row(device_id{id}).state);
  }

  seeded_random random;
  engine e;
  std::vector<organization_id> orgs;
  registry::partner_id partner{};
  registry::oem_id oem{};
  std::vector<device_identity> identities;
  bool groups_touched = false;
};

}  // namespace

BOOST_AUTO_TEST_CASE(invariants_hold_over_random_operation_sequences) {
  // How often each state and each audit cause was seen: the sequences must reach them all for
  // the invariants to mean something.
  std::map<std::uint8_t, int> states;
  std::map<registry::audit_cause, int> causes;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      random_run run(seed);
      for (int i = 0; i < 400; ++i)
        run.step();
      for (const auto& entry : run.e.audit_entries()) {
        ++causes[entry.cause];
        ++states[entry.to];
      }
    }
  }
  for (std::uint8_t s = 0; s < 5; ++s)
    BOOST_TEST(states[s] > 0, display_name(static_cast<registration_state>(s)));
  BOOST_TEST(states[registry::audit_entry::no_state] > 0);
  for (std::uint8_t c = 0;
       c <= static_cast<std::uint8_t>(registry::audit_cause::failure_superseded); ++c)
    BOOST_TEST(causes[static_cast<registry::audit_cause>(c)] > 0,
               registry::audit_cause_name(static_cast<registry::audit_cause>(c)));
}

BOOST_AUTO_TEST_CASE(a_reopened_store_restores_the_engine_exactly_and_continues_identically) {
  for (std::uint64_t seed = 21; seed <= 24; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      registry::memory_storage store;
      random_run run(seed, &store);
      for (int i = 0; i < 300; ++i)
        run.step();
      // Leave open workflows behind: some devices are mid-way.
      auto late = manual_request(run.orgs[0], {decoded_entry(kPool + 1), decoded_entry(kPool + 2)});
      BOOST_TEST_REQUIRE(run.e.register_devices(late).ok());
      BOOST_TEST_REQUIRE(run.e.advance(90s).ok());

      // A copy of the file, as another process would open it; both go on writing their own.
      registry::memory_storage copy(store.load().value());
      auto reopened = engine::open(copy, registry::engine_options{.start = t0 + 99h, .seed = 999});
      BOOST_TEST_REQUIRE(reopened.ok(), reopened.err().message);
      const auto original = run.e.export_snapshot();
      const auto restored = reopened->export_snapshot();
      BOOST_TEST((restored.meta == original.meta));
      BOOST_TEST((restored.strings == original.strings));
      BOOST_TEST((restored.organizations == original.organizations));
      BOOST_TEST((restored.requests == original.requests));
      BOOST_TEST((restored.cohorts == original.cohorts));
      BOOST_TEST((restored.devices == original.devices));
      BOOST_TEST((restored.audit == original.audit));
      BOOST_TEST((restored.catalogue == original.catalogue));
      BOOST_TEST((store.load().value().devices == original.devices));

      // Both go on the same way: the workflows, jobs, names and rings do not depend on the restart.
      for (auto* e : {&run.e, &*reopened}) {
        BOOST_TEST_REQUIRE(e->advance(std::chrono::days{3}).ok());
        BOOST_TEST_REQUIRE(
            e->register_devices(manual_request(run.orgs[1], {decoded_entry(kPool + 3)})).ok());
        BOOST_TEST_REQUIRE(e->advance(std::chrono::days{1}).ok());
      }
      const auto a = run.e.export_snapshot();
      const auto b = reopened->export_snapshot();
      BOOST_TEST((a.devices == b.devices));
      BOOST_TEST((a.audit == b.audit));
      BOOST_TEST((a.meta == b.meta));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_store_that_is_not_consistent_is_refused) {
  registry::memory_storage store;
  {
    auto e = engine::open(store, registry::engine_options{.start = t0}).value();
    const auto org = e.add_organization(settings_named("Contoso")).value();
    BOOST_TEST_REQUIRE(e.register_devices(manual_request(org, {decoded_entry(1)})).ok());
  }
  // A device row naming an organization the store does not have.
  registry::device_row bad{};
  bad.organization = 5;
  const std::pair<std::uint32_t, registry::device_row> rows[] = {{1, bad}};
  auto snap = store.load().value();
  BOOST_TEST_REQUIRE(store.commit(registry::change_set{.meta = *snap.meta, .devices = rows}).ok());
  const auto reopened = engine::open(store, registry::engine_options{.start = t0});
  BOOST_TEST(!reopened.ok());
  BOOST_TEST(reopened.err().message.find("unknown organization") != std::string::npos);
}
