// From an uploaded file to a registration batch: the upload is validated as a whole first, and only
// the rows the rules accept become batch entries, so rejected rows never enter the service.
#ifndef MMDREG_REGISTRY_INTAKE_HPP
#define MMDREG_REGISTRY_INTAKE_HPP

#include <cstdint>
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

}  // namespace mmdreg::registry

#endif
