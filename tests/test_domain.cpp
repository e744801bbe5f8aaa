#define BOOST_TEST_MODULE domain
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "mmdreg.hpp"
#include "spec_tables.hpp"

using namespace mmdreg;
using mmdreg::testing::shared_dir_present;
namespace ut = boost::unit_test;

BOOST_AUTO_TEST_SUITE(group_tags)

BOOST_AUTO_TEST_CASE(every_tag_of_the_spec_parses_and_formats_round_trip,
                     *ut::precondition(shared_dir_present{})) {
  const auto rows = testing::spec_table("Profile");
  BOOST_TEST(rows.size() == 4U);
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT("profile " << row[0]) {
      const auto profile = parse_device_profile(row[0]);
      BOOST_TEST_REQUIRE(profile.has_value());
      BOOST_TEST(display_name(*profile) == row[0]);

      const auto tag = testing::code(row[1]);
      const auto parsed = parse_group_tag(tag);
      BOOST_TEST((parsed.kind == group_tag_kind::mmd));
      BOOST_TEST((parsed.profile == *profile));
      BOOST_TEST(!parsed.shared);
      BOOST_TEST(format_group_tag(*profile, false).value() == tag);

      if (row[2].find('`') != std::string::npos) {
        const auto shared_tag = testing::code(row[2]);
        const auto parsed_shared = parse_group_tag(shared_tag);
        BOOST_TEST((parsed_shared.kind == group_tag_kind::mmd));
        BOOST_TEST((parsed_shared.profile == *profile));
        BOOST_TEST(parsed_shared.shared);
        BOOST_TEST(format_group_tag(*profile, true).value() == shared_tag);
        BOOST_TEST(deployment_profile_name(*profile, true) ==
                   "Modern Workplace Autopilot Profile Shared");
      } else {
        BOOST_TEST(row[2] == "not supported");
        BOOST_TEST(!supports_shared(*profile));
        const auto refused = format_group_tag(*profile, true);
        BOOST_TEST(!refused.ok());
        BOOST_TEST((refused.err().code == errc::invalid_argument));
        BOOST_TEST(group_tag_name(*profile, true).empty());
        BOOST_TEST(deployment_profile_name(*profile, true).empty());
      }
      BOOST_TEST(deployment_profile_name(*profile, false) == testing::code(row[3]));
      BOOST_TEST(device_name_template(*profile) == testing::code(row[4]));
    }
  }
}

BOOST_AUTO_TEST_CASE(tags_round_trip_without_the_spec) {
  for (auto p : all_device_profiles) {
    for (bool shared : {false, true}) {
      const auto formatted = format_group_tag(p, shared);
      BOOST_TEST(formatted.ok() == (supports_shared(p) || !shared));
      if (!formatted.ok()) continue;
      const auto parsed = parse_group_tag(*formatted);
      BOOST_TEST((parsed.kind == group_tag_kind::mmd));
      BOOST_TEST((parsed.profile == p));
      BOOST_TEST(parsed.shared == shared);
    }
  }
  BOOST_TEST(format_group_tag(device_profile::kiosk, true).value() ==
             "Microsoft365Managed_Kiosk-Shared");
  BOOST_TEST(format_group_tag(device_profile::sensitive_data, false).value() ==
             "Microsoft365Managed_SensitiveData");
}

BOOST_AUTO_TEST_CASE(case_slips_name_the_tag_that_was_meant) {
  struct example {
    const char* tag;
    device_profile profile;
    bool shared;
  };
  for (const auto& e :
       {example{"microsoft365managed_standard", device_profile::standard, false},
        example{"MICROSOFT365MANAGED_KIOSK-SHARED", device_profile::kiosk, true},
        example{"Microsoft365Managed_Standard-shared", device_profile::standard, true},
        example{"Microsoft365Managed_sensitivedata", device_profile::sensitive_data, false}}) {
    BOOST_TEST_CONTEXT(e.tag) {
      const auto parsed = parse_group_tag(e.tag);
      BOOST_TEST((parsed.kind == group_tag_kind::case_slip));
      BOOST_TEST((parsed.profile == e.profile));
      BOOST_TEST(parsed.shared == e.shared);
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_mmd_looking_tags_are_rejected_with_the_reason) {
  const std::map<std::string, std::string> expected_reason_fragment{
      {"Microsoft365Managed_PowerUser-Shared", "cannot be shared"},
      {"microsoft365managed_poweruser-shared", "cannot be shared"},
      {"Microsoft365Managed_Executive", "unknown profile"},
      {"Microsoft365Managed_StandardKiosk", "several"},
      {"Microsoft365Managed_Standard-Kiosk", "several"},
      {"Microsoft365Managed_", "no profile"},
      {"Microsoft365Managed_Standard ", "unknown profile"},
      {"Microsoft365ManagedStandard", "starts with exactly"},
      {"MICROSOFT365MANAGED_Executive", "case-sensitive"},
      {"Microsoft365Managed_Standard-Shared-Shared", "unknown profile"},
      {"microsoft365managed_autopilot", "case-sensitive"},
  };
  for (const auto& [tag, fragment] : expected_reason_fragment) {
    BOOST_TEST_CONTEXT(tag) {
      const auto parsed = parse_group_tag(tag);
      BOOST_TEST((parsed.kind == group_tag_kind::invalid));
      BOOST_TEST(parsed.reason.find(fragment) != std::string_view::npos,
                 "reason '" << parsed.reason << "' lacks '" << fragment << "'");
    }
  }
}

BOOST_AUTO_TEST_CASE(legacy_foreign_and_empty) {
  BOOST_TEST((parse_group_tag("Microsoft365Managed_Autopilot").kind == group_tag_kind::legacy));
  BOOST_TEST((parse_group_tag("").kind == group_tag_kind::empty));
  for (const char* foreign : {"Sales", "Contoso-Kiosk", " Microsoft365Managed_Standard", "M365"})
    BOOST_TEST((parse_group_tag(foreign).kind == group_tag_kind::foreign), foreign);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(profiles_and_groups)

BOOST_AUTO_TEST_CASE(profiles_parse_by_display_name_and_token) {
  for (auto p : all_device_profiles) {
    BOOST_TEST((parse_device_profile(display_name(p)) == p));
    BOOST_TEST((parse_device_profile(tag_token(p)) == p));
  }
  BOOST_TEST(!parse_device_profile("standard").has_value());
  BOOST_TEST(!parse_device_profile("Power User").has_value());
}

BOOST_AUTO_TEST_CASE(deployment_profile_names_are_the_four_of_the_spec) {
  const auto names = all_deployment_profile_names();
  const std::set<std::string_view> unique(names.begin(), names.end());
  BOOST_TEST(unique.size() == 4U);
  BOOST_TEST(unique.count("Modern Workplace Autopilot Profile") == 1U);
  BOOST_TEST(unique.count("Modern Workplace Autopilot Profile Power User") == 1U);
  BOOST_TEST(unique.count("Modern Workplace Autopilot Profile Kiosk") == 1U);
  BOOST_TEST(unique.count("Modern Workplace Autopilot Profile Shared") == 1U);
  for (auto p : all_device_profiles) {
    BOOST_TEST(unique.count(deployment_profile_name(p, false)) == 1U);
  }
}

BOOST_AUTO_TEST_CASE(entra_groups_match_the_spec, *ut::precondition(shared_dir_present{})) {
  const auto rows = testing::spec_table("Entra group");
  std::set<std::string> spec_groups;
  for (const auto& row : rows) {
    // "`Modern Workplace Devices-First` / `-Fast` / `-Broad`" names three groups.
    const auto names = testing::codes(row[0]);
    for (const auto& name : names)
      spec_groups.insert(name.starts_with("-") ? "Modern Workplace Devices" + name : name);
  }
  std::set<std::string> ours{std::string(all_devices_group()),
                             std::string(shared_device_mode_group())};
  for (auto r : {ring::test, ring::first, ring::fast, ring::broad})
    ours.insert(std::string(ring_group(r)));
  BOOST_TEST(ours == spec_groups, "the library's groups differ from the spec's table");
}

BOOST_AUTO_TEST_CASE(groups_are_distinct_and_rings_parse) {
  std::set<std::string_view> all{all_devices_group(), shared_device_mode_group()};
  for (auto r : {ring::test, ring::first, ring::fast, ring::broad}) {
    all.insert(ring_group(r));
    BOOST_TEST((parse_ring(ring_name(r)) == r));
  }
  for (auto p : all_device_profiles)
    all.insert(profile_group(p));
  BOOST_TEST(all.size() == 10U);
  BOOST_TEST(ring_group(ring::first) == "Modern Workplace Devices-First");
  BOOST_TEST(ring_group(ring::test) == "Modern Workplace Devices - Test");
  BOOST_TEST(!parse_ring("first").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(states_and_errors)

BOOST_AUTO_TEST_CASE(state_names_match_the_spec, *ut::precondition(shared_dir_present{})) {
  const auto rows = testing::spec_table("State");
  BOOST_TEST(rows.size() == 5U);
  std::set<std::string> spec_names;
  for (const auto& row : rows)
    spec_names.insert(testing::code(row[0]));
  std::set<std::string> ours;
  for (int i = 0; i < 5; ++i) {
    const auto s = static_cast<registration_state>(i);
    ours.insert(std::string(display_name(s)));
    BOOST_TEST((parse_registration_state(display_name(s)) == s));
  }
  BOOST_TEST(ours == spec_names);
}

BOOST_AUTO_TEST_CASE(error_messages_and_autopilot_codes_match_the_spec,
                     *ut::precondition(shared_dir_present{})) {
  const auto rows = testing::spec_table("Error message (exact)");
  BOOST_TEST(rows.size() == 5U);
  for (const auto& row : rows) {
    const auto text = testing::code(row[0]);
    BOOST_TEST_CONTEXT(text) {
      const auto e = parse_registration_error(text);
      BOOST_TEST_REQUIRE(e.has_value());
      BOOST_TEST(message(*e) == text);
      const auto equivalent = autopilot_equivalent_of(*e);
      const auto spec_names = testing::codes(row[2]);
      if (spec_names.empty()) {
        BOOST_TEST(equivalent.name.empty());
      } else {
        BOOST_TEST(equivalent.name == spec_names[0]);
        const auto open = row[2].find('(');
        if (open != std::string::npos)
          BOOST_TEST(equivalent.code == std::stoi(row[2].substr(open + 1)));
        else
          BOOST_TEST(equivalent.code == 0);
      }
    }
  }
}

// The spec's strings copied here, so that the contract is checked byte for byte even where
// ../shared (and with it the spec-driven cases above) is absent.
BOOST_AUTO_TEST_CASE(messages_are_exact) {
  const std::pair<registration_state, std::string_view> states[] = {
      {registration_state::pending, "Registration Pending"},
      {registration_state::failed, "Registration failed"},
      {registration_state::ready_for_user, "Ready for user"},
      {registration_state::active, "Active"},
      {registration_state::inactive, "Inactive"},
  };
  for (const auto& [state, name] : states) {
    BOOST_TEST(display_name(state) == name);
    BOOST_TEST((parse_registration_state(name) == state));
  }
  BOOST_TEST((parse_registration_state("Setup needed") == registration_state::ready_for_user));

  struct expected_error {
    registration_error error;
    std::string_view text, autopilot_name;
    int autopilot_code;
  };
  const expected_error errors[] = {
      {registration_error::device_not_found, "Device not found", "", 0},
      {registration_error::hardware_hash_not_valid, "Hardware hash not valid",
       "InvalidZtdHardwareHash", 802},
      {registration_error::device_already_registered, "Device already registered",
       "ZtdDeviceAlreadyAssigned", 806},
      {registration_error::device_claimed_by_another_organization,
       "Device claimed by another organization", "ZtdDeviceAssignedToOtherTenant", 808},
      {registration_error::unexpected_error, "Unexpected error", "StorageError", 0},
  };
  for (const auto& e : errors) {
    BOOST_TEST_CONTEXT(e.text) {
      BOOST_TEST(message(e.error) == e.text);
      BOOST_TEST((parse_registration_error(e.text) == e.error));
      BOOST_TEST(autopilot_equivalent_of(e.error).name == e.autopilot_name);
      BOOST_TEST(autopilot_equivalent_of(e.error).code == e.autopilot_code);
    }
  }
}

BOOST_AUTO_TEST_CASE(unexpected_error_carries_a_request_id_and_others_do_not) {
  seeded_random random(7);
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const auto f = make_registration_failure(registration_error::unexpected_error, random);
    BOOST_TEST(is_request_id(f.request_id), f.request_id);
    ids.insert(f.request_id);
  }
  BOOST_TEST(ids.size() == 1000U);
  for (int i = 0; i < 4; ++i) {
    const auto f = make_registration_failure(static_cast<registration_error>(i), random);
    BOOST_TEST(f.request_id.empty());
  }
  BOOST_TEST(!is_request_id("not-a-guid"));
  BOOST_TEST(!is_request_id("0123456789ab-cdef-0123-456789abcdef"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(device_names)

BOOST_AUTO_TEST_CASE(names_have_the_right_length_prefix_and_alphabet) {
  seeded_random random(42);
  for (auto p : all_device_profiles) {
    const std::string prefix = p == device_profile::kiosk ? "Kiosk-" : "MMD-";
    for (int i = 0; i < 200; ++i) {
      const auto name = generate_device_name(p, random);
      BOOST_TEST(name.size() == 15U);
      BOOST_TEST(name.starts_with(prefix));
      BOOST_TEST(std::all_of(name.begin() + static_cast<long>(prefix.size()), name.end(),
                             [](char c) { return c >= '0' && c <= '9'; }));
      BOOST_TEST(follows_name_template(name, p));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_random_source_decides_the_digits) {
  seeded_random a(1), b(1), c(2);
  const auto first = generate_device_name(device_profile::standard, a);
  BOOST_TEST(first == generate_device_name(device_profile::standard, b));
  BOOST_TEST(first != generate_device_name(device_profile::standard, c));

  // Every digit appears in every position, roughly uniformly.
  seeded_random random(3);
  std::array<std::array<int, 10>, 11> counts{};
  for (int i = 0; i < 20000; ++i) {
    const auto name = generate_device_name(device_profile::standard, random);
    for (std::size_t pos = 0; pos < 11; ++pos)
      ++counts[pos][name[4 + pos] - '0'];
  }
  for (const auto& position : counts)
    for (int count : position)
      BOOST_TEST((count > 1700 && count < 2300), count);
}

BOOST_AUTO_TEST_CASE(template_checks_refuse_near_misses) {
  BOOST_TEST(follows_name_template("MMD-01234567890", device_profile::power_user));
  BOOST_TEST(!follows_name_template("MMD-0123456789", device_profile::standard));
  BOOST_TEST(!follows_name_template("MMD-012345678901", device_profile::standard));
  BOOST_TEST(!follows_name_template("mmd-01234567890", device_profile::standard));
  BOOST_TEST(!follows_name_template("MMD-0123456789a", device_profile::standard));
  BOOST_TEST(!follows_name_template("MMD-01234567890", device_profile::kiosk));
  BOOST_TEST(follows_name_template("Kiosk-012345678", device_profile::kiosk));
  BOOST_TEST(!follows_name_template("DESKTOP-4F2K9QX", device_profile::standard));
}

BOOST_AUTO_TEST_CASE(custom_templates_expand_or_are_refused) {
  seeded_random random(5);
  const auto name = expand_name_template("LAB-%RAND:5%", random);
  BOOST_TEST_REQUIRE(name.ok());
  BOOST_TEST(name->size() == 9U);
  for (const char* bad : {"LAB-", "LAB-%RAND:0%", "LAB-%RAND:16%", "LAB-%RAND:x%", "%X%%RAND:3%"})
    BOOST_TEST(!expand_name_template(bad, random).ok(), bad);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(device_records)

BOOST_AUTO_TEST_CASE(serials_are_text) {
  device_record a{.serial_number = "0012345"};
  device_record b{.serial_number = "12345"};
  BOOST_TEST(!(a == b));
  BOOST_TEST(a.serial_number.size() == 7U);
}

BOOST_AUTO_TEST_SUITE_END()
