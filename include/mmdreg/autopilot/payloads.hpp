// The JSON the Autopilot services exchange with a host: reading what Microsoft Graph and Partner
// Center return, and writing the request bodies a host sends. No network code: the host moves the
// bytes, the library reads and writes them. Parsing uses simdjson.
//
// Reading never throws and never crashes on bad input. A document that is not JSON, or whose root
// has the wrong shape, gives an error whose message names the byte offset; a problem inside one
// item (a wrong type, a missing field) gives a json_issue naming the JSON path, and reading goes
// on with the next item.
#ifndef MMDREG_AUTOPILOT_PAYLOADS_HPP
#define MMDREG_AUTOPILOT_PAYLOADS_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmdreg/autopilot/service_errors.hpp"
#include "mmdreg/domain/device.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::autopilot {

/// A problem inside a JSON document: where (path like `$.value[3].state.deviceErrorCode`, and the
/// byte offset of the value when known) and what.
struct json_issue {
  std::string path;
  std::size_t offset = 0;
  std::string message;
  bool operator==(const json_issue&) const = default;
};

/// Limits that keep a hostile or runaway document from exhausting memory.
struct json_limits {
  std::size_t max_document_bytes = std::size_t{1} << 30;  ///< larger documents are refused
  std::size_t max_items = 10'000'000;                     ///< items read per document
};

// ---------------------------------------------------------------------------------------------
// Graph: importedWindowsAutopilotDeviceIdentity

/// `state.deviceImportStatus`. `unknown` and `pending` mean the service is still working.
enum class import_status : std::uint8_t {
  unknown = 0,
  pending = 1,
  partial = 2,
  complete = 3,
  error = 4,
  unrecognized = 5,  ///< a value the schema does not list; the text is kept in status_text
};

/// "unknown", "pending", "partial", "complete", "error" (empty for unrecognized).
std::string_view import_status_name(import_status s) noexcept;
/// The status with that exact name, or unrecognized.
import_status parse_import_status(std::string_view name) noexcept;
/// Whether the service is still working on a record in this state (unknown, pending).
constexpr bool in_progress(import_status s) noexcept {
  return s == import_status::unknown || s == import_status::pending;
}

/// One record of `deviceManagement/importedWindowsAutopilotDeviceIdentities`.
struct imported_device_identity {
  std::string id;
  std::string serial_number;
  std::string product_key;
  std::string hardware_identifier;  ///< base64, as received
  std::string group_tag;
  std::string assigned_user_principal_name;
  std::string import_id;
  import_status status = import_status::unknown;
  std::string status_text;  ///< `deviceImportStatus` as received
  std::string device_registration_id;
  std::int64_t device_error_code = 0;
  std::string device_error_name;
  bool operator==(const imported_device_identity&) const = default;
};

/// A collection response (`{"value": [...]}`) or the single record a GET by id returns.
struct imported_identity_page {
  std::vector<imported_device_identity> items;
  std::string next_link;  ///< `@odata.nextLink`, empty on the last page
  std::vector<json_issue> issues;
};

// ---------------------------------------------------------------------------------------------
// Graph: windowsAutopilotDeviceIdentity

/// One record of `deviceManagement/windowsAutopilotDeviceIdentities`: a device Autopilot knows.
struct autopilot_device_identity {
  std::string id;
  std::string serial_number;
  std::string product_key;
  std::string manufacturer;
  std::string model;
  std::string group_tag;
  std::string purchase_order_identifier;
  std::string enrollment_state;  ///< "unknown", "enrolled", "notContacted", ... as received
  std::string deployment_profile_assignment_status;  ///< "assignedUnkownSyncState", ... as received
  std::string deployment_profile_assigned_date_time;
  std::string last_contacted_date_time;
  std::string user_principal_name;
  std::string azure_active_directory_device_id;
  std::string managed_device_id;
  std::string display_name;
  bool operator==(const autopilot_device_identity&) const = default;
};

/// The same record as views into the reader's buffers: what a streaming reader hands out without
/// allocating. Valid only during the callback that receives it.
struct autopilot_device_view {
  std::string_view id;
  std::string_view serial_number;
  std::string_view product_key;
  std::string_view manufacturer;
  std::string_view model;
  std::string_view group_tag;
  std::string_view purchase_order_identifier;
  std::string_view enrollment_state;
  std::string_view deployment_profile_assignment_status;
  std::string_view deployment_profile_assigned_date_time;
  std::string_view last_contacted_date_time;
  std::string_view user_principal_name;
  std::string_view azure_active_directory_device_id;
  std::string_view managed_device_id;
  std::string_view display_name;
  /// An owning copy.
  autopilot_device_identity to_owned() const;
};

/// Accumulates the pages of a windowsAutopilotDeviceIdentity listing as the host fetches them.
class autopilot_device_listing {
 public:
  /// Reads one page and appends its devices. On an error nothing is appended and next_link() is
  /// unchanged, so the host may fetch the same page again.
  status add_page(std::string_view json, const json_limits& limits = {});
  /// The `@odata.nextLink` of the last page read: the URL to fetch next; empty when done.
  const std::string& next_link() const noexcept { return next_link_; }
  /// Whether a page has been read and it had no next link.
  bool complete() const noexcept { return pages_ > 0 && next_link_.empty(); }
  std::size_t pages() const noexcept { return pages_; }
  const std::vector<autopilot_device_identity>& devices() const noexcept { return devices_; }
  /// Issues of every page; paths are prefixed with the page number, e.g. `page[2]$.value[7].id`.
  const std::vector<json_issue>& issues() const noexcept { return issues_; }

 private:
  std::vector<autopilot_device_identity> devices_;
  std::vector<json_issue> issues_;
  std::string next_link_;
  std::size_t pages_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Partner Center: device batch upload status (GET /v1/customers/{id}/batchJobStatus/{tracking-id})

/// BatchUploadDetails.status and DeviceUploadDetails.status.
enum class batch_status : std::uint8_t {
  unknown = 0,
  queued = 1,
  processing = 2,
  finished = 3,
  finished_with_errors = 4,
  unrecognized = 5,  ///< kept verbatim in status_text
};

/// "unknown", "queued", "processing", "finished", "finished_with_errors" (empty for unrecognized).
std::string_view batch_status_name(batch_status s) noexcept;
/// The status with that name (exact), or unrecognized.
batch_status parse_batch_status(std::string_view name) noexcept;

/// DeviceUploadDetails: the outcome for one device of a batch.
struct device_upload_details {
  std::string device_id;
  std::string serial_number;
  std::string product_key;
  batch_status status = batch_status::unknown;
  std::string status_text;
  std::string error_code;  ///< as received (Partner Center sends text)
  std::string error_description;
  /// error_code / error_description read through classify_service_error; meaningful when
  /// error_code or error_description is not empty.
  service_error error;
};

/// BatchUploadDetails.
struct batch_upload_details {
  std::string batch_tracking_id;
  batch_status status = batch_status::unknown;
  std::string status_text;
  std::string started_time;
  std::string completed_time;
  std::vector<device_upload_details> devices;
  std::vector<json_issue> issues;
};

// ---------------------------------------------------------------------------------------------
// Reading

/// Reads the three payload kinds. Keeps its parser and buffer between calls: reuse one reader per
/// thread for a stream of documents. Not thread-safe.
class payload_reader {
 public:
  explicit payload_reader(json_limits limits = {});
  ~payload_reader();
  payload_reader(payload_reader&&) noexcept;
  payload_reader& operator=(payload_reader&&) noexcept;

  /// A collection of importedWindowsAutopilotDeviceIdentity, or one such record.
  result<imported_identity_page> read_imported_identities(std::string_view json);
  /// A collection page of windowsAutopilotDeviceIdentity; the page's devices are appended to `out`
  /// (nothing is appended on an error) and its nextLink returned.
  result<std::string> read_autopilot_devices(std::string_view json,
                                             std::vector<autopilot_device_identity>& out,
                                             std::vector<json_issue>& issues);
  /// Streams a collection page of windowsAutopilotDeviceIdentity: `on_device` sees each device
  /// with an id, as views, without a copy; the page's nextLink is returned. When the document
  /// turns out malformed part-way, the error comes after the devices before the fault were seen:
  /// the caller drops what it gathered (read_autopilot_devices does).
  result<std::string> for_each_autopilot_device(
      std::string_view json, const std::function<void(const autopilot_device_view&)>& on_device,
      std::vector<json_issue>& issues);
  /// A Partner Center BatchUploadDetails.
  result<batch_upload_details> read_batch_status(std::string_view json);
  /// A Graph error body (`{"error": {"code": ..., "message": ...}}`): code and message, or nullopt
  /// when the body is not one.
  std::optional<std::pair<std::string, std::string>> read_graph_error(std::string_view json);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// ---------------------------------------------------------------------------------------------
// Writing

/// `text` as a JSON string literal (with the quotes): `"` and `\` escaped, control characters as
/// \n \r \t \b \f or \u00XX, other characters (valid UTF-8 included) unchanged. Refuses text that
/// is not valid UTF-8 (errc::invalid_argument, naming the byte offset).
result<std::string> json_string(std::string_view text);

/// The body of `POST deviceManagement/importedWindowsAutopilotDeviceIdentities/import`:
/// `{"importedWindowsAutopilotDeviceIdentities":[{"@odata.type":...,"serialNumber":...,
/// "productKey":...,"hardwareIdentifier":...,"groupTag":...,"assignedUserPrincipalName":...}]}`.
/// `hardwareIdentifier` is the hash's decoded bytes re-encoded as standard padded base64; empty
/// values are left out. Refuses (errc::invalid_argument, naming the device index and field) a hash
/// that is not base64 and any text that is not valid UTF-8.
result<std::string> write_graph_import_body(std::span<const device_record> devices);

/// Who sends an MMD REST registration: a partner may leave the hash out (the service matches
/// manufacturer + model + serial), a tenant admin may not.
enum class mmd_sender : std::uint8_t { tenant_admin = 0, partner = 1 };

/// The body of an MMD REST registration: `{"devices":[{"manufacturer":...,"model":...,
/// "serialNumber":...,"hardwareHash":...}]}` (hardwareHash left out when empty). Refuses
/// (errc::invalid_argument) an empty manufacturer, model or serial, an empty hash from a tenant
/// admin, a hash that is not base64, and text that is not valid UTF-8.
result<std::string> write_mmd_registration_body(std::span<const device_record> devices,
                                                mmd_sender sender);

}  // namespace mmdreg::autopilot

#endif
