// A durable registry: the registration engine's storage (registry/storage.hpp) in one SQLite file.
//
// Every commit() is one SQLite transaction (BEGIN IMMEDIATE ... COMMIT) in WAL mode with
// synchronous=FULL, so a batch is on disk when commit() returns and a reader, a restarted process
// or a process killed mid-write sees each batch whole or not at all. load() reads inside one read
// transaction, so it never observes half a batch even while another process writes.
//
// Why synchronous=FULL: in WAL mode NORMAL keeps the file consistent but a power loss may undo the
// last committed batches; the engine answers "registered" once commit() returns, so the answer must
// survive. FULL costs one fsync of the WAL per batch, which batching makes cheap.
//
// The file carries an application id (PRAGMA application_id = "MMDR") and a schema version
// (PRAGMA user_version). Opening a file written by an older mmdreg migrates it step by step, each
// step in its own transaction; a newer schema, a SQLite file of another application or a file that
// is not SQLite at all is refused without touching it.
//
// Device rows and audit entries are stored as fixed-size little-endian blobs (the fast path for
// millions of rows), beside the columns a person queries by: ids, organization, serial (a string
// id; the view `device_list` joins it), device and time of an audit entry. Other records are plain
// columns.
//
// Expected failures (a bad file, a busy or read-only or full file) are error values whose message
// names the file and the problem; nothing throws for them.
#ifndef MMDREG_STORE_SQLITE_STORAGE_HPP
#define MMDREG_STORE_SQLITE_STORAGE_HPP

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "mmdreg/registry/storage.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::store {

/// How to open a registry file.
struct sqlite_options {
  /// Open for reading only: load() works, every commit() fails with errc::refused. A file the
  /// operating system does not let this process write is opened this way too.
  bool read_only = false;
  /// How long a commit waits for another process's write transaction to end before it fails with
  /// errc::conflict. Zero fails at once.
  std::chrono::milliseconds busy_timeout{5000};
  /// A cap on the database size (rounded down to whole pages): a commit that would grow the file
  /// beyond it fails like a full disk, with errc::io, and changes nothing. Unset: no cap.
  std::optional<std::uint64_t> max_file_bytes;
};

/// The registration engine's storage in one SQLite file. Safe to use from several threads (one
/// call at a time) and from several processes on the same file (one writer at a time).
class sqlite_storage final : public registry::storage {
 public:
  /// The schema version this build writes; files with a lower version are migrated on open.
  static constexpr int schema_version = 2;
  /// PRAGMA application_id of a registry file: "MMDR" as a big-endian 32-bit integer.
  static constexpr std::int32_t application_id = 0x4D4D4452;

  /// Opens `file`, creating an empty registry when it does not exist (unless read_only), and
  /// migrating an older schema. Errors (all naming the file): errc::unsupported for a file that
  /// is not a registry or has a newer schema; errc::not_found for a missing file opened read-only;
  /// errc::io when the file cannot be opened or migrated; errc::conflict when another process
  /// holds the write lock longer than the busy timeout while a migration waits.
  static result<std::unique_ptr<sqlite_storage>> open(const std::filesystem::path& file,
                                                      const sqlite_options& options = {});

  ~sqlite_storage() override;
  sqlite_storage(const sqlite_storage&) = delete;
  sqlite_storage& operator=(const sqlite_storage&) = delete;

  /// Applies the batch as one durable transaction, or nothing. Errors name the file:
  /// errc::conflict (another process holds the write lock beyond the busy timeout, or another
  /// process committed since this storage was opened or last loaded: the engine's copy is stale),
  /// errc::refused (opened read-only), errc::io (disk full, I/O error), errc::invalid_argument
  /// (the batch does not follow the stored state, e.g. a device id that is not stored).
  status commit(const registry::change_set& batch) override;
  /// The whole stored state, read in one transaction (never half a batch). Commits after it
  /// build on what it returned.
  result<registry::snapshot> load() const override;

  /// PRAGMA integrity_check and PRAGMA foreign_key_check: ok, or errc::io with what they found.
  status check_integrity() const;
  /// The file this storage was opened on.
  const std::filesystem::path& path() const noexcept;
  /// Whether commits are refused (read_only was asked, or the file is not writable).
  bool read_only() const noexcept;

 private:
  struct impl;
  explicit sqlite_storage(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace mmdreg::store

#endif
