// A device list given as JSON (the Graph import shape), checked with the rules of spec section 2.1
// that do not depend on CSV layout: required values, the hardware hash (base64, length, structure,
// checksum, missing fields, serial and TPM agreement), duplicate devices, placeholder serials,
// stray whitespace, group tags and the assigned user's UPN form. A finding names the JSON path of
// the value (e.g. `$[3].groupTag`) where a CSV finding names a line.
#ifndef MMDREG_AUTOPILOT_DEVICE_LIST_HPP
#define MMDREG_AUTOPILOT_DEVICE_LIST_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mmdreg/autopilot/payloads.hpp"
#include "mmdreg/diagnostics.hpp"
#include "mmdreg/domain/device.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::autopilot {

/// A rule finding located by JSON path. `finding.line` is 0 and `finding.column` the member name.
struct json_finding {
  diagnostic finding;
  std::string path;        ///< e.g. `$[3].hardwareIdentifier`
  std::size_t offset = 0;  ///< byte offset of the device object in the document
};

/// One device of the list.
struct json_device {
  device_record record;
  std::string path;        ///< e.g. `$[3]` or `$.value[3]`
  std::size_t offset = 0;  ///< byte offset of its object
  bool rejected = false;   ///< an error-severity finding or a structural issue concerns it
};

/// What reading a device list found.
struct json_device_list {
  std::vector<json_device> devices;    ///< every device object, rejected ones included
  std::vector<json_finding> findings;  ///< rule findings, in document order
  std::vector<json_issue> issues;      ///< structural problems (wrong types, non-object items)
  /// Devices without an error.
  std::size_t accepted() const noexcept;
};

/// Reads a device list: a JSON array of device objects, or an object whose `value` or
/// `importedWindowsAutopilotDeviceIdentities` member is one. Members read (Graph names):
/// serialNumber, productKey, hardwareIdentifier, groupTag, assignedUserPrincipalName, manufacturer,
/// model, orderIdentifier, purchaseOrderIdentifier; others are ignored. Malformed JSON or a root of
/// another shape is an error naming the byte offset.
result<json_device_list> read_device_list(std::string_view json, const json_limits& limits = {});

/// Whether `upn` has the form name@domain.tld (rule assigned-user-upn): one `@`, a non-empty name,
/// a domain of non-empty dot-separated labels with at least two labels, no whitespace or controls.
bool is_user_principal_name(std::string_view upn) noexcept;

}  // namespace mmdreg::autopilot

#endif
