#define BOOST_TEST_MODULE autopilot_session
#include <boost/test/unit_test.hpp>
#include <deque>
#include <string>

#include "autopilot_fake_service.hpp"
#include "mmdreg/autopilot/import_session.hpp"

using namespace mmdreg;
using namespace mmdreg::autopilot;
using namespace std::chrono_literals;

namespace {

const session_time t0 = session_time(std::chrono::sys_days{std::chrono::year{2024} / 5 / 6});
const std::string kCollection =
    "https://graph.microsoft.com/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities";

std::vector<session_device> devices(std::size_t count) {
  std::vector<session_device> out;
  for (std::size_t i = 0; i < count; ++i) {
    session_device d;
    d.record.serial_number = "SN" + std::to_string(i);
    d.record.group_tag = "Microsoft365Managed_Standard";
    d.source_line = i + 2;  // the header is line 1
    out.push_back(std::move(d));
  }
  return out;
}

std::string imported(std::string_view id, std::string_view serial, std::string_view status,
                     int code = 0, std::string_view name = "") {
  return "{\"@odata.type\":\"#microsoft.graph.importedWindowsAutopilotDeviceIdentity\",\"id\":\"" +
         std::string(id) + "\",\"serialNumber\":\"" + std::string(serial) +
         "\",\"importId\":\"i\",\"state\":{\"deviceImportStatus\":\"" + std::string(status) +
         "\",\"deviceRegistrationId\":\"\",\"deviceErrorCode\":" + std::to_string(code) +
         ",\"deviceErrorName\":\"" + std::string(name) + "\"}}";
}

std::string collection(std::initializer_list<std::string> items, std::string_view next = {}) {
  std::string out = "{\"value\":[";
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ',';
    first = false;
    out += item;
  }
  out += ']';
  if (!next.empty()) out += ",\"@odata.nextLink\":\"" + std::string(next) + "\"";
  return out + "}";
}

session_options quick_options() {
  session_options o;
  o.first_poll_delay = 30s;
  o.max_poll_delay = 120s;
  o.first_retry_delay = 5s;
  o.deadline = 1h;
  return o;
}

import_session started(std::size_t count, session_options o = quick_options()) {
  auto s = import_session::start(devices(count), std::move(o), t0);
  BOOST_TEST_REQUIRE(s.ok(), s.err().message);
  return std::move(*s);
}

// Expects a send step and returns its request.
http_request expect_send(import_session& s, session_time now) {
  const auto step = s.next(now);
  BOOST_TEST_REQUIRE((step.action == session_step::kind::send));
  return step.request;
}

session_time expect_wait(import_session& s, session_time now) {
  const auto step = s.next(now);
  BOOST_TEST_REQUIRE((step.action == session_step::kind::wait_until));
  return step.until;
}

}  // namespace

BOOST_AUTO_TEST_CASE(all_complete_in_batches_with_paged_polling_and_own_cleanup) {
  auto o = quick_options();
  o.batch_size = 2;
  auto s = started(3, o);
  auto now = t0;

  auto r = expect_send(s, now);
  BOOST_TEST(r.method == "POST");
  BOOST_TEST(r.url == kCollection + "/import");
  BOOST_TEST(r.body.find("\"serialNumber\":\"SN0\"") != std::string::npos);
  BOOST_TEST(r.body.find("\"serialNumber\":\"SN1\"") != std::string::npos);
  BOOST_TEST(r.body.find("SN2") == std::string::npos);
  BOOST_TEST((s.next(now).request == r));  // asking again gives the same request
  BOOST_TEST(
      s.accept({200,
                {},
                collection({imported("a0", "SN0", "unknown"), imported("a1", "SN1", "pending")})},
               now)
          .ok());
  r = expect_send(s, now);
  BOOST_TEST(r.body.find("\"serialNumber\":\"SN2\"") != std::string::npos);
  BOOST_TEST(s.accept({201, {}, collection({imported("a2", "SN2", "unknown")})}, now).ok());

  // Polling waits first_poll_delay, then walks the pages.
  BOOST_TEST((expect_wait(s, now) == t0 + 30s));
  now = t0 + 30s;
  r = expect_send(s, now);
  BOOST_TEST(r.method == "GET");
  BOOST_TEST(r.url == kCollection);
  BOOST_TEST(s.accept({200,
                       {},
                       collection({imported("other-tool-1", "X", "pending"),
                                   imported("a0", "SN0", "complete")},
                                  kCollection + "?$skiptoken=2")},
                      now)
                 .ok());
  r = expect_send(s, now);
  BOOST_TEST(r.url == kCollection + "?$skiptoken=2");
  BOOST_TEST(
      s.accept({200,
                {},
                collection({imported("a1", "SN1", "complete"), imported("a2", "SN2", "complete")})},
               now)
          .ok());
  // Clean-up deletes this session's records only, never the other tool's.
  std::vector<std::string> deleted;
  for (int i = 0; i < 3; ++i) {
    r = expect_send(s, now);
    BOOST_TEST(r.method == "DELETE");
    deleted.push_back(r.url.substr(kCollection.size() + 1));
    BOOST_TEST(s.accept({204, {}, {}}, now).ok());
  }
  BOOST_TEST((deleted == std::vector<std::string>{"a0", "a1", "a2"}));
  BOOST_TEST((s.next(now).action == session_step::kind::finish));
  BOOST_TEST(s.finished());
  BOOST_TEST(s.requests_sent() == 7U);
  const auto results = s.results();
  BOOST_TEST_REQUIRE(results.size() == 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST((results[i].outcome == device_outcome::registered));
    BOOST_TEST(!results[i].error.has_value());
    BOOST_TEST(results[i].source_line == i + 2);
    BOOST_TEST(results[i].import_id == "a" + std::to_string(i));
  }
  BOOST_TEST(s.issues().empty());
}

BOOST_AUTO_TEST_CASE(partial_errors_map_every_code_and_keep_unknown_ones) {
  auto o = quick_options();
  o.delete_import_records = false;
  auto s = started(5, o);
  auto now = t0;
  expect_send(s, now);
  BOOST_TEST(
      s.accept({200,
                {},
                collection({imported("a0", "SN0", "pending"), imported("a1", "SN1", "pending"),
                            imported("a2", "SN2", "pending"), imported("a3", "SN3", "pending"),
                            imported("a4", "SN4", "pending")})},
               now)
          .ok());
  now = expect_wait(s, now);
  expect_send(s, now);
  BOOST_TEST(
      s.accept({200,
                {},
                collection({imported("a0", "SN0", "complete"),
                            imported("a1", "SN1", "error", 806, "ZtdDeviceAlreadyAssigned"),
                            imported("a2", "SN2", "error", 0, "ZtdDeviceAssignedToAnotherTenant"),
                            imported("a3", "SN3", "error", 999, "ZtdBrandNewProblem"),
                            imported("a4", "SN4", "partial", 802, "InvalidZtdHardwareHash")})},
               now)
          .ok());
  BOOST_TEST((s.next(now).action == session_step::kind::finish));
  const auto r = s.results();
  BOOST_TEST((r[0].outcome == device_outcome::registered));
  BOOST_TEST((r[1].outcome == device_outcome::failed));
  BOOST_TEST((*r[1].error == registration_error::device_already_registered));
  BOOST_TEST(r[1].service.code == 806);
  BOOST_TEST(r[1].source_line == 3U);
  BOOST_TEST((*r[2].error == registration_error::device_claimed_by_another_organization));
  BOOST_TEST(r[2].service.name == "ZtdDeviceAssignedToAnotherTenant");
  BOOST_TEST((*r[3].error == registration_error::unexpected_error));
  BOOST_TEST(!r[3].service.known);
  BOOST_TEST(r[3].service.code == 999);
  BOOST_TEST(r[3].service.name == "ZtdBrandNewProblem");
  BOOST_TEST((*r[4].error == registration_error::hardware_hash_not_valid));
}

BOOST_AUTO_TEST_CASE(a_429_storm_is_waited_out_with_retry_after_in_both_forms) {
  auto s = started(1);
  auto now = t0;
  const auto first = expect_send(s, now);
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(s.accept({429, {{"Retry-After", "10"}}, {}}, now).ok());
    BOOST_TEST((expect_wait(s, now) == now + 10s));
    now += 10s;
    BOOST_TEST((expect_send(s, now) == first));  // the same request again
  }
  // 503 with an HTTP-date, lower-case header name.
  BOOST_TEST(s.accept({503, {{"retry-after", "Mon, 06 May 2024 00:01:40 GMT"}}, {}}, now).ok());
  BOOST_TEST((expect_wait(s, now) == t0 + 100s));
  now = t0 + 100s;
  BOOST_TEST((expect_send(s, now) == first));
  // Without Retry-After the delay doubles from first_retry_delay with every consecutive failure
  // (four so far), up to max_poll_delay.
  BOOST_TEST(s.accept({429, {}, {}}, now).ok());
  const auto w1 = expect_wait(s, now) - now;
  BOOST_TEST((w1 == 5s * 16));
  now += w1;
  expect_send(s, now);
  BOOST_TEST(s.accept({500, {}, {}}, now).ok());
  const auto w2 = expect_wait(s, now) - now;
  BOOST_TEST((w2 == 120s));
  now += w2;
  expect_send(s, now);
  BOOST_TEST(s.accept({200, {}, collection({imported("a0", "SN0", "complete")})}, now).ok());
  BOOST_TEST(s.requests_sent() == 7U);
  // Already complete in the import response: no polling, straight to clean-up.
  const auto del = expect_send(s, now);
  BOOST_TEST(del.method == "DELETE");
  BOOST_TEST(s.accept({429, {{"Retry-After", "7"}}, {}}, now).ok());
  BOOST_TEST((expect_wait(s, now) == now + 7s));
  now += 7s;
  BOOST_TEST((expect_send(s, now) == del));
  BOOST_TEST(s.accept({404, {}, {}}, now).ok());  // already gone is fine
  BOOST_TEST(s.finished());
  BOOST_TEST((s.next(now).action == session_step::kind::finish));
  BOOST_TEST((s.results()[0].outcome == device_outcome::registered));
}

BOOST_AUTO_TEST_CASE(a_device_stuck_in_pending_times_out_at_the_deadline) {
  auto o = quick_options();
  o.deadline = 10min;
  auto s = started(2, o);
  auto now = t0;
  expect_send(s, now);
  BOOST_TEST(
      s.accept({200,
                {},
                collection({imported("a0", "SN0", "pending"), imported("a1", "SN1", "pending")})},
               now)
          .ok());
  std::vector<std::chrono::seconds> delays;
  auto previous = now;
  for (;;) {
    const auto step = s.next(now);
    if (step.action == session_step::kind::finish) break;
    if (step.action == session_step::kind::wait_until) {
      delays.push_back(step.until - previous);
      now = step.until;
      continue;
    }
    previous = now;
    BOOST_TEST(s.accept({200,
                         {},
                         collection({imported("a0", "SN0", "complete"),
                                     imported("a1", "SN1", "pending")})},
                        now)
                   .ok());
    previous = now;
  }
  // 30, 60, 120, 120, ... capped, and the last wait stops at the deadline.
  BOOST_TEST_REQUIRE(delays.size() >= 4U);
  BOOST_TEST((delays[0] == 30s));
  BOOST_TEST((delays[1] == 30s));
  BOOST_TEST((delays[2] == 60s));
  BOOST_TEST((delays[3] == 120s));
  BOOST_TEST((now == t0 + 10min));
  const auto r = s.results();
  BOOST_TEST((r[0].outcome == device_outcome::registered));
  BOOST_TEST((r[1].outcome == device_outcome::timed_out));
  BOOST_TEST((*r[1].error == registration_error::unexpected_error));
  BOOST_TEST(r[1].detail.find("pending") != std::string::npos);
  BOOST_TEST(r[1].import_id == "a1");
}

BOOST_AUTO_TEST_CASE(malformed_json_in_a_poll_is_an_issue_and_polling_goes_on) {
  auto s = started(1);
  auto now = t0;
  expect_send(s, now);
  BOOST_TEST(s.accept({200, {}, collection({imported("a0", "SN0", "pending")})}, now).ok());
  now = expect_wait(s, now);
  expect_send(s, now);
  BOOST_TEST(s.accept({200, {}, "{\"value\": [{\"id\": \"a0\", "}, now).ok());
  BOOST_TEST_REQUIRE(s.issues().size() == 1U);
  BOOST_TEST(s.issues()[0].message.find("not valid JSON") != std::string::npos);
  now = expect_wait(s, now);
  expect_send(s, now);
  BOOST_TEST(s.accept({200, {}, collection({imported("a0", "SN0", "complete")})}, now).ok());
  expect_send(s, now);  // delete
  BOOST_TEST(s.accept({204, {}, {}}, now).ok());
  BOOST_TEST((s.next(now).action == session_step::kind::finish));
  BOOST_TEST((s.results()[0].outcome == device_outcome::registered));
}

BOOST_AUTO_TEST_CASE(malformed_json_in_an_import_response_fails_that_batch) {
  auto o = quick_options();
  o.batch_size = 1;
  auto s = started(2, o);
  auto now = t0;
  expect_send(s, now);
  BOOST_TEST(s.accept({200, {}, "<html>gateway</html>"}, now).ok());
  expect_send(s, now);
  BOOST_TEST(s.accept({200, {}, collection({imported("b1", "SN1", "complete")})}, now).ok());
  expect_send(s, now);  // delete b1 only
  BOOST_TEST(s.accept({204, {}, {}}, now).ok());
  BOOST_TEST((s.next(now).action == session_step::kind::finish));
  const auto r = s.results();
  BOOST_TEST((r[0].outcome == device_outcome::failed));
  BOOST_TEST((*r[0].error == registration_error::unexpected_error));
  BOOST_TEST(r[0].detail.find("could not be read") != std::string::npos);
  BOOST_TEST((r[1].outcome == device_outcome::registered));
}

BOOST_AUTO_TEST_CASE(a_refused_batch_reports_the_graph_error) {
  auto s = started(1);
  auto now = t0;
  expect_send(s, now);
  BOOST_TEST(
      s.accept(
           {400,
            {},
            R"({"error":{"code":"BadRequest","message":"Cannot convert the literal to the expected type 'Edm.Binary'."}})"},
           now)
          .ok());
  BOOST_TEST((s.next(now).action == session_step::kind::finish));
  const auto r = s.results();
  BOOST_TEST((r[0].outcome == device_outcome::failed));
  BOOST_TEST((*r[0].error == registration_error::hardware_hash_not_valid));
  BOOST_TEST(r[0].service.name == "BadRequest");
}

BOOST_AUTO_TEST_CASE(an_unwritable_device_fails_alone_and_is_never_sent) {
  auto list = devices(2);
  list[0].record.assigned_user = "bad\xff@contoso.com";
  auto s = import_session::start(std::move(list), quick_options(), t0);
  BOOST_TEST_REQUIRE(s.ok());
  const auto r = expect_send(*s, t0);
  BOOST_TEST(r.body.find("SN0") == std::string::npos);
  BOOST_TEST(r.body.find("SN1") != std::string::npos);
  const auto results = s->results();
  BOOST_TEST((results[0].outcome == device_outcome::failed));
  BOOST_TEST(results[0].detail.find("UTF-8") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(misuse_is_refused) {
  auto o = quick_options();
  o.batch_size = 0;
  BOOST_TEST(!import_session::start(devices(1), o, t0).ok());
  o.batch_size = 501;
  BOOST_TEST(!import_session::start(devices(1), o, t0).ok());
  o = quick_options();
  o.first_retry_delay = 0s;
  BOOST_TEST(!import_session::start(devices(1), o, t0).ok());
  o = quick_options();
  o.max_poll_delay = 10s;  // below first_poll_delay
  BOOST_TEST(!import_session::start(devices(1), o, t0).ok());
  auto s = started(1);
  const auto refused = s.accept({200, {}, {}}, t0);
  BOOST_TEST((refused.err().code == errc::refused));
  auto empty = import_session::start({}, quick_options(), t0);
  BOOST_TEST_REQUIRE(empty.ok());
  BOOST_TEST((empty->next(t0).action == session_step::kind::finish));
}

BOOST_AUTO_TEST_CASE(a_zero_retry_after_still_lets_time_reach_the_deadline) {
  auto o = quick_options();
  o.deadline = 1min;
  auto s = started(1, o);
  auto now = t0;
  std::size_t sent = 0;
  testing::drive(s, now, [&](const http_request&, session_time) {
    ++sent;
    return http_response{429, {{"Retry-After", "0"}}, {}};
  });
  BOOST_TEST(s.finished());
  BOOST_TEST((now == t0 + 1min));
  BOOST_TEST(sent == 60U);
  BOOST_TEST((s.results()[0].outcome == device_outcome::timed_out));
}

BOOST_AUTO_TEST_CASE(a_next_link_that_points_to_itself_ends_the_round) {
  auto s = started(1);
  auto now = t0;
  expect_send(s, now);
  BOOST_TEST(s.accept({200, {}, collection({imported("a0", "SN0", "pending")})}, now).ok());
  now = expect_wait(s, now);
  expect_send(s, now);
  const std::string page2 = kCollection + "?p=2";
  BOOST_TEST(s.accept({200, {}, collection({imported("a0", "SN0", "pending")}, page2)}, now).ok());
  BOOST_TEST(expect_send(s, now).url == page2);
  BOOST_TEST(s.accept({200, {}, collection({imported("a0", "SN0", "pending")}, page2)}, now).ok());
  // Not the same page again: the round is over and the session waits.
  BOOST_TEST((expect_wait(s, now) > now));
}

BOOST_AUTO_TEST_CASE(retry_after_forms) {
  BOOST_TEST((*parse_retry_after("120", t0) == t0 + 120s));
  BOOST_TEST((*parse_retry_after(" 0 ", t0) == t0));
  BOOST_TEST((*parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", t0) ==
              session_time(std::chrono::sys_days{std::chrono::year{2015} / 10 / 21}) + 7h + 28min));
  for (const std::string_view bad :
       {"", "-5", "1.5", "soon", "Wed, 32 Oct 2015 07:28:00 GMT", "Wed, 21 Foo 2015 07:28:00 GMT",
        "Wed, 21 Oct 2015 07:28:00 UTC"})
    BOOST_TEST(!parse_retry_after(bad, t0).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE(against_the_fake_service)

std::vector<session_device> mixed_devices(std::size_t count) {
  auto list = devices(count);
  list[3].record.assigned_user = "J\xc3\xb6rg \"the\" \\admin@contoso.com";
  return list;
}

testing::fake_graph configured_fake() {
  testing::fake_graph fake;
  fake.throttle_every = 4;
  fake.page_size = 3;
  fake.add_foreign_record("foreign-1", "X1");
  fake.decide = [](const std::string& serial) {
    if (serial.ends_with('7'))
      return testing::fake_graph::verdict{"error", 806, "ZtdDeviceAlreadyAssigned"};
    if (serial.ends_with('5'))
      return testing::fake_graph::verdict{"error", 0, "ZtdDeviceDuplicated"};
    return testing::fake_graph::verdict{};
  };
  return fake;
}

BOOST_AUTO_TEST_CASE(a_throttling_service_is_served_to_the_end) {
  auto o = quick_options();
  o.batch_size = 4;
  auto session = import_session::start(mixed_devices(10), o, t0);
  BOOST_TEST_REQUIRE(session.ok());
  auto fake = configured_fake();
  auto now = t0;
  testing::drive(*session, now,
                 [&](const http_request& r, session_time t) { return fake.handle(r, t); });
  BOOST_TEST(session->finished());
  BOOST_TEST(fake.throttled > 0U);
  // Only the foreign record is left; it was never deleted.
  BOOST_TEST(fake.records.size() == 1U);
  BOOST_TEST(fake.records.count("foreign-1") == 1U);
  const auto r = session->results();
  for (const auto& result : r) {
    BOOST_TEST_CONTEXT(result.serial_number) {
      if (result.serial_number.ends_with('7')) {
        BOOST_TEST((*result.error == registration_error::device_already_registered));
      } else if (result.serial_number.ends_with('5')) {
        BOOST_TEST(result.service.name == "ZtdDeviceDuplicated");
      } else {
        BOOST_TEST((result.outcome == device_outcome::registered));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_restart_at_any_point_gives_the_same_outcome) {
  auto o = quick_options();
  o.batch_size = 4;
  // The reference run, without restarts.
  auto reference = import_session::start(mixed_devices(10), o, t0);
  BOOST_TEST_REQUIRE(reference.ok());
  auto fake = configured_fake();
  auto now = t0;
  const auto reference_requests = testing::drive(
      *reference, now, [&](const http_request& r, session_time t) { return fake.handle(r, t); });
  const auto reference_end = now;
  const auto reference_state = reference->save();
  BOOST_TEST_REQUIRE(!reference_requests.empty());

  // The same run, with the host saving and restoring before step k.
  for (std::size_t k = 0; k < reference_requests.size() + 2; ++k) {
    BOOST_TEST_CONTEXT("restart after step " << k) {
      auto session = import_session::start(mixed_devices(10), o, t0);
      BOOST_TEST_REQUIRE(session.ok());
      auto service = configured_fake();
      auto clock = t0;
      std::vector<http_request> sent;
      std::size_t steps = 0;
      bool restarted = false;
      for (;;) {
        if (steps++ == k && !restarted) {
          auto restored = import_session::restore(session->save());
          BOOST_TEST_REQUIRE(restored.ok(), restored.err().message);
          BOOST_TEST(restored->save() == session->save());
          session = std::move(restored);
          restarted = true;
        }
        const auto step = session->next(clock);
        if (step.action == session_step::kind::finish) break;
        if (step.action == session_step::kind::wait_until) {
          clock = step.until;
          continue;
        }
        sent.push_back(step.request);
        BOOST_TEST_REQUIRE(session->accept(service.handle(step.request, clock), clock).ok());
      }
      BOOST_TEST((sent == reference_requests));
      BOOST_TEST((clock == reference_end));
      BOOST_TEST(session->save() == reference_state);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_restart_that_lost_a_response_sends_the_same_request_again) {
  auto s = started(3);
  const auto sent = expect_send(s, t0);
  auto restored = import_session::restore(s.save());
  BOOST_TEST_REQUIRE(restored.ok(), restored.err().message);
  BOOST_TEST((expect_send(*restored, t0) == sent));
  BOOST_TEST(restored->requests_sent() == 1U);
  BOOST_TEST(restored->accept({200, {}, collection({imported("a0", "SN0", "complete")})}, t0).ok());
}

BOOST_AUTO_TEST_CASE(restore_refuses_what_save_did_not_write) {
  BOOST_TEST(!import_session::restore("").ok());
  BOOST_TEST(!import_session::restore("{}").ok());
  BOOST_TEST(!import_session::restore("{\"format\":\"mmdreg-import-session/2\"}").ok());
  auto s = started(2);
  const auto text = s.save();
  BOOST_TEST(import_session::restore(text).ok());
  for (std::size_t cut = 0; cut < text.size(); cut += 7)
    BOOST_TEST(!import_session::restore(text.substr(0, cut)).ok());
  // A member missing (found by fuzzing: it used to read through a null document).
  for (const std::string_view member : {"\"options\"", "\"devices\"", "\"issues\""}) {
    std::string missing = text;
    missing.replace(missing.find(member), member.size(), "\"renamed\"");
    BOOST_TEST(!import_session::restore(missing).ok(), member);
  }
  std::string bad_phase = text;
  bad_phase.replace(bad_phase.find("\"importing\""), 11, "\"sleeping\"");
  BOOST_TEST(!import_session::restore(bad_phase).ok());
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_refused_device_survives_save_and_restore) {
  auto list = devices(1);
  list[0].record.serial_number = "S\xff\xfe";
  auto s = import_session::start(std::move(list), quick_options(), t0);
  BOOST_TEST_REQUIRE(s.ok());
  const auto restored = import_session::restore(s->save());
  BOOST_TEST_REQUIRE(restored.ok(), restored.err().message);
  BOOST_TEST(restored->results()[0].serial_number == "S\xff\xfe");
}

BOOST_AUTO_TEST_SUITE_END()
