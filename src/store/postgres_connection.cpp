#include "store/postgres_connection.hpp"

#include <cstring>
#include <utility>

namespace mmdreg::store::detail {

namespace {

std::string trimmed(const char* text) {
  std::string out = text != nullptr ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

std::uint64_t read_big_endian(const char* bytes, int width) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < width; ++i)
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

}  // namespace

std::string redact_uri(std::string_view uri) {
  std::string out(uri);
  // postgresql://user:password@host...: the password ends at the last '@' of the authority.
  if (const auto scheme = out.find("://"); scheme != std::string::npos) {
    const auto authority = scheme + 3;
    const auto end = out.find_first_of("/?", authority);
    const auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at > authority) {
      const auto colon = out.find(':', authority);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=... as a query parameter (URI) or a key=value pair (connection string).
  for (std::size_t from = 0;;) {
    const auto key = out.find("password=", from);
    if (key == std::string::npos) break;
    const bool starts_key = key == 0 || out[key - 1] == '?' || out[key - 1] == '&' ||
                            out[key - 1] == ' ' || out[key - 1] == '\t';
    const auto value = key + 9;
    if (!starts_key) {
      from = value;
      continue;
    }
    std::size_t end = value;
    if (end < out.size() && out[end] == '\'') {  // key='quoted value' in a connection string
      ++end;
      while (end < out.size() && out[end] != '\'')
        end += out[end] == '\\' ? 2 : 1;
      end = end < out.size() ? end + 1 : out.size();
    } else {
      end = out.find_first_of("& \t", value);
      if (end == std::string::npos) end = out.size();
    }
    out.replace(value, end - value, "***");
    from = value + 3;
  }
  return out;
}

pg_result::pg_result(pg_result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

pg_result& pg_result::operator=(pg_result&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

pg_result::~pg_result() {
  if (result_ != nullptr) PQclear(result_);
}

ExecStatusType pg_result::status() const noexcept {
  return result_ != nullptr ? PQresultStatus(result_) : PGRES_FATAL_ERROR;
}

bool pg_result::ok() const noexcept {
  const auto s = status();
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_COPY_IN;
}

std::string_view pg_result::sqlstate() const noexcept {
  if (result_ == nullptr) return {};
  const char* state = PQresultErrorField(result_, PG_DIAG_SQLSTATE);
  return state != nullptr ? std::string_view(state) : std::string_view();
}

std::string pg_result::message() const {
  if (result_ == nullptr) return "no result from the server";
  return trimmed(PQresultErrorMessage(result_));
}

std::string_view pg_result::bytes(int row, int column) const noexcept {
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::int64_t pg_result::integer(int row, int column) const noexcept {
  const int width = PQgetlength(result_, row, column);
  const std::uint64_t raw = read_big_endian(PQgetvalue(result_, row, column), width);
  switch (width) {
    case 2:
      return static_cast<std::int16_t>(raw);
    case 4:
      return static_cast<std::int32_t>(raw);
    default:
      return static_cast<std::int64_t>(raw);
  }
}

bool pg_result::boolean(int row, int column) const noexcept {
  return PQgetlength(result_, row, column) == 1 && PQgetvalue(result_, row, column)[0] != 0;
}

pg_params& pg_params::bytes(std::string_view value) {
  // libpq reads a binary parameter by its length; a non-null pointer marks "not NULL".
  values_.push_back(value.data() != nullptr ? value.data() : "");
  lengths_.push_back(static_cast<int>(value.size()));
  formats_.push_back(1);
  return *this;
}

pg_params& pg_params::add_integer(std::uint64_t value, int width) {
  auto& slot = integers_.emplace_back();
  for (int i = width - 1; i >= 0; --i) {
    slot[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
  values_.push_back(slot.data());
  lengths_.push_back(width);
  formats_.push_back(1);
  return *this;
}

pg_params& pg_params::integer(std::int64_t value) {
  return add_integer(static_cast<std::uint64_t>(value), 8);
}

pg_params& pg_params::integer4(std::int32_t value) {
  return add_integer(static_cast<std::uint32_t>(value), 4);
}

pg_params& pg_params::boolean(bool value) {
  return add_integer(value ? 1 : 0, 1);
}

pg_params& pg_params::null() {
  values_.push_back(nullptr);
  lengths_.push_back(0);
  formats_.push_back(1);
  return *this;
}

void pg_params::clear() {
  values_.clear();
  lengths_.clear();
  formats_.clear();
  integers_.clear();
}

bool is_serialization_failure(std::string_view sqlstate) noexcept {
  return sqlstate == "40001" || sqlstate == "40P01";
}

bool is_unique_violation(std::string_view sqlstate) noexcept {
  return sqlstate == "23505";
}

bool is_connection_failure(std::string_view sqlstate) noexcept {
  return sqlstate.empty() || sqlstate.starts_with("08") || sqlstate == "57P01" ||
         sqlstate == "57P02" || sqlstate == "57P03";
}

pg_connection::pg_connection(pg_connection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

pg_connection& pg_connection::operator=(pg_connection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
  }
  return *this;
}

pg_connection::~pg_connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

result<pg_connection> pg_connection::connect(std::string_view uri) {
  const std::string conninfo(uri);
  if (conninfo.find('\0') != std::string::npos)
    return error{errc::invalid_argument, "the PostgreSQL connection string contains a NUL byte"};
  pg_connection connection;
  connection.conn_ = PQconnectdb(conninfo.c_str());
  if (connection.conn_ == nullptr)
    return error{errc::io,
                 "cannot connect to PostgreSQL at " + redact_uri(uri) + ": out of memory"};
  if (PQstatus(connection.conn_) != CONNECTION_OK) {
    // libpq's reasons name hosts, users and databases, never the password.
    return error{errc::io, "cannot connect to PostgreSQL at " + redact_uri(uri) + ": " +
                               redact_uri(connection.message())};
  }
  // Errors are reported by our messages; the server's notices (e.g. "relation already exists,
  // skipping") are not for the caller's terminal.
  PQsetNoticeProcessor(
      connection.conn_, [](void*, const char*) {}, nullptr);
  return connection;
}

std::string pg_connection::message() const {
  return conn_ != nullptr ? trimmed(PQerrorMessage(conn_)) : "not connected";
}

bool pg_connection::reset() {
  if (conn_ == nullptr) return false;
  PQreset(conn_);
  return PQstatus(conn_) == CONNECTION_OK;
}

pg_result pg_connection::exec(const char* sql) {
  return pg_result(PQexec(conn_, sql));
}

pg_result pg_connection::exec(const char* sql, const pg_params& params) {
  return pg_result(PQexecParams(conn_, sql, params.count(), nullptr, params.values(),
                                params.lengths(), params.formats(), 1));
}

pg_result pg_connection::prepare(const char* name, const char* sql) {
  return pg_result(PQprepare(conn_, name, sql, 0, nullptr));
}

pg_result pg_connection::exec_prepared(const char* name, const pg_params& params) {
  return pg_result(PQexecPrepared(conn_, name, params.count(), params.values(), params.lengths(),
                                  params.formats(), 1));
}

bool pg_connection::enter_pipeline() {
  return PQenterPipelineMode(conn_) == 1;
}
bool pg_connection::exit_pipeline() {
  return PQexitPipelineMode(conn_) == 1;
}

bool pg_connection::send_prepared(const char* name, const pg_params& params) {
  return PQsendQueryPrepared(conn_, name, params.count(), params.values(), params.lengths(),
                             params.formats(), 1) == 1;
}

bool pg_connection::pipeline_sync() {
  return PQpipelineSync(conn_) == 1;
}

pg_result pg_connection::next_result() {
  return pg_result(PQgetResult(conn_));
}

}  // namespace mmdreg::store::detail
