#define BOOST_TEST_MODULE autopilot_json_kernels
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "autopilot/json_kernel.hpp"
#include "mmdreg/autopilot/device_list.hpp"
#include "mmdreg/autopilot/payloads.hpp"
#include "support.hpp"

// Every JSON reader runs through the portable kernel and through the avx2 kernel (when this CPU
// has it) on the fuzz seed corpus, on every truncation of it and on documents that probe the
// vector code (long strings across 32-byte blocks, escapes, wrong types, limits); the results must
// be identical, errors and byte offsets included.

using namespace mmdreg;
using namespace mmdreg::autopilot;
using detail::json_kernel_choice;

namespace {

// Restores automatic kernel choice when a test ends, whatever happens.
struct kernel_guard {
  ~kernel_guard() { detail::force_json_kernel(json_kernel_choice::automatic); }
};

std::string dump(const std::vector<json_issue>& issues) {
  std::ostringstream out;
  for (const auto& issue : issues)
    out << "issue " << issue.path << " @" << issue.offset << " " << issue.message << "\n";
  return out.str();
}

// Everything every reader makes of `text`, as text, under the active kernel.
std::string read_everything(std::string_view text, const json_limits& limits) {
  std::ostringstream out;
  payload_reader reader(limits);
  if (auto page = reader.read_imported_identities(text)) {
    out << "imported next=" << page->next_link << "\n" << dump(page->issues);
    for (const auto& item : page->items)
      out << " id=" << item.id << " serial=" << item.serial_number << " key=" << item.product_key
          << " hash=" << item.hardware_identifier << " tag=" << item.group_tag
          << " upn=" << item.assigned_user_principal_name << " import=" << item.import_id
          << " status=" << item.status_text << "/" << static_cast<int>(item.status)
          << " reg=" << item.device_registration_id << " code=" << item.device_error_code
          << " name=" << item.device_error_name << "\n";
  } else {
    out << "imported error " << page.err().message << "\n";
  }
  std::vector<json_issue> issues;
  std::vector<std::string> views;
  const auto next = reader.for_each_autopilot_device(
      text,
      [&](const autopilot_device_view& device) {
        views.push_back(std::string(device.id) + "|" + std::string(device.serial_number) + "|" +
                        std::string(device.enrollment_state) + "|" +
                        std::string(device.display_name) + "|" +
                        std::string(device.user_principal_name));
      },
      issues);
  out << "views " << (next ? "next=" + *next : "error " + next.err().message) << "\n"
      << dump(issues);
  for (const auto& view : views)
    out << " " << view << "\n";
  std::vector<autopilot_device_identity> owned;
  issues.clear();
  if (auto owned_next = reader.read_autopilot_devices(text, owned, issues)) {
    out << "owned next=" << *owned_next << " " << owned.size() << "\n" << dump(issues);
    for (const auto& device : owned)
      out << " " << device.id << "|" << device.serial_number << "|" << device.product_key << "|"
          << device.manufacturer << "|" << device.model << "|" << device.group_tag << "|"
          << device.purchase_order_identifier << "|" << device.enrollment_state << "|"
          << device.deployment_profile_assignment_status << "|"
          << device.deployment_profile_assigned_date_time << "|" << device.last_contacted_date_time
          << "|" << device.user_principal_name << "|" << device.azure_active_directory_device_id
          << "|" << device.managed_device_id << "|" << device.display_name << "\n";
  } else {
    out << "owned error " << owned_next.err().message << "\n";
  }
  if (auto batch = reader.read_batch_status(text)) {
    out << "batch " << batch->batch_tracking_id << " " << batch->status_text << " "
        << batch->started_time << " " << batch->completed_time << "\n"
        << dump(batch->issues);
    for (const auto& device : batch->devices)
      out << " " << device.device_id << "|" << device.serial_number << "|" << device.product_key
          << "|" << device.status_text << "|" << device.error_code << "|"
          << device.error_description << "|" << device.error.code << "|" << device.error.name
          << "\n";
  } else {
    out << "batch error " << batch.err().message << "\n";
  }
  if (const auto graph_error = reader.read_graph_error(text))
    out << "graph error " << graph_error->first << " / " << graph_error->second << "\n";
  if (auto list = read_device_list(text, limits)) {
    out << "list " << list->devices.size() << " accepted " << list->accepted() << "\n"
        << dump(list->issues);
    for (const auto& device : list->devices)
      out << " " << device.path << " @" << device.offset << " " << device.rejected << " "
          << device.record.serial_number << "|" << device.record.product_key_id << "|"
          << device.record.hardware_hash << "|" << device.record.group_tag << "|"
          << device.record.assigned_user << "|" << device.record.manufacturer << "|"
          << device.record.model << "|" << device.record.order_id << "|"
          << device.record.purchase_id << "\n";
    for (const auto& finding : list->findings)
      out << " finding " << finding.path << " @" << finding.offset << " " << finding.finding.message
          << "\n";
  } else {
    out << "list error " << list.err().message << "\n";
  }
  return out.str();
}

std::string read_with(json_kernel_choice choice, std::string_view text,
                      const json_limits& limits = {}) {
  detail::force_json_kernel(choice);
  return read_everything(text, limits);
}

// A listing whose strings cross 32-byte blocks at every alignment, with escapes at block edges.
std::string probing_listing() {
  std::string out = "{\"value\":[";
  for (int i = 0; i < 80; ++i) {
    if (i) out += ",";
    const std::string pad(static_cast<std::size_t>(i), 'x');
    out += "{\"id\":\"" + pad + "-" + std::to_string(i) + "\",\"serialNumber\":\"" + pad +
           "\\\"q\\\\" + "\",\"displayName\":\"\\u00e9" + pad + "\\n\\t\\/\"" +
           ",\"enrollment\\u0053tate\":\"enrolled\",\"userPrincipalName\":" +
           (i % 7 == 0    ? "42"
            : i % 11 == 0 ? "null"
                          : "\"u" + pad + "@contoso.com\"") +
           "}";
  }
  out += "],\"@odata.nextLink\":\"https://graph.microsoft.com/next?skip=80\"}";
  return out;
}

std::vector<std::string> corpus() {
  std::vector<std::string> documents;
  const auto dir = mmdreg::testing::source_dir() / "fuzz" / "corpus" / "json";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    documents.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  documents.push_back(probing_listing());
  documents.push_back("[{\"serialNumber\":\"A\\uD800\"},{\"serialNumber\":\"\\x\"}]");
  documents.push_back(
      "{\"value\":[{\"id\":\"1\",\"state\":{\"deviceErrorCode\":\"806\","
      "\"deviceImportStatus\":\"error\"}}],\"value\":[]}");
  documents.push_back(
      "{\"status\":\"finished\",\"devicesStatus\":[{\"errorCode\":8.06e2},"
      "{\"errorCode\":-1},{\"errorCode\":1e999}]} trailing");
  return documents;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_forced_kernel_is_the_one_used) {
  kernel_guard guard;
  detail::force_json_kernel(json_kernel_choice::portable);
  BOOST_TEST(detail::active_json_kernel().name == "portable");
  detail::force_json_kernel(json_kernel_choice::avx2);
  BOOST_TEST(detail::active_json_kernel().name ==
             (detail::json_avx2_supported() ? "avx2" : "portable"));
}

BOOST_AUTO_TEST_CASE(both_kernels_read_every_document_alike) {
  kernel_guard guard;
  if (!detail::json_avx2_supported()) {
    BOOST_TEST_MESSAGE("this CPU has no AVX2: only the portable kernel runs here");
    return;
  }
  std::size_t compared = 0;
  for (const auto& document : corpus()) {
    BOOST_TEST(read_with(json_kernel_choice::portable, document) ==
                   read_with(json_kernel_choice::avx2, document),
               "kernels differ on: " << document.substr(0, 200));
    // Every truncation: errors and their offsets must agree too.
    for (std::size_t cut = 0; cut < document.size(); cut += 1 + document.size() / 300) {
      const std::string_view prefix(document.data(), cut);
      BOOST_TEST(read_with(json_kernel_choice::portable, prefix) ==
                     read_with(json_kernel_choice::avx2, prefix),
                 "kernels differ on the first " << cut << " bytes of: " << document.substr(0, 80));
      ++compared;
    }
  }
  BOOST_TEST(compared > 1000u);
}

BOOST_AUTO_TEST_CASE(both_kernels_stop_at_the_same_limits) {
  kernel_guard guard;
  if (!detail::json_avx2_supported()) return;
  const std::string listing = probing_listing();
  json_limits few_items;
  few_items.max_items = 3;
  BOOST_TEST(read_with(json_kernel_choice::portable, listing, few_items) ==
             read_with(json_kernel_choice::avx2, listing, few_items));
  json_limits small;
  small.max_document_bytes = listing.size() - 1;
  BOOST_TEST(read_with(json_kernel_choice::portable, listing, small) ==
             read_with(json_kernel_choice::avx2, listing, small));
}

BOOST_AUTO_TEST_CASE(the_probing_listing_reads_what_it_says) {
  // Guards the comparison above against two kernels that agree on reading nothing.
  kernel_guard guard;
  payload_reader reader;
  std::vector<json_issue> issues;
  std::size_t seen = 0, enrolled = 0;
  const auto next = reader.for_each_autopilot_device(
      probing_listing(),
      [&](const autopilot_device_view& device) {
        ++seen;
        enrolled += device.enrollment_state == "enrolled";
        if (seen == 41) {
          BOOST_TEST(device.serial_number == std::string(40, 'x') + "\"q\\");
          BOOST_TEST(device.display_name == "\xC3\xA9" + std::string(40, 'x') + "\n\t/");
        }
      },
      issues);
  BOOST_TEST_REQUIRE(next.ok());
  BOOST_TEST(*next == "https://graph.microsoft.com/next?skip=80");
  BOOST_TEST(seen == 80u);
  BOOST_TEST(enrolled == 80u);
  BOOST_TEST(issues.size() == 12u);  // userPrincipalName 42 at i = 0, 7, ..., 77
}
