// Optimal strategies on tiny line networks (the common-lines problem).
#include <gtest/gtest.h>

#include <cmath>

#include "sim/transport/transit.hpp"

using namespace sofiatwin;
using namespace sofiatwin::transport;

namespace {

/// Stops A (0 m) and B (3 km east); each line runs A -> B in `ride_min` with `per_hour` departures at 08:00.
TransitNetwork two_stops(const std::vector<std::pair<int, double>>& lines) {
  TransitNetwork t;
  t.stops = {{"A", "B"}, {"A", "B"}, {{0, 0}, {3000, 0}}};
  for (std::size_t l = 0; l < lines.size(); ++l) {
    t.routes.gtfs_id.push_back("L" + std::to_string(l));
    t.routes.short_name.push_back(t.routes.gtfs_id.back());
    t.routes.long_name.push_back("");
    t.routes.gtfs_type.push_back(3);
    t.routes.colour.push_back("");
    t.patterns.route.push_back(static_cast<std::int32_t>(l));
    t.patterns.direction.push_back(0);
    t.patterns.stops.push_back({0, 1});
    t.patterns.segment_time_min.push_back({lines[l].second});
    std::array<std::int32_t, service_hours> per_hour{};
    per_hour[8] = lines[l].first;
    t.patterns.departures_per_hour.push_back(per_hour);
  }
  return t;
}

OdMatrix trips_a_to_b(double trips) { return {2, {0, trips, 0, 0}}; }

}  // namespace

TEST(OptimalStrategies, CommonLinesShareByFrequency) {
  const auto t = two_stops({{6, 10.0}, {12, 10.0}});
  const TransitModel model(t, {{{0, 0}}, {{3000, 0}}}, 8.0, 9.0, {});
  const auto loads = model.assign(trips_a_to_b(90));
  EXPECT_NEAR(loads.route_boardings[0], 30.0, 1e-9);  // 6 of 18 departures an hour
  EXPECT_NEAR(loads.route_boardings[1], 60.0, 1e-9);
  EXPECT_NEAR(loads.stop_boardings[0], 90.0, 1e-9);
  // passenger-km: every rider covers the 3 km between the stops
  EXPECT_NEAR(loads.route_passenger_km[0] + loads.route_passenger_km[1], 90.0 * 3.0, 1e-9);
  Skims s;
  s.zones = 2;
  model.skims(s);
  EXPECT_NEAR(s.pt_wait_min[1], 0.5 * 60.0 / 18.0, 1e-9);  // half the combined headway
  EXPECT_NEAR(s.pt_in_vehicle_min[1], 10.0, 1e-6);
  EXPECT_TRUE(std::isinf(s.pt_in_vehicle_min[2]));  // B -> A: no line
}

TEST(OptimalStrategies, ASlowRareLineIsNotAttractive) {
  // A fast frequent line (every 5 min, 10 min ride) and a slow rare one (hourly, 40 min ride):
  // waiting for "either" would cost more than taking only the fast one.
  const auto t = two_stops({{12, 10.0}, {1, 40.0}});
  const TransitModel model(t, {{{0, 0}}, {{3000, 0}}}, 8.0, 9.0, {});
  const auto loads = model.assign(trips_a_to_b(100));
  EXPECT_NEAR(loads.route_boardings[0], 100.0, 1e-9);
  EXPECT_NEAR(loads.route_boardings[1], 0.0, 1e-12);
  EXPECT_NEAR(loads.segment_load[0][0], 100.0, 1e-9);
}

TEST(OptimalStrategies, NoServiceInTheHourMeansNoPath) {
  auto t = two_stops({{6, 10.0}});
  t.patterns.departures_per_hour[0][8] = 0;
  const TransitModel model(t, {{{0, 0}}, {{3000, 0}}}, 8.0, 9.0, {});
  const auto loads = model.assign(trips_a_to_b(10));
  EXPECT_DOUBLE_EQ(loads.unassigned_trips, 10.0);
  EXPECT_EQ(model.service_departures(), 0.0);
}

TEST(OptimalStrategies, PeriodFrequencyIsTheMeanOverItsHours) {
  std::array<std::int32_t, service_hours> per_hour{};
  per_hour[7] = 10, per_hour[8] = 20;           // 07:00-09:00
  per_hour[22] = 4, per_hour[25] = 2, per_hour[5] = 6;  // 22:00, 01:00 (late trips of the day), 05:00
  EXPECT_DOUBLE_EQ(departures_per_hour(per_hour, 7, 9), 15.0);
  EXPECT_DOUBLE_EQ(departures_per_hour(per_hour, 7.5, 9), (0.5 * 10 + 20) / 1.5);  // part hours weigh by their share
  // 19:00-07:00 next day: 22:00 (4), 01:00 (2, GTFS hour 25) and 05:00 (6) over 12 hours
  EXPECT_DOUBLE_EQ(departures_per_hour(per_hour, 19, 31), 12.0 / 12.0);
}

TEST(OptimalStrategies, AZoneWalksFromItsNearestAccessPoint) {
  // Zone 0 has two parts: one 2.5 km from stop A, one at A itself; only the near one counts.
  const auto t = two_stops({{6, 10.0}});
  const TransitModel model(t, {{{-2500, 0}, {0, 0}}, {{3000, 0}}}, 8.0, 9.0, {});
  Skims s;
  s.zones = 2;
  model.skims(s);
  EXPECT_NEAR(s.pt_walk_min[1], 0.0, 1e-9);
  EXPECT_NEAR(model.service_departures(), 6.0, 1e-12);
}
