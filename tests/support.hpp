// Helpers shared by the test suites.
#ifndef MMDREG_TESTS_SUPPORT_HPP
#define MMDREG_TESTS_SUPPORT_HPP

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

namespace mmdreg::testing {

/// ../shared beside the project, when it is there. Tests that read it skip cleanly without it.
inline std::optional<std::filesystem::path> shared_dir() {
  const char* dir = std::getenv("MMDREG_SHARED_DIR");
  if (dir == nullptr || !std::filesystem::is_directory(dir)) return std::nullopt;
  return std::filesystem::path(dir);
}

/// A Boost.Test precondition: the test is reported as skipped when ../shared is absent.
struct shared_dir_present {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result r(shared_dir().has_value());
    if (!r) r.message() << "../shared is absent (set MMDREG_SHARED_DIR)";
    return r;
  }
};

inline std::filesystem::path source_dir() {
  const char* dir = std::getenv("MMDREG_SOURCE_DIR");
  return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::current_path();
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace mmdreg::testing

#endif
