// Summary figures of a road network (lengths by class, lane-km, connectivity), used by reports.
#pragma once
#include <array>

#include "sim/core/city_model.hpp"

namespace sofiatwin::sim {

struct RoadNetworkStats {
  std::array<double, road_class_count> directed_km_by_class{};
  std::array<int, road_class_count> links_by_class{};
  double lane_km = 0.0;
  int weak_component_count = 0;
  int strong_component_count = 0;
  double largest_strong_component_node_share = 0.0;
};

RoadNetworkStats road_network_stats(const RoadNetwork& network);

}  // namespace sofiatwin::sim
