#include "mmdreg/registry/intake.hpp"

#include <string>

#include "mmdreg/autopilot/device_list.hpp"

namespace mmdreg::registry {

checked_upload check_csv_upload(std::string_view content, const csv::validate_options& options) {
  checked_upload upload;
  const auto summary = csv::validate_buffer(
      content, options, [&](const diagnostic& d) { upload.findings.push_back(d); },
      [&](const csv::row& row) {
        if (!row.accepted) return;
        batch_entry entry;
        device_record& r = entry.record;
        r.serial_number = row.value(csv::column::serial_number);
        r.product_key_id = row.value(csv::column::product_id);
        r.hardware_hash = row.value(csv::column::hardware_hash);
        r.group_tag = row.value(csv::column::group_tag);
        r.assigned_user = row.value(csv::column::assigned_user);
        r.manufacturer = row.value(csv::column::manufacturer);
        r.model = row.value(csv::column::model);
        entry.line = static_cast<std::uint32_t>(row.line);
        upload.devices.push_back(std::move(entry));
      });
  upload.rows = summary.rows;
  upload.rejected = summary.rejected;
  upload.file_rejected = summary.file_rejected;
  if (upload.file_rejected) upload.devices.clear();
  return upload;
}

result<checked_upload> check_json_upload(std::string_view json) {
  auto list = autopilot::read_device_list(json);
  if (!list.ok()) return list.err();
  checked_upload upload;
  upload.rows = list->devices.size();
  for (auto& f : list->findings) {
    f.finding.column = f.path;
    upload.findings.push_back(std::move(f.finding));
  }
  for (std::size_t i = 0; i < list->devices.size(); ++i) {
    auto& device = list->devices[i];
    if (device.rejected) {
      ++upload.rejected;
      continue;
    }
    batch_entry entry;
    entry.record = std::move(device.record);
    entry.line = static_cast<std::uint32_t>(i + 1);
    upload.devices.push_back(std::move(entry));
  }
  return upload;
}

bool upload_looks_like_json(std::string_view content) noexcept {
  // Python's register_bytes and the C ABI's register_upload both route a file through this test.
  constexpr std::string_view skipped = "\xEF\xBB\xBF \t\r\n";
  const auto head = content.substr(0, 64);
  const auto first = head.find_first_not_of(skipped);
  return first != std::string_view::npos && (head[first] == '{' || head[first] == '[');
}

std::size_t select_profile(registration_request& request, std::optional<device_profile> profile,
                           bool shared) {
  if (profile) {
    request.profile = *profile;
    request.shared = shared;
    const auto tag = group_tag_name(*profile, shared);
    std::size_t retagged = 0;
    for (auto& entry : request.devices) {
      if (!entry.record.group_tag.empty() && entry.record.group_tag != tag) ++retagged;
      entry.record.group_tag.clear();
    }
    return retagged;
  }
  request.profile = device_profile::standard;
  request.shared = shared;
  for (const auto& entry : request.devices) {
    const auto tag = parse_group_tag(entry.record.group_tag);
    if (tag.kind == group_tag_kind::mmd) {
      request.profile = tag.profile;
      request.shared = tag.shared || shared;
      break;
    }
  }
  return 0;
}

result<upload_registration> register_upload(engine& e, registration_request request,
                                            std::string_view content, upload_format format,
                                            std::optional<device_profile> profile, bool shared) {
  const bool json = format == upload_format::json ||
                    (format == upload_format::detect && upload_looks_like_json(content));
  auto checked =
      json ? check_json_upload(content) : result<checked_upload>(check_csv_upload(content));
  if (!checked.ok()) return checked.err();
  upload_registration out;
  out.check = std::move(checked).value();
  out.request = std::move(request);
  out.request.devices = std::move(out.check.devices);
  out.check.devices.clear();
  out.retagged = select_profile(out.request, profile, shared);
  if (out.request.devices.empty()) return out;
  for (auto& entry : out.request.devices)
    entry.record.order_id = out.request.order_id;
  auto registered = e.register_devices(out.request);
  if (!registered.ok()) return registered.err();
  out.result = std::move(registered).value();
  return out;
}

}  // namespace mmdreg::registry
