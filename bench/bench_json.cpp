// JSON benchmark, two parts:
//  1. parse a generated 1,000,000-device windowsAutopilotDeviceIdentity listing (the shape the
//     hourly assignment check reads) with the payload reader: GB/s on one core;
//  2. drive a 100,000-device import session against the in-process fake Graph service of the
//     tests, which throttles (429 with Retry-After) every Nth request: requests sent per device.
// Usage: bench_json [DEVICES_TO_PARSE] [DEVICES_TO_IMPORT]
// The last line is `json gb_per_s=<n> requests_per_device=<n>`.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../tests/autopilot_fake_service.hpp"
#include "autopilot/json_kernel.hpp"
#include "bench_util.hpp"
#include "mmdreg/autopilot/import_session.hpp"
#include "mmdreg/autopilot/payloads.hpp"

using namespace mmdreg;
using namespace mmdreg::autopilot;

namespace {

std::string generate_listing(std::size_t count) {
  std::string out;
  out.reserve(count * 720 + 256);
  out +=
      "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/"
      "windowsAutopilotDeviceIdentities\",\"@odata.count\":" +
      std::to_string(count) + ",\"value\":[";
  char item[1024];
  for (std::size_t i = 0; i < count; ++i) {
    const int n = std::snprintf(
        item, sizeof item,
        "%s{\"@odata.type\":\"#microsoft.graph.windowsAutopilotDeviceIdentity\","
        "\"id\":\"%08zx-5d2b-4e1a-9c3f-%012zx\",\"deploymentProfileAssignmentStatus\":"
        "\"assignedInSync\",\"deploymentProfileAssignmentDetailedStatus\":\"none\","
        "\"deploymentProfileAssignedDateTime\":\"2024-05-06T10:%02zu:00Z\",\"groupTag\":"
        "\"Microsoft365Managed_%s\",\"purchaseOrderIdentifier\":\"PO-%zu\",\"serialNumber\":"
        "\"%012zu\",\"productKey\":\"\",\"manufacturer\":\"%s\",\"model\":\"%s\","
        "\"enrollmentState\":\"%s\",\"lastContactedDateTime\":\"2024-05-07T08:%02zu:00Z\","
        "\"addressableUserName\":\"\",\"userPrincipalName\":\"user%zu@contoso.com\","
        "\"resourceName\":\"\",\"skuNumber\":\"\",\"systemFamily\":\"\","
        "\"azureActiveDirectoryDeviceId\":\"%08zx-aad0-4e1a-9c3f-%012zx\","
        "\"azureAdDeviceId\":\"%08zx-aad0-4e1a-9c3f-%012zx\",\"managedDeviceId\":"
        "\"%08zx-3d00-4e1a-9c3f-%012zx\",\"displayName\":\"MMD-%011zu\"}",
        i == 0 ? "" : ",", i, i * 7919, i % 60, i % 3 == 0 ? "Standard" : "SensitiveData", i / 100,
        100000000000 + i, i % 2 ? "Dell Inc." : "Microsoft Corporation",
        i % 2 ? "Latitude 7440" : "Surface Laptop 5", i % 5 ? "enrolled" : "notContacted", i % 60,
        i, i, i, i, i, i, i, i);
    out.append(item, static_cast<std::size_t>(n));
  }
  out += "]}";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t parse_count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const std::size_t import_count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100'000;

  // 1. Parsing.
  const std::string listing = generate_listing(parse_count);
  json_limits limits;
  limits.max_document_bytes = listing.size();
  payload_reader reader(limits);
  // Streaming (views, what the hourly assignment check needs) is the headline figure; the owning
  // read (a std::string per field) is shown beside it.
  double best = 1e30, best_owned = 1e30;
  std::size_t devices_read = 0;
  for (int round = 0; round < 3; ++round) {
    std::vector<json_issue> issues;
    std::size_t seen = 0, enrolled = 0;
    bench::stopwatch watch;
    const auto next = reader.for_each_autopilot_device(
        listing,
        [&](const autopilot_device_view& device) {
          ++seen;
          enrolled += device.enrollment_state == "enrolled";
        },
        issues);
    const double seconds = watch.seconds();
    if (!next || !issues.empty() || seen != parse_count || enrolled == 0) {
      std::fprintf(stderr, "bench_json: the listing did not read back (%s)\n",
                   next ? "wrong count" : next.err().message.c_str());
      return 1;
    }
    devices_read = seen;
    best = std::min(best, seconds);

    std::vector<autopilot_device_identity> devices;
    devices.reserve(parse_count);
    bench::stopwatch owned_watch;
    const auto owned = reader.read_autopilot_devices(listing, devices, issues);
    best_owned = std::min(best_owned, owned_watch.seconds());
    if (!owned || devices.size() != parse_count) return 1;
  }
  // The same streaming read through the portable kernel, for the ratio in the same run.
  double best_portable = 1e30;
  mmdreg::autopilot::detail::force_json_kernel(
      mmdreg::autopilot::detail::json_kernel_choice::portable);
  for (int round = 0; round < 3; ++round) {
    std::vector<json_issue> issues;
    std::size_t seen = 0;
    bench::stopwatch watch;
    const auto next = reader.for_each_autopilot_device(
        listing, [&](const autopilot_device_view&) { ++seen; }, issues);
    best_portable = std::min(best_portable, watch.seconds());
    if (!next || seen != parse_count) return 1;
  }
  mmdreg::autopilot::detail::force_json_kernel(
      mmdreg::autopilot::detail::json_kernel_choice::automatic);
  std::printf("kernel: %.*s (portable kernel: %.2f GB/s)\n",
              static_cast<int>(mmdreg::autopilot::detail::active_json_kernel().name.size()),
              mmdreg::autopilot::detail::active_json_kernel().name.data(),
              static_cast<double>(listing.size()) / best_portable / 1e9);
  const double gb_per_s = static_cast<double>(listing.size()) / best / 1e9;
  std::printf(
      "parse: %zu devices, %.1f MB in %.3f s (best of 3): %.2f GB/s, %.0f devices/s "
      "(views); owning copies: %.2f GB/s\n",
      devices_read, static_cast<double>(listing.size()) / 1e6, best, gb_per_s,
      static_cast<double>(devices_read) / best,
      static_cast<double>(listing.size()) / best_owned / 1e9);

  // 2. A session against a throttling fake service.
  std::vector<session_device> devices(import_count);
  for (std::size_t i = 0; i < import_count; ++i) {
    devices[i].record.serial_number = "SN" + std::to_string(100000000 + i);
    devices[i].record.group_tag = "Microsoft365Managed_Standard";
    devices[i].source_line = i + 2;
  }
  testing::fake_graph service;
  service.throttle_every = 10;
  service.retry_after = "2";
  service.page_size = 500;
  service.processing_time = std::chrono::seconds(90);
  service.decide = [](const std::string& serial) {
    return serial.ends_with("13")
               ? testing::fake_graph::verdict{"error", 806, "ZtdDeviceAlreadyAssigned"}
               : testing::fake_graph::verdict{};
  };
  const session_time t0{std::chrono::seconds(1'700'000'000)};
  // A day's deadline: every 10th request is throttled for 2 s and successful requests take no
  // simulated time, so deleting 100,000 import records alone needs some 20,000 simulated seconds.
  session_options options;
  options.deadline = std::chrono::hours(24);
  auto session = import_session::start(std::move(devices), options, t0);
  if (!session) {
    std::fprintf(stderr, "bench_json: %s\n", session.err().message.c_str());
    return 1;
  }
  bench::stopwatch watch;
  auto now = t0;
  testing::drive(*session, now,
                 [&](const http_request& r, session_time t) { return service.handle(r, t); });
  const double seconds = watch.seconds();
  std::size_t registered = 0, failed = 0, timed_out = 0;
  for (const auto& r : session->results()) {
    registered += r.outcome == device_outcome::registered;
    failed += r.outcome == device_outcome::failed;
    timed_out += r.outcome == device_outcome::timed_out;
  }
  const double per_device =
      static_cast<double>(service.requests) / static_cast<double>(import_count);
  std::printf(
      "session: %zu devices, %zu requests (%zu throttled with 429), simulated %lld s, "
      "%.2f s CPU; registered %zu, failed %zu, timed out %zu; %zu import records left\n",
      import_count, service.requests, service.throttled, static_cast<long long>((now - t0).count()),
      seconds, registered, failed, timed_out, service.records.size());
  std::printf("peak RSS %.0f MiB\n", bench::peak_rss_mib());
  std::printf("json gb_per_s=%.2f requests_per_device=%.3f\n", gb_per_s, per_device);
  return 0;
}
