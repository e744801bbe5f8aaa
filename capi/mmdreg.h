/*
 * mmdreg C ABI: validate, repair and register Windows Autopilot / Microsoft Managed Desktop devices
 * from any language that can call C (C#, Go, Rust, PowerShell through P/Invoke, Python ctypes).
 *
 * Conventions (they hold for every function below):
 * - Every function that can fail returns an mmdreg_status; MMDREG_OK is 0. Outputs come through
 *   pointer parameters, which are written only on success.
 * - Strings in are UTF-8 pointer + length; they need not be NUL-terminated. A NULL pointer with
 * length 0 is the empty string; a NULL pointer with a non-zero length is MMDREG_EINVAL.
 * - Strings out are either `const char*` to static storage (stated as "static"), or copied into a
 *   caller buffer: the function writes at most `capacity` bytes including a terminating NUL and
 * stores the full length (without NUL) in `*length`; when the buffer is too small it returns
 *   MMDREG_EBUFFER, writes nothing, and still sets `*length` so the caller can retry.
 * - Handles are opaque typed pointers created by mmdreg_<thing>_create* and released by
 *   mmdreg_<thing>_free, which accepts NULL.
 * - Every enum ends with a *_MAX_ENUM member that is never a valid value: it makes the enum as wide
 * as an int, so any int a caller passes is representable and answered with MMDREG_EINVAL (or NULL).
 * - After a failure, mmdreg_last_error() gives a message for the calling thread.
 * - No C++ exception ever crosses this boundary: an internal failure is MMDREG_EINTERNAL (or
 *   MMDREG_ENOMEM), with the reason in mmdreg_last_error().
 *
 * ABI policy: within one MMDREG_C_ABI_VERSION, functions are only added, never changed or removed,
 * and enum values are never renumbered or reused. The exported symbol list is checked in CI against
 * capi/mmdreg.symbols. A breaking change increments MMDREG_C_ABI_VERSION and the library's
 * SOVERSION.
 */
#ifndef MMDREG_H
#define MMDREG_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(MMDREG_C_BUILDING)
#define MMDREG_API __declspec(dllexport)
#else
#define MMDREG_API __declspec(dllimport)
#endif
#else
#define MMDREG_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the C ABI this header describes (see the ABI policy above). */
#define MMDREG_C_ABI_VERSION 1

/* ------------------------------------------------------------------------------------------------
 * Status codes, versions, errors
 */

typedef enum mmdreg_status {
  MMDREG_OK = 0,
  MMDREG_EINVAL = 1,       /**< an argument is malformed, out of range, or NULL where not allowed */
  MMDREG_ENOTFOUND = 2,    /**< the thing named does not exist */
  MMDREG_EREFUSED = 3,     /**< not allowed in the current state or for this actor */
  MMDREG_EIO = 4,          /**< reading or writing a file failed */
  MMDREG_ECONFLICT = 5,    /**< collides with existing data */
  MMDREG_EUNSUPPORTED = 6, /**< a format or version this build does not handle */
  MMDREG_EINTERNAL = 7,    /**< a bug in mmdreg: mmdreg_last_error() says where */
  MMDREG_ENOMEM = 8,       /**< out of memory */
  MMDREG_EBUFFER = 9,      /**< the caller's buffer is too small: *length holds the size needed */
  MMDREG_ECLOSED = 10,     /**< the handle was closed */
  MMDREG_STATUS_MAX_ENUM = 0x7FFFFFFF
} mmdreg_status;

/** The library's release version, e.g. "0.1.0". Static. */
MMDREG_API const char* mmdreg_version(void);
/** major * 10000 + minor * 100 + patch of the library the program runs with. */
MMDREG_API int mmdreg_version_number(void);
/** The C ABI version the library implements; compare with MMDREG_C_ABI_VERSION. */
MMDREG_API int mmdreg_abi_version(void);
/** "ok", "invalid argument", ... Static; "unknown status" for values outside the enum. */
MMDREG_API const char* mmdreg_status_name(mmdreg_status status);
/**
 * The message of the last failure on the calling thread, or "" when the last call succeeded.
 * Valid until the next mmdreg call on this thread.
 */
MMDREG_API const char* mmdreg_last_error(void);

/* ------------------------------------------------------------------------------------------------
 * Vocabulary: profiles, group tags, rings, groups, states, errors, rules
 * Integer codes are those of the C++ enums and never change.
 */

typedef enum mmdreg_profile {
  MMDREG_PROFILE_STANDARD = 0,
  MMDREG_PROFILE_SENSITIVE_DATA = 1,
  MMDREG_PROFILE_POWER_USER = 2,
  MMDREG_PROFILE_KIOSK = 3,
  MMDREG_PROFILE_MAX_ENUM = 0x7FFFFFFF
} mmdreg_profile;

typedef enum mmdreg_group_tag_kind {
  MMDREG_TAG_EMPTY = 0,
  MMDREG_TAG_MMD = 1,       /**< valid MMD tag */
  MMDREG_TAG_CASE_SLIP = 2, /**< rule group-tag-case; profile/shared name the tag meant */
  MMDREG_TAG_INVALID = 3,   /**< rule group-tag-invalid; reason says why */
  MMDREG_TAG_LEGACY = 4,    /**< rule group-tag-legacy */
  MMDREG_TAG_FOREIGN = 5,   /**< rule group-tag-foreign */
  MMDREG_TAG_MAX_ENUM = 0x7FFFFFFF
} mmdreg_group_tag_kind;

/** The classification of a group tag. `reason` is static, "" unless kind is MMDREG_TAG_INVALID. */
typedef struct mmdreg_group_tag {
  mmdreg_group_tag_kind kind;
  mmdreg_profile profile; /**< meaningful for MMD and CASE_SLIP */
  int shared;             /**< 0 or 1; meaningful for MMD and CASE_SLIP */
  const char* reason;
} mmdreg_group_tag;

/** Classifies `tag` exactly as written. */
MMDREG_API mmdreg_status mmdreg_group_tag_parse(const char* tag, size_t tag_length,
                                                mmdreg_group_tag* out);

/**
 * The tag of a profile, e.g. "Microsoft365Managed_Kiosk-Shared". Static.
 * MMDREG_EINVAL for an unknown profile or for Power user + shared (no such tag).
 */
MMDREG_API mmdreg_status mmdreg_group_tag_format(mmdreg_profile profile, int shared,
                                                 const char** tag);

/** "Standard", "Sensitive data", "Power user", "Kiosk". Static; NULL for an unknown profile. */
MMDREG_API const char* mmdreg_profile_name(mmdreg_profile profile);
/** The Autopilot deployment profile of a device. Static; NULL for an unknown profile. */
MMDREG_API const char* mmdreg_deployment_profile_name(mmdreg_profile profile, int shared);
/** "MMD-%RAND:11%" or "Kiosk-%RAND:9%". Static; NULL for an unknown profile. */
MMDREG_API const char* mmdreg_device_name_template(mmdreg_profile profile);

typedef enum mmdreg_ring {
  MMDREG_RING_TEST = 0,
  MMDREG_RING_FIRST = 1,
  MMDREG_RING_FAST = 2,
  MMDREG_RING_BROAD = 3,
  MMDREG_RING_MAX_ENUM = 0x7FFFFFFF
} mmdreg_ring;

/** "Test", "First", "Fast", "Broad". Static; NULL for an unknown ring. */
MMDREG_API const char* mmdreg_ring_name(mmdreg_ring ring);
/** The ring's Entra group, e.g. "Modern Workplace Devices-First". Static; NULL when unknown. */
MMDREG_API const char* mmdreg_ring_group(mmdreg_ring ring);
/** The profile's Entra group. Static; NULL for an unknown profile. */
MMDREG_API const char* mmdreg_profile_group(mmdreg_profile profile);
/** "Modern Workplace Devices-All". Static. */
MMDREG_API const char* mmdreg_all_devices_group(void);
/** "Modern Workplace Devices - Shared Device Mode". Static. */
MMDREG_API const char* mmdreg_shared_device_mode_group(void);

typedef enum mmdreg_state {
  MMDREG_STATE_PENDING = 0,
  MMDREG_STATE_FAILED = 1,
  MMDREG_STATE_READY_FOR_USER = 2,
  MMDREG_STATE_ACTIVE = 3,
  MMDREG_STATE_INACTIVE = 4,
  MMDREG_STATE_MAX_ENUM = 0x7FFFFFFF
} mmdreg_state;

/** "Registration Pending", ... Static; NULL for an unknown state. */
MMDREG_API const char* mmdreg_state_name(mmdreg_state state);

typedef enum mmdreg_registration_error {
  MMDREG_ERROR_DEVICE_NOT_FOUND = 0,
  MMDREG_ERROR_HARDWARE_HASH_NOT_VALID = 1,
  MMDREG_ERROR_DEVICE_ALREADY_REGISTERED = 2,
  MMDREG_ERROR_DEVICE_CLAIMED_BY_ANOTHER_ORGANIZATION = 3,
  MMDREG_ERROR_UNEXPECTED = 4,
  MMDREG_ERROR_MAX_ENUM = 0x7FFFFFFF
} mmdreg_registration_error;

/** "Device not found", ... Static; NULL for an unknown error. */
MMDREG_API const char* mmdreg_registration_error_message(mmdreg_registration_error error);
/**
 * What Autopilot reports for the same failure: `*name` (static, "" when none) and `*code` (802,
 * 806, 808, or 0). MMDREG_EINVAL for an unknown error.
 */
MMDREG_API mmdreg_status mmdreg_registration_error_autopilot(mmdreg_registration_error error,
                                                             const char** name, int* code);

/** The spec's rule id of a rule code (1 = "encoding-utf16", ...). Static; NULL when unknown. */
MMDREG_API const char* mmdreg_rule_id(int rule);
/** 0 = error, 1 = warning; -1 for an unknown rule. */
MMDREG_API int mmdreg_rule_severity(int rule);
/** The rule code of a rule id, or 0 when there is none. */
MMDREG_API int mmdreg_rule_from_id(const char* id, size_t id_length);

/* ------------------------------------------------------------------------------------------------
 * Random sources and generated values
 */

/** A source of random numbers for names and Request IDs. */
typedef struct mmdreg_random mmdreg_random;

/** A reproducible source: the same seed gives the same names everywhere. */
MMDREG_API mmdreg_status mmdreg_random_create_seeded(uint64_t seed, mmdreg_random** out);
/** A source seeded from the operating system's entropy. */
MMDREG_API mmdreg_status mmdreg_random_create_system(mmdreg_random** out);
/** Releases a random source; NULL is accepted. */
MMDREG_API void mmdreg_random_free(mmdreg_random* random);

/**
 * A fresh device name from the profile's template into `buffer` (see the string-out convention; a
 * name is 15 characters, so 16 bytes always suffice).
 */
MMDREG_API mmdreg_status mmdreg_device_name_generate(mmdreg_random* random, mmdreg_profile profile,
                                                     char* buffer, size_t capacity, size_t* length);
/** 1 when `name` follows the profile's template, 0 otherwise (also for an unknown profile). */
MMDREG_API int mmdreg_device_name_follows_template(const char* name, size_t name_length,
                                                   mmdreg_profile profile);
/** A Request ID (GUID form, 36 characters; 37 bytes suffice), as given with "Unexpected error". */
MMDREG_API mmdreg_status mmdreg_request_id_generate(mmdreg_random* random, char* buffer,
                                                    size_t capacity, size_t* length);

#ifdef __cplusplus
}
#endif

#endif /* MMDREG_H */
