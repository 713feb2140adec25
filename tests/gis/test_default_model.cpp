#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "gis/default_model.hpp"
#include "sim/network_stats.hpp"

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

TEST_F(DefaultModel, FourMetroLinesWithFactualStations) {
  const auto& t = model_->transit;
  ASSERT_EQ(t.routes.size(), 4u);
  EXPECT_EQ(t.stops.size(), 47u);  // 60 line-stations, 13 shared by M1 and M4
  EXPECT_EQ(t.patterns.size(), 8u);
  std::set<std::string> names(t.routes.short_name.begin(), t.routes.short_name.end());
  EXPECT_EQ(names, (std::set<std::string>{"M1", "M2", "M3", "M4"}));
  for (const auto& d : t.patterns.departures_per_hour) {
    EXPECT_EQ(d[3], 0);   // no service at 03:00
    EXPECT_GT(d[8], d[12]);  // peak more frequent than midday
  }
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
  const auto other_seed = build_default_model({.seed = 7}, {});
  EXPECT_NE(other_seed.buildings.height_m, model_->buildings.height_m);
}
