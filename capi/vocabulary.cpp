// Profiles, tags, rings, groups, states, errors, rules, names. Every string returned here comes
// from a string literal of the C++ core, so `.data()` of its view is NUL-terminated static storage.
#include <memory>
#include <optional>

#include "guard.hpp"
#include "mmdreg.hpp"

struct mmdreg_random {
  std::unique_ptr<mmdreg::random_source> source;
};

namespace {

using mmdreg::capi::fail;
using mmdreg::capi::guarded;

std::optional<mmdreg::device_profile> profile_of(mmdreg_profile p) noexcept {
  if (p < MMDREG_PROFILE_STANDARD || p > MMDREG_PROFILE_KIOSK) return std::nullopt;
  return static_cast<mmdreg::device_profile>(p);
}

std::optional<mmdreg::ring> ring_of(mmdreg_ring r) noexcept {
  if (r < MMDREG_RING_TEST || r > MMDREG_RING_BROAD) return std::nullopt;
  return static_cast<mmdreg::ring>(r);
}

mmdreg_status unknown_profile(const char* function, int p) noexcept {
  return fail(MMDREG_EINVAL, std::string(function) + ": unknown profile " + std::to_string(p) +
                                 " (0 Standard, 1 Sensitive data, 2 Power user, 3 Kiosk)");
}

}  // namespace

extern "C" {

mmdreg_status mmdreg_group_tag_parse(const char* tag, size_t tag_length, mmdreg_group_tag* out) {
  return guarded(__func__, [&] {
    std::string_view text;
    if (!mmdreg::capi::text_argument(__func__, "tag", tag, tag_length, text)) return MMDREG_EINVAL;
    if (out == nullptr) return mmdreg::capi::null_argument(__func__, "out");
    const auto parsed = mmdreg::parse_group_tag(text);
    out->kind = static_cast<mmdreg_group_tag_kind>(parsed.kind);
    out->profile = static_cast<mmdreg_profile>(parsed.profile);
    out->shared = parsed.shared ? 1 : 0;
    out->reason = parsed.reason.empty() ? "" : parsed.reason.data();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_group_tag_format(mmdreg_profile profile, int shared, const char** tag) {
  return guarded(__func__, [&] {
    if (tag == nullptr) return mmdreg::capi::null_argument(__func__, "tag");
    const auto p = profile_of(profile);
    if (!p) return unknown_profile(__func__, profile);
    const auto formatted = mmdreg::format_group_tag(*p, shared != 0);
    if (!formatted.ok()) return fail(formatted.err());
    *tag = mmdreg::group_tag_name(*p, shared != 0).data();
    return MMDREG_OK;
  });
}

const char* mmdreg_profile_name(mmdreg_profile profile) {
  const auto p = profile_of(profile);
  return p ? mmdreg::display_name(*p).data() : nullptr;
}

const char* mmdreg_deployment_profile_name(mmdreg_profile profile, int shared) {
  const auto p = profile_of(profile);
  return p ? mmdreg::deployment_profile_name(*p, shared != 0).data() : nullptr;
}

const char* mmdreg_device_name_template(mmdreg_profile profile) {
  const auto p = profile_of(profile);
  return p ? mmdreg::device_name_template(*p).data() : nullptr;
}

const char* mmdreg_ring_name(mmdreg_ring ring) {
  const auto r = ring_of(ring);
  return r ? mmdreg::ring_name(*r).data() : nullptr;
}

const char* mmdreg_ring_group(mmdreg_ring ring) {
  const auto r = ring_of(ring);
  return r ? mmdreg::ring_group(*r).data() : nullptr;
}

const char* mmdreg_profile_group(mmdreg_profile profile) {
  const auto p = profile_of(profile);
  return p ? mmdreg::profile_group(*p).data() : nullptr;
}

const char* mmdreg_all_devices_group(void) {
  return mmdreg::all_devices_group().data();
}

const char* mmdreg_shared_device_mode_group(void) {
  return mmdreg::shared_device_mode_group().data();
}

const char* mmdreg_state_name(mmdreg_state state) {
  if (state < MMDREG_STATE_PENDING || state > MMDREG_STATE_INACTIVE) return nullptr;
  return mmdreg::display_name(static_cast<mmdreg::registration_state>(state)).data();
}

const char* mmdreg_registration_error_message(mmdreg_registration_error error) {
  if (error < MMDREG_ERROR_DEVICE_NOT_FOUND || error > MMDREG_ERROR_UNEXPECTED) return nullptr;
  return mmdreg::message(static_cast<mmdreg::registration_error>(error)).data();
}

mmdreg_status mmdreg_registration_error_autopilot(mmdreg_registration_error error,
                                                  const char** name, int* code) {
  return guarded(__func__, [&] {
    if (name == nullptr) return mmdreg::capi::null_argument(__func__, "name");
    if (code == nullptr) return mmdreg::capi::null_argument(__func__, "code");
    if (error < MMDREG_ERROR_DEVICE_NOT_FOUND || error > MMDREG_ERROR_UNEXPECTED)
      return fail(MMDREG_EINVAL, "mmdreg_registration_error_autopilot: unknown error " +
                                     std::to_string(static_cast<int>(error)));
    const auto equivalent =
        mmdreg::autopilot_equivalent_of(static_cast<mmdreg::registration_error>(error));
    *name = equivalent.name.empty() ? "" : equivalent.name.data();
    *code = equivalent.code;
    return MMDREG_OK;
  });
}

const char* mmdreg_rule_id(int rule) {
  const auto rules = mmdreg::all_rules();
  if (rule < 1 || static_cast<size_t>(rule) > rules.size()) return nullptr;
  return rules[static_cast<size_t>(rule) - 1].id.data();
}

int mmdreg_rule_severity(int rule) {
  const auto rules = mmdreg::all_rules();
  if (rule < 1 || static_cast<size_t>(rule) > rules.size()) return -1;
  return static_cast<int>(rules[static_cast<size_t>(rule) - 1].severity);
}

int mmdreg_rule_from_id(const char* id, size_t id_length) {
  if (id == nullptr) return 0;
  const auto r = mmdreg::parse_rule_id(std::string_view(id, id_length));
  return r ? static_cast<int>(*r) : 0;
}

mmdreg_status mmdreg_random_create_seeded(uint64_t seed, mmdreg_random** out) {
  return guarded(__func__, [&] {
    if (out == nullptr) return mmdreg::capi::null_argument(__func__, "out");
    *out = new mmdreg_random{std::make_unique<mmdreg::seeded_random>(seed)};
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_random_create_system(mmdreg_random** out) {
  return guarded(__func__, [&] {
    if (out == nullptr) return mmdreg::capi::null_argument(__func__, "out");
    *out = new mmdreg_random{std::make_unique<mmdreg::system_random>()};
    return MMDREG_OK;
  });
}

void mmdreg_random_free(mmdreg_random* random) {
  delete random;
}

void mmdreg_random_free_and_clear(mmdreg_random** random) {
  if (random == nullptr) return;
  mmdreg_random_free(*random);
  *random = nullptr;
}

mmdreg_status mmdreg_device_name_generate(mmdreg_random* random, mmdreg_profile profile,
                                          char* buffer, size_t capacity, size_t* length) {
  return guarded(__func__, [&] {
    if (random == nullptr) return mmdreg::capi::null_argument(__func__, "random");
    const auto p = profile_of(profile);
    if (!p) return unknown_profile(__func__, profile);
    mmdreg_status status = MMDREG_OK;
    constexpr size_t name_length = 15;  // every template expands to the NetBIOS limit
    if (!mmdreg::capi::has_room(__func__, name_length, buffer, capacity, length, status))
      return status;
    const auto name = mmdreg::generate_device_name(*p, *random->source);
    return mmdreg::capi::copy_out(__func__, name, buffer, capacity, length);
  });
}

int mmdreg_device_name_follows_template(const char* name, size_t name_length,
                                        mmdreg_profile profile) {
  const auto p = profile_of(profile);
  if (!p || (name == nullptr && name_length != 0)) return 0;
  return mmdreg::follows_name_template(
             name == nullptr ? std::string_view{} : std::string_view(name, name_length), *p)
             ? 1
             : 0;
}

mmdreg_status mmdreg_request_id_generate(mmdreg_random* random, char* buffer, size_t capacity,
                                         size_t* length) {
  return guarded(__func__, [&] {
    if (random == nullptr) return mmdreg::capi::null_argument(__func__, "random");
    mmdreg_status status = MMDREG_OK;
    constexpr size_t request_id_length = 36;
    if (!mmdreg::capi::has_room(__func__, request_id_length, buffer, capacity, length, status))
      return status;
    return mmdreg::capi::copy_out(__func__, mmdreg::make_request_id(*random->source), buffer,
                                  capacity, length);
  });
}

}  // extern "C"
