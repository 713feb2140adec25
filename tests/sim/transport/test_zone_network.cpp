// Zones joined to a street grid: connectors spread over each zone, none onto motorways, zones off
// the network flagged, road links keeping their twin ids; activity from floor space.
#include <gtest/gtest.h>

#include <set>

#include "sim/transport/activity.hpp"
#include "sim/transport/zone_network.hpp"

using namespace sofiatwin;
using namespace sofiatwin::transport;

namespace {

/// A two-way street grid of n x n nodes 250 m apart; the bottom row is a motorway.
RoadNetwork grid(int n) {
  RoadNetwork net;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) net.nodes.position.push_back({i * 250.0, j * 250.0});
  net.nodes.elevation_m.assign(net.nodes.size(), 0.0);
  auto link = [&](int a, int b, RoadClass cls) {
    for (auto [f, t] : {std::pair{a, b}, {b, a}}) {
      net.links.from_node.push_back(f);
      net.links.to_node.push_back(t);
      net.links.length_m.push_back(250.0);
      net.links.lanes.push_back(1);
      net.links.speed_kmh.push_back(cls == RoadClass::motorway ? 100 : 30);
      net.links.capacity_veh_h.push_back(600);
      net.links.road_class.push_back(cls);
      net.links.source_id.push_back(0);
      net.links.name.emplace_back();
      net.links.component.push_back(0);
      net.links.shape.push_back({net.nodes.position[static_cast<std::size_t>(f)], net.nodes.position[static_cast<std::size_t>(t)]});
    }
  };
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      if (i + 1 < n) link(j * n + i, j * n + i + 1, j == 0 ? RoadClass::motorway : RoadClass::residential);
      if (j + 1 < n && i > 0) link(j * n + i, (j + 1) * n + i, RoadClass::residential);
    }
  return net;
}

Zones square_zones(const std::vector<BoundingBox>& boxes) {
  Zones z;
  for (std::size_t k = 0; k < boxes.size(); ++k) {
    const auto& b = boxes[k];
    z.code.push_back("Z" + std::to_string(k));
    z.name.push_back(z.code.back());
    z.population.push_back(1000);
    z.population_attribute.push_back(1000);
    z.centroid.push_back({(b.min_x_m + b.max_x_m) / 2, (b.min_y_m + b.max_y_m) / 2});
    z.boundary.push_back({{{{b.min_x_m, b.min_y_m}, {b.max_x_m, b.min_y_m}, {b.max_x_m, b.max_y_m}, {b.min_x_m, b.max_y_m}, {b.min_x_m, b.min_y_m}}}});
    z.district.push_back(0);
  }
  return z;
}

}  // namespace

TEST(ZoneNetwork, ConnectorsSpreadOverTheZoneAndAvoidMotorways) {
  const auto roads = grid(9);  // 2 x 2 km
  const auto zones = square_zones({{0, 0, 2000, 2000}});
  ConnectorParameters p;
  p.area_per_connector_km2 = 0.5;  // 4 km2 -> clamped to max 6, at least 2: 6 parts
  const auto zn = build_zone_network(roads, zones, {}, p);
  ASSERT_EQ(zn.road_link_count, static_cast<std::int32_t>(roads.links.size()));
  // road links keep their ids and ends (shifted by the one zone node)
  for (std::size_t a = 0; a < roads.links.size(); ++a) {
    EXPECT_EQ(zn.net.from[a], roads.links.from_node[a] + 1);
    EXPECT_EQ(zn.net.to[a], roads.links.to_node[a] + 1);
  }
  const auto connectors = zn.net.link_count() - roads.links.size();
  EXPECT_EQ(zn.access_points[0].size(), 6u);
  EXPECT_GE(connectors, 2u * 4u);  // several distinct access nodes, two links each
  std::set<std::int32_t> nodes;
  for (std::size_t a = roads.links.size(); a < zn.net.link_count(); ++a) {
    const auto node = zn.net.from[a] == 0 ? zn.net.to[a] : zn.net.from[a];
    nodes.insert(node);
    EXPECT_GE(node - 1, 9) << "a connector onto the motorway row";  // road nodes 0..8 lie only on the motorway
    EXPECT_EQ(zn.net.b[a], 0.0);  // connectors have constant cost
  }
  // spread: the access nodes cover more than a quarter of the zone's width and height
  BoundingBox box;
  for (auto v : nodes) box.extend(roads.nodes.position[static_cast<std::size_t>(v - 1)]);
  EXPECT_GT(box.max_x_m - box.min_x_m, 500.0);
  EXPECT_GT(box.max_y_m - box.min_y_m, 500.0);
  EXPECT_TRUE(zn.covered[0]);
}

TEST(ZoneNetwork, AZoneFarFromTheStreetsIsNotCovered) {
  const auto roads = grid(5);
  const auto zones = square_zones({{0, 0, 1000, 1000}, {20000, 20000, 21000, 21000}});
  const auto zn = build_zone_network(roads, zones, {}, {});
  EXPECT_TRUE(zn.covered[0]);
  EXPECT_FALSE(zn.covered[1]);
  EXPECT_GT(zn.nearest_access_m[1], 20000.0);
}

TEST(ZoneNetwork, JunctionDelaysAndSignalCapacityByRoadClass) {
  const auto roads = grid(3);
  RoadParameters r;
  r.junction_delay_s[static_cast<std::size_t>(RoadClass::residential)] = 30.0;
  r.capacity_factor[static_cast<std::size_t>(RoadClass::residential)] = 0.5;
  const auto zn = build_zone_network(roads, square_zones({{0, 0, 500, 500}}), {}, {}, r);
  for (std::size_t a = 0; a < roads.links.size(); ++a) {
    const bool residential = roads.links.road_class[a] == RoadClass::residential;
    EXPECT_NEAR(zn.net.free_flow_time_min[a], roads.links.free_flow_time_min(a) + (residential ? 0.5 : 0.0), 1e-12);
    EXPECT_NEAR(zn.net.capacity_veh_h[a], residential ? 300.0 : 600.0, 1e-12);
  }
}

TEST(Activity, JobsFromFloorSpaceByUseAndFallbackWhereThereAreNoBuildings) {
  const auto zones = square_zones({{0, 0, 1000, 1000}, {1000, 0, 2000, 1000}});
  Buildings b;
  auto add = [&](double x, const char* cls, double height_m) {
    b.footprint.push_back({{{x, 100}, {x + 20, 100}, {x + 20, 150}, {x, 150}, {x, 100}}});  // 1 000 m2
    b.building_class.emplace_back(cls);
    b.height_m.push_back(height_m);
    b.height_source.push_back(HeightSource::attribute);
    b.base_elevation_m.push_back(0);
    b.source_id.push_back(0);
  };
  add(100, "office", 12);      // 4 storeys: 4 000 m2 at 6 jobs / 100 m2 = 240
  add(300, "retail", 3);       // 1 000 m2 at 4 = 40 (service jobs too)
  add(500, "school", 9);       // 3 000 m2: 30 jobs, 240 places
  add(700, "apartments", 30);  // no jobs
  Places places;
  places.kind = {PlaceKind::municipality, PlaceKind::district_administration};
  places.name = {"city hall", "district"};
  places.position = {{500, 500}, {1500, 500}};
  places.district = {0, 0};
  ActivityParameters p;
  const auto a = zone_activity(zones, b, places, p, {0, 0});
  EXPECT_NEAR(a.of(Activity::jobs)[0], 240 + 40 + 30, 1e-9);
  EXPECT_NEAR(a.of(Activity::service_jobs)[0], 40, 1e-9);
  EXPECT_NEAR(a.of(Activity::education_places)[0], 240, 1e-9);
  EXPECT_FALSE(a.fallback[0]);
  EXPECT_TRUE(a.fallback[1]);  // no buildings: jobs from residents and the distance to the centre
  EXPECT_GT(a.of(Activity::jobs)[1], 0.0);
  EXPECT_EQ(a.fallback_zones(), 1u);
  EXPECT_DOUBLE_EQ(a.of(Activity::administration_visits)[0], p.municipality_visit_weight);
  EXPECT_DOUBLE_EQ(a.of(Activity::administration_visits)[1], 1.0);
  EXPECT_EQ(building_use("yes"), BuildingUse::other);
  EXPECT_EQ(building_use("garage"), BuildingUse::ancillary);
}
