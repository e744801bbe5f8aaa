// The avx2 reading kernel: json_kernel_body.hpp over simdjson's haswell On-Demand implementation,
// for CPUs with AVX2, BMI1, PCLMULQDQ and LZCNT; json_kernel.cpp calls it only on such a CPU.
//
// How AVX2 code is kept out of functions the rest of the library runs (the ODR hazard of
// compiling shared inline code for a richer instruction set): this file is compiled with the
// library's ordinary flags, and only the region between the target pragmas below is compiled for
// AVX2. Every standard and mmdreg header is included before that region, so the standard
// library's inline functions and templates (std::string, std::vector<json_issue>, std::function,
// ...) are defined, and therefore instantiated, for plain x86-64 even when this file's code
// instantiates them; whichever copy the linker keeps is safe anywhere. Inside the region are
// <simdjson.h>, with its On-Demand front end built for the haswell implementation, and
// json_kernel_body.hpp, whose code has internal linkage except the data table `avx2_kernel::table`.
// The remaining shared definitions are simdjson's: those of namespace simdjson::haswell are built
// for AVX2 in every translation unit anyway (its header targets them) and only the avx2 kernel
// reaches them; the others are inlined into the kernel's flattened entry points and not emitted
// (which is why the kernel exists only in optimized builds, see json_kernel.hpp).
// src/CMakeLists.txt checks the result after each build (autopilot/check_avx2_kernel.cmake): no
// weak or global function of this object other than simdjson::haswell code may contain an AVX,
// AVX2, BMI, LZCNT, TZCNT, POPCNT or PCLMULQDQ instruction. Compiled without optimization, this
// kernel fails that check (std::__countr_zero with TZCNT before <bit> was included here,
// simdjson::internal::simdjson_result_base<double> with VEX moves), so the check is not idle.
#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cassert>
#include <cfloat>
#include <charconv>
#include <cinttypes>
#include <climits>
#include <compare>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iomanip>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <ostream>
#include <ranges>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "autopilot/json_kernel.hpp"
#include "autopilot/json_members.hpp"
#include "mmdreg/autopilot/service_errors.hpp"

#if MMDREG_JSON_AVX2_KERNEL

// GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+ (GCC bug 105329); the
// message-building code here is plain string concatenation.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#ifdef SIMDJSON_H
#error "<simdjson.h> must first be included here, inside the AVX2 region"
#endif
#define SIMDJSON_BUILTIN_IMPLEMENTATION haswell
// simdjson forces inlining of nearly everything. Standard templates instantiated over its types
// (std::pair<raw_json_string, value> under ondemand::field) are plain x86-64 code and may not
// inline AVX2 functions, so inlining is left to the compiler here; the kernel's entry points are
// flattened instead (MMDREG_JSON_KERNEL_ENTRY), which inlines the whole walk into them.
#define simdjson_inline inline
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,bmi,pclmul,lzcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,bmi,pclmul,lzcnt")
#endif

#include <simdjson.h>

#define MMDREG_JSON_KERNEL avx2_kernel
#define MMDREG_JSON_KERNEL_NAME "avx2"
#define MMDREG_JSON_KERNEL_AVX2 1
#define MMDREG_JSON_KERNEL_ENTRY __attribute__((flatten))
#include "autopilot/json_kernel_body.hpp"

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#endif
