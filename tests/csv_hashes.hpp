// Valid and deliberately damaged hardware hashes for the CSV suites, built with build_hash.
#ifndef MMDREG_TESTS_CSV_HASHES_HPP
#define MMDREG_TESTS_CSV_HASHES_HPP

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "hash/base64.hpp"
#include "hash/sha256.hpp"
#include "mmdreg/hash/hardware_hash.hpp"

namespace mmdreg::testing {

/// A valid hash of a device. `device` sets the SMBIOS UUID (same device = same number);
/// `capture` shifts the capture time, so two captures of one device differ as text.
inline std::string device_hash(std::string serial, std::string manufacturer = "Dell Inc.",
                               std::string model = "Latitude 5530", std::uint8_t device = 1,
                               int capture = 0, bool tpm = true) {
  hash_fields f;
  f.serial_number = std::move(serial);
  f.manufacturer = std::move(manufacturer);
  f.model = std::move(model);
  f.smbios_uuid.fill(device);
  f.capture_time = std::chrono::sys_seconds{std::chrono::seconds{1'750'000'000 + capture * 3600}};
  if (tpm) {
    std::array<std::uint8_t, 256> key{};
    key.fill(static_cast<std::uint8_t>(device + 7));
    f.tpm_endorsement_key = key;
  }
  auto h = build_hash(f);
  BOOST_TEST_REQUIRE(h.ok(), h.err().message);
  return *h;
}

/// Decodes a valid hash, lets `edit` change its bytes, writes a correct trailer checksum again when
/// `reseal`, and encodes the result.
template <class Edit>
std::string edited_hash(const std::string& valid, Edit edit, bool reseal = true) {
  hardware_hash h;
  BOOST_TEST_REQUIRE(!h.decode(valid).has_value());
  std::array<std::uint8_t, hash_byte_length> bytes{};
  std::copy(h.bytes().begin(), h.bytes().end(), bytes.begin());
  const auto end = h.record_end();
  edit(bytes, h);
  if (reseal) {
    const auto digest = detail::sha256(std::span<const std::uint8_t>(bytes.data(), end));
    std::copy(digest.begin(), digest.end(), bytes.begin() + end + 4);
  }
  return detail::base64_encode(bytes);
}

}  // namespace mmdreg::testing

#endif
