#include "autopilot/json_kernel.hpp"

#include <simdjson.h>

#include <atomic>

namespace mmdreg::autopilot::detail {

namespace {

std::atomic<json_kernel_choice> forced_kernel{json_kernel_choice::automatic};

bool cpu_runs_haswell() noexcept {
#if MMDREG_JSON_AVX2_KERNEL
  // simdjson's own detection checks exactly the instructions of its haswell kernel.
  static const bool supported = [] {
    const auto* haswell = simdjson::get_available_implementations()["haswell"];
    return haswell != nullptr && haswell->supported_by_runtime_system();
  }();
  return supported;
#else
  return false;
#endif
}

bool simdjson_chose_haswell_or_better() noexcept {
  const auto name = simdjson::get_active_implementation()->name();
  return name == "haswell" || name == "icelake";
}

}  // namespace

bool json_avx2_supported() noexcept {
  return cpu_runs_haswell();
}

void force_json_kernel(json_kernel_choice choice) noexcept {
  forced_kernel.store(choice, std::memory_order_relaxed);
}

const json_reader_kernel& active_json_kernel() noexcept {
#if MMDREG_JSON_AVX2_KERNEL
  switch (forced_kernel.load(std::memory_order_relaxed)) {
    case json_kernel_choice::portable:
      return portable_kernel::table;
    case json_kernel_choice::avx2:
      return cpu_runs_haswell() ? avx2_kernel::table : portable_kernel::table;
    case json_kernel_choice::automatic:
      break;
  }
  return cpu_runs_haswell() && simdjson_chose_haswell_or_better() ? avx2_kernel::table
                                                                  : portable_kernel::table;
#else
  (void)simdjson_chose_haswell_or_better;
  return portable_kernel::table;
#endif
}

json_reader_state::~json_reader_state() {
  if (kernel_ != nullptr) kernel_->destroy_parser(parser_);
}

const json_reader_kernel& json_reader_state::kernel() {
  const json_reader_kernel& active = active_json_kernel();
  if (kernel_ != &active) {
    json_parser_handle* fresh = active.create_parser(max_document_bytes_);
    if (kernel_ != nullptr) kernel_->destroy_parser(parser_);
    kernel_ = &active;
    parser_ = fresh;
  }
  return active;
}

}  // namespace mmdreg::autopilot::detail
