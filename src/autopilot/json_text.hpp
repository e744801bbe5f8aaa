// Internal JSON helpers shared by the payload writers and the session state: writing escaped
// strings into a buffer, and a simdjson On-Demand reading context that turns simdjson's errors into
// messages naming the byte offset and the JSON path. Internal.
#ifndef MMDREG_SRC_AUTOPILOT_JSON_TEXT_HPP
#define MMDREG_SRC_AUTOPILOT_JSON_TEXT_HPP

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mmdreg/autopilot/payloads.hpp"
#include "mmdreg/result.hpp"

namespace mmdreg::autopilot::detail {

/// The offset of the first byte that is not valid UTF-8, if any.
std::optional<std::size_t> invalid_utf8_offset(std::string_view text) noexcept;

/// Appends `text` as a JSON string literal. The caller has checked it is valid UTF-8.
void append_json_string(std::string& out, std::string_view text);

/// Appends `"key":"value"` (with a leading comma when `comma`), escaping both.
void append_member(std::string& out, bool comma, std::string_view key, std::string_view value);

/// Where an item sits in its document: `container[index]`, e.g. `$.value[3]`.
struct item_place {
  std::string_view container;
  std::size_t index = 0;
  std::string path(std::string_view member = {}) const;
};

/// An owned, padded copy of a document and a parser, reused across documents.
struct json_document_buffer {
  std::vector<char> bytes;
  simdjson::padded_string_view load(std::string_view text);
};

/// Reading state of one document: collects issues and remembers the first fatal error.
struct read_context {
  const char* base = nullptr;
  std::size_t size = 0;
  std::vector<json_issue>* issues = nullptr;
  simdjson::error_code fatal = simdjson::SUCCESS;
  std::size_t fatal_offset = 0;

  std::size_t offset_of(simdjson::ondemand::value& value) noexcept;
  /// Records a fatal simdjson error at the value (or the document end when it has no location).
  bool fail(simdjson::error_code code, std::size_t offset) noexcept;
  void issue(std::string path, std::size_t offset, std::string message);
  /// The error for a document that stopped on a fatal error.
  error fatal_error(std::string_view what) const;

  /// Reads a string or null (null gives ""). A value of another type is an issue and leaves `out`
  /// unchanged. Returns false only on a fatal error.
  bool read_string(simdjson::ondemand::value& value, std::string& out, const item_place& place,
                   std::string_view member);
  /// As read_string, into a view of the parser's string buffer (valid until the next document).
  bool read_string_view(simdjson::ondemand::value& value, std::string_view& out,
                        const item_place& place, std::string_view member);
  /// Reads an integer; a string of decimal digits is accepted too. Otherwise as read_string.
  bool read_integer(simdjson::ondemand::value& value, std::int64_t& out, const item_place& place,
                    std::string_view member);
  /// Reads a number or string as text (Partner Center codes come as either).
  bool read_scalar_text(simdjson::ondemand::value& value, std::string& out, const item_place& place,
                        std::string_view member);
};

/// The name of a JSON type for messages ("a number", "an array", ...).
std::string_view json_type_name(simdjson::ondemand::json_type type) noexcept;

}  // namespace mmdreg::autopilot::detail

#endif
