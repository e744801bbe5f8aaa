// Where the registration engine keeps its state: a small interface, an in-memory implementation,
// and the records that cross it.
//
// The engine's whole state is the set of records below: the engine keeps a working copy in memory
// and hands every change to the storage as one change_set, which the storage applies atomically
// (all of it or nothing). Opening an engine on a storage loads a snapshot of those records and
// rebuilds the indexes from them, so a durable store that keeps the records restores the engine
// exactly: states, rings, groups, names, audit trail, pending workflows and the clock. Nothing else
// is needed: randomness is a pure function of the seed and the subject (see engine.hpp), and
// counters and indexes are derived from the records.
#ifndef MMDREG_REGISTRY_STORAGE_HPP
#define MMDREG_REGISTRY_STORAGE_HPP

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmdreg/hash/hardware_hash.hpp"
#include "mmdreg/registry/types.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::registry {

/// Seconds each workflow step takes after the previous one (index = workflow_step). The defaults
/// bring a manual registration to Ready for user in 8 minutes:
/// Autopilot record 60 s after the request, Entra record +60 s, OrderID link +30 s, deployment
/// profile +120 s, ring +30 s, groups +30 s, configuration profile +60 s, validation +90 s.
/// shipped_record and request_comparison are not timed: the hourly jobs do them. intune_record is
/// not timed: the user's first sign-in does it.
struct workflow_latencies {
  std::array<std::uint32_t, workflow_step_count> seconds{60, 60, 30, 120, 0, 0, 30, 30, 60, 90, 0};
  bool operator==(const workflow_latencies&) const = default;
};

/// Engine-wide settings and the clock.
struct registry_meta {
  std::int64_t start =
      0;                 ///< when the engine was created (Unix seconds); job periods count from it
  std::int64_t now = 0;  ///< the simulated clock (Unix seconds)
  std::int64_t jobs_ran_at = 0;  ///< the last hourly tick whose jobs ran (start before the first)
  std::uint64_t seed = 0;        ///< every random choice derives from it
  workflow_latencies latencies;
  bool operator==(const registry_meta&) const = default;
};

/// Membership bits of device_row::groups.
namespace group_bit {
inline constexpr std::uint16_t all = 1U << 0;          ///< Modern Workplace Devices-All
inline constexpr std::uint16_t shared_mode = 1U << 1;  ///< ... - Shared Device Mode
inline constexpr std::uint16_t ring_base = 2;          ///< bit ring_base + ring: the ring group
inline constexpr std::uint16_t profile_base = 6;  ///< bit profile_base + profile: profile group
inline constexpr std::uint16_t ring_mask = 0xFU << ring_base;
inline constexpr std::uint16_t profile_mask = 0xFU << profile_base;
}  // namespace group_bit

/// Flag bits of device_row::flags.
namespace device_flag {
inline constexpr std::uint8_t shared = 1U << 0;         ///< registered with -Shared
inline constexpr std::uint8_t has_identity = 1U << 1;   ///< `identity` is meaningful
inline constexpr std::uint8_t owns_identity = 1U << 2;  ///< holds its identity in the directory
inline constexpr std::uint8_t in_blade = 1U << 3;     ///< shown in the organization's Devices blade
inline constexpr std::uint8_t removed = 1U << 4;      ///< deregistered (kept for the audit trail)
inline constexpr std::uint8_t tag_missing = 1U << 5;  ///< the MMD tag was removed outside MMD
inline constexpr std::uint8_t auto_registered = 1U << 6;  ///< came through an auto channel
}  // namespace device_flag

/// One device row: its whole state in 152 bytes. Strings are ids into the string table (0 is the
/// empty string); times of steps are seconds after `registered_at`, plus one (0: not done yet).
struct device_row {
  device_identity identity;
  std::uint32_t organization = 0;
  std::uint32_t request = 0;  ///< the request_number that created the row
  std::uint32_t cohort = 0;   ///< the workflow cohort whose next step it awaits; 0 when none
  std::uint32_t manufacturer = 0;
  std::uint32_t model = 0;
  std::uint32_t serial = 0;
  std::uint32_t request_id = 0;  ///< the Request ID of an Unexpected error
  std::uint32_t line = 0;        ///< the line of the batch input it came from
  std::int64_t registered_at = 0;
  std::int64_t last_activity = 0;  ///< last sign-in or activity (Unix seconds); 0 before OOBE
  std::array<std::uint32_t, workflow_step_count> step_done{};
  std::array<char, 15> name{};  ///< the device name (NetBIOS: at most 15 characters)
  std::uint8_t name_length = 0;
  std::uint16_t groups = 0;  ///< group_bit membership as Entra has it
  std::uint8_t state =
      audit_entry::no_state;  ///< registration_state, or no_state outside the blade
  std::uint8_t flags = 0;     ///< device_flag bits
  device_profile profile = device_profile::standard;
  std::uint8_t ring = no_ring;  ///< mmdreg::ring, or no_ring
  ring_source ring_by = ring_source::automatic;
  std::uint8_t last_error = no_error;  ///< registration_error, or no_error
  channel via = channel::devices_blade;

  static constexpr std::uint8_t no_ring = 0xFF;
  static constexpr std::uint8_t no_error = 0xFF;
  bool operator==(const device_row&) const = default;
};

/// A supplier's manufacturing record: what a partner's tuple must match exactly.
struct catalogue_entry {
  std::string manufacturer;
  std::string model;
  std::string serial_number;
  std::string product_key_id;               ///< Windows Product ID, when the supplier knows it
  std::optional<device_identity> identity;  ///< from the hardware hash, when the supplier has it
  bool operator==(const catalogue_entry&) const = default;
};

/// What an organization has switched on (spec section 1 and 4).
struct organization_settings {
  std::string name;
  /// Indexed by device_profile. Kiosk is the one that tenants commonly leave off.
  std::array<bool, 4> enabled_profiles{true, true, true, true};
  bool naming_exception = false;  ///< the 4-hourly rename job leaves this tenant's devices alone
  bool licensed = true;           ///< MMD licences are assigned: nothing registers without them
  bool operator==(const organization_settings&) const = default;
};

/// An organization and its relationships.
struct organization_row {
  std::uint32_t id = 0;
  organization_settings settings;
  std::vector<std::uint32_t> consenting_partners;  ///< partner ids with a consented relationship
  std::vector<std::uint32_t> authorized_oems;      ///< OEM ids the customer authorized
  bool operator==(const organization_row&) const = default;
};

/// A partner or an OEM: an id and a display name.
struct party_row {
  std::uint32_t id = 0;
  std::string name;
  bool operator==(const party_row&) const = default;
};

/// One failed device of a request, for the failure export.
struct failure_row {
  std::uint32_t line = 0;  ///< the line of the batch input (as the caller numbered it)
  std::string manufacturer;
  std::string model;
  std::string serial_number;
  registration_error error = registration_error::unexpected_error;
  std::string request_id;  ///< set for Unexpected error
  bool operator==(const failure_row&) const = default;
};

/// One registration request (batch).
struct request_row {
  std::uint32_t number = 0;
  std::uint32_t organization = 0;
  actor by;
  channel via = channel::devices_blade;
  device_profile profile = device_profile::standard;
  bool shared = false;
  std::string order_id;
  std::string purchase_id;
  std::int64_t created_at = 0;
  std::uint32_t accepted = 0;
  std::vector<failure_row> failures;
  bool operator==(const request_row&) const = default;
};

/// Devices that go through the next timed workflow step together (one request, or the devices one
/// hourly request comparison took in). Members are the device rows whose `cohort` is this id.
struct cohort_row {
  std::uint32_t id = 0;
  workflow_step next_step = workflow_step::autopilot_record;
  std::int64_t due = 0;  ///< Unix seconds
  bool operator==(const cohort_row&) const = default;
};

/// One entry of the string table. Ids are dense and start at 1 (0 is the empty string).
struct string_row {
  std::uint32_t id = 0;
  std::string_view text;  ///< valid for the duration of storage::commit
};

/// One atomic batch of changes. Rows are upserts by id; audit entries and strings are appended;
/// finished cohorts are deleted before cohorts are upserted (an id may be reused in one batch).
/// Views are valid only during storage::commit.
struct change_set {
  registry_meta meta;  ///< always present: the clock moves with every batch
  std::span<const string_row> strings;
  std::span<const organization_row> organizations;
  std::span<const party_row> partners;
  std::span<const party_row> oems;
  std::span<const catalogue_entry> catalogue;  ///< appended (the catalogue only grows)
  std::span<const request_row> requests;
  std::span<const cohort_row> cohorts;
  std::span<const std::uint32_t> finished_cohorts;                ///< cohort ids to delete
  std::span<const std::pair<std::uint32_t, device_row>> devices;  ///< changed rows: (id, row)
  std::uint32_t first_new_device = 0;       ///< id of new_devices[0] (ids follow on)
  std::span<const device_row> new_devices;  ///< rows created by this batch, in id order
  std::span<const audit_entry> audit;
};

/// Everything a storage holds. An empty `meta` means a fresh store.
struct snapshot {
  std::optional<registry_meta> meta;
  std::vector<std::string> strings;             ///< index = string id; strings[0] is ""
  std::vector<organization_row> organizations;  ///< index = organization id - 1
  std::vector<party_row> partners;              ///< index = partner id - 1
  std::vector<party_row> oems;                  ///< index = OEM id - 1
  std::vector<catalogue_entry> catalogue;
  std::vector<request_row> requests;  ///< index = request number - 1
  std::vector<cohort_row> cohorts;    ///< open cohorts, in id order
  std::vector<device_row> devices;    ///< index = device id - 1
  std::vector<audit_entry> audit;     ///< in the order written
};

/// The storage interface. Implementations apply a change_set entirely or not at all, and load()
/// never observes half a change_set.
class storage {
 public:
  virtual ~storage() = default;
  /// Applies every change of the batch, or none (then returns the reason).
  virtual status commit(const change_set& batch) = 0;
  /// The whole stored state.
  virtual result<snapshot> load() const = 0;
};

/// Keeps the records in memory, behind a mutex so that a reader on another thread sees whole
/// batches only.
class memory_storage final : public storage {
 public:
  memory_storage();
  /// A store that starts with `initial` (e.g. another store's load()): a copy to open elsewhere.
  explicit memory_storage(snapshot initial);
  ~memory_storage() override;
  status commit(const change_set& batch) override;
  result<snapshot> load() const override;
  /// How many batches were committed.
  std::size_t commits() const;

 private:
  mutable std::mutex mutex_;
  snapshot state_;  ///< everything but the audit trail
  /// The audit trail in blocks: appending never moves (and re-faults) what is already there, so a
  /// commit costs the size of the batch, not of the trail.
  std::deque<audit_entry> audit_;
  std::size_t commits_ = 0;
};

}  // namespace mmdreg::registry

#endif
