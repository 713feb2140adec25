#include "shortest_path.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <functional>
#include <limits>

namespace sofiatwin::transport {

ShortestPaths::ShortestPaths(const TrafficNetwork& net)
    : graph_(build_csr(net.node_count, net.from, net.to)), first_thru_node_(net.first_thru_node) {}

void ShortestPaths::run(std::int32_t origin, const std::vector<double>& link_cost, ShortestPathTree& tree) const {
  const auto n = static_cast<std::size_t>(graph_.node_count());
  tree.cost.assign(n, std::numeric_limits<double>::infinity());
  tree.pred_link.assign(n, -1);
  tree.settle_order.clear();
  // Binary min-heap of nodes with decrease-key (heap_pos_ holds each node's slot, -1 if none).
  auto& heap = tree.heap;
  auto& slot = tree.heap_slot;
  heap.clear();
  slot.assign(n, -1);
  auto sift_up = [&](std::int32_t i) {
    const auto v = heap[i];
    const double key = tree.cost[v];
    while (i > 0) {
      const auto parent = (i - 1) / 2;
      if (tree.cost[heap[parent]] <= key) break;
      heap[i] = heap[parent];
      slot[heap[i]] = i;
      i = parent;
    }
    heap[i] = v;
    slot[v] = i;
  };
  auto pop = [&]() {
    const auto top = heap.front();
    slot[top] = -2;  // settled
    const auto last = heap.back();
    heap.pop_back();
    if (heap.empty()) return top;
    const double key = tree.cost[last];
    std::int32_t i = 0;
    const auto size = static_cast<std::int32_t>(heap.size());
    while (true) {
      auto child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && tree.cost[heap[child + 1]] < tree.cost[heap[child]]) ++child;
      if (tree.cost[heap[child]] >= key) break;
      heap[i] = heap[child];
      slot[heap[i]] = i;
      i = child;
    }
    heap[i] = last;
    slot[last] = i;
    return top;
  };
  tree.cost[origin] = 0.0;
  heap.push_back(origin);
  slot[origin] = 0;
  while (!heap.empty()) {
    const auto v = pop();
    tree.settle_order.push_back(v);
    if (v != origin && v < first_thru_node_) continue;  // zone: no through traffic
    const double d = tree.cost[v];
    for (auto arc = graph_.first_out[v]; arc < graph_.first_out[v + 1]; ++arc) {
      const auto w = graph_.head[arc];
      const double candidate = d + link_cost[graph_.arc_link[arc]];
      if (candidate < tree.cost[w]) {
        tree.cost[w] = candidate;
        tree.pred_link[w] = graph_.arc_link[arc];
        if (slot[w] == -1) {
          heap.push_back(w);
          sift_up(static_cast<std::int32_t>(heap.size()) - 1);
        } else {
          sift_up(slot[w]);
        }
      }
    }
  }
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
      paths.run(o, link_cost, tree);
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
