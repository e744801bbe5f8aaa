#include <algorithm>
#include <utility>

#include "mmdreg/registry/storage.hpp"

namespace mmdreg::registry {
namespace {

template <class Row>
void upsert_by_id(std::vector<Row>& rows, const Row& row) {
  const std::size_t index = row.id - 1;
  if (rows.size() <= index) rows.resize(index + 1);
  rows[index] = row;
}

}  // namespace

memory_storage::memory_storage() {
  state_.strings.emplace_back();
}
memory_storage::memory_storage(snapshot initial) : state_(std::move(initial)) {
  if (state_.strings.empty()) state_.strings.emplace_back();
  audit_.assign(state_.audit.begin(), state_.audit.end());
  state_.audit = {};
}
memory_storage::~memory_storage() = default;

status memory_storage::commit(const change_set& batch) {
  std::lock_guard lock(mutex_);
  // Check everything that could refuse the batch before applying any of it.
  std::size_t next_string = state_.strings.size();
  for (const auto& s : batch.strings) {
    if (s.id != next_string++) {
      return error{errc::invalid_argument, "memory_storage: string id " + std::to_string(s.id) +
                                               " does not follow the stored table"};
    }
  }
  for (const auto& [id, row] : batch.devices) {
    if (id == 0 || id > state_.devices.size())
      return error{errc::invalid_argument,
                   "memory_storage: device " + std::to_string(id) + " is not stored"};
  }
  if (!batch.new_devices.empty() && batch.first_new_device != state_.devices.size() + 1) {
    return error{errc::invalid_argument,
                 "memory_storage: new devices start at " + std::to_string(batch.first_new_device) +
                     ", the store holds " + std::to_string(state_.devices.size())};
  }
  state_.meta = batch.meta;
  for (const auto& s : batch.strings)
    state_.strings.emplace_back(s.text);
  for (const auto& o : batch.organizations)
    upsert_by_id(state_.organizations, o);
  for (const auto& p : batch.partners)
    upsert_by_id(state_.partners, p);
  for (const auto& o : batch.oems)
    upsert_by_id(state_.oems, o);
  state_.catalogue.insert(state_.catalogue.end(), batch.catalogue.begin(), batch.catalogue.end());
  for (const auto& r : batch.requests) {
    if (state_.requests.size() < r.number) state_.requests.resize(r.number);
    state_.requests[r.number - 1] = r;
  }
  for (auto id : batch.finished_cohorts) {
    std::erase_if(state_.cohorts, [id](const cohort_row& c) { return c.id == id; });
  }
  for (const auto& c : batch.cohorts) {
    auto at = std::lower_bound(state_.cohorts.begin(), state_.cohorts.end(), c.id,
                               [](const cohort_row& a, std::uint32_t id) { return a.id < id; });
    if (at != state_.cohorts.end() && at->id == c.id)
      *at = c;
    else
      state_.cohorts.insert(at, c);
  }
  for (const auto& [id, row] : batch.devices)
    state_.devices[id - 1] = row;
  state_.devices.insert(state_.devices.end(), batch.new_devices.begin(), batch.new_devices.end());
  audit_.insert(audit_.end(), batch.audit.begin(), batch.audit.end());
  ++commits_;
  return {};
}

result<snapshot> memory_storage::load() const {
  std::lock_guard lock(mutex_);
  snapshot copy = state_;
  copy.audit.assign(audit_.begin(), audit_.end());
  return copy;
}

std::size_t memory_storage::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

}  // namespace mmdreg::registry
