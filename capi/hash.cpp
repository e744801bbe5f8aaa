// Hardware hashes: a reusable decoder handle, its field accessors and readiness, building and
// padding repair.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "guard.hpp"
#include "mmdreg/hash/hardware_hash.hpp"

struct mmdreg_hash {
  mmdreg::hardware_hash decoded;
  bool decoded_any = false;
  std::optional<mmdreg::hash_problem> problem;
  std::vector<mmdreg::readiness_check> readiness;
  mutable std::string last_error;
};

namespace {

using mmdreg::capi::fail;
using mmdreg::capi::guarded;
using mmdreg::capi::guarded_on;
using mmdreg::capi::null_argument;

/// MMDREG_OK when `hash` holds a valid decoded hash; otherwise the failure, recorded.
mmdreg_status require_valid(const char* function, const mmdreg_hash* hash) {
  if (hash == nullptr) return null_argument(function, "hash");
  if (!hash->decoded_any)
    return fail(MMDREG_EREFUSED, std::string(function) + ": no hash was decoded yet");
  if (hash->problem)
    return fail(MMDREG_EREFUSED, std::string(function) + ": the last hash decoded is not valid: " +
                                     hash->problem->message);
  return MMDREG_OK;
}

mmdreg_status absent(const char* function, const char* what) {
  return fail(MMDREG_ENOTFOUND, std::string(function) + ": the hash has no " + what);
}

/// A borrowed view out; fails on a NULL out pointer.
template <class Read>
mmdreg_status text_field(const char* function, const mmdreg_hash* hash, const char** text,
                         size_t* length, Read read) {
  return guarded_on(function, hash, [&](const char*) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    if (text == nullptr) return null_argument(function, "text");
    if (length == nullptr) return null_argument(function, "length");
    const std::string_view value = read(hash->decoded);
    *text = value.data();
    *length = value.size();
    return MMDREG_OK;
  });
}

}  // namespace

extern "C" {

mmdreg_status mmdreg_hash_create(mmdreg_hash** out) {
  return guarded(__func__, [&](const char* function) {
    if (out == nullptr) return null_argument(function, "out");
    *out = new mmdreg_hash{};
    return MMDREG_OK;
  });
}

void mmdreg_hash_free(mmdreg_hash* hash) {
  MMDREG_CAPI_NOTHROW(delete hash);
}

void mmdreg_hash_free_and_clear(mmdreg_hash** hash) {
  mmdreg::capi::free_and_clear(hash);
}

const char* mmdreg_hash_last_error(const mmdreg_hash* hash) {
  return mmdreg::capi::handle_last_error(hash);
}

mmdreg_status mmdreg_hash_decode(mmdreg_hash* hash, const char* text, size_t text_length,
                                 int* valid) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (hash == nullptr) return null_argument(function, "hash");
    std::string_view view;
    if (!mmdreg::capi::text_argument(function, "text", text, text_length, view))
      return MMDREG_EINVAL;
    if (valid == nullptr) return null_argument(function, "valid");
    hash->readiness.clear();
    hash->problem = hash->decoded.decode(view);
    hash->decoded_any = true;
    if (!hash->problem) hash->readiness = mmdreg::check_readiness(hash->decoded);
    *valid = hash->problem ? 0 : 1;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_problem(const mmdreg_hash* hash, int* rule, const char** message,
                                  size_t* message_length, const char** fix, size_t* fix_length) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (hash == nullptr) return null_argument(function, "hash");
    if (rule == nullptr) return null_argument(function, "rule");
    if (!hash->decoded_any)
      return fail(MMDREG_EREFUSED, std::string(function) + ": no hash was decoded yet");
    if (!hash->problem)
      return fail(MMDREG_ENOTFOUND, std::string(function) + ": the last hash decoded is valid");
    *rule = static_cast<int>(hash->problem->rule);
    if (message != nullptr) *message = hash->problem->message.c_str();
    if (message_length != nullptr) *message_length = hash->problem->message.size();
    if (fix != nullptr) *fix = hash->problem->fix.c_str();
    if (fix_length != nullptr) *fix_length = hash->problem->fix.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_serial_number(const mmdreg_hash* hash, const char** text,
                                        size_t* length) {
  return text_field(__func__, hash, text, length,
                    [](const mmdreg::hardware_hash& h) { return h.serial_number(); });
}
mmdreg_status mmdreg_hash_manufacturer(const mmdreg_hash* hash, const char** text, size_t* length) {
  return text_field(__func__, hash, text, length,
                    [](const mmdreg::hardware_hash& h) { return h.manufacturer(); });
}
mmdreg_status mmdreg_hash_model(const mmdreg_hash* hash, const char** text, size_t* length) {
  return text_field(__func__, hash, text, length,
                    [](const mmdreg::hardware_hash& h) { return h.model(); });
}

mmdreg_status mmdreg_hash_tpm_version(const mmdreg_hash* hash, const char** text, size_t* length) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    if (text == nullptr) return null_argument(function, "text");
    if (length == nullptr) return null_argument(function, "length");
    const auto version = hash->decoded.tpm_version();
    if (version.empty()) return absent(function, "TPM version record");
    *text = version.data();
    *length = version.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_smbios_uuid(const mmdreg_hash* hash, char* buffer, size_t capacity,
                                      size_t* length) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    const auto text = hash->decoded.smbios_uuid_text();
    if (text.empty()) return absent(function, "SMBIOS UUID record");
    return mmdreg::capi::copy_out(function, text, buffer, capacity, length);
  });
}

mmdreg_status mmdreg_hash_capture_time(const mmdreg_hash* hash, int64_t* unix_seconds,
                                       int* utc_offset_minutes) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    if (unix_seconds == nullptr) return null_argument(function, "unix_seconds");
    const auto time = hash->decoded.capture_time();
    if (!time) return absent(function, "version record");
    *unix_seconds = time->time_since_epoch().count();
    if (utc_offset_minutes != nullptr)
      *utc_offset_minutes = hash->decoded.utc_offset_minutes().value_or(0);
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_windows(const mmdreg_hash* hash, uint16_t build[4], int* architecture) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    const auto windows = hash->decoded.windows_build();
    const auto arch = hash->decoded.architecture();
    if (!windows || !arch) return absent(function, "version record");
    if (build != nullptr) {
      build[0] = windows->major;
      build[1] = windows->minor;
      build[2] = windows->build;
      build[3] = windows->revision;
    }
    if (architecture != nullptr) *architecture = *arch;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_ram_gb(const mmdreg_hash* hash, uint64_t* gb) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    if (gb == nullptr) return null_argument(function, "gb");
    const auto ram = hash->decoded.ram_gb();
    if (!ram) return absent(function, "memory record");
    *gb = *ram;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_boot_disk(const mmdreg_hash* hash, uint64_t* capacity_gb, int* bus_type) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    if (capacity_gb == nullptr) return null_argument(function, "capacity_gb");
    if (bus_type == nullptr) return null_argument(function, "bus_type");
    const auto disk = hash->decoded.boot_disk();
    if (!disk) return absent(function, "boot disk record");
    *capacity_gb = disk->capacity_gb;
    *bus_type = disk->bus_type;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_tpm_key_digest_matches(const mmdreg_hash* hash, int* matches) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    if (matches == nullptr) return null_argument(function, "matches");
    const auto verdict = hash->decoded.tpm_key_digest_matches();
    if (!verdict) return absent(function, "TPM endorsement key to check against");
    *matches = *verdict ? 1 : 0;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_identity(const mmdreg_hash* hash, uint8_t digest[32]) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    if (digest == nullptr) return null_argument(function, "digest");
    const auto identity = hash->decoded.identity();
    std::copy(identity.digest.begin(), identity.digest.end(), digest);
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_readiness_count(const mmdreg_hash* hash, size_t* count) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    if (count == nullptr) return null_argument(function, "count");
    *count = hash->readiness.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_readiness(const mmdreg_hash* hash, size_t index,
                                    mmdreg_readiness_check* out) {
  return guarded_on(__func__, hash, [&](const char* function) {
    if (const auto status = require_valid(function, hash); status != MMDREG_OK) return status;
    if (out == nullptr) return null_argument(function, "out");
    if (index >= hash->readiness.size())
      return mmdreg::capi::index_past(function, index, hash->readiness.size(), "checks");
    const auto& check = hash->readiness[index];
    out->requirement = check.requirement.data();  // a string literal of the C++ core
    out->requirement_length = check.requirement.size();
    out->verdict = static_cast<mmdreg_verdict>(check.outcome);
    out->detail = check.detail.c_str();
    out->detail_length = check.detail.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_fields_init(mmdreg_hash_fields* fields) {
  return guarded(__func__, [&](const char* function) {
    if (fields == nullptr) return null_argument(function, "fields");
    *fields = mmdreg_hash_fields MMDREG_HASH_FIELDS_INIT;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_hash_build(const mmdreg_hash_fields* fields, char* buffer, size_t capacity,
                                size_t* length) {
  return guarded(__func__, [&](const char* function) {
    if (fields == nullptr) return null_argument(function, "fields");
    if (fields->version != MMDREG_HASH_FIELDS_VERSION)
      return fail(MMDREG_EUNSUPPORTED, std::string(function) + ": fields version " +
                                           std::to_string(fields->version) + " is not supported (" +
                                           std::to_string(MMDREG_HASH_FIELDS_VERSION) + " is)");
    std::string_view serial, manufacturer, model;
    if (!mmdreg::capi::text_argument(function, "serial_number", fields->serial_number,
                                     fields->serial_number_length, serial) ||
        !mmdreg::capi::text_argument(function, "manufacturer", fields->manufacturer,
                                     fields->manufacturer_length, manufacturer) ||
        !mmdreg::capi::text_argument(function, "model", fields->model, fields->model_length, model))
      return MMDREG_EINVAL;
    mmdreg_status status = MMDREG_OK;
    if (!mmdreg::capi::has_room(function, mmdreg::hash_text_length, buffer, capacity, length,
                                status))
      return status;
    mmdreg::hash_fields converted;
    converted.serial_number = serial;
    converted.manufacturer = manufacturer;
    converted.model = model;
    std::copy(std::begin(fields->smbios_uuid), std::end(fields->smbios_uuid),
              converted.smbios_uuid.begin());
    converted.capture_time = std::chrono::sys_seconds{std::chrono::seconds{fields->capture_time}};
    converted.windows = {fields->windows[0], fields->windows[1], fields->windows[2],
                         fields->windows[3]};
    converted.architecture = fields->architecture;
    converted.ram_gb = fields->ram_gb;
    if (fields->has_boot_disk != 0)
      converted.disk = mmdreg::boot_disk{fields->boot_disk_capacity_gb, fields->boot_disk_bus_type};
    else
      converted.disk.reset();
    if (fields->tpm_endorsement_key != nullptr) {
      std::array<std::uint8_t, 256> key{};
      std::copy(fields->tpm_endorsement_key, fields->tpm_endorsement_key + key.size(), key.begin());
      converted.tpm_endorsement_key = key;
    }
    const auto built = mmdreg::build_hash(converted);
    if (!built.ok()) return fail(built.err());
    return mmdreg::capi::copy_out(function, built.value(), buffer, capacity, length);
  });
}

mmdreg_status mmdreg_hash_repair_padding(const char* text, size_t text_length, char* buffer,
                                         size_t capacity, size_t* length) {
  return guarded(__func__, [&](const char* function) {
    std::string_view view;
    if (!mmdreg::capi::text_argument(function, "text", text, text_length, view))
      return MMDREG_EINVAL;
    if (length == nullptr) return null_argument(function, "length");
    const auto repaired = mmdreg::repair_padding(view);
    if (!repaired)
      return fail(MMDREG_ENOTFOUND,
                  std::string(function) + ": no padding repair applies to this hash");
    return mmdreg::capi::copy_out(function, *repaired, buffer, capacity, length);
  });
}

}  // extern "C"
