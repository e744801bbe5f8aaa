// Placeholder serials and the device requirements of spec section 8, as far as a hash shows them.
#include <array>
#include <cstdint>

#include "common/ascii.hpp"
#include "mmdreg/hash/hardware_hash.hpp"

namespace mmdreg {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool all_of(std::string_view s, char a, char b) noexcept {
  for (const char c : s)
    if (c != a && c != b) return false;
  return true;
}

// Strings that firmware leaves in the SMBIOS serial when the OEM never set it.
constexpr std::array<std::string_view, 26> placeholder_serials = {"Default string",
                                                                  "To be filled by O.E.M.",
                                                                  "System Serial Number",
                                                                  "None",
                                                                  "Not Specified",
                                                                  "Not Applicable",
                                                                  "N/A",
                                                                  "NA",
                                                                  "Not Available",
                                                                  "Unknown",
                                                                  "Invalid",
                                                                  "Empty",
                                                                  "Default",
                                                                  "Chassis Serial Number",
                                                                  "Base Board Serial Number",
                                                                  "Serial Number",
                                                                  "SerialNumber",
                                                                  "System Serial#",
                                                                  "OEM",
                                                                  "O.E.M.",
                                                                  "123456789",
                                                                  "1234567890",
                                                                  "0123456789",
                                                                  "12345678",
                                                                  "To Be Filled By OEM",
                                                                  "Type1 - Serial Number"};

// Values beyond these are not a machine but a damaged record (or random test bytes): Windows
// addresses at most 48 TB of RAM, and no single drive comes near a petabyte.
constexpr std::uint64_t kMostPlausibleRamGb = 48 * 1024;
constexpr std::uint64_t kMostPlausibleDiskGb = 1024 * 1024;

// STORAGE_BUS_TYPE values (Windows winioctl.h) that the boot-disk record carries.
std::string_view bus_name(std::uint16_t bus) noexcept {
  switch (bus) {
    case 1:
      return "SCSI";
    case 2:
      return "ATAPI";
    case 3:
      return "ATA";
    case 7:
      return "USB";
    case 8:
      return "RAID";
    case 9:
      return "iSCSI";
    case 10:
      return "SAS";
    case 11:
      return "SATA";
    case 12:
      return "SD";
    case 13:
      return "MMC (eMMC)";
    case 14:
      return "virtual";
    case 15:
      return "file-backed virtual";
    case 16:
      return "Storage Spaces";
    case 17:
      return "NVMe";
    case 18:
      return "SCM";
    case 19:
      return "UFS";
    default:
      return {};
  }
}

// Buses that only carry solid-state storage; every other bus may hold a spinning disk.
bool solid_state_bus(std::uint16_t bus) noexcept {
  return bus == 12 || bus == 13 || bus == 17 || bus == 18 || bus == 19;
}

// SMBIOS manufacturer strings of the four supported makers.
constexpr std::array<std::string_view, 9> supported_manufacturers = {
    "Dell Inc.",       "Dell",   "Dell Computer Corporation", "HP",       "Hewlett-Packard",
    "Hewlett Packard", "LENOVO", "Microsoft Corporation",     "Microsoft"};

using verdict = readiness_check::verdict;

readiness_check check(std::string_view requirement, verdict outcome, std::string detail) {
  return readiness_check{requirement, outcome, std::move(detail)};
}

std::string build_text(const os_build& b) {
  return std::to_string(b.major) + "." + std::to_string(b.minor) + "." + std::to_string(b.build) +
         "." + std::to_string(b.revision);
}

}  // namespace

bool is_placeholder_serial(std::string_view serial) noexcept {
  serial = trim(serial);
  if (serial.empty()) return false;  // an empty serial is a missing value, not a placeholder
  if (all_of(serial, '0', '0') || all_of(serial, 'X', 'x')) return true;
  if (detail::starts_with_nocase(serial, "SMBIOS_STRING_INDEX")) return true;
  for (const auto placeholder : placeholder_serials)
    if (detail::equals_nocase(serial, placeholder)) return true;
  return false;
}

std::vector<readiness_check> check_readiness(const hardware_hash& hash) {
  std::vector<readiness_check> checks;
  checks.reserve(7);

  const auto build = hash.windows_build();
  checks.push_back(
      check("Windows 10/11 Enterprise, Pro or Pro Workstation", verdict::unknown,
            build ? "the hash records Windows " + build_text(*build) + " but not the edition"
                  : "the hash has no version record"));

  constexpr std::string_view architecture = "64-bit, not ARM";
  if (const auto arch = hash.architecture()) {
    const auto name = architecture_name(*arch);
    if (name.empty())
      checks.push_back(check(architecture, verdict::unknown,
                             "unknown architecture value " + std::to_string(*arch)));
    else
      checks.push_back(check(architecture,
                             *arch == static_cast<std::uint8_t>(hash_architecture::x64)
                                 ? verdict::met
                                 : verdict::not_met,
                             std::string(name) + " processor"));
  } else {
    checks.push_back(check(architecture, verdict::unknown, "the hash has no version record"));
  }

  constexpr std::string_view tpm = "TPM 2.0";
  const auto tpm_text = hash.tpm_version_text();
  const auto tpm_number = hash.tpm_version();
  if (tpm_text.empty())
    checks.push_back(
        check(tpm, verdict::not_met,
              "no TPM in the hash (no TPM version record): the device had no usable TPM "
              "when it was captured"));
  else if (tpm_number.empty())
    checks.push_back(
        check(tpm, verdict::unknown, "unreadable TPM version text: " + std::string(tpm_text)));
  else
    checks.push_back(check(
        tpm, tpm_number == "2" || tpm_number.starts_with("2.") ? verdict::met : verdict::not_met,
        "TPM " + std::string(tpm_number)));

  checks.push_back(check("UEFI Secure Boot", verdict::unknown,
                         "the hash records neither the firmware type nor the Secure Boot state"));

  constexpr std::string_view ram = "at least 8 GB RAM";
  if (const auto gb = hash.ram_gb(); gb && *gb > kMostPlausibleRamGb)
    checks.push_back(check(ram, verdict::unknown,
                           "the memory record claims " + std::to_string(*gb) +
                               " GB, more than any Windows edition can address: the record is "
                               "damaged or was not written by the capture tool"));
  else if (gb)
    checks.push_back(
        check(ram, *gb >= 8 ? verdict::met : verdict::not_met, std::to_string(*gb) + " GB RAM"));
  else
    checks.push_back(check(ram, verdict::unknown, "the hash has no memory record"));

  constexpr std::string_view disk = "a non-HDD boot drive of at least 128 GB";
  if (const auto d = hash.boot_disk()) {
    const auto name = bus_name(d->bus_type);
    const std::string bus =
        name.empty() ? "bus type " + std::to_string(d->bus_type) : std::string(name);
    const std::string what = std::to_string(d->capacity_gb) + " GB on " + bus;
    if (d->capacity_gb > kMostPlausibleDiskGb)
      checks.push_back(check(disk, verdict::unknown,
                             "the boot-disk record claims " + what +
                                 ", more than any single drive holds: the record is damaged or "
                                 "was not written by the capture tool"));
    else if (d->capacity_gb < 128)
      checks.push_back(check(disk, verdict::not_met, what + ", below 128 GB"));
    else if (solid_state_bus(d->bus_type))
      checks.push_back(check(disk, verdict::met, what + " (solid-state by its bus)"));
    else
      checks.push_back(
          check(disk, verdict::unknown, what + ": the bus does not tell an SSD from an HDD"));
  } else {
    checks.push_back(check(disk, verdict::unknown, "the hash has no boot-disk record"));
  }

  constexpr std::string_view maker = "manufacturer Dell, HP, Lenovo or Microsoft";
  const auto manufacturer = trim(hash.manufacturer());
  bool supported = false;
  for (const auto name : supported_manufacturers)
    supported = supported || detail::equals_nocase(manufacturer, name);
  const std::string shown = "SMBIOS manufacturer \"" + std::string(manufacturer) + "\"";
  if (supported && detail::starts_with_nocase(manufacturer, "Microsoft") &&
      detail::equals_nocase(trim(hash.model()), "Virtual Machine"))
    checks.push_back(check(maker, verdict::not_met,
                           shown + ", model \"Virtual Machine\": a Hyper-V virtual machine"));
  else
    checks.push_back(check(maker, supported ? verdict::met : verdict::not_met, shown));
  return checks;
}

}  // namespace mmdreg
