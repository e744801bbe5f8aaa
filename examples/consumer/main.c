/* Built as strict C11 against an installed libmmdreg_c by the installation test. */
#include <mmdreg.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  static const char upload[] =
      "Device Serial Number,Windows Product ID,Hardware Hash\r\n"
      "SN-1,,not-a-hash\r\n";
  mmdreg_group_tag parsed;
  const char* tag = NULL;
  const char* profile = NULL;
  mmdreg_report* report = NULL;
  uint64_t rejected = 0;

  /* The header and the library it is linked with belong to the same release. */
  if (mmdreg_abi_version() != MMDREG_C_ABI_VERSION ||
      mmdreg_version_number() != MMDREG_VERSION_NUMBER ||
      strcmp(mmdreg_version(), MMDREG_VERSION_STRING) != 0) {
    fprintf(stderr, "header %s, library %s\n", MMDREG_VERSION_STRING, mmdreg_version());
    return 1;
  }
  if (mmdreg_group_tag_format(MMDREG_PROFILE_KIOSK, 1, &tag) != MMDREG_OK ||
      mmdreg_group_tag_parse(tag, strlen(tag), &parsed) != MMDREG_OK ||
      parsed.kind != MMDREG_TAG_MMD) {
    fprintf(stderr, "group tag: %s\n", mmdreg_last_error());
    return 1;
  }
  profile = mmdreg_deployment_profile_name(parsed.profile, parsed.shared);
  if (mmdreg_validate_buffer(upload, sizeof upload - 1, NULL, &report) != MMDREG_OK ||
      mmdreg_report_rejected(report, &rejected) != MMDREG_OK) {
    fprintf(stderr, "validate: %s\n", mmdreg_last_error());
    mmdreg_report_free(report);
    return 1;
  }
  mmdreg_report_free(report);
  printf("mmdreg_c %s %s %s rejected=%u\n", mmdreg_version(), tag, profile ? profile : "(none)",
         (unsigned)rejected);
  return rejected == 1 ? 0 : 1;
}
