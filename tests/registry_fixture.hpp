// Helpers shared by the registry test suites: devices with real (built) hardware hashes, and a
// small world of organizations, a partner and an OEM.
#ifndef MMDREG_TESTS_REGISTRY_FIXTURE_HPP
#define MMDREG_TESTS_REGISTRY_FIXTURE_HPP

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include <ostream>

#include "mmdreg/domain/device_name.hpp"
#include "mmdreg/hash/hardware_hash.hpp"
#include "mmdreg/registry/engine.hpp"

namespace mmdreg::registry {
/// Lets Boost.Test print audit causes in failed comparisons.
inline std::ostream& operator<<(std::ostream& out, audit_cause c) {
  return out << audit_cause_name(c);
}
}  // namespace mmdreg::registry

namespace mmdreg::testing {

using namespace std::chrono_literals;
using registry::actor;
using registry::batch_entry;
using registry::channel;
using registry::device_id;
using registry::engine;
using registry::organization_id;
using registry::registration_request;

inline constexpr registry::sim_time t0{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}};

/// The fields of simulated device number n.
inline hash_fields device_fields(std::uint32_t n,
                                 std::string manufacturer = "Microsoft Corporation",
                                 std::string model = "Surface Laptop 5") {
  hash_fields f;
  char serial[16];
  std::snprintf(serial, sizeof serial, "0%011u", n);
  f.serial_number = serial;
  f.manufacturer = std::move(manufacturer);
  f.model = std::move(model);
  for (std::size_t i = 0; i < 4; ++i)
    f.smbios_uuid[i] = static_cast<std::uint8_t>(n >> (8 * i));
  f.smbios_uuid[15] = 0x5A;
  f.capture_time =
      std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 1 / 15}};
  return f;
}

/// A batch entry carrying the device's hash as text: the engine decodes it.
inline batch_entry hashed_entry(std::uint32_t n, std::uint32_t line = 0) {
  batch_entry e;
  e.record.hardware_hash = build_hash(device_fields(n)).value();
  e.record.serial_number = device_fields(n).serial_number;
  e.line = line == 0 ? n + 1 : line;
  return e;
}

/// The identity the hash of device n decodes to.
inline device_identity identity_of(std::uint32_t n) {
  hardware_hash h;
  const auto problem = h.decode(build_hash(device_fields(n)).value());
  BOOST_TEST_REQUIRE(!problem.has_value());
  return h.identity();
}

/// A batch entry with the hash already decoded by the caller (no text hash).
inline batch_entry decoded_entry(std::uint32_t n, std::uint32_t line = 0) {
  const auto f = device_fields(n);
  batch_entry e;
  e.decoded = registry::decoded_device{identity_of(n), f.manufacturer, f.model, f.serial_number};
  e.line = line == 0 ? n + 1 : line;
  return e;
}

inline registration_request manual_request(organization_id org, std::vector<batch_entry> devices,
                                           device_profile profile = device_profile::standard,
                                           bool shared = false) {
  registration_request r;
  r.by = actor::admin_of(org);
  r.organization = org;
  r.via = channel::devices_blade;
  r.profile = profile;
  r.shared = shared;
  r.devices = std::move(devices);
  return r;
}

inline registry::organization_settings settings_named(std::string name) {
  registry::organization_settings s;
  s.name = std::move(name);
  return s;
}

/// Whether the device is a member of the group, as Entra has it.
inline bool in_group(const engine& e, device_id d, std::string_view group) {
  const auto groups = e.groups_of(d);
  return std::find(groups.begin(), groups.end(), group) != groups.end();
}

inline registration_state state_of(const engine& e, organization_id org, device_id d) {
  return e.device(actor::admin_of(org), org, d).value().state;
}

}  // namespace mmdreg::testing

#endif
