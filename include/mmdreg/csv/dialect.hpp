// The four CSV dialects of an upload (spec section 2): their exact headers, which values each row
// needs, their upload limits, and recognising a dialect from a header line.
#ifndef MMDREG_CSV_DIALECT_HPP
#define MMDREG_CSV_DIALECT_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mmdreg::csv {

/// The dialects of spec section 2. Numeric values cross the C ABI.
enum class dialect : std::uint8_t {
  autopilot = 0,       ///< Intune import: serial, product id, hash [, group tag [, assigned user]]
  partner_center = 1,  ///< Partner Center: serial, product id, hash, manufacturer, model
  mmd_self = 2,        ///< MMD Devices blade: manufacturer, model, serial, hash
  mmd_partner = 3,     ///< MMD partner tuple: manufacturer, model, serial
};

/// The spec's dialect id: "autopilot", "partner-center", "mmd-self", "mmd-partner".
std::string_view dialect_id(dialect d) noexcept;

/// The dialect with that id (exact), if any.
std::optional<dialect> parse_dialect_id(std::string_view id) noexcept;

/// What a column holds, whatever its header spelling in a given dialect.
enum class column : std::uint8_t {
  serial_number = 0,  ///< "Device Serial Number" or "Serial Number"
  product_id = 1,     ///< "Windows Product ID"
  hardware_hash = 2,  ///< "Hardware Hash"
  group_tag = 3,      ///< "Group Tag"
  assigned_user = 4,  ///< "Assigned User"
  manufacturer = 5,   ///< "Manufacturer name" or "Manufacturer"
  model = 6,          ///< "Device model" or "Model"
};

/// Most columns any dialect has.
inline constexpr std::size_t max_columns = 5;

/// One exact header: a dialect with its column count (3, 4 or 5 for autopilot), the columns in
/// order and their header names.
struct layout {
  csv::dialect dialect = dialect::autopilot;
  std::uint8_t column_count = 0;
  std::array<column, max_columns> columns{};
  std::array<std::string_view, max_columns> names{};  ///< static storage, exact spelling

  /// The position of a column in this layout, if the layout has it.
  constexpr std::optional<std::size_t> index_of(column c) const noexcept {
    for (std::size_t i = 0; i < column_count; ++i)
      if (columns[i] == c) return i;
    return std::nullopt;
  }
  /// The header line, without line end: names joined by commas.
  std::string header() const;
  bool operator==(const layout& other) const noexcept {
    return dialect == other.dialect && column_count == other.column_count;
  }
};

/// Every exact header the service accepts: autopilot with 3, 4 and 5 columns, partner-center,
/// mmd-self, mmd-partner, in that order.
std::span<const layout> all_layouts() noexcept;

/// The layout of a dialect. `autopilot_columns` (3, 4 or 5) selects the autopilot variant and is
/// ignored for other dialects; other values give the 3-column variant.
const layout& layout_of(dialect d, std::size_t autopilot_columns = 3) noexcept;

/// The documented upload limit of a dialect: 500 (autopilot), 1000 (partner-center), none for the
/// MMD dialects.
std::optional<std::size_t> upload_limit(dialect d) noexcept;

/// Where a file is going, which decides the row limit checked by rule too-many-rows.
enum class upload_target : std::uint8_t {
  dialect_default = 0,  ///< the dialect's own limit (upload_limit)
  intune = 1,           ///< 500 rows
  partner_center = 2,   ///< 1000 rows
  none = 3,             ///< no limit
};

/// The row limit for a target and dialect; nullopt when there is none.
std::optional<std::size_t> row_limit(upload_target target, dialect d) noexcept;

/// How a header line compares with the known headers.
struct header_match {
  enum class kind : std::uint8_t {
    exact = 0,      ///< byte for byte one of all_layouts()
    case_only = 1,  ///< equal to one only when case is ignored (rule header-case)
    unknown = 2,    ///< equal to none (rule header-unknown)
  } outcome = kind::unknown;
  /// The matching layout, or for `unknown` the nearest one (fewest differing columns).
  const csv::layout* layout = nullptr;
  /// For case_only and unknown: what differs from `layout`, as a sentence naming the values.
  std::string difference;
};

/// Compares a header line (without line end) with the known headers. When `expected` is set only
/// that dialect's layouts are candidates, so another dialect's header is reported as unknown.
header_match match_header(std::string_view header_line,
                          std::optional<dialect> expected = std::nullopt);

}  // namespace mmdreg::csv

#endif
