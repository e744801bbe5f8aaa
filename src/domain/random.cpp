#include "mmdreg/domain/random.hpp"

#include <random>

namespace mmdreg {

std::uint64_t random_source::below(std::uint64_t bound) {
  // Rejection sampling: drop the top partial block so every value is equally likely.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  std::uint64_t v = next();
  while (v >= limit)
    v = next();
  return v % bound;
}

std::uint64_t seeded_random::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

namespace {
std::uint64_t entropy_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}
}  // namespace

system_random::system_random() : inner_(entropy_seed()) {}

}  // namespace mmdreg
