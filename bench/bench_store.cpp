// Registers devices through the engine into a SQLite registry file (batches of 1,000, one durable
// commit per batch: WAL + synchronous=FULL), then closes it and times reopening the file with
// 1,000,000 devices into a new engine. For comparison it registers the same batches into an
// in-memory storage.
//
// Usage: bench_store [DEVICES] [BATCH]    (defaults: 1000000 1000)
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "mmdreg/registry/engine.hpp"
#include "mmdreg/store/sqlite_storage.hpp"

namespace {

using namespace mmdreg;
using namespace mmdreg::registry;

/// One batch of devices with identities already decoded (as a CSV + hash pass would hand them).
std::vector<batch_entry> make_batch(std::uint32_t first, std::uint32_t count,
                                    seeded_random& random) {
  static constexpr const char* manufacturers[] = {"Microsoft Corporation", "Dell Inc.", "HP",
                                                  "LENOVO"};
  static constexpr const char* models[] = {"Surface Laptop 5", "Latitude 7440", "EliteBook 840 G10",
                                           "ThinkPad T14 Gen 4"};
  std::vector<batch_entry> batch(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    decoded_device d;
    for (std::size_t k = 0; k < d.identity.digest.size(); k += 8) {
      const auto v = random.next();
      for (std::size_t b = 0; b < 8; ++b)
        d.identity.digest[k + b] = static_cast<std::uint8_t>(v >> (8 * b));
    }
    const auto n = first + i;
    d.manufacturer = manufacturers[n % 4];
    d.model = models[(n / 4) % 4];
    char serial[16];
    std::snprintf(serial, sizeof serial, "SN%010u", n);
    d.serial_number = serial;
    batch[i].decoded = std::move(d);
    batch[i].line = i + 2;
  }
  return batch;
}

/// CPU seconds this process has used (all threads): beside wall time, it shows how much of a
/// registration is work and how much is waiting for the disk or for a busy machine.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct rates {
  double wall = -1;  ///< registrations per wall-clock second (the figure that counts)
  double cpu = -1;   ///< registrations per CPU second
};

/// Registers `devices` devices in batches of `batch_size` (one organization per batch) and returns
/// the registrations per second over the register calls alone; negative on failure.
rates register_all(engine& e, std::uint32_t devices, std::uint32_t batch_size) {
  seeded_random random(7);
  double seconds = 0, cpu = 0;
  std::size_t accepted = 0;
  for (std::uint32_t first = 0; first < devices; first += batch_size) {
    organization_settings s;
    s.name = "Organization " + std::to_string(first / batch_size);
    const auto org = e.add_organization(s);
    if (!org) {
      std::fprintf(stderr, "add_organization: %s\n", org.err().message.c_str());
      return {};
    }
    registration_request r;
    r.by = actor::admin_of(*org);
    r.organization = *org;
    r.devices = make_batch(first, batch_size, random);
    const double cpu_before = cpu_seconds();
    bench::stopwatch clock;
    const auto result = e.register_devices(r);
    seconds += clock.seconds();
    cpu += cpu_seconds() - cpu_before;
    if (!result || result->accepted != batch_size) {
      std::fprintf(stderr, "register_devices failed at device %u\n", first);
      return {};
    }
    accepted += result->accepted;
  }
  return {static_cast<double>(accepted) / seconds, static_cast<double>(accepted) / cpu};
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint32_t devices =
      argc > 1 ? static_cast<std::uint32_t>(std::atol(argv[1])) : 1'000'000;
  const std::uint32_t batch_size = argc > 2 ? static_cast<std::uint32_t>(std::atol(argv[2])) : 1000;
  const engine_options options{
      .start = sim_time{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}}, .seed = 2026};

  std::string pattern = (std::filesystem::temp_directory_path() / "mmdreg-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return 1;
  const std::filesystem::path dir = pattern;
  const auto file = dir / "registry.db";
  int exit_code = 0;
  rates sqlite_rate, memory_rate;
  double reopen_seconds = 0;
  {
    auto storage = store::sqlite_storage::open(file);
    if (!storage) {
      std::fprintf(stderr, "%s\n", storage.err().message.c_str());
      return 1;
    }
    auto e = engine::open(**storage, options);
    if (!e) return 1;
    sqlite_rate = register_all(*e, devices, batch_size);
  }
  {
    memory_storage memory;
    auto e = engine::open(memory, options);
    if (!e) return 1;
    memory_rate = register_all(*e, devices, batch_size);
  }
  if (sqlite_rate.wall < 0 || memory_rate.wall < 0) exit_code = 1;
  std::printf(
      "sqlite (WAL, synchronous=FULL, one commit per batch of %u): %.0f registrations/s (%.0f per "
      "CPU second)\n",
      batch_size, sqlite_rate.wall, sqlite_rate.cpu);
  std::printf("in-memory storage, same batches: %.0f registrations/s (%.0f per CPU second)\n",
              memory_rate.wall, memory_rate.cpu);
  double load[1] = {0};
  if (getloadavg(load, 1) == 1) std::printf("machine load average: %.2f\n", load[0]);
  std::printf("registry file: %.1f MiB for %u devices\n",
              static_cast<double>(std::filesystem::file_size(file)) / 1048576.0, devices);
  {
    bench::stopwatch clock;
    auto storage = store::sqlite_storage::open(file);
    if (!storage) return 1;
    auto e = engine::open(**storage, options);
    reopen_seconds = clock.seconds();
    if (!e || e->device_rows() != devices) {
      std::fprintf(stderr, "reopen failed\n");
      exit_code = 1;
    } else {
      std::printf("reopen of %zu devices, %zu audit entries: %.3f s\n", e->device_rows(),
                  e->audit_size(), reopen_seconds);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::printf("store registrations_per_s=%.0f reopen_1m_s=%.3f\n", sqlite_rate.wall,
              reopen_seconds);
  return exit_code;
}
