// A thin RAII layer over libpq: a connection, results, parameterized statements and pipelines.
// Internal to the store; the tests use it too. Every value travels as a parameter (never pasted
// into SQL text), in binary format, so any byte string (quotes, backslashes, NUL) round-trips.
// Messages never contain the connection URI's password.
#ifndef MMDREG_STORE_POSTGRES_CONNECTION_HPP
#define MMDREG_STORE_POSTGRES_CONNECTION_HPP

#include <libpq-fe.h>

#include <array>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmdreg/result.hpp"

namespace mmdreg::store::detail {

/// The URI with its password (user:PASSWORD@ or password=...) replaced by "***": the only form in
/// which a URI may appear in a message.
std::string redact_uri(std::string_view uri);

/// One result; frees itself.
class pg_result {
 public:
  pg_result() = default;
  explicit pg_result(PGresult* result) noexcept : result_(result) {}
  pg_result(pg_result&& other) noexcept;
  pg_result& operator=(pg_result&& other) noexcept;
  pg_result(const pg_result&) = delete;
  pg_result& operator=(const pg_result&) = delete;
  ~pg_result();

  explicit operator bool() const noexcept { return result_ != nullptr; }
  ExecStatusType status() const noexcept;
  /// PGRES_COMMAND_OK or PGRES_TUPLES_OK (PGRES_COPY_IN for COPY).
  bool ok() const noexcept;
  /// The five-character SQLSTATE ("" when the server sent none, e.g. the connection broke).
  std::string_view sqlstate() const noexcept;
  std::string message() const;

  int rows() const noexcept { return result_ != nullptr ? PQntuples(result_) : 0; }
  bool is_null(int row, int column) const noexcept { return PQgetisnull(result_, row, column); }
  /// A binary-format column's bytes (text, bytea).
  std::string_view bytes(int row, int column) const noexcept;
  /// A binary-format int2, int4 or int8 column.
  std::int64_t integer(int row, int column) const noexcept;
  /// A binary-format boolean column.
  bool boolean(int row, int column) const noexcept;

 private:
  PGresult* result_ = nullptr;
};

/// Parameters of one statement, kept in binary format. Views added must outlive the statement's
/// execution (they are not copied); integers are stored in the object.
class pg_params {
 public:
  pg_params& bytes(std::string_view value);  ///< bytea or text
  pg_params& integer(std::int64_t value);    ///< int8
  pg_params& integer4(std::int32_t value);   ///< int4
  pg_params& boolean(bool value);
  pg_params& null();
  void clear();

  int count() const noexcept { return static_cast<int>(values_.size()); }
  const char* const* values() const noexcept { return values_.data(); }
  const int* lengths() const noexcept { return lengths_.data(); }
  const int* formats() const noexcept { return formats_.data(); }

 private:
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  // Integers in network byte order live here; a deque keeps their addresses stable as more are
  // added, so values() stays valid.
  std::deque<std::array<char, 8>> integers_;
  pg_params& add_integer(std::uint64_t value, int width);
};

/// SQLSTATE classes the store reacts to.
bool is_serialization_failure(std::string_view sqlstate) noexcept;  ///< 40001, 40P01
bool is_unique_violation(std::string_view sqlstate) noexcept;       ///< 23505
/// Class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect
/// now), or no SQLSTATE at all with a broken connection.
bool is_connection_failure(std::string_view sqlstate) noexcept;

/// One connection to one server.
class pg_connection {
 public:
  pg_connection() = default;
  pg_connection(pg_connection&& other) noexcept;
  pg_connection& operator=(pg_connection&& other) noexcept;
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;
  ~pg_connection();

  /// Connects with a libpq URI or key=value string; credentials may also come from PG* variables
  /// and ~/.pgpass, as for every libpq client. errc::io with libpq's reason and the redacted URI.
  static result<pg_connection> connect(std::string_view uri);

  bool ok() const noexcept { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
  PGconn* handle() const noexcept { return conn_; }
  /// libpq's latest message, trimmed.
  std::string message() const;
  /// Re-establishes a broken connection (PQreset). True when it is usable again.
  bool reset();

  /// Runs SQL without parameters (one or more statements); results in text format.
  pg_result exec(const char* sql);
  /// Runs one parameterized statement; results in binary format.
  pg_result exec(const char* sql, const pg_params& params);
  /// Prepares a named statement once per connection.
  pg_result prepare(const char* name, const char* sql);
  /// Runs a prepared statement; results in binary format.
  pg_result exec_prepared(const char* name, const pg_params& params);

  /// Pipeline mode: queue statements without waiting for each answer, then sync once.
  bool enter_pipeline();
  bool exit_pipeline();
  bool send_prepared(const char* name, const pg_params& params);
  bool pipeline_sync();
  /// The next result of the pipeline (an empty pg_result between statements' results).
  pg_result next_result();

 private:
  PGconn* conn_ = nullptr;
};

}  // namespace mmdreg::store::detail

#endif
