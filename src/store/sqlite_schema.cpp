#include "store/sqlite_schema.hpp"

#include <array>

namespace mmdreg::store::detail {
namespace {

// Version 1: the first registry file layout.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE meta (
  key INTEGER PRIMARY KEY CHECK (key = 1),
  start INTEGER NOT NULL,
  now INTEGER NOT NULL,
  jobs_ran_at INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  latencies BLOB NOT NULL
);
CREATE TABLE strings (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE organizations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  enabled_profiles INTEGER NOT NULL,
  naming_exception INTEGER NOT NULL,
  licensed INTEGER NOT NULL
);
CREATE TABLE partners (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE oems (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE organization_partners (
  organization INTEGER NOT NULL REFERENCES organizations(id),
  position INTEGER NOT NULL,
  partner INTEGER NOT NULL REFERENCES partners(id),
  PRIMARY KEY (organization, position)
) WITHOUT ROWID;
CREATE TABLE organization_oems (
  organization INTEGER NOT NULL REFERENCES organizations(id),
  position INTEGER NOT NULL,
  oem INTEGER NOT NULL REFERENCES oems(id),
  PRIMARY KEY (organization, position)
) WITHOUT ROWID;
CREATE TABLE catalogue (
  id INTEGER PRIMARY KEY,
  manufacturer TEXT NOT NULL,
  model TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  identity BLOB
);
CREATE TABLE requests (
  number INTEGER PRIMARY KEY,
  organization INTEGER NOT NULL REFERENCES organizations(id),
  by_kind INTEGER NOT NULL,
  by_id INTEGER NOT NULL,
  via INTEGER NOT NULL,
  profile INTEGER NOT NULL,
  shared INTEGER NOT NULL,
  order_id TEXT NOT NULL,
  purchase_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  accepted INTEGER NOT NULL
);
CREATE TABLE failures (
  request INTEGER NOT NULL REFERENCES requests(number),
  position INTEGER NOT NULL,
  line INTEGER NOT NULL,
  manufacturer TEXT NOT NULL,
  model TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  error INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  PRIMARY KEY (request, position)
) WITHOUT ROWID;
CREATE TABLE cohorts (id INTEGER PRIMARY KEY, next_step INTEGER NOT NULL, due INTEGER NOT NULL);
CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  organization INTEGER NOT NULL REFERENCES organizations(id),
  serial INTEGER NOT NULL,
  row BLOB NOT NULL
);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  device INTEGER NOT NULL REFERENCES devices(id),
  time INTEGER NOT NULL,
  entry BLOB NOT NULL
);
CREATE VIEW device_list AS
  SELECT d.id, d.organization, coalesce(s.text, '') AS serial_number
  FROM devices d LEFT JOIN strings s ON s.id = d.serial;
)sql";

// Version 2: supplier records carry the Windows Product ID (partner-center matches on it).
constexpr const char* kVersion2 = R"sql(
ALTER TABLE catalogue ADD COLUMN product_key_id TEXT NOT NULL DEFAULT '';
)sql";

constexpr std::array<migration, 2> kMigrations{{{1, kVersion1}, {2, kVersion2}}};

class writer {
 public:
  explicit writer(std::uint8_t* out) : out_(out) {}
  template <class T>
  void put(T value) {
    auto v = static_cast<std::uint64_t>(value);
    for (std::size_t i = 0; i < sizeof(T); ++i)
      *out_++ = static_cast<std::uint8_t>(v >> (8 * i));
  }
  void bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    out_ = std::copy(p, p + size, out_);
  }

 private:
  std::uint8_t* out_;
};

class reader {
 public:
  explicit reader(const std::uint8_t* in) : in_(in) {}
  template <class T>
  T get() {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      v |= static_cast<std::uint64_t>(*in_++) << (8 * i);
    return static_cast<T>(v);
  }
  template <class E>
  E get_enum() {
    return static_cast<E>(get<std::underlying_type_t<E>>());
  }
  void bytes(void* data, std::size_t size) {
    std::copy(in_, in_ + size, static_cast<std::uint8_t*>(data));
    in_ += size;
  }

 private:
  const std::uint8_t* in_;
};

template <class E>
auto raw(E e) {
  return static_cast<std::underlying_type_t<E>>(e);
}

}  // namespace

std::span<const migration> migrations() noexcept {
  return kMigrations;
}

void encode_device(const registry::device_row& row,
                   std::array<std::uint8_t, device_blob_size>& out) {
  writer w(out.data());
  w.bytes(row.identity.digest.data(), row.identity.digest.size());
  for (auto v : {row.organization, row.request, row.cohort, row.manufacturer, row.model, row.serial,
                 row.request_id, row.line})
    w.put(v);
  w.put(row.registered_at);
  w.put(row.last_activity);
  for (auto v : row.step_done)
    w.put(v);
  w.bytes(row.name.data(), row.name.size());
  w.put(row.name_length);
  w.put(row.groups);
  w.put(row.state);
  w.put(row.flags);
  w.put(raw(row.profile));
  w.put(row.ring);
  w.put(raw(row.ring_by));
  w.put(row.last_error);
  w.put(raw(row.via));
}

std::optional<registry::device_row> decode_device(std::span<const std::uint8_t> blob) {
  if (blob.size() != device_blob_size) return std::nullopt;
  registry::device_row row;
  reader r(blob.data());
  r.bytes(row.identity.digest.data(), row.identity.digest.size());
  for (auto* v : {&row.organization, &row.request, &row.cohort, &row.manufacturer, &row.model,
                  &row.serial, &row.request_id, &row.line})
    *v = r.get<std::uint32_t>();
  row.registered_at = r.get<std::int64_t>();
  row.last_activity = r.get<std::int64_t>();
  for (auto& v : row.step_done)
    v = r.get<std::uint32_t>();
  r.bytes(row.name.data(), row.name.size());
  row.name_length = r.get<std::uint8_t>();
  row.groups = r.get<std::uint16_t>();
  row.state = r.get<std::uint8_t>();
  row.flags = r.get<std::uint8_t>();
  row.profile = r.get_enum<device_profile>();
  row.ring = r.get<std::uint8_t>();
  row.ring_by = r.get_enum<registry::ring_source>();
  row.last_error = r.get<std::uint8_t>();
  row.via = r.get_enum<registry::channel>();
  return row;
}

void encode_audit(const registry::audit_entry& entry,
                  std::array<std::uint8_t, audit_blob_size>& out) {
  writer w(out.data());
  w.put(entry.by_id);
  w.put(raw(entry.by_kind));
  w.put(entry.from);
  w.put(entry.to);
  w.put(raw(entry.cause));
}

bool decode_audit(std::span<const std::uint8_t> blob, registry::audit_entry& entry) {
  if (blob.size() != audit_blob_size) return false;
  reader r(blob.data());
  entry.by_id = r.get<std::uint32_t>();
  entry.by_kind = r.get_enum<registry::actor_kind>();
  entry.from = r.get<std::uint8_t>();
  entry.to = r.get<std::uint8_t>();
  entry.cause = r.get_enum<registry::audit_cause>();
  return true;
}

void encode_latencies(const registry::workflow_latencies& latencies,
                      std::array<std::uint8_t, latencies_blob_size>& out) {
  writer w(out.data());
  for (auto v : latencies.seconds)
    w.put(v);
}

bool decode_latencies(std::span<const std::uint8_t> blob, registry::workflow_latencies& latencies) {
  if (blob.size() != latencies_blob_size) return false;
  reader r(blob.data());
  for (auto& v : latencies.seconds)
    v = r.get<std::uint32_t>();
  return true;
}

}  // namespace mmdreg::store::detail
