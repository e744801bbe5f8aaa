// The boundary between C callers and the C++ library: argument checks, the per-thread last error,
// and the catch-all that keeps every C++ exception on this side. Internal to capi/.
#ifndef MMDREG_CAPI_GUARD_HPP
#define MMDREG_CAPI_GUARD_HPP

#include <cstring>
#include <exception>
#include <filesystem>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "mmdreg.h"
#include "mmdreg/result.hpp"

namespace mmdreg::capi {

/// Records `message` as the calling thread's last error and returns `status`.
mmdreg_status fail(mmdreg_status status, std::string message) noexcept;

/// Clears the calling thread's last error.
void clear_error() noexcept;

/// Puts "function: " before the calling thread's last error unless it already starts so: messages
/// from the C++ library (engine refusals, file errors) do not know which C function was called.
void name_failure(const char* function) noexcept;

/// Keeps the outcome of a call on a handle in the handle's own last error: the thread's message
/// after a failure, "" after a success.
void remember_outcome(mmdreg_status status, std::string& handle_error) noexcept;

/// The status code of a C++ error class.
mmdreg_status status_of(errc code) noexcept;

/// Maps a C++ error value onto a status and records its message (copying it may throw).
inline mmdreg_status fail(const error& e) {
  return fail(status_of(e.code), e.message);
}

/// Runs `body` so that no exception escapes: std::bad_alloc becomes MMDREG_ENOMEM, anything else
/// MMDREG_EINTERNAL, each with its message recorded. `body` receives `function` (the exported
/// function's name) and returns mmdreg_status: inside a lambda `__func__` is "operator()", so every
/// message written in the body names the function through that parameter.
template <class Body>
mmdreg_status guarded(const char* function, Body&& body) noexcept {
  try {
    clear_error();
    const mmdreg_status status = std::forward<Body>(body)(function);
    if (status != MMDREG_OK) name_failure(function);
    return status;
  } catch (const std::bad_alloc&) {
    return fail(MMDREG_ENOMEM, std::string(function) + ": out of memory");
  } catch (const std::exception& e) {
    return fail(MMDREG_EINTERNAL, std::string(function) + ": internal error: " + e.what());
  } catch (...) {
    return fail(MMDREG_EINTERNAL, std::string(function) + ": internal error");
  }
}

/// Evaluates `expression`, an exported function's whole work when it runs without guarded(), after
/// proving at compile time that it cannot throw: such a function has no catch-all, so an exception
/// would cross into C. A callee losing its noexcept breaks the build instead.
#define MMDREG_CAPI_NOTHROW(...) \
  (::mmdreg::capi::require_nothrow<noexcept(__VA_ARGS__)>(), (__VA_ARGS__))

template <bool cannot_throw>
constexpr void require_nothrow() noexcept {
  static_assert(cannot_throw,
                "an exported function without a guard calls something that may throw");
}

/// guarded() for a call on `handle`, whose own last error then tells the call's outcome as well.
/// A NULL handle has nowhere to keep it: the body reports it through the thread's last error.
/// Accessors take const handles, so their `last_error` member is mutable.
template <class Handle, class Body>
mmdreg_status guarded_on(const char* function, Handle* handle, Body&& body) noexcept {
  const mmdreg_status status = guarded(function, std::forward<Body>(body));
  if (handle != nullptr) remember_outcome(status, handle->last_error);
  return status;
}

/// MMDREG_EINVAL for an index at or past the `count` items called `what` ("findings", "rows"...).
inline mmdreg_status index_past(const char* function, size_t index, size_t count,
                                const char* what) {
  return fail(MMDREG_EINVAL, std::string(function) + ": index " + std::to_string(index) +
                                 " is past the " + std::to_string(count) + " " + what);
}

/// The body of every mmdreg_<thing>_free_and_clear: frees `*handle` and sets it to NULL.
template <class Handle>
void free_and_clear(Handle** handle) noexcept {
  static_assert(noexcept(delete *handle), "a handle's destructor must not throw");
  if (handle == nullptr) return;
  delete *handle;
  *handle = nullptr;
}

/// The body of every mmdreg_<thing>_last_error: the handle's own message, static "" for NULL.
template <class Handle>
const char* handle_last_error(const Handle* handle) noexcept {
  return handle == nullptr ? "" : handle->last_error.c_str();
}

/// The path named by a UTF-8 string. `std::filesystem::path(std::string)` would read the bytes in
/// the native narrow encoding (the ANSI code page on Windows); char8_t says they are UTF-8.
inline std::filesystem::path utf8_path(std::string_view utf8) {
  return std::filesystem::path(std::u8string(utf8.begin(), utf8.end()));
}

// The helpers below build messages, so they may throw std::bad_alloc: they run inside guarded(),
// which turns that into MMDREG_ENOMEM.

/// A C string argument as a view; false (with the error recorded) for NULL with a non-zero length.
inline bool text_argument(const char* function, const char* name, const char* data, size_t length,
                          std::string_view& out) {
  if (data == nullptr && length != 0) {
    fail(MMDREG_EINVAL, std::string(function) + ": " + name + " is NULL with a non-zero length");
    return false;
  }
  out = data == nullptr ? std::string_view{} : std::string_view(data, length);
  return true;
}

/// The int a C caller stored in an enum-typed argument or field. C allows any int there, while in
/// C++ an enum without negative enumerators cannot hold a negative value: reading it as the enum
/// type is undefined (UBSan: "not a valid value"), so range checks read the bytes as an int.
template <class Enum>
int enum_value(const Enum& value) noexcept {
  static_assert(sizeof(Enum) == sizeof(int), "C ABI enums are int-wide");
  int raw = 0;
  std::memcpy(&raw, &value, sizeof raw);
  return raw;
}

/// Records the error for a NULL pointer argument that must not be NULL.
inline mmdreg_status null_argument(const char* function, const char* name) {
  return fail(MMDREG_EINVAL, std::string(function) + ": " + name + " is NULL");
}

/// Checks before any work is done that a caller buffer can take `size` characters plus the NUL, so
/// a too-small buffer consumes nothing (no random draw is lost).
inline bool has_room(const char* function, size_t size, char* buffer, size_t capacity,
                     size_t* length, mmdreg_status& status) {
  if (length == nullptr) {
    status = null_argument(function, "length");
    return false;
  }
  if (buffer == nullptr || capacity < size + 1) {
    *length = size;
    status = fail(MMDREG_EBUFFER, std::string(function) + ": the buffer holds " +
                                      std::to_string(buffer == nullptr ? 0 : capacity) +
                                      " bytes, " + std::to_string(size + 1) + " are needed");
    return false;
  }
  return true;
}

/// Copies `text` into a caller buffer under the string-out convention of mmdreg.h.
inline mmdreg_status copy_out(const char* function, std::string_view text, char* buffer,
                              size_t capacity, size_t* length) {
  mmdreg_status status = MMDREG_OK;
  if (!has_room(function, text.size(), buffer, capacity, length, status)) return status;
  *length = text.size();
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  return MMDREG_OK;
}

}  // namespace mmdreg::capi

#endif
