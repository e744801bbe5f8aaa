// The On-Demand JSON readers, compiled once per kernel (see json_kernel.hpp): included by
// json_kernel_portable.cpp and json_kernel_avx2.cpp after <simdjson.h>, with MMDREG_JSON_KERNEL
// naming the kernel's namespace. Everything here has internal linkage except the kernel's table:
// the kernel TUs must define nothing the linker could share with the rest of the library. Do not
// include this file anywhere else. Internal.
// MMDREG_JSON_KERNEL_ENTRY marks the entry points (attributes the kernel wants on them).
#ifndef MMDREG_JSON_KERNEL
#error "json_kernel_body.hpp is included only by the json_kernel_*.cpp translation units"
#endif

namespace mmdreg::autopilot::detail::MMDREG_JSON_KERNEL {
namespace {
namespace od = simdjson::ondemand;

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

std::size_t read_context::offset_of(od::value& value) noexcept {
  const char* location = nullptr;
  if (value.current_location().get(location) != simdjson::SUCCESS || location < base) return size;
  return static_cast<std::size_t>(location - base);
}

bool read_context::fail(simdjson::error_code code, std::size_t offset) noexcept {
  if (fatal == simdjson::SUCCESS) {
    fatal = code;
    fatal_offset = offset > size ? size : offset;
  }
  return false;
}

void read_context::issue(std::string path, std::size_t offset, std::string message) {
  issues->push_back({std::move(path), offset, std::move(message)});
}

error read_context::fatal_error(std::string_view what) const {
  return {errc::invalid_argument, std::string(what) + " is not valid JSON near byte " +
                                      std::to_string(fatal_offset) + ": " +
                                      simdjson::error_message(fatal)};
}

std::string_view json_type_name(od::json_type type) noexcept {
  switch (type) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "an unknown value";
}

// Errors that leave the On-Demand iterator usable: the value is simply not of the asked type.
bool recoverable(simdjson::error_code code) noexcept {
  return code == simdjson::INCORRECT_TYPE || code == simdjson::NUMBER_OUT_OF_RANGE ||
         code == simdjson::NUMBER_ERROR;
}

bool is_json_space(char c) noexcept {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Whether `text`, a value or key inside the padded document buffer, holds a backslash. The avx2
// kernel tests 32 bytes at a time and may read up to 31 bytes past the end, inside the padding
// (SIMDJSON_PADDING is 64 bytes); the portable kernel asks memchr.
bool has_backslash(std::string_view text) noexcept {
#ifdef MMDREG_JSON_KERNEL_AVX2
  const __m256i backslash = _mm256_set1_epi8('\\');
  for (std::size_t i = 0; i < text.size(); i += 32) {
    const __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(text.data() + i));
    auto found =
        static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, backslash)));
    if (text.size() - i < 32) found &= (std::uint32_t{1} << (text.size() - i)) - 1;
    if (found != 0) return true;
  }
  return false;
#else
  return text.find('\\') != std::string_view::npos;
#endif
}

// A string without escapes (nearly every string the services send) is taken in place from the
// document copy: it ends before the next structural character, which simdjson's index already
// gives, so it is neither scanned for its end nor copied. Anything else (escapes, other types)
// returns false and goes through simdjson's decoder, which would give the same bytes here.
bool in_place_string(od::value& value, std::string_view& out) noexcept {
  std::string_view token = value.raw_json_token();
  if (token.empty() || token.front() != '"') return false;
  while (token.size() > 1 && is_json_space(token.back()))
    token.remove_suffix(1);
  if (token.size() < 2 || token.back() != '"') return false;
  token = token.substr(1, token.size() - 2);
  if (has_backslash(token)) return false;
  out = token;
  return true;
}

// The member name in place when it has no escapes: it ends at the quote before the ':' that
// precedes the value, found backwards from the value's position in simdjson's index.
bool in_place_key(od::field& field, std::string_view& key) noexcept {
  const char* start = field.key().raw();
  const char* end = field.value().raw_json_token().data();
  while (end > start && is_json_space(end[-1]))
    --end;
  if (end <= start || end[-1] != ':') return false;
  --end;
  while (end > start && is_json_space(end[-1]))
    --end;
  if (end <= start || end[-1] != '"') return false;
  --end;
  key = std::string_view(start, static_cast<std::size_t>(end - start));
  return !has_backslash(key);
}

bool read_context::read_string_view(od::value& value, std::string_view& out,
                                    const item_place& place, std::string_view member) {
  // The common case first: no call into simdjson's string decoder, no type probe.
  if (in_place_string(value, out)) return true;
  std::string_view text;
  const auto code = value.get_string().get(text);
  if (code == simdjson::SUCCESS) {
    out = text;
    return true;
  }
  const std::size_t offset = offset_of(value);
  if (code != simdjson::INCORRECT_TYPE) return fail(code, offset);
  od::json_type type{};
  if (auto type_code = value.type().get(type); type_code) return fail(type_code, offset);
  if (type == od::json_type::null) {
    out = {};
    return true;
  }
  issue(place.path(member), offset,
        "expected a string, found " + std::string(json_type_name(type)));
  return true;
}

bool read_context::read_string(od::value& value, std::string& out, const item_place& place,
                               std::string_view member) {
  std::string_view text = out;
  if (!read_string_view(value, text, place, member)) return false;
  if (text.data() != out.data()) out.assign(text);
  return true;
}

bool read_context::read_integer(od::value& value, std::int64_t& out, const item_place& place,
                                std::string_view member) {
  const std::size_t offset = offset_of(value);
  od::json_type type{};
  if (auto code = value.type().get(type); code) return fail(code, offset);
  if (type == od::json_type::null) {
    out = 0;
    return true;
  }
  if (type == od::json_type::string) {
    std::string_view text;
    if (auto code = value.get_string().get(text); code) return fail(code, offset);
    std::int64_t parsed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
      issue(place.path(member), offset,
            "expected an integer, found the string \"" + std::string(text.substr(0, 64)) + "\"");
      return true;
    }
    out = parsed;
    return true;
  }
  if (type != od::json_type::number) {
    issue(place.path(member), offset,
          "expected an integer, found " + std::string(json_type_name(type)));
    return true;
  }
  std::int64_t number = 0;
  if (auto code = value.get_int64().get(number); code) {
    if (!recoverable(code)) return fail(code, offset);
    issue(place.path(member), offset, "expected an integer in the 64-bit range");
    return true;
  }
  out = number;
  return true;
}

bool read_context::read_scalar_text(od::value& value, std::string& out, const item_place& place,
                                    std::string_view member) {
  const std::size_t offset = offset_of(value);
  od::json_type type{};
  if (auto code = value.type().get(type); code) return fail(code, offset);
  if (type == od::json_type::number) {
    std::string_view token = value.raw_json_token();
    double checked = 0;
    if (auto code = value.get_double().get(checked); code) {
      if (!recoverable(code)) return fail(code, offset);
      issue(place.path(member), offset, "expected a number, found a malformed one");
      return true;
    }
    while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                              token.back() == '\t'))
      token.remove_suffix(1);
    out.assign(token);
    return true;
  }
  return read_string(value, out, place, member);
}

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
    // The field is used in place: default-constructing one would instantiate std::pair's
    // constructor (defined for plain x86-64) over simdjson's always-inline AVX2 constructors.
    if (auto code = member_result.error(); code) return context.fail(code, offset);
    od::field& field = member_result.value_unsafe();
    // Keys without escapes (all that Graph and Partner Center send) are read in place; only a key
    // with a backslash (or an unusual layout) is unescaped into the parser's buffer.
    std::string_view key;
    if (!in_place_key(field, key))
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
result<bool> read_root(od::parser& parser, json_document_buffer& buffer, const json_limits& limits,
                       std::string_view text, std::vector<json_issue>& issues,
                       std::string_view what, OnRoot&& on_root, bool array_root_allowed = false) {
  if (text.size() > limits.max_document_bytes)
    return error{errc::invalid_argument, std::string(what) + " of " + std::to_string(text.size()) +
                                             " bytes exceeds the limit of " +
                                             std::to_string(limits.max_document_bytes) + " bytes"};
  buffer.load(text);
  // A UTF-8 byte order mark, which Windows tools put before a saved file, is read as the
  // whitespace it stands for (RFC 8259 8.1 lets a parser ignore it); byte offsets stay those of
  // the caller's text.
  // (memset, not an inline template: nothing instantiated here may be shared with other objects.)
  if (text.starts_with("\xEF\xBB\xBF")) std::memset(buffer.bytes.data(), ' ', 3);
  const simdjson::padded_string_view padded(buffer.bytes.data(), text.size(), buffer.bytes.size());
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

// Payload readers.

constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

// The kernel's parser behind the opaque handle.
od::parser& parser_of(json_parser_handle& handle) noexcept {
  return *reinterpret_cast<od::parser*>(&handle);
}

json_parser_handle* create_parser(std::size_t max_document_bytes) {
  return reinterpret_cast<json_parser_handle*>(new od::parser(max_document_bytes));
}

void destroy_parser(json_parser_handle* handle) noexcept {
  delete reinterpret_cast<od::parser*>(handle);
}

bool read_state(read_context& context, od::value& value, imported_device_identity& item,
                const item_place& place) {
  return for_each_member(context, value, place, "state", [&](std::string_view key, od::value& v) {
    if (key == "deviceImportStatus") {
      if (!context.read_string(v, item.status_text, place, "state.deviceImportStatus"))
        return false;
      item.status = parse_import_status(item.status_text);
      return true;
    }
    if (key == "deviceRegistrationId")
      return context.read_string(v, item.device_registration_id, place,
                                 "state.deviceRegistrationId");
    if (key == "deviceErrorCode")
      return context.read_integer(v, item.device_error_code, place, "state.deviceErrorCode");
    if (key == "deviceErrorName")
      return context.read_string(v, item.device_error_name, place, "state.deviceErrorName");
    return true;
  });
}

// One member of an importedWindowsAutopilotDeviceIdentity.
bool read_imported_member(read_context& context, std::string_view key, od::value& v,
                          imported_device_identity& item, const item_place& place) {
  if (key == "id") return context.read_string(v, item.id, place, key);
  if (key == "serialNumber") return context.read_string(v, item.serial_number, place, key);
  if (key == "productKey") return context.read_string(v, item.product_key, place, key);
  if (key == "hardwareIdentifier")
    return context.read_string(v, item.hardware_identifier, place, key);
  if (key == "groupTag") return context.read_string(v, item.group_tag, place, key);
  if (key == "assignedUserPrincipalName")
    return context.read_string(v, item.assigned_user_principal_name, place, key);
  if (key == "importId") return context.read_string(v, item.import_id, place, key);
  if (key == "state") return read_state(context, v, item, place);
  return true;
}

bool read_imported_item(read_context& context, od::value& value, const item_place& place,
                        std::vector<imported_device_identity>& out) {
  imported_device_identity item;
  const std::size_t offset = context.offset_of(value);
  const std::size_t issues_before = context.issues->size();
  bool was_object = true;
  {
    od::json_type type{};
    if (auto code = value.type().get(type); code) return context.fail(code, offset);
    was_object = type == od::json_type::object;
  }
  if (!for_each_member(context, value, place, {}, [&](std::string_view key, od::value& v) {
        return read_imported_member(context, key, v, item, place);
      }))
    return false;
  if (!was_object) return true;
  if (item.id.empty()) {
    if (context.issues->size() == issues_before)
      context.issue(place.path("id"), offset, "the record has no id; it is left out");
    return true;
  }
  out.push_back(std::move(item));
  return true;
}

const autopilot_member* find_autopilot_member(std::string_view key) noexcept {
  if (key.empty()) return nullptr;
  const auto index = kAutopilotMemberTable[autopilot_member_slot(key)];
  if (index < 0 || kAutopilotMembers[static_cast<std::size_t>(index)].name != key) return nullptr;
  return &kAutopilotMembers[static_cast<std::size_t>(index)];
}

bool read_autopilot_item(read_context& context, od::value& value, const item_place& place,
                         const std::function<void(const autopilot_device_view&)>& on_device) {
  autopilot_device_view item;
  const std::size_t offset = context.offset_of(value);
  od::json_type type{};
  if (auto code = value.type().get(type); code) return context.fail(code, offset);
  const std::size_t issues_before = context.issues->size();
  if (!for_each_member(context, value, place, {}, [&](std::string_view key, od::value& v) {
        const auto* member = find_autopilot_member(key);
        return member == nullptr || context.read_string_view(v, item.*member->view, place, key);
      }))
    return false;
  if (type != od::json_type::object) return true;
  if (item.id.empty()) {
    if (context.issues->size() == issues_before)
      context.issue(place.path("id"), offset, "the device has no id; it is left out");
    return true;
  }
  on_device(item);
  return true;
}

bool read_device(read_context& context, od::value& value, const item_place& place,
                 json_device_list& list) {
  json_device device;
  device.path = place.path();
  device.offset = context.offset_of(value);
  od::json_type type{};
  if (auto code = value.type().get(type); code) return context.fail(code, device.offset);
  if (type != od::json_type::object) {
    context.issue(device.path, device.offset,
                  "expected a device object, found " + std::string(json_type_name(type)));
    return true;
  }
  const std::size_t issues_before = context.issues->size();
  const bool read =
      for_each_member(context, value, place, {}, [&](std::string_view key, od::value& v) {
        for (const auto& slot : kDeviceMembers)
          if (slot.name == key)
            return context.read_string(v, device.record.*slot.field, place, key);
        return true;
      });
  if (!read) return false;
  device.rejected = context.issues->size() != issues_before;
  list.devices.push_back(std::move(device));
  return true;
}

MMDREG_JSON_KERNEL_ENTRY result<imported_identity_page> read_imported_identities(
    json_parser_handle& handle, json_document_buffer& buffer, const json_limits& limits,
    std::string_view json) {
  od::parser& parser = parser_of(handle);
  imported_identity_page page;
  imported_device_identity single;
  bool saw_collection = false;
  const item_place root_place{"$", kNoIndex};
  auto outcome = read_root(
      parser, buffer, limits, json, page.issues,
      "the importedWindowsAutopilotDeviceIdentity response",
      [&](read_context& context, od::value& root) {
        return for_each_member(
            context, root, root_place, {}, [&](std::string_view key, od::value& v) {
              if (key == "value") {
                saw_collection = true;
                return for_each_element(
                    context, v, "$.value", limits.max_items,
                    [&](std::size_t index, od::value& element) {
                      return read_imported_item(context, element, {"$.value", index}, page.items);
                    });
              }
              if (key == "@odata.nextLink")
                return context.read_string(v, page.next_link, root_place, key);
              return read_imported_member(context, key, v, single, root_place);
            });
      });
  if (!outcome) return outcome.err();
  if (!saw_collection) {
    if (single.id.empty())
      return error{errc::invalid_argument,
                   "the importedWindowsAutopilotDeviceIdentity response has neither a \"value\" "
                   "array nor an \"id\": it is not a collection or a record"};
    page.items.push_back(std::move(single));
  }
  return page;
}

MMDREG_JSON_KERNEL_ENTRY result<std::string> for_each_autopilot_device(
    json_parser_handle& handle, json_document_buffer& buffer, const json_limits& limits,
    std::string_view json, const std::function<void(const autopilot_device_view&)>& on_device,
    std::vector<json_issue>& issues) {
  od::parser& parser = parser_of(handle);
  std::string next_link;
  bool saw_collection = false;
  const item_place root_place{"$", kNoIndex};
  auto outcome = read_root(
      parser, buffer, limits, json, issues, "the windowsAutopilotDeviceIdentity page",
      [&](read_context& context, od::value& root) {
        return for_each_member(
            context, root, root_place, {}, [&](std::string_view key, od::value& v) {
              if (key == "value") {
                saw_collection = true;
                return for_each_element(
                    context, v, "$.value", limits.max_items,
                    [&](std::size_t index, od::value& element) {
                      return read_autopilot_item(context, element, {"$.value", index}, on_device);
                    });
              }
              if (key == "@odata.nextLink")
                return context.read_string(v, next_link, root_place, key);
              return true;
            });
      });
  if (!outcome) return outcome.err();
  if (!saw_collection)
    return error{errc::invalid_argument,
                 "the windowsAutopilotDeviceIdentity page has no \"value\" array"};
  return next_link;
}

MMDREG_JSON_KERNEL_ENTRY result<batch_upload_details> read_batch_status(
    json_parser_handle& handle, json_document_buffer& buffer, const json_limits& limits,
    std::string_view json) {
  od::parser& parser = parser_of(handle);
  batch_upload_details details;
  bool saw_status = false;
  const item_place root_place{"$", kNoIndex};
  auto outcome = read_root(
      parser, buffer, limits, json, details.issues, "the Partner Center batch status",
      [&](read_context& context, od::value& root) {
        return for_each_member(
            context, root, root_place, {}, [&](std::string_view key, od::value& v) {
              if (key == "batchTrackingId")
                return context.read_string(v, details.batch_tracking_id, root_place, key);
              if (key == "status") {
                saw_status = true;
                if (!context.read_string(v, details.status_text, root_place, key)) return false;
                details.status = parse_batch_status(details.status_text);
                return true;
              }
              if (key == "startedTime")
                return context.read_string(v, details.started_time, root_place, key);
              if (key == "completedTime")
                return context.read_string(v, details.completed_time, root_place, key);
              if (key != "devicesStatus") return true;
              return for_each_element(
                  context, v, "$.devicesStatus", limits.max_items,
                  [&](std::size_t index, od::value& element) {
                    const item_place place{"$.devicesStatus", index};
                    device_upload_details device;
                    const bool read = for_each_member(
                        context, element, place, {}, [&](std::string_view name, od::value& field) {
                          if (name == "deviceId")
                            return context.read_string(field, device.device_id, place, name);
                          if (name == "serialNumber")
                            return context.read_string(field, device.serial_number, place, name);
                          if (name == "productKey")
                            return context.read_string(field, device.product_key, place, name);
                          if (name == "status") {
                            if (!context.read_string(field, device.status_text, place, name))
                              return false;
                            device.status = parse_batch_status(device.status_text);
                            return true;
                          }
                          if (name == "errorCode")
                            return context.read_scalar_text(field, device.error_code, place, name);
                          if (name == "errorDescription")
                            return context.read_string(field, device.error_description, place,
                                                       name);
                          return true;
                        });
                    if (!read) return false;
                    if (!device.error_code.empty() || !device.error_description.empty()) {
                      std::int64_t code = 0;
                      for (const char c : device.error_code) {
                        if (c < '0' || c > '9' || code > 1'000'000'000) {
                          code = 0;
                          break;
                        }
                        code = code * 10 + (c - '0');
                      }
                      // Partner Center sends either the number or the name in errorCode.
                      device.error = classify_service_error(
                          code,
                          code == 0 ? std::string_view(device.error_code) : std::string_view{});
                    }
                    details.devices.push_back(std::move(device));
                    return true;
                  });
            });
      });
  if (!outcome) return outcome.err();
  if (!saw_status)
    return error{errc::invalid_argument, "the Partner Center batch status has no \"status\""};
  if (details.status == batch_status::unrecognized)
    details.issues.push_back({"$.status", 0,
                              "unrecognized batch status \"" + details.status_text.substr(0, 64) +
                                  "\"; treated as still in progress"});
  return details;
}

MMDREG_JSON_KERNEL_ENTRY std::optional<std::pair<std::string, std::string>> read_graph_error(
    json_parser_handle& handle, json_document_buffer& buffer, const json_limits& limits,
    std::string_view json) {
  od::parser& parser = parser_of(handle);
  std::vector<json_issue> issues;
  std::string code, message;
  bool saw_error = false;
  const item_place root_place{"$", kNoIndex};
  auto outcome =
      read_root(parser, buffer, limits, json, issues, "the error body",
                [&](read_context& context, od::value& root) {
                  return for_each_member(
                      context, root, root_place, {}, [&](std::string_view key, od::value& v) {
                        if (key != "error") return true;
                        saw_error = true;
                        const item_place place{"$.error", kNoIndex};
                        return for_each_member(
                            context, v, place, {}, [&](std::string_view name, od::value& field) {
                              if (name == "code")
                                return context.read_string(field, code, place, name);
                              if (name == "message")
                                return context.read_string(field, message, place, name);
                              return true;
                            });
                      });
                });
  if (!outcome || !saw_error) return std::nullopt;
  return std::pair{std::move(code), std::move(message)};
}

MMDREG_JSON_KERNEL_ENTRY status read_device_list(json_parser_handle& handle,
                                                 json_document_buffer& buffer,
                                                 const json_limits& limits, std::string_view json,
                                                 json_device_list& list) {
  od::parser& parser = parser_of(handle);
  auto outcome = read_root(
      parser, buffer, limits, json, list.issues, "the device list",
      [&](read_context& context, od::value& root) {
        od::json_type type{};
        if (auto code = root.type().get(type); code) return context.fail(code, 0);
        auto read_array = [&](od::value& array, std::string_view path) {
          return for_each_element(context, array, path, limits.max_items,
                                  [&](std::size_t index, od::value& element) {
                                    return read_device(context, element, {path, index}, list);
                                  });
        };
        if (type == od::json_type::array) return read_array(root, "$");
        bool found = false;
        const bool read = for_each_member(
            context, root, {"$", static_cast<std::size_t>(-1)}, {},
            [&](std::string_view key, od::value& v) {
              if (found || (key != "value" && key != "importedWindowsAutopilotDeviceIdentities"))
                return true;
              found = true;
              return read_array(
                  v, key == "value" ? "$.value" : "$.importedWindowsAutopilotDeviceIdentities");
            });
        if (read && !found)
          context.issue(
              "$", 0,
              "the object has no \"value\" or \"importedWindowsAutopilotDeviceIdentities\" "
              "array: no devices read");
        return read;
      },
      true);
  if (!outcome) return outcome.err();
  return {};
}

}  // namespace

const json_reader_kernel table{
    MMDREG_JSON_KERNEL_NAME,   create_parser,     destroy_parser,   read_imported_identities,
    for_each_autopilot_device, read_batch_status, read_graph_error, read_device_list,
};

}  // namespace mmdreg::autopilot::detail::MMDREG_JSON_KERNEL
