// Building valid hashes and the documented padding repair.
#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "hash/base64.hpp"
#include "hash/layout.hpp"
#include "hash/sha256.hpp"
#include "mmdreg/hash/hardware_hash.hpp"

namespace mmdreg {
namespace {

namespace layout = detail::hash_layout;

constexpr std::string_view tpm_version_text =
    "TPM-Version:2.0 -Level:0-Revision:1.59-VendorID:'MMDR'-Firmware:1.0";
// The OS type byte of a capture under a full Windows (WinPE writes 1), and the tool version seen in
// recent captures.
constexpr std::uint8_t full_os = 2;
constexpr std::uint8_t tool_version = 9;
constexpr std::uint8_t device_id_kind_no_tpm = 3;

// Appends records to a 3000-byte image; the caller has checked that everything fits.
class record_writer {
 public:
  explicit record_writer(std::array<std::uint8_t, hash_byte_length>& bytes) : bytes_(bytes) {}
  std::uint8_t* add(hash_record type, std::size_t value_size) {
    std::uint8_t* header = bytes_.data() + end_;
    layout::write_u16(header, static_cast<std::uint16_t>(type));
    layout::write_u16(header + 2, static_cast<std::uint16_t>(value_size + layout::record_header));
    end_ += value_size + layout::record_header;
    return header + layout::record_header;
  }
  void add_string(hash_record type, std::string_view text) {
    std::memcpy(add(type, text.size() + 1), text.data(), text.size());  // NUL from the zeroed image
  }
  std::size_t end() const { return end_; }

 private:
  std::array<std::uint8_t, hash_byte_length>& bytes_;
  std::size_t end_ = layout::header_size;
};

void write_build(std::uint8_t* out, const os_build& build) {
  layout::write_u16(out, build.minor);
  layout::write_u16(out + 2, build.major);
  layout::write_u16(out + 4, build.revision);
  layout::write_u16(out + 6, build.build);
}

}  // namespace

result<std::string> build_hash(const hash_fields& fields) {
  const std::pair<std::string_view, const std::string*> strings[] = {
      {"serial number", &fields.serial_number},
      {"manufacturer", &fields.manufacturer},
      {"model", &fields.model}};
  for (const auto& [name, value] : strings)
    if (value->find('\0') != std::string::npos)
      return error{errc::invalid_argument,
                   "the " + std::string(name) +
                       " contains a NUL character, which would end the SMBIOS string early"};
  const auto seconds = fields.capture_time.time_since_epoch().count() - layout::capture_epoch;
  if (seconds < 0 || seconds > std::numeric_limits<std::uint32_t>::max())
    return error{errc::invalid_argument,
                 "the capture time is outside 2000-01-01 to 2136-02-07 (a u32 of seconds since "
                 "2000-01-01 UTC)"};

  const bool tpm = fields.tpm_endorsement_key.has_value();
  const auto record = [](std::size_t value_size) { return layout::record_header + value_size; };
  const std::size_t end =
      layout::header_size + record(layout::version_value_size) + record(12) +
      record(layout::memory_value_size) + (fields.disk ? record(layout::disk_value_size) : 0) +
      (tpm ? record(tpm_version_text.size() + 1) + record(layout::endorsement_key_size) : 0) +
      record(layout::device_id_value_size) + record(layout::uuid_size) +
      record(fields.serial_number.size() + 1) + record(fields.manufacturer.size() + 1) +
      record(fields.model.size() + 1);
  if (end > layout::max_record_end)
    return error{errc::invalid_argument,
                 "the fields need " + std::to_string(end) +
                     " bytes of records, but a hardware hash "
                     "holds at most " +
                     std::to_string(layout::max_record_end) +
                     " before its trailer: shorten the serial number, manufacturer or model"};

  std::array<std::uint8_t, hash_byte_length> bytes{};
  bytes[0] = 'O';
  bytes[1] = 'A';
  layout::write_u16(&bytes[2], static_cast<std::uint16_t>(end));
  record_writer writer(bytes);

  std::uint8_t* version = writer.add(hash_record::version, layout::version_value_size);
  write_build(version + layout::version_tool_build, fields.windows);
  write_build(version + layout::version_os_build, fields.windows);
  layout::write_u32(version + layout::version_capture_time, static_cast<std::uint32_t>(seconds));
  version[layout::version_os_type] = full_os;
  version[layout::version_architecture] = fields.architecture;
  version[layout::version_tool_version] = tool_version;

  writer.add(hash_record::processor, 12);
  layout::write_u64(writer.add(hash_record::memory, layout::memory_value_size), fields.ram_gb);
  if (fields.disk) {
    std::uint8_t* disk = writer.add(hash_record::boot_disk, layout::disk_value_size);
    layout::write_u64(disk + layout::disk_capacity, fields.disk->capacity_gb);
    layout::write_u16(disk + layout::disk_bus_type, fields.disk->bus_type);
  }
  if (tpm) {
    writer.add_string(hash_record::tpm_version, tpm_version_text);
    std::memcpy(writer.add(hash_record::tpm_endorsement_key, layout::endorsement_key_size),
                fields.tpm_endorsement_key->data(), layout::endorsement_key_size);
  }
  std::uint8_t* device_id =
      writer.add(hash_record::offline_device_id, layout::device_id_value_size);
  device_id[layout::device_id_kind] = tpm ? layout::device_id_kind_tpm_ek : device_id_kind_no_tpm;
  layout::write_u16(device_id + 6, 32);
  // Without a TPM, captures derive the id from other hardware; the UUID stands in for it here.
  const auto digest =
      tpm ? detail::sha256(*fields.tpm_endorsement_key) : detail::sha256(fields.smbios_uuid);
  std::memcpy(device_id + layout::device_id_digest, digest.data(), digest.size());
  std::memcpy(writer.add(hash_record::smbios_uuid, layout::uuid_size), fields.smbios_uuid.data(),
              layout::uuid_size);
  writer.add_string(hash_record::serial_number, fields.serial_number);
  writer.add_string(hash_record::manufacturer, fields.manufacturer);
  writer.add_string(hash_record::model, fields.model);

  bytes[end] = 'C';
  bytes[end + 1] = 'S';
  layout::write_u16(&bytes[end + 2], layout::trailer_length);
  const auto checksum = detail::sha256(std::span<const std::uint8_t>(bytes).first(end));
  std::memcpy(&bytes[end + 4], checksum.data(), checksum.size());
  return detail::base64_encode(bytes);
}

std::optional<std::string> repair_padding(std::string_view text) {
  hardware_hash hash;
  if (!hash.decode(text)) return std::nullopt;  // nothing to repair

  std::string_view core = text;
  while (!core.empty() && core.back() == '=')
    core.remove_suffix(1);
  const bool had_double_padding = text.size() - core.size() == 2;

  // The documented moves: pad with '=' until the length is a multiple of 4, or turn a trailing "=="
  // into "A" (which restores a final zero sextet that was dropped).
  std::vector<std::string> candidates;
  if (core.size() % 4 != 1) candidates.emplace_back(core);
  if (had_double_padding) candidates.emplace_back(std::string(core) + 'A');
  for (auto& candidate : candidates) {
    const std::size_t meaningful = candidate.size();
    candidate.append((4 - candidate.size() % 4) % 4, '=');
    std::vector<std::uint8_t> bytes(detail::base64_decoded_capacity(candidate.size()));
    const auto decoded = detail::base64_decode(candidate, bytes);
    // Only zero padding may be restored: a shorter text must still hold the whole trailer, so that
    // the SHA-256 proves the payload intact.
    if (decoded.error || decoded.size > hash_byte_length || decoded.size < layout::header_size)
      continue;
    const std::size_t end = layout::read_u16(bytes, 2);
    if (end + layout::trailer_size > decoded.size) continue;
    bytes.resize(hash_byte_length);
    std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(decoded.size), bytes.end(), 0);
    std::string repaired = detail::base64_encode(bytes);
    // Bits under the padding that were not zero would be data the repair drops.
    if (repaired.compare(0, meaningful, candidate, 0, meaningful) != 0) continue;
    const auto problem = hash.decode(repaired);
    if (!problem || problem->rule == rule::hash_missing_field) return repaired;
  }
  return std::nullopt;
}

}  // namespace mmdreg
