#include "mmdreg/version.hpp"

#include "mmdreg/result.hpp"

namespace mmdreg {

const char* version() noexcept {
  return MMDREG_VERSION_STRING;
}
int version_number() noexcept {
  return MMDREG_VERSION_NUMBER;
}

std::string_view errc_name(errc code) noexcept {
  switch (code) {
    case errc::ok:
      return "ok";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::not_found:
      return "not_found";
    case errc::refused:
      return "refused";
    case errc::io:
      return "io";
    case errc::conflict:
      return "conflict";
    case errc::unsupported:
      return "unsupported";
    case errc::internal:
      return "internal";
  }
  return "unknown";
}

}  // namespace mmdreg
