#include "zone_network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/core/graph.hpp"
#include "sim/core/spatial_grid.hpp"

namespace sofiatwin::transport {
namespace {

constexpr double bpr_b = 0.15, bpr_power = 4.0;
constexpr double connector_capacity_veh_h = 99999.0;
constexpr double min_connector_m = 50.0;

/// Road nodes that may take a connector: in the largest strongly connected component and, unless
/// `any_class`, touched by a road below trunk class.
std::vector<std::int32_t> access_candidates(const RoadNetwork& roads, bool any_class) {
  const auto n = static_cast<std::int32_t>(roads.nodes.size());
  const auto& l = roads.links;
  const auto strong = strong_components(build_csr(n, l.from_node, l.to_node));
  std::vector<char> local(static_cast<std::size_t>(n), 0);
  for (std::size_t a = 0; a < l.size(); ++a)
    if (l.road_class[a] != RoadClass::motorway && l.road_class[a] != RoadClass::trunk)
      local[l.from_node[a]] = local[l.to_node[a]] = 1;
  std::vector<std::int32_t> out;
  for (std::int32_t v = 0; v < n; ++v)
    if (strong[v] == 0 && (local[v] || any_class)) out.push_back(v);
  return out;
}

/// Points of one zone: its activity points, else a grid of points inside its polygon, else its label point.
void zone_points(const Zones& zones, std::size_t z, const std::vector<std::size_t>& members, const WeightedPoints& activity,
                 std::vector<Point2>& points, std::vector<double>& weights) {
  points.clear();
  weights.clear();
  for (auto i : members) points.push_back(activity.position[i]), weights.push_back(std::max(activity.weight[i], 1e-9));
  if (!points.empty()) return;
  const auto box = bounds(zones.boundary[z]);
  const double step = std::max(50.0, std::sqrt(std::max(area_m2(zones.boundary[z]), 1.0) / 64.0));
  for (double y = box.min_y_m + step / 2; y < box.max_y_m; y += step)
    for (double x = box.min_x_m + step / 2; x < box.max_x_m; x += step)
      if (contains(zones.boundary[z], {x, y})) points.push_back({x, y}), weights.push_back(1.0);
  if (points.empty()) points.push_back(zones.centroid[z]), weights.push_back(1.0);
}

Point2 weighted_mean(const std::vector<Point2>& points, const std::vector<double>& weights) {
  double x = 0, y = 0, w = 0;
  for (std::size_t i = 0; i < points.size(); ++i) x += weights[i] * points[i].x_m, y += weights[i] * points[i].y_m, w += weights[i];
  return {x / w, y / w};
}

/// Weighted k-means (Lloyd) with a deterministic farthest-point start: centres of k parts of the zone.
std::vector<Point2> part_centres(const std::vector<Point2>& points, const std::vector<double>& weights, int k) {
  const Point2 mean = weighted_mean(points, weights);
  std::vector<Point2> centres;
  std::vector<double> nearest(points.size(), std::numeric_limits<double>::infinity());
  std::size_t first = 0;
  for (std::size_t i = 1; i < points.size(); ++i)
    if (distance_m(points[i], mean) < distance_m(points[first], mean)) first = i;
  centres.push_back(points[first]);
  while (static_cast<int>(centres.size()) < k) {
    std::size_t far = 0;
    double far_score = -1;
    for (std::size_t i = 0; i < points.size(); ++i) {
      nearest[i] = std::min(nearest[i], distance_m(points[i], centres.back()));
      if (const double score = weights[i] * nearest[i] * nearest[i]; score > far_score) far_score = score, far = i;
    }
    if (far_score <= 0) break;  // fewer distinct points than parts
    centres.push_back(points[far]);
  }
  std::vector<int> part(points.size(), 0);
  for (int iteration = 0; iteration < 10; ++iteration) {
    for (std::size_t i = 0; i < points.size(); ++i)
      for (std::size_t c = 1; c < centres.size(); ++c)
        if (distance_m(points[i], centres[c]) < distance_m(points[i], centres[static_cast<std::size_t>(part[i])])) part[i] = static_cast<int>(c);
    std::vector<double> x(centres.size(), 0), y(centres.size(), 0), w(centres.size(), 0);
    for (std::size_t i = 0; i < points.size(); ++i) {
      const auto c = static_cast<std::size_t>(part[i]);
      x[c] += weights[i] * points[i].x_m, y[c] += weights[i] * points[i].y_m, w[c] += weights[i];
    }
    for (std::size_t c = 0; c < centres.size(); ++c)
      if (w[c] > 0) centres[c] = {x[c] / w[c], y[c] / w[c]};
  }
  return centres;
}

/// The nearest candidate to p (index into `positions`), searched with a doubling radius.
std::int32_t nearest_candidate(Point2 p, const SpatialGrid& grid, const std::vector<Point2>& positions) {
  for (double radius = 250.0; radius < 2e6; radius *= 2) {
    std::int32_t best = -1;
    double best_m = std::numeric_limits<double>::infinity();
    grid.query(box_around(p, radius), [&](std::int32_t i) {
      const double d = distance_m(p, positions[i]);
      if (d < best_m || (d == best_m && i < best)) best_m = d, best = i;
    });
    if (best >= 0 && best_m <= radius) return best;
  }
  return -1;
}

void add_link(TrafficNetwork& net, std::int32_t from, std::int32_t to, double capacity, double length_km, double minutes,
              double b, std::int32_t type) {
  net.from.push_back(from);
  net.to.push_back(to);
  net.capacity_veh_h.push_back(capacity);
  net.length.push_back(length_km);
  net.free_flow_time_min.push_back(minutes);
  net.b.push_back(b);
  net.power.push_back(bpr_power);
  net.toll.push_back(0.0);
  net.link_type.push_back(type);
}

/// A grid over the candidate nodes for nearest-node searches.
struct Candidates {
  std::vector<std::int32_t> node;
  std::vector<Point2> position;
  SpatialGrid grid{250.0};
  Candidates(const RoadNetwork& roads, bool any_class) : node(access_candidates(roads, any_class)) {
    for (auto v : node) {
      grid.insert(roads.nodes.position[v], static_cast<std::int32_t>(position.size()));
      position.push_back(roads.nodes.position[v]);
    }
    grid.build();
  }
};

}  // namespace

ZoneNetwork build_zone_network(const RoadNetwork& roads, const Zones& zones, const WeightedPoints& activity,
                               const ConnectorParameters& p, const RoadParameters& road, const std::vector<Point2>& gateways) {
  ZoneNetwork out;
  auto& net = out.net;
  const auto internal = static_cast<std::int32_t>(zones.size());
  const auto zone_count = internal + static_cast<std::int32_t>(gateways.size());
  out.internal_zones = internal;
  net.zone_count = net.first_thru_node = zone_count;
  net.node_count = zone_count + static_cast<std::int32_t>(roads.nodes.size());
  const auto& l = roads.links;
  for (std::size_t a = 0; a < l.size(); ++a) {
    const auto cls = static_cast<std::size_t>(l.road_class[a]);
    add_link(net, zone_count + l.from_node[a], zone_count + l.to_node[a], l.capacity_veh_h[a] * road.capacity_factor[cls],
             l.length_m[a] / 1000.0, l.free_flow_time_min(a) + road.junction_delay_s[cls] / 60.0, bpr_b, static_cast<std::int32_t>(cls));
  }
  out.road_link_count = static_cast<std::int32_t>(l.size());

  const Candidates local(roads, false);
  const auto& candidates = local.node;
  const auto& positions = local.position;
  const auto& grid = local.grid;
  std::vector<std::vector<std::size_t>> members(zones.size());
  for (std::size_t i = 0; i < activity.zone.size(); ++i)
    if (activity.zone[i] >= 0 && activity.zone[i] < zone_count) members[static_cast<std::size_t>(activity.zone[i])].push_back(i);
  const auto all = static_cast<std::size_t>(zone_count);
  out.access_points.resize(all);
  out.zone_centre.resize(all);
  out.nearest_access_m.assign(all, std::numeric_limits<double>::infinity());
  out.covered.assign(all, false);
  std::vector<Point2> points;
  std::vector<double> weights;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    zone_points(zones, z, members[z], activity, points, weights);
    out.zone_centre[z] = weighted_mean(points, weights);
    const int k = std::clamp(static_cast<int>(std::ceil(area_m2(zones.boundary[z]) / 1e6 / p.area_per_connector_km2)),
                             p.min_connectors, p.max_connectors);
    out.access_points[z] = part_centres(points, weights, k);
    if (positions.empty()) continue;
    std::vector<std::int32_t> nodes;
    for (auto centre : out.access_points[z]) {
      const auto i = nearest_candidate(centre, grid, positions);
      out.nearest_access_m[z] = std::min(out.nearest_access_m[z], distance_m(centre, positions[i]));
      if (std::find(nodes.begin(), nodes.end(), i) == nodes.end()) nodes.push_back(i);
    }
    out.covered[z] = out.nearest_access_m[z] <= p.long_connector_m;
    const auto zone = static_cast<std::int32_t>(z);
    for (auto i : nodes) {
      const double m = std::max(min_connector_m, distance_m(out.zone_centre[z], positions[i]));
      const double minutes = m / 1000.0 / p.speed_kmh * 60.0;
      const auto node = zone_count + candidates[i];
      const auto type = static_cast<std::int32_t>(RoadClass::connector);
      add_link(net, zone, node, connector_capacity_veh_h, m / 1000.0, minutes, 0.0, type);
      add_link(net, node, zone, connector_capacity_veh_h, m / 1000.0, minutes, 0.0, type);
      out.connector_zone.push_back(zone);
      out.connector_zone.push_back(zone);
    }
  }
  const Candidates any(roads, true);
  for (std::size_t g = 0; g < gateways.size() && !any.node.empty(); ++g) {
    const auto zone = internal + static_cast<std::int32_t>(g);
    const auto z = static_cast<std::size_t>(zone);
    out.access_points[z] = {gateways[g]};
    out.zone_centre[z] = gateways[g];
    const auto i = nearest_candidate(gateways[g], any.grid, any.position);
    const double m = std::max(min_connector_m, distance_m(gateways[g], any.position[static_cast<std::size_t>(i)]));
    out.nearest_access_m[z] = m;
    out.covered[z] = m <= p.long_connector_m;
    const double minutes = m / 1000.0 / p.speed_kmh * 60.0;
    const auto node = zone_count + any.node[static_cast<std::size_t>(i)];
    const auto type = static_cast<std::int32_t>(RoadClass::connector);
    add_link(net, zone, node, connector_capacity_veh_h, m / 1000.0, minutes, 0.0, type);
    add_link(net, node, zone, connector_capacity_veh_h, m / 1000.0, minutes, 0.0, type);
    out.connector_zone.push_back(zone);
    out.connector_zone.push_back(zone);
  }
  return out;
}

}  // namespace sofiatwin::transport
