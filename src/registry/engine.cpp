// The registration engine. The state is the records of storage.hpp (primary); everything else
// (the device directory, per-organization lists and counters, cohort members, catalogue and
// string indexes) is derived from them by rebuild_indexes(), which open() and a rollback use.
//
// Every operation runs as one transaction: the first change to a record saves its before-image,
// the changes go to the storage as one change_set, and when the storage refuses, the before-images
// are put back and the indexes rebuilt, so the engine is exactly as it was.
#include "mmdreg/registry/engine.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <variant>

#include "hash/sha256.hpp"
#include "mmdreg/domain/device_name.hpp"

namespace mmdreg::registry {

// The memory budget (under 1 KB per device, storage copy and audit trail included) rests on these.
static_assert(sizeof(device_row) <= 152, "device_row grew: update the budget in storage.hpp");
static_assert(sizeof(audit_entry) <= 24, "audit_entry grew: update the budget in types.hpp");

namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kRenamePeriod = 4 * kHour;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kActivityWindow = 7 * kDay;
constexpr std::uint32_t kNoDevice = 0;
constexpr std::uint32_t kTombstone = 0xFFFFFFFFU;
/// Managed devices up to which the small-tenant ring shares apply (spec 7).
constexpr std::uint32_t kSmallTenantDevices = 200;

// What a random draw is for: part of the derivation, so that draws for different purposes never
// share a stream.
enum class purpose : std::uint64_t {
  device_name = 0x6e616d65,
  request_id = 0x72657169,
  storage_failure = 0x73746f72,
  ring_tie = 0x72696e67,
};

std::uint64_t mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// A stream that depends only on the seed, the purpose and the subject: nothing to persist.
seeded_random random_for(std::uint64_t seed, purpose p, std::uint64_t subject, std::uint64_t salt) {
  return seeded_random(mix(seed ^ mix(static_cast<std::uint64_t>(p) + mix(subject ^ mix(salt)))));
}

std::uint32_t u32(organization_id id) {
  return static_cast<std::uint32_t>(id);
}
std::uint32_t u32(device_id id) {
  return static_cast<std::uint32_t>(id);
}

std::uint8_t u8(registration_state s) {
  return static_cast<std::uint8_t>(s);
}

std::string org_text(std::uint32_t org) {
  return "organization " + std::to_string(org);
}
std::string device_text(std::uint32_t device) {
  return "device " + std::to_string(device);
}

error refused(std::string message) {
  return error{errc::refused, std::move(message)};
}

std::uint16_t desired_groups(const device_row& d) {
  std::uint16_t bits = group_bit::all;
  if ((d.flags & device_flag::shared) != 0) bits |= group_bit::shared_mode;
  if (d.ring != device_row::no_ring)
    bits |= static_cast<std::uint16_t>(1U << (group_bit::ring_base + d.ring));
  bits |= static_cast<std::uint16_t>(
      1U << (group_bit::profile_base + static_cast<unsigned>(d.profile)));
  return bits;
}

std::optional<std::uint16_t> group_bit_of(std::string_view group) {
  if (group == all_devices_group()) return group_bit::all;
  if (group == shared_device_mode_group()) return group_bit::shared_mode;
  for (unsigned r = 0; r < 4; ++r)
    if (group == ring_group(static_cast<ring>(r)))
      return static_cast<std::uint16_t>(1U << (group_bit::ring_base + r));
  for (auto p : all_device_profiles)
    if (group == profile_group(p))
      return static_cast<std::uint16_t>(1U << (group_bit::profile_base + static_cast<unsigned>(p)));
  return std::nullopt;
}

std::string_view group_name_of_bit(unsigned bit) {
  if (bit == 0) return all_devices_group();
  if (bit == 1) return shared_device_mode_group();
  if (bit < group_bit::profile_base)
    return ring_group(static_cast<ring>(bit - group_bit::ring_base));
  return profile_group(static_cast<device_profile>(bit - group_bit::profile_base));
}

std::size_t row_limit(channel c) {
  switch (c) {
    case channel::autopilot_blade:
      return 500;
    case channel::partner_center:
    case channel::oem_api:
      return 1000;
    default:
      return 0;  // none documented
  }
}

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

}  // namespace

// ---------------------------------------------------------------------------------------------

struct engine::impl {
  // -- primary records (exactly what a storage holds) --
  registry_meta meta;
  std::vector<char> chars;                   // the string table's bytes
  std::vector<std::uint32_t> offsets{0, 0};  // string id i is [offsets[i], offsets[i+1])
  std::vector<organization_row> orgs;
  std::vector<party_row> partners;
  std::vector<party_row> oems;
  std::vector<catalogue_entry> catalogue;
  std::vector<request_row> requests;
  std::map<std::uint32_t, cohort_row> cohorts;
  std::vector<device_row> devices;  // index = id - 1
  std::vector<audit_entry> audit_log;
  storage* store = nullptr;

  // -- derived indexes --
  struct org_state {
    std::vector<std::uint32_t> devices;         // ids of every row of the organization
    std::array<std::uint32_t, 4> auto_rings{};  // automatically assigned devices per ring
    std::uint32_t managed = 0;                  // rows in the blade, not failed
  };
  std::vector<org_state> org_index;
  std::vector<std::uint32_t> directory;  // open addressing: device ids by identity; 0 empty
  std::size_t directory_used = 0;        // live + tombstones
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> cohort_members;
  /// Failed rows that know their device, by the first 8 bytes of the identity: a later successful
  /// registration of the device in the same organization replaces them.
  std::unordered_multimap<std::uint64_t, std::uint32_t> failed_rows;
  std::set<std::pair<std::int64_t, std::uint32_t>> cohort_due;
  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> interned;
  std::unordered_map<std::string, std::size_t, string_hash, std::equal_to<>> catalogue_by_tuple;
  std::unordered_map<std::string, std::size_t, string_hash, std::equal_to<>>
      catalogue_by_product_key;
  hardware_hash decoder;

  /// A set of device ids as bits (bit id - 1): marking is one OR, and draining it visits the ids
  /// in ascending order, each once, which is the order the jobs must treat devices in.
  struct device_bits {
    std::vector<std::uint64_t> words;
    void fit(std::size_t device_count) { words.resize((device_count + 63) / 64, 0); }
    void mark(std::uint32_t id) { words[(id - 1) >> 6] |= std::uint64_t{1} << ((id - 1) & 63); }
    void mark_all(std::size_t device_count) {
      words.assign((device_count + 63) / 64, ~std::uint64_t{0});
      if (device_count % 64 != 0) words.back() = (std::uint64_t{1} << (device_count % 64)) - 1;
    }
    /// Calls f(id) for every marked id in ascending order and unmarks it first, so that f may
    /// mark its own id again (for the next drain).
    template <class F>
    void drain(F&& f) {
      for (std::size_t w = 0; w < words.size(); ++w) {
        auto bits = words[w];
        if (bits == 0) continue;
        words[w] = 0;
        while (bits != 0) {
          const auto bit = static_cast<std::uint32_t>(std::countr_zero(bits));
          bits &= bits - 1;
          f(static_cast<std::uint32_t>(w * 64 + bit + 1));
        }
      }
    }
  };
  /// The scheduled jobs look only at rows changed since they last ran. Each job's condition
  /// depends on the row alone (the rename job also on its tenant's naming exception, which
  /// update_settings marks), and a job changes (touches) every row whose condition holds, so a
  /// row untouched since the job's last run has a false condition: skipping it changes nothing.
  /// touch() and new_device() mark (touch_unscheduled() is for changes that no condition reads);
  /// rebuild_indexes() marks every row.
  enum job_set : std::size_t { hourly_set = 0, rename_set = 1, tag_set = 2, job_set_count = 3 };
  std::array<device_bits, job_set_count> changed_since_job;
  /// Active devices by the hourly tick at which their week without activity may be up (computed
  /// from last_activity when queued). Activity does not requeue: the tick re-checks and requeues
  /// the device at its new deadline, so each active device is usually queued once. Stale entries
  /// (a device that left Active, or a duplicate) are dropped at their tick.
  std::map<std::int64_t, std::vector<std::uint32_t>> activity_deadlines;
  std::map<std::int64_t, std::vector<std::uint32_t>>::iterator last_deadline =
      activity_deadlines.end();  // where watch_activity queued last; end() when unknown
  device_bits deadline_due;      // scratch of the hourly tick: due ids, deduplicated and ordered
  std::vector<std::uint32_t> job_work;  // scratch of the hourly tick: rows some hourly job changes

  // -- the open transaction --
  struct transaction {
    // User-provided so that std::optional can construct it inside this still-incomplete class
    // (clang evaluates is_constructible before default member initializers are parsed).
    transaction() {}
    registry_meta meta;
    std::size_t strings = 0, chars = 0, partners = 0, oems = 0, catalogue = 0, requests = 0,
                devices = 0, audit = 0;
    std::vector<std::pair<std::uint32_t, device_row>> device_before;
    std::vector<std::uint32_t> touched_devices;            // existing rows, in first-touch order
    std::map<std::uint32_t, organization_row> org_before;  // orgs that existed before
    std::size_t org_count = 0;
    std::map<std::uint32_t, std::optional<cohort_row>> cohort_before;  // nullopt: did not exist
    std::set<std::uint32_t> touched_cohorts;
    std::vector<std::uint32_t> finished_cohorts;
    std::vector<std::uint32_t> touched_requests;
  };
  std::optional<transaction> txn;
  /// The last transaction's buffers, emptied and reused by the next one: a job that touches a
  /// tenth of a million devices would otherwise map, fault in and unmap megabytes every time.
  transaction recycled_txn;
  std::vector<std::pair<std::uint32_t, device_row>> changed_rows;  // commit()'s scratch
  std::vector<std::uint32_t> touch_mark;  // per device: the transaction serial of its last touch
  std::uint32_t txn_serial = 0;

  // =============================================================================================
  // strings

  std::string_view text(std::uint32_t id) const {
    return {chars.data() + offsets[id], offsets[id + 1] - offsets[id]};
  }
  std::uint32_t append_string(std::string_view s) {
    if (s.empty()) return 0;
    chars.insert(chars.end(), s.begin(), s.end());
    offsets.push_back(static_cast<std::uint32_t>(chars.size()));
    return static_cast<std::uint32_t>(offsets.size() - 2);
  }
  /// For values shared by many devices (manufacturers, models): stored once.
  std::uint32_t intern(std::string_view s) {
    if (s.empty()) return 0;
    // Batches repeat the same few manufacturers and models: look at the last ones first.
    for (auto id : intern_cache)
      if (id != 0 && text(id) == s) return id;
    std::uint32_t id = 0;
    if (auto it = interned.find(s); it != interned.end()) {
      id = it->second;
    } else {
      id = append_string(s);
      interned.emplace(std::string(s), id);
    }
    intern_cache[intern_next] = id;
    intern_next = (intern_next + 1) % intern_cache.size();
    return id;
  }
  std::array<std::uint32_t, 4> intern_cache{};
  std::size_t intern_next = 0;

  // =============================================================================================
  // the device directory

  static std::uint64_t identity_key(const device_identity& identity) {
    std::uint64_t h = 0;
    std::memcpy(&h, identity.digest.data(), sizeof h);
    return h;
  }
  static bool is_failed_with_identity(const device_row& d) {
    return d.state == u8(registration_state::failed) &&
           (d.flags & device_flag::has_identity) != 0 && (d.flags & device_flag::removed) == 0;
  }
  /// Removes the organization's failed rows of this device (their failure is moot now).
  void supersede_failures(std::uint32_t org, const device_identity& identity, actor by) {
    if (failed_rows.empty()) return;
    auto [first, last] = failed_rows.equal_range(identity_key(identity));
    std::vector<std::uint32_t> replaced;
    for (auto it = first; it != last; ++it) {
      const auto& d = devices[it->second - 1];
      if (d.organization == org && d.identity == identity && is_failed_with_identity(d))
        replaced.push_back(it->second);
    }
    for (auto id : replaced)
      remove_row(id, audit_cause::failure_superseded, by);
  }
  /// Takes a row out of the blade for good: it keeps its id for the audit trail.
  void remove_row(std::uint32_t id, audit_cause cause, actor by) {
    auto& d = touch(id);
    const auto from = d.state;
    count(d, -1);
    if ((d.flags & device_flag::owns_identity) != 0) directory_erase(id);
    if (is_failed_with_identity(d)) forget_failed(id);
    d.flags = static_cast<std::uint8_t>(
        (d.flags & ~(device_flag::in_blade | device_flag::owns_identity)) | device_flag::removed);
    d.groups = 0;
    d.state = audit_entry::no_state;
    record(id, from, audit_entry::no_state, cause, by);
  }
  void forget_failed(std::uint32_t id) {
    auto [first, last] = failed_rows.equal_range(identity_key(devices[id - 1].identity));
    for (auto it = first; it != last; ++it)
      if (it->second == id) {
        failed_rows.erase(it);
        return;
      }
  }

  static std::size_t slot_of(const device_identity& identity, std::size_t mask) {
    std::uint64_t h = 0;
    std::memcpy(&h, identity.digest.data(), sizeof h);  // a SHA-256 digest: already uniform
    return static_cast<std::size_t>(h) & mask;
  }
  std::uint32_t directory_find(const device_identity& identity) const {
    if (directory.empty()) return kNoDevice;
    const std::size_t mask = directory.size() - 1;
    for (std::size_t i = slot_of(identity, mask);; i = (i + 1) & mask) {
      const auto id = directory[i];
      if (id == kNoDevice) return kNoDevice;
      // The first 8 bytes decide almost always; the full digest only confirms.
      if (id != kTombstone && identity_key(devices[id - 1].identity) == identity_key(identity) &&
          devices[id - 1].identity == identity)
        return id;
    }
  }
  void directory_insert(std::uint32_t id) {
    if ((directory_used + 1) * 2 > directory.size())
      directory_rehash(std::max<std::size_t>(1024, directory.size() * 2));
    const std::size_t mask = directory.size() - 1;
    for (std::size_t i = slot_of(devices[id - 1].identity, mask);; i = (i + 1) & mask) {
      if (directory[i] == kNoDevice) {
        directory[i] = id;
        ++directory_used;
        return;
      }
    }
  }
  void directory_erase(std::uint32_t id) {
    const std::size_t mask = directory.size() - 1;
    for (std::size_t i = slot_of(devices[id - 1].identity, mask);; i = (i + 1) & mask) {
      if (directory[i] == kNoDevice) return;
      if (directory[i] == id) {
        directory[i] = kTombstone;
        return;
      }
    }
  }
  void directory_rehash(std::size_t size) {
    std::vector<std::uint32_t> old;
    old.swap(directory);
    directory.assign(size, kNoDevice);
    directory_used = 0;
    for (auto id : old)
      if (id != kNoDevice && id != kTombstone) directory_insert(id);
  }

  // =============================================================================================
  // indexes

  void rebuild_indexes() {
    interned.clear();
    intern_cache = {};
    // Only strings that devices use as shared values are interned; re-interning them all is
    // harmless (a duplicate id for equal text is never created afterwards).
    org_index.assign(orgs.size(), {});
    directory.clear();
    directory_used = 0;
    directory_rehash(std::max<std::size_t>(1024, std::bit_ceil(devices.size() * 2 + 2)));
    cohort_members.clear();
    cohort_due.clear();
    failed_rows.clear();
    for (std::uint32_t id = 1; id <= devices.size(); ++id) {
      const auto& d = devices[id - 1];
      for (auto s : {d.manufacturer, d.model})
        if (s != 0) interned.try_emplace(std::string(text(s)), s);
      auto& o = org_index[d.organization - 1];
      o.devices.push_back(id);
      if ((d.flags & device_flag::owns_identity) != 0) directory_insert(id);
      count(d, +1);
      if (d.cohort != 0) cohort_members[d.cohort].push_back(id);
      if (is_failed_with_identity(d)) failed_rows.emplace(identity_key(d.identity), id);
    }
    for (const auto& [id, c] : cohorts)
      cohort_due.emplace(c.due, id);
    catalogue_by_tuple.clear();
    catalogue_by_product_key.clear();
    for (std::size_t i = 0; i < catalogue.size(); ++i)
      index_catalogue(i);
    touch_mark.assign(devices.size(), 0);
    for (auto& changed : changed_since_job)
      changed.mark_all(devices.size());
    deadline_due.words.assign((devices.size() + 63) / 64, 0);
    activity_deadlines.clear();
    last_deadline = activity_deadlines.end();
    for (std::uint32_t id = 1; id <= devices.size(); ++id)
      if (devices[id - 1].state == u8(registration_state::active)) watch_activity(id);
  }

  /// Queues an active device at the first hourly tick at or after the end of its activity week.
  void watch_activity(std::uint32_t id) {
    const auto week_up = devices[id - 1].last_activity + kActivityWindow;
    const auto after_start = std::max<std::int64_t>(week_up - meta.start, 0);
    const auto tick = meta.start + (after_start + kHour - 1) / kHour * kHour;
    // Devices queued together mostly share a tick (a batch that signed in or was used together).
    if (last_deadline == activity_deadlines.end() || last_deadline->first != tick)
      last_deadline = activity_deadlines.try_emplace(tick).first;
    last_deadline->second.push_back(id);
  }

  /// Adds (+1) or removes (-1) a row from its organization's counters.
  void count(const device_row& d, int sign) {
    auto& o = org_index[d.organization - 1];
    if ((d.flags & device_flag::removed) != 0) return;
    if ((d.flags & device_flag::in_blade) != 0 && d.state != u8(registration_state::failed))
      o.managed += static_cast<std::uint32_t>(sign);
    if (d.ring != device_row::no_ring && d.ring_by == ring_source::automatic)
      o.auto_rings[d.ring] += static_cast<std::uint32_t>(sign);
  }

  static std::string tuple_key(std::string_view manufacturer, std::string_view model,
                               std::string_view serial) {
    std::string key;
    key.reserve(manufacturer.size() + model.size() + serial.size() + 2);
    key.append(manufacturer).push_back('\0');
    key.append(model).push_back('\0');
    key.append(serial);
    return key;
  }
  void index_catalogue(std::size_t i) {
    const auto& e = catalogue[i];
    catalogue_by_tuple.emplace(tuple_key(e.manufacturer, e.model, e.serial_number), i);
    if (!e.product_key_id.empty()) catalogue_by_product_key.emplace(e.product_key_id, i);
  }

  // =============================================================================================
  // transactions

  void begin() {
    if (txn) throw std::logic_error("registry engine: nested transaction");
    txn.emplace(std::move(recycled_txn));
    auto& t = *txn;
    t.device_before.clear();
    t.touched_devices.clear();
    t.org_before.clear();
    t.cohort_before.clear();
    t.touched_cohorts.clear();
    t.finished_cohorts.clear();
    t.touched_requests.clear();
    t.meta = meta;
    t.strings = offsets.size();
    t.chars = chars.size();
    t.partners = partners.size();
    t.oems = oems.size();
    t.catalogue = catalogue.size();
    t.requests = requests.size();
    t.devices = devices.size();
    t.audit = audit_log.size();
    t.org_count = orgs.size();
    if (++txn_serial == 0) {
      std::fill(touch_mark.begin(), touch_mark.end(), 0);
      txn_serial = 1;
    }
  }

  /// The row, ready to be changed: its before-image is saved on the first change.
  device_row& touch(std::uint32_t id) {
    for (auto& changed : changed_since_job)
      changed.mark(id);
    return touch_unscheduled(id);
  }
  /// touch() for a change that no job's condition reads (the time of the last activity alone):
  /// the jobs need not look at the row again for it.
  device_row& touch_unscheduled(std::uint32_t id) {
    if (id <= txn->devices && touch_mark[id - 1] != txn_serial) {
      touch_mark[id - 1] = txn_serial;
      txn->device_before.emplace_back(id, devices[id - 1]);
      txn->touched_devices.push_back(id);
    }
    return devices[id - 1];
  }
  organization_row& touch_org(std::uint32_t id) {
    if (id <= txn->org_count) txn->org_before.try_emplace(id, orgs[id - 1]);
    return orgs[id - 1];
  }
  /// Saves the cohort's before-image (or its absence) on its first change in the transaction.
  void save_cohort(std::uint32_t id) {
    if (txn->cohort_before.contains(id)) return;
    const auto it = cohorts.find(id);
    txn->cohort_before.emplace(id, it == cohorts.end() ? std::nullopt : std::optional(it->second));
  }

  std::uint32_t new_device(const device_row& row) {
    devices.push_back(row);
    touch_mark.push_back(txn_serial);
    const auto id = static_cast<std::uint32_t>(devices.size());
    org_index[row.organization - 1].devices.push_back(id);
    count(row, +1);
    for (auto& changed : changed_since_job) {
      changed.fit(id);
      changed.mark(id);
    }
    deadline_due.fit(id);
    if (row.state == u8(registration_state::active)) watch_activity(id);
    return id;
  }

  void record(std::uint32_t device, std::uint8_t from, std::uint8_t to, audit_cause cause,
              actor by) {
    audit_log.push_back(audit_entry{.time = meta.now,
                                    .device = device,
                                    .by_id = by.id,
                                    .by_kind = by.kind,
                                    .from = from,
                                    .to = to,
                                    .cause = cause});
  }
  /// Changes the visible state, keeping the counters and the audit trail in step.
  void set_state(std::uint32_t id, std::uint8_t to, audit_cause cause, actor by) {
    auto& d = touch(id);
    const auto from = d.state;
    count(d, -1);
    d.state = to;
    count(d, +1);
    if (to == u8(registration_state::active) && from != to) watch_activity(id);
    record(id, from, to, cause, by);
  }

  status commit() {
    auto& t = *txn;
    status outcome;
    if (store != nullptr) {
      std::vector<string_row> strings;
      for (std::size_t i = t.strings - 1; i + 1 < offsets.size(); ++i)
        strings.push_back({static_cast<std::uint32_t>(i), text(static_cast<std::uint32_t>(i))});
      std::vector<organization_row> org_rows;
      for (const auto& [id, before] : t.org_before)
        org_rows.push_back(orgs[id - 1]);
      for (std::size_t i = t.org_count; i < orgs.size(); ++i)
        org_rows.push_back(orgs[i]);
      std::vector<request_row> request_rows(
          requests.begin() + static_cast<std::ptrdiff_t>(t.requests), requests.end());
      std::vector<cohort_row> cohort_rows;
      for (auto id : t.touched_cohorts)
        if (auto it = cohorts.find(id); it != cohorts.end()) cohort_rows.push_back(it->second);
      auto& device_rows = changed_rows;
      device_rows.clear();
      for (auto id : t.touched_devices)
        device_rows.emplace_back(id, devices[id - 1]);
      change_set batch{
          .meta = meta,
          .strings = strings,
          .organizations = org_rows,
          .partners = std::span(partners).subspan(t.partners),
          .oems = std::span(oems).subspan(t.oems),
          .catalogue = std::span(catalogue).subspan(t.catalogue),
          .requests = request_rows,
          .cohorts = cohort_rows,
          .finished_cohorts = t.finished_cohorts,
          .devices = device_rows,
          .first_new_device = static_cast<std::uint32_t>(t.devices + 1),
          .new_devices = std::span(devices).subspan(t.devices),
          .audit = std::span(audit_log).subspan(t.audit),
      };
      outcome = store->commit(batch);
    }
    if (!outcome.ok()) {
      rollback();
      return error{outcome.err().code,
                   "the registry's storage refused the change, nothing was changed: " +
                       outcome.err().message};
    }
    end_transaction();
    return {};
  }

  void end_transaction() {
    recycled_txn = std::move(*txn);
    txn.reset();
  }

  void rollback() {
    auto& t = *txn;
    meta = t.meta;
    offsets.resize(t.strings);
    chars.resize(t.chars);
    partners.resize(t.partners);
    oems.resize(t.oems);
    catalogue.resize(t.catalogue);
    requests.resize(t.requests);
    devices.resize(t.devices);
    audit_log.resize(t.audit);
    for (auto& [id, before] : t.device_before)
      devices[id - 1] = before;
    orgs.resize(t.org_count);
    for (auto& [id, before] : t.org_before)
      orgs[id - 1] = std::move(before);
    for (const auto& [id, before] : t.cohort_before) {
      if (before)
        cohorts.insert_or_assign(id, *before);
      else
        cohorts.erase(id);
    }
    end_transaction();
    rebuild_indexes();
  }

  /// Runs `change` as one transaction. `change` returns a status; a refusal rolls back too
  /// (refusals are found before changing anything, but this keeps it true by construction).
  template <class F>
  status transact(F&& change) {
    begin();
    status s = change();
    if (!s.ok()) {
      rollback();
      return s;
    }
    return commit();
  }

  // =============================================================================================
  // access checks

  result<std::uint32_t> organization(organization_id org) const {
    const auto id = u32(org);
    if (id == 0 || id > orgs.size())
      return error{errc::not_found, org_text(id) + " does not exist"};
    return id;
  }
  status admin_of(actor by, std::uint32_t org, std::string_view what) const {
    if (by.kind == actor_kind::tenant_admin && by.id == org) return {};
    return refused("only the tenant admin of " + org_text(org) + " may " + std::string(what) +
                   "; the caller is " + std::string(actor_kind_name(by.kind)) + " " +
                   std::to_string(by.id));
  }
  bool consents(std::uint32_t org, std::uint32_t partner) const {
    const auto& v = orgs[org - 1].consenting_partners;
    return std::find(v.begin(), v.end(), partner) != v.end();
  }
  bool authorizes(std::uint32_t org, std::uint32_t oem) const {
    const auto& v = orgs[org - 1].authorized_oems;
    return std::find(v.begin(), v.end(), oem) != v.end();
  }
  /// The device row of the organization's blade, or "Device not found".
  result<std::uint32_t> blade_device(std::uint32_t org, device_id device) const {
    const auto id = u32(device);
    if (id == 0 || id > devices.size() || devices[id - 1].organization != org ||
        (devices[id - 1].flags & device_flag::in_blade) == 0) {
      return error{errc::not_found, std::string(message(registration_error::device_not_found))};
    }
    return id;
  }
  /// A device of the organization's blade that `by` administers: the organization must exist, the
  /// caller must be its tenant admin, and the device must be in its blade.
  result<std::uint32_t> admins_device(actor by, organization_id org, device_id device,
                                      std::string_view what) const {
    auto o = organization(org);
    if (!o) return o.err();
    if (auto s = admin_of(by, *o, what); !s) return s.err();
    return blade_device(*o, device);
  }
  static bool delivered(const device_row& d) {
    return d.state == u8(registration_state::ready_for_user) ||
           d.state == u8(registration_state::active) || d.state == u8(registration_state::inactive);
  }

  // =============================================================================================
  // rings and groups

  void assign_automatic_ring(std::uint32_t id) {
    auto& d = touch(id);
    auto& o = org_index[d.organization - 1];
    static constexpr std::array<std::uint32_t, 4> kSmall{0, 5, 15, 80};
    static constexpr std::array<std::uint32_t, 4> kLarge{0, 1, 9, 90};
    const auto& share = o.managed <= kSmallTenantDevices ? kSmall : kLarge;
    const std::int64_t total =
        static_cast<std::int64_t>(o.auto_rings[1] + o.auto_rings[2] + o.auto_rings[3]) + 1;
    // The ring furthest below its share takes the device; ties are broken by the seed.
    std::array<std::int64_t, 4> deficit{};
    std::int64_t best = INT64_MIN;
    for (unsigned r = 1; r < 4; ++r) {
      deficit[r] = static_cast<std::int64_t>(share[r]) * total -
                   100 * static_cast<std::int64_t>(o.auto_rings[r]);
      best = std::max(best, deficit[r]);
    }
    std::array<std::uint8_t, 3> tied{};
    std::size_t ties = 0;
    for (unsigned r = 1; r < 4; ++r)
      if (deficit[r] == best) tied[ties++] = static_cast<std::uint8_t>(r);
    std::uint8_t chosen = tied[0];
    if (ties > 1) {
      auto random =
          random_for(meta.seed, purpose::ring_tie, id, static_cast<std::uint64_t>(meta.now));
      chosen = tied[random.below(ties)];
    }
    count(d, -1);
    d.ring = chosen;
    d.ring_by = ring_source::automatic;
    count(d, +1);
    record(id, d.state, d.state, audit_cause::ring_assigned, actor::service_itself());
  }

  /// Puts the device's MMD group memberships back to what they must be. Whether anything changed.
  bool reconcile_groups(std::uint32_t id) {
    const auto want = wanted_groups(devices[id - 1]);
    if (devices[id - 1].groups == want) return false;
    auto& d = touch(id);
    d.groups = want;
    record(id, d.state, d.state, audit_cause::groups_reconciled, actor::service_itself());
    return true;
  }

  void set_name(device_row& d, std::uint32_t id) {
    auto random =
        random_for(meta.seed, purpose::device_name, id, static_cast<std::uint64_t>(meta.now));
    const auto name = generate_device_name(d.profile, random);
    d.name_length = static_cast<std::uint8_t>(std::min(name.size(), d.name.size()));
    std::memcpy(d.name.data(), name.data(), d.name_length);
  }

  // =============================================================================================
  // workflow

  static std::optional<workflow_step> step_after(workflow_step s, bool auto_registered) {
    switch (s) {
      case workflow_step::autopilot_record:
        return workflow_step::entra_record;
      case workflow_step::entra_record:
        return workflow_step::order_id_link;
      case workflow_step::order_id_link:
        return workflow_step::deployment_profile;
      // Auto-registered devices now wait for the hourly assignment check.
      case workflow_step::deployment_profile:
        return auto_registered ? std::nullopt : std::optional(workflow_step::ring);
      case workflow_step::ring:
        return workflow_step::groups;
      case workflow_step::groups:
        return workflow_step::configuration_profile;
      // Auto-registered devices are validated by the hourly job; a manual registration asks for
      // its validation as soon as its configuration is in place.
      case workflow_step::configuration_profile:
        return auto_registered ? std::nullopt : std::optional(workflow_step::validation);
      default:
        return std::nullopt;
    }
  }

  std::uint32_t open_cohort(workflow_step first) {
    const std::uint32_t id = cohorts.empty() ? 1 : cohorts.rbegin()->first + 1;
    save_cohort(id);
    // Ids must never be reused while a storage may still hold a finished one with that id; the
    // storage deletes finished cohorts in the same batch, so the largest open id + 1 is safe.
    const auto due = meta.now + meta.latencies.seconds[static_cast<std::size_t>(first)];
    cohorts.emplace(id, cohort_row{.id = id, .next_step = first, .due = due});
    cohort_due.emplace(due, id);
    txn->touched_cohorts.insert(id);
    return id;
  }

  void mark_done(device_row& d, workflow_step s) {
    d.step_done[static_cast<std::size_t>(s)] =
        static_cast<std::uint32_t>(meta.now - d.registered_at) + 1;
  }
  static bool is_done(const device_row& d, workflow_step s) {
    return d.step_done[static_cast<std::size_t>(s)] != 0;
  }

  void run_cohort_step(std::uint32_t cohort_id) {
    save_cohort(cohort_id);
    auto cohort = cohorts.at(cohort_id);
    cohort_due.erase({cohort.due, cohort_id});
    const auto step = cohort.next_step;
    auto& members = cohort_members[cohort_id];
    bool auto_registered = false;
    for (auto id : members) {
      auto& d = touch(id);
      auto_registered = (d.flags & device_flag::auto_registered) != 0;
      if (step == workflow_step::validation && is_done(d, step))
        continue;  // the hourly job was first
      mark_done(d, step);
      switch (step) {
        case workflow_step::deployment_profile:
          set_name(d, id);
          break;
        case workflow_step::ring:
          if (d.ring == device_row::no_ring) assign_automatic_ring(id);
          break;
        case workflow_step::groups:
          devices[id - 1].groups = desired_groups(devices[id - 1]);
          break;
        case workflow_step::validation:
          set_state(id, u8(registration_state::ready_for_user), audit_cause::validation,
                    actor::service_itself());
          break;
        default:
          break;
      }
    }
    const auto next = step_after(step, auto_registered);
    txn->touched_cohorts.insert(cohort_id);
    if (next && !members.empty()) {
      auto& c = cohorts.at(cohort_id);
      c.next_step = *next;
      c.due = meta.now + meta.latencies.seconds[static_cast<std::size_t>(*next)];
      cohort_due.emplace(c.due, cohort_id);
      return;
    }
    for (auto id : members)
      touch(id).cohort = 0;
    cohort_members.erase(cohort_id);
    cohorts.erase(cohort_id);
    txn->touched_cohorts.erase(cohort_id);
    txn->finished_cohorts.push_back(cohort_id);
  }

  // -- the scheduled jobs --

  // The conditions under which each hourly job changes a row (removed rows aside).
  static bool awaits_assignment_check(const device_row& d) {
    return (d.flags & device_flag::in_blade) == 0 &&
           (d.flags & device_flag::auto_registered) != 0 &&
           is_done(d, workflow_step::deployment_profile);
  }
  static bool awaits_request_comparison(const device_row& d) {
    return (d.flags & device_flag::in_blade) != 0 && is_done(d, workflow_step::shipped_record) &&
           !is_done(d, workflow_step::request_comparison);
  }
  static bool lacks_ring(const device_row& d) {
    return d.ring == device_row::no_ring && is_done(d, workflow_step::groups) &&
           d.state != u8(registration_state::failed);
  }
  /// The MMD groups the device must be in: none until MMD manages it (or when it failed).
  static std::uint16_t wanted_groups(const device_row& d) {
    return d.state == u8(registration_state::failed) || !is_done(d, workflow_step::groups)
               ? std::uint16_t{0}
               : desired_groups(d);
  }
  static bool needs_remediation(const device_row& d) {
    return (d.flags & device_flag::in_blade) != 0 &&
           (lacks_ring(d) || d.groups != wanted_groups(d));
  }
  static bool awaits_validation(const device_row& d) {
    return d.state == u8(registration_state::pending) &&
           is_done(d, workflow_step::configuration_profile) &&
           !is_done(d, workflow_step::validation);
  }
  static bool is_removed(const device_row& d) { return (d.flags & device_flag::removed) != 0; }

  void hourly_jobs() {
    const auto service = actor::service_itself();
    // Rows changed since the last tick and that some job below changes. A job only changes rows
    // of this list: every other row keeps every condition false throughout (see
    // changed_since_job), so the jobs run over this list in id order as over every row.
    job_work.clear();
    changed_since_job[hourly_set].drain([&](std::uint32_t id) {
      const auto& d = devices[id - 1];
      if (!is_removed(d) && (awaits_assignment_check(d) || awaits_request_comparison(d) ||
                             needs_remediation(d) || awaits_validation(d)))
        job_work.push_back(id);
    });
    // 1. Assignment check: auto-registered devices with an MMD deployment profile become
    //    shipped-device records, Registration Pending.
    for (auto id : job_work) {
      if (!awaits_assignment_check(devices[id - 1])) continue;
      auto& row = touch(id);
      count(row, -1);
      row.flags |= device_flag::in_blade;
      count(row, +1);
      mark_done(row, workflow_step::shipped_record);
      set_state(id, u8(registration_state::pending), audit_cause::assignment_check, service);
    }
    // 2. Request comparison: shipped records without a Devices-blade request are registered.
    std::uint32_t cohort = 0;
    for (auto id : job_work) {
      if (!awaits_request_comparison(devices[id - 1])) continue;
      if (cohort == 0) cohort = open_cohort(workflow_step::ring);
      auto& row = touch(id);
      mark_done(row, workflow_step::request_comparison);
      row.cohort = cohort;
      cohort_members[cohort].push_back(id);
    }
    // 3. Ring and group remediation: exactly one ring, the right groups.
    for (auto id : job_work) {
      if ((devices[id - 1].flags & device_flag::in_blade) == 0) continue;
      if (lacks_ring(devices[id - 1])) assign_automatic_ring(id);
      reconcile_groups(id);
    }
    // 4. Validation of every device whose configuration is in place.
    for (auto id : job_work) {
      if (!awaits_validation(devices[id - 1])) continue;
      mark_done(touch(id), workflow_step::validation);
      set_state(id, u8(registration_state::ready_for_user), audit_cause::validation, service);
    }
    // 5. The activity window: only devices whose deadline tick has come are looked at.
    last_deadline = activity_deadlines.end();
    while (!activity_deadlines.empty() && activity_deadlines.begin()->first <= meta.now) {
      for (auto id : activity_deadlines.begin()->second)
        deadline_due.mark(id);
      activity_deadlines.erase(activity_deadlines.begin());
    }
    deadline_due.drain([&](std::uint32_t id) {
      const auto& d = devices[id - 1];
      if (is_removed(d) || d.state != u8(registration_state::active)) return;
      if (meta.now - d.last_activity >= kActivityWindow)
        set_state(id, u8(registration_state::inactive), audit_cause::inactivity, service);
      else
        watch_activity(id);  // active since it was queued: wait for the new deadline
    });
  }

  void rename_job() {
    changed_since_job[rename_set].drain([&](std::uint32_t id) {
      const auto& d = devices[id - 1];
      if (is_removed(d) || (d.flags & device_flag::in_blade) == 0 || d.name_length == 0 ||
          orgs[d.organization - 1].settings.naming_exception ||
          follows_name_template({d.name.data(), d.name_length}, d.profile))
        return;
      set_name(touch(id), id);
      record(id, d.state, d.state, audit_cause::renamed, actor::service_itself());
    });
  }

  void tag_job() {
    changed_since_job[tag_set].drain([&](std::uint32_t id) {
      const auto& d = devices[id - 1];
      if (is_removed(d) || (d.flags & device_flag::tag_missing) == 0) return;
      touch(id).flags &= static_cast<std::uint8_t>(~device_flag::tag_missing);
      record(id, d.state, d.state, audit_cause::tag_restored, actor::service_itself());
    });
  }

  /// The next hourly tick after the last one that ran. Not derived from the clock: a workflow
  /// step due at a tick's instant runs first and moves the clock there before the tick runs.
  std::int64_t next_tick() const {
    return meta.start + ((meta.jobs_ran_at - meta.start) / kHour + 1) * kHour;
  }

  status advance_to(std::int64_t target) {
    if (target < meta.now) {
      return error{errc::invalid_argument, "the clock only moves forward: cannot go back " +
                                               std::to_string(meta.now - target) + " s"};
    }
    for (;;) {
      const auto tick = next_tick();
      const bool cohort_first = !cohort_due.empty() && cohort_due.begin()->first <= tick;
      const auto when = cohort_first ? cohort_due.begin()->first : tick;
      if (when > target) break;
      status s;
      if (cohort_first) {
        const auto cohort = cohort_due.begin()->second;
        s = transact([&]() -> status {
          meta.now = when;
          run_cohort_step(cohort);
          return {};
        });
      } else {
        s = transact([&]() -> status {
          meta.now = when;
          meta.jobs_ran_at = when;
          hourly_jobs();
          if ((when - meta.start) % kRenamePeriod == 0) rename_job();
          if ((when - meta.start) % kDay == 0) tag_job();
          return {};
        });
      }
      if (!s.ok()) return s;
    }
    if (target == meta.now) return {};
    return transact([&]() -> status {
      meta.now = target;
      return {};
    });
  }

  // =============================================================================================
  // registration

  struct identified {
    device_identity identity;
    std::string_view manufacturer, model, serial;
  };

  /// Finds who the device is, or the registration error that says why not.
  std::variant<identified, registration_error> identify(const registration_request& request,
                                                        const batch_entry& entry) {
    const auto& r = entry.record;
    auto prefer = [](std::string_view given, std::string_view decoded) {
      return given.empty() ? decoded : given;
    };
    if (entry.decoded) {
      const auto& d = *entry.decoded;
      return identified{d.identity, prefer(r.manufacturer, d.manufacturer),
                        prefer(r.model, d.model), prefer(r.serial_number, d.serial_number)};
    }
    if (!r.hardware_hash.empty()) {
      if (decoder.decode(r.hardware_hash)) return registration_error::hardware_hash_not_valid;
      return identified{decoder.identity(), prefer(r.manufacturer, decoder.manufacturer()),
                        prefer(r.model, decoder.model()),
                        prefer(r.serial_number, decoder.serial_number())};
    }
    // Without a hash only partners and OEMs may identify a device, by what the supplier knows.
    if (request.by.kind == actor_kind::tenant_admin)
      return registration_error::hardware_hash_not_valid;
    const catalogue_entry* match = nullptr;
    if (!r.manufacturer.empty() && !r.model.empty() && !r.serial_number.empty()) {
      if (auto it = catalogue_by_tuple.find(tuple_key(r.manufacturer, r.model, r.serial_number));
          it != catalogue_by_tuple.end())
        match = &catalogue[it->second];
    } else if (request.via == channel::partner_center && !r.product_key_id.empty()) {
      if (auto it = catalogue_by_product_key.find(r.product_key_id);
          it != catalogue_by_product_key.end())
        match = &catalogue[it->second];
    }
    if (match == nullptr) return registration_error::device_not_found;
    return identified{catalogue_identity(*match), match->manufacturer, match->model,
                      match->serial_number};
  }

  /// A catalogue entry without a known hash still names one device: its identity is derived from
  /// the tuple (with a separator so that it never equals an identity from a hash).
  static device_identity catalogue_identity(const catalogue_entry& e) {
    if (e.identity) return *e.identity;
    static constexpr std::uint8_t domain[] = {'c', 'a', 't', 'a', 'l', 'o', 'g', 'u', 'e', 0};
    static constexpr std::uint8_t separator[1] = {0};
    auto bytes = [](const std::string& s) {
      return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()),
                                           s.size());
    };
    return device_identity{detail::sha256({domain, bytes(e.manufacturer), separator, bytes(e.model),
                                           separator, bytes(e.serial_number)})};
  }

  status check_request(const registration_request& request) const {
    auto org = organization(request.organization);
    if (!org) return org.err();
    const auto o = *org;
    const auto& by = request.by;
    const auto via = std::string(channel_name(request.via));
    switch (request.via) {
      case channel::devices_blade:
      case channel::autopilot_blade:
        if (auto s = admin_of(by, o, "register devices through " + via); !s) return s;
        break;
      case channel::partner_center:
        if (by.kind != actor_kind::csp_partner)
          return refused("only a CSP partner may register through partner-center");
        break;
      case channel::oem_api:
        if (by.kind != actor_kind::oem) return refused("only an OEM may register through oem-api");
        break;
      case channel::mmd_api:
        if (by.kind != actor_kind::csp_partner) {
          if (auto s = admin_of(by, o, "register devices through mmd-api"); !s) return s;
        }
        break;
    }
    if (by.kind == actor_kind::csp_partner) {
      if (by.id == 0 || by.id > partners.size())
        return refused("partner " + std::to_string(by.id) + " is unknown");
      if (!consents(o, by.id))
        return refused("partner " + std::to_string(by.id) + " has no relationship with " +
                       org_text(o) +
                       " that the customer consented to: the customer must accept the partner "
                       "relationship first");
    }
    if (by.kind == actor_kind::oem) {
      if (by.id == 0 || by.id > oems.size())
        return refused("OEM " + std::to_string(by.id) + " is unknown");
      if (!authorizes(o, by.id))
        return refused("OEM " + std::to_string(by.id) + " is not authorized by " + org_text(o));
    }
    const auto& settings = orgs[o - 1].settings;
    if (!settings.licensed)
      return refused(org_text(o) + " has no Microsoft Managed Desktop licences assigned");
    if (!settings.enabled_profiles[static_cast<std::size_t>(request.profile)])
      return refused("the " + std::string(display_name(request.profile)) +
                     " profile is not enabled in " + org_text(o));
    auto tag = format_group_tag(request.profile, request.shared);
    if (!tag) return tag.err();
    if (request.devices.empty()) return error{errc::invalid_argument, "the batch holds no devices"};
    if (const auto limit = row_limit(request.via); limit != 0 && request.devices.size() > limit) {
      return error{errc::invalid_argument, "a " + via + " batch holds at most " +
                                               std::to_string(limit) + " devices; this one holds " +
                                               std::to_string(request.devices.size()) +
                                               ": split it"};
    }
    for (const auto& e : request.devices) {
      if (!e.record.group_tag.empty() && e.record.group_tag != *tag) {
        return error{errc::invalid_argument, "line " + std::to_string(e.line) +
                                                 " carries group tag '" + e.record.group_tag +
                                                 "' but the batch registers '" + *tag +
                                                 "': upload one batch per tag"};
      }
    }
    return {};
  }

  result<registration_result> register_devices(const registration_request& request) {
    if (auto s = check_request(request); !s) return s.err();
    const auto org = u32(request.organization);
    const bool auto_registered = is_auto_registration(request.via);
    const auto number = static_cast<std::uint32_t>(requests.size() + 1);
    registration_result out;
    out.number = request_number{number};
    out.devices.reserve(request.devices.size());

    begin();
    request_row req{.number = number,
                    .organization = org,
                    .by = request.by,
                    .via = request.via,
                    .profile = request.profile,
                    .shared = request.shared,
                    .order_id = request.order_id,
                    .purchase_id = request.purchase_id,
                    .created_at = meta.now};
    const std::uint32_t cohort = open_cohort(workflow_step::autopilot_record);
    auto& members = cohort_members[cohort];
    members.reserve(request.devices.size());
    const std::uint8_t flags =
        static_cast<std::uint8_t>((request.shared ? device_flag::shared : 0) |
                                  (auto_registered ? device_flag::auto_registered : 0));
    for (std::size_t i = 0; i < request.devices.size(); ++i) {
      const auto& entry = request.devices[i];
      device_outcome outcome{.line = entry.line};
      device_row row{.organization = org,
                     .request = number,
                     .line = entry.line,
                     .registered_at = meta.now,
                     .flags = flags,
                     .profile = request.profile,
                     .via = request.via};
      auto who = identify(request, entry);
      std::optional<registration_error> failure;
      if (auto* e = std::get_if<registration_error>(&who)) {
        failure = *e;
        row.manufacturer = intern(entry.record.manufacturer);
        row.model = intern(entry.record.model);
        row.serial = append_string(entry.record.serial_number);
      } else {
        const auto& found = std::get<identified>(who);
        row.identity = found.identity;
        row.flags |= device_flag::has_identity;
        row.manufacturer = intern(found.manufacturer);
        row.model = intern(found.model);
        row.serial = append_string(found.serial);
        if (const auto owner = directory_find(found.identity); owner != kNoDevice) {
          failure = devices[owner - 1].organization == org
                        ? registration_error::device_already_registered
                        : registration_error::device_claimed_by_another_organization;
        }
      }
      if (failure == registration_error::device_already_registered) {
        // The device is there already; the existing row stays as it is.
        outcome.failure = registration_failure{*failure, {}};
      } else if (failure) {
        row.state = u8(registration_state::failed);
        row.flags = static_cast<std::uint8_t>((row.flags & ~device_flag::auto_registered) |
                                              device_flag::in_blade);
        row.last_error = static_cast<std::uint8_t>(*failure);
        auto random = random_for(meta.seed, purpose::request_id, number, i);
        auto f = make_registration_failure(*failure, random);
        if (!f.request_id.empty()) row.request_id = append_string(f.request_id);
        const auto id = new_device(row);
        if (is_failed_with_identity(row)) failed_rows.emplace(identity_key(row.identity), id);
        record(id, audit_entry::no_state, row.state, audit_cause::registration_failed, request.by);
        outcome.device = device_id{id};
        outcome.failure = std::move(f);
      } else {
        if (!auto_registered) {
          row.state = u8(registration_state::pending);
          row.flags |= device_flag::in_blade;
        }
        row.cohort = cohort;
        supersede_failures(org, row.identity, request.by);
        const auto id = new_device(row);
        directory_insert(id);
        devices[id - 1].flags |= device_flag::owns_identity;
        members.push_back(id);
        record(
            id, audit_entry::no_state, row.state,
            auto_registered ? audit_cause::autopilot_import : audit_cause::registration_requested,
            request.by);
        outcome.device = device_id{id};
        ++out.accepted;
      }
      if (outcome.failure) {
        ++out.failed;
        req.failures.push_back(failure_row{.line = entry.line,
                                           .manufacturer = std::string(text(row.manufacturer)),
                                           .model = std::string(text(row.model)),
                                           .serial_number = std::string(text(row.serial)),
                                           .error = outcome.failure->error,
                                           .request_id = outcome.failure->request_id});
      }
      out.devices.push_back(std::move(outcome));
    }
    req.accepted = static_cast<std::uint32_t>(out.accepted);
    requests.push_back(std::move(req));
    if (members.empty()) {
      // Nothing to run: the cohort never opens.
      cohort_due.erase({cohorts.at(cohort).due, cohort});
      cohorts.erase(cohort);
      cohort_members.erase(cohort);
      txn->touched_cohorts.erase(cohort);
    }
    if (auto s = commit(); !s) {
      // Nothing was kept: every device fails with its own Request ID for support.
      registration_result failed{.number = request_number{0}};
      for (std::size_t i = 0; i < request.devices.size(); ++i) {
        auto random = random_for(meta.seed, purpose::storage_failure, number, i);
        failed.devices.push_back(device_outcome{
            .line = request.devices[i].line,
            .failure = make_registration_failure(registration_error::unexpected_error, random)});
      }
      failed.failed = request.devices.size();
      return failed;
    }
    return out;
  }

  // =============================================================================================
  // views

  blade_row view(std::uint32_t id) const {
    const auto& d = devices[id - 1];
    blade_row row{.id = device_id{id},
                  .name = std::string(d.name.data(), d.name_length),
                  .serial_number = std::string(text(d.serial)),
                  .manufacturer = std::string(text(d.manufacturer)),
                  .model = std::string(text(d.model)),
                  .state = static_cast<registration_state>(d.state),
                  .profile = d.profile,
                  .shared = (d.flags & device_flag::shared) != 0,
                  .ring_assigned_by = d.ring_by,
                  .registered_at = sim_time{std::chrono::seconds{d.registered_at}},
                  .via = d.via};
    if (d.ring != device_row::no_ring) row.ring = static_cast<ring>(d.ring);
    if (d.last_error != device_row::no_error)
      row.last_error = registration_failure{static_cast<registration_error>(d.last_error),
                                            std::string(text(d.request_id))};
    if ((d.flags & device_flag::tag_missing) == 0 && d.state != u8(registration_state::failed))
      row.group_tag = std::string(group_tag_name(d.profile, (d.flags & device_flag::shared) != 0));
    return row;
  }

  snapshot to_snapshot() const {
    snapshot s;
    s.meta = meta;
    s.strings.reserve(offsets.size() - 1);
    for (std::uint32_t i = 0; i + 1 < offsets.size(); ++i)
      s.strings.emplace_back(text(i));
    s.organizations = orgs;
    s.partners = partners;
    s.oems = oems;
    s.catalogue = catalogue;
    s.requests = requests;
    for (const auto& [id, c] : cohorts)
      s.cohorts.push_back(c);
    s.devices = devices;
    s.audit = audit_log;
    return s;
  }

  void from_snapshot(snapshot s) {
    meta = *s.meta;
    chars.clear();
    offsets.assign(1, 0);
    for (std::size_t i = 0; i < s.strings.size(); ++i) {
      chars.insert(chars.end(), s.strings[i].begin(), s.strings[i].end());
      offsets.push_back(static_cast<std::uint32_t>(chars.size()));
    }
    if (offsets.size() < 2) offsets.push_back(0);
    orgs = std::move(s.organizations);
    partners = std::move(s.partners);
    oems = std::move(s.oems);
    catalogue = std::move(s.catalogue);
    requests = std::move(s.requests);
    cohorts.clear();
    for (const auto& c : s.cohorts)
      cohorts.emplace(c.id, c);
    devices = std::move(s.devices);
    audit_log = std::move(s.audit);
    rebuild_indexes();
  }
};

// =============================================================================================
// the public surface

engine::engine(const engine_options& options) : impl_(std::make_unique<impl>()) {
  impl_->meta.start = options.start.time_since_epoch().count();
  impl_->meta.now = impl_->meta.start;
  impl_->meta.jobs_ran_at = impl_->meta.start;
  impl_->meta.seed = options.seed;
  impl_->meta.latencies = options.latencies;
  impl_->rebuild_indexes();
}
engine::engine(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
engine::engine(engine&&) noexcept = default;
engine& engine::operator=(engine&&) noexcept = default;
engine::~engine() = default;

result<engine> engine::open(storage& store, const engine_options& options) {
  auto loaded = store.load();
  if (!loaded) return loaded.err();
  if (!loaded->meta) {
    engine fresh(options);
    fresh.impl_->store = &store;
    if (auto s = fresh.impl_->transact([] { return status{}; }); !s) return s.err();
    return fresh;
  }
  auto& snap = *loaded;
  const auto bad = [](std::string what) {
    return error{errc::invalid_argument, "the stored registry is inconsistent: " + std::move(what)};
  };
  if (snap.strings.empty() || !snap.strings[0].empty())
    return bad("string 0 must be the empty string");
  for (std::size_t i = 0; i < snap.devices.size(); ++i) {
    const auto& d = snap.devices[i];
    if (d.organization == 0 || d.organization > snap.organizations.size())
      return bad(device_text(static_cast<std::uint32_t>(i + 1)) + " names an unknown organization");
    for (auto s : {d.manufacturer, d.model, d.serial, d.request_id})
      if (s >= snap.strings.size())
        return bad(device_text(static_cast<std::uint32_t>(i + 1)) + " names an unknown string");
  }
  auto state = std::make_unique<impl>();
  state->from_snapshot(std::move(snap));
  state->store = &store;
  return engine(std::move(state));
}

result<organization_id> engine::add_organization(const organization_settings& settings) {
  if (settings.name.empty()) return error{errc::invalid_argument, "an organization needs a name"};
  auto& m = *impl_;
  const auto id = static_cast<std::uint32_t>(m.orgs.size() + 1);
  auto s = m.transact([&]() -> status {
    m.orgs.push_back(organization_row{.id = id, .settings = settings});
    m.org_index.emplace_back();
    return {};
  });
  if (!s) return s.err();
  return organization_id{id};
}

// Partners and OEMs are both named parties with dense ids; only the list and the word differ.
result<std::uint32_t> engine::add_party(std::vector<party_row>& parties, std::string_view name,
                                        std::string_view what) {
  if (name.empty()) return error{errc::invalid_argument, std::string(what) + " needs a name"};
  const auto id = static_cast<std::uint32_t>(parties.size() + 1);
  if (auto s = impl_->transact([&]() -> status {
        parties.push_back({id, std::string(name)});
        return {};
      });
      !s)
    return s.err();
  return id;
}

result<partner_id> engine::add_partner(std::string_view name) {
  auto id = add_party(impl_->partners, name, "a partner");
  if (!id) return id.err();
  return partner_id{*id};
}

result<oem_id> engine::add_oem(std::string_view name) {
  auto id = add_party(impl_->oems, name, "an OEM");
  if (!id) return id.err();
  return oem_id{*id};
}

status engine::add_catalogue_entry(const catalogue_entry& entry) {
  auto& m = *impl_;
  if (entry.manufacturer.empty() || entry.model.empty() || entry.serial_number.empty())
    return error{errc::invalid_argument,
                 "a catalogue entry needs manufacturer, model and serial number"};
  const auto key = impl::tuple_key(entry.manufacturer, entry.model, entry.serial_number);
  if (m.catalogue_by_tuple.contains(key))
    return error{errc::conflict, "the catalogue already has " + entry.manufacturer + " " +
                                     entry.model + " serial " + entry.serial_number};
  if (!entry.product_key_id.empty() && m.catalogue_by_product_key.contains(entry.product_key_id))
    return error{errc::conflict,
                 "the catalogue already has Windows Product ID " + entry.product_key_id};
  auto s = m.transact([&]() -> status {
    m.catalogue.push_back(entry);
    return {};
  });
  if (s) m.index_catalogue(m.catalogue.size() - 1);
  return s;
}

status engine::update_settings(actor by, organization_id org,
                               const organization_settings& settings) {
  auto& m = *impl_;
  auto o = m.organization(org);
  if (!o) return o.err();
  if (auto s = m.admin_of(by, *o, "change its settings"); !s) return s;
  if (settings.name.empty()) return error{errc::invalid_argument, "an organization needs a name"};
  return m.transact([&]() -> status {
    m.touch_org(*o).settings = settings;
    // The rename job skips tenants with the naming exception: it must look at their devices
    // again when the exception goes.
    for (auto id : m.org_index[*o - 1].devices)
      m.changed_since_job[impl::rename_set].mark(id);
    return {};
  });
}

namespace {
template <class Impl>
status change_relationship(Impl& m, actor by, organization_id org, std::uint32_t party,
                           bool partner, bool grant) {
  auto o = m.organization(org);
  if (!o) return o.err();
  if (auto s = m.admin_of(by, *o, grant ? "grant consent" : "withdraw consent"); !s) return s;
  const auto known = partner ? m.partners.size() : m.oems.size();
  const std::string who = (partner ? "partner " : "OEM ") + std::to_string(party);
  if (party == 0 || party > known) return error{errc::not_found, who + " is unknown"};
  const bool has = partner ? m.consents(*o, party) : m.authorizes(*o, party);
  if (has == grant) {
    return refused(who + (grant ? " already has " : " has no ") +
                   (partner ? "consent from " : "authorization from ") + org_text(*o));
  }
  return m.transact([&]() -> status {
    auto& row = m.touch_org(*o);
    auto& list = partner ? row.consenting_partners : row.authorized_oems;
    if (grant)
      list.push_back(party);
    else
      std::erase(list, party);
    return {};
  });
}
}  // namespace

status engine::grant_partner_consent(actor by, organization_id org, partner_id partner) {
  return change_relationship(*impl_, by, org, static_cast<std::uint32_t>(partner), true, true);
}
status engine::withdraw_partner_consent(actor by, organization_id org, partner_id partner) {
  return change_relationship(*impl_, by, org, static_cast<std::uint32_t>(partner), true, false);
}
status engine::authorize_oem(actor by, organization_id org, oem_id oem) {
  return change_relationship(*impl_, by, org, static_cast<std::uint32_t>(oem), false, true);
}
status engine::revoke_oem_authorization(actor by, organization_id org, oem_id oem) {
  return change_relationship(*impl_, by, org, static_cast<std::uint32_t>(oem), false, false);
}

std::optional<organization_settings> engine::settings(organization_id org) const {
  auto o = impl_->organization(org);
  if (!o) return std::nullopt;
  return impl_->orgs[*o - 1].settings;
}

result<registration_result> engine::register_devices(const registration_request& request) {
  return impl_->register_devices(request);
}

status engine::deregister(actor by, organization_id org, device_id device) {
  auto& m = *impl_;
  auto id = m.admins_device(by, org, device, "remove devices");
  if (!id) return id.err();
  if (m.devices[*id - 1].state == u8(registration_state::pending))
    return refused(device_text(*id) +
                   " is Registration Pending and cannot be removed until its "
                   "registration completes");
  return m.transact([&]() -> status {
    m.remove_row(*id, audit_cause::deregistered, by);
    return {};
  });
}

status engine::pin_ring(actor by, organization_id org, device_id device, ring r) {
  auto& m = *impl_;
  auto id = m.admins_device(by, org, device, "move devices between rings");
  if (!id) return id.err();
  if (!impl::delivered(m.devices[*id - 1]))
    return refused(
        device_text(*id) + " is " +
        std::string(display_name(static_cast<registration_state>(m.devices[*id - 1].state))) +
        ": devices in a pending or error state cannot be moved between rings");
  return m.transact([&]() -> status {
    auto& d = m.touch(*id);
    m.count(d, -1);
    d.ring = static_cast<std::uint8_t>(r);
    d.ring_by = ring_source::admin;
    m.count(d, +1);
    d.groups = static_cast<std::uint16_t>((d.groups & ~group_bit::ring_mask) |
                                          (1U << (group_bit::ring_base + d.ring)));
    m.record(*id, d.state, d.state, audit_cause::ring_pinned, by);
    return {};
  });
}

status engine::release_ring(actor by, organization_id org, device_id device) {
  auto& m = *impl_;
  auto id = m.admins_device(by, org, device, "move devices between rings");
  if (!id) return id.err();
  const auto& current = m.devices[*id - 1];
  if (!impl::delivered(current))
    return refused(device_text(*id) + " is " +
                   std::string(display_name(static_cast<registration_state>(current.state))) +
                   ": devices in a pending or error state cannot be moved between rings");
  if (current.ring_by == ring_source::automatic)
    return refused(device_text(*id) + " already has an automatic ring");
  return m.transact([&]() -> status {
    auto& d = m.touch(*id);
    m.count(d, -1);
    d.ring = device_row::no_ring;
    d.ring_by = ring_source::automatic;
    m.count(d, +1);
    m.record(*id, d.state, d.state, audit_cause::ring_released, by);
    m.assign_automatic_ring(*id);
    auto& after = m.devices[*id - 1];
    after.groups = static_cast<std::uint16_t>((after.groups & ~group_bit::ring_mask) |
                                              (1U << (group_bit::ring_base + after.ring)));
    return {};
  });
}

status engine::change_group_membership(actor by, organization_id org, device_id device,
                                       std::string_view group, bool member) {
  auto& m = *impl_;
  auto id = m.admins_device(by, org, device, "change group memberships");
  if (!id) return id.err();
  const auto bit = group_bit_of(group);
  if (!bit)
    return error{errc::invalid_argument,
                 "'" + std::string(group) + "' is not a Modern Workplace group"};
  const bool is_member = (m.devices[*id - 1].groups & *bit) != 0;
  if (is_member == member)
    return refused(device_text(*id) + (member ? " is already in " : " is not in ") +
                   std::string(group));
  return m.transact([&]() -> status {
    auto& d = m.touch(*id);
    d.groups = static_cast<std::uint16_t>(member ? (d.groups | *bit) : (d.groups & ~*bit));
    m.record(*id, d.state, d.state, audit_cause::manual_group_change, by);
    return {};
  });
}

std::vector<std::string_view> engine::groups_of(device_id device) const {
  std::vector<std::string_view> out;
  const auto& d = row(device);
  for (unsigned bit = 0; bit < 10; ++bit)
    if ((d.groups & (1U << bit)) != 0) out.push_back(group_name_of_bit(bit));
  return out;
}

result<std::vector<device_id>> engine::group_members(actor by, organization_id org,
                                                     std::string_view group) const {
  const auto& m = *impl_;
  auto o = m.organization(org);
  if (!o) return o.err();
  if (auto s = m.admin_of(by, *o, "read group memberships"); !s) return s.err();
  const auto bit = group_bit_of(group);
  if (!bit)
    return error{errc::invalid_argument,
                 "'" + std::string(group) + "' is not a Modern Workplace group"};
  std::vector<device_id> out;
  for (auto id : m.org_index[*o - 1].devices)
    if ((m.devices[id - 1].groups & *bit) != 0) out.push_back(device_id{id});
  return out;
}

status engine::record_oobe_sign_in(organization_id org, device_id device) {
  auto& m = *impl_;
  auto o = m.organization(org);
  if (!o) return o.err();
  auto id = m.blade_device(*o, device);
  if (!id) return id.err();
  if (m.devices[*id - 1].state != u8(registration_state::ready_for_user))
    return refused(device_text(*id) +
                   " is not Ready for user: the first sign-in at OOBE comes after "
                   "registration completes, once");
  return m.transact([&]() -> status {
    auto& d = m.touch(*id);
    m.mark_done(d, workflow_step::intune_record);
    d.last_activity = m.meta.now;
    m.set_state(*id, u8(registration_state::active), audit_cause::oobe_sign_in,
                actor::service_itself());
    return {};
  });
}

status engine::record_activity(organization_id org, device_id device) {
  auto& m = *impl_;
  auto o = m.organization(org);
  if (!o) return o.err();
  auto id = m.blade_device(*o, device);
  if (!id) return id.err();
  const auto state = m.devices[*id - 1].state;
  if (state != u8(registration_state::active) && state != u8(registration_state::inactive))
    return refused(device_text(*id) +
                   " is not enrolled yet: record its first sign-in at OOBE first");
  return m.transact([&]() -> status {
    // The activity window has its own deadline queue; no other job reads last_activity.
    m.touch_unscheduled(*id).last_activity = m.meta.now;
    if (state == u8(registration_state::inactive))
      m.set_state(*id, u8(registration_state::active), audit_cause::activity,
                  actor::service_itself());
    return {};
  });
}

status engine::rename_device(actor by, organization_id org, device_id device,
                             std::string_view name) {
  auto& m = *impl_;
  auto id = m.admins_device(by, org, device, "rename devices");
  if (!id) return id.err();
  if (name.empty() || name.size() > 15)
    return error{errc::invalid_argument, "a device name has 1 to 15 characters (NetBIOS); '" +
                                             std::string(name) + "' has " +
                                             std::to_string(name.size())};
  if (m.devices[*id - 1].name_length == 0)
    return refused(device_text(*id) + " has no name yet: its deployment profile is not assigned");
  return m.transact([&]() -> status {
    auto& d = m.touch(*id);
    d.name_length = static_cast<std::uint8_t>(name.size());
    std::memcpy(d.name.data(), name.data(), name.size());
    m.record(*id, d.state, d.state, audit_cause::manual_rename, by);
    return {};
  });
}

status engine::remove_group_tag(actor by, organization_id org, device_id device) {
  auto& m = *impl_;
  auto id = m.admins_device(by, org, device, "edit Autopilot records");
  if (!id) return id.err();
  const auto& current = m.devices[*id - 1];
  if (current.state == u8(registration_state::failed) ||
      (current.flags & device_flag::tag_missing) != 0)
    return refused(device_text(*id) + " has no MMD tag to remove");
  return m.transact([&]() -> status {
    auto& d = m.touch(*id);
    d.flags |= device_flag::tag_missing;
    m.record(*id, d.state, d.state, audit_cause::tag_removed, by);
    return {};
  });
}

sim_time engine::now() const noexcept {
  return sim_time{std::chrono::seconds{impl_->meta.now}};
}

status engine::advance(std::chrono::seconds by) {
  if (by.count() < 0) return error{errc::invalid_argument, "the clock only moves forward"};
  return impl_->advance_to(impl_->meta.now + by.count());
}
status engine::advance_to(sim_time t) {
  return impl_->advance_to(t.time_since_epoch().count());
}

result<std::vector<blade_row>> engine::devices_blade(actor by, organization_id org) const {
  const auto& m = *impl_;
  auto o = m.organization(org);
  if (!o) return o.err();
  if (auto s = m.admin_of(by, *o, "see its Devices blade"); !s) return s.err();
  std::vector<blade_row> out;
  for (auto id : m.org_index[*o - 1].devices)
    if ((m.devices[id - 1].flags & device_flag::in_blade) != 0) out.push_back(m.view(id));
  return out;
}

result<blade_row> engine::device(actor by, organization_id org, device_id device) const {
  const auto& m = *impl_;
  auto o = m.organization(org);
  if (!o) return o.err();
  if (auto s = m.admin_of(by, *o, "see its Devices blade"); !s) return s.err();
  auto id = m.blade_device(*o, device);
  if (!id) return id.err();
  return m.view(*id);
}

result<workflow_progress> engine::progress(actor by, organization_id org, device_id device) const {
  const auto& m = *impl_;
  auto o = m.organization(org);
  if (!o) return o.err();
  if (auto s = m.admin_of(by, *o, "see its devices"); !s) return s.err();
  const auto id = u32(device);
  if (id == 0 || id > m.devices.size() || m.devices[id - 1].organization != *o)
    return error{errc::not_found, std::string(message(registration_error::device_not_found))};
  const auto& d = m.devices[id - 1];
  workflow_progress p;
  for (std::size_t s = 0; s < workflow_step_count; ++s)
    if (d.step_done[s] != 0)
      p.done[s] = sim_time{std::chrono::seconds{d.registered_at + d.step_done[s] - 1}};
  if (d.cohort != 0) {
    p.next = m.cohorts.at(d.cohort).next_step;
  } else if (d.state != u8(registration_state::failed) && (d.flags & device_flag::removed) == 0) {
    for (auto s : {workflow_step::shipped_record, workflow_step::request_comparison,
                   workflow_step::validation}) {
      if ((s != workflow_step::validation && (d.flags & device_flag::auto_registered) == 0) ||
          impl::is_done(d, s))
        continue;
      p.next = s;
      break;
    }
  }
  return p;
}

result<std::vector<failure_row>> engine::request_failures(actor by, organization_id org,
                                                          request_number number) const {
  const auto& m = *impl_;
  auto o = m.organization(org);
  if (!o) return o.err();
  const auto n = static_cast<std::uint32_t>(number);
  if (n == 0 || n > m.requests.size() || m.requests[n - 1].organization != *o)
    return error{errc::not_found,
                 "request " + std::to_string(n) + " is not a request of " + org_text(*o)};
  const auto& req = m.requests[n - 1];
  if (!(by == req.by) && !(by.kind == actor_kind::tenant_admin && by.id == *o))
    return refused("only the tenant admin of " + org_text(*o) +
                   " or the request's author may read its failures");
  return req.failures;
}

result<std::vector<audit_record>> engine::audit(actor by, organization_id org,
                                                const audit_query& query) const {
  const auto& m = *impl_;
  auto o = m.organization(org);
  if (!o) return o.err();
  if (auto s = m.admin_of(by, *o, "read its audit trail"); !s) return s.err();
  // Entries are written in clock order, so the time range is a binary search.
  auto first = m.audit_log.begin();
  auto last = m.audit_log.end();
  if (query.from) {
    const auto t = query.from->time_since_epoch().count();
    first = std::lower_bound(first, last, t,
                             [](const audit_entry& e, std::int64_t v) { return e.time < v; });
  }
  if (query.until) {
    const auto t = query.until->time_since_epoch().count();
    last = std::upper_bound(first, last, t,
                            [](std::int64_t v, const audit_entry& e) { return v < e.time; });
  }
  std::vector<audit_record> out;
  for (auto it = first; it != last; ++it) {
    const auto& e = *it;
    if (m.devices[e.device - 1].organization != *o) continue;
    if (query.device && u32(*query.device) != e.device) continue;
    audit_record r{.time = sim_time{std::chrono::seconds{e.time}},
                   .device = device_id{e.device},
                   .serial_number = std::string(m.text(m.devices[e.device - 1].serial)),
                   .cause = e.cause,
                   .by = actor{e.by_kind, e.by_id}};
    if (e.from != audit_entry::no_state) r.from = static_cast<registration_state>(e.from);
    if (e.to != audit_entry::no_state) r.to = static_cast<registration_state>(e.to);
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<organization_id> engine::owner_of(const device_identity& identity) const {
  const auto id = impl_->directory_find(identity);
  if (id == kNoDevice) return std::nullopt;
  return organization_id{impl_->devices[id - 1].organization};
}

std::optional<device_id> engine::find_device(organization_id org,
                                             const device_identity& identity) const {
  const auto id = impl_->directory_find(identity);
  if (id == kNoDevice || impl_->devices[id - 1].organization != u32(org)) return std::nullopt;
  return device_id{id};
}

const device_row& engine::row(device_id device) const {
  const auto id = u32(device);
  if (id == 0 || id > impl_->devices.size())
    throw std::out_of_range("registry engine: no device row " + std::to_string(id));
  return impl_->devices[id - 1];
}

std::size_t engine::device_rows() const noexcept {
  return impl_->devices.size();
}
std::size_t engine::audit_size() const noexcept {
  return impl_->audit_log.size();
}
std::span<const audit_entry> engine::audit_entries() const noexcept {
  return impl_->audit_log;
}
snapshot engine::export_snapshot() const {
  return impl_->to_snapshot();
}

std::span<const organization_row> engine::organizations() const noexcept {
  return impl_->orgs;
}
std::span<const party_row> engine::partners() const noexcept {
  return impl_->partners;
}
std::span<const party_row> engine::oems() const noexcept {
  return impl_->oems;
}
std::span<const request_row> engine::requests() const noexcept {
  return impl_->requests;
}

}  // namespace mmdreg::registry
