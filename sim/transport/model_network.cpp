#include "model_network.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <limits>

#include "sim/transport/shortest_path.hpp"

namespace sofiatwin::transport {

TrafficNetwork road_assignment_network(const RoadNetwork& roads) {
  TrafficNetwork net;
  net.node_count = static_cast<std::int32_t>(roads.nodes.size());
  net.zone_count = roads.zone_count;
  net.first_thru_node = roads.zone_count;
  const auto& l = roads.links;
  for (std::size_t a = 0; a < l.size(); ++a) {
    const bool connector = l.road_class[a] == RoadClass::connector;
    net.from.push_back(l.from_node[a]);
    net.to.push_back(l.to_node[a]);
    net.capacity_veh_h.push_back(l.capacity_veh_h[a]);
    net.length.push_back(l.length_m[a] / 1000.0);
    net.free_flow_time_min.push_back(l.free_flow_time_min(a));
    net.b.push_back(connector ? 0.0 : 0.15);
    net.power.push_back(4.0);
    net.toll.push_back(0.0);
    net.link_type.push_back(static_cast<std::int32_t>(l.road_class[a]));
  }
  return net;
}

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
