// The pybind11 layer: thin shims over the C++ API. Pythonic names, documentation and error mapping
// live in the pure-Python package (python/mmdreg/).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
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

// A volatile registration engine (state in memory only) for scripts and notebooks. Files are
// validated first and only accepted rows are submitted, as the engine requires.
class memory_registry {
 public:
  memory_registry(std::uint64_t seed, std::int64_t start)
      : engine_([&] {
          mmdreg::registry::engine_options options;
          options.seed = seed;
          options.start = mmdreg::registry::sim_time{std::chrono::seconds{start}};
          return options;
        }()) {}

  std::uint32_t add_organization(const std::string& name) {
    mmdreg::registry::organization_settings settings;
    settings.name = name;
    auto org = engine_.add_organization(settings);
    if (!org.ok()) raise_error(org.err());
    return static_cast<std::uint32_t>(*org);
  }

  py::dict register_file(std::uint32_t org, const std::string& path, mmdreg::device_profile profile,
                         bool shared, const std::string& order_id) {
    using mmdreg::csv::column;
    mmdreg::registry::registration_request request;
    request.organization = mmdreg::registry::organization_id{org};
    request.by = mmdreg::registry::actor::admin_of(request.organization);
    request.profile = profile;
    request.shared = shared;
    request.order_id = order_id;
    std::uint64_t rejected = 0;
    std::optional<mmdreg::error> failure;
    mmdreg::registry::registration_result answer;
    {
      py::gil_scoped_release nogil;
      auto summary = mmdreg::csv::validate_file(
          path, {}, [](const mmdreg::diagnostic&) {},
          [&](const mmdreg::csv::row& r) {
            if (!r.accepted) {
              ++rejected;
              return;
            }
            mmdreg::registry::batch_entry entry;
            entry.record.serial_number = std::string(r.value(column::serial_number));
            entry.record.manufacturer = std::string(r.value(column::manufacturer));
            entry.record.model = std::string(r.value(column::model));
            entry.record.hardware_hash = std::string(r.value(column::hardware_hash));
            entry.record.product_key_id = std::string(r.value(column::product_id));
            entry.record.assigned_user = std::string(r.value(column::assigned_user));
            entry.line = static_cast<std::uint32_t>(r.line);
            request.devices.push_back(std::move(entry));
          });
      if (!summary.ok()) {
        failure = summary.err();
      } else {
        auto result = engine_.register_devices(request);
        if (!result.ok())
          failure = result.err();
        else
          answer = std::move(result).value();
      }
    }
    if (failure) raise_error(*failure);
    py::dict out;
    out["request"] = static_cast<std::uint32_t>(answer.number);
    out["accepted"] = answer.accepted;
    out["failed"] = answer.failed;
    out["rejected_rows"] = rejected;
    py::list devices;
    for (const auto& d : answer.devices) {
      py::dict x;
      x["line"] = d.line;
      x["device"] = d.device ? py::object(py::int_(static_cast<std::uint32_t>(*d.device)))
                             : py::object(py::none());
      x["error"] = d.failure ? py::object(py::str(std::string(mmdreg::message(d.failure->error))))
                             : py::object(py::none());
      devices.append(x);
    }
    out["devices"] = devices;
    return out;
  }

  void advance(std::int64_t seconds) {
    status_or_raise(engine_.advance(std::chrono::seconds{seconds}));
  }

  std::int64_t now() const { return engine_.now().time_since_epoch().count(); }

  py::list devices(std::uint32_t org) const {
    const mmdreg::registry::organization_id id{org};
    auto rows = engine_.devices_blade(mmdreg::registry::actor::admin_of(id), id);
    if (!rows.ok()) raise_error(rows.err());
    py::list out;
    for (const auto& r : *rows) {
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
      x["last_error"] = r.last_error
                            ? py::object(py::str(std::string(mmdreg::message(r.last_error->error))))
                            : py::object(py::none());
      x["group_tag"] = r.group_tag;
      out.append(x);
    }
    return out;
  }

 private:
  static void status_or_raise(const mmdreg::status& s) {
    if (!s.ok()) raise_error(s.err());
  }
  mmdreg::registry::engine engine_;
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

  py::class_<memory_registry>(m, "MemoryRegistry")
      .def(py::init<std::uint64_t, std::int64_t>(), py::arg("seed"), py::arg("start"))
      .def("add_organization", &memory_registry::add_organization, py::arg("name"))
      .def("register_file", &memory_registry::register_file, py::arg("organization"),
           py::arg("path"), py::arg("profile"), py::arg("shared"), py::arg("order_id"))
      .def("advance", &memory_registry::advance, py::arg("seconds"))
      .def("now", &memory_registry::now)
      .def("devices", &memory_registry::devices, py::arg("organization"));
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
    return std::string(mmdreg::deployment_profile_name(p, shared));
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
