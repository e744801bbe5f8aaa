// A thin RAII layer over the SQLite C API: a connection and prepared statements. Internal to the
// store; the tests use it too, to build files (foreign, old-schema) and hold locks by hand.
#ifndef MMDREG_STORE_SQLITE_CONNECTION_HPP
#define MMDREG_STORE_SQLITE_CONNECTION_HPP

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace mmdreg::store::detail {

/// One prepared statement, reset after every use so that it can be cached.
class statement {
 public:
  statement() = default;
  statement(sqlite3* db, std::string_view sql);
  statement(statement&& other) noexcept;
  statement& operator=(statement&& other) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  /// SQLITE_OK, or the error sqlite3_prepare_v3 returned.
  int prepared() const noexcept { return prepare_rc_; }

  void bind(int index, std::int64_t value) noexcept { sqlite3_bind_int64(stmt_, index, value); }
  /// Binds without copying: the text must outlive the step.
  void bind_text(int index, std::string_view text) noexcept;
  /// Binds without copying: the bytes must outlive the step.
  void bind_blob(int index, std::span<const std::uint8_t> bytes) noexcept;
  void bind_null(int index) noexcept { sqlite3_bind_null(stmt_, index); }

  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() noexcept { return sqlite3_step(stmt_); }
  /// Steps a statement that returns no row, then resets it. SQLITE_DONE on success.
  int run() noexcept;
  void reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  std::int64_t column_int64(int index) const noexcept { return sqlite3_column_int64(stmt_, index); }
  bool column_is_null(int index) const noexcept {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
  }
  std::string_view column_text(int index) const noexcept;
  std::span<const std::uint8_t> column_blob(int index) const noexcept;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int prepare_rc_ = SQLITE_OK;
};

/// One connection to one file.
class connection {
 public:
  connection() = default;
  connection(connection&& other) noexcept;
  connection& operator=(connection&& other) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// sqlite3_open_v2 with `flags`; check ok() and message() afterwards.
  static connection open(const std::filesystem::path& file, int flags);

  bool ok() const noexcept { return open_rc_ == SQLITE_OK && db_ != nullptr; }
  int open_rc() const noexcept { return open_rc_; }
  sqlite3* handle() const noexcept { return db_; }

  /// Runs one or more statements that return no rows. SQLITE_OK on success.
  int exec(const char* sql) noexcept;
  /// The first column of the first row of `sql` as an integer; SQLITE_OK or the error in `rc`.
  std::int64_t query_int(const char* sql, int& rc) noexcept;
  /// The first column of the first row as text ("" without a row); error code in `rc`.
  std::string query_text(const char* sql, int& rc);
  /// The connection's latest error message and extended code, e.g. "database is locked (5)".
  std::string message() const;
  int extended_code() const noexcept {
    return db_ != nullptr ? sqlite3_extended_errcode(db_) : open_rc_;
  }

 private:
  sqlite3* db_ = nullptr;
  int open_rc_ = SQLITE_OK;
};

}  // namespace mmdreg::store::detail

#endif
