#include "transit.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <limits>

#include "sim/transport/shortest_path.hpp"

namespace sofiatwin::transport {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

}  // namespace

void TransitModel::add(std::int32_t from, std::int32_t to, Arc arc) {
  graph_.from.push_back(from);
  graph_.to.push_back(to);
  for (auto* v : {&graph_.capacity_veh_h, &graph_.length, &graph_.b, &graph_.power, &graph_.toll}) v->push_back(0.0);
  graph_.free_flow_time_min.push_back(weight(arc));
  graph_.link_type.push_back(static_cast<std::int32_t>(arc.kind));
  arcs_.push_back(arc);
}

double TransitModel::weight(const Arc& a) const {
  switch (a.kind) {
    case Kind::walk: return p_.walk_weight * a.minutes;
    case Kind::board: return p_.wait_weight * a.minutes + p_.boarding_penalty_min;
    case Kind::ride: return a.minutes;
    case Kind::alight: return 0.0;
  }
  return 0.0;
}

TransitModel::TransitModel(const TransitNetwork& transit, const std::vector<Point2>& zone_centroids, const TransitParameters& p)
    : transit_(transit), p_(p), zones_(static_cast<std::int32_t>(zone_centroids.size())) {
  const auto stops = static_cast<std::int32_t>(transit.stops.size());
  const auto stop_node = [&](std::int32_t s) { return zones_ + s; };
  nodes_ = zones_ + stops;
  const double walk_m_per_min = p.walk_speed_kmh * 1000.0 / 60.0;
  // Access and egress: stops within the radius of each centroid, else the nearest three.
  for (std::int32_t z = 0; z < zones_; ++z) {
    std::vector<std::pair<double, std::int32_t>> by_distance;
    for (std::int32_t s = 0; s < stops; ++s) by_distance.emplace_back(distance_m(zone_centroids[z], transit.stops.position[s]), s);
    std::sort(by_distance.begin(), by_distance.end());
    for (std::size_t k = 0; k < by_distance.size(); ++k) {
      if (k >= 3 && by_distance[k].first > p.access_radius_m) break;
      const double minutes = by_distance[k].first / walk_m_per_min;
      add(z, stop_node(by_distance[k].second), {Kind::walk, minutes, -1, -1, by_distance[k].second});
      add(stop_node(by_distance[k].second), z, {Kind::walk, minutes, -1, -1, by_distance[k].second});
    }
  }
  // Transfers between stops close together (a sorted sweep on x keeps this near-linear).
  std::vector<std::int32_t> order(static_cast<std::size_t>(stops));
  for (std::int32_t s = 0; s < stops; ++s) order[s] = s;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return transit.stops.position[a].x_m < transit.stops.position[b].x_m; });
  for (std::size_t i = 0; i < order.size(); ++i)
    for (std::size_t j = i + 1; j < order.size(); ++j) {
      const auto a = order[i], b = order[j];
      if (transit.stops.position[b].x_m - transit.stops.position[a].x_m > p.transfer_radius_m) break;
      const double d = distance_m(transit.stops.position[a], transit.stops.position[b]);
      if (d > p.transfer_radius_m) continue;
      add(stop_node(a), stop_node(b), {Kind::walk, d / walk_m_per_min, -1, -1, a});
      add(stop_node(b), stop_node(a), {Kind::walk, d / walk_m_per_min, -1, -1, b});
    }
  // Lines: one node per pattern position; board, ride, alight.
  const auto& pt = transit.patterns;
  for (std::size_t pattern = 0; pattern < pt.size(); ++pattern) {
    const auto departures = pt.departures_per_hour[pattern][static_cast<std::size_t>(std::clamp(p.hour, 0, service_hours - 1))];
    if (departures <= 0) continue;
    const double wait = std::min(p.max_wait_min, 0.5 * 60.0 / departures);
    const auto first = nodes_;
    const auto& seq = pt.stops[pattern];
    nodes_ += static_cast<std::int32_t>(seq.size());
    for (std::size_t k = 0; k < seq.size(); ++k) {
      const auto at = first + static_cast<std::int32_t>(k);
      const auto pi = static_cast<std::int32_t>(pattern), ki = static_cast<std::int32_t>(k);
      if (k + 1 < seq.size()) add(stop_node(seq[k]), at, {Kind::board, wait, pi, ki, seq[k]});
      if (k > 0) add(at, stop_node(seq[k]), {Kind::alight, 0.0, pi, ki, seq[k]});
      if (k + 1 < seq.size()) add(at, at + 1, {Kind::ride, std::max(0.0, pt.segment_time_min[pattern][k]), pi, ki, seq[k]});
    }
  }
  graph_.node_count = nodes_;
  graph_.zone_count = zones_;
  graph_.first_thru_node = zones_;
  arc_cost_ = graph_.free_flow_time_min;
}

void TransitModel::skims(Skims& out) const {
  const ShortestPaths paths(graph_);
  const auto n = static_cast<std::size_t>(zones_) * zones_;
  out.pt_in_vehicle_min.assign(n, inf);
  out.pt_wait_min.assign(n, inf);
  out.pt_walk_min.assign(n, inf);
  oneapi::tbb::parallel_for(0, zones_, [&](std::int32_t o) {
    ShortestPathTree tree;
    paths.run(o, arc_cost_, tree);
    // Components of each node's best path, accumulated down the tree in settle order.
    std::vector<double> ivt(static_cast<std::size_t>(nodes_), 0.0), wait(ivt), walk(ivt);
    for (auto v : tree.settle_order) {
      const auto link = tree.pred_link[v];
      if (link < 0) continue;
      const auto u = graph_.from[link];
      const auto& arc = arcs_[link];
      ivt[v] = ivt[u] + (arc.kind == Kind::ride ? arc.minutes : 0.0);
      wait[v] = wait[u] + (arc.kind == Kind::board ? arc.minutes : 0.0);
      walk[v] = walk[u] + (arc.kind == Kind::walk ? arc.minutes : 0.0);
    }
    for (std::int32_t d = 0; d < zones_; ++d) {
      if (d == o || tree.pred_link[d] < 0 || ivt[d] <= 0.0) continue;  // walking only is not a PT trip
      const auto i = static_cast<std::size_t>(o) * zones_ + d;
      out.pt_in_vehicle_min[i] = ivt[d];
      out.pt_wait_min[i] = wait[d];
      out.pt_walk_min[i] = walk[d];
    }
  });
}

TransitLoads TransitModel::assign(const OdMatrix& pt_trips) const {
  const ShortestPaths paths(graph_);
  TransitLoads loads;
  loads.route_boardings.assign(transit_.routes.size(), 0.0);
  loads.stop_boardings.assign(transit_.stops.size(), 0.0);
  loads.segment_load.resize(transit_.patterns.size());
  for (std::size_t p = 0; p < transit_.patterns.size(); ++p)
    loads.segment_load[p].assign(transit_.patterns.stops[p].size() > 0 ? transit_.patterns.stops[p].size() - 1 : 0, 0.0);
  const auto result = all_or_nothing(paths, graph_, pt_trips, arc_cost_);
  loads.unassigned_trips = result.unassigned_trips;
  for (std::size_t a = 0; a < arcs_.size(); ++a) {
    const double v = result.link_flow[a];
    if (v == 0.0) continue;
    const auto& arc = arcs_[a];
    if (arc.kind == Kind::board) {
      loads.route_boardings[static_cast<std::size_t>(transit_.patterns.route[arc.pattern])] += v;
      loads.stop_boardings[static_cast<std::size_t>(arc.stop)] += v;
    } else if (arc.kind == Kind::ride) {
      loads.segment_load[static_cast<std::size_t>(arc.pattern)][static_cast<std::size_t>(arc.position)] += v;
    }
  }
  return loads;
}

}  // namespace sofiatwin::transport
