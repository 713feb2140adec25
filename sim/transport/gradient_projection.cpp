// Path-based gradient projection (Jayakrishnan, Tsai, Prashker and Rajadhyaksha, 1994; in the
// form of Chen, Lee and Jayakrishnan, 2002). For each OD pair a set of used paths is kept; each
// iteration adds the current shortest path and moves flow from every other path p to the cheapest
// path m by the Newton step
//     delta = (c_p - c_m) / sum_{a in p xor m} c'_a(x_a),   clipped to the flow of p.
// Shortest paths for all origins run in parallel (oneTBB, fixed origin blocks); the flow shifts run
// in OD order on one thread, so results do not depend on the thread count.
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>

#include "sim/transport/assignment_internal.hpp"

namespace sofiatwin::transport::detail {
namespace {

struct Path {
  std::vector<std::int32_t> links;
  double flow = 0.0;
};

struct OdPaths {
  std::int32_t origin = 0, destination = 0;
  double demand = 0.0;
  std::vector<Path> paths;
};

class PathState {
 public:
  PathState(const TrafficNetwork& net, const OdMatrix& od, const LinkCosts& costs)
      : net_(net), costs_(costs), flow_(net.link_count(), 0.0), mark_(net.link_count(), 0) {
    origin_begin_.assign(static_cast<std::size_t>(od.zone_count) + 1, 0);
    for (std::int32_t o = 0; o < od.zone_count; ++o) {
      origin_begin_[o] = static_cast<std::int32_t>(pairs_.size());
      for (std::int32_t d = 0; d < od.zone_count; ++d)
        if (d != o && od.at(o, d) > 0.0) pairs_.push_back({o, d, od.at(o, d), {}});
    }
    origin_begin_[od.zone_count] = static_cast<std::int32_t>(pairs_.size());
    costs_.costs(flow_, cost_);
  }

  /// The shortest path of every OD pair at the current costs (parallel over origin blocks), kept
  /// only where it is cheaper than every path the pair already uses: `best[i]` stays empty
  /// otherwise, and for pairs without a path (reported through `reachable`). Returns SPTT.
  double shortest_paths(const ShortestPaths& sp, std::vector<std::vector<std::int32_t>>& best,
                        std::vector<char>& reachable) const {
    best.resize(pairs_.size());
    reachable.assign(pairs_.size(), 0);
    const auto zones = static_cast<std::int32_t>(origin_begin_.size()) - 1;
    const std::int32_t blocks = std::max<std::int32_t>(1, std::min<std::int32_t>(64, zones));
    std::vector<double> sptt(static_cast<std::size_t>(blocks), 0.0);
    oneapi::tbb::parallel_for(0, blocks, [&](std::int32_t b) {
      ShortestPathTree tree;
      for (std::int32_t o = b; o < zones; o += blocks) {
        if (origin_begin_[o] == origin_begin_[o + 1]) continue;
        sp.run(o, cost_, tree);
        for (auto i = origin_begin_[o]; i < origin_begin_[o + 1]; ++i) {
          const auto& pair = pairs_[static_cast<std::size_t>(i)];
          auto& links = best[static_cast<std::size_t>(i)];
          links.clear();
          if (tree.pred_link[pair.destination] < 0) continue;
          reachable[static_cast<std::size_t>(i)] = 1;
          const double shortest = tree.cost[pair.destination];
          sptt[static_cast<std::size_t>(b)] += pair.demand * shortest;
          bool known = false;
          for (const auto& p : pair.paths) known = known || path_cost(p) <= shortest * (1.0 + 1e-15);
          if (known) continue;
          for (auto v = pair.destination; v != o; v = net_.from[tree.pred_link[v]]) links.push_back(tree.pred_link[v]);
          std::reverse(links.begin(), links.end());
        }
      }
    });
    double total = 0.0;
    for (double s : sptt) total += s;
    return total;
  }

  /// Adds each pair's new shortest path and equilibrates the pair; returns the demand of pairs
  /// that have no path at all (unassigned, reported).
  double add_paths_and_shift(std::vector<std::vector<std::int32_t>>& best, const std::vector<char>& reachable) {
    double unassigned = 0.0;
    bool loaded = false;  // first paths loaded: their costs are refreshed once at the end
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
      auto& pair = pairs_[i];
      if (!reachable[i] && pair.paths.empty()) {
        unassigned += pair.demand;
        continue;
      }
      if (!best[i].empty()) {
        const bool first = pair.paths.empty();
        pair.paths.push_back({std::move(best[i]), first ? pair.demand : 0.0});
        best[i] = {};
        if (first) {
          for (auto a : pair.paths.back().links) flow_[a] += pair.demand;
          loaded = true;
          continue;  // a single path: nothing to equilibrate
        }
      }
      equilibrate(pair);
    }
    if (loaded) costs_.costs(flow_, cost_);
    return unassigned;
  }

  void sweep() {
    for (auto& pair : pairs_) equilibrate(pair);
  }

  /// Rebuilds link flows from path flows (removes drift from the incremental updates).
  void rebuild_link_flows() {
    std::fill(flow_.begin(), flow_.end(), 0.0);
    for (const auto& pair : pairs_)
      for (const auto& p : pair.paths)
        for (auto a : p.links) flow_[a] += p.flow;
    costs_.costs(flow_, cost_);
  }

  [[nodiscard]] const std::vector<double>& flow() const { return flow_; }

 private:
  double path_cost(const Path& p) const {
    double c = 0.0;
    for (auto a : p.links) c += cost_[a];
    return c;
  }

  /// Moves flow from every path of the pair to its cheapest one (Newton steps, see the top).
  void equilibrate(OdPaths& pair) {
    if (pair.paths.size() < 2) return;
    std::size_t m = 0;
    double cm = path_cost(pair.paths[0]);
    for (std::size_t k = 1; k < pair.paths.size(); ++k)
      if (const double ck = path_cost(pair.paths[k]); ck < cm) cm = ck, m = k;
    for (std::size_t k = 0; k < pair.paths.size(); ++k) {
      if (k == m || pair.paths[k].flow <= 0.0) continue;
      shift(pair.paths[k], pair.paths[m]);
    }
    pair.paths.erase(std::remove_if(pair.paths.begin(), pair.paths.end(), [](const Path& p) { return p.flow <= 0.0; }),
                     pair.paths.end());
  }

  void shift(Path& p, Path& m) {
    // mark_: m's links carry tag, links on both paths carry tag + 1.
    tag_ += 2;
    for (auto a : m.links) mark_[a] = tag_;
    double cost_difference = 0.0, curvature = 0.0;
    for (auto a : p.links) {
      if (mark_[a] == tag_) {
        mark_[a] = tag_ + 1;
      } else {
        cost_difference += cost_[a];
        curvature += costs_.derivative(a, flow_[a]);
      }
    }
    for (auto a : m.links)
      if (mark_[a] == tag_) cost_difference -= cost_[a], curvature += costs_.derivative(a, flow_[a]);
    if (cost_difference <= 0.0) return;
    const double delta = curvature > 0.0 ? std::min(p.flow, cost_difference / curvature) : p.flow;
    p.flow = delta >= p.flow ? 0.0 : p.flow - delta;
    m.flow += delta;
    for (auto a : p.links)
      if (mark_[a] != tag_ + 1) flow_[a] = std::max(0.0, flow_[a] - delta), cost_[a] = costs_.cost(a, flow_[a]);
    for (auto a : m.links)
      if (mark_[a] == tag_) flow_[a] += delta, cost_[a] = costs_.cost(a, flow_[a]);
  }

  const TrafficNetwork& net_;
  const LinkCosts& costs_;
  std::vector<OdPaths> pairs_;
  std::vector<std::int32_t> origin_begin_;
  std::vector<double> flow_, cost_;
  std::vector<std::int64_t> mark_;
  std::int64_t tag_ = 0;
};

}  // namespace

void run_gradient_projection(const TrafficNetwork& net, const OdMatrix& od, const AssignmentOptions& options,
                             const LinkCosts& costs, const ShortestPaths& paths, ConvergenceLog& log,
                             AssignmentResult& result) {
  PathState state(net, od, costs);
  std::vector<std::vector<std::int32_t>> best;
  std::vector<char> reachable;
  state.shortest_paths(paths, best, reachable);  // free-flow shortest paths: the all-or-nothing start
  result.unassigned_trips = state.add_paths_and_shift(best, reachable);
  state.rebuild_link_flows();
  for (int k = 1; k <= options.max_iterations; ++k) {
    const double sptt = state.shortest_paths(paths, best, reachable);
    if (log.record(k, costs.total_cost(state.flow()), sptt, costs.beckmann(state.flow()))) break;
    state.add_paths_and_shift(best, reachable);
    for (int s = 0; s < options.inner_sweeps; ++s) state.sweep();
    state.rebuild_link_flows();
  }
  result.link_flow = state.flow();
}

}  // namespace sofiatwin::transport::detail
