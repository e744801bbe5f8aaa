// A tour of mmdreg's vocabulary on a real upload file: for each row, what its group tag means to
// Managed Desktop, which Autopilot profile and Entra groups the device would get, and a device name
// drawn from its template.
//
// Usage: tour FILE.csv   (an `autopilot` dialect file with a Group Tag column)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "mmdreg.hpp"

namespace {

std::string_view field(std::string_view line, int index) {
  for (int i = 0; i < index; ++i) {
    const auto comma = line.find(',');
    if (comma == std::string_view::npos) return {};
    line.remove_prefix(comma + 1);
  }
  return line.substr(0, line.find(','));
}

void describe(std::string_view serial, std::string_view tag, mmdreg::random_source& random) {
  const auto parsed = mmdreg::parse_group_tag(tag);
  std::cout << serial << "  " << (tag.empty() ? "(no tag)" : tag) << "\n    ";
  switch (parsed.kind) {
    case mmdreg::group_tag_kind::mmd: {
      std::cout << "MMD profile " << mmdreg::display_name(parsed.profile)
                << (parsed.shared ? ", shared" : "") << "\n    Autopilot profile: "
                << mmdreg::deployment_profile_name(parsed.profile, parsed.shared)
                << "\n    groups: " << mmdreg::all_devices_group() << "; "
                << mmdreg::profile_group(parsed.profile);
      if (parsed.shared) std::cout << "; " << mmdreg::shared_device_mode_group();
      std::cout << "\n    name: " << mmdreg::generate_device_name(parsed.profile, random) << " ("
                << mmdreg::device_name_template(parsed.profile) << ")\n";
      return;
    }
    case mmdreg::group_tag_kind::case_slip:
      std::cout << mmdreg::rule_id(mmdreg::rule::group_tag_case)
                << ": tags are case-sensitive; write "
                << mmdreg::group_tag_name(parsed.profile, parsed.shared) << "\n";
      return;
    case mmdreg::group_tag_kind::invalid:
      std::cout << mmdreg::rule_id(mmdreg::rule::group_tag_invalid) << ": " << parsed.reason
                << "\n";
      return;
    case mmdreg::group_tag_kind::legacy:
      std::cout << mmdreg::rule_id(mmdreg::rule::group_tag_legacy)
                << ": the pre-2021 tag; choose a profile tag instead\n";
      return;
    case mmdreg::group_tag_kind::foreign:
      std::cout << mmdreg::rule_id(mmdreg::rule::group_tag_foreign)
                << ": Autopilot accepts it, but Managed Desktop will not manage the device\n";
      return;
    case mmdreg::group_tag_kind::empty:
      std::cout << "no tag: the device registers, and the daily job gives it its MMD tag\n";
      return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tour FILE.csv\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "tour: cannot open " << argv[1] << "\n";
    return 2;
  }
  std::cout << "mmdreg " << mmdreg::version() << ": the vocabulary on " << argv[1] << "\n\n";
  mmdreg::seeded_random random(2026);  // a fixed seed keeps the tour's output reproducible
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (header) {
      header = false;
      continue;
    }
    describe(field(line, 0), field(line, 3), random);
  }
  std::cout << "\nA registered device moves through:";
  for (auto s : {mmdreg::registration_state::pending, mmdreg::registration_state::ready_for_user,
                 mmdreg::registration_state::active, mmdreg::registration_state::inactive})
    std::cout << " " << mmdreg::display_name(s) << " ->";
  std::cout << " ...\nOr fails with one of:";
  for (int e = 0; e < 5; ++e) {
    const auto error = static_cast<mmdreg::registration_error>(e);
    const auto autopilot = mmdreg::autopilot_equivalent_of(error);
    std::cout << "\n  " << mmdreg::message(error);
    if (!autopilot.name.empty()) std::cout << " (Autopilot: " << autopilot.name;
    if (autopilot.code != 0) std::cout << ", " << autopilot.code;
    if (!autopilot.name.empty()) std::cout << ")";
  }
  std::cout << "\n";
  return 0;
}
