// save() / restore() of an import session. The format is JSON, documented in import_session.hpp;
// strings that are not valid UTF-8 (a device refused up front for that very reason) are written as
// {"base64": "..."} so that the saved text is always valid JSON and restores byte for byte.
#include <simdjson.h>

#include <algorithm>
#include <array>

#include "autopilot/json_text.hpp"
#include "hash/base64.hpp"
#include "mmdreg/autopilot/import_session.hpp"

// GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+ (GCC bug 105329); the
// message-building code here is plain string concatenation.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace mmdreg::autopilot {
namespace {

constexpr std::string_view kFormat = "mmdreg-import-session/1";
constexpr std::array<std::string_view, 4> kPhases{"importing", "polling", "cleaning", "done"};

void append_key(std::string& out, std::string_view key) {
  out.push_back(',');
  detail::append_json_string(out, key);
  out.push_back(':');
}

void put_text(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  if (!detail::invalid_utf8_offset(value)) {
    detail::append_json_string(out, value);
    return;
  }
  out += "{\"base64\":\"";
  out += mmdreg::detail::base64_encode(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
  out += "\"}";
}

void put_number(std::string& out, std::string_view key, std::int64_t value) {
  append_key(out, key);
  out += std::to_string(value);
}

void put_bool(std::string& out, std::string_view key, bool value) {
  append_key(out, key);
  out += value ? "true" : "false";
}

std::int64_t unix_seconds(session_time t) {
  return t.time_since_epoch().count();
}

// Reading side: every accessor records the first problem and returns a neutral value, so restore
// reads straight through and reports one clear error at the end.
struct state_reader {
  std::string problem;

  std::int64_t number(simdjson::dom::object object, std::string_view key) {
    std::int64_t value = 0;
    if (object[key].get_int64().get(value) != simdjson::SUCCESS && problem.empty())
      problem = "\"" + std::string(key) + "\" must be an integer";
    return value;
  }
  std::uint64_t count(simdjson::dom::object object, std::string_view key) {
    const auto value = number(object, key);
    if (value < 0 && problem.empty()) problem = "\"" + std::string(key) + "\" must not be negative";
    return value < 0 ? 0 : static_cast<std::uint64_t>(value);
  }
  bool boolean(simdjson::dom::object object, std::string_view key) {
    bool value = false;
    if (object[key].get_bool().get(value) != simdjson::SUCCESS && problem.empty())
      problem = "\"" + std::string(key) + "\" must be true or false";
    return value;
  }
  std::string text(simdjson::dom::object object, std::string_view key) {
    simdjson::dom::element value;
    if (object[key].get(value) != simdjson::SUCCESS) {
      if (problem.empty()) problem = "missing \"" + std::string(key) + "\"";
      return {};
    }
    std::string_view direct;
    if (value.get_string().get(direct) == simdjson::SUCCESS) return std::string(direct);
    std::string_view encoded;
    if (value["base64"].get_string().get(encoded) == simdjson::SUCCESS) {
      std::string bytes(mmdreg::detail::base64_decoded_capacity(encoded.size()), '\0');
      const auto decoded = mmdreg::detail::base64_decode(
          encoded,
          std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()));
      if (!decoded.error) {
        bytes.resize(decoded.size);
        return bytes;
      }
    }
    if (problem.empty()) problem = "\"" + std::string(key) + "\" must be a string";
    return {};
  }
};

}  // namespace

std::string import_session::save() const {
  std::string out = "{\"format\":";
  detail::append_json_string(out, kFormat);
  append_key(out, "options");
  out += "{\"batch_size\":" + std::to_string(options_.batch_size);
  put_number(out, "first_poll_delay", options_.first_poll_delay.count());
  put_number(out, "max_poll_delay", options_.max_poll_delay.count());
  put_number(out, "first_retry_delay", options_.first_retry_delay.count());
  put_number(out, "deadline", options_.deadline.count());
  put_bool(out, "delete_import_records", options_.delete_import_records);
  put_text(out, "graph_base", options_.graph_base);
  out.push_back('}');
  put_text(out, "phase", kPhases[static_cast<std::size_t>(phase_)]);
  put_number(out, "deadline", unix_seconds(deadline_));
  put_number(out, "wait_until", unix_seconds(wait_until_));
  put_number(out, "next_batch", static_cast<std::int64_t>(next_batch_));
  put_text(out, "poll_url", poll_url_);
  put_number(out, "poll_delay", poll_delay_.count());
  put_number(out, "retries", retries_);
  put_number(out, "cleanup_cursor", static_cast<std::int64_t>(cleanup_cursor_));
  put_bool(out, "awaiting_response", awaiting_response_);
  put_number(out, "requests_sent", static_cast<std::int64_t>(requests_sent_));
  append_key(out, "devices");
  out.push_back('[');
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    const auto& d = devices_[i];
    const auto& r = d.device.record;
    if (i != 0) out.push_back(',');
    out += "{\"line\":" + std::to_string(d.device.source_line);
    put_text(out, "manufacturer", r.manufacturer);
    put_text(out, "model", r.model);
    put_text(out, "serial_number", r.serial_number);
    put_text(out, "hardware_hash", r.hardware_hash);
    put_text(out, "product_key_id", r.product_key_id);
    put_text(out, "group_tag", r.group_tag);
    put_text(out, "assigned_user", r.assigned_user);
    put_text(out, "order_id", r.order_id);
    put_text(out, "purchase_id", r.purchase_id);
    put_text(out, "import_id", d.import_id);
    put_number(out, "status", static_cast<std::int64_t>(d.status));
    put_bool(out, "unsendable", d.unsendable);
    put_bool(out, "final", d.final);
    put_number(out, "outcome", static_cast<std::int64_t>(d.outcome));
    put_number(out, "service_code", d.service.code);
    put_text(out, "service_name", d.service.name);
    put_number(out, "service_error", static_cast<std::int64_t>(d.service.error));
    put_bool(out, "service_known", d.service.known);
    put_number(out, "error", d.error ? static_cast<std::int64_t>(*d.error) : -1);
    put_text(out, "detail", d.detail);
    out.push_back('}');
  }
  out.push_back(']');
  append_key(out, "issues");
  out.push_back('[');
  for (std::size_t i = 0; i < issues_.size(); ++i) {
    if (i != 0) out.push_back(',');
    out += "{\"offset\":" + std::to_string(issues_[i].offset);
    put_text(out, "path", issues_[i].path);
    put_text(out, "message", issues_[i].message);
    out.push_back('}');
  }
  out += "]}";
  return out;
}

result<import_session> import_session::restore(std::string_view saved) {
  auto refuse = [](std::string why) {
    return error{errc::invalid_argument, "not a saved import session: " + why};
  };
  simdjson::dom::parser parser;
  simdjson::dom::element root_element;
  const simdjson::padded_string padded(saved);
  if (auto code = parser.parse(padded).get(root_element); code)
    return refuse(simdjson::error_message(code));
  simdjson::dom::object root;
  if (root_element.get_object().get(root) != simdjson::SUCCESS)
    return refuse("the root is not an object");
  state_reader in;
  if (in.text(root, "format") != kFormat)
    return refuse("the format is not " + std::string(kFormat));

  import_session session;
  simdjson::dom::object options;
  if (root["options"].get_object().get(options) != simdjson::SUCCESS)
    return refuse("\"options\" must be an object");
  session.options_.batch_size = in.count(options, "batch_size");
  session.options_.first_poll_delay = std::chrono::seconds(in.number(options, "first_poll_delay"));
  session.options_.max_poll_delay = std::chrono::seconds(in.number(options, "max_poll_delay"));
  session.options_.first_retry_delay =
      std::chrono::seconds(in.number(options, "first_retry_delay"));
  session.options_.deadline = std::chrono::seconds(in.number(options, "deadline"));
  session.options_.delete_import_records = in.boolean(options, "delete_import_records");
  session.options_.graph_base = in.text(options, "graph_base");
  if (session.options_.batch_size == 0 || session.options_.batch_size > 500)
    return refuse("\"batch_size\" must be 1...500");

  const auto phase_text = in.text(root, "phase");
  const auto phase_it = std::find(kPhases.begin(), kPhases.end(), phase_text);
  if (phase_it == kPhases.end()) return refuse("unknown phase \"" + phase_text + "\"");
  session.phase_ = static_cast<phase>(phase_it - kPhases.begin());
  session.deadline_ = session_time(std::chrono::seconds(in.number(root, "deadline")));
  session.wait_until_ = session_time(std::chrono::seconds(in.number(root, "wait_until")));
  session.next_batch_ = in.count(root, "next_batch");
  session.poll_url_ = in.text(root, "poll_url");
  session.poll_delay_ = std::chrono::seconds(in.number(root, "poll_delay"));
  session.retries_ =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(in.count(root, "retries"), 64));
  session.cleanup_cursor_ = in.count(root, "cleanup_cursor");
  session.awaiting_response_ = in.boolean(root, "awaiting_response");
  session.requests_sent_ = in.count(root, "requests_sent");

  simdjson::dom::array devices;
  if (root["devices"].get_array().get(devices) != simdjson::SUCCESS)
    return refuse(in.problem.empty() ? "\"devices\" must be an array" : in.problem);
  for (simdjson::dom::element element : devices) {
    simdjson::dom::object d;
    if (element.get_object().get(d) != simdjson::SUCCESS)
      return refuse("every device must be an object");
    device_state state;
    state.device.source_line = in.count(d, "line");
    auto& r = state.device.record;
    r.manufacturer = in.text(d, "manufacturer");
    r.model = in.text(d, "model");
    r.serial_number = in.text(d, "serial_number");
    r.hardware_hash = in.text(d, "hardware_hash");
    r.product_key_id = in.text(d, "product_key_id");
    r.group_tag = in.text(d, "group_tag");
    r.assigned_user = in.text(d, "assigned_user");
    r.order_id = in.text(d, "order_id");
    r.purchase_id = in.text(d, "purchase_id");
    state.import_id = in.text(d, "import_id");
    const auto status_value = in.count(d, "status");
    const auto outcome_value = in.count(d, "outcome");
    const auto service_error_value = in.count(d, "service_error");
    const auto error_value = in.number(d, "error");
    if (status_value > static_cast<std::uint64_t>(import_status::unrecognized) ||
        outcome_value > static_cast<std::uint64_t>(device_outcome::timed_out) ||
        service_error_value > static_cast<std::uint64_t>(registration_error::unexpected_error) ||
        error_value < -1 ||
        error_value > static_cast<std::int64_t>(registration_error::unexpected_error))
      return refuse("a device has an out-of-range status, outcome or error");
    state.status = static_cast<import_status>(status_value);
    state.unsendable = in.boolean(d, "unsendable");
    state.final = in.boolean(d, "final");
    state.outcome = static_cast<device_outcome>(outcome_value);
    state.service.code = in.number(d, "service_code");
    state.service.name = in.text(d, "service_name");
    state.service.error = static_cast<registration_error>(service_error_value);
    state.service.known = in.boolean(d, "service_known");
    if (error_value >= 0) state.error = static_cast<registration_error>(error_value);
    state.detail = in.text(d, "detail");
    session.devices_.push_back(std::move(state));
  }
  simdjson::dom::array issues;
  if (root["issues"].get_array().get(issues) != simdjson::SUCCESS)
    return refuse(in.problem.empty() ? "\"issues\" must be an array" : in.problem);
  for (simdjson::dom::element element : issues) {
    simdjson::dom::object i;
    if (element.get_object().get(i) != simdjson::SUCCESS)
      return refuse("every issue must be an object");
    session.issues_.push_back({in.text(i, "path"), in.count(i, "offset"), in.text(i, "message")});
  }
  if (!in.problem.empty()) return refuse(in.problem);
  for (std::size_t i = 0; i < session.devices_.size(); ++i)
    if (!session.devices_[i].import_id.empty())
      session.by_import_id_.emplace(session.devices_[i].import_id, i);
  // Cursors must point inside the device list, or the next request would read past it.
  if (session.next_batch_ > session.batch_count() ||
      (session.phase_ == phase::importing && session.next_batch_ >= session.batch_count()) ||
      session.cleanup_cursor_ > session.devices_.size() ||
      (session.phase_ == phase::cleaning &&
       (session.cleanup_cursor_ >= session.devices_.size() ||
        session.devices_[session.cleanup_cursor_].import_id.empty())))
    return refuse("a cursor points outside the device list");
  return session;
}

}  // namespace mmdreg::autopilot
