#include "mmdreg/autopilot/import_session.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <unordered_map>

#include "autopilot/json_text.hpp"
#include "common/ascii.hpp"

// GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+ (GCC bug 105329); the
// message-building code here is plain string concatenation.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace mmdreg::autopilot {
namespace {

constexpr std::string_view kCollection =
    "/deviceManagement/importedWindowsAutopilotDeviceIdentities";
constexpr std::size_t kMaxBatch = 500;  // the service's limit per import request

std::optional<std::string_view> header(const http_response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers)
    if (mmdreg::detail::equals_nocase(key, name)) return std::string_view(value);
  return std::nullopt;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

bool parse_unsigned(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= 0;
}

}  // namespace

std::optional<session_time> parse_retry_after(std::string_view value, session_time now) {
  value = trim(value);
  std::int64_t seconds = 0;
  if (parse_unsigned(value, seconds)) {
    if (seconds > 366LL * 24 * 3600) seconds = 366LL * 24 * 3600;  // bounded: no overflow
    return now + std::chrono::seconds(seconds);
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (29 characters).
  if (value.size() != 29 || value[3] != ',' || value[4] != ' ' || value[7] != ' ' ||
      value[11] != ' ' || value[16] != ' ' || value[19] != ':' || value[22] != ':' ||
      value.substr(25) != " GMT")
    return std::nullopt;
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto month_it = std::find(kMonths.begin(), kMonths.end(), value.substr(8, 3));
  std::int64_t day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (month_it == kMonths.end() || !parse_unsigned(value.substr(5, 2), day) ||
      !parse_unsigned(value.substr(12, 4), year) || !parse_unsigned(value.substr(17, 2), hour) ||
      !parse_unsigned(value.substr(20, 2), minute) || !parse_unsigned(value.substr(23, 2), second))
    return std::nullopt;
  const std::chrono::year_month_day date{
      std::chrono::year(static_cast<int>(year)),
      std::chrono::month(static_cast<unsigned>(month_it - kMonths.begin() + 1)),
      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

std::string_view outcome_name(device_outcome o) noexcept {
  switch (o) {
    case device_outcome::registered:
      return "registered";
    case device_outcome::failed:
      return "failed";
    case device_outcome::timed_out:
      return "timed out";
  }
  return {};
}

result<import_session> import_session::start(std::vector<session_device> devices,
                                             session_options options, session_time now) {
  if (options.batch_size == 0 || options.batch_size > kMaxBatch)
    return error{errc::invalid_argument, "batch_size must be 1...500 (the service's limit), not " +
                                             std::to_string(options.batch_size)};
  if (options.first_poll_delay < std::chrono::seconds(1) ||
      options.first_retry_delay < std::chrono::seconds(1) ||
      options.max_poll_delay < options.first_poll_delay ||
      options.deadline < std::chrono::seconds(1))
    return error{errc::invalid_argument,
                 "delays and the deadline must be at least 1 second, and max_poll_delay at least "
                 "first_poll_delay"};
  if (options.graph_base.empty())
    return error{errc::invalid_argument, "graph_base must name the Graph endpoint"};
  import_session session;
  session.options_ = std::move(options);
  session.deadline_ = now + session.options_.deadline;
  session.wait_until_ = now;
  session.devices_.reserve(devices.size());
  for (auto& device : devices) {
    device_state state;
    state.device = std::move(device);
    // A device that cannot be written would spoil its whole batch: fail it alone, up front.
    auto body = write_graph_import_body(std::span<const device_record>(&state.device.record, 1));
    if (!body) {
      state.unsendable = true;
      state.final = true;
      state.outcome = device_outcome::failed;
      state.error = registration_error::unexpected_error;
      state.detail = "not sent: " + body.err().message;
    }
    session.devices_.push_back(std::move(state));
  }
  if (session.devices_.empty()) session.phase_ = phase::done;
  return session;
}

std::size_t import_session::batch_count() const noexcept {
  return (devices_.size() + options_.batch_size - 1) / options_.batch_size;
}

http_request import_session::current_request() const {
  const std::string collection = options_.graph_base + std::string(kCollection);
  switch (phase_) {
    case phase::importing: {
      std::vector<device_record> batch;
      const std::size_t first = next_batch_ * options_.batch_size;
      const std::size_t last = std::min(devices_.size(), first + options_.batch_size);
      for (std::size_t i = first; i < last; ++i)
        if (!devices_[i].unsendable) batch.push_back(devices_[i].device.record);
      // Every device here was checked by start(), so writing cannot fail.
      return {"POST", collection + "/import", write_graph_import_body(batch).value()};
    }
    case phase::polling:
      return {"GET", poll_url_.empty() ? collection : poll_url_, {}};
    case phase::cleaning:
      return {"DELETE", collection + "/" + devices_[cleanup_cursor_].import_id, {}};
    case phase::done:
      break;
  }
  return {};
}

session_step import_session::next(session_time now) {
  if (phase_ != phase::done && now >= deadline_) finish_at_deadline();
  if (phase_ == phase::done) return {session_step::kind::finish, {}, {}};
  // An import batch whose devices were all refused up front needs no request.
  while (phase_ == phase::importing && !awaiting_response_) {
    const std::size_t first = next_batch_ * options_.batch_size;
    const std::size_t last = std::min(devices_.size(), first + options_.batch_size);
    bool any = false;
    for (std::size_t i = first; i < last && !any; ++i)
      any = !devices_[i].unsendable;
    if (any) break;
    if (++next_batch_ == batch_count()) start_polling(now);
  }
  if (phase_ == phase::done) return {session_step::kind::finish, {}, {}};
  if (now < wait_until_)
    return {session_step::kind::wait_until, {}, std::min(wait_until_, deadline_)};
  if (!awaiting_response_) {
    awaiting_response_ = true;
    ++requests_sent_;
  }
  return {session_step::kind::send, current_request(), {}};
}

void import_session::finish_at_deadline() {
  for (auto& device : devices_) {
    if (device.final) continue;
    device.final = true;
    device.outcome = device_outcome::timed_out;
    device.error = registration_error::unexpected_error;
    device.detail = device.import_id.empty()
                        ? "not imported before the session deadline"
                        : "still \"" +
                              (device.status == import_status::unrecognized
                                   ? std::string("unrecognized")
                                   : std::string(import_status_name(device.status))) +
                              "\" at the session deadline";
  }
  phase_ = phase::done;
  awaiting_response_ = false;
}

status import_session::accept(const http_response& response, session_time now) {
  if (!awaiting_response_)
    return error{errc::refused, "accept() without an outstanding request from next()"};
  awaiting_response_ = false;
  if (response.status == 429 || response.status >= 500) {
    schedule_retry(response, now);
    return {};
  }
  retries_ = 0;
  switch (phase_) {
    case phase::importing:
      accept_import(response, now);
      break;
    case phase::polling:
      accept_poll(response, now);
      break;
    case phase::cleaning:
      accept_delete(response);
      break;
    case phase::done:
      break;
  }
  return {};
}

void import_session::schedule_retry(const http_response& response, session_time now) {
  std::optional<session_time> until;
  if (const auto value = header(response, "Retry-After")) until = parse_retry_after(*value, now);
  if (!until) {
    const auto cap = std::max(options_.max_poll_delay, options_.first_retry_delay);
    auto delay = options_.first_retry_delay;
    for (std::uint32_t i = 0; i < retries_ && delay < cap; ++i)
      delay *= 2;
    until = now + std::min(delay, cap);
  }
  // At least a second: a service answering "Retry-After: 0" (or a date in the past) forever must
  // still let the clock reach the deadline.
  wait_until_ = std::max(*until, now + std::chrono::seconds(1));
  if (retries_ < 64) ++retries_;
}

void import_session::fail(device_state& device, service_error service, std::string detail) {
  device.final = true;
  device.outcome = device_outcome::failed;
  device.error = service.error;
  device.service = std::move(service);
  device.detail = std::move(detail);
}

void import_session::settle(device_state& device, const imported_device_identity& record) {
  device.status = record.status;
  const bool reported_error = record.device_error_code != 0 || !record.device_error_name.empty();
  switch (record.status) {
    case import_status::complete:
      device.final = true;
      device.outcome = device_outcome::registered;
      device.error.reset();
      device.detail = "imported";
      return;
    case import_status::error:
    case import_status::partial:
      // A partial import without an error code is a device that did arrive.
      if (record.status == import_status::partial && !reported_error) {
        device.final = true;
        device.outcome = device_outcome::registered;
        device.detail = "imported (partial, no error reported)";
        return;
      }
      fail(device, classify_service_error(record.device_error_code, record.device_error_name),
           "the service reported \"" + record.status_text + "\"");
      return;
    case import_status::unknown:
    case import_status::pending:
    case import_status::unrecognized:
      return;  // still working: a new status may yet arrive
  }
}

void import_session::accept_import(const http_response& response, session_time now) {
  const std::size_t first = next_batch_ * options_.batch_size;
  const std::size_t last = std::min(devices_.size(), first + options_.batch_size);
  std::vector<std::size_t> sent;
  for (std::size_t i = first; i < last; ++i)
    if (!devices_[i].unsendable) sent.push_back(i);
  payload_reader reader;
  const std::string where = "import batch " + std::to_string(next_batch_);

  if (response.status >= 200 && response.status < 300) {
    auto page = reader.read_imported_identities(response.body);
    if (!page) {
      issues_.push_back({where, 0, page.err().message});
      for (const auto i : sent)
        fail(devices_[i], classify_service_error(0, {}),
             "the import response could not be read: " + page.err().message);
    } else {
      for (auto& issue : page->issues) {
        issue.path.insert(0, where + " ");
        issues_.push_back(std::move(issue));
      }
      // The service answers in request order; fall back to the serial number when it does not.
      std::vector<bool> used(page->items.size(), false);
      for (std::size_t k = 0; k < sent.size(); ++k) {
        auto& device = devices_[sent[k]];
        std::size_t match = page->items.size();
        if (k < page->items.size() && !used[k] &&
            page->items[k].serial_number == device.device.record.serial_number)
          match = k;
        for (std::size_t j = 0; j < page->items.size() && match == page->items.size(); ++j)
          if (!used[j] && page->items[j].serial_number == device.device.record.serial_number)
            match = j;
        if (match == page->items.size()) {
          fail(device, classify_service_error(0, {}),
               "the import response has no record for this device");
          continue;
        }
        used[match] = true;
        device.import_id = page->items[match].id;
        by_import_id_.emplace(device.import_id, sent[k]);
        settle(device, page->items[match]);
      }
    }
  } else {
    // The whole batch was refused (400 for a malformed identity, 403, ...).
    const auto graph_error = reader.read_graph_error(response.body);
    const std::string code = graph_error ? graph_error->first : std::string();
    const std::string text = graph_error ? graph_error->second : std::string();
    auto service = classify_service_error(0, code);
    // A hash that is not Edm.Binary is how Graph reports InvalidZtdHardwareHash (spec 5).
    if (!service.known && text.find("Edm.Binary") != std::string::npos)
      service.error = registration_error::hardware_hash_not_valid;
    issues_.push_back(
        {where, 0, "HTTP " + std::to_string(response.status) + " " + code + ": " + text});
    for (const auto i : sent)
      fail(devices_[i], service,
           "the import request was refused with HTTP " + std::to_string(response.status) +
               (text.empty() ? std::string() : ": " + text));
  }
  if (++next_batch_ == batch_count()) start_polling(now);
}

void import_session::start_polling(session_time now) {
  poll_delay_ = options_.first_poll_delay;
  poll_url_.clear();
  phase_ = phase::polling;
  wait_until_ = now + poll_delay_;
  after_polling();  // nothing to poll when every device settled already
  if (phase_ != phase::polling) wait_until_ = now;
}

void import_session::after_polling() {
  const bool working = std::any_of(devices_.begin(), devices_.end(),
                                   [](const auto& d) { return !d.final && !d.import_id.empty(); });
  if (working) return;
  // Devices that never got an import record and are not final cannot progress.
  for (auto& device : devices_)
    if (!device.final) fail(device, classify_service_error(0, {}), "no import record was created");
  if (options_.delete_import_records) {
    phase_ = phase::cleaning;
    cleanup_cursor_ = 0;
    skip_to_next_deletable();
  } else {
    phase_ = phase::done;
  }
}

void import_session::skip_to_next_deletable() {
  while (cleanup_cursor_ < devices_.size() && devices_[cleanup_cursor_].import_id.empty())
    ++cleanup_cursor_;
  if (cleanup_cursor_ == devices_.size()) phase_ = phase::done;
}

void import_session::accept_poll(const http_response& response, session_time now) {
  auto retry_round = [&](std::string message) {
    issues_.push_back({"poll", 0, std::move(message)});
    wait_until_ = now + poll_delay_;
    poll_delay_ = std::min(poll_delay_ * 2, options_.max_poll_delay);
  };
  if (response.status < 200 || response.status >= 300) {
    retry_round("HTTP " + std::to_string(response.status) + " while polling; polling again later");
    return;
  }
  payload_reader reader;
  auto page = reader.read_imported_identities(response.body);
  if (!page) {
    // The listing is read again from the same page: nothing is lost by skipping a bad one.
    retry_round(page.err().message);
    return;
  }
  for (const auto& record : page->items) {
    const auto it = by_import_id_.find(record.id);
    if (it != by_import_id_.end() && !devices_[it->second].final)
      settle(devices_[it->second], record);
  }
  for (auto& issue : page->issues) {
    issue.path.insert(0, "poll ");
    issues_.push_back(std::move(issue));
  }
  if (!page->next_link.empty() && page->next_link != poll_url_) {
    poll_url_ = page->next_link;
    wait_until_ = now;
    return;
  }
  poll_url_.clear();
  after_polling();
  if (phase_ == phase::polling) {
    wait_until_ = now + poll_delay_;
    poll_delay_ = std::min(poll_delay_ * 2, options_.max_poll_delay);
  } else {
    wait_until_ = now;
  }
}

void import_session::accept_delete(const http_response& response) {
  if (response.status != 404 && (response.status < 200 || response.status >= 300))
    issues_.push_back({"cleanup", 0,
                       "HTTP " + std::to_string(response.status) + " deleting import record " +
                           devices_[cleanup_cursor_].import_id + "; left in place"});
  ++cleanup_cursor_;
  skip_to_next_deletable();
}

std::vector<device_result> import_session::results() const {
  std::vector<device_result> out;
  out.reserve(devices_.size());
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    const auto& d = devices_[i];
    device_result r;
    r.index = i;
    r.source_line = d.device.source_line;
    r.serial_number = d.device.record.serial_number;
    r.import_id = d.import_id;
    r.service = d.service;
    if (d.final) {
      r.outcome = d.outcome;
      r.error = d.error;
      r.detail = d.detail;
    } else {
      r.outcome = device_outcome::timed_out;
      r.error = registration_error::unexpected_error;
      r.detail = "the session has not finished";
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace mmdreg::autopilot
