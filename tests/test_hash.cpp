#define BOOST_TEST_MODULE hash
#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <set>

#include "hash/base64.hpp"
#include "hash/sha256.hpp"
#include "hash/used_part.hpp"
#include "mmdreg/hash/hardware_hash.hpp"
#include "spec_tables.hpp"
#include "support.hpp"

// Counts heap allocations so that the no-allocation promise of decode() is tested, not assumed.
static std::atomic<long> allocations{0};
// Out of line, so that the compiler does not pair an inlined free() with operator new.
__attribute__((noinline)) void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void operator delete(void* p) noexcept {
  std::free(p);
}
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

using namespace mmdreg;
namespace ut = boost::unit_test;
using detail::base64_path;

namespace {

// The sample CSVs are UTF-16LE with a BOM (Windows PowerShell 5.1); their content is ASCII.
std::string utf16le_to_ascii(const std::string& raw) {
  std::string text;
  for (std::size_t i = 2; i + 1 < raw.size(); i += 2) {
    BOOST_TEST_REQUIRE(raw[i + 1] == '\0', "non-ASCII UTF-16 unit at byte " << i);
    text += raw[i];
  }
  return text;
}

std::vector<std::string> split(std::string_view line, char separator) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == separator) {
      fields.emplace_back(line.substr(start, i - start));
      start = i + 1;
    }
  return fields;
}

struct sample_file {
  std::string hash;
  std::string csv_serial;  // the CSV's serial column, when the file has one
};

sample_file read_sample(const std::string& name) {
  std::string raw = testing::read_file(*testing::shared_dir() / "hwhash-samples" / name);
  if (raw.starts_with("\xFF\xFE")) raw = utf16le_to_ascii(raw);
  if (raw.starts_with("\xEF\xBB\xBF")) raw.erase(0, 3);
  if (name.ends_with(".xml")) {
    const auto open = raw.find("<HardwareHash>");
    const auto close = raw.find("</HardwareHash>");
    BOOST_TEST_REQUIRE((open != std::string::npos && close != std::string::npos));
    return {raw.substr(open + 14, close - open - 14), {}};
  }
  std::vector<std::string> lines;
  for (auto& line : split(raw, '\n')) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  BOOST_TEST_REQUIRE(lines.size() >= 2U);
  const auto header = split(lines[0], ',');
  const auto row = split(lines[1], ',');
  sample_file file;
  for (std::size_t i = 0; i < header.size() && i < row.size(); ++i) {
    if (header[i] == "Hardware Hash") file.hash = row[i];
    if (header[i] == "Device Serial Number" || header[i] == "Serial Number")
      file.csv_serial = row[i];
  }
  return file;
}

struct expected_sample {
  std::string file;
  std::string manufacturer, model, serial;
  os_build build;
  hash_architecture architecture;
  std::uint64_t ram_gb;
  std::optional<boot_disk> disk;
  bool tpm;
};

// Manufacturer, device, build, architecture and TPM presence as the samples' README lists them; the
// SMBIOS strings, RAM and disk as an independent decoder (Python's base64 + struct) read them.
const std::vector<expected_sample> samples = {
    {"hwhash-01-lenovo-t14s-2in1-w11-26100.csv",
     "LENOVO",
     "21R3001BUK",
     "PF5MT6SC",
     {10, 0, 26100, 7840},
     hash_architecture::x64,
     16,
     boot_disk{512, 17},
     true},
    {"hwhash-02-hp-elitebook-650-g10-w11-22621.csv",
     "HP",
     "HP EliteBook 650 15.6 inch G10 Notebook PC",
     "5CD349G8VJ",
     {10, 0, 22621, 3085},
     hash_architecture::x64,
     16,
     boot_disk{512, 17},
     true},
    {"hwhash-03-vmware-arm64-w11-26100-grouptag.csv",
     "VMware, Inc.",
     "VMware20,1",
     "F98059756E444D56",
     {10, 0, 26100, 4351},
     hash_architecture::arm64,
     9,
     std::nullopt,
     true},
    {"hwhash-04-vmware-x64-notpm-w11-26200.csv",
     "VMware, Inc.",
     "VMware20,1",
     "VMware-56 4d 8d 37 93 fe f5 0e-88 0c 3d 23 2b a1 5a 41",
     {10, 0, 26200, 7840},
     hash_architecture::x64,
     16,
     std::nullopt,
     false},
    {"hwhash-05-qemu-notpm-server2022-20348.csv",
     "QEMU",
     "Standard PC (Q35 + ICH9, 2009)",
     "SMBIOS_STRING_INDEX_0",
     {10, 0, 20348, 558},
     hash_architecture::x64,
     4,
     boot_disk{68, 11},
     false},
    {"hwhash-06-qemu-swtpm-w10-19041.csv",
     "QEMU",
     "Standard PC (Q35 + ICH9, 2009)",
     "SMBIOS_STRING_INDEX_0",
     {10, 0, 19041, 5007},
     hash_architecture::x64,
     4,
     boot_disk{68, 11},
     true},
    {"hwhash-07-hp-elitebook-840-g8-w11-26200.csv",
     "HP",
     "HP EliteBook 840 G8 Notebook PC",
     "5CG1457YL8",
     {10, 0, 26200, 7840},
     hash_architecture::x64,
     16,
     boot_disk{512, 17},
     true},
    {"hwhash-08-lenovo-p14s-gen5-w11-26100.csv",
     "LENOVO",
     "21G2001VUS",
     "PF5NRH33",
     {10, 0, 26100, 3323},
     hash_architecture::x64,
     32,
     boot_disk{1024, 17},
     true},
    {"hwhash-09-dell-latitude-5530-winpe-oa3.xml",
     "Dell Inc.",
     "Latitude 5530",
     "68TLGS3",
     {10, 0, 25398, 1},
     hash_architecture::x64,
     32,
     boot_disk{512, 17},
     true},
};

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::vector<std::uint8_t> decode_bytes(std::string_view text) {
  std::vector<std::uint8_t> bytes(detail::base64_decoded_capacity(text.size()));
  const auto decoded = detail::base64_decode(text, bytes);
  BOOST_TEST_REQUIRE(!decoded.error.has_value());
  bytes.resize(decoded.size);
  return bytes;
}

std::uint16_t u16(const std::vector<std::uint8_t>& b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

// Recomputes the trailer's SHA-256 after a deliberate edit of the record area, and re-encodes.
std::string reseal(std::vector<std::uint8_t> bytes) {
  const std::size_t end = u16(bytes, 2);
  const auto digest = detail::sha256(std::span<const std::uint8_t>(bytes).first(end));
  std::copy(digest.begin(), digest.end(), bytes.begin() + static_cast<std::ptrdiff_t>(end) + 4);
  return detail::base64_encode(bytes);
}

// Offsets of the record headers, walked here independently of the library.
std::vector<std::size_t> record_offsets(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::size_t> offsets;
  for (std::size_t at = 4; at < u16(bytes, 2); at += u16(bytes, at + 2))
    offsets.push_back(at);
  return offsets;
}

std::array<std::uint8_t, 256> random_key(std::mt19937_64& rng) {
  std::array<std::uint8_t, 256> key{};
  for (auto& b : key)
    b = static_cast<std::uint8_t>(rng());
  return key;
}

std::string random_text(std::mt19937_64& rng, std::size_t min, std::size_t max) {
  std::string text(std::uniform_int_distribution<std::size_t>(min, max)(rng), ' ');
  for (auto& c : text)
    c = static_cast<char>(std::uniform_int_distribution<int>(0x20, 0x7E)(rng));
  return text;
}

hash_fields typical_fields() {
  hash_fields fields;
  fields.serial_number = "PF5MT6SC";
  fields.manufacturer = "LENOVO";
  fields.model = "21R3001BUK";
  fields.smbios_uuid = {0x7a, 0x60, 0xdf, 0x75, 0xbb, 0x7b, 0x2c, 0x49,
                        0xa3, 0x1c, 0x18, 0x3d, 0x2d, 0xba, 0xd0, 0x6a};
  fields.capture_time =
      std::chrono::sys_days{std::chrono::year{2026} / 4 / 7} + std::chrono::hours{9};
  std::mt19937_64 rng(7);
  fields.tpm_endorsement_key = random_key(rng);
  return fields;
}

std::string built(const hash_fields& fields) {
  auto text = build_hash(fields);
  BOOST_TEST_REQUIRE(text.ok(), text.err().message);
  return *text;
}

rule decode_rule(std::string_view text) {
  hardware_hash hash;
  const auto problem = hash.decode(text);
  BOOST_TEST_REQUIRE(problem.has_value(), "expected a rejection");
  BOOST_TEST(!problem->message.empty());
  BOOST_TEST(!problem->fix.empty());
  return problem->rule;
}

std::string decode_message(std::string_view text) {
  hardware_hash hash;
  const auto problem = hash.decode(text);
  BOOST_TEST_REQUIRE(problem.has_value());
  return problem->message;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(samples_from_real_devices, *ut::precondition(testing::shared_dir_present{}))

BOOST_AUTO_TEST_CASE(every_sample_decodes_to_the_documented_fields) {
  std::uint16_t smallest = 0xFFFF, largest = 0;
  for (const auto& expected : samples) {
    BOOST_TEST_CONTEXT(expected.file) {
      const auto file = read_sample(expected.file);
      BOOST_TEST(file.hash.size() == hash_text_length);
      hardware_hash hash;
      const auto problem = hash.decode(file.hash);
      BOOST_TEST_REQUIRE(!problem.has_value(), (problem ? problem->message : ""));
      BOOST_TEST(hash.manufacturer() == expected.manufacturer);
      BOOST_TEST(hash.model() == expected.model);
      BOOST_TEST(hash.serial_number() == expected.serial);
      if (!file.csv_serial.empty()) BOOST_TEST(hash.serial_number() == file.csv_serial);
      BOOST_TEST((hash.windows_build() == expected.build));
      BOOST_TEST(*hash.architecture() == static_cast<std::uint8_t>(expected.architecture));
      BOOST_TEST(*hash.ram_gb() == expected.ram_gb);
      BOOST_TEST(hash.boot_disk().has_value() == expected.disk.has_value());
      if (expected.disk && hash.boot_disk()) {
        BOOST_TEST(hash.boot_disk()->capacity_gb == expected.disk->capacity_gb);
        BOOST_TEST(hash.boot_disk()->bus_type == expected.disk->bus_type);
      }
      BOOST_TEST(hash.tpm_version() == (expected.tpm ? "2.0" : ""));
      BOOST_TEST(hash.tpm_version_text().starts_with("TPM-Version:2.0 -Level:0-Revision:") ==
                 expected.tpm);
      // The README: the EK digest matches in every sample that has a TPM; the others use kind 3.
      BOOST_TEST((hash.tpm_key_digest_matches() ==
                  (expected.tpm ? std::optional<bool>(true) : std::nullopt)));
      const auto time = hash.capture_time();
      BOOST_TEST_REQUIRE(time.has_value());
      BOOST_TEST((*time >= std::chrono::sys_days{std::chrono::year{2024} / 1 / 1} &&
                  *time < std::chrono::sys_days{std::chrono::year{2026} / 11 / 24}));
      BOOST_TEST(hash.smbios_uuid().has_value());
      BOOST_TEST(hash.record_types().front() == 1);
      BOOST_TEST(hash.record_types()[1] == 2);
      const bool winpe = expected.file.starts_with("hwhash-09");
      BOOST_TEST(*hash.os_type() == (winpe ? 1 : 2));
      const auto types = hash.record_types();
      BOOST_TEST((std::find(types.begin(), types.end(), 36) != types.end()) == winpe);
      smallest = std::min(smallest, hash.record_end());
      largest = std::max(largest, hash.record_end());
    }
  }
  BOOST_TEST(smallest == 645);
  BOOST_TEST(largest == 1326);
}

BOOST_AUTO_TEST_CASE(payload_lengths_capture_times_and_uuids_of_particular_samples) {
  hardware_hash hash;
  BOOST_TEST_REQUIRE(!hash.decode(read_sample("hwhash-05-qemu-notpm-server2022-20348.csv").hash));
  BOOST_TEST(hash.record_end() == 645);
  BOOST_TEST(!hash.tpm_key_digest_matches().has_value());
  BOOST_TEST_REQUIRE(!hash.decode(read_sample("hwhash-08-lenovo-p14s-gen5-w11-26100.csv").hash));
  BOOST_TEST(hash.record_end() == 1326);

  // A Dell UUID starts with "DELL" stored little-endian: Windows shows 4C4C4544-....
  BOOST_TEST_REQUIRE(!hash.decode(read_sample("hwhash-09-dell-latitude-5530-winpe-oa3.xml").hash));
  BOOST_TEST(hash.smbios_uuid_text() == "4C4C4544-0038-5410-804C-B6C04F475333");
  BOOST_TEST(*hash.utc_offset_minutes() == -480);  // captured in March in the US Pacific zone
  BOOST_TEST((*hash.capture_time() == std::chrono::sys_days{std::chrono::year{2024} / 3 / 4} +
                                          std::chrono::seconds{18 * 3600 + 15 * 60 + 14}));

  // VMware writes the raw UUID bytes into the serial: both must agree.
  BOOST_TEST_REQUIRE(!hash.decode(read_sample("hwhash-04-vmware-x64-notpm-w11-26200.csv").hash));
  std::string serial_hex;
  for (const char c : hash.serial_number().substr(7))
    if (std::isxdigit(static_cast<unsigned char>(c))) serial_hex += c;
  std::string uuid_hex;
  const auto uuid = hash.smbios_uuid();
  BOOST_TEST_REQUIRE(uuid.has_value());
  for (const auto b : *uuid) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", b);
    uuid_hex += two;
  }
  BOOST_TEST(serial_hex == uuid_hex);
  BOOST_TEST(hash.smbios_uuid_text() == "378D4D56-FE93-0EF5-880C-3D232BA15A41");

  BOOST_TEST_REQUIRE(!hash.decode(read_sample("hwhash-01-lenovo-t14s-2in1-w11-26100.csv").hash));
  BOOST_TEST(*hash.utc_offset_minutes() == 60);  // a UK part number, captured in April (BST)
}

BOOST_AUTO_TEST_CASE(the_truncated_documentation_sample_is_a_length_error_and_cannot_be_repaired) {
  const auto file = read_sample("hwhash-bad-01-truncated-ms-surface-laptop.csv");
  BOOST_TEST(file.hash.size() == 1452U);
  hardware_hash hash;
  const auto problem = hash.decode(file.hash);
  BOOST_TEST_REQUIRE(problem.has_value());
  BOOST_TEST((problem->rule == rule::hash_length));
  BOOST_TEST(problem->message.find("1089 bytes") != std::string::npos, problem->message);
  BOOST_TEST(!repair_padding(file.hash).has_value());
}

BOOST_AUTO_TEST_CASE(readiness_of_the_samples) {
  using verdict = readiness_check::verdict;
  const auto outcome = [](const std::string& file, std::string_view requirement) {
    hardware_hash hash;
    BOOST_TEST_REQUIRE(!hash.decode(read_sample(file).hash));
    for (const auto& c : check_readiness(hash))
      if (c.requirement == requirement) return c.outcome;
    BOOST_FAIL("no check for " << requirement);
    return verdict::unknown;
  };
  const std::string lenovo = samples[0].file, arm = samples[2].file, vmware = samples[3].file,
                    qemu = samples[4].file, dell = samples[8].file, hp = samples[1].file;
  BOOST_TEST((outcome(arm, "64-bit, not ARM") == verdict::not_met));
  BOOST_TEST((outcome(lenovo, "64-bit, not ARM") == verdict::met));
  for (const auto& vm : {arm, vmware, qemu})
    BOOST_TEST((outcome(vm, "manufacturer Dell, HP, Lenovo or Microsoft") == verdict::not_met));
  for (const auto& oem : {lenovo, dell, hp})
    BOOST_TEST((outcome(oem, "manufacturer Dell, HP, Lenovo or Microsoft") == verdict::met));
  BOOST_TEST((outcome(vmware, "TPM 2.0") == verdict::not_met));
  BOOST_TEST((outcome(lenovo, "TPM 2.0") == verdict::met));
  BOOST_TEST((outcome(qemu, "at least 8 GB RAM") == verdict::not_met));
  BOOST_TEST((outcome(lenovo, "at least 8 GB RAM") == verdict::met));
  BOOST_TEST((outcome(qemu, "a non-HDD boot drive of at least 128 GB") == verdict::not_met));
  BOOST_TEST((outcome(lenovo, "a non-HDD boot drive of at least 128 GB") == verdict::met));
  BOOST_TEST((outcome(arm, "a non-HDD boot drive of at least 128 GB") == verdict::unknown));
  BOOST_TEST((outcome(dell, "UEFI Secure Boot") == verdict::unknown));
  BOOST_TEST(
      (outcome(dell, "Windows 10/11 Enterprise, Pro or Pro Workstation") == verdict::unknown));
}

BOOST_AUTO_TEST_CASE(readiness_requirements_are_the_spec_wording) {
  const std::string spec = testing::read_file(*testing::shared_dir() / "spec" / "registration.md");
  auto section = spec.substr(spec.find("## 8."));
  std::replace(section.begin(), section.end(), '\n', ' ');  // the paragraph is wrapped
  hardware_hash hash;
  BOOST_TEST_REQUIRE(!hash.decode(read_sample(samples[0].file).hash));
  const auto checks = check_readiness(hash);
  BOOST_TEST(checks.size() == 7U);
  for (const auto& c : checks) {
    BOOST_TEST(section.find(c.requirement) != std::string::npos, c.requirement);
    BOOST_TEST(!c.detail.empty());
  }
}

BOOST_AUTO_TEST_CASE(every_bit_flip_of_a_real_sample_is_detected) {
  const auto bytes = decode_bytes(read_sample(samples[7].file).hash);
  std::size_t flips = 0;
  for (std::size_t at = 0; at < bytes.size();
       at += 7)  // a stride keeps the run short; built hashes get every byte
    for (int bit = 0; bit < 8; ++bit) {
      auto damaged = bytes;
      damaged[at] ^= static_cast<std::uint8_t>(1U << bit);
      const auto r = decode_rule(detail::base64_encode(damaged));
      BOOST_TEST((r == rule::hash_structure || r == rule::hash_checksum), "byte " << at);
      ++flips;
    }
  BOOST_TEST(flips > 3000U);
}

BOOST_AUTO_TEST_CASE(padding_repair_of_a_real_sample) {
  const auto text = read_sample(samples[0].file).hash;
  BOOST_TEST(!repair_padding(text).has_value());
  const auto repaired = repair_padding(text.substr(0, 3998) + "==");
  BOOST_TEST_REQUIRE(repaired.has_value());
  BOOST_TEST(*repaired == text);
}

BOOST_AUTO_TEST_CASE(placeholder_serials_of_the_spec) {
  const auto rows = testing::spec_table("Rule id");
  const auto row = std::find_if(rows.begin(), rows.end(), [](const auto& r) {
    return testing::code(r[0]) == "serial-placeholder";
  });
  BOOST_TEST_REQUIRE((row != rows.end()));
  const auto examples = testing::codes((*row)[2]);
  BOOST_TEST(examples.size() >= 6U);
  for (const auto& serial : examples)
    BOOST_TEST(is_placeholder_serial(serial), serial);
  for (const auto& s : samples) {
    hardware_hash hash;
    BOOST_TEST_REQUIRE(!hash.decode(read_sample(s.file).hash));
    BOOST_TEST(is_placeholder_serial(hash.serial_number()) ==
                   (hash.serial_number() == "SMBIOS_STRING_INDEX_0"),
               hash.serial_number());
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(built_hashes)

BOOST_AUTO_TEST_CASE(build_then_decode_round_trips_every_field) {
  std::mt19937_64 rng(2026);
  for (int round = 0; round < 300; ++round) {
    hash_fields fields;
    fields.serial_number = random_text(rng, 1, 40);
    fields.manufacturer = random_text(rng, 1, 40);
    fields.model = random_text(rng, 0, 60);
    for (auto& b : fields.smbios_uuid)
      b = static_cast<std::uint8_t>(rng());
    fields.capture_time = std::chrono::sys_seconds{
        std::chrono::seconds{946684800 + static_cast<std::int64_t>(rng() % 0xFFFFFFFFULL)}};
    fields.windows = {static_cast<std::uint16_t>(rng()), static_cast<std::uint16_t>(rng()),
                      static_cast<std::uint16_t>(rng()), static_cast<std::uint16_t>(rng())};
    fields.architecture = static_cast<std::uint8_t>(rng());
    fields.ram_gb = rng();
    fields.disk =
        rng() % 3 == 0
            ? std::nullopt
            : std::optional<boot_disk>(boot_disk{rng(), static_cast<std::uint16_t>(rng())});
    if (rng() % 2 == 0) fields.tpm_endorsement_key = random_key(rng);
    BOOST_TEST_CONTEXT("round " << round) {
      const auto text = built(fields);
      BOOST_TEST(text.size() == hash_text_length);
      hardware_hash hash;
      const auto problem = hash.decode(text);
      BOOST_TEST_REQUIRE(!problem.has_value(), (problem ? problem->message : ""));
      BOOST_TEST(hash.serial_number() == fields.serial_number);
      BOOST_TEST(hash.manufacturer() == fields.manufacturer);
      BOOST_TEST(hash.model() == fields.model);
      BOOST_TEST((hash.smbios_uuid() == fields.smbios_uuid));
      BOOST_TEST((hash.capture_time() == fields.capture_time));
      BOOST_TEST((hash.windows_build() == fields.windows));
      BOOST_TEST(*hash.architecture() == fields.architecture);
      BOOST_TEST(*hash.ram_gb() == fields.ram_gb);
      BOOST_TEST(*hash.os_type() == 2);
      BOOST_TEST(*hash.utc_offset_minutes() == 0);
      BOOST_TEST(hash.boot_disk().has_value() == fields.disk.has_value());
      if (fields.disk && hash.boot_disk()) {
        BOOST_TEST(hash.boot_disk()->capacity_gb == fields.disk->capacity_gb);
        BOOST_TEST(hash.boot_disk()->bus_type == fields.disk->bus_type);
      }
      const bool tpm = fields.tpm_endorsement_key.has_value();
      BOOST_TEST(hash.tpm_version() == (tpm ? "2.0" : ""));
      BOOST_TEST(
          (hash.tpm_key_digest_matches() == (tpm ? std::optional<bool>(true) : std::nullopt)));
      if (tpm) {
        const auto key = hash.record(static_cast<std::uint16_t>(hash_record::tpm_endorsement_key));
        BOOST_TEST_REQUIRE(key.has_value());
        BOOST_TEST(std::equal(key->begin(), key->end(), fields.tpm_endorsement_key->begin(),
                              fields.tpm_endorsement_key->end()));
      }
      const auto types = hash.record_types();
      const std::vector<std::uint16_t> expected_types = [&] {
        std::vector<std::uint16_t> t{1, 2, 5};
        if (fields.disk) t.push_back(6);
        if (tpm) t.insert(t.end(), {13, 25});
        t.insert(t.end(), {11, 12, 14, 16, 17});
        return t;
      }();
      BOOST_TEST(std::vector<std::uint16_t>(types.begin(), types.end()) == expected_types,
                 boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(identity_is_manufacturer_serial_and_uuid_across_captures) {
  auto fields = typical_fields();
  hardware_hash first, second;
  BOOST_TEST_REQUIRE(!first.decode(built(fields)));
  fields.capture_time += std::chrono::hours{24 * 30};
  fields.ram_gb = 32;
  const auto later = built(fields);
  BOOST_TEST_REQUIRE(!second.decode(later));
  BOOST_TEST((first.identity() == second.identity()));
  const std::string expected = "LENOVO" + std::string(1, '\0') + "PF5MT6SC" + std::string(1, '\0');
  const auto digest =
      detail::sha256({as_bytes(expected), std::span<const std::uint8_t>(fields.smbios_uuid)});
  BOOST_TEST((first.identity().digest == digest));
  for (int change = 0; change < 3; ++change) {
    auto other = typical_fields();
    if (change == 0) other.serial_number += "1";
    if (change == 1) other.manufacturer = "Lenovo";
    if (change == 2) other.smbios_uuid[15] ^= 1;
    BOOST_TEST_REQUIRE(!second.decode(built(other)));
    BOOST_TEST((first.identity() != second.identity()), "change " << change);
  }
}

BOOST_AUTO_TEST_CASE(decoding_a_valid_hash_does_not_allocate) {
  const auto text = built(typical_fields());
  hardware_hash hash;
  const long before = allocations.load();
  const auto problem = hash.decode(text);
  const auto serial = hash.serial_number();
  const auto match = hash.tpm_key_digest_matches();
  const auto identity = hash.identity();
  const long after = allocations.load();
  BOOST_TEST(!problem.has_value());
  BOOST_TEST(serial == "PF5MT6SC");
  BOOST_TEST(*match);
  BOOST_TEST(identity.digest[0] + identity.digest[1] >= 0);
  BOOST_TEST(after == before);
  // The counter itself works: a rejection builds its message on the heap.
  const long before_bad = allocations.load();
  BOOST_TEST(hash.decode(text.substr(4)).has_value());
  BOOST_TEST(allocations.load() > before_bad);
}

BOOST_AUTO_TEST_CASE(every_single_bit_flip_is_detected_with_the_right_rule) {
  for (const bool tpm : {true, false}) {
    auto fields = typical_fields();
    if (!tpm) fields.tpm_endorsement_key.reset();
    const auto bytes = decode_bytes(built(fields));
    const std::size_t end = u16(bytes, 2);
    std::set<std::size_t> length_fields;
    std::set<std::size_t> type_fields;
    for (const auto at : record_offsets(bytes)) {
      length_fields.insert({at + 2, at + 3});
      type_fields.insert({at, at + 1});
    }
    for (std::size_t at = 0; at < bytes.size(); ++at) {
      for (int bit = 0; bit < 8; ++bit) {
        auto damaged = bytes;
        damaged[at] ^= static_cast<std::uint8_t>(1U << bit);
        const auto r = decode_rule(detail::base64_encode(damaged));
        BOOST_TEST_CONTEXT("byte " << at << " bit " << bit) {
          if (at < 4 || (at >= end && at < end + 4) || at >= end + 36)
            BOOST_TEST(
                (r == rule::hash_structure));  // magic, end offset, trailer tag, zero padding
          else if (length_fields.count(at) != 0)
            // A changed length breaks the chain, unless the following bytes happen to chain up to
            // the end again: then the checksum catches it.
            BOOST_TEST((r == rule::hash_structure || r == rule::hash_checksum));
          else
            BOOST_TEST((r == rule::hash_checksum));  // record types and values, the digest itself
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(structure_problems_say_where) {
  const auto bytes = decode_bytes(built(typical_fields()));
  const std::size_t end = u16(bytes, 2);
  auto magic = bytes;
  magic[1] = 'B';
  BOOST_TEST(decode_message(detail::base64_encode(magic)).find("bytes 0-1") != std::string::npos);
  auto too_far = bytes;
  too_far[2] = 0xFF;
  too_far[3] = 0x0B;  // 3071
  BOOST_TEST(decode_message(detail::base64_encode(too_far)).find("3071") != std::string::npos);
  auto short_record = bytes;
  short_record[4 + 28 + 2] = 3;  // record 2 declares a length below its header
  short_record[4 + 28 + 3] = 0;
  const auto short_message = decode_message(reseal(short_record));
  BOOST_TEST(short_message.find("at byte 32 (type 2) declares length 3") != std::string::npos,
             short_message);
  auto overrun = bytes;
  const auto last = record_offsets(bytes).back();
  overrun[last + 2] += 1;
  BOOST_TEST(decode_message(reseal(overrun)).find("runs past the end") != std::string::npos);
  auto trailer = bytes;
  trailer[end + 2] = 35;
  BOOST_TEST(decode_message(detail::base64_encode(trailer))
                 .find("trailer at byte " + std::to_string(end)) != std::string::npos);
  auto padding = bytes;
  padding[2999] = 1;
  BOOST_TEST(decode_message(detail::base64_encode(padding)).find("byte 2999 is 0x01") !=
             std::string::npos);
  auto digest = bytes;
  digest[end + 10] ^= 0x80;
  BOOST_TEST(decode_message(detail::base64_encode(digest)).find("SHA-256") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_or_empty_serial_or_manufacturer_is_a_missing_field) {
  auto fields = typical_fields();
  fields.serial_number.clear();
  BOOST_TEST((decode_rule(built(fields)) == rule::hash_missing_field));
  BOOST_TEST(decode_message(built(fields)).find("serial-number record (type 14) is empty") !=
             std::string::npos);
  fields = typical_fields();
  fields.manufacturer.clear();
  BOOST_TEST(decode_message(built(fields)).find("manufacturer record (type 16) is empty") !=
             std::string::npos);

  // Rename record 14 to an unknown type and re-seal: the chain and checksum hold, the serial is
  // gone.
  auto bytes = decode_bytes(built(typical_fields()));
  for (const auto at : record_offsets(bytes))
    if (u16(bytes, at) == 14) bytes[at] = 99;
  const auto text = reseal(bytes);
  BOOST_TEST((decode_rule(text) == rule::hash_missing_field));
  BOOST_TEST(decode_message(text).find("no serial-number record") != std::string::npos);
  hardware_hash hash;
  (void)hash.decode(text);
  BOOST_TEST(hash.record(99).has_value());  // an unknown type above the O(1) table is found too
  BOOST_TEST(hash.serial_number().empty());
}

BOOST_AUTO_TEST_CASE(base64_and_length_problems_of_whole_hashes) {
  const auto text = built(typical_fields());
  auto spaced = text;
  spaced[1234] = ' ';
  BOOST_TEST((decode_rule(spaced) == rule::hash_base64));
  BOOST_TEST(decode_message(spaced).find("character offset 1234") != std::string::npos);
  BOOST_TEST(decode_message(spaced).find("a space") != std::string::npos);
  auto padded = text;
  padded[100] = '=';
  BOOST_TEST(decode_message(padded).find("'=' at character offset 100") != std::string::npos);
  BOOST_TEST((decode_rule(text.substr(0, 3999)) == rule::hash_base64));
  BOOST_TEST(decode_message(text.substr(0, 3999)).find("3999 characters") != std::string::npos);
  BOOST_TEST((decode_rule(text.substr(0, 3996)) == rule::hash_length));
  BOOST_TEST(decode_message(text.substr(0, 3996)).find("2997 bytes") != std::string::npos);
  BOOST_TEST((decode_rule(text + "AAAA") == rule::hash_length));
  BOOST_TEST(decode_message(text + "AAAA").find("3003 bytes") != std::string::npos);
  BOOST_TEST((decode_rule(text.substr(0, 3998) + "==") == rule::hash_length));
  BOOST_TEST((decode_rule("") == rule::hash_length));
  // A bad character beyond the 4000th is still found (the text is checked, not stored).
  BOOST_TEST(decode_message(text + "AAA#").find("character offset 4003") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(build_refuses_what_does_not_fit) {
  auto fields = typical_fields();
  fields.model = std::string(2600, 'M');
  const auto oversize = build_hash(fields);
  BOOST_TEST_REQUIRE(!oversize.ok());
  BOOST_TEST((oversize.err().code == errc::invalid_argument));
  BOOST_TEST(oversize.err().message.find("at most 2964") != std::string::npos,
             oversize.err().message);
  fields.tpm_endorsement_key.reset();  // without the 342 TPM bytes the same model fits
  BOOST_TEST(build_hash(fields).ok());
  fields = typical_fields();
  fields.serial_number = std::string("AB\0C", 4);
  BOOST_TEST((build_hash(fields).err().code == errc::invalid_argument));
  fields = typical_fields();
  fields.capture_time = std::chrono::sys_days{std::chrono::year{1999} / 12 / 31};
  BOOST_TEST((build_hash(fields).err().code == errc::invalid_argument));
}

BOOST_AUTO_TEST_CASE(padding_repair_restores_only_intact_hashes) {
  const auto text = built(typical_fields());
  BOOST_TEST_REQUIRE(text.ends_with("AAAA"));  // the zero padding
  BOOST_TEST(!repair_padding(text).has_value(), "nothing to repair");
  const std::vector<std::string> repairable = {
      text + "==",                  // padding appended to a complete hash
      text.substr(0, 3999),         // a final 'A' lost: append '='
      text.substr(0, 3998),         // two lost: append "=="
      text.substr(0, 3998) + "==",  // the final "AA" replaced by padding
      text.substr(0, 3999) + "==",  // the final 'A' replaced by "=="
      text.substr(0, 3997) + "==",  // needs "==" turned into 'A'
      text.substr(0, 3000),         // most of the zero padding cut, trailer intact
  };
  for (std::size_t i = 0; i < repairable.size(); ++i) {
    BOOST_TEST_CONTEXT("case " << i) {
      const auto repaired = repair_padding(repairable[i]);
      BOOST_TEST_REQUIRE(repaired.has_value());
      BOOST_TEST(*repaired == text);
    }
  }
  const std::size_t end = u16(decode_bytes(text), 2);
  const std::size_t trailer_end_chars = (end + 36) * 4 / 3;
  auto damaged = text.substr(0, 3998) + "==";
  damaged[500] = damaged[500] == 'B' ? 'C' : 'B';  // the payload no longer matches its checksum
  auto nonzero_tail = text.substr(0, 3999);
  nonzero_tail[3998] = 'B';  // bits the repair would have to drop
  const std::vector<std::string> not_repairable = {
      text.substr(0, 3997),                   // no "==" to turn into 'A'
      text.substr(0, trailer_end_chars - 8),  // cut inside the SHA-256
      damaged,
      "#" + text.substr(1, 3997) + "==",  // a bad character is no padding problem
      nonzero_tail,
      text + "AAAA==",  // extra data, not padding
  };
  for (std::size_t i = 0; i < not_repairable.size(); ++i)
    BOOST_TEST(!repair_padding(not_repairable[i]).has_value(), "case " << i);
}

BOOST_AUTO_TEST_CASE(placeholder_serials) {
  for (const auto* serial :
       {"Default string", "To be filled by O.E.M.", "TO BE FILLED BY O.E.M.",
        "System Serial Number", "SMBIOS_STRING_INDEX_0", "SMBIOS_STRING_INDEX_1", "0",
        "000000000000", "None", " None ", "Not Specified", "N/A", "XXXXXXXX", "123456789",
        "Chassis Serial Number"})
    BOOST_TEST(is_placeholder_serial(serial), serial);
  for (const auto* serial : {"", "PF5MT6SC", "5CD349G8VJ", "016520771357", "68TLGS3", "00000001",
                             "NoneX", "Default string 2", "XXXXXXXX1"})
    BOOST_TEST(!is_placeholder_serial(serial), serial);
}

BOOST_AUTO_TEST_CASE(readiness_of_built_hashes) {
  using verdict = readiness_check::verdict;
  const auto outcome = [](const hash_fields& fields, std::string_view requirement) {
    hardware_hash hash;
    BOOST_TEST_REQUIRE(!hash.decode(built(fields)));
    for (const auto& c : check_readiness(hash))
      if (c.requirement == requirement) return std::pair(c.outcome, c.detail);
    BOOST_FAIL("no check for " << requirement);
    return std::pair(verdict::unknown, std::string());
  };
  auto fields = typical_fields();
  constexpr std::string_view disk = "a non-HDD boot drive of at least 128 GB";
  fields.disk = boot_disk{256, 11};
  const auto sata = outcome(fields, disk);
  BOOST_TEST((sata.first == verdict::unknown));
  BOOST_TEST(sata.second.find("256 GB on SATA") != std::string::npos, sata.second);
  fields.disk = boot_disk{127, 17};
  BOOST_TEST((outcome(fields, disk).first == verdict::not_met));
  fields.disk = boot_disk{128, 17};
  BOOST_TEST((outcome(fields, disk).first == verdict::met));
  fields.disk.reset();
  BOOST_TEST((outcome(fields, disk).first == verdict::unknown));
  fields.ram_gb = 7;
  BOOST_TEST((outcome(fields, "at least 8 GB RAM").first == verdict::not_met));
  fields.ram_gb = 8;
  BOOST_TEST((outcome(fields, "at least 8 GB RAM").first == verdict::met));
  fields.ram_gb = 48 * 1024;
  BOOST_TEST((outcome(fields, "at least 8 GB RAM").first == verdict::met));
  // A damaged memory record (the shared CSV generator writes random bytes there) proves nothing.
  fields.ram_gb = 1158252176259998754ULL;
  const auto absurd_ram = outcome(fields, "at least 8 GB RAM");
  BOOST_TEST((absurd_ram.first == verdict::unknown));
  BOOST_TEST(absurd_ram.second.find("damaged") != std::string::npos, absurd_ram.second);
  fields.ram_gb = 16;
  fields.disk = boot_disk{std::uint64_t{1} << 40, 17};
  BOOST_TEST((outcome(fields, disk).first == verdict::unknown));
  fields.disk.reset();
  fields.architecture = 0;
  BOOST_TEST((outcome(fields, "64-bit, not ARM").first == verdict::not_met));
  fields.architecture = 5;
  BOOST_TEST((outcome(fields, "64-bit, not ARM").first == verdict::unknown));
  fields.tpm_endorsement_key.reset();
  BOOST_TEST((outcome(fields, "TPM 2.0").first == verdict::not_met));
  constexpr std::string_view maker = "manufacturer Dell, HP, Lenovo or Microsoft";
  for (const auto* name :
       {"Dell Inc.", "HP", "Hewlett-Packard", "LENOVO", "Microsoft Corporation"}) {
    fields.manufacturer = name;
    BOOST_TEST((outcome(fields, maker).first == verdict::met), name);
  }
  fields.model = "Virtual Machine";  // Hyper-V
  BOOST_TEST((outcome(fields, maker).first == verdict::not_met));
  fields.model = "Surface Laptop 5";
  for (const auto* name : {"Acer", "ASUSTeK COMPUTER INC.", "innotek GmbH", "Xen"}) {
    fields.manufacturer = name;
    BOOST_TEST((outcome(fields, maker).first == verdict::not_met), name);
  }
}

BOOST_AUTO_TEST_CASE(a_tpm_1_2_is_read_and_does_not_meet_the_requirement) {
  auto bytes = decode_bytes(built(typical_fields()));
  const std::string_view v20 = "TPM-Version:2.0";
  const auto at = std::search(bytes.begin(), bytes.end(), v20.begin(), v20.end());
  BOOST_TEST_REQUIRE((at != bytes.end()));
  at[12] = '1';
  at[14] = '2';
  hardware_hash hash;
  BOOST_TEST_REQUIRE(!hash.decode(reseal(bytes)));
  BOOST_TEST(hash.tpm_version() == "1.2");
  BOOST_TEST(hash.tpm_version_text().starts_with("TPM-Version:1.2 -Level:0"));
  const auto checks = check_readiness(hash);
  const auto tpm = std::find_if(checks.begin(), checks.end(),
                                [](const auto& c) { return c.requirement == "TPM 2.0"; });
  BOOST_TEST_REQUIRE((tpm != checks.end()));
  BOOST_TEST((tpm->outcome == readiness_check::verdict::not_met));
  BOOST_TEST(tpm->detail == "TPM 1.2");
}

BOOST_AUTO_TEST_CASE(architecture_names) {
  BOOST_TEST(architecture_name(0) == "x86");
  BOOST_TEST(architecture_name(9) == "x64");
  BOOST_TEST(architecture_name(12) == "ARM64");
  BOOST_TEST(architecture_name(5).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(base64)

BOOST_AUTO_TEST_CASE(rfc4648_vectors_on_both_paths) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    BOOST_TEST(detail::base64_encode(as_bytes(plain)) == encoded);
    for (const auto path : {base64_path::scalar, base64_path::avx2}) {
      std::vector<std::uint8_t> out(detail::base64_decoded_capacity(std::strlen(encoded)));
      const auto decoded = detail::base64_decode(encoded, out, path);
      BOOST_TEST_REQUIRE(!decoded.error.has_value());
      BOOST_TEST(std::string(out.begin(),
                             out.begin() + static_cast<std::ptrdiff_t>(decoded.size)) == plain);
    }
  }
}

BOOST_AUTO_TEST_CASE(both_paths_decode_random_bytes_back) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::uint8_t> bytes(std::uniform_int_distribution<std::size_t>(0, 400)(rng));
    for (auto& b : bytes)
      b = static_cast<std::uint8_t>(rng());
    const auto text = detail::base64_encode(bytes);
    for (const auto path : {base64_path::scalar, base64_path::avx2}) {
      std::vector<std::uint8_t> out(detail::base64_decoded_capacity(text.size()));
      const auto decoded = detail::base64_decode(text, out, path);
      BOOST_TEST_REQUIRE(!decoded.error.has_value());
      out.resize(decoded.size);
      BOOST_TEST_REQUIRE((out == bytes));
      BOOST_TEST(detail::base64_check(text, path).size == bytes.size());
    }
  }
}

BOOST_AUTO_TEST_CASE(every_invalid_character_at_every_position_is_reported_identically) {
  if (!detail::base64_avx2_supported())
    BOOST_TEST_MESSAGE(
        "no AVX2 on this CPU: the avx2 path falls back to scalar and is compared to itself");
  std::vector<unsigned char> invalid;
  for (int c = 0; c < 256; ++c)
    if (!std::isalnum(c) || c >= 0x80)
      if (c != '+' && c != '/') invalid.push_back(static_cast<unsigned char>(c));
  BOOST_TEST(invalid.size() == 256U - 64U);
  std::mt19937_64 rng(5);
  const auto text = built(typical_fields());
  std::vector<std::uint8_t> out(hash_byte_length);
  std::size_t compared = 0;
  // Every position of a whole hash, each with a different invalid character (every value recurs).
  for (std::size_t at = 0; at < text.size(); ++at) {
    auto bad = text;
    // A final '=' is valid padding; every other position takes the characters in turn.
    const unsigned char c = at + 1 == text.size() && invalid[at % invalid.size()] == '='
                                ? '#'
                                : invalid[at % invalid.size()];
    bad[at] = static_cast<char>(c);
    const auto scalar = detail::base64_decode(bad, out, base64_path::scalar);
    const auto simd = detail::base64_decode(bad, out, base64_path::avx2);
    BOOST_TEST_REQUIRE(scalar.error.has_value());
    BOOST_TEST_REQUIRE((scalar.error == simd.error), "position " << at);
    BOOST_TEST(scalar.error->offset == at);
    BOOST_TEST(scalar.error->character == c);
    BOOST_TEST((scalar.error->failure == (c != '=' ? detail::base64_failure::bad_character
                                                   : detail::base64_failure::misplaced_padding)));
    ++compared;
  }
  // Random texts of random lengths with several bad characters: the first one wins on both paths.
  for (int round = 0; round < 20000; ++round) {
    std::string random(std::uniform_int_distribution<std::size_t>(0, 300)(rng), 'A');
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (auto& c : random)
      c = alphabet[rng() % 64];
    const int bad_count = static_cast<int>(rng() % 4);
    for (int k = 0; k < bad_count && !random.empty(); ++k)
      random[rng() % random.size()] = static_cast<char>(invalid[rng() % invalid.size()]);
    std::vector<std::uint8_t> buffer(detail::base64_decoded_capacity(random.size()));
    const auto scalar = detail::base64_decode(random, buffer, base64_path::scalar);
    std::vector<std::uint8_t> scalar_bytes(
        buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(scalar.size));
    const auto simd = detail::base64_decode(random, buffer, base64_path::avx2);
    BOOST_TEST_REQUIRE((scalar.error == simd.error), "text " << random);
    BOOST_TEST_REQUIRE(scalar.size == simd.size);
    if (!scalar.error)
      BOOST_TEST_REQUIRE(std::equal(scalar_bytes.begin(), scalar_bytes.end(), buffer.begin()));
    BOOST_TEST_REQUIRE((detail::base64_check(random, base64_path::avx2).error == scalar.error));
    ++compared;
  }
  BOOST_TEST(compared == 24000U);
}

BOOST_AUTO_TEST_CASE(error_order_and_padding_rules) {
  using detail::base64_failure;
  const auto error_of = [](std::string_view text) {
    std::vector<std::uint8_t> out(detail::base64_decoded_capacity(text.size()));
    return detail::base64_decode(text, out, base64_path::scalar).error;
  };
  BOOST_TEST((error_of("AB=C")->failure == base64_failure::misplaced_padding));
  BOOST_TEST(error_of("AB=C")->offset == 2U);
  BOOST_TEST((error_of("A===")->failure == base64_failure::misplaced_padding));
  BOOST_TEST(error_of("A===")->offset == 1U);
  BOOST_TEST((error_of("ABC")->failure == base64_failure::bad_length));
  BOOST_TEST(error_of("ABC")->offset == 3U);
  BOOST_TEST(
      (error_of("AB#")->failure == base64_failure::bad_character));  // position before length
  BOOST_TEST(!error_of("AB==").has_value());
  BOOST_TEST(!error_of("ABC=").has_value());
  BOOST_TEST((error_of("ABC==")->failure == base64_failure::bad_length));
  BOOST_TEST((error_of("=AAA")->failure == base64_failure::misplaced_padding));
  BOOST_TEST((error_of("AAAA\xC3\xA9")->failure == base64_failure::bad_character));
  std::vector<std::uint8_t> small(2);
  BOOST_CHECK_THROW((void)detail::base64_decode("AAAA", small), std::length_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(zero_sextet_runs_on_both_paths) {
  std::mt19937_64 rng(23);
  const std::string others = "BAa=+/0 \n-\x80\xC1\x41\x01";
  for (int round = 0; round < 5000; ++round) {
    std::string text(std::uniform_int_distribution<std::size_t>(0, 300)(rng), 'A');
    if (!text.empty() && round % 4 != 0)
      text[std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng)] =
          others[std::uniform_int_distribution<std::size_t>(0, others.size() - 1)(rng)];
    const bool expected = std::all_of(text.begin(), text.end(), [](char c) { return c == 'A'; });
    BOOST_TEST_CONTEXT("round " << round << " size " << text.size()) {
      BOOST_TEST(detail::base64_all_zero_sextets(text, base64_path::scalar) == expected);
      BOOST_TEST(detail::base64_all_zero_sextets(text, base64_path::avx2) == expected);
    }
  }
}

// The used-part decode may only accept a text the whole decode accepts, and must then produce the
// same 3000 bytes: the rest of hardware_hash::decode then sees the same input either way, so every
// finding stays the same. Mutations are aimed at the places where the two could part: the header,
// the quad holding the trailer's last byte, the padding and the length.
BOOST_AUTO_TEST_CASE(used_part_decode_agrees_with_the_whole_decode_on_mutated_hashes) {
  std::mt19937_64 rng(31);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string replacements = alphabet + "====AAAA \n\r\t-_.\"\x80\xFF";
  std::size_t accepted = 0, refused = 0;
  std::set<std::size_t> boundary_phases;
  for (int variant = 0; variant < 60; ++variant) {
    auto fields = typical_fields();
    fields.serial_number = random_text(rng, 1, 40);
    fields.model = random_text(rng, 1, 60);
    if (variant % 3 == 0) fields.tpm_endorsement_key.reset();
    const auto text = built(fields);
    const std::size_t end = u16(decode_bytes(text), 2);
    const std::size_t used_chars = (end + 36 + 2) / 3 * 4;
    boundary_phases.insert((end + 36) % 3);
    std::array<std::uint8_t, hash_byte_length> out{};
    // An intact hash takes the fast path.
    BOOST_TEST_REQUIRE(detail::decode_used_part(text, out) == used_chars / 4 * 3);
    BOOST_TEST_REQUIRE((std::vector<std::uint8_t>(out.begin(), out.end()) == decode_bytes(text)));
    for (int round = 0; round < 400; ++round) {
      std::string damaged = text;
      const int edits = std::uniform_int_distribution<int>(1, 3)(rng);
      for (int e = 0; e < edits; ++e) {
        std::size_t at = 0;
        switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
          case 0:
            at = std::uniform_int_distribution<std::size_t>(0, 11)(rng);
            break;
          case 1:
            at = std::uniform_int_distribution<std::size_t>(used_chars - 8, used_chars + 8)(rng);
            break;
          case 2:
            at = std::uniform_int_distribution<std::size_t>(3990, 3999)(rng);
            break;
          default:
            at = std::uniform_int_distribution<std::size_t>(0, 3999)(rng);
            break;
        }
        damaged[at] = replacements[std::uniform_int_distribution<std::size_t>(
            0, replacements.size() - 1)(rng)];
      }
      if (round % 25 == 0) damaged.push_back('A');
      if (round % 25 == 1) damaged.pop_back();
      std::vector<std::uint8_t> whole(detail::base64_decoded_capacity(damaged.size()));
      const auto decoded = detail::base64_decode(damaged, whole, base64_path::scalar);
      out.fill(0xEE);
      BOOST_TEST_CONTEXT("variant " << variant << " round " << round) {
        if (const auto zero_from = detail::decode_used_part(damaged, out); zero_from != 0) {
          BOOST_TEST_REQUIRE(zero_from >= end + 36);
          BOOST_TEST_REQUIRE(std::all_of(whole.begin() + static_cast<std::ptrdiff_t>(zero_from),
                                         whole.begin() + hash_byte_length,
                                         [](std::uint8_t b) { return b == 0; }));
          ++accepted;
          BOOST_TEST_REQUIRE(!decoded.error.has_value());
          BOOST_TEST_REQUIRE(decoded.size == hash_byte_length);
          BOOST_TEST_REQUIRE(std::equal(out.begin(), out.end(), whole.begin()));
        } else {
          ++refused;
        }
      }
    }
  }
  // Both outcomes and every alignment of the trailer's end within a quad were exercised.
  BOOST_TEST(accepted > 1000U);
  BOOST_TEST(refused > 1000U);
  BOOST_TEST(boundary_phases.size() == 3U);
}
