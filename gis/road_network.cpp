#include "road_network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gis/road_topology.hpp"
#include "sim/core/spatial_grid.hpp"
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
              const RoadLine& line) {
  links.from_node.push_back(from);
  links.to_node.push_back(to);
  links.length_m.push_back(length_m(shape));
  links.lanes.push_back(a.lanes_per_direction);
  links.speed_kmh.push_back(a.speed_kmh);
  links.capacity_veh_h.push_back(a.lanes_per_direction * road_class_defaults(a.road_class).capacity_veh_h_per_lane);
  links.road_class.push_back(a.road_class);
  links.source_id.push_back(line.source_id);
  links.name.push_back(line.name);
  links.component.push_back(0);
  links.shape.push_back(std::move(shape));
}

void add_road_links(const RoadTopology& topo, const std::vector<RoadLine>& lines, RoadLinks& links) {
  for (const auto& edge : topo.edges) {
    const auto& line = lines[static_cast<std::size_t>(edge.source_line)];
    const auto a = attributes_of(line);
    const auto from = edge.from_node, to = edge.to_node;
    if (line.oneway >= 0) add_link(links, from, to, edge.shape, a, line);
    if (line.oneway <= 0) add_link(links, to, from, Polyline(edge.shape.rbegin(), edge.shape.rend()), a, line);
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
  // Nodes without links form singleton components; skip them.
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

}  // namespace

RoadNetwork build_road_network(const std::vector<RoadLine>& lines, const ImportOptions& options, ImportReport& report) {
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
  net.nodes.position = topo.nodes;
  net.nodes.elevation_m.assign(net.nodes.size(), nan);
  add_road_links(topo, lines, net.links);
  report_components(net, report, options.snap_tolerance_m);
  return net;
}

}  // namespace sofiatwin::gis
