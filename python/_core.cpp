// The pybind11 layer: thin shims over the C++ API. Pythonic names, documentation and error mapping
// live in the pure-Python package (python/mmdreg/).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <filesystem>
#include <span>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "mmdreg.hpp"

namespace py = pybind11;

namespace {

// Expected failures cross into Python as NativeError(errc_name, message); the package maps the
// code to its exception hierarchy.
py::object native_error_type;

[[noreturn]] void raise_error(const mmdreg::error& e) {
  PyErr_SetObject(native_error_type.ptr(),
                  py::make_tuple(std::string(mmdreg::errc_name(e.code)), e.message).ptr());
  throw py::error_already_set();
}

mmdreg::registry::upload_format parse_upload_format(const std::string& format) {
  if (format == "auto") return mmdreg::registry::upload_format::detect;
  if (format == "csv") return mmdreg::registry::upload_format::csv;
  if (format == "json") return mmdreg::registry::upload_format::json;
  raise_error({mmdreg::errc::invalid_argument,
               "unknown upload format '" + format + "' (expected auto, csv or json)"});
}

mmdreg::csv::upload_target parse_target(const std::optional<std::string>& target) {
  if (!target) return mmdreg::csv::upload_target::dialect_default;
  if (*target == "intune") return mmdreg::csv::upload_target::intune;
  if (*target == "partner-center") return mmdreg::csv::upload_target::partner_center;
  if (*target == "none") return mmdreg::csv::upload_target::none;
  raise_error({mmdreg::errc::invalid_argument,
               "unknown target '" + *target + "' (expected intune, partner-center or none)"});
}

std::optional<mmdreg::csv::dialect> parse_dialect(const std::optional<std::string>& id) {
  if (!id) return std::nullopt;
  if (auto d = mmdreg::csv::parse_dialect_id(*id)) return d;
  raise_error({mmdreg::errc::invalid_argument,
               "unknown dialect '" + *id +
                   "' (expected autopilot, partner-center, mmd-self or mmd-partner)"});
}

mmdreg::csv::validate_options make_options(const std::optional<std::string>& dialect,
                                           const std::optional<std::string>& target,
                                           unsigned threads) {
  mmdreg::csv::validate_options options;
  options.dialect = parse_dialect(dialect);
  options.target = parse_target(target);
  options.threads = threads;
  return options;
}

// (rule, severity, line, column, message, fix): the package turns these into Finding objects.
py::tuple finding_tuple(const mmdreg::diagnostic& d) {
  return py::make_tuple(std::string(mmdreg::rule_id(d.rule)),
                        std::string(mmdreg::severity_name(d.severity)), d.line, d.column, d.message,
                        d.fix);
}

py::list finding_list(const std::vector<mmdreg::diagnostic>& findings) {
  py::list out(findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i)
    out[i] = finding_tuple(findings[i]);
  return out;
}

py::dict summary_dict(const mmdreg::csv::summary& s) {
  py::dict d;
  d["rows"] = s.rows;
  d["accepted"] = s.accepted;
  d["rejected"] = s.rejected;
  d["blank_lines"] = s.blank_lines;
  d["errors"] = s.errors;
  d["warnings"] = s.warnings;
  d["file_rejected"] = s.file_rejected;
  d["dialect"] = s.layout == nullptr
                     ? py::object(py::none())
                     : py::object(py::str(std::string(mmdreg::csv::dialect_id(s.layout->dialect))));
  d["encoding"] = std::string(mmdreg::csv::encoding_name(s.encoding));
  return d;
}

// Bytes-like input without a copy: the view stays valid while `info` lives.
std::string_view view_of(const py::buffer_info& info) {
  return {static_cast<const char*>(info.ptr), static_cast<std::size_t>(info.size * info.itemsize)};
}

// Runs one validation with the GIL released. Findings are collected in C++; the optional
// progress callback gets the row count every `progress_every` rows, with the GIL re-acquired.
// An exception raised by the callback stops further calls and is re-raised afterwards.
struct validation_run {
  std::vector<mmdreg::diagnostic> findings;
  py::object progress;
  std::uint64_t progress_every = 65536;
  std::uint64_t rows = 0;
  std::optional<py::error_already_set> callback_error;

  mmdreg::csv::diagnostic_sink diagnostic_sink() {
    return [this](const mmdreg::diagnostic& d) { findings.push_back(d); };
  }
  mmdreg::csv::row_sink row_sink() {
    if (progress.is_none()) return {};
    return [this](const mmdreg::csv::row&) {
      if (++rows % progress_every != 0 || callback_error) return;
      py::gil_scoped_acquire gil;
      try {
        progress(rows);
      } catch (py::error_already_set& e) {
        callback_error.emplace(std::move(e));
      }
    };
  }
  void rethrow() {
    if (callback_error) throw *callback_error;
  }
};

// The incremental validator for lazy iteration: feed() returns the findings of each chunk.
class chunk_validator {
 public:
  explicit chunk_validator(mmdreg::csv::validate_options options)
      : validator_(std::move(options),
                   [this](const mmdreg::diagnostic& d) { pending_.push_back(d); }) {}

  py::list feed(const py::buffer& chunk) {
    const auto info = chunk.request();
    {
      py::gil_scoped_release nogil;
      validator_.feed(view_of(info));
    }
    return take();
  }

  py::tuple finish() {
    mmdreg::csv::summary s;
    {
      py::gil_scoped_release nogil;
      s = validator_.finish();
    }
    auto findings = take();
    return py::make_tuple(findings, summary_dict(s));
  }

 private:
  py::list take() {
    auto out = finding_list(pending_);
    pending_.clear();
    return out;
  }
  std::vector<mmdreg::diagnostic> pending_;
  mmdreg::csv::validator validator_;
};

std::string verdict_name(mmdreg::readiness_check::verdict v) {
  switch (v) {
    case mmdreg::readiness_check::verdict::met:
      return "met";
    case mmdreg::readiness_check::verdict::not_met:
      return "not met";
    case mmdreg::readiness_check::verdict::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string iso_utc(std::chrono::sys_seconds t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()));
  return text;
}

// Everything a hash says, as plain values; a hash that does not decode gives its problem.
py::dict inspect_hash(std::string_view text) {
  py::dict out;
  auto hash = std::make_unique<mmdreg::hardware_hash>();
  std::optional<mmdreg::hash_problem> problem;
  {
    py::gil_scoped_release nogil;
    problem = hash->decode(text);
  }
  if (problem) {
    py::dict p;
    p["rule"] = std::string(mmdreg::rule_id(problem->rule));
    p["message"] = problem->message;
    p["fix"] = problem->fix;
    out["valid"] = false;
    out["problem"] = p;
    return out;
  }
  out["valid"] = true;
  out["problem"] = py::none();
  py::dict fields;
  fields["serial_number"] = std::string(hash->serial_number());
  fields["manufacturer"] = std::string(hash->manufacturer());
  fields["model"] = std::string(hash->model());
  fields["smbios_uuid"] = hash->smbios_uuid_text();
  const auto capture = hash->capture_time();
  fields["capture_time"] = capture ? py::object(py::str(iso_utc(*capture))) : py::none();
  const auto offset = hash->utc_offset_minutes();
  fields["utc_offset_minutes"] = offset ? py::object(py::int_(*offset)) : py::none();
  if (const auto build = hash->windows_build())
    fields["windows_build"] = std::to_string(build->major) + "." + std::to_string(build->minor) +
                              "." + std::to_string(build->build) + "." +
                              std::to_string(build->revision);
  else
    fields["windows_build"] = py::none();
  if (const auto arch = hash->architecture()) {
    const auto name = mmdreg::architecture_name(*arch);
    fields["architecture"] =
        name.empty() ? "unknown(" + std::to_string(*arch) + ")" : std::string(name);
  } else {
    fields["architecture"] = py::none();
  }
  const auto ram = hash->ram_gb();
  fields["ram_gb"] = ram ? py::object(py::int_(*ram)) : py::none();
  if (const auto disk = hash->boot_disk()) {
    py::dict d;
    d["capacity_gb"] = disk->capacity_gb;
    d["bus_type"] = disk->bus_type;
    fields["boot_disk"] = d;
  } else {
    fields["boot_disk"] = py::none();
  }
  const auto tpm = hash->tpm_version();
  fields["tpm_version"] = tpm.empty() ? py::object(py::none()) : py::str(std::string(tpm));
  out["fields"] = fields;

  py::list checks;
  auto add_check = [&checks](const char* name, const char* outcome, std::string detail) {
    py::dict c;
    c["check"] = name;
    c["outcome"] = outcome;
    c["detail"] = std::move(detail);
    checks.append(c);
  };
  add_check("structure and checksum", "passed",
            "4000 base64 characters, 3000 bytes, checksum intact");
  const auto digest = hash->tpm_key_digest_matches();
  add_check("TPM endorsement key digest", !digest ? "unknown" : (*digest ? "passed" : "failed"),
            !digest ? "no TPM endorsement key in the hash"
                    : (*digest ? "offline device id matches SHA-256 of the endorsement key"
                               : "offline device id differs from SHA-256 of the endorsement key"));
  const bool placeholder = mmdreg::is_placeholder_serial(hash->serial_number());
  add_check("serial number", placeholder ? "failed" : "passed",
            placeholder ? "placeholder serial '" + std::string(hash->serial_number()) + "'"
                        : "'" + std::string(hash->serial_number()) + "'");
  out["checks"] = checks;

  py::list readiness;
  for (const auto& r : mmdreg::check_readiness(*hash)) {
    py::dict c;
    c["requirement"] = std::string(r.requirement);
    c["outcome"] = verdict_name(r.outcome);
    c["detail"] = r.detail;
    readiness.append(c);
  }
  out["readiness"] = readiness;
  return out;
}

py::dict merge_files(const std::vector<std::string>& paths, const std::string& out_dir,
                     const std::optional<std::string>& dialect,
                     const std::optional<std::string>& group_tag,
                     const std::optional<std::string>& target) {
  std::vector<mmdreg::csv::merge_source> sources;
  sources.reserve(paths.size());
  for (const auto& p : paths)
    sources.push_back(mmdreg::csv::merge_source::file(p));
  mmdreg::csv::merge_options options;
  if (auto d = parse_dialect(dialect)) options.dialect = *d;
  options.group_tag = group_tag;
  options.target = parse_target(target);
  std::optional<mmdreg::error> failure;
  std::optional<mmdreg::csv::merge_result> merged;
  std::vector<std::filesystem::path> written;
  {
    py::gil_scoped_release nogil;
    auto m = mmdreg::csv::merge(sources, options);
    if (!m.ok()) {
      failure = m.err();
    } else {
      auto w = mmdreg::csv::write_merge(*m, out_dir);
      if (!w.ok())
        failure = w.err();
      else
        written = std::move(w).value();
      merged.emplace(std::move(m).value());
    }
  }
  if (failure) raise_error(*failure);
  py::dict out;
  out["dialect"] = std::string(mmdreg::csv::dialect_id(merged->layout->dialect));
  out["header"] = merged->layout->header();
  py::list files;
  for (std::size_t i = 0; i < written.size(); ++i) {
    py::dict f;
    f["path"] = written[i].string();
    f["rows"] = merged->files[i].size();
    files.append(f);
  }
  out["files"] = files;
  py::list dropped;
  for (const auto& d : merged->dropped) {
    py::dict x;
    x["source"] = d.source;
    x["line"] = d.line;
    x["rule"] = std::string(mmdreg::rule_id(d.reason));
    x["message"] = d.message;
    dropped.append(x);
  }
  out["dropped"] = dropped;
  py::list conflicts;
  for (const auto& c : merged->conflicts) {
    py::dict x;
    x["manufacturer"] = c.manufacturer;
    x["serial"] = c.serial;
    x["first_source"] = c.first_source;
    x["first_line"] = c.first_line;
    x["second_source"] = c.second_source;
    x["second_line"] = c.second_line;
    conflicts.append(x);
  }
  out["conflicts"] = conflicts;
  py::list source_findings;
  for (const auto& [source, d] : merged->source_findings)
    source_findings.append(py::make_tuple(source, finding_tuple(d)));
  out["source_findings"] = source_findings;
  out["rows_in"] = merged->rows_in;
  out["rows_out"] = merged->rows_out();
  out["repaired"] = merged->repaired;
  return out;
}

// The registration engine for scripts, notebooks and the command line: volatile (state in memory
// only) or durable (every change committed to a SQLite registry file). Uploads are validated first
// and only the accepted rows are submitted, as the engine requires (registry/intake.hpp).
namespace reg = mmdreg::registry;

reg::engine_options engine_options_of(std::uint64_t seed, std::int64_t start) {
  reg::engine_options options;
  options.seed = seed;
  options.start = reg::sim_time{std::chrono::seconds{start}};
  return options;
}

reg::actor actor_of(const std::string& kind, std::uint32_t id, reg::organization_id org) {
  if (kind == "admin") return reg::actor::admin_of(org);
  if (kind == "partner") return reg::actor::partner(reg::partner_id{id});
  if (kind == "oem") return reg::actor::oem(reg::oem_id{id});
  raise_error({mmdreg::errc::invalid_argument,
               "unknown actor kind '" + kind + "' (expected admin, partner or oem)"});
}

std::string actor_text(const reg::actor& a) {
  if (a.kind == reg::actor_kind::service) return std::string(reg::actor_kind_name(a.kind));
  return std::string(reg::actor_kind_name(a.kind)) + " " + std::to_string(a.id);
}

reg::organization_settings settings_of(const std::string& name,
                                       const std::array<bool, 4>& enabled_profiles,
                                       bool naming_exception, bool licensed) {
  reg::organization_settings settings;
  settings.name = name;
  settings.enabled_profiles = enabled_profiles;
  settings.naming_exception = naming_exception;
  settings.licensed = licensed;
  return settings;
}

py::dict organization_dict(const reg::organization_row& o) {
  py::dict x;
  x["id"] = o.id;
  x["name"] = o.settings.name;
  x["enabled_profiles"] = o.settings.enabled_profiles;
  x["naming_exception"] = o.settings.naming_exception;
  x["licensed"] = o.settings.licensed;
  x["partners"] = o.consenting_partners;
  x["oems"] = o.authorized_oems;
  return x;
}

py::list party_list(std::span<const reg::party_row> parties) {
  py::list out;
  for (const auto& p : parties)
    out.append(py::make_tuple(p.id, p.name));
  return out;
}

// One registry handle: the engine (and, when durable, the store it commits to). Every engine call
// runs with the GIL released and under the handle's lock, one at a time (the engine is not
// thread-safe), so other Python threads run meanwhile and two threads sharing a handle are safe.
// The lock is never held while the GIL is taken back.
class native_registry {
 public:
  native_registry(std::uint64_t seed, std::int64_t start)
      : engine_(std::make_unique<reg::engine>(engine_options_of(seed, start))) {}

  native_registry(const std::string& path, bool read_only, std::uint64_t seed, std::int64_t start)
      : path_(path) {
    std::optional<mmdreg::error> failure;
    {
      py::gil_scoped_release nogil;
      auto store = mmdreg::store::sqlite_storage::open(
          std::filesystem::path(path), mmdreg::store::sqlite_options{.read_only = read_only});
      if (!store.ok()) {
        failure = store.err();
      } else {
        store_ = std::move(store).value();
        read_only_ = store_->read_only();
        auto engine = reg::engine::open(*store_, engine_options_of(seed, start));
        if (!engine.ok())
          failure = engine.err();
        else
          engine_ = std::make_unique<reg::engine>(std::move(engine).value());
      }
    }
    if (failure) raise_error(*failure);
  }

  void close() {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mutex_);
    engine_.reset();  // before the store it commits to
    store_.reset();
  }

  bool closed() {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mutex_);
    return !engine_;
  }

  const std::optional<std::string>& path() const { return path_; }
  bool read_only() const { return read_only_; }

  // -- organizations, partners, OEMs ------------------------------------------------------------

  std::uint32_t add_organization(const std::string& name, const std::array<bool, 4>& enabled,
                                 bool naming_exception, bool licensed) {
    const auto settings = settings_of(name, enabled, naming_exception, licensed);
    return static_cast<std::uint32_t>(
        value_or_raise(run([&](reg::engine& e) { return e.add_organization(settings); })));
  }

  void update_settings(std::uint32_t org, const std::string& name,
                       const std::array<bool, 4>& enabled, bool naming_exception, bool licensed) {
    const reg::organization_id id{org};
    const auto settings = settings_of(name, enabled, naming_exception, licensed);
    status_or_raise(run(
        [&](reg::engine& e) { return e.update_settings(reg::actor::admin_of(id), id, settings); }));
  }

  py::list organizations() {
    const auto rows = run([](reg::engine& e) {
      const auto all = e.organizations();
      return std::vector<reg::organization_row>(all.begin(), all.end());
    });
    py::list out;
    for (const auto& o : rows)
      out.append(organization_dict(o));
    return out;
  }

  std::uint32_t add_partner(const std::string& name) {
    return static_cast<std::uint32_t>(
        value_or_raise(run([&](reg::engine& e) { return e.add_partner(name); })));
  }
  std::uint32_t add_oem(const std::string& name) {
    return static_cast<std::uint32_t>(
        value_or_raise(run([&](reg::engine& e) { return e.add_oem(name); })));
  }
  py::list partners() {
    return party_list(run([](reg::engine& e) {
      const auto all = e.partners();
      return std::vector<reg::party_row>(all.begin(), all.end());
    }));
  }
  py::list oems() {
    return party_list(run([](reg::engine& e) {
      const auto all = e.oems();
      return std::vector<reg::party_row>(all.begin(), all.end());
    }));
  }

  void set_partner_consent(std::uint32_t org, std::uint32_t partner, bool granted) {
    const reg::organization_id id{org};
    const auto by = reg::actor::admin_of(id);
    status_or_raise(run([&](reg::engine& e) {
      return granted ? e.grant_partner_consent(by, id, reg::partner_id{partner})
                     : e.withdraw_partner_consent(by, id, reg::partner_id{partner});
    }));
  }

  void set_oem_authorization(std::uint32_t org, std::uint32_t oem, bool authorized) {
    const reg::organization_id id{org};
    const auto by = reg::actor::admin_of(id);
    status_or_raise(run([&](reg::engine& e) {
      return authorized ? e.authorize_oem(by, id, reg::oem_id{oem})
                        : e.revoke_oem_authorization(by, id, reg::oem_id{oem});
    }));
  }

  // -- registration -------------------------------------------------------------------------------

  // Validates the upload (CSV in any dialect and encoding, or a JSON device list) and registers
  // its accepted rows. A file the rules reject whole, or one without an accepted row, is not
  // submitted (request None).
  py::dict register_upload(std::uint32_t org, const py::buffer& content,
                           std::optional<mmdreg::device_profile> profile, bool shared,
                           const std::string& order_id, const std::string& actor_kind,
                           std::uint32_t actor_id, const std::optional<std::string>& via,
                           const std::string& format) {
    const auto as = parse_upload_format(format);
    reg::registration_request request;
    request.organization = reg::organization_id{org};
    request.by = actor_of(actor_kind, actor_id, request.organization);
    request.via = channel_for(request.by, via);
    request.order_id = order_id;
    const auto info = content.request();
    std::optional<reg::upload_registration> done;
    const auto failure = run([&](reg::engine& e) -> std::optional<mmdreg::error> {
      auto registered =
          reg::register_upload(e, std::move(request), view_of(info), as, profile, shared);
      if (!registered.ok()) return registered.err();
      done = std::move(registered).value();
      return std::nullopt;
    });
    if (failure) raise_error(*failure);
    const auto& answer = done->result;
    py::dict out;
    out["request"] = answer ? py::object(py::int_(static_cast<std::uint32_t>(answer->number)))
                            : py::object(py::none());
    out["accepted"] = answer ? answer->accepted : 0;
    out["failed"] = answer ? answer->failed : 0;
    out["rows"] = done->check.rows;
    out["rejected_rows"] = done->check.rejected;
    out["file_rejected"] = done->check.file_rejected;
    out["findings"] = finding_list(done->check.findings);
    out["profile"] = done->request.profile;
    out["shared"] = done->request.shared;
    out["retagged"] = done->retagged;
    py::list devices;
    if (answer) {
      for (std::size_t i = 0; i < answer->devices.size(); ++i) {
        const auto& d = answer->devices[i];
        py::dict x;
        x["line"] = d.line;
        x["serial_number"] = done->request.devices[i].record.serial_number;
        x["device"] = d.device ? py::object(py::int_(static_cast<std::uint32_t>(*d.device)))
                               : py::object(py::none());
        x["error"] = d.failure ? py::object(py::str(std::string(mmdreg::message(d.failure->error))))
                               : py::object(py::none());
        x["request_id"] = d.failure && !d.failure->request_id.empty()
                              ? py::object(py::str(d.failure->request_id))
                              : py::object(py::none());
        devices.append(x);
      }
    }
    out["devices"] = devices;
    return out;
  }

  void deregister(std::uint32_t org, std::uint32_t device) {
    const reg::organization_id id{org};
    status_or_raise(run([&](reg::engine& e) {
      return e.deregister(reg::actor::admin_of(id), id, reg::device_id{device});
    }));
  }

  // -- the clock
  // -----------------------------------------------------------------------------------

  void advance(std::int64_t seconds) {
    if (seconds < 0)
      raise_error({mmdreg::errc::invalid_argument,
                   "the clock cannot go back (" + std::to_string(seconds) + " seconds)"});
    status_or_raise(run([&](reg::engine& e) { return e.advance(std::chrono::seconds{seconds}); }));
  }

  std::int64_t now() {
    return run([](reg::engine& e) { return e.now().time_since_epoch().count(); });
  }

  // -- views
  // ----------------------------------------------------------------------------------------

  py::list devices(std::uint32_t org) {
    const reg::organization_id id{org};
    const auto blade = value_or_raise(
        run([&](reg::engine& e) { return e.devices_blade(reg::actor::admin_of(id), id); }));
    py::list out;
    for (const auto& r : blade) {
      py::dict x;
      x["id"] = static_cast<std::uint32_t>(r.id);
      x["name"] = r.name;
      x["serial_number"] = r.serial_number;
      x["manufacturer"] = r.manufacturer;
      x["model"] = r.model;
      x["state"] = std::string(mmdreg::display_name(r.state));
      x["profile"] = std::string(mmdreg::display_name(r.profile));
      x["shared"] = r.shared;
      x["ring"] = r.ring ? py::object(py::str(std::string(mmdreg::ring_group(*r.ring))))
                         : py::object(py::none());
      x["ring_assigned_by"] =
          r.ring ? py::object(py::str(std::string(reg::ring_source_name(r.ring_assigned_by))))
                 : py::object(py::none());
      x["last_error"] = r.last_error
                            ? py::object(py::str(std::string(mmdreg::message(r.last_error->error))))
                            : py::object(py::none());
      x["request_id"] = r.last_error && !r.last_error->request_id.empty()
                            ? py::object(py::str(r.last_error->request_id))
                            : py::object(py::none());
      x["group_tag"] = r.group_tag;
      x["registered_at"] = r.registered_at.time_since_epoch().count();
      x["channel"] = std::string(reg::channel_name(r.via));
      out.append(x);
    }
    return out;
  }

  // The organization's requests, oldest first.
  py::list requests(std::uint32_t org) {
    const auto rows = run([org](reg::engine& e) {
      std::vector<reg::request_row> mine;
      for (const auto& r : e.requests())
        if (r.organization == org) mine.push_back(r);
      return mine;
    });
    py::list out;
    for (const auto& r : rows) {
      py::dict x;
      x["number"] = r.number;
      x["by"] = actor_text(r.by);
      x["channel"] = std::string(reg::channel_name(r.via));
      x["profile"] = std::string(mmdreg::display_name(r.profile));
      x["shared"] = r.shared;
      x["order_id"] = r.order_id;
      x["created_at"] = r.created_at;
      x["accepted"] = r.accepted;
      x["failed"] = r.failures.size();
      out.append(x);
    }
    return out;
  }

  // The failures of one request as the export text ("csv" or "json").
  std::string failures(std::uint32_t org, std::uint32_t request, const std::string& format,
                       const std::string& actor_kind, std::uint32_t actor_id) {
    const reg::organization_id id{org};
    const auto by = actor_of(actor_kind, actor_id, id);
    const auto rows = value_or_raise(run(
        [&](reg::engine& e) { return e.request_failures(by, id, reg::request_number{request}); }));
    return format == "csv" ? reg::failures_to_csv(rows) : reg::failures_to_json(rows);
  }

  // The audit trail as export text ("csv" or "json"), narrowed by device and time range.
  std::string audit(std::uint32_t org, std::optional<std::uint32_t> device,
                    std::optional<std::int64_t> from, std::optional<std::int64_t> until,
                    const std::string& format) {
    const reg::organization_id id{org};
    reg::audit_query query;
    if (device) query.device = reg::device_id{*device};
    if (from) query.from = reg::sim_time{std::chrono::seconds{*from}};
    if (until) query.until = reg::sim_time{std::chrono::seconds{*until}};
    return value_or_raise(run([&](reg::engine& e) -> mmdreg::result<std::string> {
      auto records = e.audit(reg::actor::admin_of(id), id, query);
      if (!records.ok()) return records.err();
      return format == "csv" ? reg::audit_to_csv(*records) : reg::audit_to_json(*records);
    }));
  }

 private:
  // Runs body(engine) with the GIL released, under the lock; a closed handle raises.
  template <class Body>
  auto run(Body&& body) -> std::invoke_result_t<Body, reg::engine&> {
    std::optional<std::invoke_result_t<Body, reg::engine&>> out;
    {
      py::gil_scoped_release nogil;
      std::lock_guard lock(mutex_);
      if (engine_) out.emplace(body(*engine_));
    }
    if (!out) raise_error({mmdreg::errc::refused, "the registry was closed"});
    return std::move(*out);
  }

  static reg::channel channel_for(const reg::actor& by, const std::optional<std::string>& via) {
    if (via) {
      if (auto c = reg::parse_channel(*via)) return *c;
      raise_error({mmdreg::errc::invalid_argument,
                   "unknown channel '" + *via +
                       "' (expected devices-blade, autopilot-blade, partner-center, oem-api or "
                       "mmd-api)"});
    }
    switch (by.kind) {
      case reg::actor_kind::csp_partner:
        return reg::channel::partner_center;
      case reg::actor_kind::oem:
        return reg::channel::oem_api;
      default:
        return reg::channel::devices_blade;
    }
  }
  static void status_or_raise(const mmdreg::status& s) {
    if (!s.ok()) raise_error(s.err());
  }
  template <class T>
  static T value_or_raise(mmdreg::result<T>&& r) {
    if (!r.ok()) raise_error(r.err());
    return std::move(r).value();
  }

  std::mutex mutex_;
  std::optional<std::string> path_;
  bool read_only_ = false;
  // Declared before the engine: the engine commits to it, so it must be destroyed after.
  std::unique_ptr<mmdreg::store::sqlite_storage> store_;
  std::unique_ptr<reg::engine> engine_;
};

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "mmdreg native core (use the mmdreg package, not this module)";
  m.attr("__version__") = mmdreg::version();

  native_error_type = py::reinterpret_borrow<py::object>(
      PyErr_NewException("mmdreg._core.NativeError", PyExc_Exception, nullptr));
  m.attr("NativeError") = native_error_type;

  py::list rules;
  for (const auto& r : mmdreg::all_rules())
    rules.append(py::make_tuple(std::string(r.id), std::string(mmdreg::severity_name(r.severity)),
                                std::string(r.summary)));
  m.attr("RULES") = rules;

  m.def(
      "validate_path",
      [](const std::string& path, std::optional<std::string> dialect,
         std::optional<std::string> target, unsigned threads, py::object progress) {
        const auto options = make_options(dialect, target, threads);
        validation_run run;
        run.progress = std::move(progress);
        std::optional<mmdreg::result<mmdreg::csv::summary>> outcome;
        {
          py::gil_scoped_release nogil;
          outcome.emplace(
              mmdreg::csv::validate_file(path, options, run.diagnostic_sink(), run.row_sink()));
        }
        run.rethrow();
        if (!outcome->ok()) raise_error(outcome->err());
        return py::make_tuple(summary_dict(outcome->value()), finding_list(run.findings));
      },
      py::arg("path"), py::arg("dialect"), py::arg("target"), py::arg("threads"),
      py::arg("progress"));
  m.def(
      "validate_buffer",
      [](const py::buffer& content, std::optional<std::string> dialect,
         std::optional<std::string> target, unsigned threads, py::object progress) {
        const auto options = make_options(dialect, target, threads);
        const auto info = content.request();
        validation_run run;
        run.progress = std::move(progress);
        mmdreg::csv::summary s;
        {
          py::gil_scoped_release nogil;
          s = mmdreg::csv::validate_buffer(view_of(info), options, run.diagnostic_sink(),
                                           run.row_sink());
        }
        run.rethrow();
        return py::make_tuple(summary_dict(s), finding_list(run.findings));
      },
      py::arg("content"), py::arg("dialect"), py::arg("target"), py::arg("threads"),
      py::arg("progress"));

  py::class_<chunk_validator>(m, "ChunkValidator")
      .def(py::init([](std::optional<std::string> dialect, std::optional<std::string> target,
                       unsigned threads) {
             return std::make_unique<chunk_validator>(make_options(dialect, target, threads));
           }),
           py::arg("dialect"), py::arg("target"), py::arg("threads"))
      .def("feed", &chunk_validator::feed)
      .def("finish", &chunk_validator::finish);

  m.def("inspect_hash", &inspect_hash, py::arg("text"));

  py::class_<native_registry>(m, "Registry")
      .def(py::init<std::uint64_t, std::int64_t>(), py::arg("seed"), py::arg("start"))
      .def(py::init<const std::string&, bool, std::uint64_t, std::int64_t>(), py::arg("path"),
           py::arg("read_only"), py::arg("seed"), py::arg("start"))
      .def("close", &native_registry::close)
      .def_property_readonly("closed", &native_registry::closed)
      .def_property_readonly("path", &native_registry::path)
      .def_property_readonly("read_only", &native_registry::read_only)
      .def("add_organization", &native_registry::add_organization, py::arg("name"),
           py::arg("enabled_profiles"), py::arg("naming_exception"), py::arg("licensed"))
      .def("update_settings", &native_registry::update_settings, py::arg("organization"),
           py::arg("name"), py::arg("enabled_profiles"), py::arg("naming_exception"),
           py::arg("licensed"))
      .def("organizations", &native_registry::organizations)
      .def("add_partner", &native_registry::add_partner, py::arg("name"))
      .def("add_oem", &native_registry::add_oem, py::arg("name"))
      .def("partners", &native_registry::partners)
      .def("oems", &native_registry::oems)
      .def("set_partner_consent", &native_registry::set_partner_consent, py::arg("organization"),
           py::arg("partner"), py::arg("granted"))
      .def("set_oem_authorization", &native_registry::set_oem_authorization,
           py::arg("organization"), py::arg("oem"), py::arg("authorized"))
      .def("register_upload", &native_registry::register_upload, py::arg("organization"),
           py::arg("content"), py::arg("profile"), py::arg("shared"), py::arg("order_id"),
           py::arg("actor_kind"), py::arg("actor_id"), py::arg("channel"), py::arg("format"))
      .def("deregister", &native_registry::deregister, py::arg("organization"), py::arg("device"))
      .def("advance", &native_registry::advance, py::arg("seconds"))
      .def("now", &native_registry::now)
      .def("devices", &native_registry::devices, py::arg("organization"))
      .def("requests", &native_registry::requests, py::arg("organization"))
      .def("failures", &native_registry::failures, py::arg("organization"), py::arg("request"),
           py::arg("format"), py::arg("actor_kind"), py::arg("actor_id"))
      .def("audit", &native_registry::audit, py::arg("organization"), py::arg("device"),
           py::arg("since"), py::arg("until"), py::arg("format"));
  // (line, serial, hash text) of every data row of a file, read by the validator (any dialect
  // with a hash column, any encoding).
  m.def(
      "file_hashes",
      [](const std::string& path) {
        std::vector<std::tuple<std::uint64_t, std::string, std::string>> rows;
        std::optional<mmdreg::result<mmdreg::csv::summary>> outcome;
        {
          py::gil_scoped_release nogil;
          outcome.emplace(mmdreg::csv::validate_file(
              path, {}, [](const mmdreg::diagnostic&) {},
              [&rows](const mmdreg::csv::row& r) {
                rows.emplace_back(r.line, std::string(r.value(mmdreg::csv::column::serial_number)),
                                  std::string(r.value(mmdreg::csv::column::hardware_hash)));
              }));
        }
        if (!outcome->ok()) raise_error(outcome->err());
        return rows;
      },
      py::arg("path"));
  m.def("merge", &merge_files, py::arg("paths"), py::arg("out_dir"), py::arg("dialect"),
        py::arg("group_tag"), py::arg("target"));

  py::enum_<mmdreg::device_profile>(m, "DeviceProfile")
      .value("STANDARD", mmdreg::device_profile::standard)
      .value("SENSITIVE_DATA", mmdreg::device_profile::sensitive_data)
      .value("POWER_USER", mmdreg::device_profile::power_user)
      .value("KIOSK", mmdreg::device_profile::kiosk);

  py::enum_<mmdreg::group_tag_kind>(m, "GroupTagKind")
      .value("EMPTY", mmdreg::group_tag_kind::empty)
      .value("MMD", mmdreg::group_tag_kind::mmd)
      .value("CASE_SLIP", mmdreg::group_tag_kind::case_slip)
      .value("INVALID", mmdreg::group_tag_kind::invalid)
      .value("LEGACY", mmdreg::group_tag_kind::legacy)
      .value("FOREIGN", mmdreg::group_tag_kind::foreign);

  py::enum_<mmdreg::registration_state>(m, "RegistrationState")
      .value("PENDING", mmdreg::registration_state::pending)
      .value("FAILED", mmdreg::registration_state::failed)
      .value("READY_FOR_USER", mmdreg::registration_state::ready_for_user)
      .value("ACTIVE", mmdreg::registration_state::active)
      .value("INACTIVE", mmdreg::registration_state::inactive);

  py::enum_<mmdreg::registration_error>(m, "RegistrationError")
      .value("DEVICE_NOT_FOUND", mmdreg::registration_error::device_not_found)
      .value("HARDWARE_HASH_NOT_VALID", mmdreg::registration_error::hardware_hash_not_valid)
      .value("DEVICE_ALREADY_REGISTERED", mmdreg::registration_error::device_already_registered)
      .value("DEVICE_CLAIMED_BY_ANOTHER_ORGANIZATION",
             mmdreg::registration_error::device_claimed_by_another_organization)
      .value("UNEXPECTED_ERROR", mmdreg::registration_error::unexpected_error);

  py::enum_<mmdreg::ring>(m, "Ring")
      .value("TEST", mmdreg::ring::test)
      .value("FIRST", mmdreg::ring::first)
      .value("FAST", mmdreg::ring::fast)
      .value("BROAD", mmdreg::ring::broad);

  // (kind, profile, shared, reason)
  m.def("parse_group_tag", [](std::string_view tag) {
    const auto t = mmdreg::parse_group_tag(tag);
    return py::make_tuple(t.kind, t.profile, t.shared, std::string(t.reason));
  });
  m.def("format_group_tag", [](mmdreg::device_profile p, bool shared) {
    auto tag = mmdreg::format_group_tag(p, shared);
    if (!tag.ok()) throw py::value_error(tag.err().message);
    return std::move(tag).value();
  });
  m.def("profile_display_name",
        [](mmdreg::device_profile p) { return std::string(mmdreg::display_name(p)); });
  m.def("deployment_profile_name", [](mmdreg::device_profile p, bool shared) {
    const auto name = mmdreg::deployment_profile_name(p, shared);
    if (name.empty())
      throw py::value_error(
          "the Power user profile has no shared variant, so no deployment profile serves it");
    return std::string(name);
  });
  m.def("device_name_template",
        [](mmdreg::device_profile p) { return std::string(mmdreg::device_name_template(p)); });
  m.def("state_display_name",
        [](mmdreg::registration_state s) { return std::string(mmdreg::display_name(s)); });
  m.def("error_message",
        [](mmdreg::registration_error e) { return std::string(mmdreg::message(e)); });
  m.def("autopilot_equivalent", [](mmdreg::registration_error e) {
    const auto a = mmdreg::autopilot_equivalent_of(e);
    return py::make_tuple(std::string(a.name), a.code);
  });
  m.def("ring_group", [](mmdreg::ring r) { return std::string(mmdreg::ring_group(r)); });
  m.def("profile_group",
        [](mmdreg::device_profile p) { return std::string(mmdreg::profile_group(p)); });
  m.attr("ALL_DEVICES_GROUP") = std::string(mmdreg::all_devices_group());
  m.attr("SHARED_DEVICE_MODE_GROUP") = std::string(mmdreg::shared_device_mode_group());

  // Names: a seed gives a reproducible sequence; None draws from the system's entropy.
  m.def(
      "generate_device_names",
      [](mmdreg::device_profile p, std::size_t count, std::optional<std::uint64_t> seed) {
        std::vector<std::string> names;
        names.reserve(count);
        if (seed) {
          mmdreg::seeded_random random(*seed);
          for (std::size_t i = 0; i < count; ++i)
            names.push_back(mmdreg::generate_device_name(p, random));
        } else {
          mmdreg::system_random random;
          for (std::size_t i = 0; i < count; ++i)
            names.push_back(mmdreg::generate_device_name(p, random));
        }
        return names;
      },
      py::arg("profile"), py::arg("count"), py::arg("seed") = py::none());
  m.def("follows_name_template", [](std::string_view name, mmdreg::device_profile p) {
    return mmdreg::follows_name_template(name, p);
  });
}
