#include <array>
#include <functional>

#include "autopilot/json_walk.hpp"
#include "mmdreg/autopilot/payloads.hpp"

// GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+ (GCC bug 105329); the
// message-building code here is plain string concatenation.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace mmdreg::autopilot {
namespace od = simdjson::ondemand;
using detail::for_each_element;
using detail::for_each_member;
using detail::item_place;
using detail::read_context;
using detail::read_root;

namespace {

constexpr std::array<std::string_view, 5> kImportStatusNames{"unknown", "pending", "partial",
                                                             "complete", "error"};
constexpr std::array<std::string_view, 5> kBatchStatusNames{"unknown", "queued", "processing",
                                                            "finished", "finished_with_errors"};
constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

bool read_state(read_context& context, od::value& value, imported_device_identity& item,
                const item_place& place) {
  return for_each_member(context, value, place, "state", [&](std::string_view key, od::value& v) {
    if (key == "deviceImportStatus") {
      if (!context.read_string(v, item.status_text, place, "state.deviceImportStatus"))
        return false;
      item.status = parse_import_status(item.status_text);
      return true;
    }
    if (key == "deviceRegistrationId")
      return context.read_string(v, item.device_registration_id, place,
                                 "state.deviceRegistrationId");
    if (key == "deviceErrorCode")
      return context.read_integer(v, item.device_error_code, place, "state.deviceErrorCode");
    if (key == "deviceErrorName")
      return context.read_string(v, item.device_error_name, place, "state.deviceErrorName");
    return true;
  });
}

// One member of an importedWindowsAutopilotDeviceIdentity.
bool read_imported_member(read_context& context, std::string_view key, od::value& v,
                          imported_device_identity& item, const item_place& place) {
  if (key == "id") return context.read_string(v, item.id, place, key);
  if (key == "serialNumber") return context.read_string(v, item.serial_number, place, key);
  if (key == "productKey") return context.read_string(v, item.product_key, place, key);
  if (key == "hardwareIdentifier")
    return context.read_string(v, item.hardware_identifier, place, key);
  if (key == "groupTag") return context.read_string(v, item.group_tag, place, key);
  if (key == "assignedUserPrincipalName")
    return context.read_string(v, item.assigned_user_principal_name, place, key);
  if (key == "importId") return context.read_string(v, item.import_id, place, key);
  if (key == "state") return read_state(context, v, item, place);
  return true;
}

bool read_imported_item(read_context& context, od::value& value, const item_place& place,
                        std::vector<imported_device_identity>& out) {
  imported_device_identity item;
  const std::size_t offset = context.offset_of(value);
  const std::size_t issues_before = context.issues->size();
  bool was_object = true;
  {
    od::json_type type{};
    if (auto code = value.type().get(type); code) return context.fail(code, offset);
    was_object = type == od::json_type::object;
  }
  if (!for_each_member(context, value, place, {}, [&](std::string_view key, od::value& v) {
        return read_imported_member(context, key, v, item, place);
      }))
    return false;
  if (!was_object) return true;
  if (item.id.empty()) {
    if (context.issues->size() == issues_before)
      context.issue(place.path("id"), offset, "the record has no id; it is left out");
    return true;
  }
  out.push_back(std::move(item));
  return true;
}

// The members of windowsAutopilotDeviceIdentity the library reads, in one table for the view and
// the owning record.
struct autopilot_member {
  std::string_view name;
  std::string_view autopilot_device_view::*view;
  std::string autopilot_device_identity::*owned;
};
constexpr autopilot_member kAutopilotMembers[] = {
    {"id", &autopilot_device_view::id, &autopilot_device_identity::id},
    {"serialNumber", &autopilot_device_view::serial_number,
     &autopilot_device_identity::serial_number},
    {"productKey", &autopilot_device_view::product_key, &autopilot_device_identity::product_key},
    {"manufacturer", &autopilot_device_view::manufacturer,
     &autopilot_device_identity::manufacturer},
    {"model", &autopilot_device_view::model, &autopilot_device_identity::model},
    {"groupTag", &autopilot_device_view::group_tag, &autopilot_device_identity::group_tag},
    {"purchaseOrderIdentifier", &autopilot_device_view::purchase_order_identifier,
     &autopilot_device_identity::purchase_order_identifier},
    {"enrollmentState", &autopilot_device_view::enrollment_state,
     &autopilot_device_identity::enrollment_state},
    {"deploymentProfileAssignmentStatus",
     &autopilot_device_view::deployment_profile_assignment_status,
     &autopilot_device_identity::deployment_profile_assignment_status},
    {"deploymentProfileAssignedDateTime",
     &autopilot_device_view::deployment_profile_assigned_date_time,
     &autopilot_device_identity::deployment_profile_assigned_date_time},
    {"lastContactedDateTime", &autopilot_device_view::last_contacted_date_time,
     &autopilot_device_identity::last_contacted_date_time},
    {"userPrincipalName", &autopilot_device_view::user_principal_name,
     &autopilot_device_identity::user_principal_name},
    {"azureActiveDirectoryDeviceId", &autopilot_device_view::azure_active_directory_device_id,
     &autopilot_device_identity::azure_active_directory_device_id},
    {"managedDeviceId", &autopilot_device_view::managed_device_id,
     &autopilot_device_identity::managed_device_id},
    {"displayName", &autopilot_device_view::display_name, &autopilot_device_identity::display_name},
};

// A device has some twenty members and a listing a million devices: the member is found with one
// table probe (length, first and last character) and one comparison instead of a scan.
constexpr std::size_t member_slot(std::string_view key) noexcept {
  return (key.size() + static_cast<unsigned char>(key.front()) +
          static_cast<unsigned char>(key.back()) * 4) &
         63;
}

constexpr std::array<signed char, 64> make_member_table() {
  std::array<signed char, 64> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < std::size(kAutopilotMembers); ++i) {
    const auto slot = member_slot(kAutopilotMembers[i].name);
    if (table[slot] != -1) throw "two members share a slot: change member_slot";
    table[slot] = static_cast<signed char>(i);
  }
  return table;
}
constexpr auto kMemberTable = make_member_table();

const autopilot_member* find_autopilot_member(std::string_view key) noexcept {
  if (key.empty()) return nullptr;
  const auto index = kMemberTable[member_slot(key)];
  if (index < 0 || kAutopilotMembers[static_cast<std::size_t>(index)].name != key) return nullptr;
  return &kAutopilotMembers[static_cast<std::size_t>(index)];
}

bool read_autopilot_item(read_context& context, od::value& value, const item_place& place,
                         const std::function<void(const autopilot_device_view&)>& on_device) {
  autopilot_device_view item;
  const std::size_t offset = context.offset_of(value);
  od::json_type type{};
  if (auto code = value.type().get(type); code) return context.fail(code, offset);
  const std::size_t issues_before = context.issues->size();
  if (!for_each_member(context, value, place, {}, [&](std::string_view key, od::value& v) {
        const auto* member = find_autopilot_member(key);
        return member == nullptr || context.read_string_view(v, item.*member->view, place, key);
      }))
    return false;
  if (type != od::json_type::object) return true;
  if (item.id.empty()) {
    if (context.issues->size() == issues_before)
      context.issue(place.path("id"), offset, "the device has no id; it is left out");
    return true;
  }
  on_device(item);
  return true;
}

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

struct payload_reader::impl {
  json_limits limits;
  od::parser parser;
  detail::json_document_buffer buffer;
  explicit impl(json_limits l) : limits(l), parser(l.max_document_bytes) {}
};

payload_reader::payload_reader(json_limits limits) : impl_(std::make_unique<impl>(limits)) {}
payload_reader::~payload_reader() = default;
payload_reader::payload_reader(payload_reader&&) noexcept = default;
payload_reader& payload_reader::operator=(payload_reader&&) noexcept = default;

result<imported_identity_page> payload_reader::read_imported_identities(std::string_view json) {
  imported_identity_page page;
  imported_device_identity single;
  bool saw_collection = false;
  const item_place root_place{"$", kNoIndex};
  auto outcome = read_root(
      impl_->parser, impl_->buffer, impl_->limits, json, page.issues,
      "the importedWindowsAutopilotDeviceIdentity response",
      [&](read_context& context, od::value& root) {
        return for_each_member(
            context, root, root_place, {}, [&](std::string_view key, od::value& v) {
              if (key == "value") {
                saw_collection = true;
                return for_each_element(
                    context, v, "$.value", impl_->limits.max_items,
                    [&](std::size_t index, od::value& element) {
                      return read_imported_item(context, element, {"$.value", index}, page.items);
                    });
              }
              if (key == "@odata.nextLink")
                return context.read_string(v, page.next_link, root_place, key);
              return read_imported_member(context, key, v, single, root_place);
            });
      });
  if (!outcome) return outcome.err();
  if (!saw_collection) {
    if (single.id.empty())
      return error{errc::invalid_argument,
                   "the importedWindowsAutopilotDeviceIdentity response has neither a \"value\" "
                   "array nor an \"id\": it is not a collection or a record"};
    page.items.push_back(std::move(single));
  }
  return page;
}

autopilot_device_identity autopilot_device_view::to_owned() const {
  autopilot_device_identity owned;
  for (const auto& member : kAutopilotMembers)
    owned.*member.owned = this->*member.view;
  return owned;
}

result<std::string> payload_reader::for_each_autopilot_device(
    std::string_view json, const std::function<void(const autopilot_device_view&)>& on_device,
    std::vector<json_issue>& issues) {
  std::string next_link;
  bool saw_collection = false;
  const item_place root_place{"$", kNoIndex};
  auto outcome = read_root(
      impl_->parser, impl_->buffer, impl_->limits, json, issues,
      "the windowsAutopilotDeviceIdentity page", [&](read_context& context, od::value& root) {
        return for_each_member(
            context, root, root_place, {}, [&](std::string_view key, od::value& v) {
              if (key == "value") {
                saw_collection = true;
                return for_each_element(
                    context, v, "$.value", impl_->limits.max_items,
                    [&](std::size_t index, od::value& element) {
                      return read_autopilot_item(context, element, {"$.value", index}, on_device);
                    });
              }
              if (key == "@odata.nextLink")
                return context.read_string(v, next_link, root_place, key);
              return true;
            });
      });
  if (!outcome) return outcome.err();
  if (!saw_collection)
    return error{errc::invalid_argument,
                 "the windowsAutopilotDeviceIdentity page has no \"value\" array"};
  return next_link;
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
  batch_upload_details details;
  bool saw_status = false;
  const item_place root_place{"$", kNoIndex};
  auto outcome = read_root(
      impl_->parser, impl_->buffer, impl_->limits, json, details.issues,
      "the Partner Center batch status", [&](read_context& context, od::value& root) {
        return for_each_member(
            context, root, root_place, {}, [&](std::string_view key, od::value& v) {
              if (key == "batchTrackingId")
                return context.read_string(v, details.batch_tracking_id, root_place, key);
              if (key == "status") {
                saw_status = true;
                if (!context.read_string(v, details.status_text, root_place, key)) return false;
                details.status = parse_batch_status(details.status_text);
                return true;
              }
              if (key == "startedTime")
                return context.read_string(v, details.started_time, root_place, key);
              if (key == "completedTime")
                return context.read_string(v, details.completed_time, root_place, key);
              if (key != "devicesStatus") return true;
              return for_each_element(
                  context, v, "$.devicesStatus", impl_->limits.max_items,
                  [&](std::size_t index, od::value& element) {
                    const item_place place{"$.devicesStatus", index};
                    device_upload_details device;
                    const bool read = for_each_member(
                        context, element, place, {}, [&](std::string_view name, od::value& field) {
                          if (name == "deviceId")
                            return context.read_string(field, device.device_id, place, name);
                          if (name == "serialNumber")
                            return context.read_string(field, device.serial_number, place, name);
                          if (name == "productKey")
                            return context.read_string(field, device.product_key, place, name);
                          if (name == "status") {
                            if (!context.read_string(field, device.status_text, place, name))
                              return false;
                            device.status = parse_batch_status(device.status_text);
                            return true;
                          }
                          if (name == "errorCode")
                            return context.read_scalar_text(field, device.error_code, place, name);
                          if (name == "errorDescription")
                            return context.read_string(field, device.error_description, place,
                                                       name);
                          return true;
                        });
                    if (!read) return false;
                    if (!device.error_code.empty() || !device.error_description.empty()) {
                      std::int64_t code = 0;
                      for (const char c : device.error_code) {
                        if (c < '0' || c > '9' || code > 1'000'000'000) {
                          code = 0;
                          break;
                        }
                        code = code * 10 + (c - '0');
                      }
                      // Partner Center sends either the number or the name in errorCode.
                      device.error = classify_service_error(
                          code,
                          code == 0 ? std::string_view(device.error_code) : std::string_view{});
                    }
                    details.devices.push_back(std::move(device));
                    return true;
                  });
            });
      });
  if (!outcome) return outcome.err();
  if (!saw_status)
    return error{errc::invalid_argument, "the Partner Center batch status has no \"status\""};
  if (details.status == batch_status::unrecognized)
    details.issues.push_back({"$.status", 0,
                              "unrecognized batch status \"" + details.status_text.substr(0, 64) +
                                  "\"; treated as still in progress"});
  return details;
}

std::optional<std::pair<std::string, std::string>> payload_reader::read_graph_error(
    std::string_view json) {
  std::vector<json_issue> issues;
  std::string code, message;
  bool saw_error = false;
  const item_place root_place{"$", kNoIndex};
  auto outcome =
      read_root(impl_->parser, impl_->buffer, impl_->limits, json, issues, "the error body",
                [&](read_context& context, od::value& root) {
                  return for_each_member(
                      context, root, root_place, {}, [&](std::string_view key, od::value& v) {
                        if (key != "error") return true;
                        saw_error = true;
                        const item_place place{"$.error", kNoIndex};
                        return for_each_member(
                            context, v, place, {}, [&](std::string_view name, od::value& field) {
                              if (name == "code")
                                return context.read_string(field, code, place, name);
                              if (name == "message")
                                return context.read_string(field, message, place, name);
                              return true;
                            });
                      });
                });
  if (!outcome || !saw_error) return std::nullopt;
  return std::pair{std::move(code), std::move(message)};
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
