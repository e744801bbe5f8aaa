#include "autopilot/json_text.hpp"

#include <charconv>
#include <cstring>

// GCC 12 at -O3 reports a false -Wrestrict inside std::string's operator+ (GCC bug 105329); the
// message-building code here is plain string concatenation.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace mmdreg::autopilot::detail {
namespace od = simdjson::ondemand;

std::optional<std::size_t> invalid_utf8_offset(std::string_view text) noexcept {
  // The fast check settles the common case; only a failing text is walked to find the offset.
  if (simdjson::validate_utf8(text.data(), text.size())) return std::nullopt;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t minimum = 0;
    std::uint32_t code_point = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, minimum = 0x80, code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, minimum = 0x800, code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, minimum = 0x10000, code_point = lead & 0x07;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return i;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if (code_point < minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF))
      return i;
    i += length;
  }
  return text.size();  // validate_utf8 disagreed with the walk: report the end rather than accept
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0x0F]);
    }
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out.push_back('"');
}

void append_member(std::string& out, bool comma, std::string_view key, std::string_view value) {
  if (comma) out.push_back(',');
  append_json_string(out, key);
  out.push_back(':');
  append_json_string(out, value);
}

std::string item_place::path(std::string_view member) const {
  std::string text(container);
  if (index != static_cast<std::size_t>(-1)) {
    text += '[';
    text += std::to_string(index);
    text += ']';
  }
  if (!member.empty()) {
    text += '.';
    text += member;
  }
  return text;
}

simdjson::padded_string_view json_document_buffer::load(std::string_view text) {
  const std::size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
  if (bytes.size() < needed) bytes.resize(needed);
  if (!text.empty()) std::memcpy(bytes.data(), text.data(), text.size());
  std::memset(bytes.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(bytes.data(), text.size(), bytes.size());
}

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

namespace {

// Errors that leave the On-Demand iterator usable: the value is simply not of the asked type.
bool recoverable(simdjson::error_code code) noexcept {
  return code == simdjson::INCORRECT_TYPE || code == simdjson::NUMBER_OUT_OF_RANGE ||
         code == simdjson::NUMBER_ERROR;
}

}  // namespace

bool read_context::read_string_view(od::value& value, std::string_view& out,
                                    const item_place& place, std::string_view member) {
  // The common case first: one call, no type probe, no location lookup.
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

}  // namespace mmdreg::autopilot::detail
