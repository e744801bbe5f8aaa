/* Validates upload files (CSV in any dialect and encoding, or an Autopilot JSON device list) and
 * registers the rows each accepts into an in-memory registry, one call per file with the group tag
 * the rows carry (Standard when none has an MMD tag), then advances the clock two hours and prints
 * the Devices blade. Plain C over the C ABI: the library reads the files, nothing is parsed here.
 *
 *   register devices.csv [more.csv ...]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmdreg.h"

static int fail(const char* what, mmdreg_status status) {
  fprintf(stderr, "%s: %s: %s\n", what, mmdreg_status_name(status), mmdreg_last_error());
  return 1;
}

/* The whole file; NULL when it cannot be read. */
static char* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  char* content = NULL;
  long length;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (length = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    content = malloc((size_t)length + 1);
    if (content != NULL && fread(content, 1, (size_t)length, f) != (size_t)length) {
      free(content);
      content = NULL;
    }
    if (content != NULL) *size = (size_t)length;
  }
  fclose(f);
  return content;
}

/* Prints what the upload rules say about `content`, as a validation report. */
static int print_findings(const char* path, const char* content, size_t size) {
  mmdreg_report* report = NULL;
  uint64_t rows = 0, accepted = 0;
  size_t findings = 0, i;
  mmdreg_status status = mmdreg_validate_buffer(content, size, NULL, &report);
  if (status != MMDREG_OK) return fail("validate", status);
  mmdreg_report_rows(report, &rows);
  mmdreg_report_accepted(report, &accepted);
  mmdreg_report_finding_count(report, &findings);
  printf("%s: %llu rows, %llu accepted, %zu findings\n", path, (unsigned long long)rows,
         (unsigned long long)accepted, findings);
  for (i = 0; i < findings; ++i) {
    mmdreg_finding finding;
    mmdreg_report_finding(report, i, &finding);
    printf("  line %llu: %s %s: %s\n", (unsigned long long)finding.line,
           finding.severity == MMDREG_SEVERITY_ERROR ? "error" : "warning",
           mmdreg_rule_id(finding.rule), finding.message);
  }
  mmdreg_report_free(report);
  return 0;
}

/* Registers the rows of one file the rules accept, in one batch; returns how many became devices
 * (-1 when the registry failed). A refused batch is reported and registers nothing. */
static long register_file(mmdreg_registry* registry, uint32_t organization, const char* path,
                          const char* content, size_t size) {
  mmdreg_upload upload = MMDREG_UPLOAD_INIT;
  mmdreg_upload_result* result = NULL;
  mmdreg_profile profile = MMDREG_PROFILE_STANDARD;
  uint64_t accepted = 0, failed = 0;
  uint32_t request = 0;
  size_t devices = 0, i;
  int submitted = 0, shared = 0;
  mmdreg_status status;

  upload.by.kind = MMDREG_ACTOR_TENANT_ADMIN;
  upload.by.id = organization;
  upload.organization = organization;
  upload.via = MMDREG_CHANNEL_DEVICES_BLADE;
  upload.content = content;
  upload.content_length = size;
  upload.rows_decide = 1;
  status = mmdreg_registry_register_upload(registry, &upload, &result);
  if (status == MMDREG_EREFUSED || status == MMDREG_EINVAL || status == MMDREG_ENOTFOUND) {
    printf("%s: batch refused: %s\n", path, mmdreg_registry_last_error(registry));
    return 0;
  }
  if (status != MMDREG_OK) {
    fail("register", status);
    return -1;
  }
  mmdreg_upload_result_request(result, &submitted, &request);
  if (!submitted) {
    printf("%s: nothing submitted (no row accepted, or the file is rejected whole)\n", path);
    mmdreg_upload_result_free(result);
    return 0;
  }
  mmdreg_upload_result_counts(result, NULL, NULL, &accepted, &failed, NULL);
  mmdreg_upload_result_profile(result, &profile, &shared);
  printf("%s: request %u, %s%s: %llu registered, %llu failed\n", path, (unsigned)request,
         mmdreg_profile_name(profile), shared ? " (shared)" : "", (unsigned long long)accepted,
         (unsigned long long)failed);
  mmdreg_upload_result_device_count(result, &devices);
  for (i = 0; i < devices; ++i) {
    mmdreg_upload_device device;
    mmdreg_upload_result_device(result, i, &device);
    if (device.failed)
      printf("  line %u: %s: %s%s%s\n", (unsigned)device.line, device.serial_number,
             mmdreg_registration_error_message(device.error), device.request_id_length ? " " : "",
             device.request_id);
  }
  mmdreg_upload_result_free(result);
  return (long)accepted;
}

int main(int argc, char** argv) {
  mmdreg_registry* registry = NULL;
  mmdreg_devices* devices = NULL;
  mmdreg_status status;
  uint32_t organization = 0;
  size_t i, count = 0;
  long registered = 0;
  int arg;

  if (argc < 2) {
    fprintf(stderr, "usage: %s devices.csv [more.csv ...]\n", argv[0]);
    return 2;
  }
  status = mmdreg_registry_create(NULL, &registry);
  if (status == MMDREG_OK)
    status = mmdreg_registry_add_organization(registry, "Contoso", 7, &organization);
  if (status != MMDREG_OK) {
    mmdreg_registry_free(registry);
    return fail("registry", status);
  }

  for (arg = 1; arg < argc; ++arg) {
    size_t size = 0;
    long added;
    char* content = read_file(argv[arg], &size);
    if (content == NULL) {
      fprintf(stderr, "cannot read %s\n", argv[arg]);
      mmdreg_registry_free(registry);
      return 1;
    }
    added = print_findings(argv[arg], content, size) == 0
                ? register_file(registry, organization, argv[arg], content, size)
                : -1;
    free(content);
    if (added < 0) {
      mmdreg_registry_free(registry);
      return 1;
    }
    registered += added;
  }

  status = mmdreg_registry_advance(registry, 2 * 3600);
  if (status == MMDREG_OK) status = mmdreg_registry_devices(registry, organization, &devices);
  if (status != MMDREG_OK) {
    mmdreg_registry_free(registry);
    return fail("registry", status);
  }
  printf("\n%-16s %-12s %-16s %-15s %-7s %s\n", "Name", "Serial", "State", "Profile", "Shared",
         "Ring");
  mmdreg_devices_count(devices, &count);
  for (i = 0; i < count; ++i) {
    mmdreg_device_row row;
    mmdreg_devices_row(devices, i, &row);
    printf("%-16s %-12s %-16s %-15s %-7s %s\n", row.name, row.serial_number,
           mmdreg_state_name(row.state), mmdreg_profile_name(row.profile),
           row.shared ? "yes" : "no", row.has_ring ? mmdreg_ring_name(row.ring) : "-");
  }
  mmdreg_devices_free(devices);
  mmdreg_registry_free(registry);
  printf("\n%ld devices registered\n", registered);
  return registered == 0 ? 1 : 0;
}
