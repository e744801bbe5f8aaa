#include <array>
#include <functional>

#include "autopilot/json_kernel.hpp"
#include "autopilot/json_members.hpp"
#include "mmdreg/autopilot/payloads.hpp"

namespace mmdreg::autopilot {

namespace {

constexpr std::array<std::string_view, 5> kImportStatusNames{"unknown", "pending", "partial",
                                                             "complete", "error"};
constexpr std::array<std::string_view, 5> kBatchStatusNames{"unknown", "queued", "processing",
                                                            "finished", "finished_with_errors"};

}  // namespace

std::string_view import_status_name(import_status s) noexcept {
  const auto i = static_cast<std::size_t>(s);
  return i < kImportStatusNames.size() ? kImportStatusNames[i] : std::string_view{};
}

import_status parse_import_status(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kImportStatusNames.size(); ++i)
    if (kImportStatusNames[i] == name) return static_cast<import_status>(i);
  return import_status::unrecognized;
}

std::string_view batch_status_name(batch_status s) noexcept {
  const auto i = static_cast<std::size_t>(s);
  return i < kBatchStatusNames.size() ? kBatchStatusNames[i] : std::string_view{};
}

batch_status parse_batch_status(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kBatchStatusNames.size(); ++i)
    if (kBatchStatusNames[i] == name) return static_cast<batch_status>(i);
  return batch_status::unrecognized;
}

// The readers run on the kernel json_kernel.hpp picks for this CPU.
struct payload_reader::impl {
  json_limits limits;
  detail::json_reader_state state;
  explicit impl(json_limits l) : limits(l), state(l.max_document_bytes) {}
};

payload_reader::payload_reader(json_limits limits) : impl_(std::make_unique<impl>(limits)) {}
payload_reader::~payload_reader() = default;
payload_reader::payload_reader(payload_reader&&) noexcept = default;
payload_reader& payload_reader::operator=(payload_reader&&) noexcept = default;

result<imported_identity_page> payload_reader::read_imported_identities(std::string_view json) {
  auto& state = impl_->state;
  return state.kernel().read_imported_identities(state.parser(), state.buffer(), impl_->limits,
                                                 json);
}

autopilot_device_identity autopilot_device_view::to_owned() const {
  autopilot_device_identity owned;
  for (const auto& member : detail::kAutopilotMembers)
    owned.*member.owned = this->*member.view;
  return owned;
}

result<std::string> payload_reader::for_each_autopilot_device(
    std::string_view json, const std::function<void(const autopilot_device_view&)>& on_device,
    std::vector<json_issue>& issues) {
  auto& state = impl_->state;
  return state.kernel().for_each_autopilot_device(state.parser(), state.buffer(), impl_->limits,
                                                  json, on_device, issues);
}

result<std::string> payload_reader::read_autopilot_devices(
    std::string_view json, std::vector<autopilot_device_identity>& out,
    std::vector<json_issue>& issues) {
  const std::size_t devices_before = out.size();
  const std::size_t issues_before = issues.size();
  auto next = for_each_autopilot_device(
      json, [&](const autopilot_device_view& device) { out.push_back(device.to_owned()); }, issues);
  if (!next) {
    out.resize(devices_before);
    issues.resize(issues_before);
  }
  return next;
}

result<batch_upload_details> payload_reader::read_batch_status(std::string_view json) {
  auto& state = impl_->state;
  return state.kernel().read_batch_status(state.parser(), state.buffer(), impl_->limits, json);
}

std::optional<std::pair<std::string, std::string>> payload_reader::read_graph_error(
    std::string_view json) {
  auto& state = impl_->state;
  return state.kernel().read_graph_error(state.parser(), state.buffer(), impl_->limits, json);
}

status autopilot_device_listing::add_page(std::string_view json, const json_limits& limits) {
  payload_reader reader(limits);
  std::vector<json_issue> page_issues;
  auto next = reader.read_autopilot_devices(json, devices_, page_issues);
  if (!next) return next.err();
  const std::string prefix = "page[" + std::to_string(pages_) + "]";
  for (auto& issue : page_issues) {
    issue.path.insert(0, prefix);
    issues_.push_back(std::move(issue));
  }
  next_link_ = std::move(*next);
  ++pages_;
  return {};
}

}  // namespace mmdreg::autopilot
