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
 * - Every function that returns an mmdreg_status sets the calling thread's last error: the message
 *   (naming the function) after a failure, "" after a success. Functions that return anything else
 *   (versions, names, static strings, mmdreg_*_last_error, the *_free functions) leave it as it
 *   is, so they can be called while reporting a failure. See mmdreg_last_error().
 * - A handle that has failing calls keeps its own last error as well (mmdreg_<thing>_last_error):
 *   the message of the last failed call on it, "" after a successful one. Calls on one handle must
 *   not overlap (each records its outcome in the handle); distinct handles are independent.
 * - No C++ exception ever crosses this boundary: an internal failure is MMDREG_EINTERNAL (or
 *   MMDREG_ENOMEM), with the reason in mmdreg_last_error().
 *
 * ABI policy: within one MMDREG_C_ABI_VERSION, functions are only added, never changed or removed,
 * and enum values are never renumbered or reused. The exported symbol list is checked in CI against
 * capi/mmdreg.symbols. A breaking change increments MMDREG_C_ABI_VERSION and the library's
 * SOVERSION. The policy binds from the first release (0.1.0); before it, ABI version 1 was still
 * being shaped and no build of it was published.
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

/*
 * The release this header belongs to; compare with mmdreg_version_number() / mmdreg_version() for
 * the library the program runs with. They equal those of include/mmdreg/version.hpp (the build
 * refuses to configure otherwise) and are spelled the same, so C++ code may include both.
 */
#define MMDREG_VERSION_MAJOR 0
#define MMDREG_VERSION_MINOR 1
#define MMDREG_VERSION_PATCH 0
/** One number that orders releases: major * 10000 + minor * 100 + patch. */
#define MMDREG_VERSION_NUMBER \
  (MMDREG_VERSION_MAJOR * 10000 + MMDREG_VERSION_MINOR * 100 + MMDREG_VERSION_PATCH)
#define MMDREG_VERSION_STRING "0.1.0"

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
 * The message of the last failure on the calling thread, naming the function that failed; "" when
 * the last call that returns an mmdreg_status succeeded. Calls that return no status do not
 * change it. Owned by the library; valid until the next call on this thread that returns an
 * mmdreg_status. Never NULL.
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
/**
 * The Autopilot deployment profile of a device. Static; NULL for an unknown profile and for Power
 * user + shared (no such device exists, as no group tag names it).
 */
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
/**
 * The rule code of a rule id (exact, e.g. "hash-checksum") into `*rule`. MMDREG_ENOTFOUND when no
 * rule has that id; MMDREG_EINVAL for NULL with a non-zero length or a NULL `rule`.
 */
MMDREG_API mmdreg_status mmdreg_rule_from_id(const char* id, size_t id_length, int* rule);

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
/** The double-free-safe form: frees `*random` and sets it to NULL, so a second call does nothing.
 * NULL and a pointer to NULL are accepted. */
MMDREG_API void mmdreg_random_free_and_clear(mmdreg_random** random);
/**
 * The message of the last failed call on this source, or "" after a successful one.
 * Owned by the handle: valid until the next call on it or its free. "" for NULL (static).
 */
MMDREG_API const char* mmdreg_random_last_error(const mmdreg_random* random);

/**
 * A fresh device name from the profile's template into `buffer` (see the string-out convention; a
 * name is 15 characters, so 16 bytes always suffice).
 */
MMDREG_API mmdreg_status mmdreg_device_name_generate(mmdreg_random* random, mmdreg_profile profile,
                                                     char* buffer, size_t capacity, size_t* length);
/**
 * `*follows` = 1 when `name` follows the profile's template, 0 otherwise. MMDREG_EINVAL for an
 * unknown profile, NULL with a non-zero length, or a NULL `follows`.
 */
MMDREG_API mmdreg_status mmdreg_device_name_follows_template(const char* name, size_t name_length,
                                                             mmdreg_profile profile, int* follows);
/** A Request ID (GUID form, 36 characters; 37 bytes suffice), as given with "Unexpected error". */
MMDREG_API mmdreg_status mmdreg_request_id_generate(mmdreg_random* random, char* buffer,
                                                    size_t capacity, size_t* length);

/* ------------------------------------------------------------------------------------------------
 * Validation of an upload (spec section 2.1)
 */

/** The CSV dialects. MMDREG_DIALECT_NONE means "detect from the header" in options, and "no layout
 * could be read" in a report. */
typedef enum mmdreg_dialect {
  MMDREG_DIALECT_NONE = -1,
  MMDREG_DIALECT_AUTOPILOT = 0, /**< Intune import: serial, product id, hash [, tag [, user]] */
  MMDREG_DIALECT_PARTNER_CENTER = 1, /**< Partner Center: serial, product id, hash, manuf., model */
  MMDREG_DIALECT_MMD_SELF = 2,       /**< MMD Devices blade: manufacturer, model, serial, hash */
  MMDREG_DIALECT_MMD_PARTNER = 3,    /**< MMD partner tuple: manufacturer, model, serial */
  MMDREG_DIALECT_MAX_ENUM = 0x7FFFFFFF
} mmdreg_dialect;

/** Where the file goes: decides the row limit of rule too-many-rows. */
typedef enum mmdreg_upload_target {
  MMDREG_TARGET_DIALECT_DEFAULT = 0, /**< the dialect's own limit */
  MMDREG_TARGET_INTUNE = 1,          /**< 500 rows */
  MMDREG_TARGET_PARTNER_CENTER = 2,  /**< 1000 rows */
  MMDREG_TARGET_NONE = 3,            /**< no limit */
  MMDREG_TARGET_MAX_ENUM = 0x7FFFFFFF
} mmdreg_upload_target;

/** How the input's bytes were encoded, as recognised from its first bytes. */
typedef enum mmdreg_encoding {
  MMDREG_ENCODING_ASCII = 0,
  MMDREG_ENCODING_UTF8_BOM = 1,
  MMDREG_ENCODING_UTF16LE = 2,
  MMDREG_ENCODING_UTF16BE = 3,
  MMDREG_ENCODING_MAX_ENUM = 0x7FFFFFFF
} mmdreg_encoding;

typedef enum mmdreg_severity {
  MMDREG_SEVERITY_ERROR = 0,
  MMDREG_SEVERITY_WARNING = 1,
  MMDREG_SEVERITY_MAX_ENUM = 0x7FFFFFFF
} mmdreg_severity;

/** The layout version of mmdreg_validate_options this header describes. */
#define MMDREG_VALIDATE_OPTIONS_VERSION 1

/**
 * What the validator is told about an input. Versioned: set `version` (the INIT macro or
 * mmdreg_validate_options_init() do) so later releases can add fields at the end and still read
 * structs from programs built against this header.
 */
typedef struct mmdreg_validate_options {
  uint32_t version;       /**< MMDREG_VALIDATE_OPTIONS_VERSION */
  mmdreg_dialect dialect; /**< expected dialect, or MMDREG_DIALECT_NONE to detect it */
  mmdreg_upload_target target;
  int detect_duplicates; /**< 1 (default): rules duplicate-device / duplicate-serial */
  unsigned threads;      /**< worker threads for hash decoding; results do not depend on it */
} mmdreg_validate_options;

/** The defaults: detect the dialect, the dialect's row limit, duplicates detected, 1 thread. */
#define MMDREG_VALIDATE_OPTIONS_INIT \
  { MMDREG_VALIDATE_OPTIONS_VERSION, MMDREG_DIALECT_NONE, MMDREG_TARGET_DIALECT_DEFAULT, 1, 1 }

/** Fills `options` with the defaults (same as MMDREG_VALIDATE_OPTIONS_INIT). */
MMDREG_API mmdreg_status mmdreg_validate_options_init(mmdreg_validate_options* options);

/** The result of a validation: counts and every finding. Owned by the caller. */
typedef struct mmdreg_report mmdreg_report;

/**
 * Validates an upload held in memory. `options` may be NULL (the defaults); MMDREG_EUNSUPPORTED
 * for an options version this library does not know, MMDREG_EINVAL for an unknown dialect or
 * target. On success `*out` is a new report the caller releases with mmdreg_report_free. Bad
 * content is never a failure: it is what the report describes.
 */
MMDREG_API mmdreg_status mmdreg_validate_buffer(const char* content, size_t content_length,
                                                const mmdreg_validate_options* options,
                                                mmdreg_report** out);
/**
 * Validates a file (UTF-8 path + length) without holding it whole. MMDREG_EIO when it cannot be
 * opened or read. Otherwise as mmdreg_validate_buffer.
 */
MMDREG_API mmdreg_status mmdreg_validate_file(const char* path, size_t path_length,
                                              const mmdreg_validate_options* options,
                                              mmdreg_report** out);
/** Releases a report and every pointer borrowed from it; NULL is accepted. */
MMDREG_API void mmdreg_report_free(mmdreg_report* report);
/** The double-free-safe form: frees `*report` and sets it to NULL, so a second call does nothing.
 * NULL and a pointer to NULL are accepted. */
MMDREG_API void mmdreg_report_free_and_clear(mmdreg_report** report);
/**
 * The message of the last failed call on this report, or "" after a successful one.
 * Owned by the handle: valid until the next call on it or its free. "" for NULL (static).
 */
MMDREG_API const char* mmdreg_report_last_error(const mmdreg_report* report);

/* Summary accessors: MMDREG_EINVAL for a NULL report or a NULL out pointer. */
/** Data rows (header and blank lines excluded). */
MMDREG_API mmdreg_status mmdreg_report_rows(const mmdreg_report* report, uint64_t* out);
/** Rows without an error finding. */
MMDREG_API mmdreg_status mmdreg_report_accepted(const mmdreg_report* report, uint64_t* out);
/** Rows with at least one error finding. */
MMDREG_API mmdreg_status mmdreg_report_rejected(const mmdreg_report* report, uint64_t* out);
/** Blank lines (ignored). */
MMDREG_API mmdreg_status mmdreg_report_blank_lines(const mmdreg_report* report, uint64_t* out);
/** Findings of severity error, file-level ones included. */
MMDREG_API mmdreg_status mmdreg_report_errors(const mmdreg_report* report, uint64_t* out);
/** Findings of severity warning. */
MMDREG_API mmdreg_status mmdreg_report_warnings(const mmdreg_report* report, uint64_t* out);
/** 1 when a file-level error (encoding, empty file, header, too many rows) rejects the upload. */
MMDREG_API mmdreg_status mmdreg_report_file_rejected(const mmdreg_report* report, int* out);
/**
 * The dialect the rows were read with and its column count; MMDREG_DIALECT_NONE and 0 when there
 * was no header or it matched no layout well enough to read rows. `column_count` may be NULL.
 */
MMDREG_API mmdreg_status mmdreg_report_dialect(const mmdreg_report* report, mmdreg_dialect* out,
                                               int* column_count);
/** The encoding recognised from the first bytes. */
MMDREG_API mmdreg_status mmdreg_report_encoding(const mmdreg_report* report, mmdreg_encoding* out);
/** "ascii", "utf-8-bom", "utf-16le", "utf-16be". Static; NULL for an unknown encoding. */
MMDREG_API const char* mmdreg_encoding_name(mmdreg_encoding encoding);

/**
 * One finding. Strings are borrowed: they point into the report, are NUL-terminated after
 * `*_length` bytes, and stay valid until mmdreg_report_free.
 */
typedef struct mmdreg_finding {
  int rule; /**< rule code: mmdreg_rule_id(rule) gives the spec's id */
  mmdreg_severity severity;
  uint64_t line; /**< 1-based, header = 1; 0 for file-level findings */
  const char* column;
  size_t column_length; /**< "" when the finding concerns no single column */
  const char* message;
  size_t message_length;
  const char* fix;
  size_t fix_length;
} mmdreg_finding;

/** The number of findings, in input order. */
MMDREG_API mmdreg_status mmdreg_report_finding_count(const mmdreg_report* report, size_t* out);
/** Finding `index` (0-based); MMDREG_EINVAL when index >= the count. See mmdreg_finding. */
MMDREG_API mmdreg_status mmdreg_report_finding(const mmdreg_report* report, size_t index,
                                               mmdreg_finding* out);

/* ------------------------------------------------------------------------------------------------
 * Hardware hashes (spec section 3)
 */

/** Length of a hardware hash as base64 text (4000) and decoded (3000). */
#define MMDREG_HASH_TEXT_LENGTH 4000
#define MMDREG_HASH_BYTE_LENGTH 3000

/**
 * A hash decoder and the last hash decoded into it. Create once, decode many hashes into it, free.
 * Every pointer borrowed from it stays valid until the next mmdreg_hash_decode into it or its free.
 */
typedef struct mmdreg_hash mmdreg_hash;

/** A new decoder holding no hash. Release it with mmdreg_hash_free. */
MMDREG_API mmdreg_status mmdreg_hash_create(mmdreg_hash** out);
/** Releases a decoder; NULL is accepted. */
MMDREG_API void mmdreg_hash_free(mmdreg_hash* hash);
/** The double-free-safe form: frees `*hash` and sets it to NULL, so a second call does nothing.
 * NULL and a pointer to NULL are accepted. */
MMDREG_API void mmdreg_hash_free_and_clear(mmdreg_hash** hash);
/**
 * The message of the last failed call on this decoder, or "" after a successful one (an invalid
 * hash decoded is a success: see mmdreg_hash_problem). Owned by the handle: valid until the next
 * call on it or its free. "" for NULL (static).
 */
MMDREG_API const char* mmdreg_hash_last_error(const mmdreg_hash* hash);

/**
 * Decodes `text` (base64, 4000 characters) into `hash`. An invalid hash is not a failure: the
 * function returns MMDREG_OK and sets `*valid` to 0, and mmdreg_hash_problem says why.
 */
MMDREG_API mmdreg_status mmdreg_hash_decode(mmdreg_hash* hash, const char* text, size_t text_length,
                                            int* valid);
/**
 * Why the last decoded hash was rejected: its rule code (hash-base64, hash-length, hash-structure,
 * hash-checksum or hash-missing-field), message and fix, borrowed (NUL-terminated; see
 * mmdreg_hash). `message`/`fix` and their lengths may be NULL when not wanted. MMDREG_ENOTFOUND
 * when the last hash was valid; MMDREG_EREFUSED when nothing was decoded yet.
 */
MMDREG_API mmdreg_status mmdreg_hash_problem(const mmdreg_hash* hash, int* rule,
                                             const char** message, size_t* message_length,
                                             const char** fix, size_t* fix_length);

/* Field accessors. Each returns MMDREG_EREFUSED unless the last decode gave a valid hash, and
 * MMDREG_ENOTFOUND when the hash lacks the record. Borrowed strings are NOT NUL-terminated (they
 * are views into the decoded bytes): use the length. */

/** Serial number, NUL-trimmed; borrowed. Length 0 when absent. */
MMDREG_API mmdreg_status mmdreg_hash_serial_number(const mmdreg_hash* hash, const char** text,
                                                   size_t* length);
/** Manufacturer, NUL-trimmed; borrowed. Length 0 when absent. */
MMDREG_API mmdreg_status mmdreg_hash_manufacturer(const mmdreg_hash* hash, const char** text,
                                                  size_t* length);
/** Model, NUL-trimmed; borrowed. Length 0 when absent. */
MMDREG_API mmdreg_status mmdreg_hash_model(const mmdreg_hash* hash, const char** text,
                                           size_t* length);
/** The SMBIOS UUID as Windows shows it (36 characters; 37 bytes suffice), string-out convention. */
MMDREG_API mmdreg_status mmdreg_hash_smbios_uuid(const mmdreg_hash* hash, char* buffer,
                                                 size_t capacity, size_t* length);
/** Capture time in seconds since 1970-01-01 UTC, and the capturing machine's UTC offset in minutes
 * (`utc_offset_minutes` may be NULL). */
MMDREG_API mmdreg_status mmdreg_hash_capture_time(const mmdreg_hash* hash, int64_t* unix_seconds,
                                                  int* utc_offset_minutes);
/** Windows build (major.minor.build.revision) and architecture byte (0 x86, 9 x64, 12 ARM64);
 * any pointer may be NULL. */
MMDREG_API mmdreg_status mmdreg_hash_windows(const mmdreg_hash* hash, uint16_t build[4],
                                             int* architecture);
/** RAM in GB. */
MMDREG_API mmdreg_status mmdreg_hash_ram_gb(const mmdreg_hash* hash, uint64_t* gb);
/** Boot disk capacity in GB and bus type (17 NVMe, 11 SATA, ...). */
MMDREG_API mmdreg_status mmdreg_hash_boot_disk(const mmdreg_hash* hash, uint64_t* capacity_gb,
                                               int* bus_type);
/** The TPM version ("2.0", ...); borrowed. */
MMDREG_API mmdreg_status mmdreg_hash_tpm_version(const mmdreg_hash* hash, const char** text,
                                                 size_t* length);
/** 1 when record 11's digest equals SHA-256 of the endorsement key, 0 when not; ENOTFOUND when it
 * cannot be checked. */
MMDREG_API mmdreg_status mmdreg_hash_tpm_key_digest_matches(const mmdreg_hash* hash, int* matches);
/** What identifies the device across captures: SHA-256 over manufacturer, serial, SMBIOS UUID. */
MMDREG_API mmdreg_status mmdreg_hash_identity(const mmdreg_hash* hash, uint8_t digest[32]);

typedef enum mmdreg_verdict {
  MMDREG_VERDICT_MET = 0,
  MMDREG_VERDICT_NOT_MET = 1,
  MMDREG_VERDICT_UNKNOWN = 2,
  MMDREG_VERDICT_MAX_ENUM = 0x7FFFFFFF
} mmdreg_verdict;

/** One device requirement (spec section 8) checked against the hash. Strings borrowed (see
 * mmdreg_hash), NUL-terminated. */
typedef struct mmdreg_readiness_check {
  const char* requirement; /**< e.g. "64-bit, not ARM" */
  size_t requirement_length;
  mmdreg_verdict verdict;
  const char* detail; /**< what the hash says, e.g. "8 GB RAM" */
  size_t detail_length;
} mmdreg_readiness_check;

/** The number of readiness checks of the last valid hash. */
MMDREG_API mmdreg_status mmdreg_hash_readiness_count(const mmdreg_hash* hash, size_t* count);
/** Readiness check `index`; MMDREG_EINVAL when index >= the count. */
MMDREG_API mmdreg_status mmdreg_hash_readiness(const mmdreg_hash* hash, size_t index,
                                               mmdreg_readiness_check* out);

/** The layout version of mmdreg_hash_fields this header describes. */
#define MMDREG_HASH_FIELDS_VERSION 1

/** Fields for building a structurally valid hash. Versioned like mmdreg_validate_options. */
typedef struct mmdreg_hash_fields {
  uint32_t version; /**< MMDREG_HASH_FIELDS_VERSION */
  const char* serial_number;
  size_t serial_number_length;
  const char* manufacturer;
  size_t manufacturer_length;
  const char* model;
  size_t model_length;
  uint8_t smbios_uuid[16];
  int64_t capture_time; /**< seconds since 1970-01-01 UTC, from 2000-01-01 on */
  uint16_t windows[4];  /**< major, minor, build, revision */
  uint8_t architecture; /**< 0 x86, 9 x64, 12 ARM64 */
  uint64_t ram_gb;
  int has_boot_disk; /**< 0: no record 6 */
  uint64_t boot_disk_capacity_gb;
  uint16_t boot_disk_bus_type;
  /** NULL, or 256 bytes: then records 13, 25 and a TPM-kind record 11 are written. */
  const uint8_t* tpm_endorsement_key;
} mmdreg_hash_fields;

/** Empty identity fields; Windows 10.0.26100.1, x64, 16 GB, a 512 GB NVMe disk, no TPM key. */
#define MMDREG_HASH_FIELDS_INIT                                                                  \
  {                                                                                              \
    MMDREG_HASH_FIELDS_VERSION, NULL, 0, NULL, 0, NULL, 0, {0}, 946684800, {10, 0, 26100, 1}, 9, \
        16, 1, 512, 17, NULL                                                                     \
  }

/** Fills `fields` with the defaults (same as MMDREG_HASH_FIELDS_INIT). */
MMDREG_API mmdreg_status mmdreg_hash_fields_init(mmdreg_hash_fields* fields);

/**
 * Encodes a valid hash (MMDREG_HASH_TEXT_LENGTH characters) into `buffer` (string-out convention;
 * 4001 bytes suffice). MMDREG_EINVAL when the fields do not fit in 3000 bytes or are malformed.
 */
MMDREG_API mmdreg_status mmdreg_hash_build(const mmdreg_hash_fields* fields, char* buffer,
                                           size_t capacity, size_t* length);

/**
 * The documented padding repair (spec 2.2) of `text` into `buffer` (string-out convention; the
 * repaired text is at most 2 characters longer). MMDREG_ENOTFOUND when no repair is possible or
 * the hash needs none.
 */
MMDREG_API mmdreg_status mmdreg_hash_repair_padding(const char* text, size_t text_length,
                                                    char* buffer, size_t capacity, size_t* length);

/* ------------------------------------------------------------------------------------------------
 * The registry: organizations, partners, registration batches, the clock, the Devices blade,
 * failure and audit exports
 */

/**
 * A registry (the registration engine and its store). Created by mmdreg_registry_create (in
 * memory) or mmdreg_registry_open (a durable SQLite registry file). Close it
 * to release the engine early (every later call on it but mmdreg_registry_last_error and
 * mmdreg_registry_free returns MMDREG_ECLOSED); free it to release the handle itself. A handle is
 * not thread-safe: calls on one handle must not overlap.
 */
typedef struct mmdreg_registry mmdreg_registry;

/** The layout version of mmdreg_registry_options this header describes. */
#define MMDREG_REGISTRY_OPTIONS_VERSION 1

/** How a fresh registry starts. Versioned like mmdreg_validate_options. */
typedef struct mmdreg_registry_options {
  uint32_t version;   /**< MMDREG_REGISTRY_OPTIONS_VERSION */
  uint64_t seed;      /**< every random choice (names, Request IDs, rings) derives from it */
  int64_t start_time; /**< the clock's first reading, seconds since 1970-01-01 UTC */
} mmdreg_registry_options;

/** Seed 0, clock starting at 2025-01-01T00:00:00Z. */
#define MMDREG_REGISTRY_OPTIONS_INIT \
  { MMDREG_REGISTRY_OPTIONS_VERSION, 0, 1735689600 }

/** An in-memory registry; `options` may be NULL (the defaults). Release with mmdreg_registry_free.
 */
MMDREG_API mmdreg_status mmdreg_registry_create(const mmdreg_registry_options* options,
                                                mmdreg_registry** out);
/**
 * Opens (or creates) a durable registry file: every batch, deregistration and clock advance is
 * committed to it atomically before the call returns, and reopening restores the registry exactly.
 * `options` (may be NULL) applies only when the file is new. With `read_only` non-zero, every
 * change fails with MMDREG_EREFUSED. Errors name the file: MMDREG_EUNSUPPORTED for a file that is
 * not a registry or has a newer schema, MMDREG_ENOTFOUND for a missing file opened read-only,
 * MMDREG_EIO when it cannot be opened, MMDREG_ECONFLICT when another process holds the write lock
 * too long. Release with mmdreg_registry_free.
 */
MMDREG_API mmdreg_status mmdreg_registry_open(const char* path, size_t path_length,
                                              const mmdreg_registry_options* options, int read_only,
                                              mmdreg_registry** out);
/** Releases the engine; the handle stays valid (for last_error and free). Closing twice is
 * MMDREG_ECLOSED. */
MMDREG_API mmdreg_status mmdreg_registry_close(mmdreg_registry* registry);
/** Releases the handle (closing it first when open); NULL is accepted. */
MMDREG_API void mmdreg_registry_free(mmdreg_registry* registry);
/** The double-free-safe form: frees `*registry` and sets it to NULL, so a second call does nothing.
 * NULL and a pointer to NULL are accepted. */
MMDREG_API void mmdreg_registry_free_and_clear(mmdreg_registry** registry);
/**
 * The message of the last failed call on this handle (from any thread), or "" after a success.
 * Owned by the handle: valid until the next call on it or its free. "" for NULL (static).
 */
MMDREG_API const char* mmdreg_registry_last_error(const mmdreg_registry* registry);

typedef enum mmdreg_actor_kind {
  MMDREG_ACTOR_TENANT_ADMIN = 0, /**< id: the organization */
  MMDREG_ACTOR_CSP_PARTNER = 1,  /**< id: the partner */
  MMDREG_ACTOR_OEM = 2,          /**< id: the OEM */
  MMDREG_ACTOR_SERVICE = 3,      /**< id: 0 */
  MMDREG_ACTOR_MAX_ENUM = 0x7FFFFFFF
} mmdreg_actor_kind;

/** Who performs an operation. */
typedef struct mmdreg_actor {
  mmdreg_actor_kind kind;
  uint32_t id;
} mmdreg_actor;

typedef enum mmdreg_channel {
  MMDREG_CHANNEL_DEVICES_BLADE = 0, /**< MMD Devices blade upload, manual workflow */
  MMDREG_CHANNEL_AUTOPILOT_BLADE = 1,
  MMDREG_CHANNEL_PARTNER_CENTER = 2,
  MMDREG_CHANNEL_OEM_API = 3,
  MMDREG_CHANNEL_MMD_API = 4,
  MMDREG_CHANNEL_MAX_ENUM = 0x7FFFFFFF
} mmdreg_channel;

/** A new organization (licensed, every profile enabled) named `name`; its id in `*organization`. */
MMDREG_API mmdreg_status mmdreg_registry_add_organization(mmdreg_registry* registry,
                                                          const char* name, size_t name_length,
                                                          uint32_t* organization);
/** A new CSP partner named `name`; its id in `*partner`. */
MMDREG_API mmdreg_status mmdreg_registry_add_partner(mmdreg_registry* registry, const char* name,
                                                     size_t name_length, uint32_t* partner);
/** The organization's admin consents to the partner acting for it. */
MMDREG_API mmdreg_status mmdreg_registry_grant_partner_consent(mmdreg_registry* registry,
                                                               uint32_t organization,
                                                               uint32_t partner);

/** One device of a batch: UTF-8 pointer + length strings (NULL + 0 = empty). */
typedef struct mmdreg_device_input {
  const char* serial_number;
  size_t serial_number_length;
  const char* product_id;
  size_t product_id_length;
  const char* hardware_hash; /**< base64; the registry decodes it */
  size_t hardware_hash_length;
  const char* manufacturer;
  size_t manufacturer_length;
  const char* model;
  size_t model_length;
  const char* group_tag; /**< when set, must be the batch's tag */
  size_t group_tag_length;
  const char* assigned_user;
  size_t assigned_user_length;
  uint32_t line; /**< where it came from (1-based file line); echoed in outcomes and exports */
} mmdreg_device_input;

/** The layout version of mmdreg_registration this header describes. */
#define MMDREG_REGISTRATION_VERSION 1

/** One registration batch: one profile (+ shared), from one actor through one channel. */
typedef struct mmdreg_registration {
  uint32_t version; /**< MMDREG_REGISTRATION_VERSION */
  mmdreg_actor by;
  uint32_t organization;
  mmdreg_channel via;
  mmdreg_profile profile;
  int shared; /**< refused for Power user */
  const char* order_id;
  size_t order_id_length;
  const mmdreg_device_input* devices; /**< `device_count` entries (NULL when 0) */
  size_t device_count;
} mmdreg_registration;

/** What became of one device of a batch. */
typedef struct mmdreg_device_outcome {
  uint32_t line;
  uint32_t device;                 /**< the device row's id; 0 when there is none */
  int failed;                      /**< 1 when the device failed: see error and request_id */
  mmdreg_registration_error error; /**< meaningful when failed */
  char request_id[37];             /**< NUL-terminated; "" unless error is Unexpected error */
} mmdreg_device_outcome;

/**
 * Registers a batch. `outcomes` receives `registration->device_count` entries, in batch order.
 * A refused batch (no consent, profile disabled, Power user shared, ...) is a failure
 * (MMDREG_EREFUSED / MMDREG_EINVAL / MMDREG_ENOTFOUND) with nothing recorded; failed devices of an
 * accepted batch are outcomes, not failures. `*request_number` (may be NULL) numbers the batch for
 * mmdreg_registry_export_failures.
 */
MMDREG_API mmdreg_status mmdreg_registry_register(mmdreg_registry* registry,
                                                  const mmdreg_registration* registration,
                                                  mmdreg_device_outcome* outcomes,
                                                  uint32_t* request_number);
/** What an upload holds. */
typedef enum mmdreg_upload_format {
  /** JSON when the first non-blank byte among the first 64 (UTF-8 byte order mark skipped) is '{'
   * or '[', as the Python package decides; CSV otherwise. */
  MMDREG_UPLOAD_DETECT = 0,
  MMDREG_UPLOAD_CSV = 1,  /**< a CSV upload in any dialect and encoding */
  MMDREG_UPLOAD_JSON = 2, /**< an Autopilot JSON device list */
  MMDREG_UPLOAD_FORMAT_MAX_ENUM = 0x7FFFFFFF
} mmdreg_upload_format;

/** The layout version of mmdreg_upload this header describes. */
#define MMDREG_UPLOAD_VERSION 1

/**
 * An uploaded file to validate and register in one call (mmdreg_registry_register_upload).
 * Versioned like mmdreg_validate_options.
 */
typedef struct mmdreg_upload {
  uint32_t version; /**< MMDREG_UPLOAD_VERSION */
  mmdreg_actor by;
  uint32_t organization;
  mmdreg_channel via;
  const char* content; /**< the file's bytes (need not be NUL-terminated) */
  size_t content_length;
  mmdreg_upload_format format;
  /**
   * 0 (default): `profile` + `shared` make the batch's group tag, as the Devices blade does (spec
   * 6); the rows' own Group Tag values are not submitted, and rows whose tag said otherwise are
   * counted as retagged. 1: the first accepted row with a valid MMD tag decides the profile
   * (Standard when none has one), shared when that tag or `shared` says so; `profile` is ignored
   * and the rows keep their tags, so a file mixing tags is refused (one batch per tag).
   */
  int rows_decide;
  mmdreg_profile profile;
  int shared; /**< refused for Power user */
  const char* order_id;
  size_t order_id_length;
} mmdreg_upload;

/** Tenant admin 0 of organization 0 through the Devices blade (set `by`, `organization` and the
 * content), detected format, the Standard profile chosen, not shared, no order id. */
#define MMDREG_UPLOAD_INIT                                                                        \
  {                                                                                               \
    MMDREG_UPLOAD_VERSION, {MMDREG_ACTOR_TENANT_ADMIN, 0}, 0, MMDREG_CHANNEL_DEVICES_BLADE, NULL, \
        0, MMDREG_UPLOAD_DETECT, 0, MMDREG_PROFILE_STANDARD, 0, NULL, 0                           \
  }

/** Fills `upload` with the defaults (same as MMDREG_UPLOAD_INIT). */
MMDREG_API mmdreg_status mmdreg_upload_init(mmdreg_upload* upload);

/** What became of an upload: the check's findings and counts, and the batch's outcomes. Owned by
 * the caller; independent of the registry once made. Release with mmdreg_upload_result_free. */
typedef struct mmdreg_upload_result mmdreg_upload_result;

/**
 * Validates `upload->content` with the upload rules (as mmdreg_validate_buffer with the default
 * options, or the JSON device list rules) and registers the rows they accept in one batch, with
 * their file lines. Nothing is submitted when the file is rejected whole or no row is accepted:
 * that is a success whose result says so. A refused batch (no consent, profile disabled, Power
 * user shared, rows with two tags when the rows decide, ...) is a failure (MMDREG_EREFUSED /
 * MMDREG_EINVAL / MMDREG_ENOTFOUND) with nothing recorded, as for mmdreg_registry_register; so is
 * a JSON document that is not a device list (MMDREG_EINVAL). MMDREG_EUNSUPPORTED for an unknown
 * `version`. On success `*out` is a new result.
 */
MMDREG_API mmdreg_status mmdreg_registry_register_upload(mmdreg_registry* registry,
                                                         const mmdreg_upload* upload,
                                                         mmdreg_upload_result** out);
/** Releases an upload result and every pointer borrowed from it; NULL is accepted. */
MMDREG_API void mmdreg_upload_result_free(mmdreg_upload_result* result);
/** The double-free-safe form: frees `*result` and sets it to NULL, so a second call does nothing.
 * NULL and a pointer to NULL are accepted. */
MMDREG_API void mmdreg_upload_result_free_and_clear(mmdreg_upload_result** result);
/**
 * The message of the last failed call on this result, or "" after a successful one.
 * Owned by the handle: valid until the next call on it or its free. "" for NULL (static).
 */
MMDREG_API const char* mmdreg_upload_result_last_error(const mmdreg_upload_result* result);

/** `*submitted` = 1 when a batch was registered, 0 when nothing was submitted; `*request_number`
 * (may be NULL) numbers it for mmdreg_registry_export_failures, 0 when nothing was submitted. */
MMDREG_API mmdreg_status mmdreg_upload_result_request(const mmdreg_upload_result* result,
                                                      int* submitted, uint32_t* request_number);
/**
 * Counts (any pointer may be NULL): data rows (list items for JSON) read, rows the upload rules
 * rejected, devices of the batch accepted and failed by the registry, rows retagged (see
 * mmdreg_upload.rows_decide).
 */
MMDREG_API mmdreg_status mmdreg_upload_result_counts(const mmdreg_upload_result* result,
                                                     uint64_t* rows, uint64_t* rejected_rows,
                                                     uint64_t* accepted, uint64_t* failed,
                                                     uint64_t* retagged);
/** 1 when a file-level error (encoding, empty file, header, too many rows) rejected the upload. */
MMDREG_API mmdreg_status mmdreg_upload_result_file_rejected(const mmdreg_upload_result* result,
                                                            int* out);
/** The profile and shared flag (may be NULL) the batch was registered with, or would have been
 * when nothing was submitted. */
MMDREG_API mmdreg_status mmdreg_upload_result_profile(const mmdreg_upload_result* result,
                                                      mmdreg_profile* profile, int* shared);
/** The number of findings of the check, in input order. */
MMDREG_API mmdreg_status mmdreg_upload_result_finding_count(const mmdreg_upload_result* result,
                                                            size_t* count);
/**
 * Finding `index` (0-based), as mmdreg_report_finding gives it; for a JSON list `line` is 0 and
 * `column` the JSON path of the value, e.g. "$[3].groupTag". Strings borrowed from the result,
 * NUL-terminated, valid until its free. MMDREG_EINVAL when index >= the count.
 */
MMDREG_API mmdreg_status mmdreg_upload_result_finding(const mmdreg_upload_result* result,
                                                      size_t index, mmdreg_finding* out);

/** What became of one submitted device. Strings borrowed from the result, NUL-terminated after
 * `*_length` bytes, valid until its free. */
typedef struct mmdreg_upload_device {
  uint32_t line; /**< the file line (CSV) or 1-based list position (JSON) it came from */
  const char* serial_number;
  size_t serial_number_length;
  uint32_t device;                 /**< its Devices-blade id; 0 when there is none */
  int failed;                      /**< 1 when the device failed: see error and request_id */
  mmdreg_registration_error error; /**< meaningful when failed */
  const char* request_id;          /**< "" unless error is Unexpected error */
  size_t request_id_length;
} mmdreg_upload_device;

/** The number of submitted devices (0 when nothing was submitted), in file order. */
MMDREG_API mmdreg_status mmdreg_upload_result_device_count(const mmdreg_upload_result* result,
                                                           size_t* count);
/** Submitted device `index`; MMDREG_EINVAL when index >= the count. */
MMDREG_API mmdreg_status mmdreg_upload_result_device(const mmdreg_upload_result* result,
                                                     size_t index, mmdreg_upload_device* out);

/** A tenant admin of `organization` removes the device. */
MMDREG_API mmdreg_status mmdreg_registry_deregister(mmdreg_registry* registry,
                                                    uint32_t organization, uint32_t device);
/** Advances the clock by `seconds` (> 0 or 0), running every job and workflow step that falls due.
 */
MMDREG_API mmdreg_status mmdreg_registry_advance(mmdreg_registry* registry, int64_t seconds);
/** The clock's reading, seconds since 1970-01-01 UTC. */
MMDREG_API mmdreg_status mmdreg_registry_now(mmdreg_registry* registry, int64_t* unix_seconds);

/** A snapshot of the Devices blade of one organization. Owned by the caller; independent of the
 * registry once made (it survives the registry's close). */
typedef struct mmdreg_devices mmdreg_devices;

/** One row of the Devices blade. Strings borrowed from the snapshot, NUL-terminated, valid until
 * mmdreg_devices_free. */
typedef struct mmdreg_device_row {
  uint32_t id;
  const char* name;
  const char* serial_number;
  const char* manufacturer;
  const char* model;
  const char* group_tag;
  mmdreg_state state;
  mmdreg_profile profile;
  int shared;
  int has_ring; /**< 0 while no ring is assigned */
  mmdreg_ring ring;
  int has_error; /**< 1 when the device carries a registration error */
  mmdreg_registration_error error;
  const char* request_id; /**< "" unless the error is Unexpected error */
  int64_t registered_at;  /**< seconds since 1970-01-01 UTC */
  mmdreg_channel via;
} mmdreg_device_row;

/** The Devices blade of `organization` as its admin sees it; release with mmdreg_devices_free. */
MMDREG_API mmdreg_status mmdreg_registry_devices(mmdreg_registry* registry, uint32_t organization,
                                                 mmdreg_devices** out);
/** The number of rows. */
MMDREG_API mmdreg_status mmdreg_devices_count(const mmdreg_devices* devices, size_t* count);
/** Row `index`; MMDREG_EINVAL when index >= the count. */
MMDREG_API mmdreg_status mmdreg_devices_row(const mmdreg_devices* devices, size_t index,
                                            mmdreg_device_row* out);
/** Releases a snapshot; NULL is accepted. */
MMDREG_API void mmdreg_devices_free(mmdreg_devices* devices);
/** The double-free-safe form: frees `*devices` and sets it to NULL, so a second call does nothing.
 * NULL and a pointer to NULL are accepted. */
MMDREG_API void mmdreg_devices_free_and_clear(mmdreg_devices** devices);
/**
 * The message of the last failed call on this snapshot, or "" after a successful one.
 * Owned by the handle: valid until the next call on it or its free. "" for NULL (static).
 */
MMDREG_API const char* mmdreg_devices_last_error(const mmdreg_devices* devices);

typedef enum mmdreg_export_format {
  MMDREG_EXPORT_CSV = 0,
  MMDREG_EXPORT_JSON = 1,
  MMDREG_EXPORT_FORMAT_MAX_ENUM = 0x7FFFFFFF
} mmdreg_export_format;

/** The failed devices of batch `request_number`, as the blade's download gives them, into
 * `buffer` (string-out convention). */
MMDREG_API mmdreg_status mmdreg_registry_export_failures(mmdreg_registry* registry,
                                                         uint32_t organization,
                                                         uint32_t request_number,
                                                         mmdreg_export_format format, char* buffer,
                                                         size_t capacity, size_t* length);
/** The organization's whole audit trail into `buffer` (string-out convention). */
MMDREG_API mmdreg_status mmdreg_registry_export_audit(mmdreg_registry* registry,
                                                      uint32_t organization,
                                                      mmdreg_export_format format, char* buffer,
                                                      size_t capacity, size_t* length);

/* ------------------------------------------------------------------------------------------------
 * Repair and merge (spec 2.2)
 */

/** A UTF-8 string as pointer + length (NULL + 0 = empty). */
typedef struct mmdreg_text {
  const char* data;
  size_t length;
} mmdreg_text;

/** The layout version of mmdreg_merge_options this header describes. */
#define MMDREG_MERGE_OPTIONS_VERSION 1

/** What a merge produces. Versioned like mmdreg_validate_options. */
typedef struct mmdreg_merge_options {
  uint32_t version;            /**< MMDREG_MERGE_OPTIONS_VERSION */
  mmdreg_dialect dialect;      /**< the output dialect (not MMDREG_DIALECT_NONE) */
  mmdreg_upload_target target; /**< rows per output file: the dialect's limit by default */
  mmdreg_text group_tag;       /**< applied to every row; data NULL = keep the rows' own tags */
  mmdreg_text stem;            /**< output names "<stem>-001.csv", ...; empty = "devices" */
} mmdreg_merge_options;

/** Autopilot output, the dialect's row limit, no tag applied, stem "devices". */
#define MMDREG_MERGE_OPTIONS_INIT                                                          \
  {                                                                                        \
    MMDREG_MERGE_OPTIONS_VERSION, MMDREG_DIALECT_AUTOPILOT, MMDREG_TARGET_DIALECT_DEFAULT, \
        {NULL, 0}, {                                                                       \
      NULL, 0                                                                              \
    }                                                                                      \
  }

/** Fills `options` with the defaults (same as MMDREG_MERGE_OPTIONS_INIT). */
MMDREG_API mmdreg_status mmdreg_merge_options_init(mmdreg_merge_options* options);

/** The outcome of a merge. Owned by the caller; release with mmdreg_merge_report_free. */
typedef struct mmdreg_merge_report mmdreg_merge_report;

/**
 * Reads the files `paths[0..path_count)` (any mix of dialects and encodings), repairs what can be
 * repaired losslessly, removes duplicate devices keeping the latest capture, and writes clean
 * upload files split at the row limit into the directory `out_dir`, made with its parents when
 * missing (each file complete or absent). Every input row ends in exactly one output file or among
 * the dropped rows. MMDREG_EIO when an input cannot be read (the message names it) or an output
 * cannot be written; MMDREG_EINVAL for a refused group tag or a dialect without a tag column given
 * one.
 */
MMDREG_API mmdreg_status mmdreg_merge_files(const mmdreg_text* paths, size_t path_count,
                                            const mmdreg_merge_options* options,
                                            const char* out_dir, size_t out_dir_length,
                                            mmdreg_merge_report** out);
/** Releases a merge report; NULL is accepted. */
MMDREG_API void mmdreg_merge_report_free(mmdreg_merge_report* report);
/** The double-free-safe form: frees `*report` and sets it to NULL, so a second call does nothing.
 * NULL and a pointer to NULL are accepted. */
MMDREG_API void mmdreg_merge_report_free_and_clear(mmdreg_merge_report** report);
/**
 * The message of the last failed call on this merge report, or "" after a successful one.
 * Owned by the handle: valid until the next call on it or its free. "" for NULL (static).
 */
MMDREG_API const char* mmdreg_merge_report_last_error(const mmdreg_merge_report* report);

/** Counts: data rows read, rows written, hashes repaired (any pointer may be NULL). */
MMDREG_API mmdreg_status mmdreg_merge_report_counts(const mmdreg_merge_report* report,
                                                    uint64_t* rows_in, uint64_t* rows_out,
                                                    uint64_t* repaired);
/** The number of output files written. */
MMDREG_API mmdreg_status mmdreg_merge_report_file_count(const mmdreg_merge_report* report,
                                                        size_t* count);
/** The path of output file `index`: borrowed, NUL-terminated, valid until the report's free. */
MMDREG_API mmdreg_status mmdreg_merge_report_file(const mmdreg_merge_report* report, size_t index,
                                                  const char** path, size_t* path_length);

/** An input row that is in no output file, and why. Strings borrowed from the report
 * (NUL-terminated, valid until its free). */
typedef struct mmdreg_merge_drop {
  const char* source; /**< the input path */
  size_t source_length;
  uint64_t line; /**< 0 when the whole source was unreadable */
  int rule;      /**< the rule code that keeps the row out */
  const char* message;
  size_t message_length;
} mmdreg_merge_drop;

/** The number of dropped rows. */
MMDREG_API mmdreg_status mmdreg_merge_report_dropped_count(const mmdreg_merge_report* report,
                                                           size_t* count);
/** Dropped row `index`, in input order; MMDREG_EINVAL when index >= the count. */
MMDREG_API mmdreg_status mmdreg_merge_report_dropped(const mmdreg_merge_report* report,
                                                     size_t index, mmdreg_merge_drop* out);
/** The number of conflicts: two rows with one manufacturer + serial but different devices (both
 * stay in the output for a person to decide). */
MMDREG_API mmdreg_status mmdreg_merge_report_conflict_count(const mmdreg_merge_report* report,
                                                            size_t* count);

#ifdef __cplusplus
}
#endif

#endif /* MMDREG_H */
