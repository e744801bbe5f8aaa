#include "mmdreg/csv/merge.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "mmdreg/csv/validator.hpp"
#include "mmdreg/csv/writer.hpp"
#include "mmdreg/domain/profiles.hpp"

namespace mmdreg::csv {
namespace {

constexpr std::size_t kColumnKinds = 7;

// A row on its way to an output file, its values indexed by column kind.
struct candidate {
  std::size_t source = 0;
  std::uint64_t line = 0;
  std::array<std::string, kColumnKinds> values;
  std::optional<std::chrono::sys_seconds> capture_time;
  bool repaired = false;
  bool kept = true;
};

bool file_level(rule r) {
  switch (r) {
    case rule::encoding_utf16:
    case rule::encoding_utf8_bom:
    case rule::empty_file:
    case rule::header_case:
    case rule::header_unknown:
    case rule::too_many_rows:
      return true;
    default:
      return false;
  }
}

bool hash_rule(rule r) {
  return r == rule::hash_base64 || r == rule::hash_length || r == rule::hash_structure ||
         r == rule::hash_checksum;
}

bool tag_rule(rule r) {
  return r == rule::group_tag_case || r == rule::group_tag_invalid;
}

std::string where(const std::vector<merge_source>& sources, std::size_t source,
                  std::uint64_t line) {
  return sources[source].name + " line " + std::to_string(line);
}

status check_tag(const merge_options& options) {
  if (!options.group_tag) return {};
  if (!layout_of(options.dialect, 4).index_of(column::group_tag))
    return error{errc::invalid_argument,
                 "the " + std::string(dialect_id(options.dialect)) +
                     " dialect has no Group Tag column; give the tag with the upload instead"};
  const auto& tag = *options.group_tag;
  const auto parsed = parse_group_tag(tag);
  switch (parsed.kind) {
    case group_tag_kind::empty:
      return error{errc::invalid_argument, "the group tag to apply is empty"};
    case group_tag_kind::case_slip:
      return error{errc::invalid_argument,
                   "group tag \"" + tag + "\" differs from " +
                       std::string(group_tag_name(parsed.profile, parsed.shared)) +
                       " only in case; tags are case-sensitive"};
    case group_tag_kind::invalid:
      return error{errc::invalid_argument, "group tag \"" + tag + "\" is not a valid MMD tag: " +
                                               std::string(parsed.reason)};
    default:
      break;
  }
  if (auto s = check_writable(tag, "Group Tag"); !s) return s;
  return {};
}

}  // namespace

std::uint64_t merge_result::rows_out() const noexcept {
  std::uint64_t n = 0;
  for (const auto& f : files)
    n += f.size();
  return n;
}

result<merge_result> merge(std::span<const merge_source> input, const merge_options& options) {
  if (auto s = check_tag(options); !s) return s.err();
  const std::vector<merge_source> sources(input.begin(), input.end());
  merge_result out;
  std::vector<candidate> candidates;
  std::map<device_identity, std::size_t> by_identity;
  struct serial_owner {
    device_identity identity;
    std::size_t candidate;
  };
  std::map<std::string, serial_owner> by_serial;  // manufacturer + '\0' + serial
  hardware_hash hash;

  for (std::size_t source = 0; source < sources.size(); ++source) {
    const auto& src = sources[source];
    std::vector<diagnostic> line_findings;
    const auto drop = [&](std::uint64_t line, rule reason, std::string message) {
      out.dropped.push_back({src.name, line, reason, std::move(message)});
    };
    const auto on_diagnostic = [&](const diagnostic& d) {
      if (file_level(d.rule) || d.rule == rule::blank_line) {
        if (d.rule != rule::blank_line) out.source_findings.emplace_back(src.name, d);
        return;
      }
      line_findings.push_back(d);
    };
    const auto on_row = [&](const row& r) {
      ++out.rows_in;
      std::vector<diagnostic> findings;
      for (auto& d : line_findings) {
        if (d.line == r.line)
          findings.push_back(std::move(d));
        else
          out.source_findings.emplace_back(src.name, std::move(d));
      }
      line_findings.clear();
      if (r.layout == nullptr) {
        drop(r.line, rule::header_unknown,
             "the file's header matches no dialect, so its columns are unknown");
        return;
      }
      candidate c;
      c.source = source;
      c.line = r.line;
      for (std::size_t k = 0; k < kColumnKinds; ++k)
        c.values[k] = std::string(r.value(static_cast<column>(k)));
      auto& hash_text = c.values[static_cast<std::size_t>(column::hardware_hash)];
      auto& tag = c.values[static_cast<std::size_t>(column::group_tag)];

      bool hash_repair_tried = false;
      for (const auto& d : findings) {
        if (d.severity != severity::error) continue;
        if (tag_rule(d.rule) && options.group_tag) continue;
        if (hash_rule(d.rule)) {
          if (hash_repair_tried) continue;
          hash_repair_tried = true;
          if (auto repaired = repair_padding(hash_text)) {
            hash_text = std::move(*repaired);
            c.repaired = true;
            continue;
          }
        }
        drop(r.line, d.rule, d.message);
        return;
      }
      if (options.group_tag) tag = *options.group_tag;

      // What the output dialect needs.
      const auto has = [&](column k) { return !c.values[static_cast<std::size_t>(k)].empty(); };
      switch (options.dialect) {
        case dialect::autopilot:
        case dialect::mmd_self:
          if (!has(column::hardware_hash)) {
            drop(r.line, rule::required_missing,
                 "the row has no hardware hash, which a " +
                     std::string(dialect_id(options.dialect)) + " row requires");
            return;
          }
          if (options.dialect == dialect::autopilot && !has(column::serial_number)) {
            drop(r.line, rule::required_missing,
                 "the row has no serial number, which an autopilot row requires");
            return;
          }
          break;
        case dialect::partner_center:
          if (!has(column::hardware_hash) && !has(column::product_id) &&
              !(has(column::manufacturer) && has(column::serial_number) && has(column::model))) {
            drop(r.line, rule::partner_identity, "the row identifies no device");
            return;
          }
          break;
        case dialect::mmd_partner:
          if (!has(column::manufacturer) || !has(column::model) || !has(column::serial_number)) {
            drop(r.line, rule::required_missing,
                 "an mmd-partner row needs manufacturer, model and serial number");
            return;
          }
          break;
      }
      for (std::size_t k = 0; k < kColumnKinds; ++k) {
        if (auto s = check_writable(c.values[k], "value"); !s) {
          drop(r.line, rule::encoding_non_ascii, s.err().message);
          return;
        }
      }

      if (!hash_text.empty()) {
        if (auto problem = hash.decode(hash_text)) {
          drop(r.line, problem->rule, problem->message);
          return;
        }
        c.capture_time = hash.capture_time();
        if (c.repaired) ++out.repaired;
        const auto id = hash.identity();
        const auto index = candidates.size();
        if (const auto seen = by_identity.find(id); seen != by_identity.end()) {
          auto& earlier = candidates[seen->second];
          if (c.capture_time.value_or(std::chrono::sys_seconds{}) >
              earlier.capture_time.value_or(std::chrono::sys_seconds{})) {
            earlier.kept = false;
            if (earlier.repaired) --out.repaired;
            out.dropped.push_back({sources[earlier.source].name, earlier.line,
                                   rule::duplicate_device,
                                   "the same device was captured later (" +
                                       where(sources, source, r.line) + "); the latest is kept"});
            seen->second = index;
          } else {
            if (c.repaired) --out.repaired;
            drop(r.line, rule::duplicate_device,
                 "the same device has an equal or later capture (" +
                     where(sources, earlier.source, earlier.line) + "), which is kept");
            return;
          }
        } else {
          by_identity.emplace(id, index);
        }
        std::string serial_key(hash.manufacturer());
        serial_key += '\0';
        serial_key += hash.serial_number();
        const auto [owner, fresh] = by_serial.try_emplace(serial_key, serial_owner{id, index});
        if (!fresh && !(owner->second.identity == id)) {
          const auto& first = candidates[owner->second.candidate];
          out.conflicts.push_back({std::string(hash.manufacturer()),
                                   std::string(hash.serial_number()), sources[first.source].name,
                                   first.line, src.name, r.line});
        } else if (!fresh) {
          owner->second.candidate = index;
        }
      }
      candidates.push_back(std::move(c));
    };

    const validate_options validation{.target = upload_target::none, .detect_duplicates = false};
    if (src.from_file) {
      auto s = validate_file(src.path, validation, on_diagnostic, on_row);
      if (!s) return s.err();
    } else {
      (void)validate_buffer(src.content, validation, on_diagnostic, on_row);
    }
  }

  // The output layout: autopilot grows to the columns the kept rows use.
  std::size_t autopilot_columns = options.group_tag ? 4 : 3;
  for (const auto& c : candidates) {
    if (!c.kept) continue;
    if (!c.values[static_cast<std::size_t>(column::assigned_user)].empty())
      autopilot_columns = 5;
    else if (!c.values[static_cast<std::size_t>(column::group_tag)].empty())
      autopilot_columns = std::max<std::size_t>(autopilot_columns, 4);
  }
  out.layout = &layout_of(options.dialect, autopilot_columns);
  const auto limit = row_limit(options.target, options.dialect);
  for (auto& c : candidates) {
    if (!c.kept) continue;
    if (out.files.empty() || (limit && out.files.back().size() == *limit)) out.files.emplace_back();
    merged_row m;
    m.source = sources[c.source].name;
    m.line = c.line;
    m.capture_time = c.capture_time;
    m.hash_repaired = c.repaired;
    for (std::size_t i = 0; i < out.layout->column_count; ++i)
      m.values[i] = std::move(c.values[static_cast<std::size_t>(out.layout->columns[i])]);
    out.files.back().push_back(std::move(m));
  }
  return out;
}

result<std::vector<std::filesystem::path>> write_merge(const merge_result& merged,
                                                       const std::filesystem::path& directory,
                                                       std::string_view stem) {
  std::vector<std::filesystem::path> written;
  if (std::error_code failed;
      !merged.files.empty() && !std::filesystem::create_directories(directory, failed) && failed)
    return error{errc::io, "cannot create the output directory " + directory.string() + ": " +
                               failed.message()};
  const auto undo = [&] {
    std::error_code ignored;
    for (const auto& p : written)
      std::filesystem::remove(p, ignored);
  };
  for (std::size_t i = 0; i < merged.files.size(); ++i) {
    char number[32];
    std::snprintf(number, sizeof number, "-%03zu.csv", i + 1);
    const auto path = directory / (std::string(stem) + number);
    auto w = writer::create(path, *merged.layout);
    if (!w) {
      undo();
      return w.err();
    }
    for (const auto& row : merged.files[i]) {
      std::array<std::string_view, max_columns> values;
      for (std::size_t k = 0; k < merged.layout->column_count; ++k)
        values[k] = row.values[k];
      if (auto s = w->write_row({values.data(), merged.layout->column_count}); !s) {
        undo();
        return error{s.err().code,
                     row.source + " line " + std::to_string(row.line) + ": " + s.err().message};
      }
    }
    if (auto s = w->commit(); !s) {
      undo();
      return s.err();
    }
    written.push_back(path);
  }
  return written;
}

}  // namespace mmdreg::csv
