// Measuring helpers shared by the benchmarks.
#ifndef MMDREG_BENCH_UTIL_HPP
#define MMDREG_BENCH_UTIL_HPP

#include <sys/resource.h>

#include <chrono>
#include <cstdio>

namespace mmdreg::bench {

/// Peak resident set size of this process so far, in MiB.
inline double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

/// Seconds elapsed since construction.
class stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace mmdreg::bench

#endif
