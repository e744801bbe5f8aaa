// The registry file's schema: its migration steps and the fixed-size blob layouts of device rows
// and audit entries. Internal to the store (and its tests, which build old-version files).
#ifndef MMDREG_STORE_SQLITE_SCHEMA_HPP
#define MMDREG_STORE_SQLITE_SCHEMA_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "mmdreg/registry/storage.hpp"

namespace mmdreg::store::detail {

/// One migration step: the SQL that takes a file from version `to - 1` to version `to`.
struct migration {
  int to = 0;
  const char* sql = nullptr;
};

/// Every step in order; steps()[i].to == i + 1, and the last one is sqlite_storage::schema_version.
std::span<const migration> migrations() noexcept;

/// Bytes of a device row blob (little-endian, no padding).
inline constexpr std::size_t device_blob_size = 149;
/// Bytes of an audit blob: what is not in the device and time columns.
inline constexpr std::size_t audit_blob_size = 8;
/// Bytes of the workflow latencies blob.
inline constexpr std::size_t latencies_blob_size = 4 * registry::workflow_step_count;

void encode_device(const registry::device_row& row,
                   std::array<std::uint8_t, device_blob_size>& out);
/// Nothing when the blob has the wrong size.
std::optional<registry::device_row> decode_device(std::span<const std::uint8_t> blob);

void encode_audit(const registry::audit_entry& entry,
                  std::array<std::uint8_t, audit_blob_size>& out);
/// Fills the fields held in the blob; nothing when the blob has the wrong size.
bool decode_audit(std::span<const std::uint8_t> blob, registry::audit_entry& entry);

void encode_latencies(const registry::workflow_latencies& latencies,
                      std::array<std::uint8_t, latencies_blob_size>& out);
bool decode_latencies(std::span<const std::uint8_t> blob, registry::workflow_latencies& latencies);

}  // namespace mmdreg::store::detail

#endif
