// An in-process stand-in for the Graph importedWindowsAutopilotDeviceIdentities endpoints, for the
// session tests and the benchmark. It answers with the documented response shapes, is fully
// deterministic (a function of the requests and the times they arrive), throttles on demand and
// keeps records of "other tools" in the same collection to prove the session leaves them alone.
#ifndef MMDREG_TESTS_AUTOPILOT_FAKE_SERVICE_HPP
#define MMDREG_TESTS_AUTOPILOT_FAKE_SERVICE_HPP

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mmdreg/autopilot/device_list.hpp"
#include "mmdreg/autopilot/import_session.hpp"

namespace mmdreg::testing {

class fake_graph {
 public:
  struct record {
    std::string serial;
    autopilot::session_time created;
    bool foreign = false;
  };
  /// What a record becomes once its processing time has passed: status, code, name.
  struct verdict {
    std::string status = "complete";
    std::int64_t code = 0;
    std::string name;
  };

  std::string base = "https://graph.microsoft.com/v1.0";
  std::chrono::seconds processing_time{60};
  std::size_t page_size = 500;
  std::size_t throttle_every = 0;  ///< every Nth request gets 429 (0: never)
  std::string retry_after = "3";   ///< the Retry-After value of a throttled answer
  std::function<verdict(const std::string& serial)> decide = [](const std::string&) {
    return verdict{};
  };

  std::map<std::string, record> records;  ///< by id, in id order (ids sort by creation)
  std::vector<std::string> deleted;
  std::size_t requests = 0;
  std::size_t throttled = 0;

  void add_foreign_record(const std::string& id, const std::string& serial) {
    records[id] = {serial, {}, true};
  }

  autopilot::http_response handle(const autopilot::http_request& request,
                                  autopilot::session_time now) {
    ++requests;
    if (throttle_every != 0 && requests % throttle_every == 0) {
      ++throttled;
      return {429,
              {{"retry-after", retry_after}},
              R"({"error":{"code":"TooManyRequests","message":"Too many requests"}})"};
    }
    const std::string collection =
        base + "/deviceManagement/importedWindowsAutopilotDeviceIdentities";
    if (request.method == "POST" && request.url == collection + "/import")
      return import(request, now);
    if (request.method == "GET" && request.url.starts_with(collection)) return list(request, now);
    if (request.method == "DELETE" && request.url.starts_with(collection + "/")) {
      const auto id = request.url.substr(collection.size() + 1);
      if (records.erase(id) == 0) return {404, {}, {}};
      deleted.push_back(id);
      return {200, {}, {}};
    }
    return {400, {}, R"({"error":{"code":"BadRequest","message":"unexpected request"}})"};
  }

 private:
  std::size_t next_id_ = 0;

  static std::string quoted(std::string_view text) { return autopilot::json_string(text).value(); }

  std::string render(const std::string& id, const record& r, autopilot::session_time now) const {
    std::string status = "pending";
    verdict v;
    if (r.foreign) {
      v.status = "error", v.code = 806, v.name = "ZtdDeviceAlreadyAssigned";
      status = v.status;
    } else if (now >= r.created + processing_time) {
      v = decide(r.serial);
      status = v.status;
    } else if (now == r.created) {
      status = "unknown";
    }
    return "{\"@odata.type\":\"#microsoft.graph.importedWindowsAutopilotDeviceIdentity\",\"id\":" +
           quoted(id) + ",\"groupTag\":\"\",\"serialNumber\":" + quoted(r.serial) +
           ",\"productKey\":\"\",\"importId\":\"import-1\",\"hardwareIdentifier\":\"\","
           "\"assignedUserPrincipalName\":\"\",\"state\":{\"@odata.type\":\"microsoft.graph."
           "importedWindowsAutopilotDeviceIdentityState\",\"deviceImportStatus\":" +
           quoted(status) + ",\"deviceRegistrationId\":\"\",\"deviceErrorCode\":" +
           std::to_string(
               status == "complete" || status == "pending" || status == "unknown" ? 0 : v.code) +
           ",\"deviceErrorName\":" +
           quoted(status == "error" || status == "partial" ? v.name : "") + "}}";
  }

  autopilot::http_response import(const autopilot::http_request& request,
                                  autopilot::session_time now) {
    const auto body = autopilot::read_device_list(request.body);
    if (!body) return {400, {}, R"({"error":{"code":"BadRequest","message":"bad body"}})"};
    std::string out =
        "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#Collection("
        "microsoft.graph.importedWindowsAutopilotDeviceIdentity)\",\"value\":[";
    bool first = true;
    for (const auto& device : body->devices) {
      char id[32];
      std::snprintf(id, sizeof id, "imp-%012zu", next_id_++);
      records[id] = {device.record.serial_number, now, false};
      if (!first) out += ',';
      first = false;
      out += render(id, records[id], now);
    }
    return {200, {{"Content-Type", "application/json"}}, out + "]}"};
  }

  autopilot::http_response list(const autopilot::http_request& request,
                                autopilot::session_time now) {
    std::size_t skip = 0;
    const auto token = request.url.find("$skiptoken=");
    if (token != std::string::npos) skip = std::stoul(request.url.substr(token + 11));
    std::string out =
        "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#"
        "deviceManagement/importedWindowsAutopilotDeviceIdentities\",\"value\":[";
    std::size_t index = 0, written = 0;
    for (const auto& [id, r] : records) {
      if (index++ < skip) continue;
      if (written == page_size) break;
      if (written++ != 0) out += ',';
      out += render(id, r, now);
    }
    out += "]";
    if (skip + written < records.size())
      out += ",\"@odata.nextLink\":\"" + base +
             "/deviceManagement/importedWindowsAutopilotDeviceIdentities?$skiptoken=" +
             std::to_string(skip + written) + "\"";
    return {200, {}, out + "}"};
  }
};

/// Drives a session against a responder until it finishes; returns the requests in order.
template <class Responder>
std::vector<autopilot::http_request> drive(autopilot::import_session& session,
                                           autopilot::session_time& now, Responder&& respond,
                                           std::size_t max_steps = 10'000'000) {
  std::vector<autopilot::http_request> sent;
  for (std::size_t step = 0; step < max_steps; ++step) {
    auto next = session.next(now);
    if (next.action == autopilot::session_step::kind::finish) break;
    if (next.action == autopilot::session_step::kind::wait_until) {
      now = next.until;
      continue;
    }
    sent.push_back(next.request);
    const auto response = respond(next.request, now);
    if (!session.accept(response, now).ok()) break;
  }
  return sent;
}

}  // namespace mmdreg::testing

#endif
