#include "network_stats.hpp"

#include "sim/core/graph.hpp"

namespace sofiatwin::sim {

RoadNetworkStats road_network_stats(const RoadNetwork& network) {
  RoadNetworkStats stats;
  const auto& links = network.links;
  for (std::size_t i = 0; i < links.size(); ++i) {
    const auto c = static_cast<std::size_t>(links.road_class[i]);
    stats.directed_km_by_class[c] += links.length_m[i] / 1000.0;
    ++stats.links_by_class[c];
    if (links.road_class[i] != RoadClass::connector) stats.lane_km += links.lanes[i] * links.length_m[i] / 1000.0;
  }
  const auto node_count = static_cast<std::int32_t>(network.nodes.size());
  if (node_count == 0) return stats;
  stats.weak_component_count = component_count(weak_components(node_count, links.from_node, links.to_node));
  const auto strong = strong_components(build_csr(node_count, links.from_node, links.to_node));
  stats.strong_component_count = component_count(strong);
  std::size_t largest = 0;
  for (auto label : strong) largest += label == 0;
  stats.largest_strong_component_node_share = static_cast<double>(largest) / node_count;
  return stats;
}

}  // namespace sofiatwin::sim
