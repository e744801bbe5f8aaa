#include "mmdreg/domain/device_name.hpp"

#include <charconv>

#include "common/ascii.hpp"

namespace mmdreg {
namespace {

struct parsed_template {
  std::string_view prefix;
  std::size_t digits = 0;
};

constexpr std::string_view kRandOpen = "%RAND:";

// Templates are PREFIX%RAND:n%; n is kept to 1..15 since 15 characters is the NetBIOS limit.
bool parse_template(std::string_view t, parsed_template& out) noexcept {
  const auto at = t.find(kRandOpen);
  if (at == std::string_view::npos || t.back() != '%') return false;
  const auto number = t.substr(at + kRandOpen.size(), t.size() - at - kRandOpen.size() - 1);
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
  if (ec != std::errc{} || end != number.data() + number.size() || n == 0 || n > 15) return false;
  out = {t.substr(0, at), n};
  return out.prefix.find('%') == std::string_view::npos;
}

}  // namespace

result<std::string> expand_name_template(std::string_view name_template, random_source& random) {
  parsed_template t;
  if (!parse_template(name_template, t)) {
    return error{errc::invalid_argument,
                 "device name template '" + std::string(name_template) +
                     "' is not of the form PREFIX%RAND:n% with n from 1 to 15"};
  }
  std::string name(t.prefix);
  name.reserve(t.prefix.size() + t.digits);
  for (std::size_t i = 0; i < t.digits; ++i)
    name.push_back(static_cast<char>('0' + random.below(10)));
  return name;
}

std::string generate_device_name(device_profile p, random_source& random) {
  return expand_name_template(device_name_template(p), random).value();
}

bool follows_name_template(std::string_view name, device_profile p) noexcept {
  parsed_template t;
  if (!parse_template(device_name_template(p), t)) return false;
  if (name.size() != t.prefix.size() + t.digits || !name.starts_with(t.prefix)) return false;
  for (char c : name.substr(t.prefix.size()))
    if (!detail::is_digit(c)) return false;
  return true;
}

}  // namespace mmdreg
