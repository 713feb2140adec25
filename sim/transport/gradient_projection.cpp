// Path-based gradient projection (Jayakrishnan, Tsai, Prashker and Rajadhyaksha, 1994; in the
// form of Chen, Lee and Jayakrishnan, 2002), multi-class. For each class and OD pair a set of used
// paths is kept; each iteration adds the current shortest path and moves flow from every other
// path p to the cheapest path m by the Newton step
//     delta = (c_p - c_m) / (pce * sum_{a in p xor m} t'_a(x_a)),   clipped to the flow of p,
// where c is the class's generalised path cost (time + its fixed terms), x the PCU link flow and t
// the travel time. Shortest paths for all (class, origin) run in parallel (oneTBB, fixed blocks);
// the flow shifts run in pair order on one thread, so results do not depend on the thread count.
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>

#include "sim/transport/assignment_internal.hpp"

namespace sofiatwin::transport::detail {
namespace {

struct Path {
  std::vector<std::int32_t> links;
  double flow = 0.0;  // vehicles of the pair's class
};

struct OdPaths {
  std::int32_t user_class = 0, destination = 0;  // the origin is the pair's (class, origin) group
  double demand = 0.0;
  std::vector<Path> paths;
};

struct ClassData {
  double pce = 1.0;
  std::vector<double> fixed;  // generalised-cost terms per link (toll, distance)
};

class PathState {
 public:
  PathState(const TrafficNetwork& net, const std::vector<ClassView>& classes, const LinkCosts& time)
      : net_(net), time_costs_(time), zones_(net.zone_count), flow_(net.link_count(), 0.0), mark_(net.link_count(), 0) {
    for (const auto& c : classes) {
      ClassData data{c.pce, std::vector<double>(net.link_count())};
      for (std::size_t a = 0; a < net.link_count(); ++a)
        data.fixed[a] = c.weights.toll_factor * net.toll[a] + c.weights.distance_factor * net.length[a];
      classes_.push_back(std::move(data));
    }
    // pairs ordered by (class, origin, destination); group_begin_ indexes (class, origin) groups
    std::size_t pair_count = 0;
    for (const auto& c : classes)
      for (std::int32_t o = 0; o < zones_; ++o)
        for (std::int32_t d = 0; d < zones_; ++d) pair_count += d != o && c.demand->at(o, d) > 0.0;
    pairs_.reserve(pair_count);
    group_begin_.assign(classes.size() * static_cast<std::size_t>(zones_) + 1, 0);
    for (std::size_t k = 0; k < classes.size(); ++k)
      for (std::int32_t o = 0; o < zones_; ++o) {
        group_begin_[k * zones_ + o] = static_cast<std::int32_t>(pairs_.size());
        for (std::int32_t d = 0; d < zones_; ++d)
          if (d != o && classes[k].demand->at(o, d) > 0.0)
            pairs_.push_back({static_cast<std::int32_t>(k), d, classes[k].demand->at(o, d), {}});
      }
    group_begin_.back() = static_cast<std::int32_t>(pairs_.size());
    time_costs_.costs(flow_, time_);
  }

  /// The shortest path of every pair at the current costs (parallel over blocks of (class,
  /// origin) groups), kept only where it is cheaper than every path the pair already uses.
  /// Returns SPTT; `reachable` marks pairs with a path.
  double shortest_paths(const ShortestPaths& sp, std::vector<std::vector<std::int32_t>>& best, std::vector<char>& reachable) const {
    best.resize(pairs_.size());
    reachable.assign(pairs_.size(), 0);
    std::vector<std::vector<double>> class_cost(classes_.size(), time_);
    for (std::size_t k = 0; k < classes_.size(); ++k)
      for (std::size_t a = 0; a < time_.size(); ++a) class_cost[k][a] += classes_[k].fixed[a];
    const auto groups = static_cast<std::int32_t>(group_begin_.size()) - 1;
    const std::int32_t blocks = std::max<std::int32_t>(1, std::min<std::int32_t>(64, groups));
    std::vector<double> sptt(static_cast<std::size_t>(blocks), 0.0);
    oneapi::tbb::parallel_for(0, blocks, [&](std::int32_t b) {
      ShortestPathTree tree;
      for (std::int32_t g = b; g < groups; g += blocks) {
        if (group_begin_[g] == group_begin_[g + 1]) continue;
        const auto k = static_cast<std::size_t>(g / zones_);
        const std::int32_t o = g % zones_;
        sp.run(o, class_cost[k], tree);
        for (auto i = group_begin_[g]; i < group_begin_[g + 1]; ++i) {
          const auto& pair = pairs_[static_cast<std::size_t>(i)];
          auto& links = best[static_cast<std::size_t>(i)];
          links.clear();
          if (tree.pred_link[pair.destination] < 0) continue;
          reachable[static_cast<std::size_t>(i)] = 1;
          const double shortest = tree.cost[pair.destination];
          sptt[static_cast<std::size_t>(b)] += pair.demand * shortest;
          bool known = false;
          for (const auto& p : pair.paths) known = known || path_cost(p, k) <= shortest * (1.0 + 1e-15);
          if (known) continue;
          // walk the tree twice: count the links, then fill from the back (one allocation)
          std::size_t length = 0;
          for (auto v = pair.destination; v != o; v = net_.from[tree.pred_link[v]]) ++length;
          links.resize(length);
          for (auto v = pair.destination; v != o; v = net_.from[tree.pred_link[v]]) links[--length] = tree.pred_link[v];
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
          const double pcu = pair.demand * classes_[static_cast<std::size_t>(pair.user_class)].pce;
          for (auto a : pair.paths.back().links) flow_[a] += pcu;
          loaded = true;
          continue;  // a single path: nothing to equilibrate
        }
      }
      equilibrate(pair);
    }
    if (loaded) time_costs_.costs(flow_, time_);
    return unassigned;
  }

  void sweep() {
    for (auto& pair : pairs_) equilibrate(pair);
  }

  /// Rebuilds PCU and per-class link flows from path flows (removes drift of the incremental updates).
  void rebuild_link_flows() {
    class_flow_.assign(classes_.size(), std::vector<double>(net_.link_count(), 0.0));
    for (const auto& pair : pairs_)
      for (const auto& p : pair.paths)
        for (auto a : p.links) class_flow_[static_cast<std::size_t>(pair.user_class)][a] += p.flow;
    std::fill(flow_.begin(), flow_.end(), 0.0);
    for (std::size_t k = 0; k < classes_.size(); ++k)
      for (std::size_t a = 0; a < flow_.size(); ++a) flow_[a] += classes_[k].pce * class_flow_[k][a];
    time_costs_.costs(flow_, time_);
  }

  /// TSTT in generalised cost: sum over classes and links of vehicles x (time + fixed terms).
  [[nodiscard]] double total_cost() const {
    double sum = 0.0;
    for (std::size_t k = 0; k < classes_.size(); ++k)
      for (std::size_t a = 0; a < flow_.size(); ++a) sum += class_flow_[k][a] * (time_[a] + classes_[k].fixed[a]);
    return sum;
  }

  /// Beckmann objective (pseudo-objective when some PCE differs from 1).
  [[nodiscard]] double objective() const {
    double sum = time_costs_.beckmann(flow_);
    for (std::size_t k = 0; k < classes_.size(); ++k)
      for (std::size_t a = 0; a < flow_.size(); ++a) sum += class_flow_[k][a] * classes_[k].fixed[a];
    return sum;
  }

  [[nodiscard]] const std::vector<double>& flow() const { return flow_; }
  [[nodiscard]] const std::vector<std::vector<double>>& class_flow() const { return class_flow_; }

 private:
  double path_cost(const Path& p, std::size_t k) const {
    double c = 0.0;
    const auto& fixed = classes_[k].fixed;
    for (auto a : p.links) c += time_[a] + fixed[a];
    return c;
  }

  /// Moves flow from every path of the pair to its cheapest one (Newton steps, see the top).
  void equilibrate(OdPaths& pair) {
    if (pair.paths.size() < 2) return;
    const auto k = static_cast<std::size_t>(pair.user_class);
    std::size_t m = 0;
    double cm = path_cost(pair.paths[0], k);
    for (std::size_t i = 1; i < pair.paths.size(); ++i)
      if (const double ci = path_cost(pair.paths[i], k); ci < cm) cm = ci, m = i;
    for (std::size_t i = 0; i < pair.paths.size(); ++i) {
      if (i == m || pair.paths[i].flow <= 0.0) continue;
      shift(pair.paths[i], pair.paths[m], classes_[k]);
    }
    pair.paths.erase(std::remove_if(pair.paths.begin(), pair.paths.end(), [](const Path& p) { return p.flow <= 0.0; }),
                     pair.paths.end());
  }

  void shift(Path& p, Path& m, const ClassData& c) {
    // mark_: m's links carry tag, links on both paths carry tag + 1.
    tag_ += 2;
    for (auto a : m.links) mark_[a] = tag_;
    double cost_difference = 0.0, curvature = 0.0;
    for (auto a : p.links) {
      if (mark_[a] == tag_) {
        mark_[a] = tag_ + 1;
      } else {
        cost_difference += time_[a] + c.fixed[a];
        curvature += time_costs_.derivative(a, flow_[a]);
      }
    }
    for (auto a : m.links)
      if (mark_[a] == tag_) cost_difference -= time_[a] + c.fixed[a], curvature += time_costs_.derivative(a, flow_[a]);
    if (cost_difference <= 0.0) return;
    curvature *= c.pce;
    const double delta = curvature > 0.0 ? std::min(p.flow, cost_difference / curvature) : p.flow;
    p.flow = delta >= p.flow ? 0.0 : p.flow - delta;
    m.flow += delta;
    const double pcu = c.pce * delta;
    for (auto a : p.links)
      if (mark_[a] != tag_ + 1) flow_[a] = std::max(0.0, flow_[a] - pcu), time_[a] = time_costs_.cost(a, flow_[a]);
    for (auto a : m.links)
      if (mark_[a] == tag_) flow_[a] += pcu, time_[a] = time_costs_.cost(a, flow_[a]);
  }

  const TrafficNetwork& net_;
  const LinkCosts& time_costs_;
  std::int32_t zones_;
  std::vector<ClassData> classes_;
  std::vector<OdPaths> pairs_;
  std::vector<std::int32_t> group_begin_;
  std::vector<double> flow_, time_;
  std::vector<std::vector<double>> class_flow_;
  std::vector<std::int64_t> mark_;
  std::int64_t tag_ = 0;
};

}  // namespace

void run_gradient_projection(const TrafficNetwork& net, const std::vector<ClassView>& classes,
                             const AssignmentOptions& options, const LinkCosts& time, const ShortestPaths& paths,
                             ConvergenceLog& log, AssignmentResult& result) {
  PathState state(net, classes, time);
  std::vector<std::vector<std::int32_t>> best;
  std::vector<char> reachable;
  state.shortest_paths(paths, best, reachable);  // free-flow shortest paths: the all-or-nothing start
  result.unassigned_trips = state.add_paths_and_shift(best, reachable);
  state.rebuild_link_flows();
  for (int k = 1; k <= options.max_iterations; ++k) {
    const double sptt = state.shortest_paths(paths, best, reachable);
    if (log.record(k, state.total_cost(), sptt, state.objective())) break;
    state.add_paths_and_shift(best, reachable);
    for (int s = 0; s < options.inner_sweeps; ++s) state.sweep();
    state.rebuild_link_flows();
  }
  result.link_flow = state.flow();
  result.class_flow = state.class_flow();
}

}  // namespace sofiatwin::transport::detail
