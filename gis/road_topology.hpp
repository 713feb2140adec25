// Builds a node-link topology from loose line geometries (pure geometry, no GDAL).
//  1. vertices that coincide (same coordinates to the centimetre) are one point; lines are split where they share points;
//  2. a dangling line end snaps to the nearest point of another line within `snap_tolerance_m`;
//  3. a still-dangling end snaps onto the nearest segment within the tolerance (T-junction), which
//     splits that segment.
// Uniform-grid hashing keeps every step near-linear in the number of vertices.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/core/geometry.hpp"

namespace sofiatwin::gis {

struct TopologyEdge {
  std::int32_t from_node = 0;
  std::int32_t to_node = 0;
  std::int32_t source_line = 0;  // index into the input lines
  Polyline shape;                // from node to node, in the source line's direction
};

struct RoadTopology {
  std::vector<Point2> nodes;
  std::vector<TopologyEdge> edges;
  int endpoints_snapped_to_points = 0;
  int endpoints_snapped_to_segments = 0;
  int degenerate_pieces_dropped = 0;  // pieces shorter than the tolerance that began and ended at one node
  int lines_without_length = 0;       // input lines with fewer than two distinct points
};

RoadTopology build_road_topology(const std::vector<Polyline>& lines, double snap_tolerance_m);

}  // namespace sofiatwin::gis
