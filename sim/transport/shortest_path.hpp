// One-to-all shortest paths (Dijkstra, binary heap) on the CSR graph, and the all-or-nothing load
// parallel over origins with oneTBB. Deterministic: origins are split into fixed blocks whose
// partial loads are added in block order, whatever the thread count.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/core/graph.hpp"
#include "sim/transport/network.hpp"

namespace sofiatwin::transport {

struct ShortestPathTree {
  std::vector<double> cost;               // per node; +inf when unreachable
  std::vector<std::int32_t> pred_link;    // per node; -1 at the origin and unreachable nodes
  std::vector<std::int32_t> settle_order; // nodes in the order they were settled
  std::vector<std::int32_t> heap, heap_slot;  // workspace, reused between runs
};

class ShortestPaths {
 public:
  explicit ShortestPaths(const TrafficNetwork& net);
  /// Fills `tree` for `origin` with the given link costs. Zones other than the origin below the
  /// network's first thru node are reached but never passed through.
  void run(std::int32_t origin, const std::vector<double>& link_cost, ShortestPathTree& tree) const;
  [[nodiscard]] const CsrGraph& graph() const { return graph_; }

 private:
  CsrGraph graph_;
  std::int32_t first_thru_node_;
};

struct AllOrNothingResult {
  std::vector<double> link_flow;
  double shortest_path_total = 0.0;  // SPTT = sum of demand x shortest path cost
  double unassigned_trips = 0.0;     // demand between pairs with no path
};

/// Loads every OD pair's demand on its shortest path at the given link costs.
AllOrNothingResult all_or_nothing(const ShortestPaths& paths, const TrafficNetwork& net, const OdMatrix& od,
                                  const std::vector<double>& link_cost);

}  // namespace sofiatwin::transport
