// Built against an installed mmdreg by the installation test.
#include <mmdreg.hpp>

#include <iostream>

int main() {
  const auto tag = mmdreg::format_group_tag(mmdreg::device_profile::kiosk, true);
  if (!tag.ok()) return 1;
  const auto parsed = mmdreg::parse_group_tag(*tag);
  std::cout << "mmdreg " << mmdreg::version() << " " << *tag << " "
            << mmdreg::deployment_profile_name(parsed.profile, parsed.shared) << "\n";
  return parsed.kind == mmdreg::group_tag_kind::mmd ? 0 : 1;
}
