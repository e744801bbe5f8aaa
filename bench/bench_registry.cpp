// Registers 1,000,000 devices across 1,000 organizations (identities decoded beforehand), runs
// the workflow to Ready for user, signs the users in, and advances a simulated week with an
// in-memory storage receiving every change. Prints registrations per second, the time of one
// hourly job run over all devices, and resident memory per device.
//
// Usage: bench_registry [DEVICES] [ORGANIZATIONS]
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "mmdreg/registry/engine.hpp"

namespace {

using namespace std::chrono_literals;
using namespace mmdreg;
using namespace mmdreg::registry;

/// Resident set size now (not the peak), in bytes.
double rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

constexpr std::array<const char*, 4> kManufacturers{"Microsoft Corporation", "Dell Inc.", "HP",
                                                    "LENOVO"};
constexpr std::array<const char*, 6> kModels{"Surface Laptop 5",  "Latitude 7440",
                                             "EliteBook 840 G10", "ThinkPad T14 Gen 4",
                                             "Surface Pro 9",     "OptiPlex 7010"};

/// One organization's batch: identities and SMBIOS fields as a CSV validation + hash decoding
/// pass would hand them over.
std::vector<batch_entry> make_batch(std::uint32_t first, std::uint32_t count,
                                    seeded_random& random) {
  std::vector<batch_entry> batch(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto& e = batch[i];
    decoded_device d;
    for (std::size_t k = 0; k < d.identity.digest.size(); k += 8) {
      const auto v = random.next();
      for (std::size_t b = 0; b < 8; ++b)
        d.identity.digest[k + b] = static_cast<std::uint8_t>(v >> (8 * b));
    }
    const auto n = first + i;
    d.manufacturer = kManufacturers[n % kManufacturers.size()];
    d.model = kModels[n % kModels.size()];
    char serial[16];
    std::snprintf(serial, sizeof serial, "SN%010u", n);
    d.serial_number = serial;
    e.decoded = std::move(d);
    e.line = i + 2;
  }
  return batch;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint32_t devices =
      argc > 1 ? static_cast<std::uint32_t>(std::atol(argv[1])) : 1'000'000;
  const std::uint32_t organizations =
      argc > 2 ? static_cast<std::uint32_t>(std::atol(argv[2])) : 1'000;
  const std::uint32_t per_org = devices / organizations;
  const sim_time start{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}};

  const double rss_before = rss_bytes();
  memory_storage store;
  auto opened = engine::open(store, engine_options{.start = start, .seed = 2026});
  if (!opened) {
    std::fprintf(stderr, "open: %s\n", opened.err().message.c_str());
    return 1;
  }
  auto& e = *opened;
  std::vector<organization_id> orgs;
  for (std::uint32_t o = 0; o < organizations; ++o) {
    organization_settings s;
    s.name = "Organization " + std::to_string(o);
    s.naming_exception = o % 10 == 0;
    orgs.push_back(e.add_organization(s).value());
  }

  seeded_random random(7);
  double register_seconds = 0;
  std::size_t accepted = 0;
  for (std::uint32_t o = 0; o < organizations; ++o) {
    registration_request r;
    r.by = actor::admin_of(orgs[o]);
    r.organization = orgs[o];
    r.via = channel::devices_blade;
    r.profile = all_device_profiles[o % 4];
    r.shared = o % 7 == 0 && supports_shared(r.profile);
    r.devices = make_batch(o * per_org, per_org, random);
    bench::stopwatch clock;
    auto result = e.register_devices(r);
    register_seconds += clock.seconds();
    if (!result) {
      std::fprintf(stderr, "register: %s\n", result.err().message.c_str());
      return 1;
    }
    accepted += result->accepted;
  }
  const double registrations_per_s = static_cast<double>(accepted) / register_seconds;
  std::printf("registered %zu devices in %.3f s: %.0f registrations/s\n", accepted,
              register_seconds, registrations_per_s);

  // The workflow: every device is Ready for user 8 minutes later.
  bench::stopwatch workflow_clock;
  if (!e.advance(10min)) return 1;
  std::printf("workflow to Ready for user: %.3f s\n", workflow_clock.seconds());

  // Users sign in over the first hours; a tenth never use their device again, the rest do daily.
  bench::stopwatch sign_in_clock;
  std::size_t signed_in = 0;
  for (std::uint32_t id = 1; id <= e.device_rows(); ++id) {
    const auto& row = e.row(device_id{id});
    if (e.record_oobe_sign_in(organization_id{row.organization}, device_id{id})) ++signed_in;
  }
  std::printf("OOBE sign-ins: %zu in %.3f s\n", signed_in, sign_in_clock.seconds());

  // A simulated week, one hour at a time (each step runs exactly one hourly tick); daily activity.
  std::vector<double> hourly;
  bench::stopwatch week_clock;
  for (int hour = 0; hour < 7 * 24 + 1; ++hour) {
    bench::stopwatch tick;
    if (auto s = e.advance(1h); !s) {
      std::fprintf(stderr, "advance: %s\n", s.err().message.c_str());
      return 1;
    }
    hourly.push_back(tick.seconds());
    if (hour % 24 == 12) {
      for (std::uint32_t id = 1; id <= e.device_rows(); ++id)
        if (id % 10 != 0)
          (void)e.record_activity(organization_id{e.row(device_id{id}).organization},
                                  device_id{id});
    }
  }
  const double week_seconds = week_clock.seconds();
  std::vector<double> sorted = hourly;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  const double worst = sorted.back();
  std::size_t inactive = 0;
  for (std::uint32_t id = 1; id <= e.device_rows(); ++id)
    inactive +=
        e.row(device_id{id}).state == static_cast<std::uint8_t>(registration_state::inactive);
  std::printf(
      "simulated week: %.3f s wall; hourly job over %u devices: median %.3f s, worst %.3f s\n",
      week_seconds, static_cast<unsigned>(e.device_rows()), median, worst);
  std::printf("inactive after the week: %zu; audit entries: %zu; storage commits: %zu\n", inactive,
              e.audit_size(), store.commits());

  const double rss_after = rss_bytes();
  const double bytes_per_device = (rss_after - rss_before) / static_cast<double>(e.device_rows());
  std::printf(
      "memory: %.0f MiB resident for engine + in-memory storage (peak %.0f MiB): %.0f "
      "bytes/device\n",
      (rss_after - rss_before) / 1048576.0, bench::peak_rss_mib(), bytes_per_device);
  std::printf("registry registrations_per_s=%.0f hourly_job_s=%.3f bytes_per_device=%.0f\n",
              registrations_per_s, worst, bytes_per_device);
  return 0;
}
