// The pybind11 layer: thin shims over the C++ API. Pythonic names, documentation and error mapping
// live in the pure-Python package (python/mmdreg/).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "mmdreg.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "mmdreg native core (use the mmdreg package, not this module)";
  m.attr("__version__") = mmdreg::version();

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
