// The throwaway PostgreSQL server of the test run (tests/postgres.tests.cmake): its URI, and a
// fresh database per test so that tests never see each other's rows.
#ifndef MMDREG_TESTS_POSTGRES_FIXTURE_HPP
#define MMDREG_TESTS_POSTGRES_FIXTURE_HPP

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include "store/postgres_connection.hpp"

namespace mmdreg::testing {

/// The server's URI (the maintenance database), from the state folder the fixture wrote. Throws
/// when the tests run without the fixture: a missing server is a failure, never a skip.
inline std::string postgres_uri() {
  const char* state = std::getenv("MMDREG_TEST_POSTGRES_STATE");
  if (state == nullptr)
    throw std::runtime_error(
        "MMDREG_TEST_POSTGRES_STATE is not set: run this test through ctest, which starts the "
        "PostgreSQL server (tests/postgres_cluster.sh)");
  std::ifstream in(std::string(state) + "/uri");
  std::string uri;
  if (!std::getline(in, uri) || uri.empty())
    throw std::runtime_error(std::string("no server URI in ") + state + "/uri");
  return uri;
}

/// `uri` with its database replaced by `database` (the URIs the fixture writes have the form
/// postgresql://user@/db?host=...).
inline std::string with_database(const std::string& uri, const std::string& database) {
  const auto slash = uri.find('/', uri.find("://") + 3);
  const auto query = uri.find('?', slash);
  return uri.substr(0, slash + 1) + database +
         (query == std::string::npos ? "" : uri.substr(query));
}

/// A database created for one test and dropped when the test ends.
class scratch_database {
 public:
  scratch_database() {
    static std::atomic<int> counter{0};
    name_ = "mmdreg_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    auto admin = store::detail::pg_connection::connect(postgres_uri());
    if (!admin.ok()) throw std::runtime_error(admin.err().message);
    auto created = admin->exec(("CREATE DATABASE " + name_).c_str());
    if (!created.ok()) throw std::runtime_error(created.message());
    uri_ = with_database(postgres_uri(), name_);
  }
  ~scratch_database() {
    auto admin = store::detail::pg_connection::connect(postgres_uri());
    if (admin.ok()) admin->exec(("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str());
  }
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  const std::string& uri() const { return uri_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string uri_;
};

}  // namespace mmdreg::testing

#endif
