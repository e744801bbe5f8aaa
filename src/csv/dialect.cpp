#include "mmdreg/csv/dialect.hpp"

#include <algorithm>

#include "common/ascii.hpp"

namespace mmdreg::csv {
namespace {

using enum column;

constexpr std::string_view kDeviceSerial = "Device Serial Number";
constexpr std::string_view kProductId = "Windows Product ID";
constexpr std::string_view kHardwareHash = "Hardware Hash";

constexpr std::array<layout, 6> kLayouts{{
    {dialect::autopilot,
     3,
     {serial_number, product_id, hardware_hash},
     {kDeviceSerial, kProductId, kHardwareHash}},
    {dialect::autopilot,
     4,
     {serial_number, product_id, hardware_hash, group_tag},
     {kDeviceSerial, kProductId, kHardwareHash, "Group Tag"}},
    {dialect::autopilot,
     5,
     {serial_number, product_id, hardware_hash, group_tag, assigned_user},
     {kDeviceSerial, kProductId, kHardwareHash, "Group Tag", "Assigned User"}},
    {dialect::partner_center,
     5,
     {serial_number, product_id, hardware_hash, manufacturer, model},
     {kDeviceSerial, kProductId, kHardwareHash, "Manufacturer name", "Device model"}},
    {dialect::mmd_self,
     4,
     {manufacturer, model, serial_number, hardware_hash},
     {"Manufacturer", "Model", "Serial Number", kHardwareHash}},
    {dialect::mmd_partner,
     3,
     {manufacturer, model, serial_number},
     {"Manufacturer", "Model", "Serial Number"}},
}};

constexpr std::array<std::string_view, 4> kDialectIds{"autopilot", "partner-center", "mmd-self",
                                                      "mmd-partner"};

// Splits a header on commas into at most `limit` pieces; the count is the true number of fields.
struct header_fields {
  std::array<std::string_view, 16> values{};
  std::size_t count = 0;
};

header_fields split_header(std::string_view line) {
  header_fields out;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    const auto piece =
        line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
    if (out.count < out.values.size()) out.values[out.count] = piece;
    ++out.count;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

// How far a header is from a layout: differing positions (case ignored) plus the column-count gap.
std::size_t distance(const header_fields& h, const layout& l) {
  std::size_t d = h.count > l.column_count ? h.count - l.column_count : l.column_count - h.count;
  const auto common = std::min<std::size_t>({h.count, l.column_count, h.values.size()});
  for (std::size_t i = 0; i < common; ++i)
    if (!mmdreg::detail::equals_nocase(h.values[i], l.names[i])) ++d;
  return d;
}

std::string describe_difference(const header_fields& h, const layout& l, bool case_only) {
  std::string out;
  const auto common = std::min<std::size_t>({h.count, l.column_count, h.values.size()});
  for (std::size_t i = 0; i < common; ++i) {
    const bool differs = case_only ? h.values[i] != l.names[i]
                                   : !mmdreg::detail::equals_nocase(h.values[i], l.names[i]);
    if (!differs) continue;
    if (!out.empty()) out += "; ";
    out += "column " + std::to_string(i + 1) + " is " + quoted(h.values[i]) + ", expected " +
           quoted(l.names[i]);
  }
  if (h.count != l.column_count) {
    if (!out.empty()) out += "; ";
    out += "the header has " + std::to_string(h.count) + " columns, expected " +
           std::to_string(l.column_count);
    if (h.count > l.column_count && l.column_count < h.values.size())
      out += " (first extra column " + quoted(h.values[l.column_count]) + ")";
    else if (h.count < l.column_count)
      out += " (missing " + quoted(l.names[h.count]) + ")";
  }
  return out;
}

}  // namespace

std::string_view dialect_id(dialect d) noexcept {
  return kDialectIds[static_cast<std::size_t>(d) & 3U];
}

std::optional<dialect> parse_dialect_id(std::string_view id) noexcept {
  for (std::size_t i = 0; i < kDialectIds.size(); ++i)
    if (kDialectIds[i] == id) return static_cast<dialect>(i);
  return std::nullopt;
}

std::string layout::header() const {
  std::string out;
  for (std::size_t i = 0; i < column_count; ++i) {
    if (i != 0) out += ',';
    out += names[i];
  }
  return out;
}

std::span<const layout> all_layouts() noexcept {
  return kLayouts;
}

const layout& layout_of(dialect d, std::size_t autopilot_columns) noexcept {
  switch (d) {
    case dialect::autopilot:
      return kLayouts[autopilot_columns == 4 ? 1 : autopilot_columns == 5 ? 2 : 0];
    case dialect::partner_center:
      return kLayouts[3];
    case dialect::mmd_self:
      return kLayouts[4];
    case dialect::mmd_partner:
      return kLayouts[5];
  }
  return kLayouts[0];
}

std::optional<std::size_t> upload_limit(dialect d) noexcept {
  switch (d) {
    case dialect::autopilot:
      return 500;
    case dialect::partner_center:
      return 1000;
    default:
      return std::nullopt;
  }
}

std::optional<std::size_t> row_limit(upload_target target, dialect d) noexcept {
  switch (target) {
    case upload_target::intune:
      return 500;
    case upload_target::partner_center:
      return 1000;
    case upload_target::none:
      return std::nullopt;
    case upload_target::dialect_default:
      break;
  }
  return upload_limit(d);
}

header_match match_header(std::string_view header_line, std::optional<dialect> expected) {
  const auto fields = split_header(header_line);
  header_match best;
  std::size_t best_distance = static_cast<std::size_t>(-1);
  for (const auto& l : kLayouts) {
    if (expected && l.dialect != *expected) continue;
    if (fields.count == l.column_count) {
      bool exact = true;
      for (std::size_t i = 0; i < l.column_count && exact; ++i)
        exact = fields.values[i] == l.names[i];
      if (exact) return {header_match::kind::exact, &l, {}};
    }
    const auto d = distance(fields, l);
    // Ties go to the layout with the column count of the header: a renamed column is a nearer
    // miss than a missing one.
    if (d < best_distance || (d == best_distance && fields.count == l.column_count)) {
      best_distance = d;
      best.layout = &l;
    }
  }
  if (best_distance == 0) {
    best.outcome = header_match::kind::case_only;
    best.difference = describe_difference(fields, *best.layout, true);
  } else {
    best.outcome = header_match::kind::unknown;
    best.difference = describe_difference(fields, *best.layout, false);
  }
  return best;
}

}  // namespace mmdreg::csv
