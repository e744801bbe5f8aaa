#include "store/sqlite_connection.hpp"

#include <utility>

namespace mmdreg::store::detail {

statement::statement(sqlite3* db, std::string_view sql) {
  prepare_rc_ = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                   SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
}
statement::statement(statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), prepare_rc_(other.prepare_rc_) {}
statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    prepare_rc_ = other.prepare_rc_;
  }
  return *this;
}
statement::~statement() {
  sqlite3_finalize(stmt_);
}

void statement::bind_text(int index, std::string_view text) noexcept {
  // A non-null pointer even for "" so that an empty string stays a string, not NULL.
  sqlite3_bind_text(stmt_, index, text.empty() ? "" : text.data(), static_cast<int>(text.size()),
                    SQLITE_STATIC);
}
void statement::bind_blob(int index, std::span<const std::uint8_t> bytes) noexcept {
  static constexpr std::uint8_t nothing = 0;
  sqlite3_bind_blob(stmt_, index, bytes.empty() ? &nothing : bytes.data(),
                    static_cast<int>(bytes.size()), SQLITE_STATIC);
}

int statement::run() noexcept {
  const int rc = sqlite3_step(stmt_);
  reset();
  return rc;
}

std::string_view statement::column_text(int index) const noexcept {
  const auto* text = sqlite3_column_text(stmt_, index);
  const auto size = sqlite3_column_bytes(stmt_, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}
std::span<const std::uint8_t> statement::column_blob(int index) const noexcept {
  const auto* bytes = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, index));
  const auto size = sqlite3_column_bytes(stmt_, index);
  if (bytes == nullptr) return {};
  return {bytes, static_cast<std::size_t>(size)};
}

connection::connection(connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), open_rc_(other.open_rc_) {}
connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    open_rc_ = other.open_rc_;
  }
  return *this;
}
connection::~connection() {
  sqlite3_close_v2(db_);
}

connection connection::open(const std::filesystem::path& file, int flags) {
  connection c;
  c.open_rc_ = sqlite3_open_v2(file.c_str(), &c.db_, flags, nullptr);
  if (c.db_ != nullptr) sqlite3_extended_result_codes(c.db_, 1);
  return c;
}

int connection::exec(const char* sql) noexcept {
  return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
}

std::int64_t connection::query_int(const char* sql, int& rc) noexcept {
  statement s(db_, sql);
  if (s.prepared() != SQLITE_OK) {
    rc = s.prepared();
    return 0;
  }
  const int step = s.step();
  if (step == SQLITE_ROW) {
    rc = SQLITE_OK;
    return s.column_int64(0);
  }
  rc = step == SQLITE_DONE ? SQLITE_OK : step;
  return 0;
}

std::string connection::query_text(const char* sql, int& rc) {
  statement s(db_, sql);
  if (s.prepared() != SQLITE_OK) {
    rc = s.prepared();
    return {};
  }
  const int step = s.step();
  if (step == SQLITE_ROW) {
    rc = SQLITE_OK;
    return std::string(s.column_text(0));
  }
  rc = step == SQLITE_DONE ? SQLITE_OK : step;
  return {};
}

std::string connection::message() const {
  if (db_ == nullptr) return sqlite3_errstr(open_rc_);
  return std::string(sqlite3_errmsg(db_)) + " (" + std::to_string(sqlite3_extended_errcode(db_)) +
         ")";
}

}  // namespace mmdreg::store::detail
