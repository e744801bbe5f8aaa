#define BOOST_TEST_MODULE store_processes
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "store/sqlite_connection.hpp"
#include "store_fixture.hpp"

using namespace mmdreg;
using namespace mmdreg::testing;
using store::sqlite_options;
using store::sqlite_storage;

namespace {

using steady = std::chrono::steady_clock;

/// Devices with synthetic identities (no hash to build): cheap enough for large batches.
std::vector<batch_entry> synthetic_batch(std::uint32_t first, std::uint32_t count) {
  std::vector<batch_entry> batch(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto n = first + i;
    registry::decoded_device d;
    for (std::size_t b = 0; b < 4; ++b)
      d.identity.digest[b] = static_cast<std::uint8_t>(n >> (8 * b));
    d.identity.digest[31] = 0xC7;
    d.manufacturer = "Contoso Devices";
    d.model = "Model " + std::to_string(n % 5);
    d.serial_number = "SN" + std::to_string(n);
    batch[i].decoded = std::move(d);
    batch[i].line = i + 2;
  }
  return batch;
}

/// A registry file with one organization and nothing else.
void create_registry(const std::filesystem::path& file) {
  auto storage = open_store(file);
  auto e = engine::open(*storage, scenario_options);
  BOOST_TEST_REQUIRE(e.ok(), e.err().message);
  BOOST_TEST_REQUIRE(e->add_organization(settings_named("Contoso")).ok());
}

/// In a child process: registers batches of `batch_size` fresh devices, one after the other, until
/// `batches` are done. Exit code 0 on success, 1 on any failure. Never returns.
///
/// With a `ready` pipe, it writes one byte there once the batches are built and the engine is
/// open, and after registering it lingers as long as registering took, so that a kill at a random
/// moment of the remaining lifetime lands before, inside or after the commit.
[[noreturn]] void register_batches(const std::filesystem::path& file, std::uint32_t batch_size,
                                   std::uint32_t batches, int ready = -1) {
  auto storage = sqlite_storage::open(file);
  if (!storage) _exit(1);
  auto e = engine::open(**storage, scenario_options);
  if (!e) _exit(1);
  std::vector<registration_request> requests;
  for (std::uint32_t b = 0; b < batches; ++b)
    requests.push_back(manual_request(contoso, synthetic_batch(b * batch_size, batch_size)));
  const char byte = 'R';
  if (ready >= 0 && write(ready, &byte, 1) != 1) _exit(1);
  const auto started = steady::now();
  for (const auto& request : requests) {
    auto result = e->register_devices(request);
    if (!result || result->accepted != batch_size) _exit(1);
  }
  if (ready >= 0) std::this_thread::sleep_for(steady::now() - started);
  _exit(0);
}

/// Every request of the snapshot has all its devices (each batch is whole), and nothing else is
/// there. Returns the number of batches.
std::size_t check_whole_batches(const registry::snapshot& snap, std::uint32_t batch_size) {
  std::map<std::uint32_t, std::uint32_t> per_request;
  for (const auto& d : snap.devices)
    ++per_request[d.request];
  BOOST_TEST(per_request.size() == snap.requests.size());
  for (const auto& r : snap.requests) {
    BOOST_TEST(r.accepted == batch_size, "request " << r.number);
    BOOST_TEST(per_request[r.number] == batch_size, "request " << r.number);
  }
  // One "registration requested" entry per device, written in the same batch.
  BOOST_TEST(snap.audit.size() == snap.devices.size());
  return snap.requests.size();
}

int wait_for(pid_t child) {
  int status = 0;
  BOOST_TEST_REQUIRE(waitpid(child, &status, 0) == child);
  return status;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_reader_sees_whole_batches_while_another_process_writes) {
  temp_dir dir;
  const auto file = dir / "registry.db";
  create_registry(file);
  constexpr std::uint32_t batch_size = 500, batches = 40;
  const pid_t writer = fork();
  BOOST_TEST_REQUIRE(writer >= 0);
  if (writer == 0) register_batches(file, batch_size, batches);

  auto reader = open_store(file, sqlite_options{.read_only = true});
  std::size_t loads = 0;
  std::set<std::size_t> seen;
  int status = 0;
  while (waitpid(writer, &status, WNOHANG) == 0) {
    const auto snap = reader->load();
    BOOST_TEST_REQUIRE(snap.ok(), snap.err().message);
    seen.insert(check_whole_batches(*snap, batch_size));
    ++loads;
  }
  BOOST_TEST_REQUIRE(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  BOOST_TEST(check_whole_batches(reader->load().value(), batch_size) == batches);
  // The reader ran while the writer wrote: it saw the file at several batch counts in between.
  BOOST_TEST_MESSAGE(loads << " loads saw " << seen.size() << " different batch counts");
  BOOST_TEST(std::count_if(seen.begin(), seen.end(),
                           [](std::size_t n) { return n > 0 && n < batches; }) >= 2);
  BOOST_TEST(reader->check_integrity().ok());
}

BOOST_AUTO_TEST_CASE(a_second_writer_waits_for_the_lock_or_fails_clearly) {
  temp_dir dir;
  const auto file = dir / "registry.db";
  create_registry(file);
  int ready[2];
  BOOST_TEST_REQUIRE(pipe(ready) == 0);
  constexpr auto hold = std::chrono::milliseconds(1500);
  const pid_t holder = fork();
  BOOST_TEST_REQUIRE(holder >= 0);
  if (holder == 0) {
    // Another process takes the write lock and keeps it for a while.
    auto db = store::detail::connection::open(file, SQLITE_OPEN_READWRITE);
    if (!db.ok() || db.exec("BEGIN IMMEDIATE") != SQLITE_OK) _exit(1);
    const char byte = 'L';
    if (write(ready[1], &byte, 1) != 1) _exit(1);
    std::this_thread::sleep_for(hold);
    _exit(db.exec("COMMIT") == SQLITE_OK ? 0 : 1);
  }
  char byte = 0;
  BOOST_TEST_REQUIRE(read(ready[0], &byte, 1) == 1);
  const auto locked_at = steady::now();

  // A writer that waits 100 ms gives up with a clear error and changes nothing.
  {
    auto impatient =
        open_store(file, sqlite_options{.busy_timeout = std::chrono::milliseconds(100)});
    auto e = engine::open(*impatient, scenario_options);
    BOOST_TEST_REQUIRE(e.ok(), e.err().message);
    const auto refused = e->add_organization(settings_named("Fabrikam"));
    BOOST_TEST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.err().message.find(file.string()) != std::string::npos,
               refused.err().message);
    BOOST_TEST(
        refused.err().message.find("another process holds the write lock") != std::string::npos,
        refused.err().message);
    BOOST_TEST((steady::now() - locked_at >= std::chrono::milliseconds(100)));
    BOOST_TEST(impatient->load().value().organizations.size() == 1U);

    const auto direct = impatient->commit(registry::change_set{.meta = *impatient->load()->meta});
    BOOST_TEST((direct.err().code == errc::conflict));
  }
  // A patient writer waits until the lock is released, then commits.
  {
    auto patient = open_store(file, sqlite_options{.busy_timeout = std::chrono::seconds(20)});
    auto e = engine::open(*patient, scenario_options);
    BOOST_TEST_REQUIRE(e.ok(), e.err().message);
    const auto added = e->add_organization(settings_named("Fabrikam"));
    BOOST_TEST_REQUIRE(added.ok(), added.err().message);
    BOOST_TEST((steady::now() - locked_at >= hold - std::chrono::milliseconds(50)));
    BOOST_TEST(patient->load().value().organizations.size() == 2U);
    BOOST_TEST(patient->check_integrity().ok());
  }
  const int status = wait_for(holder);
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  close(ready[0]);
  close(ready[1]);
}

BOOST_AUTO_TEST_CASE(a_writer_killed_at_random_moments_leaves_its_batch_whole_or_absent) {
  temp_dir dir;
  constexpr std::uint32_t batch_size = 20'000;
  constexpr int wanted_kills = 24;
  const auto fresh_file = [&](int round) {
    const auto file = dir.path() / ("registry-" + std::to_string(round) + ".db");
    create_registry(file);
    return file;
  };
  int ready[2];
  BOOST_TEST_REQUIRE(pipe(ready) == 0);
  // Forks a writer and returns once it is about to register.
  const auto start_writer = [&](const std::filesystem::path& file) {
    const pid_t writer = fork();
    BOOST_TEST_REQUIRE(writer >= 0);
    if (writer == 0) register_batches(file, batch_size, 1, ready[1]);
    char byte = 0;
    BOOST_TEST_REQUIRE(read(ready[0], &byte, 1) == 1);
    return writer;
  };
  // How long a writer lives from then on when nobody kills it.
  const auto calibration = fresh_file(-1);
  const pid_t timed = start_writer(calibration);
  const auto started = steady::now();
  const int timed_status = wait_for(timed);
  BOOST_TEST_REQUIRE((WIFEXITED(timed_status) && WEXITSTATUS(timed_status) == 0));
  const auto full_run =
      std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - started);
  BOOST_TEST_REQUIRE(check_whole_batches(open_store(calibration)->load().value(), batch_size) ==
                     1U);
  BOOST_TEST_MESSAGE("an unkilled writer registers and lingers for " << full_run.count() / 1000
                                                                     << " ms");

  seeded_random random(20261123);
  int kills = 0, present = 0, absent = 0;
  for (int round = 0; kills < wanted_kills && round < 4 * wanted_kills; ++round) {
    const auto file = fresh_file(round);
    const auto delay =
        std::chrono::microseconds(random.below(static_cast<std::uint64_t>(full_run.count())));
    const pid_t writer = start_writer(file);
    std::this_thread::sleep_for(delay);
    BOOST_TEST_REQUIRE(kill(writer, SIGKILL) == 0);
    const int status = wait_for(writer);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) continue;  // it had finished
    ++kills;
    BOOST_TEST_CONTEXT("round " << round << ", killed after " << delay.count() << " us") {
      auto storage = open_store(file);
      BOOST_TEST_REQUIRE(storage->check_integrity().ok());
      const auto snap = storage->load();
      BOOST_TEST_REQUIRE(snap.ok(), snap.err().message);
      auto e = engine::open(*storage, scenario_options);
      BOOST_TEST_REQUIRE(e.ok(), e.err().message);
      const auto batches = check_whole_batches(*snap, batch_size);
      BOOST_TEST(batches <= 1U);
      (batches == 1U ? present : absent) += 1;
    }
    std::filesystem::remove(file);
  }
  BOOST_TEST_MESSAGE(kills << " writers killed mid-run: batch present after " << present
                           << ", absent after " << absent);
  BOOST_TEST(kills >= wanted_kills);
  // The kills landed on both sides of the commit.
  BOOST_TEST(present >= 1);
  BOOST_TEST(absent >= 1);
  close(ready[0]);
  close(ready[1]);
}
