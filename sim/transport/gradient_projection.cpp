// Path-based gradient projection (Jayakrishnan, Tsai, Prashker and Rajadhyaksha, 1994; in the
// form of Chen, Lee and Jayakrishnan, 2002), multi-class. For each class and OD pair a set of used
// paths is kept; each iteration adds the current shortest path and moves flow from every other
// path p to the cheapest path m by the Newton step
//     delta = (c_p - c_m) / (pce * sum_{a in p xor m} t'_a(x_a)),   clipped to the flow of p,
// where c is the class's generalised path cost (time + its fixed terms), x the PCU link flow and t
// the travel time. Shortest paths for all (class, origin) run in parallel (oneTBB, fixed blocks);
// the flow shifts run in pair order on one thread, so results do not depend on the thread count.
//
// Memory: paths are stored per (class, origin) group as the sequence of out-arc choices from the
// origin (one byte per step where a node has fewer than 255 out-arcs), not as link lists; a path
// set of Chicago-Sketch (1.2 million link steps) takes about 1.2 MB instead of 5 MB of link ids
// plus one heap block per path.
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "sim/transport/assignment_internal.hpp"

namespace sofiatwin::transport::detail {
namespace {

constexpr std::uint8_t wide_step = 255;  // escape: the choice follows as 4 bytes

struct PathRecord {
  double flow = 0.0;        // vehicles of the group's class
  std::uint32_t begin = 0;  // first byte in the group's step store
  std::uint32_t bytes = 0;
};

struct PairRecord {
  std::int32_t destination = 0;
  std::int32_t first_path = 0;  // in the group's path records
  std::int32_t path_count = 0;
};

/// The paths of one (class, origin): pairs in destination order, each pair's paths contiguous.
struct Group {
  std::int32_t user_class = 0, origin = 0;
  std::vector<PairRecord> pairs;
  std::vector<PathRecord> paths;
  std::vector<std::uint8_t> steps;
  // New shortest paths found by the last parallel pass, in pair order.
  std::vector<std::int32_t> new_pair;
  std::vector<std::uint32_t> new_begin;
  std::vector<std::uint8_t> new_steps;
};

struct ClassData {
  double pce = 1.0;
  const OdMatrix* demand = nullptr;
  std::vector<double> fixed;  // generalised-cost terms per link (toll, distance)
};

class PathState {
 public:
  PathState(const TrafficNetwork& net, const std::vector<ClassView>& classes, const LinkCosts& time, const ShortestPaths& sp)
      : net_(net), sp_(sp), graph_(sp.graph()), time_costs_(time), flow_(net.link_count(), 0.0), mark_(net.link_count(), 0) {
    for (const auto& c : classes) {
      ClassData data{c.pce, c.demand, std::vector<double>(net.link_count())};
      for (std::size_t a = 0; a < net.link_count(); ++a)
        data.fixed[a] = c.weights.toll_factor * net.toll[a] + c.weights.distance_factor * net.length[a];
      classes_.push_back(std::move(data));
    }
    for (std::size_t k = 0; k < classes.size(); ++k)
      for (std::int32_t o = 0; o < net.zone_count; ++o) {
        Group g;
        g.user_class = static_cast<std::int32_t>(k), g.origin = o;
        for (std::int32_t d = 0; d < net.zone_count; ++d)
          if (d != o && classes[k].demand->at(o, d) > 0.0) g.pairs.push_back({d, 0, 0});
        if (!g.pairs.empty()) groups_.push_back(std::move(g));
      }
    time_costs_.costs(flow_, time_);
  }

  /// Shortest paths of every group at the current costs (parallel over fixed blocks of groups);
  /// a pair's shortest path is kept as a new path only where it is cheaper than every path the
  /// pair already has. Returns SPTT.
  double shortest_paths() {
    std::vector<ArcCosts> class_cost(classes_.size());
    std::vector<double> link_cost(time_.size());
    for (std::size_t k = 0; k < classes_.size(); ++k) {
      for (std::size_t a = 0; a < time_.size(); ++a) link_cost[a] = time_[a] + classes_[k].fixed[a];
      sp_.arc_costs(link_cost, class_cost[k]);
    }
    const auto groups = static_cast<std::int32_t>(groups_.size());
    const std::int32_t blocks = std::max<std::int32_t>(1, std::min<std::int32_t>(64, groups));
    std::vector<double> sptt(static_cast<std::size_t>(blocks), 0.0);
    oneapi::tbb::parallel_for(0, blocks, [&](std::int32_t b) {
      ShortestPathTree tree;
      std::vector<std::int32_t> arcs;
      for (std::int32_t g = b; g < groups; g += blocks) {
        auto& group = groups_[static_cast<std::size_t>(g)];
        const auto k = static_cast<std::size_t>(group.user_class);
        sp_.run(group.origin, class_cost[k], tree);
        group.new_pair.clear(), group.new_begin.clear(), group.new_steps.clear();
        for (std::size_t i = 0; i < group.pairs.size(); ++i) {
          const auto& pair = group.pairs[i];
          if (tree.pred_link[pair.destination] < 0) continue;
          const double shortest = tree.cost[pair.destination];
          sptt[static_cast<std::size_t>(b)] += classes_[k].demand->at(group.origin, pair.destination) * shortest;
          bool known = false;
          for (auto p = pair.first_path; p < pair.first_path + pair.path_count && !known; ++p)
            known = path_cost(group, group.paths[static_cast<std::size_t>(p)], classes_[k]) <= shortest * (1.0 + 1e-15);
          if (known) continue;
          arcs.clear();
          for (auto v = pair.destination; v != group.origin; v = net_.from[tree.pred_link[v]])
            arcs.push_back(sp_.arc_of_link(tree.pred_link[v]));
          group.new_pair.push_back(static_cast<std::int32_t>(i));
          group.new_begin.push_back(static_cast<std::uint32_t>(group.new_steps.size()));
          for (auto it = arcs.rbegin(); it != arcs.rend(); ++it) encode_step(*it, group.new_steps);
        }
        group.new_begin.push_back(static_cast<std::uint32_t>(group.new_steps.size()));
      }
    });
    double total = 0.0;
    for (double s : sptt) total += s;
    return total;
  }

  /// Adds each pair's new shortest path, drops paths without flow and equilibrates each pair, in
  /// group and pair order. Returns the demand of pairs that have no path at all (unassigned).
  double add_paths_and_shift() {
    double unassigned = 0.0;
    bool loaded = false;  // first paths loaded: their costs are refreshed once at the end
    std::vector<PathRecord> paths;
    std::vector<std::uint8_t> steps;
    for (auto& group : groups_) {
      const auto& c = classes_[static_cast<std::size_t>(group.user_class)];
      paths.clear(), steps.clear();
      std::size_t next_new = 0;
      for (std::size_t i = 0; i < group.pairs.size(); ++i) {
        auto& pair = group.pairs[i];
        const double demand = c.demand->at(group.origin, pair.destination);
        const auto first = static_cast<std::int32_t>(paths.size());
        for (auto p = pair.first_path; p < pair.first_path + pair.path_count; ++p) {
          const auto& old = group.paths[static_cast<std::size_t>(p)];
          if (old.flow <= 0.0) continue;
          paths.push_back({old.flow, static_cast<std::uint32_t>(steps.size()), old.bytes});
          steps.insert(steps.end(), group.steps.begin() + old.begin, group.steps.begin() + old.begin + old.bytes);
        }
        const bool had_paths = static_cast<std::int32_t>(paths.size()) > first;
        if (next_new + 1 < group.new_begin.size() && group.new_pair[next_new] == static_cast<std::int32_t>(i)) {
          const auto from = group.new_begin[next_new], to = group.new_begin[next_new + 1];
          paths.push_back({had_paths ? 0.0 : demand, static_cast<std::uint32_t>(steps.size()), to - from});
          steps.insert(steps.end(), group.new_steps.begin() + from, group.new_steps.begin() + to);
          ++next_new;
          if (!had_paths) {
            const double pcu = demand * c.pce;
            for_each_link(group.origin, steps.data() + paths.back().begin, paths.back().bytes, [&](std::int32_t a) { flow_[a] += pcu; });
            loaded = true;
          }
        }
        pair.first_path = first;
        pair.path_count = static_cast<std::int32_t>(paths.size()) - first;
        if (pair.path_count == 0) unassigned += demand;
        if (pair.path_count >= 2) equilibrate(group.origin, paths.data() + first, pair.path_count, steps.data(), c);
      }
      group.paths.assign(paths.begin(), paths.end());
      group.steps.assign(steps.begin(), steps.end());
      group.new_pair = {}, group.new_begin = {}, group.new_steps = {};
    }
    if (loaded) time_costs_.costs(flow_, time_);
    return unassigned;
  }

  /// One pass over the pairs with several paths.
  void sweep() {
    for (auto& group : groups_) {
      const auto& c = classes_[static_cast<std::size_t>(group.user_class)];
      for (const auto& pair : group.pairs)
        if (pair.path_count >= 2)
          equilibrate(group.origin, group.paths.data() + pair.first_path, pair.path_count, group.steps.data(), c);
    }
  }

  /// Rebuilds PCU and per-class link flows from path flows (removes drift of the incremental updates).
  void rebuild_link_flows() {
    class_flow_.assign(classes_.size(), std::vector<double>(net_.link_count(), 0.0));
    for (const auto& group : groups_) {
      auto& flow = class_flow_[static_cast<std::size_t>(group.user_class)];
      for (const auto& p : group.paths)
        for_each_link(group.origin, group.steps.data() + p.begin, p.bytes, [&](std::int32_t a) { flow[a] += p.flow; });
    }
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
  void encode_step(std::int32_t arc, std::vector<std::uint8_t>& out) const {
    const auto tail = net_.from[static_cast<std::size_t>(graph_.arc_link[static_cast<std::size_t>(arc)])];
    const auto choice = static_cast<std::uint32_t>(arc - graph_.first_out[static_cast<std::size_t>(tail)]);
    if (choice < wide_step) {
      out.push_back(static_cast<std::uint8_t>(choice));
      return;
    }
    out.push_back(wide_step);
    std::uint8_t bytes[4];
    std::memcpy(bytes, &choice, 4);
    out.insert(out.end(), bytes, bytes + 4);
  }

  /// Calls f(link) for each link of the path encoded in `bytes` steps from `origin`.
  template <class F>
  void for_each_link(std::int32_t origin, const std::uint8_t* step, std::uint32_t bytes, F&& f) const {
    const std::uint8_t* const end = step + bytes;
    auto v = origin;
    while (step != end) {
      std::uint32_t choice = *step++;
      if (choice == wide_step) {
        std::memcpy(&choice, step, 4);
        step += 4;
      }
      const auto arc = static_cast<std::size_t>(graph_.first_out[static_cast<std::size_t>(v)]) + choice;
      f(graph_.arc_link[arc]);
      v = graph_.head[arc];
    }
  }

  double path_cost(const Group& g, const PathRecord& p, const ClassData& c) const {
    double cost = 0.0;
    for_each_link(g.origin, g.steps.data() + p.begin, p.bytes, [&](std::int32_t a) { cost += time_[a] + c.fixed[a]; });
    return cost;
  }

  /// Moves flow from every dearer path of a pair to its cheapest one (Newton steps, see the top).
  void equilibrate(std::int32_t origin, PathRecord* paths, std::int32_t count, const std::uint8_t* steps, const ClassData& c) {
    cost_.resize(static_cast<std::size_t>(count));
    std::int32_t m = 0;
    for (std::int32_t i = 0; i < count; ++i) {
      double sum = 0.0;
      for_each_link(origin, steps + paths[i].begin, paths[i].bytes, [&](std::int32_t a) { sum += time_[a] + c.fixed[a]; });
      cost_[static_cast<std::size_t>(i)] = sum;
      if (sum < cost_[static_cast<std::size_t>(m)]) m = i;
    }
    for (std::int32_t i = 0; i < count; ++i)
      if (i != m && paths[i].flow > 0.0) shift(origin, paths[i], paths[m], steps, c);
  }

  /// One Newton step from path p to path m. The links on only one of the two paths are collected
  /// while the curvature is summed, then updated without decoding the paths again.
  void shift(std::int32_t origin, PathRecord& p, PathRecord& m, const std::uint8_t* steps, const ClassData& c) {
    tag_ += 2;  // mark_: m's links carry tag, links on both paths tag + 1
    for_each_link(origin, steps + m.begin, m.bytes, [&](std::int32_t a) { mark_[a] = tag_; });
    double cost_difference = 0.0, curvature = 0.0;
    only_p_.clear(), only_m_.clear();
    for_each_link(origin, steps + p.begin, p.bytes, [&](std::int32_t a) {
      if (mark_[a] == tag_) {
        mark_[a] = tag_ + 1;
      } else {
        cost_difference += time_[a] + c.fixed[a];
        curvature += time_costs_.derivative(a, flow_[a]);
        only_p_.push_back(a);
      }
    });
    for_each_link(origin, steps + m.begin, m.bytes, [&](std::int32_t a) {
      if (mark_[a] != tag_) return;
      cost_difference -= time_[a] + c.fixed[a];
      curvature += time_costs_.derivative(a, flow_[a]);
      only_m_.push_back(a);
    });
    if (cost_difference <= 0.0) return;
    curvature *= c.pce;
    const double delta = curvature > 0.0 ? std::min(p.flow, cost_difference / curvature) : p.flow;
    p.flow = delta >= p.flow ? 0.0 : p.flow - delta;
    m.flow += delta;
    const double pcu = c.pce * delta;
    for (auto a : only_p_) flow_[a] = std::max(0.0, flow_[a] - pcu), time_[a] = time_costs_.cost(a, flow_[a]);
    for (auto a : only_m_) flow_[a] += pcu, time_[a] = time_costs_.cost(a, flow_[a]);
  }

  const TrafficNetwork& net_;
  const ShortestPaths& sp_;
  const CsrGraph& graph_;
  const LinkCosts& time_costs_;
  std::vector<ClassData> classes_;
  std::vector<Group> groups_;
  std::vector<double> flow_, time_;
  std::vector<std::vector<double>> class_flow_;
  std::vector<std::int64_t> mark_;
  std::int64_t tag_ = 0;
  std::vector<double> cost_;                    // equilibrate's path costs (workspace)
  std::vector<std::int32_t> only_p_, only_m_;  // shift's links on one path only (workspace)
};

}  // namespace

void run_gradient_projection(const TrafficNetwork& net, const std::vector<ClassView>& classes,
                             const AssignmentOptions& options, const LinkCosts& time, const ShortestPaths& paths,
                             ConvergenceLog& log, AssignmentResult& result) {
  PathState state(net, classes, time, paths);
  state.shortest_paths();  // free-flow shortest paths: the all-or-nothing start
  result.unassigned_trips = state.add_paths_and_shift();
  state.rebuild_link_flows();
  for (int k = 1; k <= options.max_iterations; ++k) {
    const double sptt = state.shortest_paths();
    if (log.record(k, state.total_cost(), sptt, state.objective())) break;
    state.add_paths_and_shift();
    for (int s = 0; s < options.inner_sweeps; ++s) state.sweep();
    state.rebuild_link_flows();
  }
  result.link_flow = state.flow();
  result.class_flow = state.class_flow();
}

}  // namespace sofiatwin::transport::detail
