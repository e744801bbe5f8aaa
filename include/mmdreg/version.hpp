// Release version of mmdreg, for compile-time and run-time checks.
#ifndef MMDREG_VERSION_HPP
#define MMDREG_VERSION_HPP

#define MMDREG_VERSION_MAJOR 0
#define MMDREG_VERSION_MINOR 1
#define MMDREG_VERSION_PATCH 0
/// One number that orders releases: major * 10000 + minor * 100 + patch.
#define MMDREG_VERSION_NUMBER \
  (MMDREG_VERSION_MAJOR * 10000 + MMDREG_VERSION_MINOR * 100 + MMDREG_VERSION_PATCH)
#define MMDREG_VERSION_STRING "0.1.0"

namespace mmdreg {

/// The version of the library the program runs with (which may differ from the headers it was
/// compiled against when libmmdreg is a shared library).
const char* version() noexcept;

/// MMDREG_VERSION_NUMBER of the library the program runs with.
int version_number() noexcept;

}  // namespace mmdreg

#endif
