// Path-based gradient projection (Jayakrishnan, Tsai, Prashker and Rajadhyaksha, 1994; in the
// form of Chen, Lee and Jayakrishnan, 2002), multi-class. For each class and OD pair a set of used
// paths is kept; each iteration adds the current shortest path and moves flow from every other
// path p to the cheapest path m by the Newton step
//     delta = (c_p - c_m) / (pce * sum_{a in p xor m} t'_a(x_a)),   clipped to the flow of p,
// where c is the class's generalised path cost (time + its fixed terms), x the PCU link flow and t
// the travel time. Shortest paths for all (class, origin) run in parallel (oneTBB, fixed blocks);
// the flow shifts run in pair order on one thread, so results do not depend on the thread count.
//
// Layout: the solver works on a copy of the network with its links sorted by tail node, so that a
// link id is its CSR arc and a node's out-links are consecutive. Paths are stored per (class,
// origin) group as the sequence of out-arc choices from the origin (one byte per step where a node
// has fewer than 254 out-arcs) and an end marker, not as link lists; a path costs its flow (8
// bytes) and its steps, a pair only its path count (its destination and demand are read from the
// demand row). A path set of Chicago-Sketch (1.2 million link steps) takes about 2.5 MB instead of
// 5 MB of link ids plus one heap block per path. Decoding a step costs one dependent load (the
// next node's first arc, precomputed per arc). All walks over a group's paths are sequential.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>

#include "sim/transport/assignment_internal.hpp"

namespace sofiatwin::transport::detail {
namespace {

constexpr std::uint8_t end_step = 254;   // ends a path; no other byte of a path has this value
constexpr std::uint8_t wide_step = 255;  // escape: the choice follows as 5 base-128 digits
constexpr int wide_digits = 5;

/// The paths of one (class, origin). Its pairs are the destinations d != origin with demand, in
/// ascending order (read from the demand row, not stored); each pair's paths are consecutive.
struct Group {
  std::int32_t user_class = 0, origin = 0;
  std::vector<std::uint32_t> path_count;  // per pair
  std::vector<double> flow;               // per path: vehicles of the class
  std::vector<std::uint8_t> steps;        // per path: out-arc choices, then end_step
  // Per pair, in pair order: the shortest path found by the last parallel pass where it is new to
  // the pair, else an empty path (a lone end marker: a real path has at least one step).
  std::vector<std::uint8_t> new_steps;
};

struct ClassData {
  double pce = 1.0;
  const OdMatrix* demand = nullptr;
  std::vector<double> fixed;  // generalised-cost terms per link (toll, distance)
};

class PathState {
 public:
  /// `net` must be in arc order (links sorted by tail node, see arc_ordered).
  PathState(const TrafficNetwork& net, const std::vector<ClassView>& classes, const LinkCosts& time, const ShortestPaths& sp)
      : net_(net), sp_(sp), first_out_(sp.graph().first_out), next_first_(net.link_count()), time_costs_(time),
        flow_(net.link_count(), 0.0), mark_(net.link_count(), 0) {
    for (std::size_t a = 0; a < net.link_count(); ++a) next_first_[a] = first_out_[static_cast<std::size_t>(net.to[a])];
    for (const auto& c : classes) {
      ClassData data{c.pce, c.demand, std::vector<double>(net.link_count())};
      for (std::size_t a = 0; a < net.link_count(); ++a)
        data.fixed[a] = c.weights.toll_factor * net.toll[a] + c.weights.distance_factor * net.length[a];
      classes_.push_back(std::move(data));
    }
    std::vector<std::size_t> pair_counts;
    for (std::size_t k = 0; k < classes.size(); ++k)
      for (std::int32_t o = 0; o < net.zone_count; ++o) {
        std::size_t pairs = 0;
        for (std::int32_t d = 0; d < net.zone_count; ++d) pairs += d != o && classes[k].demand->at(o, d) > 0.0;
        pair_counts.push_back(pairs);
      }
    groups_.reserve(static_cast<std::size_t>(std::count_if(pair_counts.begin(), pair_counts.end(), [](std::size_t n) { return n > 0; })));
    for (std::size_t k = 0; k < classes.size(); ++k)
      for (std::int32_t o = 0; o < net.zone_count; ++o) {
        const auto pairs = pair_counts[k * static_cast<std::size_t>(net.zone_count) + static_cast<std::size_t>(o)];
        if (pairs == 0) continue;
        Group g;
        g.user_class = static_cast<std::int32_t>(k), g.origin = o;
        g.path_count.assign(pairs, 0);
        groups_.push_back(std::move(g));
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
        const auto& c = classes_[static_cast<std::size_t>(group.user_class)];
        sp_.run(group.origin, class_cost[static_cast<std::size_t>(group.user_class)], tree);
        group.new_steps.clear();
        const std::uint8_t* step = group.steps.data();
        for_each_pair(group, [&](std::size_t i, std::int32_t d, double demand) {
          const auto count = group.path_count[i];
          if (tree.pred_link[d] < 0) {
            for (std::uint32_t p = 0; p < count; ++p) step = skip(step, group.steps);
            group.new_steps.push_back(end_step);
            return;
          }
          const double shortest = tree.cost[d];
          sptt[static_cast<std::size_t>(b)] += demand * shortest;
          bool known = false;
          for (std::uint32_t p = 0; p < count; ++p) {
            if (known) {
              step = skip(step, group.steps);
              continue;
            }
            double cost = 0.0;
            step = walk(group.origin, step, [&](std::int32_t a) { cost += time_[a] + c.fixed[a]; });
            known = cost <= shortest * (1.0 + 1e-15);
          }
          if (!known) {
            arcs.clear();
            for (auto v = d; v != group.origin; v = net_.from[tree.pred_link[v]]) arcs.push_back(tree.pred_link[v]);
            for (auto it = arcs.rbegin(); it != arcs.rend(); ++it) encode_step(*it, group.new_steps);
          }
          group.new_steps.push_back(end_step);
        });
        group.new_steps.shrink_to_fit();
      }
    });
    double total = 0.0;
    for (double s : sptt) total += s;
    return total;
  }

  /// Adds each pair's new shortest path and drops paths without flow (parallel over groups: a
  /// pair's paths change only here and in its own equilibration), then equilibrates every pair
  /// with several paths in group and pair order. Returns the demand of pairs that have no path at
  /// all (unassigned).
  double add_paths_and_shift() {
    std::vector<double> unassigned(groups_.size(), 0.0);
    std::vector<char> first_paths(groups_.size(), 0);
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, groups_.size()), [&](const auto& range) {
      std::vector<double> flows;
      std::vector<std::uint8_t> steps;
      for (auto g = range.begin(); g != range.end(); ++g) first_paths[g] = merge_new_paths(groups_[g], flows, steps, unassigned[g]);
    });
    // A pair's first path carries its whole demand: load it (only the first iteration has any).
    if (std::find(first_paths.begin(), first_paths.end(), 1) != first_paths.end()) rebuild_link_flows();
    sweep();
    double total = 0.0;
    for (double u : unassigned) total += u;
    return total;
  }

  /// One pass over the pairs with several paths; returns the vehicles moved.
  double sweep() {
    moved_ = 0.0;
    for (auto& group : groups_) {
      const auto& c = classes_[static_cast<std::size_t>(group.user_class)];
      const std::uint8_t* step = group.steps.data();
      double* flow = group.flow.data();
      for (const auto count : group.path_count) {
        if (count >= 2) {
          step = equilibrate(group.origin, flow, count, step, c);
        } else {
          for (std::uint32_t p = 0; p < count; ++p) step = skip(step, group.steps);
        }
        flow += count;
      }
    }
    return moved_;
  }

  /// Rebuilds PCU and per-class link flows from path flows (removes drift of the incremental
  /// updates). Parallel over a fixed number of contiguous group ranges whose sums are added in
  /// range order (the same result for any thread count).
  void rebuild_link_flows() {
    constexpr std::size_t ranges = 4;
    const auto links = net_.link_count();
    block_flow_.assign(ranges * classes_.size() * links, 0.0);
    oneapi::tbb::parallel_for(std::size_t{0}, ranges, [&](std::size_t r) {
      const auto end = groups_.size() * (r + 1) / ranges;
      for (auto g = groups_.size() * r / ranges; g < end; ++g) {
        const auto& group = groups_[g];
        double* flow = block_flow_.data() + (r * classes_.size() + static_cast<std::size_t>(group.user_class)) * links;
        const std::uint8_t* step = group.steps.data();
        for (const double f : group.flow) step = walk(group.origin, step, [&](std::int32_t a) { flow[a] += f; });
      }
    });
    class_flow_.assign(classes_.size(), std::vector<double>(links, 0.0));
    for (std::size_t r = 0; r < ranges; ++r)
      for (std::size_t k = 0; k < classes_.size(); ++k)
        for (std::size_t a = 0; a < links; ++a) class_flow_[k][a] += block_flow_[(r * classes_.size() + k) * links + a];
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
  /// Rebuilds a group's paths: those of each pair with flow, then the pair's new shortest path
  /// (with zero flow, or with the whole demand when it is the pair's first). Returns whether a
  /// first path was added; `unassigned` gets the demand of pairs without any path.
  bool merge_new_paths(Group& group, std::vector<double>& flows, std::vector<std::uint8_t>& steps, double& unassigned) const {
    flows.clear(), steps.clear();
    bool first_path = false;
    std::size_t old_path = 0;
    const std::uint8_t* old_step = group.steps.data();
    const std::uint8_t* new_step = group.new_steps.data();
    for_each_pair(group, [&](std::size_t i, std::int32_t, double demand) {
      const auto first_flow = flows.size();
      for (std::uint32_t p = 0; p < group.path_count[i]; ++p, ++old_path) {
        const auto* end = skip(old_step, group.steps);
        if (group.flow[old_path] > 0.0) {
          flows.push_back(group.flow[old_path]);
          steps.insert(steps.end(), old_step, end);
        }
        old_step = end;
      }
      const auto* new_end = skip(new_step, group.new_steps);
      if (*new_step != end_step) {
        first_path = first_path || flows.size() == first_flow;
        flows.push_back(flows.size() == first_flow ? demand : 0.0);
        steps.insert(steps.end(), new_step, new_end);
      }
      new_step = new_end;
      group.path_count[i] = static_cast<std::uint32_t>(flows.size() - first_flow);
      if (group.path_count[i] == 0) unassigned += demand;
    });
    group.flow = std::vector<double>(flows.begin(), flows.end());
    group.steps = std::vector<std::uint8_t>(steps.begin(), steps.end());
    group.new_steps = {};
    return first_path;
  }

  /// Calls f(pair index, destination, demand) for the group's pairs in order.
  template <class F>
  void for_each_pair(const Group& g, F&& f) const {
    const auto& od = *classes_[static_cast<std::size_t>(g.user_class)].demand;
    const double* row = od.trips.data() + static_cast<std::size_t>(g.origin) * static_cast<std::size_t>(od.zone_count);
    std::size_t i = 0;
    for (std::int32_t d = 0; d < od.zone_count; ++d)
      if (d != g.origin && row[d] > 0.0) f(i++, d, row[d]);
  }

  void encode_step(std::int32_t arc, std::vector<std::uint8_t>& out) const {
    const auto tail = net_.from[static_cast<std::size_t>(arc)];
    const auto choice = static_cast<std::uint32_t>(arc - first_out_[static_cast<std::size_t>(tail)]);
    if (choice < end_step) {
      out.push_back(static_cast<std::uint8_t>(choice));
      return;
    }
    out.push_back(wide_step);
    for (int k = 0; k < wide_digits; ++k) out.push_back(static_cast<std::uint8_t>((choice >> (7 * k)) & 0x7f));
  }

  /// Calls f(link) for each link of the path at `step` (from `origin`); returns the next path.
  template <class F>
  const std::uint8_t* walk(std::int32_t origin, const std::uint8_t* step, F&& f) const {
    auto first = first_out_[static_cast<std::size_t>(origin)];
    while (true) {
      std::uint32_t choice = *step++;
      if (choice == end_step) return step;
      if (choice == wide_step) {
        choice = 0;
        for (int k = 0; k < wide_digits; ++k) choice |= static_cast<std::uint32_t>(*step++) << (7 * k);
      }
      const auto arc = first + static_cast<std::int32_t>(choice);
      f(arc);
      first = next_first_[static_cast<std::size_t>(arc)];
    }
  }

  /// The path after the one at `step`, in a store that ends at `end` (the end marker is the only
  /// byte of that value).
  static const std::uint8_t* skip(const std::uint8_t* step, const std::vector<std::uint8_t>& store) {
    return static_cast<const std::uint8_t*>(std::memchr(step, end_step, static_cast<std::size_t>(store.data() + store.size() - step))) + 1;
  }

  /// Moves flow from every dearer path of a pair to its cheapest one (Newton steps, see the top).
  /// The pair's `count` paths start at `steps`; returns the end of the last one. Each path is
  /// decoded once, into a link list the shifts then read.
  const std::uint8_t* equilibrate(std::int32_t origin, double* flow, std::uint32_t count, const std::uint8_t* steps,
                                  const ClassData& c) {
    cost_.resize(count), path_begin_.resize(count + 1);
    path_links_.clear();
    std::uint32_t m = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
      double sum = 0.0;
      path_begin_[i] = static_cast<std::uint32_t>(path_links_.size());
      steps = walk(origin, steps, [&](std::int32_t a) {
        sum += time_[a] + c.fixed[a];
        path_links_.push_back(a);
      });
      cost_[i] = sum;
      if (sum < cost_[m]) m = i;
    }
    path_begin_[count] = static_cast<std::uint32_t>(path_links_.size());
    for (std::uint32_t i = 0; i < count; ++i)
      if (i != m && flow[i] > 0.0) moved_ += shift(flow[i], links_of(i), flow[m], links_of(m), c);
    return steps;
  }

  [[nodiscard]] std::span<const std::int32_t> links_of(std::uint32_t i) const {
    return {path_links_.data() + path_begin_[i], path_links_.data() + path_begin_[i + 1]};
  }

  /// One Newton step from path p to path m (link lists); returns the vehicles moved.
  double shift(double& p_flow, std::span<const std::int32_t> p, double& m_flow, std::span<const std::int32_t> m, const ClassData& c) {
    tag_ += 2;  // mark_: m's links carry tag, links on both paths tag + 1
    for (auto a : m) mark_[a] = tag_;
    double cost_difference = 0.0, curvature = 0.0;
    for (auto a : p) {
      if (mark_[a] == tag_) {
        mark_[a] = tag_ + 1;
      } else {
        cost_difference += time_[a] + c.fixed[a];
        curvature += time_costs_.derivative(a, flow_[a]);
      }
    }
    for (auto a : m)
      if (mark_[a] == tag_) cost_difference -= time_[a] + c.fixed[a], curvature += time_costs_.derivative(a, flow_[a]);
    if (cost_difference <= 0.0) return 0.0;
    curvature *= c.pce;
    const double delta = curvature > 0.0 ? std::min(p_flow, cost_difference / curvature) : p_flow;
    p_flow = delta >= p_flow ? 0.0 : p_flow - delta;
    m_flow += delta;
    const double pcu = c.pce * delta;
    for (auto a : p)
      if (mark_[a] != tag_ + 1) flow_[a] = std::max(0.0, flow_[a] - pcu), time_[a] = time_costs_.cost(a, flow_[a]);
    for (auto a : m)
      if (mark_[a] == tag_) flow_[a] += pcu, time_[a] = time_costs_.cost(a, flow_[a]);
    return delta;
  }

  const TrafficNetwork& net_;
  const ShortestPaths& sp_;
  const std::vector<std::int32_t>& first_out_;
  std::vector<std::int32_t> next_first_;  // per arc: the first out-arc of its head node
  const LinkCosts& time_costs_;
  std::vector<ClassData> classes_;
  std::vector<Group> groups_;
  std::vector<double> flow_, time_;
  std::vector<std::vector<double>> class_flow_;
  std::vector<double> block_flow_;  // rebuild_link_flows' partial sums (workspace)
  std::vector<std::int64_t> mark_;
  std::int64_t tag_ = 0;
  double moved_ = 0.0;  // vehicles moved by the current sweep
  // equilibrate's workspace: path costs, and the pair's paths decoded to link lists
  std::vector<double> cost_;
  std::vector<std::uint32_t> path_begin_;
  std::vector<std::int32_t> path_links_;
};

/// The network with its links sorted by tail node (stable), and the original link of each.
struct ArcOrdered {
  TrafficNetwork net;
  std::vector<std::int32_t> original_link;
};

ArcOrdered arc_ordered(const TrafficNetwork& net) {
  ArcOrdered out;
  out.original_link = build_csr(net.node_count, net.from, net.to).arc_link;
  auto& a = out.net;
  a.node_count = net.node_count, a.zone_count = net.zone_count, a.first_thru_node = net.first_thru_node;
  auto permute = [&](const auto& in, auto& to) {
    to.resize(out.original_link.size());
    for (std::size_t i = 0; i < to.size(); ++i) to[i] = in[static_cast<std::size_t>(out.original_link[i])];
  };
  permute(net.from, a.from), permute(net.to, a.to), permute(net.capacity_veh_h, a.capacity_veh_h);
  permute(net.length, a.length), permute(net.free_flow_time_min, a.free_flow_time_min), permute(net.b, a.b);
  permute(net.power, a.power), permute(net.toll, a.toll), permute(net.link_type, a.link_type);
  return out;
}

}  // namespace

void run_gradient_projection(const TrafficNetwork& net, const std::vector<ClassView>& classes,
                             const AssignmentOptions& options, ConvergenceLog& log, AssignmentResult& result) {
  const auto ordered = arc_ordered(net);
  const LinkCosts time(ordered.net, {});
  const ShortestPaths paths(ordered.net);
  PathState state(ordered.net, classes, time, paths);
  state.shortest_paths();  // free-flow shortest paths: the all-or-nothing start
  result.unassigned_trips = state.add_paths_and_shift();
  state.rebuild_link_flows();
  for (int k = 1; k <= options.max_iterations; ++k) {
    const double sptt = state.shortest_paths();
    if (log.record(k, state.total_cost(), sptt, state.objective())) break;
    state.add_paths_and_shift();
    // Inner sweeps ramp up (at most 1, 3, 5, ... up to inner_sweeps: early path sets are far
    // from complete) and stop once a sweep moves less than sweep_stop_ratio of the vehicles the
    // first one moved (diminishing returns). Both rules were measured on Chicago-Sketch (README).
    double first_moved = 0.0;
    for (int s = 0; s < std::min(options.inner_sweeps, 2 * k - 1); ++s) {
      const double moved = state.sweep();
      if (s == 0) first_moved = moved;
      else if (moved < options.sweep_stop_ratio * first_moved) break;
    }
    state.rebuild_link_flows();
  }
  // back to link order
  result.link_flow.assign(net.link_count(), 0.0);
  result.class_flow.assign(classes.size(), std::vector<double>(net.link_count(), 0.0));
  for (std::size_t a = 0; a < net.link_count(); ++a) {
    const auto link = static_cast<std::size_t>(ordered.original_link[a]);
    result.link_flow[link] = state.flow()[a];
    for (std::size_t k = 0; k < classes.size(); ++k) result.class_flow[k][link] = state.class_flow()[k][a];
  }
}

}  // namespace sofiatwin::transport::detail
