// The SHA256_Init family is deprecated in OpenSSL 3 in favour of EVP, but EVP allocates a context
// per digest; for a few hundred bytes per CSV row that allocation costs more than the digest
// itself.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "hash/sha256.hpp"

#include <openssl/sha.h>

namespace mmdreg::detail {

sha256_digest sha256(std::initializer_list<std::span<const std::uint8_t>> parts) noexcept {
  SHA256_CTX context;
  SHA256_Init(&context);
  for (const auto part : parts)
    SHA256_Update(&context, part.data(), part.size());
  sha256_digest digest{};
  SHA256_Final(digest.data(), &context);
  return digest;
}

}  // namespace mmdreg::detail
