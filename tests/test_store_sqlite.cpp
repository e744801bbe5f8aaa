#define BOOST_TEST_MODULE store_sqlite
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>

#include "store/sqlite_connection.hpp"
#include "store/sqlite_schema.hpp"
#include "store_fixture.hpp"
#include "support.hpp"

using namespace mmdreg;
using namespace mmdreg::testing;
using store::sqlite_options;
using store::sqlite_storage;
using store::detail::connection;

namespace {

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool mentions(const std::string& message, std::string_view what) {
  return message.find(what) != std::string::npos;
}

/// A registry file holding scenario part one, closed again.
void build_scenario_file(const std::filesystem::path& file) {
  auto storage = open_store(file);
  auto e = engine::open(*storage, scenario_options);
  BOOST_TEST_REQUIRE(e.ok(), e.err().message);
  scenario_part_one(*e);
}

std::int64_t pragma_int(const std::filesystem::path& file, const char* sql) {
  auto db = connection::open(file, SQLITE_OPEN_READONLY);
  BOOST_TEST_REQUIRE(db.ok());
  int rc = SQLITE_OK;
  const auto value = db.query_int(sql, rc);
  BOOST_TEST_REQUIRE(rc == SQLITE_OK, db.message());
  return value;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_fresh_file_gets_the_current_schema_wal_and_the_application_id) {
  temp_dir dir;
  const auto file = dir / "registry.db";
  {
    auto storage = open_store(file);
    BOOST_TEST(!storage->read_only());
    BOOST_TEST(storage->path() == file);
    const auto empty = storage->load();
    BOOST_TEST_REQUIRE(empty.ok());
    BOOST_TEST(!empty->meta.has_value());
    BOOST_TEST(empty->strings.size() == 1U);
    BOOST_TEST(storage->check_integrity().ok());
  }
  BOOST_TEST(pragma_int(file, "PRAGMA user_version") == sqlite_storage::schema_version);
  BOOST_TEST(pragma_int(file, "PRAGMA application_id") == sqlite_storage::application_id);
  auto db = connection::open(file, SQLITE_OPEN_READONLY);
  int rc = SQLITE_OK;
  BOOST_TEST(db.query_text("PRAGMA journal_mode", rc) == "wal");
}

BOOST_AUTO_TEST_CASE(commits_apply_every_record_and_load_returns_them_as_the_engine_has_them) {
  temp_dir dir;
  auto storage = open_store(dir / "registry.db");
  auto e = engine::open(*storage, scenario_options);
  BOOST_TEST_REQUIRE(e.ok(), e.err().message);
  scenario_part_one(*e);
  const auto stored = storage->load();
  BOOST_TEST_REQUIRE(stored.ok(), stored.err().message);
  check_same_snapshot(*stored, e->export_snapshot());
  BOOST_TEST(!stored->cohorts.empty());  // workflows are mid-way
  BOOST_TEST(stored->catalogue.at(0).product_key_id == "00330-80000-00000-AAOEM");
  BOOST_TEST(storage->check_integrity().ok());

  // The columns a person queries by.
  auto db = connection::open(dir / "registry.db", SQLITE_OPEN_READONLY);
  int rc = SQLITE_OK;
  BOOST_TEST(db.query_int("SELECT count(*) FROM devices WHERE organization = 2", rc) ==
             static_cast<std::int64_t>(
                 std::count_if(stored->devices.begin(), stored->devices.end(),
                               [](const registry::device_row& d) { return d.organization == 2; })));
  BOOST_TEST(db.query_text("SELECT serial_number FROM device_list WHERE id = 41", rc) ==
             device_fields(41).serial_number);
}

BOOST_AUTO_TEST_CASE(a_reopened_file_restores_the_engine_exactly_and_continues_as_without_restart) {
  temp_dir dir;
  const auto file = dir / "registry.db";
  build_scenario_file(file);  // the process ends: engine and storage are gone

  engine uninterrupted(scenario_options);
  scenario_part_one(uninterrupted);

  auto storage = open_store(file);
  // Other options on reopen must not matter: the file's clock, seed and latencies win.
  auto reopened = engine::open(*storage, registry::engine_options{.start = t0 + 99h, .seed = 1});
  BOOST_TEST_REQUIRE(reopened.ok(), reopened.err().message);
  check_same_snapshot(reopened->export_snapshot(), uninterrupted.export_snapshot());
  BOOST_TEST((reopened->now() == uninterrupted.now()));
  for (auto org : {contoso, fabrikam, tailspin})
    BOOST_TEST(visible_state(*reopened, org) == visible_state(uninterrupted, org));

  scenario_part_two(*reopened);
  scenario_part_two(uninterrupted);
  check_same_snapshot(reopened->export_snapshot(), uninterrupted.export_snapshot());
  for (auto org : {contoso, fabrikam, tailspin})
    BOOST_TEST(visible_state(*reopened, org) == visible_state(uninterrupted, org));
  // Part two did something worth comparing: devices went Inactive, the late batch is Ready.
  const auto blade = uninterrupted.devices_blade(actor::admin_of(contoso), contoso).value();
  BOOST_TEST(std::any_of(blade.begin(), blade.end(), [](const registry::blade_row& b) {
    return b.state == registration_state::inactive;
  }));
  // And the file holds what the engine holds, after a second restart too.
  check_same_snapshot(storage->load().value(), uninterrupted.export_snapshot());
}

BOOST_AUTO_TEST_CASE(a_version_1_file_is_migrated_and_opens_in_this_version) {
  temp_dir dir;
  const auto current = dir / "current.db";
  build_scenario_file(current);
  const auto old_file = dir / "version1.db";
  {
    // A version-1 file: the version-1 schema, filled with the scenario's records.
    auto db = connection::open(old_file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    BOOST_TEST_REQUIRE(db.ok());
    const auto steps = store::detail::migrations();
    BOOST_TEST_REQUIRE(steps.size() >= 2U);
    BOOST_TEST_REQUIRE(steps[0].to == 1);
    BOOST_TEST_REQUIRE(db.exec(steps[0].sql) == SQLITE_OK, db.message());
    const std::string fill =
        "PRAGMA application_id = " + std::to_string(sqlite_storage::application_id) +
        "; PRAGMA user_version = 1; ATTACH '" + current.string() +
        "' AS cur; BEGIN;"
        "INSERT INTO meta SELECT * FROM cur.meta;"
        "INSERT INTO strings SELECT * FROM cur.strings;"
        "INSERT INTO partners SELECT * FROM cur.partners;"
        "INSERT INTO oems SELECT * FROM cur.oems;"
        "INSERT INTO organizations SELECT * FROM cur.organizations;"
        "INSERT INTO organization_partners SELECT * FROM cur.organization_partners;"
        "INSERT INTO organization_oems SELECT * FROM cur.organization_oems;"
        "INSERT INTO catalogue SELECT id, manufacturer, model, serial_number, identity "
        "FROM cur.catalogue;"
        "INSERT INTO requests SELECT * FROM cur.requests;"
        "INSERT INTO failures SELECT * FROM cur.failures;"
        "INSERT INTO cohorts SELECT * FROM cur.cohorts;"
        "INSERT INTO devices SELECT * FROM cur.devices;"
        "INSERT INTO audit SELECT * FROM cur.audit;"
        "COMMIT; DETACH cur;";
    BOOST_TEST_REQUIRE(db.exec(fill.c_str()) == SQLITE_OK, db.message());
    int rc = SQLITE_OK;
    BOOST_TEST_REQUIRE(db.query_int("SELECT count(*) FROM devices", rc) > 0);
    // Version 1 has no product key column: the current code could not read the file as it is.
    BOOST_TEST(db.query_int("SELECT count(*) FROM pragma_table_info('catalogue') WHERE name = "
                            "'product_key_id'",
                            rc) == 0);
  }
  BOOST_TEST(pragma_int(old_file, "PRAGMA user_version") == 1);

  auto storage = open_store(old_file);
  BOOST_TEST(pragma_int(old_file, "PRAGMA user_version") == sqlite_storage::schema_version);
  BOOST_TEST(storage->check_integrity().ok());
  auto migrated = storage->load();
  BOOST_TEST_REQUIRE(migrated.ok(), migrated.err().message);
  auto expected = open_store(current)->load().value();
  BOOST_TEST(migrated->catalogue.at(0).product_key_id == "");  // unknown to version 1
  expected.catalogue.at(0).product_key_id.clear();
  check_same_snapshot(*migrated, expected);

  // The migrated file serves an engine that goes on as one that never stopped.
  auto e = engine::open(*storage, scenario_options);
  BOOST_TEST_REQUIRE(e.ok(), e.err().message);
  engine uninterrupted(scenario_options);
  scenario_part_one(uninterrupted);
  scenario_part_two(*e);
  scenario_part_two(uninterrupted);
  for (auto org : {contoso, fabrikam, tailspin})
    BOOST_TEST(visible_state(*e, org) == visible_state(uninterrupted, org));
}

BOOST_AUTO_TEST_CASE(random_bytes_are_not_a_registry_and_stay_untouched) {
  temp_dir dir;
  const auto file = dir / "random.db";
  {
    seeded_random random(77);
    std::ofstream out(file, std::ios::binary);
    for (int i = 0; i < 8192; ++i)
      out.put(static_cast<char>(random.next() & 0xFF));
  }
  const auto before = file_bytes(file);
  const auto opened = sqlite_storage::open(file);
  BOOST_TEST_REQUIRE(!opened.ok());
  BOOST_TEST((opened.err().code == errc::unsupported));
  BOOST_TEST(mentions(opened.err().message, file.string()), opened.err().message);
  BOOST_TEST(mentions(opened.err().message, "not a registry"), opened.err().message);
  BOOST_TEST(file_bytes(file) == before);
  BOOST_TEST(!std::filesystem::exists(dir / "random.db-wal"));
}

BOOST_AUTO_TEST_CASE(a_sqlite_file_of_another_application_is_refused_untouched) {
  temp_dir dir;
  for (const char* setup : {"PRAGMA application_id = 1234; CREATE TABLE notes (body TEXT);"
                            "INSERT INTO notes VALUES ('hello');",
                            "CREATE TABLE devices (id INTEGER PRIMARY KEY);"}) {
    BOOST_TEST_CONTEXT(setup) {
      const auto file = dir / "other.db";
      std::filesystem::remove(file);
      {
        auto db = connection::open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        BOOST_TEST_REQUIRE(db.exec(setup) == SQLITE_OK, db.message());
      }
      const auto before = file_bytes(file);
      const auto opened = sqlite_storage::open(file);
      BOOST_TEST_REQUIRE(!opened.ok());
      BOOST_TEST((opened.err().code == errc::unsupported));
      BOOST_TEST(mentions(opened.err().message, file.string()), opened.err().message);
      BOOST_TEST(mentions(opened.err().message, "another application"), opened.err().message);
      BOOST_TEST(file_bytes(file) == before);
      BOOST_TEST(pragma_int(file, "PRAGMA user_version") == 0);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_newer_schema_version_is_refused_untouched) {
  temp_dir dir;
  const auto file = dir / "registry.db";
  build_scenario_file(file);
  {
    auto db = connection::open(file, SQLITE_OPEN_READWRITE);
    const std::string bump =
        "PRAGMA user_version = " + std::to_string(sqlite_storage::schema_version + 1);
    BOOST_TEST_REQUIRE(db.exec(bump.c_str()) == SQLITE_OK);
    BOOST_TEST_REQUIRE(db.exec("PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK);
  }
  const auto before = file_bytes(file);
  const auto opened = sqlite_storage::open(file);
  BOOST_TEST_REQUIRE(!opened.ok());
  BOOST_TEST((opened.err().code == errc::unsupported));
  BOOST_TEST(mentions(opened.err().message, file.string()), opened.err().message);
  BOOST_TEST(mentions(opened.err().message, "newer"), opened.err().message);
  BOOST_TEST(file_bytes(file) == before);
}

BOOST_AUTO_TEST_CASE(a_read_only_registry_reads_and_refuses_commits_changing_nothing) {
  temp_dir dir;
  const auto file = dir / "registry.db";
  build_scenario_file(file);
  const auto stored = open_store(file)->load().value();

  auto storage = open_store(file, sqlite_options{.read_only = true});
  BOOST_TEST(storage->read_only());
  auto e = engine::open(*storage, scenario_options);
  BOOST_TEST_REQUIRE(e.ok(), e.err().message);
  check_same_snapshot(e->export_snapshot(), stored);

  // The storage refuses, naming the file; the engine reports it and stays as it was.
  const auto refused = e->add_organization(settings_named("Woodgrove"));
  BOOST_TEST_REQUIRE(!refused.ok());
  BOOST_TEST(mentions(refused.err().message, file.string()), refused.err().message);
  BOOST_TEST(mentions(refused.err().message, "read-only"), refused.err().message);
  const auto batch = e->register_devices(manual_request(contoso, decoded_range(500, 510)));
  if (batch.ok()) {
    BOOST_TEST(batch->accepted == 0U);
    for (const auto& d : batch->devices)
      BOOST_TEST((d.failure && d.failure->error == registration_error::unexpected_error));
  }
  BOOST_TEST((!e->advance(std::chrono::days{1}).ok()));
  check_same_snapshot(e->export_snapshot(), stored);
  check_same_snapshot(open_store(file)->load().value(), stored);
}

BOOST_AUTO_TEST_CASE(a_file_the_os_does_not_let_us_write_is_opened_read_only) {
  if (geteuid() == 0) {
    BOOST_TEST_MESSAGE("running as root: permissions do not stop writes, covered by read_only");
    return;
  }
  temp_dir dir;
  const auto file = dir / "registry.db";
  build_scenario_file(file);
  const auto stored = open_store(file)->load().value();
  std::filesystem::permissions(file, std::filesystem::perms::owner_read);
  auto storage = open_store(file);
  BOOST_TEST(storage->read_only());
  check_same_snapshot(storage->load().value(), stored);
  const auto s = storage->commit(registry::change_set{.meta = *stored.meta});
  BOOST_TEST((s.err().code == errc::refused));
  BOOST_TEST(mentions(s.err().message, file.string()));
}

BOOST_AUTO_TEST_CASE(a_missing_file_opened_read_only_is_not_found) {
  temp_dir dir;
  const auto opened = sqlite_storage::open(dir / "absent.db", sqlite_options{.read_only = true});
  BOOST_TEST_REQUIRE(!opened.ok());
  BOOST_TEST((opened.err().code == errc::not_found));
  BOOST_TEST(!std::filesystem::exists(dir / "absent.db"));
}

BOOST_AUTO_TEST_CASE(a_full_disk_fails_the_commit_clearly_and_changes_nothing) {
  temp_dir dir;
  const auto file = dir / "registry.db";
  build_scenario_file(file);
  const auto stored = open_store(file)->load().value();
  const auto size = std::filesystem::file_size(file);  // closed: the WAL is checkpointed

  // Room for the scenario plus a few pages, not for 3000 more devices.
  auto storage = open_store(file, sqlite_options{.max_file_bytes = size + 8 * 4096});
  auto e = engine::open(*storage, scenario_options);
  BOOST_TEST_REQUIRE(e.ok(), e.err().message);
  const auto batch = e->register_devices(manual_request(contoso, decoded_range(1000, 3999)));
  BOOST_TEST_REQUIRE(batch.ok());  // the request is answered: every device failed
  BOOST_TEST(batch->accepted == 0U);
  BOOST_TEST(batch->failed == 3000U);
  BOOST_TEST((batch->devices.at(0).failure->error == registration_error::unexpected_error));
  check_same_snapshot(e->export_snapshot(), stored);

  // The storage's own answer names the file and the problem.
  registry::snapshot grown = stored;
  std::vector<registry::device_row> rows(3000, stored.devices.at(0));
  for (std::size_t i = 0; i < rows.size(); ++i)
    rows[i].identity.digest[0] = static_cast<std::uint8_t>(i);
  const auto s = storage->commit(registry::change_set{
      .meta = *stored.meta,
      .first_new_device = static_cast<std::uint32_t>(stored.devices.size() + 1),
      .new_devices = rows});
  BOOST_TEST_REQUIRE(!s.ok());
  BOOST_TEST((s.err().code == errc::io));
  BOOST_TEST(mentions(s.err().message, file.string()), s.err().message);
  BOOST_TEST(mentions(s.err().message, "disk is full"), s.err().message);
  BOOST_TEST(storage->check_integrity().ok());
  check_same_snapshot(storage->load().value(), stored);
  check_same_snapshot(open_store(file)->load().value(), stored);

  // Without the cap, the same batch goes in.
  BOOST_TEST(open_store(file)
                 ->commit(registry::change_set{
                     .meta = *stored.meta,
                     .first_new_device = static_cast<std::uint32_t>(stored.devices.size() + 1),
                     .new_devices = rows})
                 .ok());
}

BOOST_AUTO_TEST_CASE(a_batch_that_does_not_follow_the_file_is_refused_whole) {
  temp_dir dir;
  const auto file = dir / "registry.db";
  build_scenario_file(file);
  auto storage = open_store(file);
  const auto stored = storage->load().value();
  const registry::string_row strings[] = {
      {static_cast<std::uint32_t>(stored.strings.size()), "fresh"}};
  const std::pair<std::uint32_t, registry::device_row> unknown[] = {
      {static_cast<std::uint32_t>(stored.devices.size() + 5), stored.devices.at(0)}};
  auto moved = *stored.meta;
  moved.now += 3600;
  // The string is fine, the device is not: neither the string nor the clock may be written.
  const auto s =
      storage->commit(registry::change_set{.meta = moved, .strings = strings, .devices = unknown});
  BOOST_TEST_REQUIRE(!s.ok());
  BOOST_TEST((s.err().code == errc::invalid_argument));
  BOOST_TEST(mentions(s.err().message, "is not stored"), s.err().message);
  check_same_snapshot(storage->load().value(), stored);
  // A device row naming an organization the file does not have breaks a foreign key.
  auto orphan = stored.devices.at(0);
  orphan.organization = 99;
  const registry::device_row orphans[] = {orphan};
  const auto fk = storage->commit(registry::change_set{
      .meta = moved,
      .first_new_device = static_cast<std::uint32_t>(stored.devices.size() + 1),
      .new_devices = orphans});
  BOOST_TEST_REQUIRE(!fk.ok());
  BOOST_TEST(mentions(fk.err().message, "FOREIGN KEY"), fk.err().message);
  check_same_snapshot(storage->load().value(), stored);
  BOOST_TEST(storage->check_integrity().ok());
}

BOOST_AUTO_TEST_CASE(an_engine_whose_copy_is_stale_cannot_overwrite_another_writers_batches) {
  temp_dir dir;
  const auto file = dir / "registry.db";
  build_scenario_file(file);
  auto first_store = open_store(file);
  auto second_store = open_store(file);
  auto first = engine::open(*first_store, scenario_options);
  auto second = engine::open(*second_store, scenario_options);
  BOOST_TEST_REQUIRE((first.ok() && second.ok()));
  // Both would give the new organization id 4: the second must not overwrite the first's.
  BOOST_TEST_REQUIRE(first->add_organization(settings_named("Woodgrove")).ok());
  const auto stale = second->add_organization(settings_named("Litware"));
  BOOST_TEST_REQUIRE(!stale.ok());
  BOOST_TEST(mentions(stale.err().message, "another process changed the registry"),
             stale.err().message);
  BOOST_TEST(mentions(stale.err().message, file.string()), stale.err().message);
  const auto stored = open_store(file)->load().value();
  BOOST_TEST(stored.organizations.size() == 4U);
  BOOST_TEST(stored.organizations.back().settings.name == "Woodgrove");
  // Reopened, the second engine sees the first's batch and goes on.
  auto reopened = engine::open(*second_store, scenario_options);
  BOOST_TEST_REQUIRE(reopened.ok());
  BOOST_TEST_REQUIRE(reopened->add_organization(settings_named("Litware")).ok());
  BOOST_TEST(open_store(file)->load().value().organizations.size() == 5U);
}

BOOST_AUTO_TEST_CASE(a_batch_larger_than_one_insert_chunk_is_stored_whole_and_in_order) {
  // Strings, devices and audit entries are written in multi-row chunks plus single rows for the
  // rest: 101 devices (and 3 with a bad hash) cover several chunks and a remainder.
  temp_dir dir;
  const auto file = dir / "registry.db";
  auto storage = open_store(file);
  auto e = engine::open(*storage, scenario_options);
  BOOST_TEST_REQUIRE(e.ok(), e.err().message);
  BOOST_TEST_REQUIRE(e->add_organization(settings_named("Contoso")).ok());
  auto devices = decoded_range(200, 300);
  for (std::uint32_t n : {301U, 302U, 303U}) {
    auto bad = decoded_entry(n);
    bad.decoded.reset();
    bad.record.hardware_hash = "not a hash";
    devices.insert(devices.begin() + n % 50, std::move(bad));
  }
  const auto batch = e->register_devices(manual_request(contoso, std::move(devices)));
  BOOST_TEST_REQUIRE(batch.ok());
  BOOST_TEST(batch->accepted == 101U);
  BOOST_TEST(batch->failed == 3U);
  BOOST_TEST_REQUIRE(e->advance(10min).ok());

  const auto expected = e->export_snapshot();
  BOOST_TEST(expected.devices.size() == 104U);
  BOOST_TEST(expected.audit.size() > 200U);  // requested + failed, then validated
  check_same_snapshot(storage->load().value(), expected);
  check_same_snapshot(open_store(file)->load().value(), expected);
  BOOST_TEST(storage->check_integrity().ok());
}
