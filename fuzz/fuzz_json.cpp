// Fuzzes every JSON reader with each input: the three payload readers, the Graph error reader, the
// device-list reader, paged accumulation and session restore; then feeds the input to a session as
// the body of every kind of response. Any crash, hang or broken invariant aborts.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

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
  drive_session(text);
  return 0;
}
