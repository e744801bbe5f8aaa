// Failure and audit exports (CSV and JSON).
#include <chrono>
#include <cstdio>

#include "mmdreg/registry/engine.hpp"

namespace mmdreg::registry {
namespace {

// CSV values from valid input never hold a comma, quote or line break; anything else is quoted
// so that a stray value cannot shift columns.
void append_csv_value(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u >= 0x80) {
      // Non-ASCII bytes are ANSI text (spec 2.6), not UTF-8: escape them as the code points of
      // Latin-1 so that the JSON stays valid UTF-8.
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(u));
      out.append(buffer);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

std::string iso_time(sim_time t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buffer;
}

std::string actor_text(const actor& a) {
  if (a.kind == actor_kind::service) return std::string(actor_kind_name(a.kind));
  return std::string(actor_kind_name(a.kind)) + " " + std::to_string(a.id);
}

std::string_view state_text(const std::optional<registration_state>& s) {
  return s ? display_name(*s) : std::string_view{};
}

}  // namespace

std::string failures_to_csv(std::span<const failure_row> failures) {
  std::string out = "Line,Manufacturer,Model,Serial Number,Error,Request ID\r\n";
  for (const auto& f : failures) {
    out.append(std::to_string(f.line)).push_back(',');
    append_csv_value(out, f.manufacturer);
    out.push_back(',');
    append_csv_value(out, f.model);
    out.push_back(',');
    append_csv_value(out, f.serial_number);
    out.push_back(',');
    out.append(message(f.error)).push_back(',');
    out.append(f.request_id).append("\r\n");
  }
  return out;
}

std::string failures_to_json(std::span<const failure_row> failures) {
  std::string out = "[";
  for (std::size_t i = 0; i < failures.size(); ++i) {
    const auto& f = failures[i];
    if (i != 0) out.push_back(',');
    out.append("{\"line\":").append(std::to_string(f.line));
    out.append(",\"manufacturer\":");
    append_json_string(out, f.manufacturer);
    out.append(",\"model\":");
    append_json_string(out, f.model);
    out.append(",\"serialNumber\":");
    append_json_string(out, f.serial_number);
    out.append(",\"error\":");
    append_json_string(out, message(f.error));
    out.append(",\"requestId\":");
    if (f.request_id.empty())
      out.append("null");
    else
      append_json_string(out, f.request_id);
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

std::string audit_to_csv(std::span<const audit_record> records) {
  std::string out = "Time,Device,Serial Number,From,To,Cause,Actor\r\n";
  for (const auto& r : records) {
    out.append(iso_time(r.time)).push_back(',');
    out.append(std::to_string(static_cast<std::uint32_t>(r.device))).push_back(',');
    append_csv_value(out, r.serial_number);
    out.push_back(',');
    out.append(state_text(r.from)).push_back(',');
    out.append(state_text(r.to)).push_back(',');
    out.append(audit_cause_name(r.cause)).push_back(',');
    out.append(actor_text(r.by)).append("\r\n");
  }
  return out;
}

std::string audit_to_json(std::span<const audit_record> records) {
  std::string out = "[";
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (i != 0) out.push_back(',');
    out.append("{\"time\":\"").append(iso_time(r.time)).append("\"");
    out.append(",\"device\":").append(std::to_string(static_cast<std::uint32_t>(r.device)));
    out.append(",\"serialNumber\":");
    append_json_string(out, r.serial_number);
    for (const auto& [key, state] :
         {std::pair{",\"from\":", r.from}, std::pair{",\"to\":", r.to}}) {
      out.append(key);
      if (state)
        append_json_string(out, display_name(*state));
      else
        out.append("null");
    }
    out.append(",\"cause\":");
    append_json_string(out, audit_cause_name(r.cause));
    out.append(",\"actor\":");
    append_json_string(out, actor_text(r.by));
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace mmdreg::registry
