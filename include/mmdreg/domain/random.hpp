// The random source behind generated names and Request IDs, injectable so that simulations and
// tests are reproducible.
#ifndef MMDREG_DOMAIN_RANDOM_HPP
#define MMDREG_DOMAIN_RANDOM_HPP

#include <cstdint>

namespace mmdreg {

/// A source of uniformly distributed 64-bit values.
class random_source {
 public:
  virtual ~random_source() = default;
  virtual std::uint64_t next() = 0;

  /// A uniform value in [0, bound), without modulo bias. bound must be > 0.
  std::uint64_t below(std::uint64_t bound);
};

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same sequence
/// everywhere.
class seeded_random final : public random_source {
 public:
  explicit seeded_random(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() override;

 private:
  std::uint64_t state_;
};

/// Seeded from the operating system's entropy source: for production use.
class system_random final : public random_source {
 public:
  system_random();
  std::uint64_t next() override { return inner_.next(); }

 private:
  seeded_random inner_;
};

}  // namespace mmdreg

#endif
