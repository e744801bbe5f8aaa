/* The C ABI's vocabulary, versions and error conventions, exercised from C. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mmdreg.h"

static void versions_and_status_names(void) {
  CHECK(mmdreg_version() != NULL && strlen(mmdreg_version()) >= 5);
  CHECK(mmdreg_version_number() >= 100);
  CHECK(mmdreg_abi_version() == MMDREG_C_ABI_VERSION);
  /* The header's release macros are those of the library it ships with. */
  CHECK(MMDREG_VERSION_NUMBER ==
        MMDREG_VERSION_MAJOR * 10000 + MMDREG_VERSION_MINOR * 100 + MMDREG_VERSION_PATCH);
  CHECK(mmdreg_version_number() == MMDREG_VERSION_NUMBER);
  CHECK_STR(mmdreg_version(), MMDREG_VERSION_STRING);
  {
    char spelled[32];
    snprintf(spelled, sizeof spelled, "%d.%d.%d", MMDREG_VERSION_MAJOR, MMDREG_VERSION_MINOR,
             MMDREG_VERSION_PATCH);
    CHECK_STR(MMDREG_VERSION_STRING, spelled);
  }
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
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_group_tag_parse",
                "tag is NULL with a non-zero length");
  CHECK(mmdreg_group_tag_parse("x", 1, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_group_tag_parse", "out is NULL");

  CHECK(mmdreg_group_tag_format(MMDREG_PROFILE_SENSITIVE_DATA, 1, &formatted) == MMDREG_OK);
  CHECK_STR(formatted, "Microsoft365Managed_SensitiveData-Shared");
  CHECK_STR(mmdreg_last_error(), "");
  formatted = NULL;
  CHECK(mmdreg_group_tag_format(MMDREG_PROFILE_POWER_USER, 1, &formatted) == MMDREG_EINVAL);
  CHECK(formatted == NULL);
  CHECK(strstr(mmdreg_last_error(), "Power user") != NULL);
  CHECK(mmdreg_group_tag_format((mmdreg_profile)7, 0, &formatted) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_group_tag_format", "unknown profile 7");
  CHECK(mmdreg_group_tag_format((mmdreg_profile)-1, 0, &formatted) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_group_tag_format", "unknown profile -1");
  CHECK(mmdreg_group_tag_format((mmdreg_profile)INT_MIN, 0, &formatted) == MMDREG_EINVAL);
  CHECK(mmdreg_group_tag_format(MMDREG_PROFILE_KIOSK, 0, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_group_tag_format", "tag is NULL");
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
  CHECK(mmdreg_deployment_profile_name((mmdreg_profile)-1, 0) == NULL);
  /* Power user has no shared variant: no deployment profile either. */
  CHECK(mmdreg_deployment_profile_name(MMDREG_PROFILE_POWER_USER, 1) == NULL);
  CHECK_STR(mmdreg_deployment_profile_name(MMDREG_PROFILE_KIOSK, 1),
            "Modern Workplace Autopilot Profile Shared");
  CHECK_STR(mmdreg_device_name_template(MMDREG_PROFILE_KIOSK), "Kiosk-%RAND:9%");
  CHECK(mmdreg_device_name_template((mmdreg_profile)4) == NULL);
  CHECK(mmdreg_device_name_template((mmdreg_profile)-2) == NULL);
  CHECK_STR(mmdreg_ring_name(MMDREG_RING_FAST), "Fast");
  CHECK(mmdreg_ring_name((mmdreg_ring)4) == NULL);
  CHECK(mmdreg_ring_name((mmdreg_ring)-1) == NULL);
  CHECK(mmdreg_ring_name((mmdreg_ring)INT_MIN) == NULL);
  CHECK_STR(mmdreg_ring_group(MMDREG_RING_BROAD), "Modern Workplace Devices-Broad");
  CHECK(mmdreg_ring_group((mmdreg_ring)-1) == NULL);
  CHECK_STR(mmdreg_profile_group(MMDREG_PROFILE_KIOSK), "Modern Workplace Devices - Kiosk");
  CHECK(mmdreg_profile_group((mmdreg_profile)9) == NULL);
  CHECK(mmdreg_profile_group((mmdreg_profile)-1) == NULL);
  CHECK_STR(mmdreg_all_devices_group(), "Modern Workplace Devices-All");
  CHECK_STR(mmdreg_shared_device_mode_group(), "Modern Workplace Devices - Shared Device Mode");
  CHECK_STR(mmdreg_state_name(MMDREG_STATE_READY_FOR_USER), "Ready for user");
  CHECK(mmdreg_state_name((mmdreg_state)5) == NULL);
  CHECK(mmdreg_state_name((mmdreg_state)-1) == NULL);
  CHECK_STR(mmdreg_registration_error_message(MMDREG_ERROR_DEVICE_CLAIMED_BY_ANOTHER_ORGANIZATION),
            "Device claimed by another organization");
  CHECK(mmdreg_registration_error_message((mmdreg_registration_error)5) == NULL);
  CHECK(mmdreg_registration_error_message((mmdreg_registration_error)-1) == NULL);
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
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registration_error_autopilot", "unknown error 9");
  CHECK(mmdreg_registration_error_autopilot((mmdreg_registration_error)-4, &name, &code) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registration_error_autopilot", "unknown error -4");
  CHECK(mmdreg_registration_error_autopilot(MMDREG_ERROR_UNEXPECTED, NULL, &code) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registration_error_autopilot", "name is NULL");
  CHECK(mmdreg_registration_error_autopilot(MMDREG_ERROR_UNEXPECTED, &name, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registration_error_autopilot", "code is NULL");
}

static void rules(void) {
  CHECK_STR(mmdreg_rule_id(1), "encoding-utf16");
  CHECK_STR(mmdreg_rule_id(31), "partner-identity");
  CHECK(mmdreg_rule_id(0) == NULL && mmdreg_rule_id(32) == NULL);
  CHECK(mmdreg_rule_severity(20) == 0); /* hash-checksum: error */
  CHECK(mmdreg_rule_severity(11) == 1); /* blank-line: warning */
  CHECK(mmdreg_rule_severity(99) == -1);
  CHECK(mmdreg_rule_severity(-1) == -1 && mmdreg_rule_id(-1) == NULL);
}

static void rule_ids(void) {
  int rule = -1;
  CHECK(mmdreg_rule_from_id("hash-checksum", 13, &rule) == MMDREG_OK && rule == 20);
  CHECK_STR(mmdreg_last_error(), "");
  rule = -1;
  CHECK(mmdreg_rule_from_id("hash-checksum-and-more", 13, &rule) == MMDREG_OK && rule == 20);

  /* An unknown id is "not found", and the out parameter is left alone. */
  rule = -1;
  CHECK(mmdreg_rule_from_id("Hash-Checksum", 13, &rule) == MMDREG_ENOTFOUND && rule == -1);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_rule_from_id", "Hash-Checksum");
  CHECK(mmdreg_rule_from_id(NULL, 0, &rule) == MMDREG_ENOTFOUND && rule == -1);
  /* NULL with a length is a misuse, not an unknown id. */
  CHECK(mmdreg_rule_from_id(NULL, 4, &rule) == MMDREG_EINVAL && rule == -1);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_rule_from_id", "id is NULL with a non-zero length");
  CHECK(mmdreg_rule_from_id("hash-checksum", 13, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_rule_from_id", "rule is NULL");
}

/* mmdreg_last_error(): set by every call returning a status, left alone by the others. */
static void thread_last_error(void) {
  mmdreg_group_tag tag;
  mmdreg_random* random = NULL;
  const char* failure = "mmdreg_group_tag_parse: tag is NULL with a non-zero length";

  CHECK(mmdreg_group_tag_parse(NULL, 1, &tag) == MMDREG_EINVAL);
  CHECK_STR(mmdreg_last_error(), failure);
  /* Calls that return no status can be made while reporting it. */
  CHECK(mmdreg_status_name(MMDREG_EINVAL) != NULL);
  CHECK(mmdreg_version() != NULL && mmdreg_version_number() > 0 && mmdreg_abi_version() == 1);
  CHECK(mmdreg_profile_name(MMDREG_PROFILE_KIOSK) != NULL);
  CHECK(mmdreg_profile_name((mmdreg_profile)99) == NULL);
  CHECK(mmdreg_deployment_profile_name(MMDREG_PROFILE_KIOSK, 0) != NULL);
  CHECK(mmdreg_device_name_template(MMDREG_PROFILE_KIOSK) != NULL);
  CHECK(mmdreg_ring_name(MMDREG_RING_TEST) != NULL && mmdreg_ring_group(MMDREG_RING_TEST) != NULL);
  CHECK(mmdreg_profile_group(MMDREG_PROFILE_KIOSK) != NULL);
  CHECK(mmdreg_all_devices_group() != NULL && mmdreg_shared_device_mode_group() != NULL);
  CHECK(mmdreg_state_name(MMDREG_STATE_ACTIVE) != NULL);
  CHECK(mmdreg_registration_error_message(MMDREG_ERROR_UNEXPECTED) != NULL);
  CHECK(mmdreg_rule_id(1) != NULL && mmdreg_rule_severity(1) == 0);
  CHECK(mmdreg_encoding_name(MMDREG_ENCODING_ASCII) != NULL);
  CHECK_STR(mmdreg_random_last_error(NULL), "");
  CHECK_STR(mmdreg_registry_last_error(NULL), "");
  mmdreg_random_free(NULL);
  mmdreg_random_free_and_clear(&random);
  CHECK_STR(mmdreg_last_error(), failure);
  /* A successful call that returns a status clears it. */
  CHECK(mmdreg_group_tag_parse("Sales", 5, &tag) == MMDREG_OK);
  CHECK_STR(mmdreg_last_error(), "");
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
  int follows = -1;

  CHECK(mmdreg_random_create_seeded(42, &a) == MMDREG_OK && a != NULL);
  CHECK(mmdreg_random_create_seeded(42, &b) == MMDREG_OK && b != NULL);
  CHECK(mmdreg_random_create_system(&system) == MMDREG_OK && system != NULL);
  CHECK(mmdreg_random_create_seeded(1, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_random_create_seeded", "out is NULL");
  CHECK(mmdreg_random_create_system(NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_random_create_system", "out is NULL");
  CHECK_STR(mmdreg_random_last_error(a), "");

  /* A too-small buffer reports the size needed and consumes nothing. */
  CHECK(mmdreg_device_name_generate(a, MMDREG_PROFILE_STANDARD, small, sizeof small, &length) ==
        MMDREG_EBUFFER);
  CHECK(length == 15);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_device_name_generate", "16 are needed");
  /* The source keeps the message of its last failure, whatever other calls do meanwhile. */
  CHECK_MESSAGE(mmdreg_random_last_error(a), "mmdreg_device_name_generate", "16 are needed");
  CHECK_STR(mmdreg_random_last_error(b), "");
  CHECK(mmdreg_rule_id(1) != NULL);
  {
    mmdreg_group_tag tag;
    CHECK(mmdreg_group_tag_parse("Sales", 5, &tag) == MMDREG_OK);
  }
  CHECK_STR(mmdreg_last_error(), "");
  CHECK_MESSAGE(mmdreg_random_last_error(a), "mmdreg_device_name_generate", "16 are needed");
  CHECK(mmdreg_device_name_generate(a, MMDREG_PROFILE_STANDARD, NULL, 0, &length) ==
        MMDREG_EBUFFER);
  CHECK(mmdreg_device_name_generate(a, MMDREG_PROFILE_STANDARD, name_a, sizeof name_a, &length) ==
        MMDREG_OK);
  CHECK(mmdreg_device_name_generate(b, MMDREG_PROFILE_STANDARD, name_b, sizeof name_b, &length) ==
        MMDREG_OK);
  CHECK_STR(mmdreg_random_last_error(a), ""); /* a success on the handle clears it */
  CHECK(length == 15 && strlen(name_a) == 15);
  CHECK(strcmp(name_a, name_b) == 0); /* same seed, same first name */
  CHECK(strncmp(name_a, "MMD-", 4) == 0 && all_digits(name_a + 4, 11));
  follows = -1;
  CHECK(mmdreg_device_name_follows_template(name_a, 15, MMDREG_PROFILE_STANDARD, &follows) ==
        MMDREG_OK);
  CHECK(follows == 1);
  CHECK(mmdreg_device_name_follows_template(name_a, 15, MMDREG_PROFILE_KIOSK, &follows) ==
        MMDREG_OK);
  CHECK(follows == 0);
  follows = -1;
  CHECK(mmdreg_device_name_follows_template(name_a, 14, MMDREG_PROFILE_STANDARD, &follows) ==
        MMDREG_OK);
  CHECK(follows == 0);
  follows = -1;
  CHECK(mmdreg_device_name_follows_template(NULL, 0, MMDREG_PROFILE_STANDARD, &follows) ==
        MMDREG_OK);
  CHECK(follows == 0);
  /* Misuse is an error now, not a silent "does not follow". */
  follows = -1;
  CHECK(mmdreg_device_name_follows_template(NULL, 15, MMDREG_PROFILE_STANDARD, &follows) ==
        MMDREG_EINVAL);
  CHECK(follows == -1);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_device_name_follows_template",
                "name is NULL with a non-zero length");
  CHECK(mmdreg_device_name_follows_template(name_a, 15, (mmdreg_profile)8, &follows) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_device_name_follows_template", "unknown profile 8");
  CHECK(mmdreg_device_name_follows_template(name_a, 15, (mmdreg_profile)-1, &follows) ==
        MMDREG_EINVAL);
  CHECK(follows == -1);
  CHECK(mmdreg_device_name_follows_template(name_a, 15, MMDREG_PROFILE_STANDARD, NULL) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_device_name_follows_template", "follows is NULL");

  CHECK(mmdreg_device_name_generate(system, MMDREG_PROFILE_KIOSK, name_a, sizeof name_a, &length) ==
        MMDREG_OK);
  CHECK(strncmp(name_a, "Kiosk-", 6) == 0 && all_digits(name_a + 6, 9));
  CHECK(mmdreg_device_name_generate(NULL, MMDREG_PROFILE_KIOSK, name_a, sizeof name_a, &length) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_device_name_generate", "random is NULL");
  CHECK(mmdreg_device_name_generate(a, (mmdreg_profile)5, name_a, sizeof name_a, &length) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_device_name_generate", "unknown profile 5");
  CHECK_MESSAGE(mmdreg_random_last_error(a), "mmdreg_device_name_generate", "unknown profile 5");
  CHECK(mmdreg_device_name_generate(a, (mmdreg_profile)-1, name_a, sizeof name_a, &length) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_random_last_error(a), "mmdreg_device_name_generate", "unknown profile -1");
  CHECK(mmdreg_device_name_generate(a, MMDREG_PROFILE_KIOSK, name_a, sizeof name_a, NULL) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_random_last_error(a), "mmdreg_device_name_generate", "length is NULL");

  CHECK(mmdreg_request_id_generate(a, id, sizeof id, &length) == MMDREG_OK);
  CHECK(length == 36 && strlen(id) == 36 && id[8] == '-' && id[14] == '4');
  CHECK_STR(mmdreg_random_last_error(a), "");
  CHECK(mmdreg_request_id_generate(a, id, 36, &length) == MMDREG_EBUFFER && length == 36);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_request_id_generate", "37 are needed");
  CHECK_MESSAGE(mmdreg_random_last_error(a), "mmdreg_request_id_generate", "37 are needed");
  CHECK(mmdreg_request_id_generate(NULL, id, sizeof id, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_request_id_generate", "random is NULL");

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
  rule_ids();
  thread_last_error();
  generated_values();
  return check_report();
}
