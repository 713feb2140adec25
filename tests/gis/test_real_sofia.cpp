// Acceptance on the real Sofia layers in ../shared/data (read in place, never copied).
#include <gtest/gtest.h>

#include <cmath>

#include "gis/importer.hpp"
#include "sim/network_stats.hpp"
#include "test_util.hpp"

using namespace sofiatwin;
using namespace sofiatwin::gis;

class RealSofia : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!test::shared_data_present()) return;
    ImportSources s;
    s.districts = test::shared_data("sofia/admin/sofia_admin.gpkg") + ":districts";
    s.neighbourhoods = test::shared_data("sofia/admin/sofia.kvartali.json");
    s.gtfs = test::shared_data("sofia/transit/sofia_gtfs_20260419.zip");
    s.population = test::shared_data("sofia/population/ghs_pop_2020_sofia_120m_mollweide.tif");
    s.roads = test::shared_data("sofia/osm_center/sofia_center_osm.gpkg") + ":roads";
    s.buildings = test::shared_data("sofia/osm_center/sofia_center_osm.gpkg") + ":buildings";
    s.dem = test::shared_data("sofia/osm_center/vitosha_dem.tif");
    model_ = new CityModel(import_city(s, {}));
  }
  static void TearDownTestSuite() { delete model_; }
  void SetUp() override {
    if (!model_) GTEST_SKIP() << "../shared/data is not present";
  }
  static std::size_t report_count(const std::string& text) {
    std::size_t n = 0;
    for (const auto& e : model_->report.entries) n += e.message.find(text) != std::string::npos;
    return n;
  }
  static CityModel* model_;
};
CityModel* RealSofia::model_ = nullptr;

TEST_F(RealSofia, Counts) {
  EXPECT_EQ(model_->zones.size(), 24u);
  EXPECT_EQ(model_->neighbourhoods.size(), 310u);
  EXPECT_EQ(model_->transit.stops.size(), 2870u);
  EXPECT_EQ(model_->transit.routes.size(), 138u);
  EXPECT_EQ(model_->buildings.size(), 18000u);
}

TEST_F(RealSofia, PopulationIsTheRasterSumInsideTheMunicipality) {
  double total = 0;
  for (double p : model_->zones.population) total += p;
  EXPECT_NEAR(total, 976251.0, 976251.0 * 0.005);  // PROVENANCE.md: rasterised districts
  double neighbourhoods = 0;
  for (double p : model_->neighbourhoods.population) neighbourhoods += p;
  EXPECT_NEAR(neighbourhoods, total, total * 0.01);  // the same people, a finer zoning
}

TEST_F(RealSofia, InvalidNeighbourhoodsRepairedNotDropped) {
  std::vector<std::string> repaired;
  for (const auto& e : model_->report.entries)
    if (e.message.find("repaired with MakeValid") != std::string::npos) repaired.push_back(e.feature);
  EXPECT_EQ(repaired, (std::vector<std::string>{"feature 258", "feature 284"}));
}

TEST_F(RealSofia, RoadGraphConnectedAndComponentsExplained) {
  const auto& links = model_->roads.links;
  std::size_t road_links = 0, in_main = 0;
  for (std::size_t i = 0; i < links.size(); ++i) {
    if (links.road_class[i] == RoadClass::connector) continue;
    ++road_links;
    in_main += links.component[i] == 0;
  }
  EXPECT_GT(road_links, 2 * 2759u);  // two-way lines, split at junctions
  EXPECT_GT(static_cast<double>(in_main) / static_cast<double>(road_links), 0.99);
  const auto stats = sim::road_network_stats(model_->roads);
  EXPECT_EQ(report_count("not connected to the main graph"), static_cast<std::size_t>(stats.weak_component_count - 1));
  EXPECT_GT(stats.largest_strong_component_node_share, 0.99);
  // every road length is the length of its shape, and positive
  for (std::size_t i = 0; i < links.size(); ++i) {
    EXPECT_GT(links.length_m[i], 0.0);
    EXPECT_NEAR(links.length_m[i], length_m(links.shape[i]), 1e-6);
  }
}

TEST_F(RealSofia, ElevationsFromTheDem) {
  const auto& n = model_->roads.nodes;
  for (std::size_t v = 0; v < n.size(); ++v) {
    ASSERT_FALSE(std::isnan(n.elevation_m[v])) << "node " << v;
    EXPECT_GE(n.elevation_m[v], 501.0);
    EXPECT_LE(n.elevation_m[v], 2275.0);
  }
}

TEST_F(RealSofia, EverythingInsideTheMunicipalityAfterReprojection) {
  BoundingBox municipality;
  for (const auto& b : model_->zones.boundary) municipality.extend(bounds(b));
  // EPSG:7801 metres around Sofia (FACTS.md: centre near E 321 559, N 4 731 436)
  EXPECT_NEAR((municipality.min_x_m + municipality.max_x_m) / 2, 321559, 15000);
  EXPECT_NEAR((municipality.min_y_m + municipality.max_y_m) / 2, 4731436, 15000);
  for (auto p : model_->transit.stops.position) ASSERT_TRUE(municipality.contains(p));
  for (auto p : model_->roads.nodes.position) ASSERT_TRUE(municipality.contains(p));
  for (const auto& f : model_->buildings.footprint)
    for (auto p : f.front()) ASSERT_TRUE(municipality.contains(p));
  EXPECT_EQ(report_count("outside the zones' extent"), 0u);
}

TEST_F(RealSofia, BuildingHeightsFromAttribute) {
  for (std::size_t b = 0; b < model_->buildings.size(); ++b) {
    EXPECT_EQ(model_->buildings.height_source[b], HeightSource::attribute);
    EXPECT_GT(model_->buildings.height_m[b], 0.0);
  }
}

TEST(RealSofiaAlternatives, RegionsGeoJsonWithoutPopulationWarns) {
  if (!test::shared_data_present()) GTEST_SKIP() << "../shared/data is not present";
  ImportSources s;
  s.districts = test::shared_data("sofia/admin/sofia.regions.json");
  const auto m = import_city(s, {});
  EXPECT_EQ(m.zones.size(), 24u);
  bool warned = false;
  for (const auto& e : m.report.entries) warned |= e.message.find("no population field") != std::string::npos;
  EXPECT_TRUE(warned);
}
