// Versions, status names and the per-thread last error.
#include <string>

#include "guard.hpp"
#include "mmdreg/version.hpp"

namespace mmdreg::capi {
namespace {
thread_local std::string last_error;
}  // namespace

mmdreg_status fail(mmdreg_status status, std::string message) noexcept {
  try {
    last_error = std::move(message);
  } catch (...) {
    last_error.clear();  // an error too large to record still returns its status
  }
  return status;
}

void clear_error() noexcept {
  last_error.clear();
}

void name_failure(const char* function) noexcept {
  try {
    const std::string_view name(function);
    if (last_error.size() > name.size() && last_error.compare(0, name.size(), name) == 0 &&
        last_error[name.size()] == ':')
      return;
    last_error.insert(0, std::string(name) + ": ");
  } catch (...) {
    // The message stays as it was: the status still tells the failure.
  }
}

void remember_outcome(mmdreg_status status, std::string& handle_error) noexcept {
  try {
    if (status == MMDREG_OK)
      handle_error.clear();
    else
      handle_error = last_error;
  } catch (...) {
    handle_error.clear();  // a message too large to copy: the status alone tells the failure
  }
}

mmdreg_status status_of(errc code) noexcept {
  switch (code) {
    case errc::ok:
      return MMDREG_OK;
    case errc::invalid_argument:
      return MMDREG_EINVAL;
    case errc::not_found:
      return MMDREG_ENOTFOUND;
    case errc::refused:
      return MMDREG_EREFUSED;
    case errc::io:
      return MMDREG_EIO;
    case errc::conflict:
      return MMDREG_ECONFLICT;
    case errc::unsupported:
      return MMDREG_EUNSUPPORTED;
    case errc::internal:
      return MMDREG_EINTERNAL;
  }
  return MMDREG_EINTERNAL;
}

}  // namespace mmdreg::capi

extern "C" {

const char* mmdreg_version(void) {
  return MMDREG_CAPI_NOTHROW(mmdreg::version());
}
int mmdreg_version_number(void) {
  return MMDREG_CAPI_NOTHROW(mmdreg::version_number());
}
int mmdreg_abi_version(void) {
  return MMDREG_C_ABI_VERSION;
}

const char* mmdreg_status_name(mmdreg_status status) {
  switch (status) {
    case MMDREG_OK:
      return "ok";
    case MMDREG_EINVAL:
      return "invalid argument";
    case MMDREG_ENOTFOUND:
      return "not found";
    case MMDREG_EREFUSED:
      return "refused";
    case MMDREG_EIO:
      return "input/output error";
    case MMDREG_ECONFLICT:
      return "conflict";
    case MMDREG_EUNSUPPORTED:
      return "unsupported";
    case MMDREG_EINTERNAL:
      return "internal error";
    case MMDREG_ENOMEM:
      return "out of memory";
    case MMDREG_EBUFFER:
      return "buffer too small";
    case MMDREG_ECLOSED:
      return "handle closed";
    case MMDREG_STATUS_MAX_ENUM:
      break;
  }
  return "unknown status";
}

const char* mmdreg_last_error(void) {
  return MMDREG_CAPI_NOTHROW(mmdreg::capi::last_error.c_str());
}

}  // extern "C"
