// Profiles, tags, rings, groups, states, errors, rules, names. Every string returned here comes
// from a string literal of the C++ core, so `.data()` of its view is NUL-terminated static storage.
#include <memory>
#include <optional>

#include "guard.hpp"
#include "mmdreg.hpp"

struct mmdreg_random {
  std::unique_ptr<mmdreg::random_source> source;
  mutable std::string last_error;
};

namespace {

using mmdreg::capi::enum_value;
using mmdreg::capi::fail;
using mmdreg::capi::guarded;
using mmdreg::capi::guarded_on;
using mmdreg::capi::null_argument;

std::optional<mmdreg::device_profile> profile_of(const mmdreg_profile& p) noexcept {
  const int value = enum_value(p);
  if (value < MMDREG_PROFILE_STANDARD || value > MMDREG_PROFILE_KIOSK) return std::nullopt;
  return static_cast<mmdreg::device_profile>(value);
}

std::optional<mmdreg::ring> ring_of(const mmdreg_ring& r) noexcept {
  const int value = enum_value(r);
  if (value < MMDREG_RING_TEST || value > MMDREG_RING_BROAD) return std::nullopt;
  return static_cast<mmdreg::ring>(value);
}

std::optional<mmdreg::registration_state> state_of(const mmdreg_state& s) noexcept {
  const int value = enum_value(s);
  if (value < MMDREG_STATE_PENDING || value > MMDREG_STATE_INACTIVE) return std::nullopt;
  return static_cast<mmdreg::registration_state>(value);
}

std::optional<mmdreg::registration_error> error_of(const mmdreg_registration_error& e) noexcept {
  const int value = enum_value(e);
  if (value < MMDREG_ERROR_DEVICE_NOT_FOUND || value > MMDREG_ERROR_UNEXPECTED) return std::nullopt;
  return static_cast<mmdreg::registration_error>(value);
}

/// The rule of a rule code, or nothing for a code that names none.
const mmdreg::rule_info* rule_of(int code) noexcept {
  const auto rules = mmdreg::all_rules();
  if (code < 1 || static_cast<size_t>(code) > rules.size()) return nullptr;
  return &rules[static_cast<size_t>(code) - 1];
}

mmdreg_status unknown_profile(const char* function, const mmdreg_profile& profile) {
  const int p = enum_value(profile);
  return fail(MMDREG_EINVAL, std::string(function) + ": unknown profile " + std::to_string(p) +
                                 " (0 Standard, 1 Sensitive data, 2 Power user, 3 Kiosk)");
}

}  // namespace

extern "C" {

mmdreg_status mmdreg_group_tag_parse(const char* tag, size_t tag_length, mmdreg_group_tag* out) {
  return guarded(__func__, [&](const char* function) {
    std::string_view text;
    if (!mmdreg::capi::text_argument(function, "tag", tag, tag_length, text)) return MMDREG_EINVAL;
    if (out == nullptr) return null_argument(function, "out");
    const auto parsed = mmdreg::parse_group_tag(text);
    out->kind = static_cast<mmdreg_group_tag_kind>(parsed.kind);
    out->profile = static_cast<mmdreg_profile>(parsed.profile);
    out->shared = parsed.shared ? 1 : 0;
    out->reason = parsed.reason.empty() ? "" : parsed.reason.data();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_group_tag_format(mmdreg_profile profile, int shared, const char** tag) {
  return guarded(__func__, [&](const char* function) {
    if (tag == nullptr) return null_argument(function, "tag");
    const auto p = MMDREG_CAPI_NOTHROW(profile_of(profile));
    if (!p) return unknown_profile(function, profile);
    const auto formatted = mmdreg::format_group_tag(*p, shared != 0);
    if (!formatted.ok()) return fail(formatted.err());
    *tag = mmdreg::group_tag_name(*p, shared != 0).data();
    return MMDREG_OK;
  });
}

const char* mmdreg_profile_name(mmdreg_profile profile) {
  const auto p = MMDREG_CAPI_NOTHROW(profile_of(profile));
  return MMDREG_CAPI_NOTHROW(p ? mmdreg::display_name(*p).data() : nullptr);
}

const char* mmdreg_deployment_profile_name(mmdreg_profile profile, int shared) {
  const auto p = MMDREG_CAPI_NOTHROW(profile_of(profile));
  if (!p) return nullptr;
  // Empty for Power user + shared, which has no deployment profile.
  const auto name = MMDREG_CAPI_NOTHROW(mmdreg::deployment_profile_name(*p, shared != 0));
  return name.empty() ? nullptr : name.data();
}

const char* mmdreg_device_name_template(mmdreg_profile profile) {
  const auto p = MMDREG_CAPI_NOTHROW(profile_of(profile));
  return MMDREG_CAPI_NOTHROW(p ? mmdreg::device_name_template(*p).data() : nullptr);
}

const char* mmdreg_ring_name(mmdreg_ring ring) {
  const auto r = MMDREG_CAPI_NOTHROW(ring_of(ring));
  return MMDREG_CAPI_NOTHROW(r ? mmdreg::ring_name(*r).data() : nullptr);
}

const char* mmdreg_ring_group(mmdreg_ring ring) {
  const auto r = MMDREG_CAPI_NOTHROW(ring_of(ring));
  return MMDREG_CAPI_NOTHROW(r ? mmdreg::ring_group(*r).data() : nullptr);
}

const char* mmdreg_profile_group(mmdreg_profile profile) {
  const auto p = MMDREG_CAPI_NOTHROW(profile_of(profile));
  return MMDREG_CAPI_NOTHROW(p ? mmdreg::profile_group(*p).data() : nullptr);
}

const char* mmdreg_all_devices_group(void) {
  return MMDREG_CAPI_NOTHROW(mmdreg::all_devices_group().data());
}

const char* mmdreg_shared_device_mode_group(void) {
  return MMDREG_CAPI_NOTHROW(mmdreg::shared_device_mode_group().data());
}

const char* mmdreg_state_name(mmdreg_state state) {
  const auto s = MMDREG_CAPI_NOTHROW(state_of(state));
  return MMDREG_CAPI_NOTHROW(s ? mmdreg::display_name(*s).data() : nullptr);
}

const char* mmdreg_registration_error_message(mmdreg_registration_error error) {
  const auto e = MMDREG_CAPI_NOTHROW(error_of(error));
  return MMDREG_CAPI_NOTHROW(e ? mmdreg::message(*e).data() : nullptr);
}

mmdreg_status mmdreg_registration_error_autopilot(mmdreg_registration_error error,
                                                  const char** name, int* code) {
  return guarded(__func__, [&](const char* function) {
    if (name == nullptr) return null_argument(function, "name");
    if (code == nullptr) return null_argument(function, "code");
    const auto e = MMDREG_CAPI_NOTHROW(error_of(error));
    if (!e)
      return fail(MMDREG_EINVAL,
                  std::string(function) + ": unknown error " + std::to_string(enum_value(error)));
    const auto equivalent = mmdreg::autopilot_equivalent_of(*e);
    *name = equivalent.name.empty() ? "" : equivalent.name.data();
    *code = equivalent.code;
    return MMDREG_OK;
  });
}

const char* mmdreg_rule_id(int rule) {
  const auto* r = MMDREG_CAPI_NOTHROW(rule_of(rule));
  return MMDREG_CAPI_NOTHROW(r ? r->id.data() : nullptr);
}

int mmdreg_rule_severity(int rule) {
  const auto* r = MMDREG_CAPI_NOTHROW(rule_of(rule));
  return MMDREG_CAPI_NOTHROW(r ? static_cast<int>(r->severity) : -1);
}

mmdreg_status mmdreg_rule_from_id(const char* id, size_t id_length, int* rule) {
  return guarded(__func__, [&](const char* function) {
    std::string_view text;
    if (!mmdreg::capi::text_argument(function, "id", id, id_length, text)) return MMDREG_EINVAL;
    if (rule == nullptr) return null_argument(function, "rule");
    const auto r = mmdreg::parse_rule_id(text);
    if (!r)
      return fail(MMDREG_ENOTFOUND,
                  std::string(function) + ": no rule has the id \"" + std::string(text) + "\"");
    *rule = static_cast<int>(*r);
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_random_create_seeded(uint64_t seed, mmdreg_random** out) {
  return guarded(__func__, [&](const char* function) {
    if (out == nullptr) return null_argument(function, "out");
    *out = new mmdreg_random{std::make_unique<mmdreg::seeded_random>(seed), {}};
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_random_create_system(mmdreg_random** out) {
  return guarded(__func__, [&](const char* function) {
    if (out == nullptr) return null_argument(function, "out");
    *out = new mmdreg_random{std::make_unique<mmdreg::system_random>(), {}};
    return MMDREG_OK;
  });
}

void mmdreg_random_free(mmdreg_random* random) {
  MMDREG_CAPI_NOTHROW(delete random);
}

void mmdreg_random_free_and_clear(mmdreg_random** random) {
  mmdreg::capi::free_and_clear(random);
}

const char* mmdreg_random_last_error(const mmdreg_random* random) {
  return mmdreg::capi::handle_last_error(random);
}

mmdreg_status mmdreg_device_name_generate(mmdreg_random* random, mmdreg_profile profile,
                                          char* buffer, size_t capacity, size_t* length) {
  return guarded_on(__func__, random, [&](const char* function) {
    if (random == nullptr) return null_argument(function, "random");
    const auto p = MMDREG_CAPI_NOTHROW(profile_of(profile));
    if (!p) return unknown_profile(function, profile);
    mmdreg_status status = MMDREG_OK;
    constexpr size_t name_length = 15;  // every template expands to the NetBIOS limit
    if (!mmdreg::capi::has_room(function, name_length, buffer, capacity, length, status))
      return status;
    const auto name = mmdreg::generate_device_name(*p, *random->source);
    return mmdreg::capi::copy_out(function, name, buffer, capacity, length);
  });
}

mmdreg_status mmdreg_device_name_follows_template(const char* name, size_t name_length,
                                                  mmdreg_profile profile, int* follows) {
  return guarded(__func__, [&](const char* function) {
    std::string_view text;
    if (!mmdreg::capi::text_argument(function, "name", name, name_length, text))
      return MMDREG_EINVAL;
    if (follows == nullptr) return null_argument(function, "follows");
    const auto p = MMDREG_CAPI_NOTHROW(profile_of(profile));
    if (!p) return unknown_profile(function, profile);
    *follows = mmdreg::follows_name_template(text, *p) ? 1 : 0;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_request_id_generate(mmdreg_random* random, char* buffer, size_t capacity,
                                         size_t* length) {
  return guarded_on(__func__, random, [&](const char* function) {
    if (random == nullptr) return null_argument(function, "random");
    mmdreg_status status = MMDREG_OK;
    constexpr size_t request_id_length = 36;
    if (!mmdreg::capi::has_room(function, request_id_length, buffer, capacity, length, status))
      return status;
    return mmdreg::capi::copy_out(function, mmdreg::make_request_id(*random->source), buffer,
                                  capacity, length);
  });
}

}  // extern "C"
