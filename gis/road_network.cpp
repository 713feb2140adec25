#include "road_network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gis/road_topology.hpp"
#include "gis/spatial_grid.hpp"
#include "sim/core/graph.hpp"

namespace sofiatwin::gis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double lane_width_m = 3.5;

struct LinkAttributes {
  RoadClass road_class;
  double lanes_per_direction, speed_kmh;
};

/// Attributes of a source line; lanes of a two-way road are split between the two directions.
LinkAttributes attributes_of(const RoadLine& line) {
  RoadClass cls = line.road_class ? *line.road_class
                                  : (line.width_m ? road_class_from_width(*line.width_m) : RoadClass::unclassified);
  const auto& d = road_class_defaults(cls);
  double lanes = d.lanes_per_direction;
  const double directions = line.oneway == 0 ? 2.0 : 1.0;
  if (line.lanes_total && *line.lanes_total > 0) lanes = std::max(1.0, std::floor(*line.lanes_total / directions));
  else if (line.width_m && *line.width_m > 0) lanes = std::max(1.0, std::floor(*line.width_m / lane_width_m / directions));
  return {cls, lanes, line.speed_kmh.value_or(d.speed_kmh)};
}

void add_link(RoadLinks& links, std::int32_t from, std::int32_t to, Polyline shape, const LinkAttributes& a,
              std::int64_t source_id) {
  links.from_node.push_back(from);
  links.to_node.push_back(to);
  links.length_m.push_back(length_m(shape));
  links.lanes.push_back(a.lanes_per_direction);
  links.speed_kmh.push_back(a.speed_kmh);
  links.capacity_veh_h.push_back(a.lanes_per_direction * road_class_defaults(a.road_class).capacity_veh_h_per_lane);
  links.road_class.push_back(a.road_class);
  links.source_id.push_back(source_id);
  links.component.push_back(0);
  links.shape.push_back(std::move(shape));
}

void add_road_links(const RoadTopology& topo, const std::vector<RoadLine>& lines, std::int32_t node_offset, RoadLinks& links) {
  for (const auto& edge : topo.edges) {
    const auto& line = lines[static_cast<std::size_t>(edge.source_line)];
    const auto a = attributes_of(line);
    const auto from = edge.from_node + node_offset, to = edge.to_node + node_offset;
    if (line.oneway >= 0) add_link(links, from, to, edge.shape, a, line.source_id);
    if (line.oneway <= 0) add_link(links, to, from, Polyline(edge.shape.rbegin(), edge.shape.rend()), a, line.source_id);
  }
}

/// Distance from `p` to the nearest of `targets` (indexed in `grid`), searched with a doubling
/// radius up to `max_m`; infinity when none is that close.
double nearest_distance_m(Point2 p, const SpatialGrid& grid, const std::vector<Point2>& targets, double max_m) {
  for (double radius = 250.0; radius <= max_m * 2; radius *= 2) {
    double best = std::numeric_limits<double>::infinity();
    grid.query(box_around(p, radius), [&](std::int32_t i) { best = std::min(best, distance_m(p, targets[i])); });
    if (best <= radius) return best <= max_m ? best : std::numeric_limits<double>::infinity();
  }
  return std::numeric_limits<double>::infinity();
}

/// Labels weak components on the links and reports the pieces apart from the main graph, and why.
void report_components(RoadNetwork& net, ImportReport& report, double tolerance_m) {
  auto& links = net.links;
  if (links.size() == 0) return;
  const auto node_count = static_cast<std::int32_t>(net.nodes.size());
  const auto labels = weak_components(node_count, links.from_node, links.to_node);
  // Zone centroid nodes have no links yet: they form singleton components; skip them.
  std::vector<std::int32_t> link_count(static_cast<std::size_t>(node_count), 0);
  for (std::size_t i = 0; i < links.size(); ++i) {
    links.component[i] = labels[links.from_node[i]];
    ++link_count[labels[links.from_node[i]]];
  }
  std::vector<std::int32_t> pieces;
  for (std::int32_t c = 1; c < node_count; ++c)
    if (link_count[c] > 0) pieces.push_back(c);
  std::size_t main_links = link_count[0];
  report.info("topology", "road_links", "weakly connected components with links: " + std::to_string(pieces.size() + 1) +
                                            "; the largest holds " + std::to_string(main_links) + " of " +
                                            std::to_string(links.size()) + " links");
  if (pieces.empty()) return;
  std::vector<Point2> main_nodes;
  SpatialGrid grid(250.0);
  for (std::int32_t v = 0; v < node_count; ++v)
    if (labels[v] == 0) {
      grid.insert(net.nodes.position[v], static_cast<std::int32_t>(main_nodes.size()));
      main_nodes.push_back(net.nodes.position[v]);
    }
  grid.build();
  std::vector<double> gap_m(static_cast<std::size_t>(node_count), std::numeric_limits<double>::infinity());
  for (std::int32_t v = 0; v < node_count; ++v)
    if (labels[v] > 0 && link_count[labels[v]] > 0)
      gap_m[labels[v]] = std::min(gap_m[labels[v]], nearest_distance_m(net.nodes.position[v], grid, main_nodes, 5000.0));
  for (auto c : pieces) {
    const std::string gap = std::isfinite(gap_m[c]) ? std::to_string(static_cast<int>(std::lround(gap_m[c]))) + " m"
                                                   : "more than 5 km";
    report.warn("topology", "road_links", "component " + std::to_string(c), {},
                std::to_string(link_count[c]) + " links not connected to the main graph: its nearest node is " + gap +
                    " from a main-graph node, beyond the " + std::to_string(static_cast<int>(std::lround(tolerance_m * 100)) / 100.0).substr(0, 4) +
                    " m snap tolerance (a gap in the source lines, or a road that leaves the extract)");
  }
}

/// Each zone centroid gets two-way connectors to the k nearest nodes of the largest strongly
/// connected component, so that every zone pair has a path.
void add_connectors(RoadNetwork& net, const Zones& zones, int k, ImportReport& report) {
  auto& links = net.links;
  const auto node_count = static_cast<std::int32_t>(net.nodes.size());
  const auto strong = strong_components(build_csr(node_count, links.from_node, links.to_node));
  std::vector<std::int32_t> candidates;
  std::vector<Point2> positions;
  SpatialGrid grid(250.0);
  // The largest strongly connected component among road nodes (centroids are isolated singletons).
  std::vector<std::int32_t> size(static_cast<std::size_t>(node_count), 0);
  for (std::int32_t v = net.zone_count; v < node_count; ++v) ++size[strong[v]];
  const auto main = static_cast<std::int32_t>(std::max_element(size.begin(), size.end()) - size.begin());
  for (std::int32_t v = net.zone_count; v < node_count; ++v)
    if (strong[v] == main) {
      grid.insert(net.nodes.position[v], static_cast<std::int32_t>(positions.size()));
      candidates.push_back(v);
      positions.push_back(net.nodes.position[v]);
    }
  grid.build();
  const std::size_t unreachable = static_cast<std::size_t>(node_count - net.zone_count) - candidates.size();
  if (unreachable > 0)
    report.info("topology", "road_nodes", std::to_string(unreachable) +
                    " road nodes are outside the largest strongly connected component (dead ends of one-way roads "
                    "or separate pieces); zones connect only to that component");
  if (candidates.empty()) return;
  const LinkAttributes connector{RoadClass::connector, 1.0, road_class_defaults(RoadClass::connector).speed_kmh};
  for (std::int32_t z = 0; z < net.zone_count; ++z) {
    const Point2 c = zones.centroid[z];
    std::vector<std::pair<double, std::int32_t>> nearest;
    // Grow the search square until it holds k candidates within its inscribed circle (up to 1,000 km).
    for (double radius = 500.0; nearest.size() < static_cast<std::size_t>(k) && radius < 1e6; radius *= 2) {
      nearest.clear();
      grid.query(box_around(c, radius), [&](std::int32_t i) {
        const double d = distance_m(c, positions[i]);
        if (d <= radius) nearest.emplace_back(d, i);
      });
      std::sort(nearest.begin(), nearest.end());
    }
    if (nearest.size() > static_cast<std::size_t>(k)) nearest.resize(static_cast<std::size_t>(k));
    if (!nearest.empty() && nearest.front().first > 3000.0)
      report.warn("topology", "zones", "zone " + zones.code[z], {},
                  "outside the road network's coverage: the nearest road node is " +
                      std::to_string(static_cast<int>(nearest.front().first)) + " m away (connector added)");
    for (const auto& [d, i] : nearest) {
      const auto node = candidates[i];
      add_link(links, z, node, {c, positions[i]}, connector, -1);
      add_link(links, node, z, {positions[i], c}, connector, -1);
    }
  }
}

}  // namespace

RoadNetwork build_road_network(const std::vector<RoadLine>& lines, const Zones& zones, const ImportOptions& options,
                               ImportReport& report) {
  std::vector<Polyline> shapes;
  shapes.reserve(lines.size());
  for (const auto& l : lines) shapes.push_back(l.shape);
  const RoadTopology topo = build_road_topology(shapes, options.snap_tolerance_m);
  report.info("topology", "road_links",
              std::to_string(lines.size()) + " lines -> " + std::to_string(topo.nodes.size()) + " junctions, " +
                  std::to_string(topo.edges.size()) + " road pieces; " + std::to_string(topo.endpoints_snapped_to_points) +
                  " line ends snapped to a nearby point, " + std::to_string(topo.endpoints_snapped_to_segments) +
                  " onto a nearby line (T-junctions) within " + std::to_string(options.snap_tolerance_m) + " m");
  if (topo.degenerate_pieces_dropped + topo.lines_without_length > 0)
    report.warn("topology", "road_links", {}, {},
                std::to_string(topo.degenerate_pieces_dropped + topo.lines_without_length) +
                    " pieces shorter than the snap tolerance or without length dropped");
  RoadNetwork net;
  net.zone_count = static_cast<std::int32_t>(zones.size());
  for (std::size_t z = 0; z < zones.size(); ++z) {
    net.nodes.position.push_back(zones.centroid[z]);
    net.nodes.kind.push_back(NodeKind::zone_centroid);
  }
  for (auto p : topo.nodes) {
    net.nodes.position.push_back(p);
    net.nodes.kind.push_back(NodeKind::junction);
  }
  net.nodes.elevation_m.assign(net.nodes.size(), nan);
  add_road_links(topo, lines, net.zone_count, net.links);
  report_components(net, report, options.snap_tolerance_m);
  if (net.zone_count > 0) add_connectors(net, zones, options.connectors_per_zone, report);
  return net;
}

}  // namespace sofiatwin::gis
