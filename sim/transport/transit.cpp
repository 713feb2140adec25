#include "transit.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>

namespace sofiatwin::transport {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double epsilon_min = 1e-9;  // keeps zero-cost arcs strictly ordered
constexpr double regular_headway_factor = 0.5;

}  // namespace

void TransitModel::add(std::int32_t from, std::int32_t to, Arc arc) {
  from_.push_back(from);
  to_.push_back(to);
  arcs_.push_back(arc);
}

double TransitModel::cost(const Arc& a) const {
  switch (a.kind) {
    case Kind::walk: return p_.walk_weight * a.minutes + epsilon_min;
    case Kind::board: return p_.boarding_penalty_min + epsilon_min;  // the wait belongs to the stop
    case Kind::ride: return a.minutes + epsilon_min;
    case Kind::alight: return epsilon_min;
  }
  return epsilon_min;
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
    // frequency per minute, raised where needed so that no line alone waits beyond max_wait_min
    const double frequency = std::max(departures / 60.0, regular_headway_factor / p.max_wait_min);
    const auto first = nodes_;
    const auto& seq = pt.stops[pattern];
    nodes_ += static_cast<std::int32_t>(seq.size());
    for (std::size_t k = 0; k < seq.size(); ++k) {
      const auto at = first + static_cast<std::int32_t>(k);
      const auto pi = static_cast<std::int32_t>(pattern), ki = static_cast<std::int32_t>(k);
      if (k + 1 < seq.size())
        add(stop_node(seq[k]), at, {Kind::board, regular_headway_factor / frequency, pi, ki, seq[k], frequency});
      if (k > 0) add(at, stop_node(seq[k]), {Kind::alight, 0.0, pi, ki, seq[k]});
      if (k + 1 < seq.size()) add(at, at + 1, {Kind::ride, std::max(0.0, pt.segment_time_min[pattern][k]), pi, ki, seq[k]});
    }
  }
  in_first_.assign(static_cast<std::size_t>(nodes_) + 1, 0);
  for (auto t : to_) ++in_first_[static_cast<std::size_t>(t) + 1];
  for (std::size_t v = 0; v < static_cast<std::size_t>(nodes_); ++v) in_first_[v + 1] += in_first_[v];
  in_arcs_.resize(arcs_.size());
  std::vector<std::int32_t> next(in_first_.begin(), in_first_.end() - 1);
  for (std::size_t a = 0; a < arcs_.size(); ++a) in_arcs_[static_cast<std::size_t>(next[to_[a]]++)] = static_cast<std::int32_t>(a);
}

/// Labels of one destination: expected generalised cost u to the destination, the combined
/// boarding frequency (infinite where the strategy is a single walk/ride arc) and the attractive arcs.
struct TransitModel::Strategy {
  std::vector<double> u, frequency, boarding_sum;
  std::vector<std::vector<std::int32_t>> attractive;
  std::vector<std::int32_t> order;  // nodes with a finite label, by increasing u
};

TransitModel::Strategy TransitModel::strategy_to(std::int32_t destination) const {
  Strategy s;
  const auto n = static_cast<std::size_t>(nodes_);
  s.u.assign(n, inf);
  s.frequency.assign(n, 0.0);
  s.boarding_sum.assign(n, 0.0);
  s.attractive.assign(n, {});
  using Entry = std::pair<double, std::int32_t>;  // (u_j + c_a, arc)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  auto push_incoming = [&](std::int32_t j) {
    if (j < zones_ && j != destination) return;  // zones are not passed through
    for (auto k = in_first_[j]; k < in_first_[j + 1]; ++k) {
      const auto a = in_arcs_[static_cast<std::size_t>(k)];
      heap.emplace(s.u[j] + cost(arcs_[a]), a);
    }
  };
  s.u[destination] = 0.0;
  push_incoming(destination);
  while (!heap.empty()) {
    const auto [key, a] = heap.top();
    heap.pop();
    const auto i = from_[a], j = to_[a];
    if (key != s.u[j] + cost(arcs_[a]) || key >= s.u[i]) continue;  // stale, or not attractive
    const Arc& arc = arcs_[a];
    if (arc.kind != Kind::board) {  // infinite frequency: the single best arc
      s.u[i] = key;
      s.frequency[i] = inf;
      s.attractive[i] = {a};
    } else {
      if (s.frequency[i] == inf) continue;  // a certain walk beats waiting
      s.frequency[i] += arc.frequency_per_min;
      s.boarding_sum[i] += arc.frequency_per_min * key;
      s.u[i] = (p_.wait_weight * regular_headway_factor + s.boarding_sum[i]) / s.frequency[i];
      s.attractive[i].push_back(a);
    }
    push_incoming(i);
  }
  for (std::int32_t v = 0; v < nodes_; ++v)
    if (s.u[v] < inf) s.order.push_back(v);
  std::sort(s.order.begin(), s.order.end(), [&](auto x, auto y) { return s.u[x] < s.u[y] || (s.u[x] == s.u[y] && x < y); });
  return s;
}

TransitModel::Components TransitModel::components(const Strategy& s, std::int32_t r) const {
  // Expected in-vehicle, wait and walk minutes, from the destination outwards (increasing u).
  Components c;
  c.ivt.assign(static_cast<std::size_t>(nodes_), 0.0);
  c.wait = c.ivt;
  c.walk = c.ivt;
  for (auto i : s.order) {
    if (i == r) continue;
    const auto& chosen = s.attractive[i];
    if (s.frequency[i] == inf) {
      const auto a = chosen.front();
      const auto j = to_[a];
      c.ivt[i] = c.ivt[j] + (arcs_[a].kind == Kind::ride ? arcs_[a].minutes : 0.0);
      c.wait[i] = c.wait[j];
      c.walk[i] = c.walk[j] + (arcs_[a].kind == Kind::walk ? arcs_[a].minutes : 0.0);
    } else {
      c.wait[i] = regular_headway_factor / s.frequency[i];
      for (auto a : chosen) {
        const double share = arcs_[a].frequency_per_min / s.frequency[i];
        const auto j = to_[a];
        c.ivt[i] += share * c.ivt[j];
        c.wait[i] += share * c.wait[j];
        c.walk[i] += share * c.walk[j];
      }
    }
  }
  return c;
}

void TransitModel::skims(Skims& out) const {
  const auto n = static_cast<std::size_t>(zones_) * zones_;
  out.pt_in_vehicle_min.assign(n, inf);
  out.pt_wait_min.assign(n, inf);
  out.pt_walk_min.assign(n, inf);
  oneapi::tbb::parallel_for(0, zones_, [&](std::int32_t r) {
    const Strategy s = strategy_to(r);
    const Components c = components(s, r);
    for (std::int32_t o = 0; o < zones_; ++o) {
      if (o == r || s.u[o] == inf || c.ivt[o] <= 0.0) continue;  // walking only is not a PT trip
      const auto k = static_cast<std::size_t>(o) * zones_ + r;
      out.pt_in_vehicle_min[k] = c.ivt[o];
      out.pt_wait_min[k] = c.wait[o];
      out.pt_walk_min[k] = c.walk[o];
    }
  });
}

TransitLoads TransitModel::assign(const OdMatrix& pt_trips) const {
  TransitLoads loads;
  loads.route_boardings.assign(transit_.routes.size(), 0.0);
  loads.stop_boardings.assign(transit_.stops.size(), 0.0);
  loads.segment_load.resize(transit_.patterns.size());
  for (std::size_t p = 0; p < transit_.patterns.size(); ++p)
    loads.segment_load[p].assign(transit_.patterns.stops[p].size() > 0 ? transit_.patterns.stops[p].size() - 1 : 0, 0.0);
  // One destination at a time in parallel; per-destination arc volumes are added in destination order.
  std::vector<std::vector<double>> volume(static_cast<std::size_t>(zones_));
  std::vector<double> unassigned(static_cast<std::size_t>(zones_), 0.0);
  oneapi::tbb::parallel_for(0, zones_, [&](std::int32_t r) {
    bool any = false;
    for (std::int32_t o = 0; o < zones_ && !any; ++o) any = o != r && pt_trips.at(o, r) > 0.0;
    if (!any) return;
    const Strategy s = strategy_to(r);
    const Components c = components(s, r);
    auto& v = volume[static_cast<std::size_t>(r)];
    v.assign(arcs_.size(), 0.0);
    std::vector<double> node_volume(static_cast<std::size_t>(nodes_), 0.0);
    for (std::int32_t o = 0; o < zones_; ++o) {
      if (o == r || pt_trips.at(o, r) <= 0.0) continue;
      if (s.u[o] == inf || c.ivt[o] <= 0.0) unassigned[static_cast<std::size_t>(r)] += pt_trips.at(o, r);  // no PT path
      else node_volume[o] += pt_trips.at(o, r);
    }
    for (auto it = s.order.rbegin(); it != s.order.rend(); ++it) {  // decreasing u: inflows first
      const auto i = *it;
      if (i == r || node_volume[i] == 0.0) continue;
      for (auto a : s.attractive[i]) {
        const double share = s.frequency[i] == inf ? 1.0 : arcs_[a].frequency_per_min / s.frequency[i];
        v[a] += node_volume[i] * share;
        node_volume[to_[a]] += node_volume[i] * share;
      }
    }
  });
  for (std::int32_t r = 0; r < zones_; ++r) {
    loads.unassigned_trips += unassigned[static_cast<std::size_t>(r)];
    const auto& v = volume[static_cast<std::size_t>(r)];
    for (std::size_t a = 0; a < v.size(); ++a) {
      if (v[a] == 0.0) continue;
      const auto& arc = arcs_[a];
      if (arc.kind == Kind::board) {
        loads.route_boardings[static_cast<std::size_t>(transit_.patterns.route[arc.pattern])] += v[a];
        loads.stop_boardings[static_cast<std::size_t>(arc.stop)] += v[a];
      } else if (arc.kind == Kind::ride) {
        loads.segment_load[static_cast<std::size_t>(arc.pattern)][static_cast<std::size_t>(arc.position)] += v[a];
      }
    }
  }
  return loads;
}

}  // namespace sofiatwin::transport
