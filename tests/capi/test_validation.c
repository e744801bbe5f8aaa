/* Validation through the C ABI: options, buffers, files, the report and its findings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mmdreg.h"

static const char* const bad_rows =
    "Device Serial Number,Windows Product ID,Hardware Hash\r\n"
    "SN-1,,not-a-hash\r\n"
    "\r\n"
    "SN-2 ,,\r\n";

static int finding_with_rule(const mmdreg_report* report, const char* rule_id,
                             mmdreg_finding* found) {
  size_t count = 0;
  size_t i;
  int rule = 0;
  CHECK(mmdreg_rule_from_id(rule_id, strlen(rule_id), &rule) == MMDREG_OK);
  if (mmdreg_report_finding_count(report, &count) != MMDREG_OK) return 0;
  for (i = 0; i < count; ++i) {
    mmdreg_finding finding;
    if (mmdreg_report_finding(report, i, &finding) == MMDREG_OK && finding.rule == rule) {
      *found = finding;
      return 1;
    }
  }
  return 0;
}

static void options(void) {
  mmdreg_validate_options from_macro = MMDREG_VALIDATE_OPTIONS_INIT;
  mmdreg_validate_options from_function;
  memset(&from_function, 0xAB, sizeof from_function);
  CHECK(mmdreg_validate_options_init(&from_function) == MMDREG_OK);
  CHECK(from_function.version == MMDREG_VALIDATE_OPTIONS_VERSION);
  CHECK(from_function.dialect == from_macro.dialect && from_macro.dialect == MMDREG_DIALECT_NONE);
  CHECK(from_function.target == MMDREG_TARGET_DIALECT_DEFAULT);
  CHECK(from_function.detect_duplicates == 1 && from_function.threads == 1);
  CHECK(mmdreg_validate_options_init(NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_validate_options_init", "options is NULL");
}

static void buffer_with_bad_rows(void) {
  mmdreg_report* report = NULL;
  uint64_t value = 0;
  int flag = -1;
  int columns = -1;
  mmdreg_dialect dialect = MMDREG_DIALECT_MAX_ENUM;
  mmdreg_encoding encoding = MMDREG_ENCODING_MAX_ENUM;
  mmdreg_finding finding;
  size_t count = 0;

  CHECK(mmdreg_validate_buffer(bad_rows, strlen(bad_rows), NULL, &report) == MMDREG_OK);
  CHECK(report != NULL);
  CHECK_STR(mmdreg_report_last_error(report), "");
  CHECK(mmdreg_report_rows(report, &value) == MMDREG_OK && value == 2);
  CHECK(mmdreg_report_accepted(report, &value) == MMDREG_OK && value == 0);
  CHECK(mmdreg_report_rejected(report, &value) == MMDREG_OK && value == 2);
  CHECK(mmdreg_report_blank_lines(report, &value) == MMDREG_OK && value == 1);
  CHECK(mmdreg_report_errors(report, &value) == MMDREG_OK && value >= 2);
  CHECK(mmdreg_report_warnings(report, &value) == MMDREG_OK && value >= 1);
  CHECK(mmdreg_report_file_rejected(report, &flag) == MMDREG_OK && flag == 0);
  CHECK(mmdreg_report_dialect(report, &dialect, &columns) == MMDREG_OK);
  CHECK(dialect == MMDREG_DIALECT_AUTOPILOT && columns == 3);
  CHECK(mmdreg_report_dialect(report, &dialect, NULL) == MMDREG_OK);
  CHECK(mmdreg_report_encoding(report, &encoding) == MMDREG_OK);
  CHECK(encoding == MMDREG_ENCODING_ASCII);
  CHECK_STR(mmdreg_encoding_name(encoding), "ascii");

  CHECK(mmdreg_report_finding_count(report, &count) == MMDREG_OK && count >= 3);
  CHECK(finding_with_rule(report, "hash-base64", &finding) ||
        finding_with_rule(report, "hash-length", &finding));
  CHECK(finding.line == 2 && finding.severity == MMDREG_SEVERITY_ERROR);
  CHECK(finding.message_length == strlen(finding.message) && finding.message_length > 0);
  CHECK(finding.fix_length == strlen(finding.fix) && finding.fix_length > 0);
  CHECK(finding.column_length == strlen(finding.column));
  CHECK(finding_with_rule(report, "whitespace", &finding));
  CHECK(finding.line == 4 && finding.severity == MMDREG_SEVERITY_WARNING);
  CHECK(mmdreg_rule_severity(finding.rule) == 1);
  CHECK(finding_with_rule(report, "required-missing", &finding));
  CHECK(finding.line == 4);

  /* Misuse of the accessors: the thread and the report both keep the message. */
  CHECK(mmdreg_report_finding(report, count, &finding) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_report_finding", "past the");
  CHECK_MESSAGE(mmdreg_report_last_error(report), "mmdreg_report_finding", "past the");
  CHECK(mmdreg_report_finding(report, 0, &finding) == MMDREG_OK);
  CHECK_STR(mmdreg_report_last_error(report), "");
  CHECK(mmdreg_report_finding(report, 0, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_report_last_error(report), "mmdreg_report_finding", "out is NULL");
  /* A failure elsewhere (NULL report, another call) leaves this report's message alone. */
  CHECK(mmdreg_report_finding(NULL, 0, &finding) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_report_finding", "report is NULL");
  CHECK(mmdreg_validate_options_init(NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_report_last_error(report), "mmdreg_report_finding", "out is NULL");
  CHECK(mmdreg_report_finding_count(NULL, &count) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_report_finding_count", "report is NULL");
  CHECK(mmdreg_report_finding_count(report, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_report_last_error(report), "mmdreg_report_finding_count", "out is NULL");
  CHECK(mmdreg_report_rows(NULL, &value) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_report_rows", "report is NULL");
  CHECK(mmdreg_report_rows(report, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_report_last_error(report), "mmdreg_report_rows", "out is NULL");
  CHECK(mmdreg_report_rows(report, &value) == MMDREG_OK);
  CHECK_STR(mmdreg_report_last_error(report), "");
  CHECK_STR(mmdreg_report_last_error(NULL), "");
  CHECK(mmdreg_report_accepted(NULL, &value) == MMDREG_EINVAL);
  CHECK(mmdreg_report_rejected(NULL, &value) == MMDREG_EINVAL);
  CHECK(mmdreg_report_blank_lines(NULL, &value) == MMDREG_EINVAL);
  CHECK(mmdreg_report_errors(NULL, &value) == MMDREG_EINVAL);
  CHECK(mmdreg_report_warnings(NULL, &value) == MMDREG_EINVAL);
  CHECK(mmdreg_report_file_rejected(NULL, &flag) == MMDREG_EINVAL);
  CHECK(mmdreg_report_file_rejected(report, NULL) == MMDREG_EINVAL);
  CHECK(mmdreg_report_dialect(NULL, &dialect, NULL) == MMDREG_EINVAL);
  CHECK(mmdreg_report_dialect(report, NULL, &columns) == MMDREG_EINVAL);
  CHECK(mmdreg_report_encoding(NULL, &encoding) == MMDREG_EINVAL);
  CHECK(mmdreg_report_encoding(report, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_report_last_error(report), "mmdreg_report_encoding", "out is NULL");
  CHECK(mmdreg_encoding_name((mmdreg_encoding)4) == NULL);
  CHECK(mmdreg_encoding_name((mmdreg_encoding)-1) == NULL);
  CHECK_STR(mmdreg_encoding_name(MMDREG_ENCODING_UTF16LE), "utf-16le");
  /* The double-free-safe helper clears the pointer: a second call is harmless. */
  mmdreg_report_free_and_clear(&report);
  CHECK(report == NULL);
  mmdreg_report_free_and_clear(&report);
  mmdreg_report_free_and_clear(NULL);
  mmdreg_report_free(NULL);
}

static void file_level_findings(void) {
  mmdreg_report* report = NULL;
  uint64_t value = 0;
  int flag = 0;
  mmdreg_dialect dialect = MMDREG_DIALECT_AUTOPILOT;
  mmdreg_encoding encoding = MMDREG_ENCODING_ASCII;
  mmdreg_finding finding;
  static const char utf16[] =
      "\xFF\xFE"
      "D\0e\0";

  /* NULL with length 0 is the empty input: rejected as a whole, not refused as an argument. */
  CHECK(mmdreg_validate_buffer(NULL, 0, NULL, &report) == MMDREG_OK);
  CHECK(mmdreg_report_file_rejected(report, &flag) == MMDREG_OK && flag == 1);
  CHECK(mmdreg_report_rows(report, &value) == MMDREG_OK && value == 0);
  CHECK(mmdreg_report_dialect(report, &dialect, NULL) == MMDREG_OK);
  CHECK(dialect == MMDREG_DIALECT_NONE);
  CHECK(finding_with_rule(report, "empty-file", &finding));
  CHECK(finding.line == 0);
  mmdreg_report_free(report);

  report = NULL;
  CHECK(mmdreg_validate_buffer(utf16, sizeof utf16 - 1, NULL, &report) == MMDREG_OK);
  CHECK(mmdreg_report_encoding(report, &encoding) == MMDREG_OK);
  CHECK(encoding == MMDREG_ENCODING_UTF16LE);
  CHECK(finding_with_rule(report, "encoding-utf16", &finding));
  mmdreg_report_free(report);
}

static void options_are_honoured_and_checked(void) {
  mmdreg_validate_options options = MMDREG_VALIDATE_OPTIONS_INIT;
  mmdreg_report* report = NULL;
  mmdreg_finding finding;
  int flag = 0;

  /* Expecting the MMD self dialect, an Autopilot header is unknown. */
  options.dialect = MMDREG_DIALECT_MMD_SELF;
  CHECK(mmdreg_validate_buffer(bad_rows, strlen(bad_rows), &options, &report) == MMDREG_OK);
  CHECK(finding_with_rule(report, "header-unknown", &finding));
  CHECK(mmdreg_report_file_rejected(report, &flag) == MMDREG_OK && flag == 1);
  mmdreg_report_free(report);

  report = NULL;
  options = (mmdreg_validate_options)MMDREG_VALIDATE_OPTIONS_INIT;
  options.version = 2;
  CHECK(mmdreg_validate_buffer(bad_rows, strlen(bad_rows), &options, &report) ==
        MMDREG_EUNSUPPORTED);
  CHECK(report == NULL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_validate_buffer", "options version 2");
  options.version = MMDREG_VALIDATE_OPTIONS_VERSION;
  options.dialect = (mmdreg_dialect)4;
  CHECK(mmdreg_validate_buffer(bad_rows, strlen(bad_rows), &options, &report) == MMDREG_EINVAL);
  options.dialect = (mmdreg_dialect)-2;
  CHECK(mmdreg_validate_buffer(bad_rows, strlen(bad_rows), &options, &report) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_validate_buffer", "unknown dialect -2");
  options.dialect = MMDREG_DIALECT_NONE;
  options.target = (mmdreg_upload_target)-1;
  CHECK(mmdreg_validate_buffer(bad_rows, strlen(bad_rows), &options, &report) == MMDREG_EINVAL);
  options.target = (mmdreg_upload_target)4;
  CHECK(mmdreg_validate_buffer(bad_rows, strlen(bad_rows), &options, &report) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_validate_buffer", "unknown upload target 4");
  CHECK(report == NULL);
  CHECK(mmdreg_validate_buffer(NULL, 5, NULL, &report) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_validate_buffer",
                "content is NULL with a non-zero length");
  CHECK(mmdreg_validate_buffer(bad_rows, strlen(bad_rows), NULL, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_validate_buffer", "out is NULL");
}

static void files(void) {
  const char* source = getenv("MMDREG_SOURCE_DIR");
  char path[4096];
  mmdreg_report* report = NULL;
  uint64_t rows = 0, accepted = 0, rejected = 0;
  static const char missing[] = "/nonexistent/mmdreg/devices.csv";

  CHECK(source != NULL);
  if (source == NULL) return;
  snprintf(path, sizeof path, "%s/examples/data/devices.csv", source);
  CHECK(mmdreg_validate_file(path, strlen(path), NULL, &report) == MMDREG_OK);
  CHECK(mmdreg_report_rows(report, &rows) == MMDREG_OK && rows == 12);
  CHECK(mmdreg_report_accepted(report, &accepted) == MMDREG_OK && accepted > 0);
  CHECK(mmdreg_report_rejected(report, &rejected) == MMDREG_OK && accepted + rejected == rows);
  mmdreg_report_free(report);

  /* The length is honoured: the path need not be NUL-terminated. */
  report = NULL;
  strcat(path, "-and-more");
  CHECK(mmdreg_validate_file(path, strlen(path) - 9, NULL, &report) == MMDREG_OK);
  CHECK(report != NULL);
  mmdreg_report_free(report);

  report = NULL;
  CHECK(mmdreg_validate_file(missing, strlen(missing), NULL, &report) == MMDREG_EIO);
  CHECK(report == NULL && strstr(mmdreg_last_error(), "devices.csv") != NULL);
  CHECK(mmdreg_validate_file(NULL, 3, NULL, &report) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_validate_file", "path is NULL with a non-zero length");
  CHECK(mmdreg_validate_file(NULL, 0, NULL, &report) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_validate_file", "path is empty");
  CHECK(mmdreg_validate_file(path, strlen(path), NULL, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_validate_file", "out is NULL");
}

int main(void) {
  options();
  buffer_with_bad_rows();
  file_level_findings();
  options_are_honoured_and_checked();
  files();
  return check_report();
}
