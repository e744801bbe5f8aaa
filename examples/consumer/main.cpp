// Built against an installed mmdreg by the installation test, with CMake and with
// `pkg-config --cflags --libs mmdreg` exactly as the README shows. It touches every dependency the
// static library carries (OpenSSL through the hash check, SQLite through the registry file), so a
// .pc file or CMake package that forgets one fails to link here.
#include <mmdreg.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

int main(int argc, char** argv) {
  const auto tag = mmdreg::format_group_tag(mmdreg::device_profile::kiosk, true);
  if (!tag.ok()) return 1;
  const auto parsed = mmdreg::parse_group_tag(*tag);

  const auto report = mmdreg::csv::validate_buffer_collect(
      "Device Serial Number,Windows Product ID,Hardware Hash\r\nSN-1,,not-a-hash\r\n");

  const std::filesystem::path registry_file =
      argc > 1 ? argv[1] : std::filesystem::temp_directory_path() / "mmdreg-consumer.db";
  std::filesystem::remove(registry_file);
  const auto store = mmdreg::store::sqlite_storage::open(registry_file);
  if (!store.ok()) {
    std::cerr << store.err().message << "\n";
    return 1;
  }
  const bool stored = (*store)->load().ok();
  std::filesystem::remove(registry_file);

  std::cout << "mmdreg " << mmdreg::version() << " " << *tag << " "
            << mmdreg::deployment_profile_name(parsed.profile, parsed.shared)
            << " rejected=" << report.summary.rejected << " registry=" << (stored ? "ok" : "failed")
            << "\n";
  return parsed.kind == mmdreg::group_tag_kind::mmd && stored ? 0 : 1;
}
