// Plain metric geometry used by the city model (all coordinates in the model CRS, metres).
#pragma once
#include <vector>

namespace sofiatwin {

struct Point2 {
  double x_m = 0.0;
  double y_m = 0.0;
  friend bool operator==(const Point2&, const Point2&) = default;
};

using Polyline = std::vector<Point2>;
/// A polygon: ring 0 is the outer ring, the others are holes. Rings are closed (first == last).
using Polygon = std::vector<Polyline>;
using MultiPolygon = std::vector<Polygon>;

struct BoundingBox {
  double min_x_m = 1e300, min_y_m = 1e300, max_x_m = -1e300, max_y_m = -1e300;
  void extend(Point2 p);
  void extend(const BoundingBox& other);
  [[nodiscard]] bool empty() const { return min_x_m > max_x_m; }
  [[nodiscard]] bool contains(Point2 p, double margin_m = 0.0) const;
};

double distance_m(Point2 a, Point2 b);
double length_m(const Polyline& line);
/// Shoelace area of a closed ring (absolute value).
double ring_area_m2(const Polyline& ring);
double polygon_area_m2(const Polygon& polygon);
double area_m2(const MultiPolygon& shape);
BoundingBox bounds(const Polyline& line);
BoundingBox bounds(const MultiPolygon& shape);

/// Whether p lies inside the polygon (outer ring minus holes; even-odd rule, boundary undefined).
bool contains(const Polygon& polygon, Point2 p);
bool contains(const MultiPolygon& shape, Point2 p);

/// Closest point on segment [a, b] to p; `t_out` receives the segment parameter in [0, 1].
Point2 closest_on_segment(Point2 p, Point2 a, Point2 b, double& t_out);

}  // namespace sofiatwin
