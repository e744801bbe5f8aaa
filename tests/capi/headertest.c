/* Compiled alone as strict C11: the public header must be self-contained C. */
#include "mmdreg.h"

int mmdreg_headertest_status_is_int_sized(void);
int mmdreg_headertest_status_is_int_sized(void) {
  return (int)sizeof(mmdreg_status);
}

/* The initializer macros of the versioned structs are valid strict C11. */
int mmdreg_headertest_initializers(void);
int mmdreg_headertest_initializers(void) {
  const mmdreg_validate_options validate = MMDREG_VALIDATE_OPTIONS_INIT;
  const mmdreg_hash_fields fields = MMDREG_HASH_FIELDS_INIT;
  const mmdreg_registry_options registry = MMDREG_REGISTRY_OPTIONS_INIT;
  const mmdreg_merge_options merge = MMDREG_MERGE_OPTIONS_INIT;
  return (int)(validate.version + fields.version + registry.version + merge.version);
}

/* The release macros work in the preprocessor, as C callers use them for feature checks. */
#if !defined(MMDREG_VERSION_NUMBER) || MMDREG_VERSION_NUMBER != MMDREG_VERSION_MAJOR * 10000 +   \
                                                                    MMDREG_VERSION_MINOR * 100 + \
                                                                    MMDREG_VERSION_PATCH
#error "MMDREG_VERSION_NUMBER is not major * 10000 + minor * 100 + patch"
#endif
