// The registry: the engine behind a closable handle with its own last error, batches, the clock,
// the Devices blade snapshot, failure and audit exports.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "findings.hpp"
#include "guard.hpp"
#include "mmdreg/registry/engine.hpp"
#include "mmdreg/registry/intake.hpp"
#include "mmdreg/store/sqlite_storage.hpp"

struct mmdreg_registry {
  // Declared before the engine: the engine commits to it, so it must be destroyed after.
  std::unique_ptr<mmdreg::store::sqlite_storage> store;
  std::unique_ptr<mmdreg::registry::engine> engine;
  std::string last_error;
};

struct mmdreg_devices {
  std::vector<mmdreg::registry::blade_row> rows;
  mutable std::string last_error;
};

struct mmdreg_upload_result {
  /// One submitted device: its outcome and the serial number it was submitted with.
  struct device {
    std::uint32_t line = 0;
    std::string serial_number;
    std::uint32_t id = 0;
    std::optional<mmdreg::registration_failure> failure;
  };
  std::vector<mmdreg::diagnostic> findings;
  std::uint64_t rows = 0;
  std::uint64_t rejected_rows = 0;
  bool file_rejected = false;
  std::optional<std::uint32_t> request;  ///< absent when nothing was submitted
  std::uint64_t accepted = 0;
  std::uint64_t failed = 0;
  std::uint64_t retagged = 0;
  mmdreg::device_profile profile = mmdreg::device_profile::standard;
  bool shared = false;
  std::vector<device> devices;
  mutable std::string last_error;
};

namespace {

namespace reg = mmdreg::registry;
using mmdreg::capi::fail;
using mmdreg::capi::guarded;
using mmdreg::capi::guarded_on;
using mmdreg::capi::null_argument;

/// Runs `body(engine, function)` on the open engine of `registry` under the guard, and keeps the
/// outcome's message as the handle's last error as well as the thread's.
template <class Body>
mmdreg_status with_registry(const char* function, mmdreg_registry* registry, Body&& body) noexcept {
  return guarded_on(function, registry, [&](const char* name) {
    if (registry == nullptr) return null_argument(name, "registry");
    if (!registry->engine)
      return fail(MMDREG_ECLOSED, std::string(name) + ": the registry was closed");
    return body(*registry->engine, name);
  });
}

/// A pointer + length string as std::string; false (error recorded) for NULL with a length.
bool text(const char* function, const char* name, const char* data, size_t length,
          std::string& out) {
  std::string_view view;
  if (!mmdreg::capi::text_argument(function, name, data, length, view)) return false;
  out.assign(view);
  return true;
}

mmdreg_status export_into(const char* function, const std::string& text, char* buffer,
                          size_t capacity, size_t* length) {
  return mmdreg::capi::copy_out(function, text, buffer, capacity, length);
}

mmdreg_status check_format(const char* function, const mmdreg_export_format& format) {
  const int value = mmdreg::capi::enum_value(format);
  if (value != MMDREG_EXPORT_CSV && value != MMDREG_EXPORT_JSON)
    return fail(MMDREG_EINVAL,
                std::string(function) + ": unknown export format " + std::to_string(value));
  return MMDREG_OK;
}

/// The parts of a batch the caller names (who, for whom, through which channel, the order id) and
/// the profile when `check_profile`: MMDREG_OK, or the failure recorded for a value out of range.
mmdreg_status batch_header(const char* function, const mmdreg_actor& by, uint32_t organization,
                           const mmdreg_channel& via, const mmdreg_profile& profile,
                           bool check_profile, const char* order_id, size_t order_id_length,
                           reg::registration_request& request) {
  if (const int value = mmdreg::capi::enum_value(by.kind);
      value < MMDREG_ACTOR_TENANT_ADMIN || value > MMDREG_ACTOR_SERVICE)
    return fail(MMDREG_EINVAL,
                std::string(function) + ": unknown actor kind " + std::to_string(value));
  if (const int value = mmdreg::capi::enum_value(via);
      value < MMDREG_CHANNEL_DEVICES_BLADE || value > MMDREG_CHANNEL_MMD_API)
    return fail(MMDREG_EINVAL,
                std::string(function) + ": unknown channel " + std::to_string(value));
  if (const int value = mmdreg::capi::enum_value(profile);
      check_profile && (value < MMDREG_PROFILE_STANDARD || value > MMDREG_PROFILE_KIOSK))
    return fail(MMDREG_EINVAL,
                std::string(function) + ": unknown profile " + std::to_string(value));
  request.by = {static_cast<reg::actor_kind>(by.kind), by.id};
  request.organization = static_cast<reg::organization_id>(organization);
  request.via = static_cast<reg::channel>(via);
  if (check_profile) request.profile = static_cast<mmdreg::device_profile>(profile);
  if (!text(function, "order_id", order_id, order_id_length, request.order_id))
    return MMDREG_EINVAL;
  return MMDREG_OK;
}

// Reads versioned options (NULL: the defaults) into engine options.
bool engine_options_of(const char* function, const mmdreg_registry_options* options,
                       reg::engine_options& out, mmdreg_status& status) {
  mmdreg_registry_options given = MMDREG_REGISTRY_OPTIONS_INIT;
  if (options != nullptr) {
    if (options->version != MMDREG_REGISTRY_OPTIONS_VERSION) {
      status =
          fail(MMDREG_EUNSUPPORTED, std::string(function) + ": options version " +
                                        std::to_string(options->version) + " is not supported (" +
                                        std::to_string(MMDREG_REGISTRY_OPTIONS_VERSION) + " is)");
      return false;
    }
    given = *options;
  }
  out.seed = given.seed;
  out.start = reg::sim_time{std::chrono::seconds{given.start_time}};
  return true;
}

}  // namespace

extern "C" {

mmdreg_status mmdreg_registry_create(const mmdreg_registry_options* options,
                                     mmdreg_registry** out) {
  return guarded(__func__, [&](const char* function) {
    if (out == nullptr) return null_argument(function, "out");
    reg::engine_options engine_options;
    mmdreg_status status = MMDREG_OK;
    if (!engine_options_of(function, options, engine_options, status)) return status;
    auto registry = std::make_unique<mmdreg_registry>();
    registry->engine = std::make_unique<reg::engine>(engine_options);
    *out = registry.release();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_registry_open(const char* path, size_t path_length,
                                   const mmdreg_registry_options* options, int read_only,
                                   mmdreg_registry** out) {
  return guarded(__func__, [&](const char* function) {
    if (out == nullptr) return null_argument(function, "out");
    std::string_view file;
    if (!mmdreg::capi::text_argument(function, "path", path, path_length, file))
      return MMDREG_EINVAL;
    if (file.empty()) return fail(MMDREG_EINVAL, std::string(function) + ": the path is empty");
    reg::engine_options engine_options;
    mmdreg_status status = MMDREG_OK;
    if (!engine_options_of(function, options, engine_options, status)) return status;
    auto store = mmdreg::store::sqlite_storage::open(
        mmdreg::capi::utf8_path(file), mmdreg::store::sqlite_options{.read_only = read_only != 0});
    if (!store.ok()) return fail(store.err());
    auto registry = std::make_unique<mmdreg_registry>();
    registry->store = std::move(store).value();
    auto engine = reg::engine::open(*registry->store, engine_options);
    if (!engine.ok()) return fail(engine.err());
    registry->engine = std::make_unique<reg::engine>(std::move(engine).value());
    *out = registry.release();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_registry_close(mmdreg_registry* registry) {
  return with_registry(__func__, registry, [&](reg::engine&, const char*) {
    registry->engine.reset();
    registry->store.reset();
    return MMDREG_OK;
  });
}

void mmdreg_registry_free(mmdreg_registry* registry) {
  MMDREG_CAPI_NOTHROW(delete registry);
}

void mmdreg_registry_free_and_clear(mmdreg_registry** registry) {
  mmdreg::capi::free_and_clear(registry);
}

const char* mmdreg_registry_last_error(const mmdreg_registry* registry) {
  return mmdreg::capi::handle_last_error(registry);
}

mmdreg_status mmdreg_registry_add_organization(mmdreg_registry* registry, const char* name,
                                               size_t name_length, uint32_t* organization) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char* function) {
    reg::organization_settings settings;
    if (!text(function, "name", name, name_length, settings.name)) return MMDREG_EINVAL;
    if (organization == nullptr) return null_argument(function, "organization");
    const auto added = engine.add_organization(settings);
    if (!added.ok()) return fail(added.err());
    *organization = static_cast<uint32_t>(added.value());
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_registry_add_partner(mmdreg_registry* registry, const char* name,
                                          size_t name_length, uint32_t* partner) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char* function) {
    std::string_view view;
    if (!mmdreg::capi::text_argument(function, "name", name, name_length, view))
      return MMDREG_EINVAL;
    if (partner == nullptr) return null_argument(function, "partner");
    const auto added = engine.add_partner(view);
    if (!added.ok()) return fail(added.err());
    *partner = static_cast<uint32_t>(added.value());
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_registry_grant_partner_consent(mmdreg_registry* registry,
                                                    uint32_t organization, uint32_t partner) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char*) {
    const auto org = static_cast<reg::organization_id>(organization);
    const auto granted = engine.grant_partner_consent(reg::actor::admin_of(org), org,
                                                      static_cast<reg::partner_id>(partner));
    return granted.ok() ? MMDREG_OK : fail(granted.err());
  });
}

mmdreg_status mmdreg_registry_register(mmdreg_registry* registry,
                                       const mmdreg_registration* registration,
                                       mmdreg_device_outcome* outcomes, uint32_t* request_number) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char* function) {
    if (registration == nullptr) return null_argument(function, "registration");
    if (registration->version != MMDREG_REGISTRATION_VERSION)
      return fail(MMDREG_EUNSUPPORTED, std::string(function) + ": registration version " +
                                           std::to_string(registration->version) +
                                           " is not supported (" +
                                           std::to_string(MMDREG_REGISTRATION_VERSION) + " is)");
    if (registration->devices == nullptr && registration->device_count != 0)
      return fail(MMDREG_EINVAL,
                  std::string(function) + ": devices is NULL with a non-zero device_count");
    if (outcomes == nullptr && registration->device_count != 0)
      return null_argument(function, "outcomes");
    reg::registration_request request;
    if (const auto status =
            batch_header(function, registration->by, registration->organization, registration->via,
                         registration->profile, true, registration->order_id,
                         registration->order_id_length, request);
        status != MMDREG_OK)
      return status;
    request.shared = registration->shared != 0;
    request.devices.resize(registration->device_count);
    for (size_t i = 0; i < registration->device_count; ++i) {
      const auto& in = registration->devices[i];
      auto& entry = request.devices[i];
      const std::string where = std::string("devices[") + std::to_string(i) + "].";
      if (!text(function, (where + "serial_number").c_str(), in.serial_number,
                in.serial_number_length, entry.record.serial_number) ||
          !text(function, (where + "product_id").c_str(), in.product_id, in.product_id_length,
                entry.record.product_key_id) ||
          !text(function, (where + "hardware_hash").c_str(), in.hardware_hash,
                in.hardware_hash_length, entry.record.hardware_hash) ||
          !text(function, (where + "manufacturer").c_str(), in.manufacturer, in.manufacturer_length,
                entry.record.manufacturer) ||
          !text(function, (where + "model").c_str(), in.model, in.model_length,
                entry.record.model) ||
          !text(function, (where + "group_tag").c_str(), in.group_tag, in.group_tag_length,
                entry.record.group_tag) ||
          !text(function, (where + "assigned_user").c_str(), in.assigned_user,
                in.assigned_user_length, entry.record.assigned_user))
        return MMDREG_EINVAL;
      entry.record.order_id = request.order_id;
      entry.line = in.line;
    }
    const auto registered = engine.register_devices(request);
    if (!registered.ok()) return fail(registered.err());
    const auto& result = registered.value();
    for (size_t i = 0; i < result.devices.size() && i < registration->device_count; ++i) {
      const auto& outcome = result.devices[i];
      auto& out = outcomes[i];
      out = mmdreg_device_outcome{};
      out.line = outcome.line;
      out.device = outcome.device ? static_cast<uint32_t>(*outcome.device) : 0;
      out.failed = outcome.failure ? 1 : 0;
      if (outcome.failure) {
        out.error = static_cast<mmdreg_registration_error>(outcome.failure->error);
        const auto& id = outcome.failure->request_id;
        const size_t n = std::min(id.size(), sizeof out.request_id - 1);
        std::memcpy(out.request_id, id.data(), n);
        out.request_id[n] = '\0';
      }
    }
    if (request_number != nullptr) *request_number = static_cast<uint32_t>(result.number);
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_registry_deregister(mmdreg_registry* registry, uint32_t organization,
                                         uint32_t device) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char*) {
    const auto org = static_cast<reg::organization_id>(organization);
    const auto done =
        engine.deregister(reg::actor::admin_of(org), org, static_cast<reg::device_id>(device));
    return done.ok() ? MMDREG_OK : fail(done.err());
  });
}

mmdreg_status mmdreg_registry_advance(mmdreg_registry* registry, int64_t seconds) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char* function) {
    if (seconds < 0)
      return fail(MMDREG_EINVAL, std::string(function) + ": the clock cannot go back (" +
                                     std::to_string(seconds) + " seconds)");
    const auto done = engine.advance(std::chrono::seconds{seconds});
    return done.ok() ? MMDREG_OK : fail(done.err());
  });
}

mmdreg_status mmdreg_registry_now(mmdreg_registry* registry, int64_t* unix_seconds) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char* function) {
    if (unix_seconds == nullptr) return null_argument(function, "unix_seconds");
    *unix_seconds = engine.now().time_since_epoch().count();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_registry_devices(mmdreg_registry* registry, uint32_t organization,
                                      mmdreg_devices** out) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char* function) {
    if (out == nullptr) return null_argument(function, "out");
    const auto org = static_cast<reg::organization_id>(organization);
    auto rows = engine.devices_blade(reg::actor::admin_of(org), org);
    if (!rows.ok()) return fail(rows.err());
    auto snapshot = std::make_unique<mmdreg_devices>();
    snapshot->rows = std::move(rows.value());
    *out = snapshot.release();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_devices_count(const mmdreg_devices* devices, size_t* count) {
  return guarded_on(__func__, devices, [&](const char* function) {
    if (devices == nullptr) return null_argument(function, "devices");
    if (count == nullptr) return null_argument(function, "count");
    *count = devices->rows.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_devices_row(const mmdreg_devices* devices, size_t index,
                                 mmdreg_device_row* out) {
  return guarded_on(__func__, devices, [&](const char* function) {
    if (devices == nullptr) return null_argument(function, "devices");
    if (out == nullptr) return null_argument(function, "out");
    if (index >= devices->rows.size())
      return mmdreg::capi::index_past(function, index, devices->rows.size(), "rows");
    const auto& row = devices->rows[index];
    *out = mmdreg_device_row{};
    out->id = static_cast<uint32_t>(row.id);
    out->name = row.name.c_str();
    out->serial_number = row.serial_number.c_str();
    out->manufacturer = row.manufacturer.c_str();
    out->model = row.model.c_str();
    out->group_tag = row.group_tag.c_str();
    out->state = static_cast<mmdreg_state>(row.state);
    out->profile = static_cast<mmdreg_profile>(row.profile);
    out->shared = row.shared ? 1 : 0;
    out->has_ring = row.ring ? 1 : 0;
    out->ring = row.ring ? static_cast<mmdreg_ring>(*row.ring) : MMDREG_RING_TEST;
    out->has_error = row.last_error ? 1 : 0;
    out->error = row.last_error ? static_cast<mmdreg_registration_error>(row.last_error->error)
                                : MMDREG_ERROR_DEVICE_NOT_FOUND;
    out->request_id = row.last_error ? row.last_error->request_id.c_str() : "";
    out->registered_at = row.registered_at.time_since_epoch().count();
    out->via = static_cast<mmdreg_channel>(row.via);
    return MMDREG_OK;
  });
}

void mmdreg_devices_free(mmdreg_devices* devices) {
  MMDREG_CAPI_NOTHROW(delete devices);
}

void mmdreg_devices_free_and_clear(mmdreg_devices** devices) {
  mmdreg::capi::free_and_clear(devices);
}

const char* mmdreg_devices_last_error(const mmdreg_devices* devices) {
  return mmdreg::capi::handle_last_error(devices);
}

mmdreg_status mmdreg_registry_export_failures(mmdreg_registry* registry, uint32_t organization,
                                              uint32_t request_number, mmdreg_export_format format,
                                              char* buffer, size_t capacity, size_t* length) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char* function) {
    if (const auto status = check_format(function, format); status != MMDREG_OK) return status;
    if (length == nullptr) return null_argument(function, "length");
    const auto org = static_cast<reg::organization_id>(organization);
    const auto failures = engine.request_failures(reg::actor::admin_of(org), org,
                                                  static_cast<reg::request_number>(request_number));
    if (!failures.ok()) return fail(failures.err());
    const auto text = format == MMDREG_EXPORT_CSV ? reg::failures_to_csv(failures.value())
                                                  : reg::failures_to_json(failures.value());
    return export_into(function, text, buffer, capacity, length);
  });
}

mmdreg_status mmdreg_registry_export_audit(mmdreg_registry* registry, uint32_t organization,
                                           mmdreg_export_format format, char* buffer,
                                           size_t capacity, size_t* length) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char* function) {
    if (const auto status = check_format(function, format); status != MMDREG_OK) return status;
    if (length == nullptr) return null_argument(function, "length");
    const auto org = static_cast<reg::organization_id>(organization);
    const auto records = engine.audit(reg::actor::admin_of(org), org);
    if (!records.ok()) return fail(records.err());
    const auto text = format == MMDREG_EXPORT_CSV ? reg::audit_to_csv(records.value())
                                                  : reg::audit_to_json(records.value());
    return export_into(function, text, buffer, capacity, length);
  });
}

mmdreg_status mmdreg_upload_init(mmdreg_upload* upload) {
  return guarded(__func__, [&](const char* function) {
    if (upload == nullptr) return null_argument(function, "upload");
    *upload = MMDREG_UPLOAD_INIT;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_registry_register_upload(mmdreg_registry* registry,
                                              const mmdreg_upload* upload,
                                              mmdreg_upload_result** out) {
  return with_registry(__func__, registry, [&](reg::engine& engine, const char* function) {
    if (upload == nullptr) return null_argument(function, "upload");
    if (out == nullptr) return null_argument(function, "out");
    if (upload->version != MMDREG_UPLOAD_VERSION)
      return fail(MMDREG_EUNSUPPORTED, std::string(function) + ": upload version " +
                                           std::to_string(upload->version) + " is not supported (" +
                                           std::to_string(MMDREG_UPLOAD_VERSION) + " is)");
    std::string_view content;
    if (!mmdreg::capi::text_argument(function, "content", upload->content, upload->content_length,
                                     content))
      return MMDREG_EINVAL;
    const int format = mmdreg::capi::enum_value(upload->format);
    if (format < MMDREG_UPLOAD_DETECT || format > MMDREG_UPLOAD_JSON)
      return fail(MMDREG_EINVAL,
                  std::string(function) + ": unknown upload format " + std::to_string(format));
    const bool rows_decide = upload->rows_decide != 0;
    reg::registration_request request;
    if (const auto status =
            batch_header(function, upload->by, upload->organization, upload->via, upload->profile,
                         !rows_decide, upload->order_id, upload->order_id_length, request);
        status != MMDREG_OK)
      return status;

    static_assert(MMDREG_UPLOAD_DETECT == static_cast<int>(reg::upload_format::detect) &&
                  MMDREG_UPLOAD_CSV == static_cast<int>(reg::upload_format::csv) &&
                  MMDREG_UPLOAD_JSON == static_cast<int>(reg::upload_format::json));
    const auto chosen =
        rows_decide ? std::nullopt : std::optional<mmdreg::device_profile>(request.profile);
    auto registered =
        reg::register_upload(engine, std::move(request), content,
                             static_cast<reg::upload_format>(format), chosen, upload->shared != 0);
    if (!registered.ok()) return fail(registered.err());
    auto& done = registered.value();
    auto result = std::make_unique<mmdreg_upload_result>();
    result->rows = done.check.rows;
    result->rejected_rows = done.check.rejected;
    result->file_rejected = done.check.file_rejected;
    result->retagged = done.retagged;
    result->profile = done.request.profile;
    result->shared = done.request.shared;
    if (done.result) {
      auto& answer = *done.result;
      result->request = static_cast<std::uint32_t>(answer.number);
      result->accepted = answer.accepted;
      result->failed = answer.failed;
      result->devices.reserve(answer.devices.size());
      for (size_t i = 0; i < answer.devices.size(); ++i) {
        auto& outcome = answer.devices[i];
        mmdreg_upload_result::device d;
        d.line = outcome.line;
        if (i < done.request.devices.size())
          d.serial_number = done.request.devices[i].record.serial_number;
        d.id = outcome.device ? static_cast<std::uint32_t>(*outcome.device) : 0;
        d.failure = std::move(outcome.failure);
        result->devices.push_back(std::move(d));
      }
    }
    result->findings = std::move(done.check.findings);
    *out = result.release();
    return MMDREG_OK;
  });
}

void mmdreg_upload_result_free(mmdreg_upload_result* result) {
  MMDREG_CAPI_NOTHROW(delete result);
}

void mmdreg_upload_result_free_and_clear(mmdreg_upload_result** result) {
  mmdreg::capi::free_and_clear(result);
}

const char* mmdreg_upload_result_last_error(const mmdreg_upload_result* result) {
  return mmdreg::capi::handle_last_error(result);
}

mmdreg_status mmdreg_upload_result_request(const mmdreg_upload_result* result, int* submitted,
                                           uint32_t* request_number) {
  return guarded_on(__func__, result, [&](const char* function) {
    if (result == nullptr) return null_argument(function, "result");
    if (submitted == nullptr) return null_argument(function, "submitted");
    *submitted = result->request ? 1 : 0;
    if (request_number != nullptr) *request_number = result->request.value_or(0);
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_upload_result_counts(const mmdreg_upload_result* result, uint64_t* rows,
                                          uint64_t* rejected_rows, uint64_t* accepted,
                                          uint64_t* failed, uint64_t* retagged) {
  return guarded_on(__func__, result, [&](const char* function) {
    if (result == nullptr) return null_argument(function, "result");
    if (rows != nullptr) *rows = result->rows;
    if (rejected_rows != nullptr) *rejected_rows = result->rejected_rows;
    if (accepted != nullptr) *accepted = result->accepted;
    if (failed != nullptr) *failed = result->failed;
    if (retagged != nullptr) *retagged = result->retagged;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_upload_result_file_rejected(const mmdreg_upload_result* result, int* out) {
  return guarded_on(__func__, result, [&](const char* function) {
    if (result == nullptr) return null_argument(function, "result");
    if (out == nullptr) return null_argument(function, "out");
    *out = result->file_rejected ? 1 : 0;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_upload_result_profile(const mmdreg_upload_result* result,
                                           mmdreg_profile* profile, int* shared) {
  return guarded_on(__func__, result, [&](const char* function) {
    if (result == nullptr) return null_argument(function, "result");
    if (profile == nullptr) return null_argument(function, "profile");
    *profile = static_cast<mmdreg_profile>(result->profile);
    if (shared != nullptr) *shared = result->shared ? 1 : 0;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_upload_result_finding_count(const mmdreg_upload_result* result,
                                                 size_t* count) {
  return guarded_on(__func__, result, [&](const char* function) {
    if (result == nullptr) return null_argument(function, "result");
    if (count == nullptr) return null_argument(function, "count");
    *count = result->findings.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_upload_result_finding(const mmdreg_upload_result* result, size_t index,
                                           mmdreg_finding* out) {
  return guarded_on(__func__, result, [&](const char* function) {
    if (result == nullptr) return null_argument(function, "result");
    if (out == nullptr) return null_argument(function, "out");
    if (index >= result->findings.size())
      return mmdreg::capi::index_past(function, index, result->findings.size(), "findings");
    *out = mmdreg::capi::finding_of(result->findings[index]);
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_upload_result_device_count(const mmdreg_upload_result* result, size_t* count) {
  return guarded_on(__func__, result, [&](const char* function) {
    if (result == nullptr) return null_argument(function, "result");
    if (count == nullptr) return null_argument(function, "count");
    *count = result->devices.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_upload_result_device(const mmdreg_upload_result* result, size_t index,
                                          mmdreg_upload_device* out) {
  return guarded_on(__func__, result, [&](const char* function) {
    if (result == nullptr) return null_argument(function, "result");
    if (out == nullptr) return null_argument(function, "out");
    if (index >= result->devices.size())
      return mmdreg::capi::index_past(function, index, result->devices.size(), "devices");
    const auto& d = result->devices[index];
    *out = mmdreg_upload_device{};
    out->line = d.line;
    out->serial_number = d.serial_number.c_str();
    out->serial_number_length = d.serial_number.size();
    out->device = d.id;
    out->failed = d.failure ? 1 : 0;
    out->error = d.failure ? static_cast<mmdreg_registration_error>(d.failure->error)
                           : MMDREG_ERROR_DEVICE_NOT_FOUND;
    out->request_id = d.failure ? d.failure->request_id.c_str() : "";
    out->request_id_length = d.failure ? d.failure->request_id.size() : 0;
    return MMDREG_OK;
  });
}

}  // extern "C"
