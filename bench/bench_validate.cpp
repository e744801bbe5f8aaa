// Validation throughput on one large autopilot CSV: the memory-speed floor (a newline count over
// the same bytes, read from the page cache the same way), then the validator with one and two
// threads. Each figure is the best of a few runs (the machine may be shared).
//
// Usage: bench_validate FILE [BASELINE_BYTES BASELINE_COMMAND]
// BASELINE_COMMAND (a shell command: the Python baseline, see bench/validate.sh) validates
// BASELINE_BYTES bytes; it is timed in turn with the one-thread runs, so that both sides are
// measured under the same load, and the ratio compares per-byte rates. Prints its figures, the last
// line as `validate mb_per_s=... rows_per_s=... x_python=... of_newline_count=... peak_mib=...`.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "bench_util.hpp"
#include "mmdreg/csv/validator.hpp"

namespace {

struct newline_count {
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
};

newline_count count_newlines(const char* path) {
  newline_count out;
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return out;
  constexpr std::size_t chunk = std::size_t{1} << 20;
  std::unique_ptr<char[]> buffer(new char[chunk]);
  while (true) {
    const auto n = std::fread(buffer.get(), 1, chunk, f);
    out.bytes += n;
    const char* p = buffer.get();
    const char* end = p + n;
    while (p < end) {
      const auto* nl =
          static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (nl == nullptr) break;
      ++out.lines;
      p = nl + 1;
    }
    if (n < chunk) break;
  }
  std::fclose(f);
  return out;
}

struct run_figures {
  mmdreg::csv::summary summary;
  double seconds = 0;
  double cpu_seconds = 0;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Keeps the best of several runs: the machine may be shared, and the fastest run is the one least
// disturbed by other work. cpu_seconds is that run's processor time (all threads).
void validate_once(const char* path, unsigned threads, run_figures& best, bool first) {
  const double cpu_start = cpu_seconds();
  mmdreg::bench::stopwatch clock;
  auto s = mmdreg::csv::validate_file(path, {.threads = threads}, [](const mmdreg::diagnostic&) {});
  const double seconds = clock.seconds();
  if (!s) {
    std::fprintf(stderr, "bench_validate: %s\n", s.err().message.c_str());
    std::exit(1);
  }
  if (first || seconds < best.seconds) {
    best.seconds = seconds;
    best.cpu_seconds = cpu_seconds() - cpu_start;
    best.summary = *s;
  }
}

// Runs the baseline command once; its wall time (the fastest so far kept in `best`) and output.
void baseline_once(const std::string& command, double& best, std::string& output) {
  mmdreg::bench::stopwatch clock;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    std::fprintf(stderr, "bench_validate: cannot run the baseline: %s\n", command.c_str());
    std::exit(1);
  }
  output.clear();
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
    output += buffer;
  const int status = ::pclose(pipe);
  const double seconds = clock.seconds();
  if (status != 0) {
    std::fprintf(stderr, "bench_validate: the baseline failed (status %d): %s\n", status,
                 command.c_str());
    std::exit(1);
  }
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r'))
    output.pop_back();
  if (best == 0 || seconds < best) best = seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::fprintf(stderr, "usage: bench_validate FILE [BASELINE_BYTES BASELINE_COMMAND]\n");
    return 2;
  }
  const char* path = argv[1];
  const double python_bytes = argc == 4 ? std::atof(argv[2]) : 0.0;
  const std::string python_command = argc == 4 ? argv[3] : "";
  const double mb = 1e6;

  // Warm the page cache so that every measurement below reads from memory alike.
  count_newlines(path);
  newline_count floor;
  double floor_seconds = 0;
  for (int i = 0; i < 3; ++i) {
    mmdreg::bench::stopwatch floor_clock;
    floor = count_newlines(path);
    const double seconds = floor_clock.seconds();
    if (i == 0 || seconds < floor_seconds) floor_seconds = seconds;
  }
  const double bytes = static_cast<double>(floor.bytes);
  std::printf("file: %s, %.1f MB, %llu lines\n", path, bytes / mb,
              static_cast<unsigned long long>(floor.lines));
  std::printf("newline count: %.3f s, %.0f MB/s\n", floor_seconds, bytes / mb / floor_seconds);

  // One thread, in turn with the baseline: each side keeps its best of three. After each
  // baseline run (some 25 s on 1 GB, which leaves caches and memory in its own state) a first,
  // untimed run warms up again, as the newline count did before the first round.
  run_figures one;
  run_figures warm_up;
  double python_seconds = 0;
  std::string python_output;
  for (int i = 0; i < 3; ++i) {
    if (!python_command.empty()) {
      baseline_once(python_command, python_seconds, python_output);
      validate_once(path, 1, warm_up, true);
    }
    validate_once(path, 1, one, i == 0);
  }
  // The baseline runs in a child process, which this process's peak does not count.
  const double peak = mmdreg::bench::peak_rss_mib();
  run_figures two;
  for (int i = 0; i < 2; ++i)
    validate_once(path, 2, two, i == 0);
  const double one_rate = bytes / mb / one.seconds;
  const double rows_rate = static_cast<double>(one.summary.rows) / one.seconds;
  std::printf(
      "1 thread : %.3f s, %.0f MB/s, %.0f rows/s, rows=%llu accepted=%llu rejected=%llu "
      "errors=%llu warnings=%llu\n",
      one.seconds, one_rate, rows_rate, static_cast<unsigned long long>(one.summary.rows),
      static_cast<unsigned long long>(one.summary.accepted),
      static_cast<unsigned long long>(one.summary.rejected),
      static_cast<unsigned long long>(one.summary.errors),
      static_cast<unsigned long long>(one.summary.warnings));
  std::printf("1 thread : %.3f s of processor time, %.0f MB per processor-second\n",
              one.cpu_seconds, bytes / mb / one.cpu_seconds);
  std::printf(
      "2 threads: %.3f s, %.0f MB/s, %.0f rows/s, rejected=%llu (%s the 1-thread run)\n",
      two.seconds, bytes / mb / two.seconds, static_cast<double>(two.summary.rows) / two.seconds,
      static_cast<unsigned long long>(two.summary.rejected),
      two.summary.rejected == one.summary.rejected && two.summary.errors == one.summary.errors &&
              two.summary.warnings == one.summary.warnings
          ? "same counts as"
          : "DIFFERENT counts from");
  std::printf("2 threads: %.3f s of processor time\n", two.cpu_seconds);
  std::printf("peak RSS after the 1-thread run: %.1f MiB; after both: %.1f MiB\n", peak,
              mmdreg::bench::peak_rss_mib());

  double x_python = 0;
  if (python_seconds > 0 && python_bytes > 0) {
    const double python_rate = python_bytes / mb / python_seconds;
    x_python = one_rate / python_rate;
    std::printf("python baseline: %s; best of 3: %.1f MB/s (%.1f MB in %.2f s)\n",
                python_output.c_str(), python_rate, python_bytes / mb, python_seconds);
  }
  std::printf(
      "validate mb_per_s=%.0f rows_per_s=%.0f x_python=%.1f of_newline_count=%.3f "
      "peak_mib=%.1f\n",
      one_rate, rows_rate, x_python, floor_seconds / one.seconds, peak);
  return 0;
}
