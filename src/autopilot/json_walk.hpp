// Internal templates for walking a simdjson On-Demand document: members of an object, elements of
// an array, and the root with its limits and trailing-content check. Internal.
#ifndef MMDREG_SRC_AUTOPILOT_JSON_WALK_HPP
#define MMDREG_SRC_AUTOPILOT_JSON_WALK_HPP

#include "autopilot/json_text.hpp"

namespace mmdreg::autopilot::detail {
namespace od = simdjson::ondemand;

// Runs `on_field(key, value)` over the members of an object value; non-objects are an issue.
// Returns false on a fatal error (recorded in the context).
template <class OnField>
bool for_each_member(read_context& context, od::value& value, const item_place& place,
                     std::string_view member, OnField&& on_field) {
  const std::size_t offset = context.offset_of(value);
  od::json_type type{};
  if (auto code = value.type().get(type); code) return context.fail(code, offset);
  if (type == od::json_type::null) return true;
  if (type != od::json_type::object) {
    context.issue(place.path(member), offset,
                  "expected an object, found " + std::string(json_type_name(type)));
    return true;
  }
  od::object object;
  if (auto code = value.get_object().get(object); code) return context.fail(code, offset);
  for (auto member_result : object) {
    od::field field;
    if (auto code = std::move(member_result).get(field); code) return context.fail(code, offset);
    // Keys without escapes (all that Graph and Partner Center send) are read in place; only a key
    // with a backslash is unescaped into the parser's buffer.
    const char* raw = field.key().raw();
    const char* end = raw;
    while (*end != '"' && *end != '\\')
      ++end;
    std::string_view key(raw, static_cast<std::size_t>(end - raw));
    if (*end == '\\')
      if (auto code = field.unescaped_key().get(key); code) return context.fail(code, offset);
    if (!on_field(key, field.value())) return false;
  }
  return true;
}

// Runs `on_item(index, value)` over the elements of an array value; non-arrays are an issue.
template <class OnItem>
bool for_each_element(read_context& context, od::value& value, std::string_view path,
                      std::size_t max_items, OnItem&& on_item) {
  const std::size_t offset = context.offset_of(value);
  od::json_type type{};
  if (auto code = value.type().get(type); code) return context.fail(code, offset);
  if (type != od::json_type::array) {
    context.issue(std::string(path), offset,
                  "expected an array, found " + std::string(json_type_name(type)));
    return true;
  }
  od::array array;
  if (auto code = value.get_array().get(array); code) return context.fail(code, offset);
  std::size_t index = 0;
  for (auto element_result : array) {
    od::value element;
    if (auto code = std::move(element_result).get(element); code) return context.fail(code, offset);
    if (index == max_items) {
      context.issue(std::string(path), offset,
                    "more than " + std::to_string(max_items) + " items; the rest is not read");
      return true;
    }
    if (!on_item(index, element)) return false;
    ++index;
  }
  return true;
}

// Parses `text` and hands the root object to `on_root(object_value)`. The error names the byte
// offset for malformed text, oversize documents and non-object roots.
template <class OnRoot>
result<bool> read_root(od::parser& parser, detail::json_document_buffer& buffer,
                       const json_limits& limits, std::string_view text,
                       std::vector<json_issue>& issues, std::string_view what, OnRoot&& on_root,
                       bool array_root_allowed = false) {
  if (text.size() > limits.max_document_bytes)
    return error{errc::invalid_argument, std::string(what) + " of " + std::to_string(text.size()) +
                                             " bytes exceeds the limit of " +
                                             std::to_string(limits.max_document_bytes) + " bytes"};
  const auto padded = buffer.load(text);
  read_context context{buffer.bytes.data(), text.size(), &issues};
  od::document document;
  if (auto code = parser.iterate(padded).get(document); code) {
    context.fail(code, 0);
    return context.fatal_error(what);
  }
  od::value root;
  od::json_type type{};
  if (auto code = document.type().get(type); code) {
    const char* location = nullptr;
    context.fail(code, document.current_location().get(location) == simdjson::SUCCESS
                           ? static_cast<std::size_t>(location - context.base)
                           : 0);
    return context.fatal_error(what);
  }
  if (type != od::json_type::object && !(array_root_allowed && type == od::json_type::array))
    return error{errc::invalid_argument,
                 std::string(what) +
                     (array_root_allowed ? " must be a JSON array or object, found "
                                         : " must be a JSON object, found ") +
                     std::string(json_type_name(type)) + " at byte 0"};
  if (auto code = document.get_value().get(root); code) {
    context.fail(code, 0);
    return context.fatal_error(what);
  }
  if (!on_root(context, root)) return context.fatal_error(what);
  // At the end of the document there is no location; anything else is trailing content.
  const char* trailing = nullptr;
  if (document.current_location().get(trailing) == simdjson::SUCCESS)
    return error{errc::invalid_argument,
                 std::string(what) + " is not valid JSON: unexpected content at byte " +
                     std::to_string(static_cast<std::size_t>(trailing - context.base))};
  return true;
}

}  // namespace mmdreg::autopilot::detail

#endif
