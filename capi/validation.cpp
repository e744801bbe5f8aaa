// Validation of an upload: options, the report handle and its accessors.
#include <optional>
#include <string>

#include "findings.hpp"
#include "guard.hpp"
#include "mmdreg/csv/validator.hpp"

struct mmdreg_report {
  mmdreg::csv::report report;
  mutable std::string last_error;
};

namespace {

using mmdreg::capi::fail;
using mmdreg::capi::guarded;
using mmdreg::capi::guarded_on;
using mmdreg::capi::null_argument;

/// The C options as C++ options: MMDREG_OK, or the failure recorded for an unknown version or
/// enum value.
mmdreg_status convert_options(const char* function, const mmdreg_validate_options* options,
                              mmdreg::csv::validate_options& out) {
  mmdreg_validate_options given = MMDREG_VALIDATE_OPTIONS_INIT;
  if (options != nullptr) {
    if (options->version != MMDREG_VALIDATE_OPTIONS_VERSION)
      return fail(MMDREG_EUNSUPPORTED,
                  std::string(function) + ": options version " + std::to_string(options->version) +
                      " is not supported (" + std::to_string(MMDREG_VALIDATE_OPTIONS_VERSION) +
                      " is)");
    given = *options;
  }
  if (const int value = mmdreg::capi::enum_value(given.dialect);
      value < MMDREG_DIALECT_NONE || value > MMDREG_DIALECT_MMD_PARTNER)
    return fail(MMDREG_EINVAL,
                std::string(function) + ": unknown dialect " + std::to_string(value));
  if (const int value = mmdreg::capi::enum_value(given.target);
      value < MMDREG_TARGET_DIALECT_DEFAULT || value > MMDREG_TARGET_NONE)
    return fail(MMDREG_EINVAL,
                std::string(function) + ": unknown upload target " + std::to_string(value));
  if (given.dialect != MMDREG_DIALECT_NONE)
    out.dialect = static_cast<mmdreg::csv::dialect>(given.dialect);
  out.target = static_cast<mmdreg::csv::upload_target>(given.target);
  out.detect_duplicates = given.detect_duplicates != 0;
  out.threads = given.threads;
  return MMDREG_OK;
}

template <class T, class Read>
mmdreg_status read_summary(const char* function, const mmdreg_report* report, T* out, Read read) {
  return guarded_on(function, report, [&](const char*) {
    if (report == nullptr) return null_argument(function, "report");
    if (out == nullptr) return null_argument(function, "out");
    *out = read(report->report.summary);
    return MMDREG_OK;
  });
}

}  // namespace

extern "C" {

mmdreg_status mmdreg_validate_options_init(mmdreg_validate_options* options) {
  return guarded(__func__, [&](const char* function) {
    if (options == nullptr) return null_argument(function, "options");
    *options = MMDREG_VALIDATE_OPTIONS_INIT;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_validate_buffer(const char* content, size_t content_length,
                                     const mmdreg_validate_options* options, mmdreg_report** out) {
  return guarded(__func__, [&](const char* function) {
    std::string_view text;
    if (!mmdreg::capi::text_argument(function, "content", content, content_length, text))
      return MMDREG_EINVAL;
    if (out == nullptr) return null_argument(function, "out");
    mmdreg::csv::validate_options converted;
    if (const auto status = convert_options(function, options, converted); status != MMDREG_OK)
      return status;
    auto report = std::make_unique<mmdreg_report>();
    report->report = mmdreg::csv::validate_buffer_collect(text, converted);
    *out = report.release();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_validate_file(const char* path, size_t path_length,
                                   const mmdreg_validate_options* options, mmdreg_report** out) {
  return guarded(__func__, [&](const char* function) {
    std::string_view text;
    if (!mmdreg::capi::text_argument(function, "path", path, path_length, text))
      return MMDREG_EINVAL;
    if (out == nullptr) return null_argument(function, "out");
    if (text.empty()) return fail(MMDREG_EINVAL, std::string(function) + ": path is empty");
    mmdreg::csv::validate_options converted;
    if (const auto status = convert_options(function, options, converted); status != MMDREG_OK)
      return status;
    auto collected = mmdreg::csv::validate_file_collect(mmdreg::capi::utf8_path(text), converted);
    if (!collected.ok()) return fail(collected.err());
    auto report = std::make_unique<mmdreg_report>();
    report->report = std::move(collected.value());
    *out = report.release();
    return MMDREG_OK;
  });
}

void mmdreg_report_free(mmdreg_report* report) {
  MMDREG_CAPI_NOTHROW(delete report);
}

void mmdreg_report_free_and_clear(mmdreg_report** report) {
  mmdreg::capi::free_and_clear(report);
}

const char* mmdreg_report_last_error(const mmdreg_report* report) {
  return mmdreg::capi::handle_last_error(report);
}

mmdreg_status mmdreg_report_rows(const mmdreg_report* report, uint64_t* out) {
  return read_summary(__func__, report, out, [](const auto& s) { return s.rows; });
}
mmdreg_status mmdreg_report_accepted(const mmdreg_report* report, uint64_t* out) {
  return read_summary(__func__, report, out, [](const auto& s) { return s.accepted; });
}
mmdreg_status mmdreg_report_rejected(const mmdreg_report* report, uint64_t* out) {
  return read_summary(__func__, report, out, [](const auto& s) { return s.rejected; });
}
mmdreg_status mmdreg_report_blank_lines(const mmdreg_report* report, uint64_t* out) {
  return read_summary(__func__, report, out, [](const auto& s) { return s.blank_lines; });
}
mmdreg_status mmdreg_report_errors(const mmdreg_report* report, uint64_t* out) {
  return read_summary(__func__, report, out, [](const auto& s) { return s.errors; });
}
mmdreg_status mmdreg_report_warnings(const mmdreg_report* report, uint64_t* out) {
  return read_summary(__func__, report, out, [](const auto& s) { return s.warnings; });
}
mmdreg_status mmdreg_report_file_rejected(const mmdreg_report* report, int* out) {
  return read_summary(__func__, report, out, [](const auto& s) { return s.file_rejected ? 1 : 0; });
}
mmdreg_status mmdreg_report_encoding(const mmdreg_report* report, mmdreg_encoding* out) {
  return read_summary(__func__, report, out,
                      [](const auto& s) { return static_cast<mmdreg_encoding>(s.encoding); });
}

mmdreg_status mmdreg_report_dialect(const mmdreg_report* report, mmdreg_dialect* out,
                                    int* column_count) {
  return read_summary(__func__, report, out, [&](const auto& s) {
    if (column_count != nullptr) *column_count = s.layout ? s.layout->column_count : 0;
    return s.layout ? static_cast<mmdreg_dialect>(s.layout->dialect) : MMDREG_DIALECT_NONE;
  });
}

const char* mmdreg_encoding_name(mmdreg_encoding encoding) {
  const int value = MMDREG_CAPI_NOTHROW(mmdreg::capi::enum_value(encoding));
  if (value < MMDREG_ENCODING_ASCII || value > MMDREG_ENCODING_UTF16BE) return nullptr;
  return MMDREG_CAPI_NOTHROW(
      mmdreg::csv::encoding_name(static_cast<mmdreg::csv::text_encoding>(value)).data());
}

mmdreg_status mmdreg_report_finding_count(const mmdreg_report* report, size_t* out) {
  return guarded_on(__func__, report, [&](const char* function) {
    if (report == nullptr) return null_argument(function, "report");
    if (out == nullptr) return null_argument(function, "out");
    *out = report->report.diagnostics.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_report_finding(const mmdreg_report* report, size_t index,
                                    mmdreg_finding* out) {
  return guarded_on(__func__, report, [&](const char* function) {
    if (report == nullptr) return null_argument(function, "report");
    if (out == nullptr) return null_argument(function, "out");
    const auto& findings = report->report.diagnostics;
    if (index >= findings.size())
      return mmdreg::capi::index_past(function, index, findings.size(), "findings");
    *out = mmdreg::capi::finding_of(findings[index]);
    return MMDREG_OK;
  });
}

}  // extern "C"
