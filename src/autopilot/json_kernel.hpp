// The JSON readers come in two kernels built from one source (json_kernel_body.hpp): `portable`,
// compiled for plain x86-64 (or any CPU), and `avx2`, the same walk over simdjson's haswell
// On-Demand implementation (AVX2, BMI1, PCLMULQDQ, LZCNT). Debian's simdjson header compiles
// On-Demand only for the implementation the compiler flags allow, i.e. the scalar fallback; the
// avx2 kernel brings its vector string handling to the readers while the library itself still runs
// on any x86-64 CPU. The kernel is chosen at run time; both give identical results (the tests and
// the fuzz target run every reader through each and compare). Internal.
//
// Only the kernel table has external linkage in a kernel's translation unit; see
// json_kernel_avx2.cpp for how that keeps AVX2 code out of functions the rest of the library uses.
#ifndef MMDREG_SRC_AUTOPILOT_JSON_KERNEL_HPP
#define MMDREG_SRC_AUTOPILOT_JSON_KERNEL_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autopilot/json_text.hpp"
#include "mmdreg/autopilot/device_list.hpp"
#include "mmdreg/autopilot/payloads.hpp"
#include "mmdreg/result.hpp"

// The avx2 kernel needs GCC or clang on x86-64, and an optimized build: unoptimized, simdjson's
// shared inline functions are emitted instead of inlined and would carry AVX2 code out of the
// kernel (src/autopilot/check_avx2_kernel.cmake finds them); a debug build reads with the portable
// kernel. GCC with AddressSanitizer takes over 20 minutes on the flattened kernel, so GCC's
// sanitizer builds use the portable kernel too; the clang fuzz build (ASan + UBSan) runs both.
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__)) && \
    defined(__OPTIMIZE__) && !(defined(__SANITIZE_ADDRESS__) && !defined(__clang__))
#define MMDREG_JSON_AVX2_KERNEL 1
#else
#define MMDREG_JSON_AVX2_KERNEL 0
#endif

namespace mmdreg::autopilot::detail {

/// An On-Demand parser owned by one kernel (its type differs per kernel, hence opaque).
struct json_parser_handle;

/// The entry points of one kernel. Every reader parses `text` into `buffer` with `parser`.
struct json_reader_kernel {
  std::string_view name;  ///< "portable" or "avx2"
  json_parser_handle* (*create_parser)(std::size_t max_document_bytes);
  void (*destroy_parser)(json_parser_handle* parser) noexcept;
  result<imported_identity_page> (*read_imported_identities)(json_parser_handle& parser,
                                                             json_document_buffer& buffer,
                                                             const json_limits& limits,
                                                             std::string_view text);
  result<std::string> (*for_each_autopilot_device)(
      json_parser_handle& parser, json_document_buffer& buffer, const json_limits& limits,
      std::string_view text, const std::function<void(const autopilot_device_view&)>& on_device,
      std::vector<json_issue>& issues);
  result<batch_upload_details> (*read_batch_status)(json_parser_handle& parser,
                                                    json_document_buffer& buffer,
                                                    const json_limits& limits,
                                                    std::string_view text);
  std::optional<std::pair<std::string, std::string>> (*read_graph_error)(
      json_parser_handle& parser, json_document_buffer& buffer, const json_limits& limits,
      std::string_view text);
  /// Reads the devices and structural issues of a device list into `list` (no rule checks).
  status (*read_device_list)(json_parser_handle& parser, json_document_buffer& buffer,
                             const json_limits& limits, std::string_view text,
                             json_device_list& list);
};

/// Which kernel the readers use. `automatic` takes avx2 when the CPU has it and simdjson's own
/// run-time choice is haswell or better (so `SIMDJSON_FORCE_IMPLEMENTATION=fallback` forces the
/// portable kernel too); `avx2` on a CPU without it gives the portable kernel.
enum class json_kernel_choice : std::uint8_t { automatic = 0, portable = 1, avx2 = 2 };

/// Whether this CPU (and build) can run the avx2 kernel.
bool json_avx2_supported() noexcept;

/// Forces a kernel for the whole process (tests, benchmarks); `automatic` restores the default.
void force_json_kernel(json_kernel_choice choice) noexcept;

/// The kernel the readers use now.
const json_reader_kernel& active_json_kernel() noexcept;

/// The kernels themselves (the avx2 table exists only when MMDREG_JSON_AVX2_KERNEL is 1).
namespace portable_kernel {
extern const json_reader_kernel table;
}
#if MMDREG_JSON_AVX2_KERNEL
namespace avx2_kernel {
extern const json_reader_kernel table;
}
#endif

/// A kernel's parser together with the padded copy of the document it reads; recreated when the
/// active kernel changes, so a reader made before `force_json_kernel` follows it.
class json_reader_state {
 public:
  explicit json_reader_state(std::size_t max_document_bytes) noexcept
      : max_document_bytes_(max_document_bytes) {}
  ~json_reader_state();
  json_reader_state(json_reader_state&&) = delete;

  /// The active kernel, with its parser ready.
  const json_reader_kernel& kernel();
  json_parser_handle& parser() noexcept { return *parser_; }
  json_document_buffer& buffer() noexcept { return buffer_; }

 private:
  std::size_t max_document_bytes_;
  const json_reader_kernel* kernel_ = nullptr;
  json_parser_handle* parser_ = nullptr;
  json_document_buffer buffer_;
};

}  // namespace mmdreg::autopilot::detail

#endif
