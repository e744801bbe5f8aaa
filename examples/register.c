/* Validates an Autopilot CSV file and registers its accepted rows into an in-memory registry, in
 * one batch per profile (read from each row's group tag), advances the clock two hours, and prints
 * the Devices blade. Plain C over the C ABI.
 *
 *   register devices.csv
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmdreg.h"

#define MAX_ROWS 1000

static int fail(const char* what, mmdreg_status status) {
  fprintf(stderr, "%s: %s: %s\n", what, mmdreg_status_name(status), mmdreg_last_error());
  return 1;
}

/* The whole file, NUL-terminated; NULL when it cannot be read. */
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
    if (content != NULL) {
      content[length] = '\0';
      *size = (size_t)length;
    }
  }
  fclose(f);
  return content;
}

/* Field `index` of a comma-separated line (the validator accepted it, so it has no quotes). */
static mmdreg_text field(const char* line, size_t line_length, int index) {
  mmdreg_text text = {NULL, 0};
  const char* end = line + line_length;
  const char* start = line;
  int at = 0;
  while (at < index && start < end) {
    const char* comma = memchr(start, ',', (size_t)(end - start));
    if (comma == NULL) return text;
    start = comma + 1;
    ++at;
  }
  if (at != index) return text;
  text.data = start;
  while (start < end && *start != ',')
    ++start;
  text.length = (size_t)(start - text.data);
  return text;
}

int main(int argc, char** argv) {
  mmdreg_report* report = NULL;
  mmdreg_registry* registry = NULL;
  mmdreg_devices* devices = NULL;
  mmdreg_status status;
  static unsigned char rejected[MAX_ROWS + 2];
  static mmdreg_device_input inputs[MAX_ROWS];
  static mmdreg_device_outcome outcomes[MAX_ROWS];
  uint64_t rows = 0, accepted = 0;
  int file_rejected = 0, columns = 0, profile, shared, exit_code = 0;
  mmdreg_dialect dialect = MMDREG_DIALECT_NONE;
  size_t findings = 0, i, size = 0, registered = 0;
  uint32_t organization = 0;
  char* content;

  if (argc != 2) {
    fprintf(stderr, "usage: %s devices.csv\n", argv[0]);
    return 2;
  }
  status = mmdreg_validate_file(argv[1], strlen(argv[1]), NULL, &report);
  if (status != MMDREG_OK) return fail("validate", status);
  mmdreg_report_rows(report, &rows);
  mmdreg_report_accepted(report, &accepted);
  mmdreg_report_file_rejected(report, &file_rejected);
  mmdreg_report_dialect(report, &dialect, &columns);
  mmdreg_report_finding_count(report, &findings);
  printf("%s: %llu rows, %llu accepted, %zu findings\n", argv[1], (unsigned long long)rows,
         (unsigned long long)accepted, findings);
  for (i = 0; i < findings; ++i) {
    mmdreg_finding finding;
    mmdreg_report_finding(report, i, &finding);
    printf("  line %llu: %s %s: %s\n", (unsigned long long)finding.line,
           finding.severity == MMDREG_SEVERITY_ERROR ? "error" : "warning",
           mmdreg_rule_id(finding.rule), finding.message);
    if (finding.severity == MMDREG_SEVERITY_ERROR && finding.line >= 2 &&
        finding.line < MAX_ROWS + 2)
      rejected[finding.line] = 1;
  }
  mmdreg_report_free(report);
  if (file_rejected || dialect != MMDREG_DIALECT_AUTOPILOT || rows > MAX_ROWS) {
    fprintf(stderr, "the file is rejected as a whole or is not an Autopilot upload\n");
    return 1;
  }

  content = read_file(argv[1], &size);
  if (content == NULL) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  status = mmdreg_registry_create(NULL, &registry);
  if (status == MMDREG_OK)
    status = mmdreg_registry_add_organization(registry, "Contoso", 7, &organization);
  if (status != MMDREG_OK) {
    free(content);
    mmdreg_registry_free(registry);
    return fail("registry", status);
  }

  /* One batch per profile and shared flag: a batch carries one group tag. */
  for (profile = MMDREG_PROFILE_STANDARD; profile <= MMDREG_PROFILE_KIOSK; ++profile) {
    for (shared = 0; shared <= 1; ++shared) {
      mmdreg_registration batch;
      size_t count = 0;
      uint32_t line = 1;
      const char* cursor = content;
      const char* end = content + size;
      uint32_t request = 0;
      while (cursor < end) {
        const char* newline = memchr(cursor, '\n', (size_t)(end - cursor));
        const char* line_end = newline != NULL ? newline : end;
        size_t length = (size_t)(line_end - cursor);
        if (length > 0 && cursor[length - 1] == '\r') --length;
        if (line >= 2 && length > 0 && !rejected[line]) {
          mmdreg_text tag = field(cursor, length, 3);
          mmdreg_group_tag parsed;
          int row_profile = MMDREG_PROFILE_STANDARD, row_shared = 0, mmd_tag = 0;
          if (mmdreg_group_tag_parse(tag.data, tag.length, &parsed) == MMDREG_OK &&
              parsed.kind == MMDREG_TAG_MMD) {
            row_profile = parsed.profile;
            row_shared = parsed.shared;
            mmd_tag = 1;
          }
          if (row_profile == profile && row_shared == shared) {
            mmdreg_device_input* input = &inputs[count++];
            mmdreg_text serial = field(cursor, length, 0);
            mmdreg_text product = field(cursor, length, 1);
            mmdreg_text hash = field(cursor, length, 2);
            memset(input, 0, sizeof *input);
            input->serial_number = serial.data;
            input->serial_number_length = serial.length;
            input->product_id = product.data;
            input->product_id_length = product.length;
            input->hardware_hash = hash.data;
            input->hardware_hash_length = hash.length;
            if (mmd_tag) {
              input->group_tag = tag.data;
              input->group_tag_length = tag.length;
            }
            input->line = line;
          }
        }
        cursor = line_end + (newline != NULL ? 1 : 0);
        ++line;
      }
      if (count == 0) continue;
      memset(&batch, 0, sizeof batch);
      batch.version = MMDREG_REGISTRATION_VERSION;
      batch.by.kind = MMDREG_ACTOR_TENANT_ADMIN;
      batch.by.id = organization;
      batch.organization = organization;
      batch.via = MMDREG_CHANNEL_DEVICES_BLADE;
      batch.profile = (mmdreg_profile)profile;
      batch.shared = shared;
      batch.devices = inputs;
      batch.device_count = count;
      status = mmdreg_registry_register(registry, &batch, outcomes, &request);
      if (status != MMDREG_OK) {
        printf("batch %s%s refused: %s\n", mmdreg_profile_name((mmdreg_profile)profile),
               shared ? " (shared)" : "", mmdreg_registry_last_error(registry));
        continue;
      }
      for (i = 0; i < count; ++i) {
        if (outcomes[i].failed)
          printf("  line %u: %s\n", (unsigned)outcomes[i].line,
                 mmdreg_registration_error_message(outcomes[i].error));
        else
          ++registered;
      }
    }
  }
  free(content);

  status = mmdreg_registry_advance(registry, 2 * 3600);
  if (status == MMDREG_OK) status = mmdreg_registry_devices(registry, organization, &devices);
  if (status != MMDREG_OK) {
    mmdreg_registry_free(registry);
    return fail("registry", status);
  }
  printf("\n%-16s %-12s %-16s %-15s %-7s %s\n", "Name", "Serial", "State", "Profile", "Shared",
         "Ring");
  {
    size_t count = 0;
    mmdreg_devices_count(devices, &count);
    for (i = 0; i < count; ++i) {
      mmdreg_device_row row;
      mmdreg_devices_row(devices, i, &row);
      printf("%-16s %-12s %-16s %-15s %-7s %s\n", row.name, row.serial_number,
             mmdreg_state_name(row.state), mmdreg_profile_name(row.profile),
             row.shared ? "yes" : "no", row.has_ring ? mmdreg_ring_name(row.ring) : "-");
    }
  }
  mmdreg_devices_free(devices);
  mmdreg_registry_free(registry);
  printf("\n%zu devices registered\n", registered);
  if (registered == 0) exit_code = 1;
  return exit_code;
}
