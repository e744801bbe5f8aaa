// From an uploaded file to a registration batch: the upload is validated as a whole first, and only
// the rows the rules accept become batch entries, so rejected rows never enter the service.
#ifndef MMDREG_REGISTRY_INTAKE_HPP
#define MMDREG_REGISTRY_INTAKE_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "mmdreg/csv/validator.hpp"
#include "mmdreg/diagnostics.hpp"
#include "mmdreg/registry/engine.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::registry {

/// A checked upload: the entries to register and what the check found.
struct checked_upload {
  /// The accepted rows, in input order. Empty when the file itself was rejected (encoding, header,
  /// too many rows): the service refuses such an upload whole.
  std::vector<batch_entry> devices;
  std::vector<diagnostic> findings;  ///< every finding, in input order
  std::uint64_t rows = 0;            ///< data rows / list items read
  std::uint64_t rejected = 0;        ///< rows kept out of the batch by an error finding
  bool file_rejected = false;
};

/// Validates a CSV upload (any dialect and encoding; see csv::validate_buffer) and turns its
/// accepted rows into batch entries carrying their file line. Duplicate devices after the first
/// are rejected by the rules and therefore never reach the engine.
checked_upload check_csv_upload(std::string_view content,
                                const csv::validate_options& options = {});

/// The same for a JSON device list (autopilot::read_device_list). Entries carry their 1-based
/// position in the list as their line; findings keep their JSON path in `column`. A document that
/// is not a device list is errc::invalid_argument.
result<checked_upload> check_json_upload(std::string_view json);

/// True when an upload holds a JSON device list rather than CSV: its first non-blank byte within
/// the first 64, skipping UTF-8 byte order mark bytes, is '{' or '['. No CSV header starts so.
bool upload_looks_like_json(std::string_view content) noexcept;

/// Chooses the profile of a batch built from a checked upload's entries (request.devices), as the
/// MMD Devices blade does, and returns how many rows were retagged.
/// - With `profile`: the batch gets `profile` + `shared`, whose group tag the service creates
///   (spec 6: the upload's profile decides). The rows' own tags are therefore cleared, not
///   submitted; the count returned is the rows whose tag named another one ("retagged").
/// - Without: the first row carrying a valid MMD tag decides the profile (Standard when none
///   does), shared when that tag or `shared` says so; the rows keep their tags, so the engine
///   refuses a batch whose rows disagree. Returns 0.
std::size_t select_profile(registration_request& request, std::optional<device_profile> profile,
                           bool shared);

/// How register_upload reads the content.
enum class upload_format : std::uint8_t { detect = 0, csv = 1, json = 2 };

/// What register_upload did.
struct upload_registration {
  checked_upload check;          ///< findings and counts; its accepted devices moved to `request`
  registration_request request;  ///< the batch as built: profile, shared and devices with lines
  std::size_t retagged = 0;      ///< as select_profile counts
  /// The engine's answer; absent when nothing was submitted (the file was rejected whole, or no
  /// row was accepted).
  std::optional<registration_result> result;
};

/// Checks an upload (detect: upload_looks_like_json decides) and registers its accepted rows in
/// one request. `request` names who, for whom, through which channel and the order id (given to
/// every device); its devices come from the upload, and `profile` + `shared` are applied by
/// select_profile. An error is a document that is not a device list, or the engine refusing the
/// batch, and then nothing is recorded.
result<upload_registration> register_upload(engine& e, registration_request request,
                                            std::string_view content, upload_format format,
                                            std::optional<device_profile> profile, bool shared);

}  // namespace mmdreg::registry

#endif
