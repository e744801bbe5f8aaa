// Fuzzes the hardware-hash layer three ways per input: the input as base64 text (decode, every
// accessor, padding repair, and the SIMD and scalar base64 kernels against each other), the input
// as the decoded 3000-byte image, and that image with a correct trailer so that mutations get past
// the checksum into the record walk and the accessors. Any disagreement or broken invariant aborts.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "hash/base64.hpp"
#include "hash/sha256.hpp"
#include "mmdreg/hash/hardware_hash.hpp"

namespace {

using namespace mmdreg;

void require(bool condition) {
  if (!condition) std::abort();
}

// Touches every accessor; the sums only keep the calls from being optimized away.
std::size_t read_everything(const hardware_hash& hash) {
  std::size_t sink = hash.record_types().size() + hash.record_end();
  for (const auto type : hash.record_types()) {
    const auto value = hash.record(type);
    require(value.has_value());
    sink += value->size();
  }
  sink += hash.serial_number().size() + hash.manufacturer().size() + hash.model().size();
  sink += hash.smbios_uuid().has_value() + hash.smbios_uuid_text().size();
  sink += hash.capture_time().has_value() + hash.utc_offset_minutes().value_or(0);
  sink += hash.windows_build().value_or(os_build{}).build + hash.os_type().value_or(0);
  sink += architecture_name(hash.architecture().value_or(0)).size();
  sink += hash.ram_gb().value_or(0) + hash.boot_disk().value_or(boot_disk{}).capacity_gb;
  sink += hash.tpm_version_text().size() + hash.tpm_version().size();
  sink += hash.tpm_key_digest_matches().value_or(false) + hash.identity().digest[0];
  sink += is_placeholder_serial(hash.serial_number());
  for (const auto& check : check_readiness(hash))
    sink += check.detail.size();
  return sink;
}

void check_text(std::string_view text) {
  static hardware_hash hash;
  const auto problem = hash.decode(text);
  if (problem) {
    require(!problem->message.empty() && !problem->fix.empty());
  } else {
    require(!hash.serial_number().empty() && !hash.manufacturer().empty());
    // 3000 bytes encode without padding bits, so a valid hash has exactly one text.
    require(detail::base64_encode(hash.bytes()) == text);
  }
  (void)read_everything(hash);

  std::vector<std::uint8_t> scalar(detail::base64_decoded_capacity(text.size()));
  std::vector<std::uint8_t> simd(scalar.size());
  const auto a = detail::base64_decode(text, scalar, detail::base64_path::scalar);
  const auto b = detail::base64_decode(text, simd, detail::base64_path::avx2);
  require(a.error == b.error && a.size == b.size);
  require(detail::base64_check(text).error == a.error);
  if (!a.error && a.size != 0) require(std::memcmp(scalar.data(), simd.data(), a.size) == 0);

  if (const auto repaired = repair_padding(text)) {
    require(problem.has_value());
    require(repaired->size() == hash_text_length);
    static hardware_hash again;
    const auto after = again.decode(*repaired);
    require(!after || after->rule == rule::hash_missing_field);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_text(std::string_view(reinterpret_cast<const char*>(data), size));

  std::vector<std::uint8_t> image(hash_byte_length, 0);
  if (size != 0) std::memcpy(image.data(), data, std::min(size, image.size()));
  check_text(detail::base64_encode(image));

  const std::size_t end = image[2] | (image[3] << 8);
  if (end >= 4 && end + 36 <= image.size()) {
    image[end] = 'C';
    image[end + 1] = 'S';
    image[end + 2] = 36;
    image[end + 3] = 0;
    const auto digest = detail::sha256(std::span<const std::uint8_t>(image).first(end));
    std::memcpy(&image[end + 4], digest.data(), digest.size());
    check_text(detail::base64_encode(image));
  }
  return 0;
}
