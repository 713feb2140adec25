#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <map>
#include <set>

#include "gis/default_model.hpp"
#include "sim/network_stats.hpp"
#include "sim/water/scenario.hpp"
#include "sim/water/simulation.hpp"

using namespace sofiatwin;
using namespace sofiatwin::gis;

class DefaultModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { model_ = new CityModel(build_default_model({}, {})); }
  static void TearDownTestSuite() { delete model_; }
  static CityModel* model_;
};
CityModel* DefaultModel::model_ = nullptr;

TEST_F(DefaultModel, TwentyFourDistrictsWithFactualPopulationAndArea) {
  const auto& z = model_->zones;
  ASSERT_EQ(z.size(), 24u);
  double population = 0, area_km2 = 0;
  for (std::size_t i = 0; i < z.size(); ++i) population += z.population[i], area_km2 += area_m2(z.boundary[i]) / 1e6;
  EXPECT_DOUBLE_EQ(population, 1214488.0);  // sum of assets/sofia/districts.csv
  EXPECT_NEAR(area_km2, 1341.4, 1341.4 * 0.02);
  // each district's area comes near its official area (Mladost 15: 16.56 km2 in FACTS.md)
  EXPECT_EQ(z.code[14], "68134-15");
  EXPECT_NEAR(area_m2(z.boundary[14]) / 1e6, 16.56, 0.5);
  const double official_km2[] = {3.01, 6.01, 2.97, 2.62, 18.79, 10.73, 13.70, 4.19, 9.24, 9.27, 9.84, 3.26,
                                 21.09, 25.92, 16.56, 9.13, 123.68, 41.76, 20.97, 43.75, 217.77, 261.76, 407.26, 58.11};
  for (std::size_t i = 0; i < z.size(); ++i)
    EXPECT_NEAR(area_m2(z.boundary[i]) / 1e6, official_km2[i], official_km2[i] * 0.25) << z.name[i];
}

TEST_F(DefaultModel, RoadGraphHasHierarchyAndIsStronglyConnected) {
  const auto s = sim::road_network_stats(model_->roads);
  EXPECT_GT(model_->roads.links.size(), 3000u);
  EXPECT_EQ(s.strong_component_count, 1);
  for (auto c : {RoadClass::motorway, RoadClass::trunk, RoadClass::primary, RoadClass::secondary, RoadClass::tertiary,
                 RoadClass::residential})
    EXPECT_GT(s.links_by_class[static_cast<int>(c)], 0) << road_class_name(c);
  // more minor than major roads
  EXPECT_GT(s.links_by_class[static_cast<int>(RoadClass::residential)], s.links_by_class[static_cast<int>(RoadClass::primary)]);
}

TEST_F(DefaultModel, MetroTramsTrolleybusesAndBuses) {
  const auto& t = model_->transit;
  std::map<int, std::set<std::string>> lines;
  std::map<int, int> departures;
  for (std::size_t p = 0; p < t.patterns.size(); ++p) {
    const auto r = static_cast<std::size_t>(t.patterns.route[p]);
    lines[t.routes.gtfs_type[r]].insert(t.routes.short_name[r]);
    for (auto d : t.patterns.departures_per_hour[p]) departures[t.routes.gtfs_type[r]] += d;
  }
  EXPECT_EQ(lines[1], (std::set<std::string>{"M1", "M2", "M3", "M4"}));
  EXPECT_EQ(lines[0].size(), 17u);   // the tram lines of the 2026 GTFS feed (assets/sofia/surface_service.csv)
  EXPECT_EQ(lines[11].size(), 10u);  // trolleybus lines
  EXPECT_GE(lines[3].size(), 60u);   // synthetic buses along the boulevards and the lattice
  // the feed has 9 618 weekday bus trips on 104 routes; the synthetic network is of that size (+-25 %)
  EXPECT_NEAR(departures[3], 9618, 0.25 * 9618);
  // metro stations: 60 line-stations, 13 shared by M1 and M4
  std::set<std::int32_t> metro_stops;
  for (std::size_t p = 0; p < t.patterns.size(); ++p)
    if (t.routes.gtfs_type[static_cast<std::size_t>(t.patterns.route[p])] == 1) metro_stops.insert(t.patterns.stops[p].begin(), t.patterns.stops[p].end());
  EXPECT_EQ(metro_stops.size(), 47u);
  for (std::size_t p = 0; p < t.patterns.size(); ++p) {
    const auto& d = t.patterns.departures_per_hour[p];
    EXPECT_EQ(d[3], 0);                                               // no service at 03:00
    EXPECT_GE(d[8] + 1, d[20]) << t.routes.short_name[static_cast<std::size_t>(t.patterns.route[p])];  // the evening is not busier than the peak
  }
}

TEST_F(DefaultModel, TrafficZonesNestInDistrictsAndHoldTheirPopulation) {
  const auto& tz = model_->traffic_zones;
  EXPECT_GE(tz.size(), 150u);
  EXPECT_LE(tz.size(), 300u);
  std::vector<double> by_district(model_->zones.size(), 0.0);
  std::vector<int> zones_in(model_->zones.size(), 0);
  for (std::size_t z = 0; z < tz.size(); ++z) {
    ASSERT_GE(tz.district[z], 0);
    by_district[static_cast<std::size_t>(tz.district[z])] += tz.population[z];
    ++zones_in[static_cast<std::size_t>(tz.district[z])];
    // the code names the district it nests in
    EXPECT_EQ(tz.code[z].substr(0, 8), model_->zones.code[static_cast<std::size_t>(tz.district[z])]) << tz.code[z];
  }
  for (std::size_t d = 0; d < model_->zones.size(); ++d) {
    EXPECT_NEAR(by_district[d], model_->zones.population[d], 1e-6 * model_->zones.population[d]) << model_->zones.name[d];
    EXPECT_GE(zones_in[d], 1);
  }
  // Mladost (100 924 inhabitants) gets many zones, Bankya (12 747) few
  EXPECT_GE(zones_in[14], 15);
  EXPECT_LE(zones_in[23], 3);
  // zones cover the districts' area (same cells), and each is mostly of one piece
  double tz_area = 0, d_area = 0;
  for (const auto& b : tz.boundary) tz_area += area_m2(b);
  for (const auto& b : model_->zones.boundary) d_area += area_m2(b);
  EXPECT_NEAR(tz_area, d_area, 1e-6 * d_area);
}

TEST_F(DefaultModel, WorkplacesSchoolsAndKeyPlaces) {
  std::map<std::string, double> floor_m2;
  for (std::size_t b = 0; b < model_->buildings.size(); ++b)
    floor_m2[model_->buildings.building_class[b]] += polygon_area_m2(model_->buildings.footprint[b]) * std::round(model_->buildings.height_m[b] / 3.0);
  // floor space for Sofia's 768 000 jobs at the employment densities (office 16.7 m2 a job, ...)
  EXPECT_GT(floor_m2["office"], 3e6);
  EXPECT_GT(floor_m2["industrial"], 3e6);
  EXPECT_GT(floor_m2["retail"], 1e6);
  EXPECT_NEAR(floor_m2["school"], 118000 * 12.5, 0.1 * 118000 * 12.5);
  EXPECT_NEAR(floor_m2["university"], 87382 * 12.5, 0.15 * 87382 * 12.5);
  EXPECT_GT(floor_m2["apartments"], floor_m2["office"]);
  // the municipality and 24 district administrations, each inside a district
  ASSERT_EQ(model_->places.size(), 25u);
  EXPECT_EQ(std::count(model_->places.kind.begin(), model_->places.kind.end(), PlaceKind::municipality), 1);
  for (auto d : model_->places.district) EXPECT_GE(d, 0);
  // the Blue and Green paid-parking zones of the centre
  ASSERT_EQ(model_->parking.size(), 2u);
  const auto city_hall = std::find(model_->places.kind.begin(), model_->places.kind.end(), PlaceKind::municipality) - model_->places.kind.begin();
  EXPECT_EQ(model_->parking.rate_at(model_->places.position[static_cast<std::size_t>(city_hall)]), 2.0);  // the city hall is in the Blue zone
  EXPECT_EQ(model_->parking.rate_at(model_->zones.centroid[0]), 1.0);  // Sredets' label point, south-east of it, in the Green zone
  EXPECT_EQ(model_->parking.rate_at(model_->zones.centroid[18]), 0.0);  // Lyulin has none
}

TEST_F(DefaultModel, TensOfThousandsOfBuildingsAndRealisticTerrain) {
  EXPECT_GT(model_->buildings.size(), 20000u);
  std::size_t by_source[3] = {};
  for (auto s : model_->buildings.height_source) ++by_source[static_cast<int>(s)];
  for (auto n : by_source) EXPECT_GT(n, 0u);
  float lo = 1e9f, hi = -1e9f;
  for (float v : model_->elevation.height_m)
    if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  EXPECT_NEAR(hi, 2290.0f, 30.0f);  // Cherni Vrah
  EXPECT_GT(lo, 450.0f);
  for (double e : model_->roads.nodes.elevation_m) EXPECT_FALSE(std::isnan(e));
}

TEST_F(DefaultModel, DeterministicForTheSameSeed) {
  const auto again = build_default_model({}, {});
  EXPECT_EQ(again.roads.links.shape, model_->roads.links.shape);
  EXPECT_EQ(again.buildings.footprint, model_->buildings.footprint);
  EXPECT_EQ(again.buildings.height_m, model_->buildings.height_m);
  ASSERT_EQ(again.sources.size(), model_->sources.size());
  for (std::size_t i = 0; i < again.sources.size(); ++i) EXPECT_EQ(again.sources[i].sha256, model_->sources[i].sha256);
  EXPECT_EQ(again.water.network.node_id, model_->water.network.node_id);
  EXPECT_EQ(again.water.network.diameter_ft, model_->water.network.diameter_ft);
  EXPECT_EQ(again.water.network.demand_cfs, model_->water.network.demand_cfs);
  EXPECT_EQ(again.water.network.emitter_coefficient, model_->water.network.emitter_coefficient);
  const auto other_seed = build_default_model({.seed = 7}, {});
  EXPECT_NE(other_seed.buildings.height_m, model_->buildings.height_m);
}

// The generated water network (assets/README.md, "Water network"): along the street lattice, fed
// by the three treatment plants, pressure zones with PRVs on the slopes towards Vitosha.
TEST_F(DefaultModel, WaterNetworkFollowsTheStreetsWithZonesAndPlants) {
  const auto& w = model_->water;
  const auto& n = w.network;
  ASSERT_FALSE(w.empty());
  EXPECT_EQ(n.units.flow_name, "LPS");
  EXPECT_GT(n.junction_count, 4000);
  std::set<std::string> plants, zones;
  for (std::size_t v = 0; v < n.node_count(); ++v) {
    if (n.node_type[v] == water::NodeType::reservoir) plants.insert(n.node_id[v]);
    if (n.node_type[v] == water::NodeType::junction && !w.pressure_zone[v].empty()) zones.insert(w.pressure_zone[v]);
  }
  EXPECT_EQ(plants, (std::set<std::string>{"Bistritsa", "Pancharevo", "Boyana"}));
  EXPECT_GE(zones.size(), 6u);
  int prvs = 0;
  for (auto t : n.link_type) prvs += t == water::LinkType::prv;
  EXPECT_GE(prvs, 10);
  // every junction lies on a road node of the model (the network follows the streets)
  std::set<std::pair<double, double>> road_nodes;
  for (auto p : model_->roads.nodes.position) road_nodes.insert({p.x_m, p.y_m});
  for (std::int32_t v = 0; v < n.junction_count; ++v)
    EXPECT_TRUE(road_nodes.count({w.node_position[static_cast<std::size_t>(v)].x_m, w.node_position[static_cast<std::size_t>(v)].y_m}))
        << n.node_id[static_cast<std::size_t>(v)];
  // demand: 160 L per served inhabitant per day, most of the population served
  double demand_lps = 0;
  for (double d : n.demand_cfs) demand_lps += d * n.units.flow_per_cfs;
  const double served = demand_lps * 86400.0 / 160.0;
  EXPECT_GT(served, 0.93 * 1214488.0);  // 94 %: outlying villages beyond 2 km of a pipe are not
  EXPECT_LE(served, 1214488.0 * 1.0001);
}

TEST_F(DefaultModel, WaterNetworkSolvesOverTheDayWithRealisticPressuresAndLeakage) {
  const auto& n = model_->water.network;
  double min_pressure_m = 1e9, max_pressure_m = -1e9;
  int reports = 0;
  // converged 1000 times tighter than the file asks (to 1e-6 of the sum of link flows): PRV flows
  // follow the flows around them one iteration late (as in EPANET), so the balance holds to that
  const auto result = water::simulate(n, [&](long, const water::HydraulicState& s) {
    ++reports;
    EXPECT_TRUE(s.converged);
    // mass balance of the whole network: the plants' outflow is the demand plus the leakage
    double supply = 0, consumed = 0;
    for (std::size_t v = 0; v < n.node_count(); ++v) {
      if (n.node_type[v] == water::NodeType::reservoir) supply -= s.demand_cfs[v];
      else consumed += s.demand_cfs[v];
    }
    for (std::size_t j = 0; j < s.emitter_cfs.size(); ++j) consumed += s.emitter_cfs[j];
    double total_flow = 0;
    for (double q : s.flow_cfs) total_flow += std::abs(q);
    EXPECT_NEAR(supply, consumed, 1e-6 * (total_flow + consumed));
    for (std::int32_t j = 0; j < n.junction_count; ++j) {
      const auto v = static_cast<std::size_t>(j);
      if (n.demand_begin[v + 1] == n.demand_begin[v]) continue;  // transmission-main ends
      const double p = (s.head_ft[v] - n.elevation_ft[v]) * 0.3048;
      min_pressure_m = std::min(min_pressure_m, p), max_pressure_m = std::max(max_pressure_m, p);
    }
  }, 1e-3);
  EXPECT_FALSE(result.halted) << result.halt_reason;
  EXPECT_TRUE(result.warnings.empty());
  EXPECT_EQ(reports, 25);
  // realistic service pressures (Sofiyska Voda: roughly 2.5 to 6 bar; 10 m at the peak hour at worst)
  EXPECT_GT(min_pressure_m, 10.0);
  EXPECT_LT(max_pressure_m, 80.0);
  // physical losses near the stated 40 % of the system input over the day
  const auto kpis = water::simulate_kpis(n, 20.0);
  const double share = kpis.leakage_m3 / (kpis.leakage_m3 + kpis.delivered_m3);
  EXPECT_NEAR(share, 0.40, 0.05);
  double demand_lps = 0;
  for (double d : n.demand_cfs) demand_lps += d * n.units.flow_per_cfs;
  EXPECT_NEAR(kpis.delivered_m3, demand_lps * 86.4, 1e-3 * demand_lps * 86.4);  // the diurnal pattern averages 1
}
