// Fuzzes the CSV validator: the whole input as one buffer, then the same bytes fed in chunks whose
// size comes from the first input byte (and with two threads when its high bit is set). Both runs
// must report the same findings and counts; any difference aborts. The merge reads the input too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "mmdreg/csv/merge.hpp"
#include "mmdreg/csv/validator.hpp"

namespace {

struct observed {
  std::vector<std::string> findings;
  std::uint64_t rows = 0, accepted = 0, value_bytes = 0;
};

observed run(std::string_view text, std::size_t chunk, unsigned threads) {
  observed out;
  mmdreg::csv::validator v(
      {.threads = threads},
      [&](const mmdreg::diagnostic& d) {
        out.findings.push_back(std::string(mmdreg::rule_id(d.rule)) + "@" + std::to_string(d.line) +
                               ":" + d.column + ":" + d.message);
      },
      [&](const mmdreg::csv::row& r) {
        ++out.rows;
        out.accepted += r.accepted ? 1 : 0;
        for (auto f : r.fields)
          out.value_bytes += f.size();
        out.value_bytes += r.value(mmdreg::csv::column::hardware_hash).size();
      });
  if (chunk == 0) {
    v.feed(text);
  } else {
    for (std::size_t i = 0; i < text.size(); i += chunk)
      v.feed(text.substr(i, chunk));
  }
  const auto s = v.finish();
  if (s.rows != out.rows || s.accepted != out.accepted) std::abort();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = (data[0] & 0x7F) + 1;
  const unsigned threads = (data[0] & 0x80) != 0 ? 2 : 1;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto whole = run(text, 0, 1);
  const auto pieces = run(text, chunk, threads);
  if (whole.findings != pieces.findings || whole.rows != pieces.rows ||
      whole.accepted != pieces.accepted || whole.value_bytes != pieces.value_bytes)
    std::abort();

  const std::vector<mmdreg::csv::merge_source> sources{
      mmdreg::csv::merge_source::text("fuzz.csv", std::string(text))};
  const auto merged = mmdreg::csv::merge(sources);
  if (!merged.ok() || merged->rows_out() + merged->dropped.size() != merged->rows_in) std::abort();
  return 0;
}
