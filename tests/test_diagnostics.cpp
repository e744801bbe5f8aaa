#define BOOST_TEST_MODULE diagnostics
#include <boost/test/unit_test.hpp>
#include <set>

#include "mmdreg/diagnostics.hpp"
#include "mmdreg/result.hpp"
#include "mmdreg/version.hpp"
#include "spec_tables.hpp"

using namespace mmdreg;
namespace ut = boost::unit_test;

BOOST_AUTO_TEST_CASE(rule_table_is_indexed_by_the_enum) {
  const auto rules = all_rules();
  BOOST_TEST(rules.size() == 31U);
  std::set<std::string_view> ids;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    BOOST_TEST(static_cast<std::size_t>(rules[i].rule) == i + 1);
    BOOST_TEST(&info(rules[i].rule) == &rules[i]);
    BOOST_TEST((parse_rule_id(rules[i].id) == rules[i].rule));
    ids.insert(rules[i].id);
  }
  BOOST_TEST(ids.size() == rules.size());
  BOOST_TEST(!parse_rule_id("Hash-Checksum").has_value());
}

BOOST_AUTO_TEST_CASE(rule_ids_and_severities_match_the_spec,
                     *ut::precondition(testing::shared_dir_present{})) {
  const auto rows = testing::spec_table("Rule id");
  BOOST_TEST(rows.size() == all_rules().size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto id = testing::code(rows[i][0]);
    BOOST_TEST_CONTEXT(id) {
      const auto r = parse_rule_id(id);
      BOOST_TEST_REQUIRE(r.has_value());
      BOOST_TEST(static_cast<std::size_t>(*r) == i + 1, "the enum follows the spec's order");
      BOOST_TEST(severity_name(info(*r).severity) == rows[i][1]);
    }
  }
}

BOOST_AUTO_TEST_CASE(result_holds_a_value_or_an_error) {
  result<int> good = 3;
  BOOST_TEST(good.ok());
  BOOST_TEST(*good == 3);
  BOOST_TEST((good.err().code == errc::ok));
  result<int> bad = error{errc::not_found, "no such device"};
  BOOST_TEST(!bad.ok());
  BOOST_TEST((bad.err().code == errc::not_found));
  BOOST_CHECK_THROW((void)bad.value(), bad_result_access);
  BOOST_TEST(errc_name(errc::invalid_argument) == "invalid_argument");
}

BOOST_AUTO_TEST_CASE(runtime_version_matches_the_headers) {
  BOOST_TEST(std::string(version()) == MMDREG_VERSION_STRING);
  BOOST_TEST(version_number() == MMDREG_VERSION_NUMBER);
}
