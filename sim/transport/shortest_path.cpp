#include "shortest_path.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <functional>
#include <limits>

namespace sofiatwin::transport {

ShortestPaths::ShortestPaths(const TrafficNetwork& net)
    : graph_(build_csr(net.node_count, net.from, net.to)), link_arc_(net.link_count()), first_thru_node_(net.first_thru_node) {
  for (std::size_t arc = 0; arc < graph_.arc_link.size(); ++arc)
    link_arc_[static_cast<std::size_t>(graph_.arc_link[arc])] = static_cast<std::int32_t>(arc);
}

void ShortestPaths::arc_costs(const std::vector<double>& link_cost, ArcCosts& out) const {
  out.cost.resize(graph_.arc_link.size());
  for (std::size_t arc = 0; arc < out.cost.size(); ++arc) out.cost[arc] = link_cost[static_cast<std::size_t>(graph_.arc_link[arc])];
}

ArcCosts ShortestPaths::arc_costs(const std::vector<double>& link_cost) const {
  ArcCosts out;
  arc_costs(link_cost, out);
  return out;
}

namespace {

// Binary min-heap of (cost, node) with decrease-key (`slot` holds each node's position: -1 never
// queued, -2 settled). The pop moves the hole down along the smaller children to a leaf without
// comparing against the moved last entry, then sifts that entry up ("bottom-up" deletion): fewer
// unpredictable branches than the textbook sift-down.
class NodeHeap {
 public:
  NodeHeap(std::vector<HeapEntry>& heap, std::vector<std::int32_t>& slot, std::size_t node_count) : heap_(heap), slot_(slot) {
    heap_.clear();
    slot_.assign(node_count, -1);
  }
  [[nodiscard]] bool empty() const { return heap_.empty(); }
  /// Queues v with `cost`, or lowers its cost when it is queued already.
  void push_or_decrease(std::int32_t v, double cost) {
    auto i = slot_[static_cast<std::size_t>(v)];
    if (i < 0) {
      i = static_cast<std::int32_t>(heap_.size());
      heap_.push_back({cost, v});
    }
    sift_up(static_cast<std::size_t>(i), {cost, v});
  }
  HeapEntry pop() {
    const HeapEntry top = heap_.front();
    slot_[static_cast<std::size_t>(top.node)] = -2;
    const HeapEntry last = heap_.back();
    heap_.pop_back();
    const auto n = heap_.size();
    if (n == 0) return top;
    std::size_t i = 0;
    while (2 * i + 2 < n) {
      const auto child = 2 * i + 1 + static_cast<std::size_t>(heap_[2 * i + 2].cost < heap_[2 * i + 1].cost);
      place(i, heap_[child]);
      i = child;
    }
    if (2 * i + 1 < n) {
      place(i, heap_[2 * i + 1]);
      i = 2 * i + 1;
    }
    sift_up(i, last);
    return top;
  }

 private:
  void place(std::size_t i, HeapEntry e) {
    heap_[i] = e;
    slot_[static_cast<std::size_t>(e.node)] = static_cast<std::int32_t>(i);
  }
  void sift_up(std::size_t i, HeapEntry e) {
    while (i > 0) {
      const auto parent = (i - 1) / 2;
      if (heap_[parent].cost <= e.cost) break;
      place(i, heap_[parent]);
      i = parent;
    }
    place(i, e);
  }
  std::vector<HeapEntry>& heap_;
  std::vector<std::int32_t>& slot_;
};

}  // namespace

void ShortestPaths::run(std::int32_t origin, const ArcCosts& arc_cost, ShortestPathTree& tree) const {
  const auto n = static_cast<std::size_t>(graph_.node_count());
  tree.cost.assign(n, std::numeric_limits<double>::infinity());
  tree.pred_link.assign(n, -1);
  tree.settle_order.clear();
  NodeHeap heap(tree.heap, tree.heap_slot, n);
  const auto* first_out = graph_.first_out.data();
  const auto* head = graph_.head.data();
  const auto* cost_of_arc = arc_cost.cost.data();
  auto* cost = tree.cost.data();
  auto* pred_arc = tree.pred_link.data();  // arcs while running, links at the end
  cost[origin] = 0.0;
  heap.push_or_decrease(origin, 0.0);
  // Zones below the first thru node are leaves: they get a cost and a predecessor but never enter
  // the heap; they join the settle order after the thru nodes (every predecessor comes first).
  const std::int32_t first_thru = first_thru_node_;
  while (!heap.empty()) {
    const auto [d, v] = heap.pop();
    tree.settle_order.push_back(v);
    if (v != origin && v < first_thru) continue;  // only the origin can be a zone here
    for (auto arc = first_out[v]; arc < first_out[v + 1]; ++arc) {
      const auto w = head[arc];
      const double candidate = d + cost_of_arc[arc];
      if (candidate < cost[w]) {
        cost[w] = candidate;
        pred_arc[w] = arc;
        if (w >= first_thru) heap.push_or_decrease(w, candidate);
      }
    }
  }
  for (std::int32_t z = 0; z < std::min(first_thru, graph_.node_count()); ++z)
    if (z != origin && pred_arc[z] >= 0) tree.settle_order.push_back(z);
  for (auto v : tree.settle_order)
    if (pred_arc[v] >= 0) pred_arc[v] = graph_.arc_link[static_cast<std::size_t>(pred_arc[v])];
}

namespace {

constexpr std::int32_t block_count_max = 64;

/// Adds origin `o`'s demand to `flow` along its tree, leaves first (reverse settle order).
void load_tree(const ShortestPathTree& tree, const TrafficNetwork& net, const OdMatrix& od, std::int32_t o,
               std::vector<double>& node_flow, std::vector<double>& flow, double& sptt, double& unassigned) {
  for (std::int32_t d = 0; d < od.zone_count; ++d) {
    const double demand = od.at(o, d);
    if (demand <= 0.0 || d == o) continue;
    if (tree.pred_link[d] < 0) {
      unassigned += demand;
      continue;
    }
    node_flow[d] += demand;
    sptt += demand * tree.cost[d];
  }
  for (auto it = tree.settle_order.rbegin(); it != tree.settle_order.rend(); ++it) {
    const auto v = *it;
    if (node_flow[v] == 0.0) continue;
    const auto link = tree.pred_link[v];
    if (link >= 0) {
      flow[link] += node_flow[v];
      node_flow[net.from[link]] += node_flow[v];
    }
    node_flow[v] = 0.0;
  }
}

}  // namespace

AllOrNothingResult all_or_nothing(const ShortestPaths& paths, const TrafficNetwork& net, const OdMatrix& od,
                                  const std::vector<double>& link_cost) {
  const auto arc_cost = paths.arc_costs(link_cost);
  const std::int32_t blocks = std::max<std::int32_t>(1, std::min(block_count_max, od.zone_count));
  std::vector<std::vector<double>> block_flow(static_cast<std::size_t>(blocks));
  std::vector<double> block_sptt(static_cast<std::size_t>(blocks), 0.0), block_unassigned(static_cast<std::size_t>(blocks), 0.0);
  oneapi::tbb::parallel_for(0, blocks, [&](std::int32_t b) {
    auto& flow = block_flow[static_cast<std::size_t>(b)];
    flow.assign(net.link_count(), 0.0);
    std::vector<double> node_flow(static_cast<std::size_t>(net.node_count), 0.0);
    ShortestPathTree tree;
    for (std::int32_t o = b; o < od.zone_count; o += blocks) {
      bool any = false;
      for (std::int32_t d = 0; d < od.zone_count && !any; ++d) any = od.at(o, d) > 0.0 && d != o;
      if (!any) continue;
      paths.run(o, arc_cost, tree);
      load_tree(tree, net, od, o, node_flow, flow, block_sptt[static_cast<std::size_t>(b)],
                block_unassigned[static_cast<std::size_t>(b)]);
    }
  });
  AllOrNothingResult result;
  result.link_flow.assign(net.link_count(), 0.0);
  for (std::int32_t b = 0; b < blocks; ++b) {
    for (std::size_t a = 0; a < net.link_count(); ++a) result.link_flow[a] += block_flow[static_cast<std::size_t>(b)][a];
    result.shortest_path_total += block_sptt[static_cast<std::size_t>(b)];
    result.unassigned_trips += block_unassigned[static_cast<std::size_t>(b)];
  }
  return result;
}

}  // namespace sofiatwin::transport
