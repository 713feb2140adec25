// One-to-all shortest paths (Dijkstra, binary heap) on the CSR graph, and the all-or-nothing load
// parallel over origins with oneTBB. Deterministic: origins are split into fixed blocks whose
// partial loads are added in block order, whatever the thread count.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/core/graph.hpp"
#include "sim/transport/network.hpp"

namespace sofiatwin::transport {

struct HeapEntry {
  double cost;
  std::int32_t node;
};

struct ShortestPathTree {
  std::vector<double> cost;               // per node; +inf when unreachable
  std::vector<std::int32_t> pred_link;    // per node; -1 at the origin and unreachable nodes
  std::vector<std::int32_t> settle_order; // nodes in the order they were settled
  std::vector<HeapEntry> heap;            // workspace, reused between runs
  std::vector<std::int32_t> heap_slot;    // workspace: each node's heap position
};

/// Link costs laid out in the CSR arc order that Dijkstra scans (a type of its own so that
/// link-ordered costs cannot be passed by mistake).
struct ArcCosts {
  std::vector<double> cost;
};

class ShortestPaths {
 public:
  explicit ShortestPaths(const TrafficNetwork& net);
  /// Rearranges link costs into arc order for `run` (once per cost update, not per origin).
  void arc_costs(const std::vector<double>& link_cost, ArcCosts& out) const;
  [[nodiscard]] ArcCosts arc_costs(const std::vector<double>& link_cost) const;
  /// Fills `tree` for `origin`. Zones other than the origin below the network's first thru node
  /// are reached but never passed through (they never enter the heap). A tree never depends on the
  /// thread that computes it.
  void run(std::int32_t origin, const ArcCosts& arc_cost, ShortestPathTree& tree) const;
  [[nodiscard]] const CsrGraph& graph() const { return graph_; }
  /// The CSR arc of each link (inverse of graph().arc_link).
  [[nodiscard]] std::int32_t arc_of_link(std::int32_t link) const { return link_arc_[static_cast<std::size_t>(link)]; }

 private:
  CsrGraph graph_;
  std::vector<std::int32_t> link_arc_;
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
