// The registration service model as an embeddable engine (spec sections 1, 4, 5, 6, 7): a host
// feeds it requests and events, advances its simulated clock, and reads the answers the service
// would give. No network I/O, no real clock; every random choice (device names, Request IDs, ring
// tie-breaks) is a pure function of the seed and of what it is drawn for, so one seed gives one
// history.
//
// Refusals (an actor without the right, a call against the rules) are error values: the engine
// changes nothing and the message says why. Per-device registration failures are not refusals:
// the request is accepted and each device carries its outcome with the exact message of spec 5.
//
// Choices where the spec is silent:
// - A failed device is a Devices-blade row in Registration failed that holds no identity; a later
//   successful registration of the same device in the same organization replaces it.
// - Manual registrations are validated as soon as their configuration profile is in place (that is
//   how they reach Ready for user in under 10 minutes); the hourly validation job validates every
//   other device whose configuration is in place (auto-registered ones).
// - Automatic rings: the ring furthest below its share (5/15/80 for tenants of at most 200 managed
//   devices, 1/9/90 above) takes the next device, ties broken by the seed. Devices already placed
//   are not moved when a tenant crosses 200. Pinned devices do not count towards the shares.
// - Active -> Inactive is decided by the hourly job (7 days without activity); Inactive -> Active
//   happens at the recorded activity.
// - Jobs run at start + k hours (every 4th: rename, every 24th: tag), after the workflow steps due
//   at the same instant.
#ifndef MMDREG_REGISTRY_ENGINE_HPP
#define MMDREG_REGISTRY_ENGINE_HPP

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmdreg/domain/device.hpp"
#include "mmdreg/domain/profiles.hpp"
#include "mmdreg/domain/states.hpp"
#include "mmdreg/hash/hardware_hash.hpp"
#include "mmdreg/registry/storage.hpp"
#include "mmdreg/registry/types.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::registry {

/// How a fresh engine starts.
struct engine_options {
  sim_time start{};        ///< the clock's first reading; job periods count from it
  std::uint64_t seed = 0;  ///< every random choice derives from it
  workflow_latencies latencies;
};

/// What the caller already decoded from a device's hardware hash (hardware_hash::decode, then
/// identity(), manufacturer(), model(), serial_number()). Passing it spares the engine the decode.
struct decoded_device {
  device_identity identity;
  std::string manufacturer;
  std::string model;
  std::string serial_number;
};

/// One device of a registration batch. Batches read from a CSV file must be validated first: rows
/// that the CSV rules reject must not be passed; pass the accepted rows with their line numbers.
struct batch_entry {
  device_record record;  ///< as uploaded; record.group_tag, when set, must be the batch's tag
  /// The decoded hash. When absent and record.hardware_hash is set, the engine decodes it (an
  /// invalid hash fails the device with "Hardware hash not valid").
  std::optional<decoded_device> decoded;
  std::uint32_t line =
      0;  ///< where it came from (1-based file line); echoed in outcomes and exports
};

/// A registration request: one batch, one profile (+ Shared), from one actor through one channel.
struct registration_request {
  actor by;
  organization_id organization{};
  channel via = channel::devices_blade;
  device_profile profile = device_profile::standard;
  bool shared = false;  ///< refused for Power user
  std::string order_id;
  std::string purchase_id;
  std::vector<batch_entry> devices;
};

/// What happened to one device of a batch.
struct device_outcome {
  std::uint32_t line = 0;
  /// The row the device now has in the organization (pending, or failed); absent for "Device
  /// already registered", which leaves the existing row alone.
  std::optional<device_id> device;
  std::optional<registration_failure> failure;  ///< absent when the device was accepted
};

/// The answer to a registration request.
struct registration_result {
  request_number number{};              ///< 0 when the storage failed and nothing was recorded
  std::vector<device_outcome> devices;  ///< in batch order
  std::size_t accepted = 0;
  std::size_t failed = 0;
};

/// One line of the Devices blade.
struct blade_row {
  device_id id{};
  std::string name;
  std::string serial_number;
  std::string manufacturer;
  std::string model;
  registration_state state = registration_state::pending;
  device_profile profile = device_profile::standard;
  bool shared = false;
  std::optional<mmdreg::ring> ring;
  ring_source ring_assigned_by = ring_source::automatic;
  std::optional<registration_failure> last_error;
  sim_time registered_at{};
  channel via = channel::devices_blade;
  std::string group_tag;  ///< the tag Autopilot has (empty while removed outside MMD)
};

/// Where a device is in its workflow: when each step was done, if it was.
struct workflow_progress {
  std::array<std::optional<sim_time>, workflow_step_count> done;
  /// The step the device waits for, if any (the next timed one or the hourly job).
  std::optional<workflow_step> next;
};

/// An audit entry as a person reads it.
struct audit_record {
  sim_time time{};
  device_id device{};
  std::string serial_number;
  std::optional<registration_state> from;
  std::optional<registration_state> to;
  audit_cause cause = audit_cause::registration_requested;
  actor by;
};

/// Which audit entries to return: all of one organization, narrowed by device and time range
/// (inclusive).
struct audit_query {
  std::optional<device_id> device;
  std::optional<sim_time> from;
  std::optional<sim_time> until;
};

/// The registration service.
class engine {
 public:
  /// A volatile engine: state lives in memory only.
  explicit engine(const engine_options& options);
  /// Opens the state held by `store`; a fresh store is initialized from `options` (and written).
  /// The engine keeps `store` and commits every change to it; `store` must outlive the engine.
  static result<engine> open(storage& store, const engine_options& options);

  engine(engine&&) noexcept;
  engine& operator=(engine&&) noexcept;
  ~engine();

  // -- the service's own set-up (no actor: the host configures the service) --------------------

  /// A new organization. Refuses an empty name.
  result<organization_id> add_organization(const organization_settings& settings);
  result<partner_id> add_partner(std::string_view name);
  result<oem_id> add_oem(std::string_view name);
  /// A supplier record. Refuses an entry without manufacturer, model and serial, or one whose
  /// tuple is already in the catalogue.
  status add_catalogue_entry(const catalogue_entry& entry);

  // -- tenant admin: settings and relationships -------------------------------------------------

  status update_settings(actor by, organization_id org, const organization_settings& settings);
  status grant_partner_consent(actor by, organization_id org, partner_id partner);
  status withdraw_partner_consent(actor by, organization_id org, partner_id partner);
  status authorize_oem(actor by, organization_id org, oem_id oem);
  status revoke_oem_authorization(actor by, organization_id org, oem_id oem);
  std::optional<organization_settings> settings(organization_id org) const;

  // -- registration ----------------------------------------------------------------------------

  /// Registers a batch. Refuses the whole batch (and changes nothing) when the actor may not use
  /// the channel or act for the organization, the organization has no licences or the profile is
  /// disabled, the profile cannot be shared, the batch exceeds the channel's row limit, or a row
  /// carries another group tag. Otherwise each device gets its outcome. When the storage cannot
  /// commit, every device fails with "Unexpected error" and its own Request ID, and the engine's
  /// state is unchanged.
  ///
  /// Identification: a decoded hash or a hash the engine decodes; without a hash, a partner (on
  /// partner-center or mmd-api) or an OEM may give the manufacturer + model + serial tuple, which
  /// must match a catalogue entry exactly, and on partner-center the Windows Product ID. A tenant
  /// admin must give a hash.
  ///
  /// Manual channels (devices-blade, mmd-api) make the device Registration Pending at once and run
  /// every step on its latency. Auto channels put the device into Autopilot; the hourly assignment
  /// check makes it Registration Pending and the request comparison takes it into MMD.
  result<registration_result> register_devices(const registration_request& request);

  /// Removes a device (tenant admin of its organization only): deletes its Autopilot record and
  /// group memberships and releases its identity. "Device not found" (errc::not_found) when the
  /// device is not in the organization's Devices blade; refused while Registration Pending.
  status deregister(actor by, organization_id org, device_id device);

  // -- rings and groups ---------------------------------------------------------------------------

  /// An admin pins a device to a ring (Test included). Refused for pending or failed devices.
  status pin_ring(actor by, organization_id org, device_id device, ring r);
  /// An admin hands the device back to the automatic assignment, which picks its ring at once.
  status release_ring(actor by, organization_id org, device_id device);
  /// Someone adds or removes a device to or from an MMD group by hand, outside MMD (an Entra
  /// edit). The hourly remediation reverts it.
  status change_group_membership(actor by, organization_id org, device_id device,
                                 std::string_view group, bool member);
  /// The MMD groups the device is in, as Entra has them.
  std::vector<std::string_view> groups_of(device_id device) const;
  /// The members of one MMD group of an organization (tenant admin only).
  result<std::vector<device_id>> group_members(actor by, organization_id org,
                                               std::string_view group) const;

  // -- events from outside ---------------------------------------------------------------------

  /// The first user signed in at OOBE: the Intune record appears and the device becomes Active.
  /// Refused unless the device is Ready for user.
  status record_oobe_sign_in(organization_id org, device_id device);
  /// The device was used (a sign-in, a check-in). An Inactive device becomes Active again.
  /// Refused before OOBE.
  status record_activity(organization_id org, device_id device);
  /// The device was renamed outside MMD (tenant admin). Names are 1 to 15 characters.
  status rename_device(actor by, organization_id org, device_id device, std::string_view name);
  /// The MMD group tag was removed from the Autopilot record outside MMD (tenant admin).
  status remove_group_tag(actor by, organization_id org, device_id device);

  // -- the clock -------------------------------------------------------------------------------

  sim_time now() const noexcept;
  /// Moves the clock forward, running every workflow step and job that falls due, in time order.
  /// At one instant: workflow steps first (in cohort order), then the hourly jobs (assignment
  /// check, request comparison, ring and group remediation, validation, activity window), then
  /// the 4-hourly rename job, then the daily tag job. Jobs run at start + k periods.
  status advance(std::chrono::seconds by);
  status advance_to(sim_time t);

  // -- views ------------------------------------------------------------------------------------

  /// The organization's Devices blade (tenant admin only: partners and OEMs are refused).
  result<std::vector<blade_row>> devices_blade(actor by, organization_id org) const;
  /// One row of the blade (tenant admin only).
  result<blade_row> device(actor by, organization_id org, device_id device) const;
  /// Where the device is in its workflow (tenant admin only).
  result<workflow_progress> progress(actor by, organization_id org, device_id device) const;
  /// The failures of one request of the organization, for export (tenant admin, or the partner
  /// or OEM that made the request).
  result<std::vector<failure_row>> request_failures(actor by, organization_id org,
                                                    request_number number) const;
  /// Audit entries of the organization's devices, in time order (tenant admin only).
  result<std::vector<audit_record>> audit(actor by, organization_id org,
                                          const audit_query& query = {}) const;

  // -- inspection for hosts and tests ---------------------------------------------------------

  /// Which organization owns the identity in the device directory, if any.
  std::optional<organization_id> owner_of(const device_identity& identity) const;
  /// The organization's row holding the identity, if any.
  std::optional<device_id> find_device(organization_id org, const device_identity& identity) const;
  /// The raw row (any organization). Throws std::out_of_range for an unknown id.
  const device_row& row(device_id device) const;
  /// Number of device rows ever created (removed ones included).
  std::size_t device_rows() const noexcept;
  /// Number of audit entries written.
  std::size_t audit_size() const noexcept;
  /// The raw audit entries (any organization), in the order written.
  std::span<const audit_entry> audit_entries() const noexcept;
  /// The state a storage would hold, built from memory (what open() would load).
  snapshot export_snapshot() const;

 private:
  result<std::uint32_t> add_party(std::vector<party_row>& parties, std::string_view name,
                                  std::string_view what);
  struct impl;
  explicit engine(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;

 public:
  // -- listings for admin tools (views into the engine, valid until its next change) -----------

  /// Every organization with its settings and relationships (index = organization id - 1).
  std::span<const organization_row> organizations() const noexcept;
  /// Every CSP partner known to the service (index = partner id - 1).
  std::span<const party_row> partners() const noexcept;
  /// Every OEM known to the service (index = OEM id - 1).
  std::span<const party_row> oems() const noexcept;
  /// Every registration request, with its failures (index = request number - 1).
  std::span<const request_row> requests() const noexcept;
};

/// The failures of a request as CSV: header `Line,Manufacturer,Model,Serial Number,Error,Request
/// ID`, CRLF line ends. Values never contain commas or quotes in valid input; any that do are
/// quoted.
std::string failures_to_csv(std::span<const failure_row> failures);
/// The same as a JSON array of objects {"line", "manufacturer", "model", "serialNumber", "error",
/// "requestId"}.
std::string failures_to_json(std::span<const failure_row> failures);
/// The audit trail as CSV: `Time,Device,Serial Number,From,To,Cause,Actor` (ISO 8601 UTC times).
std::string audit_to_csv(std::span<const audit_record> records);
/// The audit trail as a JSON array of objects {"time", "device", "serialNumber", "from", "to",
/// "cause", "actor"}; absent states are null.
std::string audit_to_json(std::span<const audit_record> records);

}  // namespace mmdreg::registry

#endif
