// SHA-256 through OpenSSL's one-context API, which neither allocates nor fetches a provider per
// call (the EVP and one-shot paths of OpenSSL 3 do both) and still uses SHA-NI when the CPU has it.
// Internal.
#ifndef MMDREG_SRC_HASH_SHA256_HPP
#define MMDREG_SRC_HASH_SHA256_HPP

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>

namespace mmdreg::detail {

using sha256_digest = std::array<std::uint8_t, 32>;

/// SHA-256 of the concatenation of `parts`.
sha256_digest sha256(std::initializer_list<std::span<const std::uint8_t>> parts) noexcept;

/// SHA-256 of `bytes`.
inline sha256_digest sha256(std::span<const std::uint8_t> bytes) noexcept {
  return sha256({bytes});
}

}  // namespace mmdreg::detail

#endif
