// Internal JSON helpers shared by the payload writers, the readers and the session state: UTF-8
// checks, writing escaped strings into a buffer, JSON paths and the padded document buffer.
// Internal. The On-Demand reading code lives in json_kernel_body.hpp.
#ifndef MMDREG_SRC_AUTOPILOT_JSON_TEXT_HPP
#define MMDREG_SRC_AUTOPILOT_JSON_TEXT_HPP

#include <cstddef>
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

/// An owned copy of a document followed by the zero padding simdjson reads past its end; reused
/// across documents.
struct json_document_buffer {
  std::vector<char> bytes;
  /// Copies `text` in; `bytes` then holds it and at least simdjson's padding after it.
  void load(std::string_view text);
};

}  // namespace mmdreg::autopilot::detail

#endif
