/* Merge through the C ABI: files in, clean upload files out, every row accounted for. */
#define _XOPEN_SOURCE 700
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mmdreg.h"

static char hashes[3][MMDREG_HASH_TEXT_LENGTH + 1];
static const char* const serials[3] = {"MRG-001", "MRG-002", "MRG-003"};

static void build_hashes(void) {
  size_t i, length = 0;
  for (i = 0; i < 3; ++i) {
    mmdreg_hash_fields fields = MMDREG_HASH_FIELDS_INIT;
    fields.serial_number = serials[i];
    fields.serial_number_length = strlen(serials[i]);
    fields.manufacturer = "Fabrikam";
    fields.manufacturer_length = 8;
    fields.model = "Tablet";
    fields.model_length = 6;
    fields.smbios_uuid[15] = (uint8_t)(i + 1);
    fields.capture_time = 1735000000 + (int64_t)i;
    CHECK(mmdreg_hash_build(&fields, hashes[i], sizeof hashes[i], &length) == MMDREG_OK);
  }
}

static void write_file(const char* path, const char* const* lines, size_t count) {
  FILE* f = fopen(path, "wb");
  size_t i;
  CHECK(f != NULL);
  if (f == NULL) return;
  for (i = 0; i < count; ++i)
    fprintf(f, "%s\r\n", lines[i]);
  fclose(f);
}

static int file_contains(const char* path, const char* needle) {
  static char content[65536];
  size_t n;
  FILE* f = fopen(path, "rb");
  if (f == NULL) return 0;
  n = fread(content, 1, sizeof content - 1, f);
  fclose(f);
  content[n] = '\0';
  return strstr(content, needle) != NULL;
}

int main(void) {
  char directory[] = "/tmp/mmdreg-capi-merge-XXXXXX";
  char first[256], second[256], missing[256];
  char rows[4][MMDREG_HASH_TEXT_LENGTH + 64];
  const char* lines[3];
  mmdreg_text paths[3];
  mmdreg_merge_options options;
  mmdreg_merge_report* report = NULL;
  uint64_t rows_in = 0, rows_out = 0, repaired = 9;
  size_t count = 0, i, dropped_with_line = 0;
  const char* path = NULL;
  size_t path_length = 0;
  mmdreg_merge_drop drop;
  int saw_duplicate = 0, saw_broken = 0;

  build_hashes();
  CHECK(mkdtemp(directory) != NULL);
  snprintf(first, sizeof first, "%s/first.csv", directory);
  snprintf(second, sizeof second, "%s/second.csv", directory);
  snprintf(missing, sizeof missing, "%s/missing.csv", directory);
  snprintf(rows[0], sizeof rows[0], "%s,,%s", serials[0], hashes[0]);
  snprintf(rows[1], sizeof rows[1], "%s,,%s", serials[1], hashes[1]);
  snprintf(rows[2], sizeof rows[2], "%s,,%s", serials[2], hashes[2]);
  snprintf(rows[3], sizeof rows[3], "BROKEN-1,,%.100s", hashes[0]);
  lines[0] = "Device Serial Number,Windows Product ID,Hardware Hash";
  lines[1] = rows[0];
  lines[2] = rows[1];
  write_file(first, lines, 3);
  lines[1] = rows[1]; /* the same device again */
  lines[2] = rows[2];
  write_file(second, lines, 3);
  {
    FILE* f = fopen(second, "ab");
    if (f != NULL) {
      fprintf(f, "%s\r\n", rows[3]);
      fclose(f);
    }
  }

  paths[0].data = first;
  paths[0].length = strlen(first);
  paths[1].data = second;
  paths[1].length = strlen(second);
  paths[2].data = missing;
  paths[2].length = strlen(missing);
  CHECK(mmdreg_merge_options_init(&options) == MMDREG_OK);
  CHECK(options.version == MMDREG_MERGE_OPTIONS_VERSION);
  CHECK(options.dialect == MMDREG_DIALECT_AUTOPILOT && options.group_tag.data == NULL);
  options.group_tag.data = "Microsoft365Managed_Standard";
  options.group_tag.length = strlen(options.group_tag.data);
  options.stem.data = "merged";
  options.stem.length = 6;

  /* A file that cannot be read fails the whole merge, naming it; nothing is written. */
  CHECK(mmdreg_merge_files(paths, 3, &options, directory, strlen(directory), &report) ==
        MMDREG_EIO);
  CHECK(report == NULL && strstr(mmdreg_last_error(), "missing.csv") != NULL);
  CHECK(mmdreg_merge_files(paths, 2, &options, directory, strlen(directory), &report) == MMDREG_OK);
  CHECK(report != NULL);
  if (report == NULL) {
    fprintf(stderr, "merge failed: %s\n", mmdreg_last_error());
    return check_report();
  }
  CHECK(mmdreg_merge_report_counts(report, &rows_in, &rows_out, &repaired) == MMDREG_OK);
  CHECK(rows_in == 5 && rows_out == 3 && repaired == 0);
  CHECK(mmdreg_merge_report_counts(report, NULL, NULL, NULL) == MMDREG_OK);
  CHECK(mmdreg_merge_report_dropped_count(report, &count) == MMDREG_OK);
  for (i = 0; i < count; ++i) {
    CHECK(mmdreg_merge_report_dropped(report, i, &drop) == MMDREG_OK);
    CHECK(drop.message_length == strlen(drop.message) && drop.source_length == strlen(drop.source));
    if (drop.line != 0) ++dropped_with_line;
    if (drop.line == 2 && strstr(drop.source, "second.csv") != NULL &&
        strcmp(mmdreg_rule_id(drop.rule), "duplicate-device") == 0)
      saw_duplicate = 1;
    if (drop.line == 4 && strstr(drop.source, "second.csv") != NULL &&
        strcmp(mmdreg_rule_id(drop.rule), "hash-length") == 0)
      saw_broken = 1;
  }
  CHECK(saw_duplicate);
  CHECK(saw_broken);
  CHECK(rows_in == rows_out + dropped_with_line);
  CHECK_STR(mmdreg_merge_report_last_error(report), "");
  CHECK(mmdreg_merge_report_dropped(report, count, &drop) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_report_dropped", "is past the");
  CHECK_MESSAGE(mmdreg_merge_report_last_error(report), "mmdreg_merge_report_dropped",
                "is past the");
  CHECK(mmdreg_merge_report_dropped(report, 0, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_merge_report_last_error(report), "mmdreg_merge_report_dropped",
                "out is NULL");
  /* Another call's failure does not touch this report's message; its next success clears it. */
  CHECK(mmdreg_merge_options_init(NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_merge_report_last_error(report), "mmdreg_merge_report_dropped",
                "out is NULL");
  CHECK(mmdreg_merge_report_conflict_count(report, &count) == MMDREG_OK && count == 0);
  CHECK_STR(mmdreg_merge_report_last_error(report), "");

  CHECK(mmdreg_merge_report_file_count(report, &count) == MMDREG_OK && count == 1);
  CHECK(mmdreg_merge_report_file(report, 0, &path, &path_length) == MMDREG_OK);
  CHECK(path_length == strlen(path) && strstr(path, "merged-001.csv") != NULL);
  CHECK(file_contains(path, "MRG-001") && file_contains(path, "MRG-003"));
  CHECK(file_contains(path, "Microsoft365Managed_Standard"));
  CHECK(!file_contains(path, "BROKEN-1"));
  CHECK(mmdreg_merge_report_file(report, 1, &path, &path_length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_report_file", "index 1 is past the 1 files");
  CHECK_MESSAGE(mmdreg_merge_report_last_error(report), "mmdreg_merge_report_file",
                "index 1 is past the 1 files");
  CHECK(mmdreg_merge_report_file(report, 0, NULL, &path_length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_merge_report_last_error(report), "mmdreg_merge_report_file", "path is NULL");
  CHECK(mmdreg_merge_report_file(report, 0, &path, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_merge_report_last_error(report), "mmdreg_merge_report_file",
                "path_length is NULL");
  CHECK(mmdreg_merge_report_counts(report, NULL, NULL, NULL) == MMDREG_OK);
  CHECK_STR(mmdreg_merge_report_last_error(report), "");
  {
    char written[512];
    snprintf(written, sizeof written, "%s", path);
    mmdreg_merge_report_free_and_clear(&report);
    CHECK(report == NULL);
    mmdreg_merge_report_free_and_clear(&report);
    mmdreg_merge_report_free_and_clear(NULL);
    unlink(written);
  }
  mmdreg_merge_report_free(NULL);

  /* Refusals: nothing is written, no report is made. */
  report = NULL;
  options.group_tag.data = "microsoft365managed_standard"; /* a case slip */
  CHECK(mmdreg_merge_files(paths, 2, &options, directory, strlen(directory), &report) ==
        MMDREG_EINVAL);
  CHECK(report == NULL);
  options.group_tag.data = NULL;
  options.group_tag.length = 0;
  options.version = 7;
  CHECK(mmdreg_merge_files(paths, 2, &options, directory, strlen(directory), &report) ==
        MMDREG_EUNSUPPORTED);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_files", "options version 7");
  options.version = MMDREG_MERGE_OPTIONS_VERSION;
  options.dialect = MMDREG_DIALECT_NONE;
  CHECK(mmdreg_merge_files(paths, 2, &options, directory, strlen(directory), &report) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_files", "unknown output dialect -1");
  options.dialect = MMDREG_DIALECT_AUTOPILOT;
  options.target = (mmdreg_upload_target)9;
  CHECK(mmdreg_merge_files(paths, 2, &options, directory, strlen(directory), &report) ==
        MMDREG_EINVAL);
  options.target = MMDREG_TARGET_DIALECT_DEFAULT;
  options.stem.data = NULL;
  options.stem.length = 3;
  CHECK(mmdreg_merge_files(paths, 2, &options, directory, strlen(directory), &report) ==
        MMDREG_EINVAL);
  options.stem.length = 0;
  CHECK(mmdreg_merge_files(NULL, 2, &options, directory, strlen(directory), &report) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_files", "paths is NULL with a non-zero count");
  paths[1].data = NULL;
  CHECK(mmdreg_merge_files(paths, 2, &options, directory, strlen(directory), &report) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_files", "paths[1] is NULL");
  paths[1].data = second;
  CHECK(mmdreg_merge_files(paths, 2, &options, NULL, 0, &report) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_files", "out_dir is empty");
  CHECK(mmdreg_merge_files(paths, 2, &options, directory, strlen(directory), NULL) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_files", "out is NULL");
  {
    /* A directory cannot be made under a regular file: EIO naming it, and no report. */
    char blocked[300];
    snprintf(blocked, sizeof blocked, "%s/out", first);
    CHECK(mmdreg_merge_files(paths, 2, &options, blocked, strlen(blocked), &report) == MMDREG_EIO);
    CHECK(strstr(mmdreg_last_error(), "output directory") != NULL);
    CHECK(report == NULL);
  }
  {
    /* A missing output directory is made, parents included. */
    char nested[300], nested_parent[300], written[320];
    snprintf(nested_parent, sizeof nested_parent, "%s/new", directory);
    snprintf(nested, sizeof nested, "%s/new/out", directory);
    CHECK(mmdreg_merge_files(paths, 2, &options, nested, strlen(nested), &report) == MMDREG_OK);
    CHECK(mmdreg_merge_report_file_count(report, &count) == MMDREG_OK && count == 1);
    snprintf(written, sizeof written, "%s/devices-001.csv", nested);
    CHECK(unlink(written) == 0);
    CHECK(rmdir(nested) == 0);
    CHECK(rmdir(nested_parent) == 0);
    mmdreg_merge_report_free(report);
    report = NULL;
  }
  CHECK(mmdreg_merge_report_counts(NULL, &rows_in, NULL, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_report_counts", "report is NULL");
  CHECK(mmdreg_merge_report_file_count(NULL, &count) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_report_file_count", "report is NULL");
  CHECK(mmdreg_merge_report_file_count(report, NULL) == MMDREG_EINVAL);
  CHECK(mmdreg_merge_report_file(NULL, 0, &path, &path_length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_report_file", "report is NULL");
  CHECK(mmdreg_merge_report_dropped_count(NULL, &count) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_report_dropped_count", "report is NULL");
  CHECK(mmdreg_merge_report_dropped(NULL, 0, &drop) == MMDREG_EINVAL);
  CHECK(mmdreg_merge_report_conflict_count(NULL, &count) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_report_conflict_count", "report is NULL");
  CHECK(mmdreg_merge_options_init(NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_merge_options_init", "options is NULL");
  CHECK_STR(mmdreg_merge_report_last_error(NULL), "");

  unlink(first);
  unlink(second);
  CHECK(rmdir(directory) == 0); /* nothing else was left behind */
  return check_report();
}
