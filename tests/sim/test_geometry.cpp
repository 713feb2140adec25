#include <gtest/gtest.h>

#include "sim/core/geometry.hpp"

using namespace sofiatwin;

TEST(Geometry, AreaOfSquareWithHole) {
  Polygon p{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}}};
  EXPECT_DOUBLE_EQ(polygon_area_m2(p), 96.0);
  EXPECT_DOUBLE_EQ(area_m2(MultiPolygon{p, p}), 192.0);
}

TEST(Geometry, LengthAndClosestPoint) {
  EXPECT_DOUBLE_EQ(length_m({{0, 0}, {3, 4}, {3, 10}}), 11.0);
  double t = -1;
  const auto c = closest_on_segment({5, 5}, {0, 0}, {10, 0}, t);
  EXPECT_DOUBLE_EQ(c.x_m, 5.0);
  EXPECT_DOUBLE_EQ(c.y_m, 0.0);
  EXPECT_DOUBLE_EQ(t, 0.5);
  closest_on_segment({-5, 1}, {0, 0}, {10, 0}, t);
  EXPECT_DOUBLE_EQ(t, 0.0);
}

TEST(Geometry, BoundingBox) {
  BoundingBox b = bounds(Polyline{{1, 2}, {-3, 5}});
  EXPECT_TRUE(b.contains({0, 3}));
  EXPECT_FALSE(b.contains({2, 3}));
  EXPECT_TRUE(b.contains({2, 3}, 1.0));
}
