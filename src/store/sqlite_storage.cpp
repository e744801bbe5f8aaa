#include "mmdreg/store/sqlite_storage.hpp"

#include <unistd.h>

#include <array>
#include <mutex>
#include <string>
#include <system_error>

#include "store/sqlite_connection.hpp"
#include "store/sqlite_schema.hpp"

namespace mmdreg::store {

using detail::connection;
using detail::statement;
using registry::change_set;
using registry::snapshot;

namespace {

std::string quoted(const std::filesystem::path& file) {
  return "registry file '" + file.string() + "'";
}

/// The errc and wording for a failed SQLite call, so that callers can act on the error.
error sqlite_error(const std::filesystem::path& file, const connection& db, int rc,
                   std::string_view doing) {
  const int primary = rc & 0xFF;
  std::string what = quoted(file) + ": " + std::string(doing) + " failed: ";
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {
          errc::conflict,
          what + "another process holds the write lock (busy timeout expired); " + db.message()};
    case SQLITE_FULL:
      return {errc::io,
              what + "the disk is full or the file reached its size cap; " + db.message()};
    case SQLITE_READONLY:
      return {errc::refused, what + "the file is read-only; " + db.message()};
    case SQLITE_NOTADB:
      return {errc::unsupported, what + "not a registry (not a SQLite database); " + db.message()};
    case SQLITE_CORRUPT:
      return {errc::io, what + "the file is corrupt; " + db.message()};
    case SQLITE_CONSTRAINT:
      return {errc::invalid_argument,
              what + "the batch does not fit the stored registry; " + db.message()};
    default:
      return {errc::io, what + db.message()};
  }
}

/// Rows per multi-row INSERT: one statement execution writes this many strings, devices or audit
/// entries, so that the per-execution cost (VDBE start and halt, cursor opening, the foreign key
/// check set-up) is paid once per chunk rather than once per row.
constexpr std::size_t kChunkRows = 32;

/// "INSERT INTO <table> (<columns>) VALUES (?, ...), ... " with `rows` groups of `columns`
/// anonymous parameters, numbered 1, 2, ... in row order.
std::string multi_row_insert(std::string_view head, std::size_t columns, std::size_t rows) {
  std::string sql(head);
  sql += " VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (std::size_t c = 0; c < columns; ++c)
      sql += c == 0 ? "?" : ", ?";
    sql += ')';
  }
  return sql;
}

/// Statements a commit and a load run, prepared once per connection.
struct statements {
  statement max_string, max_device;
  statement upsert_meta, insert_string, upsert_organization, delete_org_partners, delete_org_oems,
      insert_org_partner, insert_org_oem, upsert_partner, upsert_oem, insert_catalogue,
      upsert_request, delete_failures, insert_failure, delete_cohort, upsert_cohort, update_device,
      insert_device, insert_audit;
  statement insert_string_chunk, insert_device_chunk, insert_audit_chunk;  // kChunkRows rows
  statement load_meta, load_strings, load_organizations, load_org_partners, load_org_oems,
      load_partners, load_oems, load_catalogue, load_requests, load_failures, load_cohorts,
      load_devices, load_audit;

  /// The first statement that failed to prepare, or SQLITE_OK.
  int prepare(sqlite3* db) {
    int rc = SQLITE_OK;
    const auto make = [&](statement& s, std::string_view sql) {
      s = statement(db, sql);
      if (rc == SQLITE_OK) rc = s.prepared();
    };
    make(max_string, "SELECT coalesce(max(id), 0) FROM strings");
    make(max_device, "SELECT coalesce(max(id), 0) FROM devices");
    make(upsert_meta,
         "INSERT INTO meta (key, start, now, jobs_ran_at, seed, latencies) "
         "VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (key) DO UPDATE SET start = ?1, now = ?2, "
         "jobs_ran_at = ?3, seed = ?4, latencies = ?5");
    make(insert_string, "INSERT INTO strings (id, text) VALUES (?1, ?2)");
    make(upsert_organization,
         "INSERT INTO organizations (id, name, enabled_profiles, naming_exception, licensed) "
         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET name = ?2, "
         "enabled_profiles = ?3, naming_exception = ?4, licensed = ?5");
    make(delete_org_partners, "DELETE FROM organization_partners WHERE organization = ?1");
    make(delete_org_oems, "DELETE FROM organization_oems WHERE organization = ?1");
    make(insert_org_partner,
         "INSERT INTO organization_partners (organization, position, partner) VALUES (?1, ?2, ?3)");
    make(insert_org_oem,
         "INSERT INTO organization_oems (organization, position, oem) VALUES (?1, ?2, ?3)");
    make(
        upsert_partner,
        "INSERT INTO partners (id, name) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET name = ?2");
    make(upsert_oem,
         "INSERT INTO oems (id, name) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET name = ?2");
    make(insert_catalogue,
         "INSERT INTO catalogue (manufacturer, model, serial_number, product_key_id, identity) "
         "VALUES (?1, ?2, ?3, ?4, ?5)");
    make(
        upsert_request,
        "INSERT INTO requests (number, organization, by_kind, by_id, via, profile, shared, "
        "order_id, purchase_id, created_at, accepted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11) ON CONFLICT (number) DO UPDATE SET organization = ?2, by_kind = ?3, by_id = ?4, "
        "via = ?5, profile = ?6, shared = ?7, order_id = ?8, purchase_id = ?9, created_at = ?10, "
        "accepted = ?11");
    make(delete_failures, "DELETE FROM failures WHERE request = ?1");
    make(insert_failure,
         "INSERT INTO failures (request, position, line, manufacturer, model, serial_number, "
         "error, request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    make(delete_cohort, "DELETE FROM cohorts WHERE id = ?1");
    make(upsert_cohort,
         "INSERT INTO cohorts (id, next_step, due) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO UPDATE "
         "SET next_step = ?2, due = ?3");
    make(update_device,
         "UPDATE devices SET organization = ?2, serial = ?3, row = ?4 WHERE id = ?1");
    make(insert_device,
         "INSERT INTO devices (id, organization, serial, row) VALUES (?1, ?2, ?3, ?4)");
    make(insert_audit, "INSERT INTO audit (device, time, entry) VALUES (?1, ?2, ?3)");
    make(insert_string_chunk, multi_row_insert("INSERT INTO strings (id, text)", 2, kChunkRows));
    make(insert_device_chunk,
         multi_row_insert("INSERT INTO devices (id, organization, serial, row)", 4, kChunkRows));
    make(insert_audit_chunk,
         multi_row_insert("INSERT INTO audit (device, time, entry)", 3, kChunkRows));

    make(load_meta, "SELECT start, now, jobs_ran_at, seed, latencies FROM meta WHERE key = 1");
    make(load_strings, "SELECT id, text FROM strings ORDER BY id");
    make(load_organizations,
         "SELECT id, name, enabled_profiles, naming_exception, licensed FROM organizations "
         "ORDER BY id");
    make(load_org_partners,
         "SELECT organization, partner FROM organization_partners ORDER BY organization, position");
    make(load_org_oems,
         "SELECT organization, oem FROM organization_oems ORDER BY organization, position");
    make(load_partners, "SELECT id, name FROM partners ORDER BY id");
    make(load_oems, "SELECT id, name FROM oems ORDER BY id");
    make(load_catalogue,
         "SELECT manufacturer, model, serial_number, product_key_id, identity FROM catalogue "
         "ORDER BY id");
    make(load_requests,
         "SELECT number, organization, by_kind, by_id, via, profile, shared, order_id, "
         "purchase_id, created_at, accepted FROM requests ORDER BY number");
    make(load_failures,
         "SELECT request, line, manufacturer, model, serial_number, error, request_id FROM "
         "failures ORDER BY request, position");
    make(load_cohorts, "SELECT id, next_step, due FROM cohorts ORDER BY id");
    make(load_devices, "SELECT id, row FROM devices ORDER BY id");
    make(load_audit, "SELECT device, time, entry FROM audit ORDER BY seq");
    return rc;
  }
};

/// Inserts `count` rows: whole chunks through `chunk` (kChunkRows rows of `columns` parameters),
/// the rest through `single`. bind(st, first_parameter, row, slot) binds row `row` at parameters
/// first_parameter... ; `slot` (below kChunkRows) names a buffer that stays untouched until the
/// statement has run, for values bound without a copy. SQLITE_DONE, or the failing code.
template <class Bind>
int insert_rows(statement& single, statement& chunk, int columns, std::size_t count, Bind&& bind) {
  std::size_t row = 0;
  for (; row + kChunkRows <= count; row += kChunkRows) {
    for (std::size_t slot = 0; slot < kChunkRows; ++slot)
      bind(chunk, static_cast<int>(slot) * columns + 1, row + slot, slot);
    if (const int rc = chunk.run(); rc != SQLITE_DONE) return rc;
  }
  for (; row < count; ++row) {
    bind(single, 1, row, std::size_t{0});
    if (const int rc = single.run(); rc != SQLITE_DONE) return rc;
  }
  return SQLITE_DONE;
}

/// A step failed: carries the SQLite code and what was being done.
struct step_failure {
  int rc = SQLITE_OK;
  const char* doing = "";
  std::string detail;  // set for failures that SQLite did not report (a broken invariant)
};

}  // namespace

struct sqlite_storage::impl {
  std::filesystem::path file;
  sqlite_options options;
  bool read_only = false;
  connection db;
  statements sql;
  /// PRAGMA data_version when this storage last saw the file whole (open, load): it changes when
  /// another connection commits, so a commit can tell that the engine's copy is stale.
  std::int64_t seen_version = 0;
  mutable std::mutex mutex;

  /// PRAGMA data_version, or the SQLite error in `rc`.
  std::int64_t data_version(int& rc) { return db.query_int("PRAGMA data_version", rc); }

  error fail(int rc, std::string_view doing) const { return sqlite_error(file, db, rc, doing); }

  status apply(const change_set& batch);
  result<snapshot> read_all();
};

namespace {

/// Runs migrations from the file's version up to the current one, each step in one transaction.
status migrate(const std::filesystem::path& file, connection& db) {
  for (const auto& step : detail::migrations()) {
    int rc = db.exec("BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) return sqlite_error(file, db, rc, "starting a schema migration");
    // Another process may have migrated the file while this one waited for the lock.
    const auto version = db.query_int("PRAGMA user_version", rc);
    if (rc == SQLITE_OK && version >= step.to) {
      db.exec("ROLLBACK");
      continue;
    }
    if (rc == SQLITE_OK) rc = db.exec(step.sql);
    if (rc == SQLITE_OK) {
      const std::string stamp =
          "PRAGMA application_id = " + std::to_string(sqlite_storage::application_id) +
          "; PRAGMA user_version = " + std::to_string(step.to);
      rc = db.exec(stamp.c_str());
    }
    if (rc == SQLITE_OK) rc = db.exec("COMMIT");
    if (rc != SQLITE_OK) {
      auto e =
          sqlite_error(file, db, rc, "migrating the schema to version " + std::to_string(step.to));
      db.exec("ROLLBACK");
      return e;
    }
  }
  return {};
}

}  // namespace

result<std::unique_ptr<sqlite_storage>> sqlite_storage::open(const std::filesystem::path& file,
                                                             const sqlite_options& options) {
  auto state = std::make_unique<impl>();
  state->file = file;
  state->options = options;
  std::error_code ec;
  const bool exists = std::filesystem::exists(file, ec);
  if (options.read_only && !exists)
    return error{errc::not_found, quoted(file) + ": does not exist (opened read-only)"};
  state->read_only = options.read_only || (exists && ::access(file.c_str(), W_OK) != 0);
  const int flags =
      state->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  // NOMUTEX: impl::mutex already serializes every use of the connection, so SQLite's own
  // per-call locking would only cost time.
  state->db = connection::open(file, flags | SQLITE_OPEN_NOMUTEX);
  auto& db = state->db;
  if (!db.ok()) {
    return error{errc::io, quoted(file) + ": cannot open: " + db.message()};
  }
  sqlite3_busy_timeout(db.handle(), static_cast<int>(options.busy_timeout.count()));

  // Recognise the file before writing anything to it.
  int rc = SQLITE_OK;
  const auto app = db.query_int("PRAGMA application_id", rc);
  if (rc != SQLITE_OK) return state->fail(rc, "reading the file header");
  const auto version = db.query_int("PRAGMA user_version", rc);
  if (rc != SQLITE_OK) return state->fail(rc, "reading the schema version");
  const auto objects = db.query_int("SELECT count(*) FROM sqlite_schema", rc);
  if (rc != SQLITE_OK) return state->fail(rc, "reading the schema");
  if (app != application_id && (app != 0 || objects != 0)) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(app));
    return error{errc::unsupported,
                 quoted(file) + ": not a registry: a SQLite database of another application " +
                     "(application_id " + hex + ", " + std::to_string(objects) +
                     " schema objects); nothing was changed"};
  }
  if (version > schema_version) {
    return error{errc::unsupported, quoted(file) + ": schema version " + std::to_string(version) +
                                        " is newer than this build's " +
                                        std::to_string(schema_version) +
                                        "; open it with a newer mmdreg (nothing was changed)"};
  }

  if (!state->read_only) {
    const auto mode = db.query_text("PRAGMA journal_mode = WAL", rc);
    if (rc != SQLITE_OK) return state->fail(rc, "switching to WAL mode");
    if (mode != "wal")
      return error{errc::io, quoted(file) + ": cannot switch to WAL mode (got '" + mode + "')"};
    // Durable commits: see the header for why FULL rather than NORMAL.
    if (rc = db.exec("PRAGMA synchronous = FULL"); rc != SQLITE_OK)
      return state->fail(rc, "setting synchronous = FULL");
  }
  if (rc = db.exec("PRAGMA foreign_keys = ON"); rc != SQLITE_OK)
    return state->fail(rc, "enabling foreign keys");
  // A batch of thousands of devices touches tens of MiB of pages; a larger cache and fewer, larger
  // checkpoints keep registration from re-reading and re-syncing them.
  if (rc = db.exec("PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 4096"); rc != SQLITE_OK)
    return state->fail(rc, "sizing the page cache");

  if (version < schema_version) {
    if (state->read_only) {
      return error{errc::refused, quoted(file) + ": schema version " + std::to_string(version) +
                                      " needs a migration to " + std::to_string(schema_version) +
                                      ", which a read-only file does not allow"};
    }
    if (auto s = migrate(file, db); !s) return s.err();
  }
  if (options.max_file_bytes) {
    const auto page_size = db.query_int("PRAGMA page_size", rc);
    if (rc != SQLITE_OK || page_size <= 0) return state->fail(rc, "reading the page size");
    const auto pages =
        std::max<std::uint64_t>(1, *options.max_file_bytes / static_cast<std::uint64_t>(page_size));
    const std::string cap = "PRAGMA max_page_count = " + std::to_string(pages);
    if (rc = db.exec(cap.c_str()); rc != SQLITE_OK) return state->fail(rc, "capping the size");
  }
  if (rc = state->sql.prepare(db.handle()); rc != SQLITE_OK)
    return state->fail(rc, "preparing statements");
  state->seen_version = state->data_version(rc);
  if (rc != SQLITE_OK) return state->fail(rc, "reading the data version");
  return std::unique_ptr<sqlite_storage>(new sqlite_storage(std::move(state)));
}

sqlite_storage::sqlite_storage(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
sqlite_storage::~sqlite_storage() = default;

const std::filesystem::path& sqlite_storage::path() const noexcept {
  return impl_->file;
}
bool sqlite_storage::read_only() const noexcept {
  return impl_->read_only;
}

status sqlite_storage::commit(const change_set& batch) {
  auto& m = *impl_;
  std::lock_guard lock(m.mutex);
  if (m.read_only)
    return error{
        errc::refused,
        quoted(m.file) + ": opened read-only; the batch was not written (nothing changed)"};
  if (int rc = m.db.exec("BEGIN IMMEDIATE"); rc != SQLITE_OK)
    return m.fail(rc, "starting the write transaction");
  int rc = SQLITE_OK;
  const auto version = m.data_version(rc);
  status applied;
  if (rc != SQLITE_OK) {
    applied = m.fail(rc, "reading the data version");
  } else if (version != m.seen_version) {
    // Another process committed since this storage loaded the file: the engine's copy is stale,
    // and writing its batch would overwrite the other process's records.
    applied = error{errc::conflict,
                    quoted(m.file) +
                        ": another process changed the registry since it was loaded here; the "
                        "batch was not written (reopen the registry to continue)"};
  } else {
    applied = m.apply(batch);
  }
  if (applied.ok()) {
    if (int rc = m.db.exec("COMMIT"); rc != SQLITE_OK) applied = m.fail(rc, "committing the batch");
  }
  if (!applied.ok() && !sqlite3_get_autocommit(m.db.handle())) m.db.exec("ROLLBACK");
  return applied;
}

status sqlite_storage::impl::apply(const change_set& batch) {
  auto& s = sql;
  int rc = SQLITE_OK;
  const auto check = [&](int got, int want) { return (rc = got) == want; };
  const auto failed = [&](const char* doing) { return fail(rc, doing); };

  // Ids that must follow the stored ones, checked inside the transaction so that another
  // writer's batches count.
  if (!check(s.max_string.step(), SQLITE_ROW)) return failed("reading the string table");
  auto next_string = static_cast<std::uint64_t>(s.max_string.column_int64(0)) + 1;
  s.max_string.reset();
  for (const auto& str : batch.strings) {
    if (str.id != next_string++) {
      return error{errc::invalid_argument,
                   quoted(file) + ": string id " + std::to_string(str.id) +
                       " does not follow the stored table; the batch was not written"};
    }
  }
  if (!check(s.max_device.step(), SQLITE_ROW)) return failed("reading the device table");
  const auto stored_devices = static_cast<std::uint64_t>(s.max_device.column_int64(0));
  s.max_device.reset();
  if (!batch.new_devices.empty() && batch.first_new_device != stored_devices + 1) {
    return error{errc::invalid_argument, quoted(file) + ": new devices start at " +
                                             std::to_string(batch.first_new_device) +
                                             ", the file holds " + std::to_string(stored_devices) +
                                             "; the batch was not written"};
  }

  {
    std::array<std::uint8_t, detail::latencies_blob_size> latencies{};
    detail::encode_latencies(batch.meta.latencies, latencies);
    auto& st = s.upsert_meta;
    st.bind(1, batch.meta.start);
    st.bind(2, batch.meta.now);
    st.bind(3, batch.meta.jobs_ran_at);
    st.bind(4, static_cast<std::int64_t>(batch.meta.seed));
    st.bind_blob(5, latencies);
    if (!check(st.run(), SQLITE_DONE)) return failed("writing the clock");
  }
  if (!check(insert_rows(s.insert_string, s.insert_string_chunk, 2, batch.strings.size(),
                         [&](statement& st, int at, std::size_t i, std::size_t) {
                           st.bind(at, batch.strings[i].id);
                           st.bind_text(at + 1, batch.strings[i].text);
                         }),
             SQLITE_DONE))
    return failed("writing a string");
  for (const auto& p : batch.partners) {
    s.upsert_partner.bind(1, p.id);
    s.upsert_partner.bind_text(2, p.name);
    if (!check(s.upsert_partner.run(), SQLITE_DONE)) return failed("writing a partner");
  }
  for (const auto& o : batch.oems) {
    s.upsert_oem.bind(1, o.id);
    s.upsert_oem.bind_text(2, o.name);
    if (!check(s.upsert_oem.run(), SQLITE_DONE)) return failed("writing an OEM");
  }
  for (const auto& org : batch.organizations) {
    auto& st = s.upsert_organization;
    std::int64_t profiles = 0;
    for (std::size_t i = 0; i < org.settings.enabled_profiles.size(); ++i)
      if (org.settings.enabled_profiles[i]) profiles |= std::int64_t{1} << i;
    st.bind(1, org.id);
    st.bind_text(2, org.settings.name);
    st.bind(3, profiles);
    st.bind(4, org.settings.naming_exception ? 1 : 0);
    st.bind(5, org.settings.licensed ? 1 : 0);
    if (!check(st.run(), SQLITE_DONE)) return failed("writing an organization");
    s.delete_org_partners.bind(1, org.id);
    if (!check(s.delete_org_partners.run(), SQLITE_DONE)) return failed("writing consents");
    s.delete_org_oems.bind(1, org.id);
    if (!check(s.delete_org_oems.run(), SQLITE_DONE)) return failed("writing authorizations");
    for (std::size_t i = 0; i < org.consenting_partners.size(); ++i) {
      s.insert_org_partner.bind(1, org.id);
      s.insert_org_partner.bind(2, static_cast<std::int64_t>(i));
      s.insert_org_partner.bind(3, org.consenting_partners[i]);
      if (!check(s.insert_org_partner.run(), SQLITE_DONE)) return failed("writing a consent");
    }
    for (std::size_t i = 0; i < org.authorized_oems.size(); ++i) {
      s.insert_org_oem.bind(1, org.id);
      s.insert_org_oem.bind(2, static_cast<std::int64_t>(i));
      s.insert_org_oem.bind(3, org.authorized_oems[i]);
      if (!check(s.insert_org_oem.run(), SQLITE_DONE)) return failed("writing an authorization");
    }
  }
  for (const auto& c : batch.catalogue) {
    auto& st = s.insert_catalogue;
    st.bind_text(1, c.manufacturer);
    st.bind_text(2, c.model);
    st.bind_text(3, c.serial_number);
    st.bind_text(4, c.product_key_id);
    if (c.identity)
      st.bind_blob(5, c.identity->digest);
    else
      st.bind_null(5);
    if (!check(st.run(), SQLITE_DONE)) return failed("writing a catalogue entry");
  }
  for (const auto& r : batch.requests) {
    auto& st = s.upsert_request;
    st.bind(1, r.number);
    st.bind(2, r.organization);
    st.bind(3, static_cast<std::int64_t>(r.by.kind));
    st.bind(4, r.by.id);
    st.bind(5, static_cast<std::int64_t>(r.via));
    st.bind(6, static_cast<std::int64_t>(r.profile));
    st.bind(7, r.shared ? 1 : 0);
    st.bind_text(8, r.order_id);
    st.bind_text(9, r.purchase_id);
    st.bind(10, r.created_at);
    st.bind(11, r.accepted);
    if (!check(st.run(), SQLITE_DONE)) return failed("writing a request");
    s.delete_failures.bind(1, r.number);
    if (!check(s.delete_failures.run(), SQLITE_DONE)) return failed("writing failures");
    for (std::size_t i = 0; i < r.failures.size(); ++i) {
      const auto& f = r.failures[i];
      auto& fs = s.insert_failure;
      fs.bind(1, r.number);
      fs.bind(2, static_cast<std::int64_t>(i));
      fs.bind(3, f.line);
      fs.bind_text(4, f.manufacturer);
      fs.bind_text(5, f.model);
      fs.bind_text(6, f.serial_number);
      fs.bind(7, static_cast<std::int64_t>(f.error));
      fs.bind_text(8, f.request_id);
      if (!check(fs.run(), SQLITE_DONE)) return failed("writing a failure");
    }
  }
  for (auto id : batch.finished_cohorts) {
    s.delete_cohort.bind(1, id);
    if (!check(s.delete_cohort.run(), SQLITE_DONE)) return failed("removing a cohort");
  }
  for (const auto& c : batch.cohorts) {
    s.upsert_cohort.bind(1, c.id);
    s.upsert_cohort.bind(2, static_cast<std::int64_t>(c.next_step));
    s.upsert_cohort.bind(3, c.due);
    if (!check(s.upsert_cohort.run(), SQLITE_DONE)) return failed("writing a cohort");
  }
  std::array<std::uint8_t, detail::device_blob_size> blob{};
  for (const auto& [id, row] : batch.devices) {
    detail::encode_device(row, blob);
    auto& st = s.update_device;
    st.bind(1, id);
    st.bind(2, row.organization);
    st.bind(3, row.serial);
    st.bind_blob(4, blob);
    if (!check(st.run(), SQLITE_DONE)) return failed("writing a device");
    if (sqlite3_changes(db.handle()) != 1) {
      return error{errc::invalid_argument, quoted(file) + ": device " + std::to_string(id) +
                                               " is not stored; the batch was not written"};
    }
  }
  std::array<std::array<std::uint8_t, detail::device_blob_size>, kChunkRows> blobs{};
  if (!check(insert_rows(s.insert_device, s.insert_device_chunk, 4, batch.new_devices.size(),
                         [&](statement& st, int at, std::size_t i, std::size_t slot) {
                           const auto& row = batch.new_devices[i];
                           detail::encode_device(row, blobs[slot]);
                           st.bind(at, static_cast<std::int64_t>(batch.first_new_device + i));
                           st.bind(at + 1, row.organization);
                           st.bind(at + 2, row.serial);
                           st.bind_blob(at + 3, blobs[slot]);
                         }),
             SQLITE_DONE))
    return failed("writing a new device");
  std::array<std::array<std::uint8_t, detail::audit_blob_size>, kChunkRows> entries{};
  if (!check(insert_rows(s.insert_audit, s.insert_audit_chunk, 3, batch.audit.size(),
                         [&](statement& st, int at, std::size_t i, std::size_t slot) {
                           const auto& a = batch.audit[i];
                           detail::encode_audit(a, entries[slot]);
                           st.bind(at, a.device);
                           st.bind(at + 1, a.time);
                           st.bind_blob(at + 2, entries[slot]);
                         }),
             SQLITE_DONE))
    return failed("writing an audit entry");
  return {};
}

result<snapshot> sqlite_storage::load() const {
  auto& m = *impl_;
  std::lock_guard lock(m.mutex);
  // One read transaction: every table as of the same committed batch.
  if (int rc = m.db.exec("BEGIN"); rc != SQLITE_OK) return m.fail(rc, "starting a read");
  auto loaded = m.read_all();
  if (loaded.ok()) {
    int rc = SQLITE_OK;
    const auto version = m.data_version(rc);
    if (rc != SQLITE_OK) loaded = m.fail(rc, "reading the data version");
    m.seen_version = version;
  }
  if (!sqlite3_get_autocommit(m.db.handle())) m.db.exec("COMMIT");
  return loaded;
}

result<snapshot> sqlite_storage::impl::read_all() {
  auto& s = sql;
  snapshot snap;
  int rc = SQLITE_OK;
  const auto inconsistent = [&](std::string what) {
    return error{errc::io, quoted(file) + ": the stored registry is damaged: " + std::move(what)};
  };
  // Steps through a statement's rows; returns the failing code or SQLITE_OK.
  const auto each = [&](statement& st, auto&& row) -> int {
    int step;
    while ((step = st.step()) == SQLITE_ROW) {
      if (!row()) {
        st.reset();
        return SQLITE_ABORT;
      }
    }
    st.reset();
    return step == SQLITE_DONE ? SQLITE_OK : step;
  };
  std::optional<error> bad;
  const auto reject = [&](std::string what) {
    bad = inconsistent(std::move(what));
    return false;
  };
  const auto finish = [&](const char* doing) -> std::optional<error> {
    if (bad) return bad;
    if (rc != SQLITE_OK) return fail(rc, doing);
    return std::nullopt;
  };

  rc = each(s.load_meta, [&] {
    registry::registry_meta meta;
    meta.start = s.load_meta.column_int64(0);
    meta.now = s.load_meta.column_int64(1);
    meta.jobs_ran_at = s.load_meta.column_int64(2);
    meta.seed = static_cast<std::uint64_t>(s.load_meta.column_int64(3));
    if (!detail::decode_latencies(s.load_meta.column_blob(4), meta.latencies))
      return reject("the workflow latencies have the wrong size");
    snap.meta = meta;
    return true;
  });
  if (auto e = finish("reading the clock")) return *e;

  snap.strings.emplace_back();
  rc = each(s.load_strings, [&] {
    if (static_cast<std::size_t>(s.load_strings.column_int64(0)) != snap.strings.size())
      return reject("string ids are not dense");
    snap.strings.emplace_back(s.load_strings.column_text(1));
    return true;
  });
  if (auto e = finish("reading strings")) return *e;

  const auto dense = [&](auto& rows, std::int64_t id, const char* what) {
    if (static_cast<std::size_t>(id) != rows.size() + 1)
      return reject(std::string(what) + " ids are not dense");
    return true;
  };
  rc = each(s.load_organizations, [&] {
    auto& st = s.load_organizations;
    if (!dense(snap.organizations, st.column_int64(0), "organization")) return false;
    registry::organization_row org;
    org.id = static_cast<std::uint32_t>(st.column_int64(0));
    org.settings.name = st.column_text(1);
    const auto profiles = st.column_int64(2);
    for (std::size_t i = 0; i < org.settings.enabled_profiles.size(); ++i)
      org.settings.enabled_profiles[i] = ((profiles >> i) & 1) != 0;
    org.settings.naming_exception = st.column_int64(3) != 0;
    org.settings.licensed = st.column_int64(4) != 0;
    snap.organizations.push_back(std::move(org));
    return true;
  });
  if (auto e = finish("reading organizations")) return *e;
  const auto relation = [&](statement& st, auto member) {
    return each(st, [&, member] {
      const auto org = static_cast<std::size_t>(st.column_int64(0));
      if (org == 0 || org > snap.organizations.size())
        return reject("a relationship names an unknown organization");
      (snap.organizations[org - 1].*member)
          .push_back(static_cast<std::uint32_t>(st.column_int64(1)));
      return true;
    });
  };
  rc = relation(s.load_org_partners, &registry::organization_row::consenting_partners);
  if (auto e = finish("reading consents")) return *e;
  rc = relation(s.load_org_oems, &registry::organization_row::authorized_oems);
  if (auto e = finish("reading authorizations")) return *e;

  const auto parties = [&](statement& st, std::vector<registry::party_row>& rows,
                           const char* what) {
    return each(st, [&] {
      if (!dense(rows, st.column_int64(0), what)) return false;
      rows.push_back(
          {static_cast<std::uint32_t>(st.column_int64(0)), std::string(st.column_text(1))});
      return true;
    });
  };
  rc = parties(s.load_partners, snap.partners, "partner");
  if (auto e = finish("reading partners")) return *e;
  rc = parties(s.load_oems, snap.oems, "OEM");
  if (auto e = finish("reading OEMs")) return *e;

  rc = each(s.load_catalogue, [&] {
    auto& st = s.load_catalogue;
    registry::catalogue_entry c;
    c.manufacturer = st.column_text(0);
    c.model = st.column_text(1);
    c.serial_number = st.column_text(2);
    c.product_key_id = st.column_text(3);
    if (!st.column_is_null(4)) {
      const auto digest = st.column_blob(4);
      device_identity identity;
      if (digest.size() != identity.digest.size())
        return reject("a catalogue identity has the wrong size");
      std::copy(digest.begin(), digest.end(), identity.digest.begin());
      c.identity = identity;
    }
    snap.catalogue.push_back(std::move(c));
    return true;
  });
  if (auto e = finish("reading the catalogue")) return *e;

  rc = each(s.load_requests, [&] {
    auto& st = s.load_requests;
    if (!dense(snap.requests, st.column_int64(0), "request")) return false;
    registry::request_row r;
    r.number = static_cast<std::uint32_t>(st.column_int64(0));
    r.organization = static_cast<std::uint32_t>(st.column_int64(1));
    r.by.kind = static_cast<registry::actor_kind>(st.column_int64(2));
    r.by.id = static_cast<std::uint32_t>(st.column_int64(3));
    r.via = static_cast<registry::channel>(st.column_int64(4));
    r.profile = static_cast<device_profile>(st.column_int64(5));
    r.shared = st.column_int64(6) != 0;
    r.order_id = st.column_text(7);
    r.purchase_id = st.column_text(8);
    r.created_at = st.column_int64(9);
    r.accepted = static_cast<std::uint32_t>(st.column_int64(10));
    snap.requests.push_back(std::move(r));
    return true;
  });
  if (auto e = finish("reading requests")) return *e;
  rc = each(s.load_failures, [&] {
    auto& st = s.load_failures;
    const auto number = static_cast<std::size_t>(st.column_int64(0));
    if (number == 0 || number > snap.requests.size())
      return reject("a failure names an unknown request");
    registry::failure_row f;
    f.line = static_cast<std::uint32_t>(st.column_int64(1));
    f.manufacturer = st.column_text(2);
    f.model = st.column_text(3);
    f.serial_number = st.column_text(4);
    f.error = static_cast<registration_error>(st.column_int64(5));
    f.request_id = st.column_text(6);
    snap.requests[number - 1].failures.push_back(std::move(f));
    return true;
  });
  if (auto e = finish("reading failures")) return *e;

  rc = each(s.load_cohorts, [&] {
    auto& st = s.load_cohorts;
    snap.cohorts.push_back({static_cast<std::uint32_t>(st.column_int64(0)),
                            static_cast<registry::workflow_step>(st.column_int64(1)),
                            st.column_int64(2)});
    return true;
  });
  if (auto e = finish("reading cohorts")) return *e;

  rc = each(s.load_devices, [&] {
    auto& st = s.load_devices;
    if (!dense(snap.devices, st.column_int64(0), "device")) return false;
    auto row = detail::decode_device(st.column_blob(1));
    if (!row) return reject("device " + std::to_string(st.column_int64(0)) + " has a bad row");
    snap.devices.push_back(*row);
    return true;
  });
  if (auto e = finish("reading devices")) return *e;

  rc = each(s.load_audit, [&] {
    auto& st = s.load_audit;
    registry::audit_entry a;
    a.device = static_cast<std::uint32_t>(st.column_int64(0));
    a.time = st.column_int64(1);
    if (!detail::decode_audit(st.column_blob(2), a)) return reject("an audit entry is malformed");
    snap.audit.push_back(a);
    return true;
  });
  if (auto e = finish("reading the audit trail")) return *e;
  return snap;
}

status sqlite_storage::check_integrity() const {
  auto& m = *impl_;
  std::lock_guard lock(m.mutex);
  int rc = SQLITE_OK;
  const auto verdict = m.db.query_text("PRAGMA integrity_check", rc);
  if (rc != SQLITE_OK) return m.fail(rc, "PRAGMA integrity_check");
  if (verdict != "ok")
    return error{errc::io, quoted(m.file) + ": PRAGMA integrity_check found: " + verdict};
  const auto dangling = m.db.query_int("SELECT count(*) FROM pragma_foreign_key_check", rc);
  if (rc != SQLITE_OK) return m.fail(rc, "PRAGMA foreign_key_check");
  if (dangling != 0)
    return error{errc::io, quoted(m.file) + ": PRAGMA foreign_key_check found " +
                               std::to_string(dangling) + " rows referring to missing rows"};
  return {};
}

}  // namespace mmdreg::store
