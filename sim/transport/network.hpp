// Road network and demand for static traffic assignment: arrays in link order, CSR built once.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/graph.hpp"

namespace sofiatwin::transport {

/// Links in input order; BPR cost t = t0 (1 + B (x / c)^P) plus generalised-cost terms.
struct TrafficNetwork {
  std::int32_t node_count = 0;
  std::int32_t zone_count = 0;         // zones are nodes [0, zone_count)
  std::int32_t first_thru_node = 0;    // zones below it are never passed through (0-based)
  std::vector<std::int32_t> from, to;  // 0-based node ids
  std::vector<double> capacity_veh_h, length, free_flow_time_min, b, power, toll;
  std::vector<std::int32_t> link_type;
  [[nodiscard]] std::size_t link_count() const { return from.size(); }
};

/// Dense origin-destination demand, zone_count x zone_count, row = origin (veh/h).
struct OdMatrix {
  std::int32_t zone_count = 0;
  std::vector<double> trips;
  [[nodiscard]] double at(std::int32_t o, std::int32_t d) const { return trips[static_cast<std::size_t>(o) * zone_count + d]; }
  [[nodiscard]] double total() const;
};

/// Weights of the generalised cost: cost = time + toll_factor * toll + distance_factor * length.
struct CostWeights {
  double toll_factor = 0.0;
  double distance_factor = 0.0;
};

}  // namespace sofiatwin::transport
