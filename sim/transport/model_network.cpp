#include "model_network.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <limits>

#include "sim/transport/shortest_path.hpp"

namespace sofiatwin::transport {

void car_skims(const TrafficNetwork& net, const std::vector<double>& link_cost_min, Skims& out) {
  const ShortestPaths paths(net);
  const auto zones = net.zone_count;
  out.zones = zones;
  const auto n = static_cast<std::size_t>(zones) * zones;
  out.car_time_min.assign(n, std::numeric_limits<double>::infinity());
  out.car_distance_km.assign(n, std::numeric_limits<double>::infinity());
  const auto arc_cost = paths.arc_costs(link_cost_min);
  oneapi::tbb::parallel_for(0, zones, [&](std::int32_t o) {
    ShortestPathTree tree;
    paths.run(o, arc_cost, tree);
    std::vector<double> km(static_cast<std::size_t>(net.node_count), 0.0);
    for (auto v : tree.settle_order)
      if (tree.pred_link[v] >= 0) km[v] = km[net.from[tree.pred_link[v]]] + net.length[tree.pred_link[v]];
    for (std::int32_t d = 0; d < zones; ++d) {
      if (tree.pred_link[d] < 0 && d != o) continue;
      out.car_time_min[static_cast<std::size_t>(o) * zones + d] = tree.cost[d];
      out.car_distance_km[static_cast<std::size_t>(o) * zones + d] = km[d];
    }
  });
}

RoadKpis road_kpis(const TrafficNetwork& net, const std::vector<double>& flow, const std::vector<double>& cost_min) {
  RoadKpis k;
  for (std::size_t a = 0; a < net.link_count(); ++a) {
    if (net.link_type[a] == static_cast<std::int32_t>(RoadClass::connector)) continue;
    k.vehicle_hours += flow[a] * cost_min[a] / 60.0;
    k.vehicle_km += flow[a] * net.length[a];
    if (net.capacity_veh_h[a] > 0 && flow[a] / net.capacity_veh_h[a] > 0.9) k.congested_km += net.length[a];
  }
  k.average_speed_kmh = k.vehicle_hours > 0 ? k.vehicle_km / k.vehicle_hours : 0.0;
  return k;
}

}  // namespace sofiatwin::transport
