// Repair and merge of upload files into a directory, and the merge report.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "guard.hpp"
#include "mmdreg/csv/merge.hpp"

struct mmdreg_merge_report {
  mmdreg::csv::merge_result result;
  std::vector<std::string> files;
  mutable std::string last_error;
};

namespace {

using mmdreg::capi::fail;
using mmdreg::capi::guarded;
using mmdreg::capi::guarded_on;
using mmdreg::capi::index_past;
using mmdreg::capi::null_argument;
using mmdreg::capi::utf8_path;

}  // namespace

extern "C" {

mmdreg_status mmdreg_merge_options_init(mmdreg_merge_options* options) {
  return guarded(__func__, [&](const char* function) {
    if (options == nullptr) return null_argument(function, "options");
    *options = mmdreg_merge_options MMDREG_MERGE_OPTIONS_INIT;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_merge_files(const mmdreg_text* paths, size_t path_count,
                                 const mmdreg_merge_options* options, const char* out_dir,
                                 size_t out_dir_length, mmdreg_merge_report** out) {
  return guarded(__func__, [&](const char* function) {
    if (paths == nullptr && path_count != 0)
      return fail(MMDREG_EINVAL, std::string(function) + ": paths is NULL with a non-zero count");
    std::string_view directory;
    if (!mmdreg::capi::text_argument(function, "out_dir", out_dir, out_dir_length, directory))
      return MMDREG_EINVAL;
    if (directory.empty()) return fail(MMDREG_EINVAL, std::string(function) + ": out_dir is empty");
    if (out == nullptr) return null_argument(function, "out");
    mmdreg_merge_options given = MMDREG_MERGE_OPTIONS_INIT;
    if (options != nullptr) {
      if (options->version != MMDREG_MERGE_OPTIONS_VERSION)
        return fail(MMDREG_EUNSUPPORTED, std::string(function) + ": options version " +
                                             std::to_string(options->version) +
                                             " is not supported (" +
                                             std::to_string(MMDREG_MERGE_OPTIONS_VERSION) + " is)");
      given = *options;
    }
    if (const int value = mmdreg::capi::enum_value(given.dialect);
        value < MMDREG_DIALECT_AUTOPILOT || value > MMDREG_DIALECT_MMD_PARTNER)
      return fail(MMDREG_EINVAL,
                  std::string(function) + ": unknown output dialect " + std::to_string(value));
    if (const int value = mmdreg::capi::enum_value(given.target);
        value < MMDREG_TARGET_DIALECT_DEFAULT || value > MMDREG_TARGET_NONE)
      return fail(MMDREG_EINVAL,
                  std::string(function) + ": unknown upload target " + std::to_string(value));
    std::string_view tag, stem;
    if (!mmdreg::capi::text_argument(function, "group_tag", given.group_tag.data,
                                     given.group_tag.length, tag) ||
        !mmdreg::capi::text_argument(function, "stem", given.stem.data, given.stem.length, stem))
      return MMDREG_EINVAL;
    std::vector<mmdreg::csv::merge_source> sources;
    sources.reserve(path_count);
    for (size_t i = 0; i < path_count; ++i) {
      std::string_view path;
      const std::string name = "paths[" + std::to_string(i) + "]";
      if (!mmdreg::capi::text_argument(function, name.c_str(), paths[i].data, paths[i].length,
                                       path))
        return MMDREG_EINVAL;
      sources.push_back(mmdreg::csv::merge_source::file(utf8_path(path)));
    }
    mmdreg::csv::merge_options merge_options;
    merge_options.dialect = static_cast<mmdreg::csv::dialect>(given.dialect);
    merge_options.target = static_cast<mmdreg::csv::upload_target>(given.target);
    if (given.group_tag.data != nullptr) merge_options.group_tag = std::string(tag);
    auto merged = mmdreg::csv::merge(sources, merge_options);
    if (!merged.ok()) return fail(merged.err());
    auto report = std::make_unique<mmdreg_merge_report>();
    report->result = std::move(merged.value());
    const auto written = mmdreg::csv::write_merge(
        report->result, utf8_path(directory), stem.empty() ? std::string_view("devices") : stem);
    if (!written.ok()) return fail(written.err());
    for (const auto& file : written.value()) {
      const auto text = file.u8string();
      report->files.emplace_back(text.begin(), text.end());
    }
    *out = report.release();
    return MMDREG_OK;
  });
}

void mmdreg_merge_report_free(mmdreg_merge_report* report) {
  MMDREG_CAPI_NOTHROW(delete report);
}

void mmdreg_merge_report_free_and_clear(mmdreg_merge_report** report) {
  mmdreg::capi::free_and_clear(report);
}

const char* mmdreg_merge_report_last_error(const mmdreg_merge_report* report) {
  return mmdreg::capi::handle_last_error(report);
}

mmdreg_status mmdreg_merge_report_counts(const mmdreg_merge_report* report, uint64_t* rows_in,
                                         uint64_t* rows_out, uint64_t* repaired) {
  return guarded_on(__func__, report, [&](const char* function) {
    if (report == nullptr) return null_argument(function, "report");
    if (rows_in != nullptr) *rows_in = report->result.rows_in;
    if (rows_out != nullptr) *rows_out = report->result.rows_out();
    if (repaired != nullptr) *repaired = report->result.repaired;
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_merge_report_file_count(const mmdreg_merge_report* report, size_t* count) {
  return guarded_on(__func__, report, [&](const char* function) {
    if (report == nullptr) return null_argument(function, "report");
    if (count == nullptr) return null_argument(function, "count");
    *count = report->files.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_merge_report_file(const mmdreg_merge_report* report, size_t index,
                                       const char** path, size_t* path_length) {
  return guarded_on(__func__, report, [&](const char* function) {
    if (report == nullptr) return null_argument(function, "report");
    if (path == nullptr) return null_argument(function, "path");
    if (path_length == nullptr) return null_argument(function, "path_length");
    if (index >= report->files.size())
      return index_past(function, index, report->files.size(), "files");
    *path = report->files[index].c_str();
    *path_length = report->files[index].size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_merge_report_dropped_count(const mmdreg_merge_report* report, size_t* count) {
  return guarded_on(__func__, report, [&](const char* function) {
    if (report == nullptr) return null_argument(function, "report");
    if (count == nullptr) return null_argument(function, "count");
    *count = report->result.dropped.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_merge_report_dropped(const mmdreg_merge_report* report, size_t index,
                                          mmdreg_merge_drop* out) {
  return guarded_on(__func__, report, [&](const char* function) {
    if (report == nullptr) return null_argument(function, "report");
    if (out == nullptr) return null_argument(function, "out");
    const auto& dropped = report->result.dropped;
    if (index >= dropped.size()) return index_past(function, index, dropped.size(), "dropped rows");
    const auto& drop = dropped[index];
    out->source = drop.source.c_str();
    out->source_length = drop.source.size();
    out->line = drop.line;
    out->rule = static_cast<int>(drop.reason);
    out->message = drop.message.c_str();
    out->message_length = drop.message.size();
    return MMDREG_OK;
  });
}

mmdreg_status mmdreg_merge_report_conflict_count(const mmdreg_merge_report* report, size_t* count) {
  return guarded_on(__func__, report, [&](const char* function) {
    if (report == nullptr) return null_argument(function, "report");
    if (count == nullptr) return null_argument(function, "count");
    *count = report->result.conflicts.size();
    return MMDREG_OK;
  });
}

}  // extern "C"
