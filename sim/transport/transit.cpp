#include "transit.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace sofiatwin::transport {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double epsilon_min = 1e-9;  // keeps zero-cost arcs strictly ordered
constexpr double regular_headway_factor = 0.5;
constexpr std::int32_t destination_blocks = 16;  // fixed blocks of destinations: the same sums for any thread count

/// A 4-ary min-heap of (key, code) with ties broken by code: fewer levels than a binary heap and
/// its storage kept from destination to destination.
class QuadHeap {
 public:
  struct Entry {
    double key;
    std::int32_t code;
    [[nodiscard]] bool before(const Entry& o) const { return key < o.key || (key == o.key && code < o.code); }
  };
  [[nodiscard]] bool empty() const { return items_.empty(); }
  void clear() { items_.clear(); }
  void push(double key, std::int32_t code) {
    items_.push_back({key, code});
    std::size_t i = items_.size() - 1;
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!items_[i].before(items_[parent])) break;
      std::swap(items_[i], items_[parent]);
      i = parent;
    }
  }
  Entry pop() {
    const Entry top = items_.front();
    items_.front() = items_.back();
    items_.pop_back();
    const std::size_t n = items_.size();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      for (std::size_t c = first + 1; c < std::min(first + 4, n); ++c)
        if (items_[c].before(items_[best])) best = c;
      if (!items_[best].before(items_[i])) break;
      std::swap(items_[i], items_[best]);
      i = best;
    }
    return top;
  }

 private:
  std::vector<Entry> items_;
};

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

double departures_per_hour(const std::array<std::int32_t, service_hours>& per_hour, double start_h, double end_h) {
  double departures = 0.0;
  const int first = static_cast<int>(std::floor(start_h)), last = static_cast<int>(std::ceil(end_h));
  for (int h = first; h < last; ++h) {
    const double weight = std::min<double>(h + 1, end_h) - std::max<double>(h, start_h);  // part-hours at the ends
    const int clock = ((h % 24) + 24) % 24;
    double in_hour = per_hour[static_cast<std::size_t>(clock)];
    if (clock + 24 < service_hours) in_hour += per_hour[static_cast<std::size_t>(clock + 24)];
    departures += weight * in_hour;
  }
  return end_h > start_h ? departures / (end_h - start_h) : 0.0;
}

TransitModel::TransitModel(const TransitNetwork& transit, const std::vector<std::vector<Point2>>& zone_access_points, double start_h,
                           double end_h, const TransitParameters& p, const std::vector<double>& frequency_factor)
    : transit_(transit), p_(p), zones_(static_cast<std::int32_t>(zone_access_points.size())) {
  const auto stops = static_cast<std::int32_t>(transit.stops.size());
  const auto stop_node = [&](std::int32_t s) { return zones_ + s; };
  nodes_ = zones_ + stops;
  const double walk_m_per_min = p.walk_speed_kmh * 1000.0 / 60.0;
  // Access and egress: stops within the radius of one of the zone's access points, else the nearest three.
  for (std::int32_t z = 0; z < zones_; ++z) {
    std::vector<std::pair<double, std::int32_t>> by_distance;
    for (std::int32_t s = 0; s < stops; ++s) {
      double nearest = inf;
      for (auto point : zone_access_points[z]) nearest = std::min(nearest, distance_m(point, transit.stops.position[s]));
      by_distance.emplace_back(nearest, s);
    }
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
  metro_pattern_.assign(pt.size(), false);
  metro_stop_.assign(static_cast<std::size_t>(stops), false);
  for (std::size_t pattern = 0; pattern < pt.size(); ++pattern)
    if (transit.routes.gtfs_type[static_cast<std::size_t>(pt.route[pattern])] == 1) {
      metro_pattern_[pattern] = true;
      for (auto stop : pt.stops[pattern]) metro_stop_[static_cast<std::size_t>(stop)] = true;
    }
  for (std::size_t pattern = 0; pattern < pt.size(); ++pattern) {
    const double departures = departures_per_hour(pt.departures_per_hour[pattern], start_h, end_h) *
                              (frequency_factor.empty() ? 1.0 : frequency_factor[pattern]);
    if (departures <= 0) continue;
    service_departures_ += departures * (end_h - start_h);
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
/// boarding frequency (infinite where the strategy is a single walk/ride arc) and the attractive
/// arcs (a list per node, linked through next_attractive). Reused from destination to destination.
struct TransitModel::Strategy {
  std::vector<double> u, frequency, boarding_sum;
  std::vector<std::int32_t> first_attractive, next_attractive;
  std::vector<double> walk_best;                     // stops: the cheapest walk out
  std::vector<std::int32_t> walk_arc, board_first;   // stops: that walk, the attractive boardings
  std::vector<std::int32_t> order;  // nodes with a finite label, by increasing u
  QuadHeap heap;
};

void TransitModel::strategy_to(std::int32_t destination, Strategy& s) const {
  const auto n = static_cast<std::size_t>(nodes_);
  s.u.assign(n, inf);
  s.frequency.assign(n, 0.0);
  s.boarding_sum.assign(n, 0.0);
  s.first_attractive.assign(n, -1);
  s.next_attractive.resize(arcs_.size());
  s.walk_best.assign(n, inf);
  s.walk_arc.assign(n, -1);
  s.board_first.assign(n, -1);
  s.order.clear();
  // Label setting in increasing cost to the destination. Heap entries are boarding arcs (code >= 0,
  // key u_j + c_a) or node tokens (code -1 - i, key u_i); a node's label is final when the token
  // of its current label leaves, and only then are its incoming arcs looked at, once.
  // - Arcs out of zones (access walks) and pattern nodes (ride, alight) are single-arc choices: the
  //   cheapest wins whatever the order, so they are relaxed at once.
  // - At a stop, boardings join the attractive set in the order of their keys while they are cheaper
  //   than the stop's label (Spiess and Florian). A walk out of the stop competes as one arc: a
  //   boarding whose key is not below the best walk known when it leaves the heap is never
  //   attractive (that walk's head was final before it), so walks are relaxed at once too and only
  //   boardings need the heap. The stop takes the walk when it is cheaper than its boardings.
  auto& heap = s.heap;
  heap.clear();
  s.u[destination] = 0.0;
  heap.push(0.0, -1 - destination);
  const auto first_pattern_node = zones_ + static_cast<std::int32_t>(transit_.stops.size());
  auto stop_label = [&](std::int32_t i) {
    const double boarded = s.frequency[i] > 0 ? (p_.wait_weight * regular_headway_factor + s.boarding_sum[i]) / s.frequency[i] : inf;
    return std::min(boarded, s.walk_best[i]);
  };
  while (!heap.empty()) {
    const auto [key, code] = heap.pop();
    if (code < 0) {
      const auto j = -1 - code;
      if (key != s.u[j]) continue;  // an earlier label of the node
      if (j >= zones_ && j < first_pattern_node) {  // a stop: its strategy, walk or boardings
        if (s.walk_best[j] <= key && s.walk_arc[j] >= 0) {
          s.frequency[j] = inf;
          s.first_attractive[j] = s.walk_arc[j];
          s.next_attractive[s.walk_arc[j]] = -1;
        } else {
          s.first_attractive[j] = s.board_first[j];
        }
      }
      s.order.push_back(j);
      if (j < zones_ && j != destination) continue;  // zones are not passed through
      for (auto k = in_first_[j]; k < in_first_[j + 1]; ++k) {
        const auto arc = in_arcs_[static_cast<std::size_t>(k)];
        const auto i = from_[arc];
        const double through = s.u[j] + cost(arcs_[arc]);
        if (arcs_[arc].kind == Kind::board) {
          heap.push(through, arc);
        } else if (i < zones_ || i >= first_pattern_node) {
          // ties go to the lower arc index, as the heap's order would have it
          const bool cheaper = through < s.u[i];
          if (cheaper || (through == s.u[i] && s.frequency[i] == inf && arc < s.first_attractive[i])) {
            s.u[i] = through;
            s.frequency[i] = inf;
            s.first_attractive[i] = arc;
            s.next_attractive[arc] = -1;
            if (cheaper && i >= zones_) heap.push(through, -1 - i);  // origins are read at the end
          }
        } else if (through < s.walk_best[i] || (through == s.walk_best[i] && arc < s.walk_arc[i])) {  // a walk out of a stop
          s.walk_best[i] = through;
          s.walk_arc[i] = arc;
          if (through < s.u[i]) s.u[i] = through, heap.push(through, -1 - i);
        }
      }
      continue;
    }
    const auto a = code;
    const auto i = from_[a];
    if (key >= s.u[i] || key >= s.walk_best[i]) continue;  // not attractive
    const Arc& arc = arcs_[a];
    s.next_attractive[a] = s.board_first[i];
    s.board_first[i] = a;
    s.frequency[i] += arc.frequency_per_min;
    s.boarding_sum[i] += arc.frequency_per_min * key;
    if (const double label = stop_label(i); label < s.u[i]) {
      s.u[i] = label;
      heap.push(label, -1 - i);
    }
  }
  // origins depend on stops only: after them in `order`
  for (std::int32_t z = 0; z < zones_; ++z)
    if (z != destination && s.u[z] < inf) s.order.push_back(z);
}

void TransitModel::components(const Strategy& s, std::int32_t r, Components& c) const {
  // Expected in-vehicle, wait and walk minutes, from the destination outwards (increasing u).
  c.ivt.assign(static_cast<std::size_t>(nodes_), 0.0);
  c.wait.assign(static_cast<std::size_t>(nodes_), 0.0);
  c.walk.assign(static_cast<std::size_t>(nodes_), 0.0);
  for (auto i : s.order) {
    if (i == r) continue;
    if (s.frequency[i] == inf) {
      const auto a = s.first_attractive[i];
      const auto j = to_[a];
      c.ivt[i] = c.ivt[j] + (arcs_[a].kind == Kind::ride ? arcs_[a].minutes : 0.0);
      c.wait[i] = c.wait[j];
      c.walk[i] = c.walk[j] + (arcs_[a].kind == Kind::walk ? arcs_[a].minutes : 0.0);
    } else {
      c.wait[i] = regular_headway_factor / s.frequency[i];
      for (auto a = s.first_attractive[i]; a >= 0; a = s.next_attractive[a]) {
        const double share = arcs_[a].frequency_per_min / s.frequency[i];
        const auto j = to_[a];
        c.ivt[i] += share * c.ivt[j];
        c.wait[i] += share * c.wait[j];
        c.walk[i] += share * c.walk[j];
      }
    }
  }
}

void TransitModel::skims(Skims& out) const {
  const auto n = static_cast<std::size_t>(zones_) * zones_;
  out.pt_in_vehicle_min.assign(n, inf);
  out.pt_wait_min.assign(n, inf);
  out.pt_walk_min.assign(n, inf);
  oneapi::tbb::parallel_for(0, destination_blocks, [&](std::int32_t b) {
    Strategy s;
    Components c;
    for (std::int32_t r = b; r < zones_; r += destination_blocks) {
      strategy_to(r, s);
      components(s, r, c);
      for (std::int32_t o = 0; o < zones_; ++o) {
        if (o == r || s.u[o] == inf || c.ivt[o] <= 0.0) continue;  // walking only is not a PT trip
        const auto k = static_cast<std::size_t>(o) * zones_ + r;
        out.pt_in_vehicle_min[k] = c.ivt[o];
        out.pt_wait_min[k] = c.wait[o];
        out.pt_walk_min[k] = c.walk[o];
      }
    }
  });
}

void TransitModel::load_destination(std::int32_t r, const OdMatrix& pt_trips, Strategy& s, Components& c, std::vector<double>& arc_volume,
                                    std::vector<double>& arc_entries, double& unassigned) const {
  bool any = false;
  for (std::int32_t o = 0; o < zones_ && !any; ++o) any = o != r && pt_trips.at(o, r) > 0.0;
  if (!any) return;
  strategy_to(r, s);
  components(s, r, c);
  auto& node_volume = c.node_volume;
  auto& inside = c.node_inside_metro;  // the part of a node's volume that is inside the metro (alighted from it)
  node_volume.assign(static_cast<std::size_t>(nodes_), 0.0);
  inside.assign(static_cast<std::size_t>(nodes_), 0.0);
  for (std::int32_t o = 0; o < zones_; ++o) {
    if (o == r || pt_trips.at(o, r) <= 0.0) continue;
    if (s.u[o] == inf || c.ivt[o] <= 0.0) unassigned += pt_trips.at(o, r);  // no PT path
    else node_volume[o] += pt_trips.at(o, r);
  }
  for (auto it = s.order.rbegin(); it != s.order.rend(); ++it) {  // decreasing u: inflows first
    const auto i = *it;
    if (i == r || node_volume[i] == 0.0) continue;
    for (auto a = s.first_attractive[i]; a >= 0; a = s.frequency[i] == inf ? -1 : s.next_attractive[a]) {
      const double share = s.frequency[i] == inf ? 1.0 : arcs_[a].frequency_per_min / s.frequency[i];
      const double moved = node_volume[i] * share, moved_inside = inside[i] * share;
      const auto j = to_[a];
      arc_volume[a] += moved;
      node_volume[j] += moved;
      const Arc& arc = arcs_[a];
      const bool metro_line = arc.pattern >= 0 && metro_pattern_[static_cast<std::size_t>(arc.pattern)];
      if (arc.kind == Kind::board && metro_line) arc_entries[a] += moved - moved_inside;  // who enters the metro here
      else if (arc.kind == Kind::alight && metro_line) inside[j] += moved;
      else if (arc.kind == Kind::walk && i >= zones_ && j >= zones_ && metro_stop_[static_cast<std::size_t>(i - zones_)] &&
               metro_stop_[static_cast<std::size_t>(j - zones_)])
        inside[j] += moved_inside;  // a passage between metro stations
    }
  }
}

TransitLoads TransitModel::assign(const OdMatrix& pt_trips) const {
  TransitLoads loads;
  loads.route_boardings.assign(transit_.routes.size(), 0.0);
  loads.route_passenger_km.assign(transit_.routes.size(), 0.0);
  loads.stop_boardings.assign(transit_.stops.size(), 0.0);
  loads.segment_load.resize(transit_.patterns.size());
  for (std::size_t p = 0; p < transit_.patterns.size(); ++p)
    loads.segment_load[p].assign(transit_.patterns.stops[p].size() > 0 ? transit_.patterns.stops[p].size() - 1 : 0, 0.0);
  // Destinations in a fixed number of blocks, each summed in destination order, the blocks in block
  // order: the same loads for any thread count, and memory for the blocks only.
  const std::int32_t blocks = destination_blocks;
  std::vector<std::vector<double>> volume(blocks), entries(blocks);
  std::vector<double> unassigned(blocks, 0.0);
  oneapi::tbb::parallel_for(0, blocks, [&](std::int32_t b) {
    Strategy s;
    Components c;
    const auto k = static_cast<std::size_t>(b);
    volume[k].assign(arcs_.size(), 0.0);
    entries[k].assign(arcs_.size(), 0.0);
    for (std::int32_t r = b; r < zones_; r += blocks) load_destination(r, pt_trips, s, c, volume[k], entries[k], unassigned[k]);
  });
  std::vector<double> total(arcs_.size(), 0.0);
  for (std::int32_t b = 0; b < blocks; ++b) {
    const auto k = static_cast<std::size_t>(b);
    loads.unassigned_trips += unassigned[k];
    for (std::size_t a = 0; a < arcs_.size(); ++a) total[a] += volume[k][a], loads.metro_entries += entries[k][a];
  }
  for (std::size_t a = 0; a < total.size(); ++a) {
    if (total[a] == 0.0) continue;
    const auto& arc = arcs_[a];
    if (arc.kind == Kind::board) {
      loads.route_boardings[static_cast<std::size_t>(transit_.patterns.route[arc.pattern])] += total[a];
      loads.stop_boardings[static_cast<std::size_t>(arc.stop)] += total[a];
    } else if (arc.kind == Kind::ride) {
      const auto& seq = transit_.patterns.stops[static_cast<std::size_t>(arc.pattern)];
      const auto k = static_cast<std::size_t>(arc.position);
      loads.segment_load[static_cast<std::size_t>(arc.pattern)][k] += total[a];
      loads.route_passenger_km[static_cast<std::size_t>(transit_.patterns.route[arc.pattern])] +=
          total[a] * distance_m(transit_.stops.position[seq[k]], transit_.stops.position[seq[k + 1]]) / 1000.0;
    }
  }
  return loads;
}

}  // namespace sofiatwin::transport
