// The portable reading kernel: json_kernel_body.hpp over simdjson's builtin On-Demand
// implementation for the compiler's baseline flags (the scalar fallback on plain x86-64).
#include <simdjson.h>

#include <charconv>
#include <cstdint>
#include <cstring>

#include "autopilot/json_kernel.hpp"
#include "autopilot/json_members.hpp"
#include "mmdreg/autopilot/service_errors.hpp"

// GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+ (GCC bug 105329); the
// message-building code here is plain string concatenation.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#define MMDREG_JSON_KERNEL portable_kernel
#define MMDREG_JSON_KERNEL_NAME "portable"
#define MMDREG_JSON_KERNEL_ENTRY
#include "autopilot/json_kernel_body.hpp"
