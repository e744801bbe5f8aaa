// Fuzzes every JSON reader with each input: the three payload readers, the Graph error reader, the
// device-list reader, paged accumulation and session restore; then feeds the input to a session as
// the body of every kind of response. The readers also run through the portable and the avx2
// kernel (when the CPU has it) and must agree. Any crash, hang or broken invariant aborts.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autopilot/json_kernel.hpp"
#include "mmdreg/autopilot/device_list.hpp"
#include "mmdreg/autopilot/import_session.hpp"
#include "mmdreg/autopilot/payloads.hpp"

namespace {

using namespace mmdreg;
using namespace mmdreg::autopilot;

void require(bool condition) {
  if (!condition) std::abort();
}

void read_payloads(std::string_view text) {
  static payload_reader reader;
  if (auto page = reader.read_imported_identities(text)) {
    for (const auto& item : page->items)
      require(!item.id.empty());
  } else {
    require(!page.err().message.empty());
  }
  std::vector<autopilot_device_identity> devices;
  std::vector<json_issue> issues;
  const auto next = reader.read_autopilot_devices(text, devices, issues);
  if (!next) require(devices.empty());
  if (auto batch = reader.read_batch_status(text))
    require(batch->status != batch_status::unrecognized || !batch->issues.empty());
  (void)reader.read_graph_error(text);
  if (auto list = read_device_list(text)) {
    require(list->accepted() <= list->devices.size());
    for (const auto& finding : list->findings)
      require(!finding.path.empty());
  }
  autopilot_device_listing listing;
  (void)listing.add_page(text);
  (void)import_session::restore(text);
  // What the writers make of the text is always valid JSON or a refusal.
  if (auto quoted = json_string(text)) {
    const auto back = read_device_list("[{\"serialNumber\":" + *quoted + "}]");
    require(back.ok() && back->devices.size() == 1 &&
            back->devices[0].record.serial_number == text);
  }
}

// What the readers make of the text under the active kernel, in one comparable value.
struct readings {
  bool imported_ok = false, owned_ok = false, batch_ok = false, list_ok = false;
  std::string errors;
  std::vector<imported_device_identity> imported;
  std::vector<autopilot_device_identity> owned;
  std::vector<json_issue> issues;
  std::vector<std::string> batch;
  std::vector<device_record> records;
  std::vector<std::string> places;
  std::optional<std::pair<std::string, std::string>> graph_error;
  bool operator==(const readings&) const = default;
};

readings read_all(std::string_view text) {
  readings r;
  payload_reader reader;
  auto page = reader.read_imported_identities(text);
  r.imported_ok = page.ok();
  if (page) {
    r.imported = page->items;
    r.issues = page->issues;
    r.errors += page->next_link;
  } else {
    r.errors += page.err().message;
  }
  auto next = reader.read_autopilot_devices(text, r.owned, r.issues);
  r.owned_ok = next.ok();
  r.errors += next ? *next : next.err().message;
  auto batch = reader.read_batch_status(text);
  r.batch_ok = batch.ok();
  if (batch) {
    r.batch.push_back(batch->batch_tracking_id + "|" + batch->status_text + "|" +
                      batch->started_time + "|" + batch->completed_time);
    for (const auto& d : batch->devices)
      r.batch.push_back(d.device_id + "|" + d.serial_number + "|" + d.product_key + "|" +
                        d.status_text + "|" + d.error_code + "|" + d.error_description + "|" +
                        std::to_string(d.error.code) + "|" + d.error.name);
    r.issues.insert(r.issues.end(), batch->issues.begin(), batch->issues.end());
  } else {
    r.errors += batch.err().message;
  }
  r.graph_error = reader.read_graph_error(text);
  auto list = read_device_list(text);
  r.list_ok = list.ok();
  if (list) {
    for (const auto& device : list->devices) {
      r.records.push_back(device.record);
      r.places.push_back(device.path + "@" + std::to_string(device.offset) +
                         (device.rejected ? "!" : ""));
    }
    for (const auto& finding : list->findings)
      r.places.push_back(finding.path + "@" + std::to_string(finding.offset) + " " +
                         finding.finding.message);
    r.issues.insert(r.issues.end(), list->issues.begin(), list->issues.end());
  } else {
    r.errors += list.err().message;
  }
  return r;
}

void compare_kernels(std::string_view text) {
  if (!detail::json_avx2_supported()) return;
  detail::force_json_kernel(detail::json_kernel_choice::portable);
  const readings portable = read_all(text);
  detail::force_json_kernel(detail::json_kernel_choice::avx2);
  const readings avx2 = read_all(text);
  detail::force_json_kernel(detail::json_kernel_choice::automatic);
  require(portable == avx2);
}

// Answers every request of a small session with the input as the body, so that every response
// parser in the session sees it, with statuses that take each path.
void drive_session(std::string_view text) {
  const auto t0 = session_time(std::chrono::sys_days{std::chrono::year{2024} / 1 / 1});
  std::vector<session_device> devices(2);
  devices[0].record.serial_number = "A";
  devices[1].record.serial_number = "B";
  session_options options;
  options.batch_size = 1;
  options.deadline = std::chrono::hours(1);
  auto session = import_session::start(devices, options, t0);
  require(session.ok());
  auto now = t0;
  const int statuses[] = {200, 200, 429, 200, 400, 503, 200, 404};
  for (std::size_t step = 0; step < 64; ++step) {
    const auto next = session->next(now);
    if (next.action == session_step::kind::finish) break;
    if (next.action == session_step::kind::wait_until) {
      require(next.until > now);
      now = next.until;
      continue;
    }
    http_response response{
        statuses[step % 8], {{"Retry-After", std::string(text.substr(0, 40))}}, std::string(text)};
    require(session->accept(response, now).ok());
    if (step == 5) {
      auto restored = import_session::restore(session->save());
      require(restored.ok());
      session = std::move(restored);
    }
  }
  require(session->results().size() == 2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  read_payloads(text);
  compare_kernels(text);
  drive_session(text);
  return 0;
}
