/* The C ABI's vocabulary, versions and error conventions, exercised from C. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mmdreg.h"

static void versions_and_status_names(void) {
  CHECK(mmdreg_version() != NULL && strlen(mmdreg_version()) >= 5);
  CHECK(mmdreg_version_number() >= 100);
  CHECK(mmdreg_abi_version() == MMDREG_C_ABI_VERSION);
  CHECK_STR(mmdreg_status_name(MMDREG_OK), "ok");
  CHECK_STR(mmdreg_status_name(MMDREG_EBUFFER), "buffer too small");
  CHECK_STR(mmdreg_status_name((mmdreg_status)999), "unknown status");
  CHECK_STR(mmdreg_last_error(), "");
}

static void group_tags(void) {
  mmdreg_group_tag tag;
  const char* text = "Microsoft365Managed_Kiosk-Shared";
  const char* formatted = NULL;
  CHECK(mmdreg_group_tag_parse(text, strlen(text), &tag) == MMDREG_OK);
  CHECK(tag.kind == MMDREG_TAG_MMD && tag.profile == MMDREG_PROFILE_KIOSK && tag.shared == 1);
  CHECK_STR(tag.reason, "");

  /* The length is honoured: a prefix of a valid tag is a different tag. */
  CHECK(mmdreg_group_tag_parse(text, 25, &tag) == MMDREG_OK);
  CHECK(tag.kind == MMDREG_TAG_MMD && tag.shared == 0);

  CHECK(mmdreg_group_tag_parse("microsoft365managed_standard", 28, &tag) == MMDREG_OK);
  CHECK(tag.kind == MMDREG_TAG_CASE_SLIP && tag.profile == MMDREG_PROFILE_STANDARD);
  CHECK(mmdreg_group_tag_parse("Microsoft365Managed_PowerUser-Shared", 36, &tag) == MMDREG_OK);
  CHECK(tag.kind == MMDREG_TAG_INVALID && strstr(tag.reason, "cannot be shared") != NULL);
  CHECK(mmdreg_group_tag_parse(NULL, 0, &tag) == MMDREG_OK && tag.kind == MMDREG_TAG_EMPTY);
  CHECK(mmdreg_group_tag_parse("Sales", 5, &tag) == MMDREG_OK && tag.kind == MMDREG_TAG_FOREIGN);

  /* Misuse is refused with a message. */
  CHECK(mmdreg_group_tag_parse(NULL, 3, &tag) == MMDREG_EINVAL);
  CHECK(strstr(mmdreg_last_error(), "NULL") != NULL);
  CHECK(mmdreg_group_tag_parse("x", 1, NULL) == MMDREG_EINVAL);

  CHECK(mmdreg_group_tag_format(MMDREG_PROFILE_SENSITIVE_DATA, 1, &formatted) == MMDREG_OK);
  CHECK_STR(formatted, "Microsoft365Managed_SensitiveData-Shared");
  CHECK_STR(mmdreg_last_error(), "");
  formatted = NULL;
  CHECK(mmdreg_group_tag_format(MMDREG_PROFILE_POWER_USER, 1, &formatted) == MMDREG_EINVAL);
  CHECK(formatted == NULL);
  CHECK(strstr(mmdreg_last_error(), "Power user") != NULL);
  CHECK(mmdreg_group_tag_format((mmdreg_profile)7, 0, &formatted) == MMDREG_EINVAL);
  CHECK(mmdreg_group_tag_format(MMDREG_PROFILE_KIOSK, 0, NULL) == MMDREG_EINVAL);
}

static void names_of_things(void) {
  const char* name = NULL;
  int code = -1;
  CHECK_STR(mmdreg_profile_name(MMDREG_PROFILE_SENSITIVE_DATA), "Sensitive data");
  CHECK(mmdreg_profile_name((mmdreg_profile)-1) == NULL);
  CHECK_STR(mmdreg_deployment_profile_name(MMDREG_PROFILE_POWER_USER, 0),
            "Modern Workplace Autopilot Profile Power User");
  CHECK_STR(mmdreg_deployment_profile_name(MMDREG_PROFILE_STANDARD, 1),
            "Modern Workplace Autopilot Profile Shared");
  CHECK(mmdreg_deployment_profile_name((mmdreg_profile)4, 0) == NULL);
  CHECK_STR(mmdreg_device_name_template(MMDREG_PROFILE_KIOSK), "Kiosk-%RAND:9%");
  CHECK(mmdreg_device_name_template((mmdreg_profile)4) == NULL);
  CHECK_STR(mmdreg_ring_name(MMDREG_RING_FAST), "Fast");
  CHECK(mmdreg_ring_name((mmdreg_ring)4) == NULL);
  CHECK_STR(mmdreg_ring_group(MMDREG_RING_BROAD), "Modern Workplace Devices-Broad");
  CHECK(mmdreg_ring_group((mmdreg_ring)-1) == NULL);
  CHECK_STR(mmdreg_profile_group(MMDREG_PROFILE_KIOSK), "Modern Workplace Devices - Kiosk");
  CHECK(mmdreg_profile_group((mmdreg_profile)9) == NULL);
  CHECK_STR(mmdreg_all_devices_group(), "Modern Workplace Devices-All");
  CHECK_STR(mmdreg_shared_device_mode_group(), "Modern Workplace Devices - Shared Device Mode");
  CHECK_STR(mmdreg_state_name(MMDREG_STATE_READY_FOR_USER), "Ready for user");
  CHECK(mmdreg_state_name((mmdreg_state)5) == NULL);
  CHECK_STR(mmdreg_registration_error_message(MMDREG_ERROR_DEVICE_CLAIMED_BY_ANOTHER_ORGANIZATION),
            "Device claimed by another organization");
  CHECK(mmdreg_registration_error_message((mmdreg_registration_error)5) == NULL);
  CHECK(mmdreg_registration_error_autopilot(MMDREG_ERROR_HARDWARE_HASH_NOT_VALID, &name, &code) ==
        MMDREG_OK);
  CHECK_STR(name, "InvalidZtdHardwareHash");
  CHECK(code == 802);
  CHECK(mmdreg_registration_error_autopilot(MMDREG_ERROR_DEVICE_NOT_FOUND, &name, &code) ==
        MMDREG_OK);
  CHECK_STR(name, "");
  CHECK(code == 0);
  CHECK(mmdreg_registration_error_autopilot((mmdreg_registration_error)9, &name, &code) ==
        MMDREG_EINVAL);
  CHECK(mmdreg_registration_error_autopilot(MMDREG_ERROR_UNEXPECTED, NULL, &code) == MMDREG_EINVAL);
  CHECK(mmdreg_registration_error_autopilot(MMDREG_ERROR_UNEXPECTED, &name, NULL) == MMDREG_EINVAL);
}

static void rules(void) {
  CHECK_STR(mmdreg_rule_id(1), "encoding-utf16");
  CHECK_STR(mmdreg_rule_id(31), "partner-identity");
  CHECK(mmdreg_rule_id(0) == NULL && mmdreg_rule_id(32) == NULL);
  CHECK(mmdreg_rule_severity(20) == 0); /* hash-checksum: error */
  CHECK(mmdreg_rule_severity(11) == 1); /* blank-line: warning */
  CHECK(mmdreg_rule_severity(99) == -1);
  CHECK(mmdreg_rule_from_id("hash-checksum", 13) == 20);
  CHECK(mmdreg_rule_from_id("hash-checksum-and-more", 13) == 20);
  CHECK(mmdreg_rule_from_id("Hash-Checksum", 13) == 0);
  CHECK(mmdreg_rule_from_id(NULL, 4) == 0);
}

static int all_digits(const char* s, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

static void generated_values(void) {
  mmdreg_random* a = NULL;
  mmdreg_random* b = NULL;
  mmdreg_random* system = NULL;
  char name_a[16];
  char name_b[16];
  char small[8];
  char id[37];
  size_t length = 0;

  CHECK(mmdreg_random_create_seeded(42, &a) == MMDREG_OK && a != NULL);
  CHECK(mmdreg_random_create_seeded(42, &b) == MMDREG_OK && b != NULL);
  CHECK(mmdreg_random_create_system(&system) == MMDREG_OK && system != NULL);
  CHECK(mmdreg_random_create_seeded(1, NULL) == MMDREG_EINVAL);
  CHECK(mmdreg_random_create_system(NULL) == MMDREG_EINVAL);

  /* A too-small buffer reports the size needed and consumes nothing. */
  CHECK(mmdreg_device_name_generate(a, MMDREG_PROFILE_STANDARD, small, sizeof small, &length) ==
        MMDREG_EBUFFER);
  CHECK(length == 15);
  CHECK(mmdreg_device_name_generate(a, MMDREG_PROFILE_STANDARD, NULL, 0, &length) ==
        MMDREG_EBUFFER);
  CHECK(mmdreg_device_name_generate(a, MMDREG_PROFILE_STANDARD, name_a, sizeof name_a, &length) ==
        MMDREG_OK);
  CHECK(mmdreg_device_name_generate(b, MMDREG_PROFILE_STANDARD, name_b, sizeof name_b, &length) ==
        MMDREG_OK);
  CHECK(length == 15 && strlen(name_a) == 15);
  CHECK(strcmp(name_a, name_b) == 0); /* same seed, same first name */
  CHECK(strncmp(name_a, "MMD-", 4) == 0 && all_digits(name_a + 4, 11));
  CHECK(mmdreg_device_name_follows_template(name_a, 15, MMDREG_PROFILE_STANDARD) == 1);
  CHECK(mmdreg_device_name_follows_template(name_a, 15, MMDREG_PROFILE_KIOSK) == 0);
  CHECK(mmdreg_device_name_follows_template(name_a, 14, MMDREG_PROFILE_STANDARD) == 0);
  CHECK(mmdreg_device_name_follows_template(NULL, 15, MMDREG_PROFILE_STANDARD) == 0);
  CHECK(mmdreg_device_name_follows_template(name_a, 15, (mmdreg_profile)8) == 0);

  CHECK(mmdreg_device_name_generate(system, MMDREG_PROFILE_KIOSK, name_a, sizeof name_a, &length) ==
        MMDREG_OK);
  CHECK(strncmp(name_a, "Kiosk-", 6) == 0 && all_digits(name_a + 6, 9));
  CHECK(mmdreg_device_name_generate(NULL, MMDREG_PROFILE_KIOSK, name_a, sizeof name_a, &length) ==
        MMDREG_EINVAL);
  CHECK(mmdreg_device_name_generate(a, (mmdreg_profile)5, name_a, sizeof name_a, &length) ==
        MMDREG_EINVAL);
  CHECK(mmdreg_device_name_generate(a, MMDREG_PROFILE_KIOSK, name_a, sizeof name_a, NULL) ==
        MMDREG_EINVAL);

  CHECK(mmdreg_request_id_generate(a, id, sizeof id, &length) == MMDREG_OK);
  CHECK(length == 36 && strlen(id) == 36 && id[8] == '-' && id[14] == '4');
  CHECK(mmdreg_request_id_generate(a, id, 36, &length) == MMDREG_EBUFFER && length == 36);
  CHECK(mmdreg_request_id_generate(NULL, id, sizeof id, &length) == MMDREG_EINVAL);

  mmdreg_random_free(a);
  mmdreg_random_free(b);
  mmdreg_random_free_and_clear(&system);
  CHECK(system == NULL);
  mmdreg_random_free_and_clear(&system);
  mmdreg_random_free_and_clear(NULL);
  mmdreg_random_free(NULL); /* accepted */
}

int main(void) {
  versions_and_status_names();
  group_tags();
  names_of_things();
  rules();
  generated_values();
  return check_report();
}
