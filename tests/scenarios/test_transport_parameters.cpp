// The transport parameter file: the Sofia file is the built-in default, and every mistake a user
// can make is an error that names the file, the line and the key.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "scenarios/transport_parameters.hpp"
#include "sim/core/input_error.hpp"
#include "test_util.hpp"

using namespace sofiatwin;

namespace {

std::string sofia_file() { return std::string(SOFIATWIN_SOURCE_DIR) + "/scenarios/sofia/transport.yaml"; }

std::string sofia_text() {
  std::ifstream in(sofia_file());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The Sofia file with one replacement; the error message (or "no error").
std::string error_with(const std::string& from, const std::string& to) {
  auto text = sofia_text();
  const auto at = text.find(from);
  if (at == std::string::npos) return "test setup: '" + from + "' not in the file";
  text.replace(at, from.size(), to);
  try {
    scenarios::parse_transport_parameters(text, "p.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(TransportParameters, TheSofiaFileIsTheBuiltInDefault) {
  const auto file = scenarios::load_transport_parameters(sofia_file());
  const auto built_in = scenarios::default_transport_parameters();
  ASSERT_EQ(file.demand.purposes.size(), built_in.demand.purposes.size());
  ASSERT_EQ(file.demand.periods.size(), 4u);
  for (std::size_t k = 0; k < file.demand.purposes.size(); ++k) {
    const auto &a = file.demand.purposes[k], &b = built_in.demand.purposes[k];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.trips_per_person_per_day, b.trips_per_person_per_day);
    EXPECT_EQ(a.period_share, b.period_share);
    EXPECT_EQ(a.from_home_share, b.from_home_share);
    EXPECT_EQ(a.attraction_weight, b.attraction_weight);
  }
  EXPECT_EQ(file.roads.junction_delay_s, built_in.roads.junction_delay_s);
  EXPECT_EQ(file.activity.jobs_per_100m2, built_in.activity.jobs_per_100m2);
  EXPECT_DOUBLE_EQ(file.demand.mode.target_pt_share, 0.549);
  EXPECT_DOUBLE_EQ(file.annualisation.factor(), 248 + 117 * 0.7);
  // the purposes' trip rates add up to the 2.7 trips per person per day the file derives
  double rate = 0;
  for (const auto& p : file.demand.purposes) rate += p.trips_per_person_per_day;
  EXPECT_NEAR(rate, 2.7, 1e-9);
}

TEST(TransportParameters, MistakesAreErrorsNamingFileLineAndKey) {
  auto expect = [](const std::string& message, const std::string& part) { EXPECT_NE(message.find(part), std::string::npos) << message; };
  expect(error_with("zoning: auto", "zoning: auto\nweather: sunny"), "p.yaml: line 8: key 'weather': is not a section of the transport parameters");
  expect(error_with("  home_work:\n", "  home_shopping:\n"), "key 'purposes.home_shopping': is not a known trip purpose (expected one of: home_work,");
  expect(error_with("period_share: {am_peak: 0.34,", "period_share: {morning: 0.34,"),
         "key 'purposes.home_work.period_share.morning': is not a period of the 'periods' section");
  expect(error_with("period_share: {am_peak: 0.34,", "period_share: {am_peak: 0.44,"),
         "key 'purposes.home_work.period_share': the period shares add up to 1.1, not 1");
  expect(error_with("trips_per_person_per_day: 0.837", "trips_per_person_per_day: -0.837"),
         "key 'purposes.home_work.trips_per_person_per_day': -0.837 is not zero or positive");
  expect(error_with("motorised_share: 0.83", "motorised_share: 1.83"), "key 'purposes.home_work.motorised_share': 1.83 is not a share above 0");
  expect(error_with("car_occupancy: 1.1", "car_occupancy: many"), "key 'purposes.home_work.car_occupancy': must be a number");
  expect(error_with("inter_peak: {start_h: 9, end_h: 16}", "inter_peak: {start_h: 8, end_h: 16}"),
         "key 'periods.inter_peak.start_h': 8 falls before the end of period 'am_peak' (9)");
  expect(error_with("evening_night: {start_h: 19, end_h: 31}", "evening_night: {start_h: 19, end_h: 18}"),
         "key 'periods.evening_night.end_h': 18 is not after start_h");
  expect(error_with("attraction: {jobs: 1.0}", "attraction: {offices: 1.0}"), "key 'purposes.home_work.attraction.offices': is not an activity");
  expect(error_with("distribution: doubly_constrained", "distribution: gravity"), "'gravity' is not one of doubly_constrained, production_constrained");
  expect(error_with("target_pt_share: 0.549", "target_pt_share: 1.2"), "key 'mode_choice.target_pt_share': 1.2 is not a share strictly between 0 and 1");
  expect(error_with("walk_speed_kmh: 4.5", "walk_speed_kmh: 0"), "key 'transit.walk_speed_kmh': 0 is not positive");
  expect(error_with("algorithm: gp", "algorithm: magic"), "key 'assignment.algorithm': 'magic' is not a known assignment algorithm");
  expect(error_with("junction_delay_s: {motorway: 0,", "junction_delay_s: {highway: 0,"), "key 'roads.junction_delay_s.highway': is not a road class");
  expect(error_with("other_day_ratio: 0.7", "other_day_ratio: -1"), "key 'annualisation.other_day_ratio'");
  expect(error_with("    from_home_share: {am_peak: 0.95, inter_peak: 0.40, pm_peak: 0.10, evening_night: 0.45}\n", ""),
         "key 'purposes.home_work': missing section 'from_home_share'");
  expect(error_with("periods:", "periods: [1, 2\nx:"), "p.yaml: line");
  try {
    scenarios::load_transport_parameters("/nonexistent/transport.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/transport.yaml: file not found"), std::string::npos);
  }
}
