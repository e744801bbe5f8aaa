// The PostgreSQL store against a real server (a throwaway cluster started by CTest): the client
// layer first (parameters, errors, redaction, reconnection).
#define BOOST_TEST_MODULE store_postgres
#include <boost/test/unit_test.hpp>

#include <string>

#include "postgres_fixture.hpp"
#include "store/postgres_connection.hpp"

using mmdreg::store::detail::pg_connection;
using mmdreg::store::detail::pg_params;
using mmdreg::store::detail::redact_uri;
using mmdreg::testing::postgres_uri;
using mmdreg::testing::scratch_database;

BOOST_AUTO_TEST_SUITE(client)

BOOST_AUTO_TEST_CASE(hostile_values_round_trip_as_parameters) {
  scratch_database db;
  auto conn = pg_connection::connect(db.uri());
  BOOST_REQUIRE_MESSAGE(conn.ok(), (conn.ok() ? std::string() : conn.err().message));
  BOOST_REQUIRE(conn->exec("CREATE TABLE t (id int8 PRIMARY KEY, value bytea NOT NULL)").ok());
  const std::string hostile[] = {"O'Brien; DROP TABLE t; --",
                                 "back\\slash \\x00 \\\\",
                                 std::string("nul\0inside", 10),
                                 "\"quoted\"",
                                 "$1 $$ dollar $$",
                                 std::string("\xff\xfe not utf-8", 13),
                                 ""};
  std::int64_t id = 0;
  for (const auto& value : hostile) {
    pg_params params;
    params.integer(++id).bytes(value);
    const auto inserted = conn->exec("INSERT INTO t (id, value) VALUES ($1, $2)", params);
    BOOST_REQUIRE_MESSAGE(inserted.ok(), inserted.message());
  }
  const auto rows = conn->exec("SELECT id, value FROM t ORDER BY id", pg_params{});
  BOOST_REQUIRE(rows.ok());
  BOOST_REQUIRE_EQUAL(rows.rows(), static_cast<int>(std::size(hostile)));
  for (int row = 0; row < rows.rows(); ++row) {
    BOOST_TEST(rows.integer(row, 0) == row + 1);
    BOOST_TEST(std::string(rows.bytes(row, 1)) == hostile[row]);
  }
  // The table survived the text that would have dropped it had it been pasted into SQL.
  BOOST_TEST(conn->exec("SELECT count(*) FROM t").ok());
}

BOOST_AUTO_TEST_CASE(integers_keep_their_sign_and_width) {
  scratch_database db;
  auto conn = pg_connection::connect(db.uri());
  BOOST_REQUIRE(conn.ok());
  pg_params params;
  params.integer(-5).integer(INT64_MAX).integer4(-7).boolean(true);
  const auto r = conn->exec("SELECT $1::int8, $2::int8, $3::int4, $4::bool, NULL::int8", params);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.message());
  BOOST_TEST(r.integer(0, 0) == -5);
  BOOST_TEST(r.integer(0, 1) == INT64_MAX);
  BOOST_TEST(r.integer(0, 2) == -7);
  BOOST_TEST(r.boolean(0, 3));
  BOOST_TEST(r.is_null(0, 4));
}

BOOST_AUTO_TEST_CASE(a_wrong_password_is_refused_without_printing_it) {
  const std::string secret = "S3cret-never-shown";
  auto uri = postgres_uri();
  uri += (uri.find('?') == std::string::npos ? "?" : "&") + std::string("password=") + secret;
  const auto conn = pg_connection::connect(uri);
  BOOST_REQUIRE(!conn.ok());
  const auto& message = conn.err().message;
  BOOST_TEST(message.find(secret) == std::string::npos, message);
  BOOST_TEST(message.find("password authentication failed") != std::string::npos, message);
  BOOST_TEST(message.find("password=***") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(passwords_are_redacted_in_every_uri_form) {
  BOOST_TEST(redact_uri("postgresql://alice:hunter2@db.example/reg") ==
             "postgresql://alice:***@db.example/reg");
  BOOST_TEST(redact_uri("postgres://alice:p%40ss@h:5432/reg?sslmode=require") ==
             "postgres://alice:***@h:5432/reg?sslmode=require");
  BOOST_TEST(redact_uri("postgresql://alice@h/reg?password=hunter2&sslmode=require") ==
             "postgresql://alice@h/reg?password=***&sslmode=require");
  BOOST_TEST(redact_uri("host=h user=alice password='a b\\'c' dbname=reg") ==
             "host=h user=alice password=*** dbname=reg");
  BOOST_TEST(redact_uri("postgresql://alice@h/reg") == "postgresql://alice@h/reg");
  BOOST_TEST(redact_uri("postgresql:///reg?host=/tmp/x") == "postgresql:///reg?host=/tmp/x");
}

BOOST_AUTO_TEST_CASE(an_unreachable_server_is_a_clear_error) {
  const auto conn = pg_connection::connect(
      "postgresql://nobody:topsecret@/postgres?host=/nonexistent-mmdreg-socket&connect_timeout=2");
  BOOST_REQUIRE(!conn.ok());
  BOOST_TEST(conn.err().message.find("cannot connect to PostgreSQL at") == 0, conn.err().message);
  BOOST_TEST(conn.err().message.find("topsecret") == std::string::npos, conn.err().message);
}

BOOST_AUTO_TEST_CASE(a_dropped_connection_is_recognised_and_reset) {
  scratch_database db;
  auto victim = pg_connection::connect(db.uri());
  auto killer = pg_connection::connect(db.uri());
  BOOST_REQUIRE(victim.ok() && killer.ok());
  const auto pid = victim->exec("SELECT pg_backend_pid()::int8", pg_params{});
  BOOST_REQUIRE(pid.ok());
  pg_params target;
  target.integer(pid.integer(0, 0));
  BOOST_REQUIRE(killer->exec("SELECT pg_terminate_backend(($1::int8)::int4)", target).ok());
  const auto failed = victim->exec("SELECT 1", pg_params{});
  BOOST_TEST(!failed.ok());
  BOOST_TEST(mmdreg::store::detail::is_connection_failure(failed.sqlstate()), failed.sqlstate());
  BOOST_REQUIRE(victim->reset());
  BOOST_TEST(victim->exec("SELECT 1", pg_params{}).ok());
}

BOOST_AUTO_TEST_SUITE_END()
