#include <gtest/gtest.h>

#include "sim/network_stats.hpp"

using namespace sofiatwin;

TEST(NetworkStats, LengthsByClassAndComponents) {
  RoadNetwork net;
  net.nodes.position = {{0, 0}, {1000, 0}, {2000, 0}};
  net.nodes.elevation_m.assign(3, 0.0);
  auto& l = net.links;
  l.from_node = {0, 1, 1};
  l.to_node = {1, 0, 2};
  l.length_m = {1000, 1000, 1000};
  l.lanes = {2, 2, 1};
  l.road_class = {RoadClass::primary, RoadClass::primary, RoadClass::residential};
  const auto s = sim::road_network_stats(net);
  EXPECT_DOUBLE_EQ(s.directed_km_by_class[static_cast<int>(RoadClass::primary)], 2.0);
  EXPECT_DOUBLE_EQ(s.lane_km, 5.0);
  EXPECT_EQ(s.weak_component_count, 1);
  EXPECT_EQ(s.strong_component_count, 2);  // node 2 is a one-way dead end
}
