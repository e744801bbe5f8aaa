#include "mmdreg/csv/writer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace mmdreg::csv {
namespace {

std::string describe(unsigned char c) {
  char text[48];
  if (c == ',') return "a comma";
  if (c == '"') return "a quote";
  if (c == '\r' || c == '\n') return "a line break";
  if (c >= 0x80) {
    std::snprintf(text, sizeof text, "the non-ASCII byte 0x%02X", c);
  } else {
    std::snprintf(text, sizeof text, "the control character 0x%02X", c);
  }
  return text;
}

}  // namespace

status check_writable(std::string_view value, std::string_view column_name) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c < 0x7F && c != ',' && c != '"') continue;
    return error{errc::invalid_argument,
                 "the " + std::string(column_name) + " value \"" + std::string(value) +
                     "\" contains " + describe(c) + " at position " + std::to_string(i + 1) +
                     ", which would break the CSV format; it was not written"};
  }
  return {};
}

result<std::string> format_row(const layout& l, std::span<const std::string_view> values) {
  if (values.size() != l.column_count)
    return error{errc::invalid_argument, "a " + std::string(dialect_id(l.dialect)) + " row needs " +
                                             std::to_string(l.column_count) + " values (" +
                                             l.header() + "), got " +
                                             std::to_string(values.size())};
  std::size_t size = 2;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (auto s = check_writable(values[i], l.names[i]); !s) return s.err();
    size += values[i].size() + 1;
  }
  std::string out;
  out.reserve(size);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ',';
    out += values[i];
  }
  out += "\r\n";
  return out;
}

struct writer::state {
  std::filesystem::path path;
  std::filesystem::path partial;
  const csv::layout* layout = nullptr;
  std::FILE* file = nullptr;
  std::size_t rows = 0;
  bool failed = false;

  ~state() {
    if (file != nullptr) {
      std::fclose(file);
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
    }
  }
  status put(std::string_view text) {
    if (failed || std::fwrite(text.data(), 1, text.size(), file) != text.size()) {
      failed = true;
      return error{errc::io, "writing " + partial.string() + " failed: " + std::strerror(errno)};
    }
    return {};
  }
};

writer::writer(std::unique_ptr<state> s) : state_(std::move(s)) {}
writer::writer(writer&&) noexcept = default;
writer& writer::operator=(writer&&) noexcept = default;
writer::~writer() = default;

result<writer> writer::create(const std::filesystem::path& path, const csv::layout& l) {
  auto s = std::make_unique<state>();
  s->path = path;
  s->partial = path;
  s->partial += ".partial";
  s->layout = &l;
  s->file = std::fopen(s->partial.c_str(), "wb");
  if (s->file == nullptr)
    return error{errc::io, "cannot create " + s->partial.string() + ": " + std::strerror(errno)};
  if (auto st = s->put(l.header() + "\r\n"); !st) return st.err();
  return writer(std::move(s));
}

status writer::write_row(std::span<const std::string_view> values) {
  if (state_->failed)
    return error{errc::io, "an earlier write to " + state_->partial.string() + " failed"};
  auto text = format_row(*state_->layout, values);
  if (!text) return text.err();
  if (auto st = state_->put(*text); !st) return st;
  ++state_->rows;
  return {};
}

status writer::commit() {
  auto& s = *state_;
  if (s.file == nullptr) return error{errc::io, s.path.string() + " was already committed"};
  const bool flushed = !s.failed && std::fflush(s.file) == 0;
  const bool closed = std::fclose(s.file) == 0;
  s.file = nullptr;
  std::error_code ec;
  if (!flushed || !closed) {
    std::filesystem::remove(s.partial, ec);
    return error{errc::io, "writing " + s.partial.string() + " failed"};
  }
  std::filesystem::rename(s.partial, s.path, ec);
  if (ec) {
    std::filesystem::remove(s.partial, ec);
    return error{errc::io, "cannot rename " + s.partial.string() + " to " + s.path.string()};
  }
  return {};
}

std::size_t writer::rows_written() const noexcept {
  return state_->rows;
}
const csv::layout& writer::layout() const noexcept {
  return *state_->layout;
}

}  // namespace mmdreg::csv
