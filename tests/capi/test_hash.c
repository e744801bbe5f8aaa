/* Hardware hashes through the C ABI: build, decode, fields, readiness, problems, padding repair. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mmdreg.h"

static char built[MMDREG_HASH_TEXT_LENGTH + 1];
static char built_without_tpm[MMDREG_HASH_TEXT_LENGTH + 1];

static void fill_fields(mmdreg_hash_fields* fields) {
  static const char serial[] = "PF4ABCDE";
  static const char manufacturer[] = "LENOVO";
  static const char model[] = "21MACTO1WW";
  size_t i;
  CHECK(mmdreg_hash_fields_init(fields) == MMDREG_OK);
  fields->serial_number = serial;
  fields->serial_number_length = strlen(serial);
  fields->manufacturer = manufacturer;
  fields->manufacturer_length = strlen(manufacturer);
  fields->model = model;
  fields->model_length = strlen(model);
  for (i = 0; i < 16; ++i)
    fields->smbios_uuid[i] = (uint8_t)(0x10 + i);
  fields->capture_time = 1735689600; /* 2025-01-01T00:00:00Z */
  fields->windows[2] = 22631;
  fields->ram_gb = 8;
  fields->boot_disk_capacity_gb = 256;
  fields->boot_disk_bus_type = 11;
}

static void building(void) {
  mmdreg_hash_fields fields;
  mmdreg_hash_fields defaults = MMDREG_HASH_FIELDS_INIT;
  static uint8_t key[256];
  size_t length = 0;
  char small[100];
  size_t i;
  for (i = 0; i < sizeof key; ++i)
    key[i] = (uint8_t)i;

  CHECK(defaults.version == MMDREG_HASH_FIELDS_VERSION && defaults.ram_gb == 16);
  CHECK(defaults.has_boot_disk == 1 && defaults.architecture == 9);
  fill_fields(&fields);
  CHECK(mmdreg_hash_build(&fields, built_without_tpm, sizeof built_without_tpm, &length) ==
        MMDREG_OK);
  CHECK(length == MMDREG_HASH_TEXT_LENGTH && strlen(built_without_tpm) == length);
  fields.tpm_endorsement_key = key;
  CHECK(mmdreg_hash_build(&fields, built, sizeof built, &length) == MMDREG_OK);
  CHECK(strcmp(built, built_without_tpm) != 0);

  /* A small buffer is refused untouched, with the size needed. */
  length = 0;
  memset(small, 'x', sizeof small);
  CHECK(mmdreg_hash_build(&fields, small, sizeof small, &length) == MMDREG_EBUFFER);
  CHECK(length == MMDREG_HASH_TEXT_LENGTH && small[0] == 'x');
  CHECK(mmdreg_hash_build(&fields, NULL, 0, &length) == MMDREG_EBUFFER);
  CHECK(mmdreg_hash_build(&fields, built, sizeof built, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_build", "length is NULL");
  CHECK(mmdreg_hash_build(NULL, built, sizeof built, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_build", "fields is NULL");

  fields.version = 0;
  CHECK(mmdreg_hash_build(&fields, small, sizeof small, &length) == MMDREG_EUNSUPPORTED);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_build", "fields version 0");
  fields.version = MMDREG_HASH_FIELDS_VERSION;
  fields.serial_number = NULL;
  CHECK(mmdreg_hash_build(&fields, small, sizeof small, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_build", "serial_number is NULL");
  fill_fields(&fields);
  fields.capture_time = 0; /* before 2000: not representable */
  CHECK(mmdreg_hash_build(&fields, built_without_tpm, sizeof built_without_tpm, &length) ==
        MMDREG_EINVAL);
  CHECK(strstr(mmdreg_last_error(), "2000") != NULL);
  /* A model too long for 3000 bytes. */
  fill_fields(&fields);
  {
    char* huge = malloc(4000);
    memset(huge, 'M', 4000);
    fields.model = huge;
    fields.model_length = 4000;
    CHECK(mmdreg_hash_build(&fields, built_without_tpm, sizeof built_without_tpm, &length) ==
          MMDREG_EINVAL);
    free(huge);
  }
  fill_fields(&fields);
  CHECK(mmdreg_hash_build(&fields, built_without_tpm, sizeof built_without_tpm, &length) ==
        MMDREG_OK);
  CHECK(mmdreg_hash_fields_init(NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_fields_init", "fields is NULL");
}

static void decoding(void) {
  mmdreg_hash* hash = NULL;
  int valid = -1;
  const char* text = NULL;
  size_t length = 0;
  char uuid[37];
  char small[10];
  int64_t seconds = 0;
  int offset = -1, architecture = -1, bus = -1, matches = -1, rule = 0;
  uint16_t build[4] = {0, 0, 0, 0};
  uint64_t gb = 0, capacity = 0;
  uint8_t digest[32], other[32];
  size_t count = 0, i;
  mmdreg_readiness_check check;
  int saw_ram = 0;

  CHECK(mmdreg_hash_create(&hash) == MMDREG_OK && hash != NULL);
  CHECK_STR(mmdreg_hash_last_error(hash), "");
  /* Nothing decoded yet: refused, and the decoder remembers why. */
  CHECK(mmdreg_hash_serial_number(hash, &text, &length) == MMDREG_EREFUSED);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_serial_number", "no hash was decoded yet");
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_serial_number",
                "no hash was decoded yet");
  CHECK(mmdreg_hash_problem(hash, &rule, NULL, NULL, NULL, NULL) == MMDREG_EREFUSED);
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_problem", "no hash was decoded yet");

  CHECK(mmdreg_hash_decode(hash, built, strlen(built), &valid) == MMDREG_OK && valid == 1);
  CHECK_STR(mmdreg_hash_last_error(hash), ""); /* a success on the handle clears it */
  CHECK(mmdreg_hash_problem(hash, &rule, NULL, NULL, NULL, NULL) == MMDREG_ENOTFOUND);
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_problem",
                "the last hash decoded is valid");
  CHECK(mmdreg_hash_serial_number(hash, &text, &length) == MMDREG_OK);
  CHECK(length == 8 && memcmp(text, "PF4ABCDE", 8) == 0);
  CHECK(mmdreg_hash_manufacturer(hash, &text, &length) == MMDREG_OK);
  CHECK(length == 6 && memcmp(text, "LENOVO", 6) == 0);
  CHECK(mmdreg_hash_model(hash, &text, &length) == MMDREG_OK);
  CHECK(length == 10 && memcmp(text, "21MACTO1WW", 10) == 0);
  CHECK(mmdreg_hash_smbios_uuid(hash, uuid, sizeof uuid, &length) == MMDREG_OK);
  CHECK_STR(uuid, "13121110-1514-1716-1819-1A1B1C1D1E1F");
  CHECK(mmdreg_hash_smbios_uuid(hash, small, sizeof small, &length) == MMDREG_EBUFFER);
  CHECK(length == 36);
  CHECK(mmdreg_hash_capture_time(hash, &seconds, &offset) == MMDREG_OK);
  CHECK(seconds == 1735689600);
  CHECK(mmdreg_hash_capture_time(hash, &seconds, NULL) == MMDREG_OK);
  CHECK(mmdreg_hash_windows(hash, build, &architecture) == MMDREG_OK);
  CHECK(build[0] == 10 && build[1] == 0 && build[2] == 22631 && build[3] == 1);
  CHECK(architecture == 9);
  CHECK(mmdreg_hash_windows(hash, NULL, NULL) == MMDREG_OK);
  CHECK(mmdreg_hash_ram_gb(hash, &gb) == MMDREG_OK && gb == 8);
  CHECK(mmdreg_hash_boot_disk(hash, &capacity, &bus) == MMDREG_OK);
  CHECK(capacity == 256 && bus == 11);
  CHECK(mmdreg_hash_tpm_version(hash, &text, &length) == MMDREG_OK);
  CHECK(length == 3 && memcmp(text, "2.0", 3) == 0);
  CHECK(mmdreg_hash_tpm_key_digest_matches(hash, &matches) == MMDREG_OK && matches == 1);
  CHECK(mmdreg_hash_identity(hash, digest) == MMDREG_OK);

  CHECK(mmdreg_hash_readiness_count(hash, &count) == MMDREG_OK && count >= 5);
  for (i = 0; i < count; ++i) {
    CHECK(mmdreg_hash_readiness(hash, i, &check) == MMDREG_OK);
    CHECK(check.requirement != NULL && check.requirement_length > 0);
    CHECK(check.detail_length == strlen(check.detail));
    CHECK(check.verdict >= MMDREG_VERDICT_MET && check.verdict <= MMDREG_VERDICT_UNKNOWN);
    if (strstr(check.detail, "8 GB") != NULL) saw_ram = 1;
  }
  CHECK(saw_ram);
  CHECK(mmdreg_hash_readiness(hash, count, &check) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_readiness", "is past the");
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_readiness", "is past the");
  CHECK(mmdreg_hash_readiness(hash, 0, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_readiness", "out is NULL");
  CHECK(mmdreg_hash_readiness_count(hash, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_readiness_count", "count is NULL");

  /* Another capture of the same device without TPM: same identity, no TPM facts. */
  CHECK(mmdreg_hash_decode(hash, built_without_tpm, strlen(built_without_tpm), &valid) ==
        MMDREG_OK);
  CHECK(valid == 1);
  CHECK(mmdreg_hash_identity(hash, other) == MMDREG_OK && memcmp(digest, other, 32) == 0);
  CHECK(mmdreg_hash_tpm_version(hash, &text, &length) == MMDREG_ENOTFOUND);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_tpm_version", "TPM version record");
  CHECK(mmdreg_hash_tpm_key_digest_matches(hash, &matches) == MMDREG_ENOTFOUND);
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_tpm_key_digest_matches",
                "TPM endorsement key");

  /* Null out-pointers: each message names the function and the argument. */
  CHECK(mmdreg_hash_serial_number(hash, NULL, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_serial_number", "text is NULL");
  CHECK(mmdreg_hash_manufacturer(hash, &text, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_manufacturer", "length is NULL");
  CHECK(mmdreg_hash_model(NULL, &text, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_model", "hash is NULL");
  CHECK(mmdreg_hash_smbios_uuid(hash, uuid, sizeof uuid, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_smbios_uuid", "length is NULL");
  CHECK(mmdreg_hash_capture_time(hash, NULL, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_capture_time", "unix_seconds is NULL");
  CHECK(mmdreg_hash_ram_gb(hash, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_ram_gb", "gb is NULL");
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_ram_gb", "gb is NULL");
  CHECK(mmdreg_hash_boot_disk(hash, NULL, &bus) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_boot_disk", "capacity_gb is NULL");
  CHECK(mmdreg_hash_boot_disk(hash, &capacity, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_boot_disk", "bus_type is NULL");
  CHECK(mmdreg_hash_tpm_version(hash, NULL, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_tpm_version", "text is NULL");
  CHECK(mmdreg_hash_tpm_key_digest_matches(hash, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_tpm_key_digest_matches", "matches is NULL");
  CHECK(mmdreg_hash_identity(hash, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_identity", "digest is NULL");
  CHECK(mmdreg_hash_identity(NULL, digest) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_identity", "hash is NULL");
  CHECK(mmdreg_hash_windows(NULL, build, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_windows", "hash is NULL");

  /* NULL handles: refused with the function and argument named, nothing written. */
  text = NULL;
  length = 77;
  CHECK(mmdreg_hash_serial_number(NULL, &text, &length) == MMDREG_EINVAL);
  CHECK(text == NULL && length == 77);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_serial_number", "hash is NULL");
  CHECK(mmdreg_hash_manufacturer(NULL, &text, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_manufacturer", "hash is NULL");
  CHECK(mmdreg_hash_smbios_uuid(NULL, uuid, sizeof uuid, &length) == MMDREG_EINVAL);
  CHECK(length == 77);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_smbios_uuid", "hash is NULL");
  seconds = -5;
  CHECK(mmdreg_hash_capture_time(NULL, &seconds, &offset) == MMDREG_EINVAL);
  CHECK(seconds == -5);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_capture_time", "hash is NULL");
  gb = 99;
  CHECK(mmdreg_hash_ram_gb(NULL, &gb) == MMDREG_EINVAL);
  CHECK(gb == 99);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_ram_gb", "hash is NULL");
  CHECK(mmdreg_hash_boot_disk(NULL, &capacity, &bus) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_boot_disk", "hash is NULL");
  CHECK(mmdreg_hash_tpm_version(NULL, &text, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_tpm_version", "hash is NULL");
  matches = -1;
  CHECK(mmdreg_hash_tpm_key_digest_matches(NULL, &matches) == MMDREG_EINVAL);
  CHECK(matches == -1);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_tpm_key_digest_matches", "hash is NULL");
  count = 1234;
  CHECK(mmdreg_hash_readiness_count(NULL, &count) == MMDREG_EINVAL);
  CHECK(count == 1234);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_readiness_count", "hash is NULL");
  CHECK(mmdreg_hash_readiness(NULL, 0, &check) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_readiness", "hash is NULL");
  CHECK_STR(mmdreg_hash_last_error(NULL), "");

  /* An invalid hash: the problem is told; the fields are refused. */
  {
    char broken[MMDREG_HASH_TEXT_LENGTH + 1];
    const char* message = NULL;
    const char* fix = NULL;
    size_t message_length = 0, fix_length = 0;
    memcpy(broken, built, sizeof broken);
    broken[100] = '*';
    CHECK(mmdreg_hash_decode(hash, broken, strlen(broken), &valid) == MMDREG_OK && valid == 0);
    CHECK_STR(mmdreg_hash_last_error(hash), ""); /* an invalid hash is no failed call */
    CHECK(mmdreg_hash_problem(hash, &rule, &message, &message_length, &fix, &fix_length) ==
          MMDREG_OK);
    CHECK_STR(mmdreg_rule_id(rule), "hash-base64");
    CHECK(message_length == strlen(message) && strstr(message, "100") != NULL);
    CHECK(fix_length == strlen(fix));
    CHECK(mmdreg_hash_problem(hash, &rule, NULL, NULL, NULL, NULL) == MMDREG_OK);
    CHECK(mmdreg_hash_problem(hash, NULL, NULL, NULL, NULL, NULL) == MMDREG_EINVAL);
    CHECK(mmdreg_hash_serial_number(hash, &text, &length) == MMDREG_EREFUSED);
    CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_serial_number", "not valid");
    CHECK(mmdreg_hash_readiness_count(hash, &count) == MMDREG_EREFUSED);
    CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_readiness_count", "not valid");
    CHECK(mmdreg_hash_decode(hash, built, 3000, &valid) == MMDREG_OK && valid == 0);
    CHECK(mmdreg_hash_problem(hash, &rule, NULL, NULL, NULL, NULL) == MMDREG_OK);
    CHECK_STR(mmdreg_rule_id(rule), "hash-length");
  }
  CHECK(mmdreg_hash_decode(NULL, built, strlen(built), &valid) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_decode", "hash is NULL");
  CHECK(mmdreg_hash_decode(hash, NULL, 4000, &valid) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_decode", "text is NULL with a non-zero length");
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_decode",
                "text is NULL with a non-zero length");
  CHECK(mmdreg_hash_decode(hash, built, strlen(built), NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_decode", "valid is NULL");
  CHECK(mmdreg_hash_problem(NULL, &rule, NULL, NULL, NULL, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_problem", "hash is NULL");
  CHECK(mmdreg_hash_create(NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_create", "out is NULL");
  /* Other calls leave the decoder's own last error alone. */
  CHECK(mmdreg_hash_fields_init(NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_hash_last_error(hash), "mmdreg_hash_decode", "valid is NULL");
  mmdreg_hash_free_and_clear(&hash);
  CHECK(hash == NULL);
  mmdreg_hash_free_and_clear(&hash);
  mmdreg_hash_free_and_clear(NULL);
  mmdreg_hash_free(NULL);
}

static void repairing(void) {
  /* The final "AA" of the zero padding replaced by "==" (an editor's doing): repaired. */
  char damaged[MMDREG_HASH_TEXT_LENGTH + 1];
  char repaired[MMDREG_HASH_TEXT_LENGTH + 3];
  char small[8];
  size_t length = 0;
  memcpy(damaged, built, sizeof damaged);
  CHECK(damaged[3998] == 'A' && damaged[3999] == 'A');
  damaged[3998] = '=';
  damaged[3999] = '=';

  CHECK(mmdreg_hash_repair_padding(damaged, 4000, repaired, sizeof repaired, &length) == MMDREG_OK);
  CHECK(length == MMDREG_HASH_TEXT_LENGTH);
  CHECK_STR(repaired, built);
  /* Two final characters lost: the length is honoured (the rest of the buffer is not read). */
  CHECK(mmdreg_hash_repair_padding(built, 3998, repaired, sizeof repaired, &length) == MMDREG_OK);
  CHECK(length == 4000);
  CHECK(mmdreg_hash_repair_padding(damaged, 4000, small, sizeof small, &length) == MMDREG_EBUFFER);
  CHECK(length == MMDREG_HASH_TEXT_LENGTH);
  /* A valid hash needs no repair; one cut inside its records cannot be repaired. */
  CHECK(mmdreg_hash_repair_padding(built, strlen(built), repaired, sizeof repaired, &length) ==
        MMDREG_ENOTFOUND);
  CHECK(mmdreg_hash_repair_padding(built, 100, repaired, sizeof repaired, &length) ==
        MMDREG_ENOTFOUND);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_repair_padding", "no padding repair applies");
  CHECK(mmdreg_hash_repair_padding(NULL, 4, repaired, sizeof repaired, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_repair_padding", "text is NULL");
  CHECK(mmdreg_hash_repair_padding(damaged, 4000, repaired, sizeof repaired, NULL) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_hash_repair_padding", "length is NULL");
}

int main(void) {
  building();
  decoding();
  repairing();
  return check_report();
}
