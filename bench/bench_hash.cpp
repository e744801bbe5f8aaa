// Hardware-hash decoding throughput: the base64 kernels alone (AVX2 and scalar) and the full decode
// (base64 + structure walk + SHA-256 + field checks). MB are 10^6 characters of base64 input.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "hash/base64.hpp"
#include "mmdreg/hash/hardware_hash.hpp"

namespace {

using namespace mmdreg;

std::vector<std::string> make_hashes(std::size_t count) {
  std::vector<std::string> hashes;
  hashes.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    hash_fields fields;
    fields.serial_number = "SN" + std::to_string(100000 + i);
    fields.manufacturer = i % 3 == 0 ? "Dell Inc." : (i % 3 == 1 ? "HP" : "LENOVO");
    fields.model = "Model " + std::to_string(i % 17);
    for (std::size_t k = 0; k < fields.smbios_uuid.size(); ++k)
      fields.smbios_uuid[k] = static_cast<std::uint8_t>(i * 31 + k);
    fields.capture_time =
        std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + std::chrono::seconds{i};
    if (i % 4 != 0) {  // most real devices have a TPM: its 342 bytes lengthen the SHA-256 input
      std::array<std::uint8_t, 256> key{};
      for (std::size_t k = 0; k < key.size(); ++k)
        key[k] = static_cast<std::uint8_t>(i + k * 7);
      fields.tpm_endorsement_key = key;
    }
    auto text = build_hash(fields);
    if (!text.ok()) {
      std::fprintf(stderr, "build_hash failed: %s\n", text.err().message.c_str());
      std::exit(1);
    }
    hashes.push_back(std::move(*text));
  }
  return hashes;
}

struct rate {
  double hashes_per_s;
  double mb_per_s;
};

// Repeats passes over the inputs until at least `min_seconds` have elapsed.
template <class Work>
rate measure(const char* name, const std::vector<std::string>& hashes, double min_seconds,
             Work work) {
  std::size_t done = 0, characters = 0, passes = 0;
  bench::stopwatch clock;
  do {
    for (const auto& text : hashes) {
      work(text);
      characters += text.size();
    }
    done += hashes.size();
    ++passes;
  } while (clock.seconds() < min_seconds);
  const double seconds = clock.seconds();
  const rate r{static_cast<double>(done) / seconds,
               static_cast<double>(characters) / seconds / 1e6};
  std::printf("%-22s %10.0f hashes/s %9.1f MB/s  (%zu passes, %.2f s)\n", name, r.hashes_per_s,
              r.mb_per_s, passes, seconds);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4096;
  const double min_seconds = argc > 2 ? std::strtod(argv[2], nullptr) : 1.0;
  const auto hashes = make_hashes(count);
  std::printf(
      "%zu distinct hashes of %zu characters; AVX2 %s\n", hashes.size(), hash_text_length,
      detail::base64_avx2_supported() ? "available" : "NOT available (avx2 figure is scalar)");

  std::vector<std::uint8_t> out(hash_byte_length);
  std::size_t failures = 0;
  const auto base64 = [&](detail::base64_path path) {
    return [&out, &failures, path](const std::string& text) {
      failures += detail::base64_decode(text, out, path).error.has_value();
    };
  };
  const rate avx2 = measure("base64 avx2", hashes, min_seconds, base64(detail::base64_path::avx2));
  const rate scalar =
      measure("base64 scalar", hashes, min_seconds, base64(detail::base64_path::scalar));
  hardware_hash hash;
  const rate full = measure("full decode", hashes, min_seconds, [&](const std::string& text) {
    failures += hash.decode(text).has_value();
  });
  if (failures != 0) {
    std::fprintf(stderr, "%zu decodes failed\n", failures);
    return 1;
  }
  std::printf("peak RSS %.1f MiB\n", bench::peak_rss_mib());
  std::printf("hash decode_mb_per_s=%.0f base64_avx2_mb_per_s=%.0f base64_scalar_mb_per_s=%.0f\n",
              full.mb_per_s, avx2.mb_per_s, scalar.mb_per_s);
  return 0;
}
