// Open-addressing tables keyed by 128-bit digests, for duplicate detection over files of any
// size: one flat array, no per-entry allocation, a few dozen bytes per distinct device. Internal.
#ifndef MMDREG_SRC_CSV_DIGEST_TABLE_HPP
#define MMDREG_SRC_CSV_DIGEST_TABLE_HPP

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace mmdreg::csv::detail {

/// A 128-bit key. Device identities are SHA-256 digests, so their first 16 bytes are already
/// uniformly spread; other keys come from mix128.
struct key128 {
  std::uint64_t lo = 0, hi = 0;
  bool operator==(const key128&) const = default;
};

inline std::uint64_t fmix64(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

/// A 128-bit non-cryptographic digest of a byte string (two independently seeded lanes).
inline key128 mix128(std::string_view s) noexcept {
  std::uint64_t a = 0x9e3779b97f4a7c15ULL ^ s.size(), b = 0x6a09e667f3bcc909ULL + s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    a = fmix64(a ^ w) + 0x632be59bd9b4e019ULL;
    b = fmix64(b + (w * 0x9e3779b97f4a7c15ULL)) ^ a;
  }
  std::uint64_t tail = 0;
  if (s.size() > i) std::memcpy(&tail, s.data() + i, s.size() - i);
  a = fmix64(a ^ tail ^ 0xa0761d6478bd642fULL);
  b = fmix64(b ^ tail ^ a);
  return {a, b};
}

/// Where a key is probed first: its bits are already uniformly spread (digests or mix128).
inline std::uint64_t spread(const key128& key) noexcept {
  return key.lo ^ (key.hi >> 7);
}
inline std::uint64_t spread(std::uint64_t key) noexcept {
  return key;
}

/// Maps a Key (key128 or a 64-bit digest) to a small payload and the (non-zero) line where the key
/// was first seen.
template <class Key, class Payload>
class digest_table {
 public:
  struct entry {
    Key key{};
    Payload payload{};
    std::uint64_t line = 0;  ///< 0 marks an empty slot: data lines are >= 2
  };

  /// The entry for `key`, inserting {key, payload, line} when absent. The bool says whether it was
  /// inserted. The pointer is valid until the next call.
  std::pair<entry*, bool> find_or_insert(const Key& key, const Payload& payload,
                                         std::uint64_t line) {
    if ((used_ + 1) * 4 > capacity_ * 3) grow();
    auto* e = probe(key);
    if (e->line != 0) return {e, false};
    *e = entry{key, payload, line};
    ++used_;
    return {e, true};
  }

  std::size_t size() const noexcept { return used_; }
  std::size_t capacity() const noexcept { return capacity_; }

  /// Makes room for `count` entries in all, so that inserting them needs no growth (each growth
  /// rehashes every entry and touches fresh memory). Slots no entry lands in are never touched.
  void reserve(std::size_t count) {
    std::size_t capacity = capacity_ == 0 ? 1024 : capacity_;
    while (count * 4 > capacity * 3)
      capacity *= 2;
    if (capacity != capacity_) rehash(capacity);
  }

  /// Starts loading the slot where `key` would be probed first, so that a later find_or_insert
  /// does not wait for memory. Has no other effect.
  void prefetch(const Key& key) const noexcept {
    if (capacity_ == 0) return;
    __builtin_prefetch(&slots_[home(key)]);
  }

 private:
  // Slots are probed at random, so on a large table nearly every probe is a TLB miss with 4 KiB
  // pages; tables of 2 MiB and more are mapped on their own, aligned for (and asking for) huge
  // pages, and unmapped when freed, so a table that grew gives its old memory back at once.
  static constexpr std::size_t huge_page = std::size_t{2} << 20;

  struct release {
    std::size_t bytes = 0;  // 0: from aligned_alloc
    void operator()(entry* p) const noexcept {
#if defined(__linux__)
      if (bytes != 0) {
        ::munmap(p, bytes);
        return;
      }
#endif
      std::free(p);
    }
  };
  static_assert(std::is_trivially_copyable_v<entry> && std::is_trivially_destructible_v<entry>,
                "slots are zero-filled memory and copied bytewise");
  using storage = std::unique_ptr<entry[], release>;

  static storage allocate(std::size_t count) {
    const std::size_t bytes = count * sizeof(entry);
#if defined(__linux__)
    if (bytes >= huge_page) {
      const std::size_t rounded = (bytes + huge_page - 1) / huge_page * huge_page;
      void* raw = ::mmap(nullptr, rounded + huge_page, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (raw == MAP_FAILED) throw std::bad_alloc();
      // Keep the 2 MiB-aligned part; give back the rest.
      const auto start = reinterpret_cast<std::uintptr_t>(raw);
      const auto aligned = (start + huge_page - 1) / huge_page * huge_page;
      if (aligned != start) ::munmap(raw, aligned - start);
      const auto tail = start + rounded + huge_page - (aligned + rounded);
      if (tail != 0) ::munmap(reinterpret_cast<void*>(aligned + rounded), tail);
#if defined(MADV_HUGEPAGE)
      ::madvise(reinterpret_cast<void*>(aligned), rounded, MADV_HUGEPAGE);
#endif
      // Anonymous memory is zero, which is an empty slot (line 0, key 0).
      return storage(reinterpret_cast<entry*>(aligned), release{rounded});
    }
#endif
    void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (p == nullptr) throw std::bad_alloc();
    auto* slots = static_cast<entry*>(p);
    for (std::size_t i = 0; i < count; ++i)
      new (&slots[i]) entry{};
    return storage(slots, release{});
  }

  entry* probe(const Key& key) noexcept {
    const std::size_t mask = capacity_ - 1;
    for (std::size_t i = home(key);; i = (i + 1) & mask) {
      auto& e = slots_[i];
      if (e.line == 0 || e.key == key) return &e;
    }
  }
  std::size_t home(const Key& key) const noexcept {
    return static_cast<std::size_t>(spread(key)) & (capacity_ - 1);
  }
  void grow() {
    rehash(capacity_ == 0 ? 1024 : capacity_ * 2);
  }
  void rehash(std::size_t capacity) {
    const std::size_t old_capacity = capacity_;
    storage old = std::move(slots_);
    capacity_ = capacity;
    slots_ = allocate(capacity_);
    for (std::size_t i = 0; i < old_capacity; ++i)
      if (old[i].line != 0) *probe(old[i].key) = old[i];
  }

  storage slots_;
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
};

}  // namespace mmdreg::csv::detail

#endif
