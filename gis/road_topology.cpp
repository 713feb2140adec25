#include "road_topology.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "sim/core/spatial_grid.hpp"

namespace sofiatwin::gis {
namespace {

constexpr double coincide_m = 0.01;
constexpr std::int32_t many_lines = -2;

struct Insertion {
  std::int32_t segment;
  double t;
  std::int32_t point;
};

/// Loose geometry flattened: point ids per vertex plus what each point touches.
struct PointSet {
  std::vector<Point2> position;            // representative coordinate of each point
  std::vector<std::int32_t> merged_into;   // point -> point it was snapped to (itself if none)
  std::vector<std::int32_t> only_line;     // the one line touching it, or many_lines
  std::vector<std::int32_t> incidence;     // vertex occurrences
  std::vector<std::vector<std::int32_t>> vertex_point;  // per line, per vertex
};

std::int32_t resolve(const PointSet& ps, std::int32_t p) {
  while (ps.merged_into[p] != p) p = ps.merged_into[p];
  return p;
}

/// Step 1: vertices whose coordinates agree to the centimetre are one point.
PointSet cluster_vertices(const std::vector<Polyline>& lines) {
  PointSet ps;
  std::size_t vertex_count = 0;
  for (const auto& l : lines) vertex_count += l.size();
  std::unordered_map<std::uint64_t, std::int32_t> point_of;
  point_of.reserve(vertex_count);
  ps.vertex_point.resize(lines.size());
  for (std::size_t l = 0; l < lines.size(); ++l) {
    ps.vertex_point[l].reserve(lines[l].size());
    for (auto p : lines[l]) {
      const auto cx = static_cast<std::uint64_t>(std::llround(p.x_m / coincide_m));
      const auto cy = static_cast<std::uint64_t>(std::llround(p.y_m / coincide_m));
      const auto [it, added] = point_of.emplace((cx << 32) ^ (cy & 0xffffffffULL), static_cast<std::int32_t>(ps.position.size()));
      const std::int32_t found = it->second;
      if (added) {
        ps.position.push_back(p);
        ps.merged_into.push_back(found);
        ps.only_line.push_back(static_cast<std::int32_t>(l));
        ps.incidence.push_back(0);
      } else if (ps.only_line[found] != static_cast<std::int32_t>(l)) {
        ps.only_line[found] = many_lines;
      }
      ++ps.incidence[found];
      ps.vertex_point[l].push_back(found);
    }
  }
  return ps;
}

std::vector<std::int32_t> dangling_ends(const PointSet& ps) {
  std::vector<std::int32_t> out;
  for (const auto& vp : ps.vertex_point) {
    if (vp.size() < 2) continue;
    for (auto p : {vp.front(), vp.back()})
      if (ps.incidence[p] == 1 && ps.merged_into[p] == p) out.push_back(p);
  }
  return out;
}

/// Step 2: a dangling end joins the nearest point of another line within the tolerance.
int snap_ends_to_points(PointSet& ps, double tolerance_m) {
  SpatialGrid grid(std::max(tolerance_m, coincide_m));
  for (std::size_t p = 0; p < ps.position.size(); ++p) grid.insert(ps.position[p], static_cast<std::int32_t>(p));
  grid.build();
  int snapped = 0;
  for (auto d : dangling_ends(ps)) {
    std::int32_t best = -1;
    double best_m = tolerance_m;
    grid.query(box_around(ps.position[d], tolerance_m), [&](std::int32_t q) {
      const auto target = resolve(ps, q);
      if (target == d || ps.only_line[q] == ps.only_line[d]) return;
      const double dist = distance_m(ps.position[d], ps.position[target]);
      if (dist > best_m) return;
      if (best < 0 || dist < best_m || target < best) best = target, best_m = dist;
    });
    if (best >= 0) {
      ps.merged_into[d] = best;
      ps.incidence[best] += ps.incidence[d];
      ps.only_line[best] = many_lines;
      ++snapped;
    }
  }
  return snapped;
}

/// Step 3: a dangling end projects onto the nearest segment of another line within the tolerance.
int snap_ends_to_segments(const std::vector<Polyline>& lines, PointSet& ps, double tolerance_m,
                          std::vector<std::vector<Insertion>>& insertions) {
  struct Segment { std::int32_t line, index; };
  std::vector<Segment> segments;
  SpatialGrid grid(std::max(tolerance_m, 25.0));
  for (std::size_t l = 0; l < lines.size(); ++l)
    for (std::size_t k = 1; k < lines[l].size(); ++k) {
      const auto box = bounds(Polyline{lines[l][k - 1], lines[l][k]});
      grid.insert(box, static_cast<std::int32_t>(segments.size()));
      segments.push_back({static_cast<std::int32_t>(l), static_cast<std::int32_t>(k - 1)});
    }
  grid.build();
  int snapped = 0;
  for (auto d : dangling_ends(ps)) {
    const Point2 p = ps.position[d];
    std::int32_t best = -1;
    double best_m = tolerance_m, best_t = 0.0;
    grid.query(box_around(p, tolerance_m), [&](std::int32_t s) {
      const auto& seg = segments[s];
      if (seg.line == ps.only_line[d]) return;
      double t = 0.0;
      const auto& line = lines[seg.line];
      const double dist = distance_m(p, closest_on_segment(p, line[seg.index], line[seg.index + 1], t));
      if (t <= 0.0 || t >= 1.0) return;  // ends are handled by point snapping
      if (dist > best_m) return;
      if (best < 0 || dist < best_m || s < best) best = s, best_m = dist, best_t = t;
    });
    if (best < 0) continue;
    // The dangling end moves onto the segment: the through road keeps its geometry.
    const auto& seg = segments[static_cast<std::size_t>(best)];
    const auto& line = lines[static_cast<std::size_t>(seg.line)];
    double t = 0.0;
    ps.position[d] = closest_on_segment(p, line[seg.index], line[seg.index + 1], t);
    insertions[seg.line].push_back({seg.index, best_t, d});
    ps.incidence[d] += 1;
    ++snapped;
  }
  return snapped;
}

/// The final point sequence of each line (snapped points, inserted T-junctions, no repeats).
std::vector<std::vector<std::int32_t>> point_sequences(const PointSet& ps, std::vector<std::vector<Insertion>>& insertions) {
  std::vector<std::vector<std::int32_t>> out(ps.vertex_point.size());
  for (std::size_t l = 0; l < out.size(); ++l) {
    auto& ins = insertions[l];
    std::sort(ins.begin(), ins.end(), [](const Insertion& a, const Insertion& b) {
      return a.segment != b.segment ? a.segment < b.segment : a.t < b.t;
    });
    std::size_t next = 0;
    auto push = [&](std::int32_t p) {
      if (out[l].empty() || out[l].back() != p) out[l].push_back(p);
    };
    const auto& vp = ps.vertex_point[l];
    for (std::size_t k = 0; k < vp.size(); ++k) {
      push(resolve(ps, vp[k]));
      while (next < ins.size() && ins[next].segment == static_cast<std::int32_t>(k)) push(ins[next++].point);
    }
  }
  return out;
}

}  // namespace

RoadTopology build_road_topology(const std::vector<Polyline>& lines, double snap_tolerance_m) {
  RoadTopology topo;
  PointSet ps = cluster_vertices(lines);
  std::vector<std::vector<Insertion>> insertions(lines.size());
  if (snap_tolerance_m > 0) {
    topo.endpoints_snapped_to_points = snap_ends_to_points(ps, snap_tolerance_m);
    topo.endpoints_snapped_to_segments = snap_ends_to_segments(lines, ps, snap_tolerance_m, insertions);
  }
  const auto sequences = point_sequences(ps, insertions);

  // A point is a node when a line ends there or it is touched more than once.
  std::vector<std::int32_t> touches(ps.position.size(), 0);
  std::vector<char> is_node(ps.position.size(), 0);
  for (const auto& seq : sequences) {
    for (auto p : seq) ++touches[p];
    if (seq.size() >= 2) is_node[seq.front()] = is_node[seq.back()] = 1;
  }
  for (std::size_t p = 0; p < touches.size(); ++p) is_node[p] |= touches[p] >= 2;

  std::vector<std::int32_t> node_id(ps.position.size(), -1);
  auto node_of = [&](std::int32_t p) {
    if (node_id[p] < 0) {
      node_id[p] = static_cast<std::int32_t>(topo.nodes.size());
      topo.nodes.push_back(ps.position[p]);
    }
    return node_id[p];
  };
  auto emit = [&](std::int32_t line, Polyline shape, std::int32_t from, std::int32_t to) {
    if (from != to) {
      topo.edges.push_back({from, to, line, std::move(shape)});
    } else if (shape.size() >= 3 && length_m(shape) > snap_tolerance_m) {
      // A closed piece (roundabout drawn as one ring): split it at its middle vertex.
      const std::size_t mid = shape.size() / 2;
      const auto mid_node = static_cast<std::int32_t>(topo.nodes.size());
      topo.nodes.push_back(shape[mid]);
      topo.edges.push_back({from, mid_node, line, Polyline(shape.begin(), shape.begin() + static_cast<long>(mid) + 1)});
      topo.edges.push_back({mid_node, to, line, Polyline(shape.begin() + static_cast<long>(mid), shape.end())});
    } else {
      ++topo.degenerate_pieces_dropped;
    }
  };
  for (std::size_t l = 0; l < sequences.size(); ++l) {
    const auto& seq = sequences[l];
    if (seq.size() < 2) {
      ++topo.lines_without_length;
      continue;
    }
    Polyline shape{ps.position[seq[0]]};
    std::int32_t from = node_of(seq[0]);
    for (std::size_t k = 1; k < seq.size(); ++k) {
      shape.push_back(ps.position[seq[k]]);
      if (!is_node[seq[k]]) continue;
      const auto to = node_of(seq[k]);
      emit(static_cast<std::int32_t>(l), std::move(shape), from, to);
      shape = Polyline{ps.position[seq[k]]};
      from = to;
    }
  }
  return topo;
}

}  // namespace sofiatwin::gis
