// Tiny ASCII-map style networks: coordinates in metres.
#include <gtest/gtest.h>

#include "gis/road_topology.hpp"

using namespace sofiatwin;
using sofiatwin::gis::build_road_topology;

TEST(RoadTopology, CrossingAtSharedVertexSplitsBothLines) {
  //      |
  //  ----+----   two lines sharing the middle vertex -> 5 nodes, 4 edges
  //      |
  const auto t = build_road_topology({{{0, 0}, {100, 0}, {200, 0}}, {{100, -100}, {100, 0}, {100, 100}}}, 2.0);
  EXPECT_EQ(t.nodes.size(), 5u);
  EXPECT_EQ(t.edges.size(), 4u);
}

TEST(RoadTopology, InteriorVerticesOfOneLineAreNotNodes) {
  const auto t = build_road_topology({{{0, 0}, {50, 10}, {100, 0}}}, 2.0);
  EXPECT_EQ(t.nodes.size(), 2u);
  ASSERT_EQ(t.edges.size(), 1u);
  EXPECT_EQ(t.edges[0].shape.size(), 3u);
}

TEST(RoadTopology, EndWithinToleranceSnapsToPoint) {
  const auto t = build_road_topology({{{0, 0}, {100, 0}}, {{101.5, 0}, {200, 0}}}, 2.0);
  EXPECT_EQ(t.endpoints_snapped_to_points, 1);
  EXPECT_EQ(t.nodes.size(), 3u);
}

TEST(RoadTopology, EndBeyondToleranceStaysApart) {
  const auto t = build_road_topology({{{0, 0}, {100, 0}}, {{103, 0}, {200, 0}}}, 2.0);
  EXPECT_EQ(t.nodes.size(), 4u);
}

TEST(RoadTopology, TJunctionSplitsTheThroughRoad) {
  //  --------+--------   the side road ends 1 m short of the through road; the through road stays straight
  //          |
  const auto t = build_road_topology({{{0, 0}, {200, 0}}, {{100, -100}, {100, -1}}}, 2.0);
  EXPECT_EQ(t.endpoints_snapped_to_segments, 1);
  EXPECT_EQ(t.nodes.size(), 4u);
  EXPECT_EQ(t.edges.size(), 3u);
  double total = 0;
  for (const auto& e : t.edges) total += length_m(e.shape);
  EXPECT_NEAR(total, 200 + 100, 1e-9);  // the side road is extended onto the through road
}

TEST(RoadTopology, ClosedRingIsSplitNotDropped) {
  const auto t = build_road_topology({{{0, 0}, {50, 0}, {50, 50}, {0, 50}, {0, 0}}}, 2.0);
  EXPECT_EQ(t.edges.size(), 2u);
  EXPECT_EQ(t.degenerate_pieces_dropped, 0);
  for (const auto& e : t.edges) EXPECT_NE(e.from_node, e.to_node);
}

TEST(RoadTopology, LinesWithoutLengthAreCounted) {
  const auto t = build_road_topology({{{5, 5}, {5, 5}}, {{0, 0}, {10, 0}}}, 2.0);
  EXPECT_EQ(t.lines_without_length, 1);
  EXPECT_EQ(t.edges.size(), 1u);
}

TEST(RoadTopology, LengthIsConservedOnAGrid) {
  // A 20 x 20 grid of separate lines sharing vertices: total edge length = total line length.
  std::vector<Polyline> lines;
  for (int k = 0; k <= 20; ++k) {
    Polyline row, col;
    for (int m = 0; m <= 20; ++m) row.push_back({m * 100.0, k * 100.0}), col.push_back({k * 100.0, m * 100.0});
    lines.push_back(row);
    lines.push_back(col);
  }
  const auto t = build_road_topology(lines, 2.0);
  EXPECT_EQ(t.nodes.size(), 21u * 21u);
  EXPECT_EQ(t.edges.size(), 2u * 21u * 20u);
  double total = 0;
  for (const auto& e : t.edges) total += length_m(e.shape);
  EXPECT_NEAR(total, 42 * 2000.0, 1e-6);
}
