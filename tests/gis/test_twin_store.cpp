#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "gis/default_model.hpp"
#include "gis/errors.hpp"
#include "gis/twin_store.hpp"
#include "test_util.hpp"
#include "water_compare.hpp"

using namespace sofiatwin;
using namespace sofiatwin::gis;

namespace {

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

void expect_same_model(const CityModel& a, const CityModel& b) {
  EXPECT_EQ(a.crs, b.crs);
  EXPECT_EQ(a.zones.code, b.zones.code);
  EXPECT_EQ(a.zones.population, b.zones.population);
  EXPECT_EQ(a.zones.boundary, b.zones.boundary);
  EXPECT_EQ(a.zones.district, b.zones.district);
  EXPECT_EQ(a.traffic_zones.code, b.traffic_zones.code);
  EXPECT_EQ(a.traffic_zones.population, b.traffic_zones.population);
  EXPECT_EQ(a.traffic_zones.boundary, b.traffic_zones.boundary);
  EXPECT_EQ(a.traffic_zones.district, b.traffic_zones.district);
  EXPECT_EQ(a.places.name, b.places.name);
  EXPECT_EQ(a.places.position, b.places.position);
  EXPECT_EQ(a.places.district, b.places.district);
  EXPECT_EQ(a.parking.name, b.parking.name);
  EXPECT_EQ(a.parking.rate_eur_per_h, b.parking.rate_eur_per_h);
  EXPECT_EQ(a.parking.boundary, b.parking.boundary);
  EXPECT_EQ(a.gateways.name, b.gateways.name);
  EXPECT_EQ(a.gateways.position, b.gateways.position);
  EXPECT_EQ(a.gateways.vehicles_per_day, b.gateways.vehicles_per_day);
  EXPECT_EQ(a.roads.nodes.position, b.roads.nodes.position);
  ASSERT_EQ(a.roads.nodes.elevation_m.size(), b.roads.nodes.elevation_m.size());
  for (std::size_t i = 0; i < a.roads.nodes.elevation_m.size(); ++i)
    EXPECT_TRUE(same(a.roads.nodes.elevation_m[i], b.roads.nodes.elevation_m[i]));
  EXPECT_EQ(a.roads.links.from_node, b.roads.links.from_node);
  EXPECT_EQ(a.roads.links.to_node, b.roads.links.to_node);
  EXPECT_EQ(a.roads.links.length_m, b.roads.links.length_m);
  EXPECT_EQ(a.roads.links.capacity_veh_h, b.roads.links.capacity_veh_h);
  EXPECT_EQ(a.roads.links.road_class, b.roads.links.road_class);
  EXPECT_EQ(a.roads.links.shape, b.roads.links.shape);
  EXPECT_EQ(a.roads.links.name, b.roads.links.name);
  EXPECT_EQ(a.transit.stops.gtfs_id, b.transit.stops.gtfs_id);
  EXPECT_EQ(a.transit.stops.position, b.transit.stops.position);
  EXPECT_EQ(a.transit.patterns.stops, b.transit.patterns.stops);
  EXPECT_EQ(a.transit.patterns.segment_time_min, b.transit.patterns.segment_time_min);
  EXPECT_EQ(a.transit.patterns.departures_per_hour, b.transit.patterns.departures_per_hour);
  EXPECT_EQ(a.buildings.footprint, b.buildings.footprint);
  EXPECT_EQ(a.buildings.height_m, b.buildings.height_m);
  EXPECT_EQ(a.buildings.height_source, b.buildings.height_source);
  EXPECT_EQ(a.buildings.building_class, b.buildings.building_class);
  EXPECT_EQ(a.report.entries.size(), b.report.entries.size());
  EXPECT_EQ(a.elevation.columns, b.elevation.columns);
  EXPECT_EQ(a.elevation.rows, b.elevation.rows);
  ASSERT_EQ(a.elevation.height_m.size(), b.elevation.height_m.size());
  for (std::size_t i = 0; i < a.elevation.height_m.size(); ++i)
    ASSERT_TRUE(same(a.elevation.height_m[i], b.elevation.height_m[i])) << "cell " << i;
  // the water network: ids, topology and geometry exactly; numbers through the layers' SI values
  EXPECT_EQ(a.water.network.name, b.water.network.name);
  test::expect_same_water_network(a.water.network, b.water.network, 1e-11);
  EXPECT_EQ(a.water.node_position, b.water.node_position);
  EXPECT_EQ(a.water.link_shape, b.water.link_shape);
  EXPECT_EQ(a.water.pressure_zone, b.water.pressure_zone);
}

}  // namespace

TEST(TwinStore, DefaultModelRoundTripsExactly) {
  const auto dir = test::temp_dir("roundtrip");
  const auto model = build_default_model({}, {});
  ASSERT_FALSE(model.water.empty());
  const std::string path = (dir / "twin.gpkg").string();
  write_twin(model, path, {{"tool_version", "test"}});
  const auto back = read_twin(path);
  expect_same_model(model, back);
  EXPECT_EQ(read_twin_metadata(path).at("tool_version"), "test");
  // and a second generation is identical again
  write_twin(back, (dir / "twin2.gpkg").string(), {});
  expect_same_model(back, read_twin((dir / "twin2.gpkg").string()));
}

TEST(TwinStore, OgrinfoOpensTheStoreAsAValidGeoPackage) {
  const auto dir = test::temp_dir("ogrinfo");
  const std::string path = (dir / "twin.gpkg").string();
  write_twin(build_default_model({}, {}), path, {});
  const std::string out = (dir / "ogrinfo.txt").string();
  ASSERT_EQ(std::system(("ogrinfo -ro -so " + path + " > " + out + " 2>&1").c_str()), 0);
  std::ifstream in(out);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  for (const char* layer : {"zones", "road_nodes", "road_links", "transit_stops", "transit_routes", "buildings", "import_report"})
    EXPECT_NE(text.find(layer), std::string::npos) << layer;
  EXPECT_EQ(text.find("ERROR"), std::string::npos) << text;
  // SQLite's own integrity check through GDAL's SQL
  ASSERT_EQ(std::system(("ogrinfo -ro " + path + " -sql 'PRAGMA integrity_check' > " + out + " 2>&1").c_str()), 0);
  std::ifstream in2(out);
  const std::string check((std::istreambuf_iterator<char>(in2)), {});
  EXPECT_NE(check.find("= ok"), std::string::npos) << check;
}

TEST(TwinStore, DamagedDistrictIdIsANamedError) {
  const auto dir = test::temp_dir("damaged");
  const std::string path = (dir / "twin.gpkg").string();
  write_twin(build_default_model({}, {}), path, {});
  ASSERT_EQ(std::system(("ogrinfo -q " + path + " -sql \"UPDATE traffic_zones SET district = 99 WHERE id = 3\" > /dev/null 2>&1").c_str()), 0);
  try {
    read_twin(path);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'traffic_zones' feature 4: field 'district': = 99 is not a district id"), std::string::npos)
        << e.what();
  }
}
