// A sans-I/O Autopilot import session: the library decides which request to send next and what to
// make of each response; the host only moves bytes over HTTP and tells the time. Nothing here
// sleeps, reads a clock or opens a socket.
//
// The protocol (Microsoft Graph):
//  1. import: `POST {graph}/deviceManagement/importedWindowsAutopilotDeviceIdentities/import` with
//     the devices in batches (default 500 per request); the response lists the import records
//     created, whose ids the session tracks. It never looks at records it did not create.
//  2. poll: `GET {graph}/deviceManagement/importedWindowsAutopilotDeviceIdentities` (following
//     `@odata.nextLink`), after a delay that doubles from first_poll_delay up to max_poll_delay,
//     until no tracked record is `unknown` or `pending` (both mean the service is still working).
//  3. clean up (when delete_import_records): `DELETE
//  .../importedWindowsAutopilotDeviceIdentities/{id}`
//     for each record this session created and that reached a final state.
// Record states: `complete` is registered; `error` is failed with the mapped deviceErrorCode /
// deviceErrorName (classify_service_error); `partial` is failed the same way when it carries an
// error code or name and registered when it carries none; `unknown`, `pending` and values the
// schema does not list are still in progress. A refused import request (4xx) fails its batch with
// the Graph error code kept verbatim (an `Edm.Binary` conversion error reads as Hardware hash not
// valid); an import response that cannot be read fails its batch; an unreadable poll page is an
// issue and the poll is repeated later.
// A 429 or 503 response (or any 5xx) repeats the same request after its `Retry-After` (seconds or
// an HTTP-date), or after a doubling delay when there is none. At the overall deadline every device
// without a final state is reported as timed out.
#ifndef MMDREG_AUTOPILOT_IMPORT_SESSION_HPP
#define MMDREG_AUTOPILOT_IMPORT_SESSION_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mmdreg/autopilot/payloads.hpp"
#include "mmdreg/autopilot/service_errors.hpp"
#include "mmdreg/domain/device.hpp"
#include "mmdreg/domain/states.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::autopilot {

/// The time as the host's clock tells it (whole seconds are enough for a service that answers
/// in minutes).
using session_time = std::chrono::sys_seconds;

/// A validated device and the CSV line it came from (0 when it did not come from a file).
struct session_device {
  device_record record;
  std::uint64_t source_line = 0;
};

/// How a session behaves.
struct session_options {
  std::size_t batch_size = 500;               ///< devices per import request (1...500)
  std::chrono::seconds first_poll_delay{30};  ///< wait after the last import before polling
  std::chrono::seconds max_poll_delay{300};   ///< ceiling of the doubling poll delay
  std::chrono::seconds first_retry_delay{5};  ///< retry delay when a 429/5xx has no Retry-After
  std::chrono::seconds deadline{std::chrono::hours(2)};  ///< from the start, for everything
  bool delete_import_records = true;  ///< delete this session's finished import records at the end
  std::string graph_base = "https://graph.microsoft.com/v1.0";  ///< no trailing slash
};

/// A request for the host to send.
struct http_request {
  std::string method;  ///< "POST", "GET", "DELETE"
  std::string url;
  std::string body;  ///< JSON, empty for GET and DELETE
  bool operator==(const http_request&) const = default;
};

/// What the host received.
struct http_response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names in any case
  std::string body;
};

/// What the host should do now.
struct session_step {
  enum class kind : std::uint8_t { send = 0, wait_until = 1, finish = 2 } action = kind::finish;
  http_request request;  ///< for send
  session_time until{};  ///< for wait_until: call next() again at or after this time
};

/// The outcome for one device.
enum class device_outcome : std::uint8_t { registered = 0, failed = 1, timed_out = 2 };

/// "registered", "failed", "timed out".
std::string_view outcome_name(device_outcome o) noexcept;

/// One result per device, in the order the devices were given.
struct device_result {
  std::size_t index = 0;          ///< position in the input
  std::uint64_t source_line = 0;  ///< the CSV line of the device
  std::string serial_number;
  device_outcome outcome = device_outcome::timed_out;
  /// The library error (failed and timed_out: unexpected_error unless the service said otherwise).
  std::optional<registration_error> error;
  service_error service;  ///< the service's code and name, verbatim (code 0 / empty if none)
  std::string import_id;  ///< the import record the session created, if any
  std::string detail;     ///< why, in a sentence
};

/// The state machine. Copyable; save() / restore() carry it across a host restart.
class import_session {
 public:
  /// A session for these devices, starting at `now`. Refuses a batch size outside 1...500 and an
  /// empty graph_base. A device whose body cannot be written (invalid UTF-8, a hash that is not
  /// base64) is failed at once and never sent.
  static result<import_session> start(std::vector<session_device> devices, session_options options,
                                      session_time now);

  /// What to do now. Calling it again before accept() returns the same request (the host may
  /// resend it, e.g. after a restart that lost the response).
  session_step next(session_time now);

  /// The response to the request last returned by next(). Refused (errc::refused) when no request
  /// is outstanding. Problems with the response are recorded in issues(), never thrown.
  status accept(const http_response& response, session_time now);

  bool finished() const noexcept { return phase_ == phase::done; }
  /// One result per device; devices still in progress read as timed out.
  std::vector<device_result> results() const;
  /// What went wrong with responses along the way (unreadable bodies, unexpected statuses).
  const std::vector<json_issue>& issues() const noexcept { return issues_; }
  /// Requests handed out by next() (a resend after a 429 counts again).
  std::size_t requests_sent() const noexcept { return requests_sent_; }

  /// The whole state as JSON (format "mmdreg-import-session/1"): options, clock values as Unix
  /// seconds, the phase and its cursors, and per device its record, line, import id, last status
  /// and outcome.
  std::string save() const;
  /// A session from save()'s text. Refuses (errc::invalid_argument) anything else.
  static result<import_session> restore(std::string_view saved);

 private:
  enum class phase : std::uint8_t { importing = 0, polling = 1, cleaning = 2, done = 3 };
  struct device_state {
    session_device device;
    std::string import_id;
    import_status status = import_status::unknown;
    bool unsendable = false;  ///< refused by start(): never part of a request
    bool final = false;
    device_outcome outcome = device_outcome::timed_out;
    service_error service;
    std::optional<registration_error> error;
    std::string detail;
  };

  http_request current_request() const;
  void finish_at_deadline();
  void schedule_retry(const http_response& response, session_time now);
  void accept_import(const http_response& response, session_time now);
  void accept_poll(const http_response& response, session_time now);
  void accept_delete(const http_response& response);
  void settle(device_state& device, const imported_device_identity& record);
  void fail(device_state& device, service_error service, std::string detail);
  void start_polling(session_time now);
  void after_polling();
  void skip_to_next_deletable();
  std::size_t batch_count() const noexcept;

  session_options options_;
  std::vector<device_state> devices_;
  std::vector<json_issue> issues_;
  phase phase_ = phase::importing;
  session_time deadline_{};
  session_time wait_until_{};
  std::size_t next_batch_ = 0;
  std::string poll_url_;  ///< empty: the first page of the listing
  std::chrono::seconds poll_delay_{0};
  std::uint32_t retries_ = 0;
  std::size_t cleanup_cursor_ = 0;
  bool awaiting_response_ = false;
  std::size_t requests_sent_ = 0;
  /// import id -> device index, for reading listings in one pass (rebuilt by restore()).
  std::unordered_map<std::string, std::size_t> by_import_id_;
};

/// The time a Retry-After value names: delta-seconds after `now`, or an HTTP-date (IMF-fixdate,
/// e.g. "Wed, 21 Oct 2015 07:28:00 GMT"). nullopt when the value is neither.
std::optional<session_time> parse_retry_after(std::string_view value, session_time now);

}  // namespace mmdreg::autopilot

#endif
