#include "geometry.hpp"

#include <algorithm>
#include <cmath>

namespace sofiatwin {

void BoundingBox::extend(Point2 p) {
  min_x_m = std::min(min_x_m, p.x_m);
  min_y_m = std::min(min_y_m, p.y_m);
  max_x_m = std::max(max_x_m, p.x_m);
  max_y_m = std::max(max_y_m, p.y_m);
}

void BoundingBox::extend(const BoundingBox& other) {
  if (other.empty()) return;
  extend(Point2{other.min_x_m, other.min_y_m});
  extend(Point2{other.max_x_m, other.max_y_m});
}

bool BoundingBox::contains(Point2 p, double margin_m) const {
  return p.x_m >= min_x_m - margin_m && p.x_m <= max_x_m + margin_m && p.y_m >= min_y_m - margin_m &&
         p.y_m <= max_y_m + margin_m;
}

double distance_m(Point2 a, Point2 b) { return std::hypot(a.x_m - b.x_m, a.y_m - b.y_m); }

double length_m(const Polyline& line) {
  double total = 0.0;
  for (std::size_t i = 1; i < line.size(); ++i) total += distance_m(line[i - 1], line[i]);
  return total;
}

double ring_area_m2(const Polyline& ring) {
  double twice_area = 0.0;
  for (std::size_t i = 1; i < ring.size(); ++i)
    twice_area += ring[i - 1].x_m * ring[i].y_m - ring[i].x_m * ring[i - 1].y_m;
  return std::abs(twice_area) / 2.0;
}

double polygon_area_m2(const Polygon& polygon) {
  double area = 0.0;
  for (std::size_t r = 0; r < polygon.size(); ++r)
    area += (r == 0 ? 1.0 : -1.0) * ring_area_m2(polygon[r]);
  return area;
}

double area_m2(const MultiPolygon& shape) {
  double area = 0.0;
  for (const auto& polygon : shape) area += polygon_area_m2(polygon);
  return area;
}

BoundingBox bounds(const Polyline& line) {
  BoundingBox box;
  for (auto p : line) box.extend(p);
  return box;
}

BoundingBox bounds(const MultiPolygon& shape) {
  BoundingBox box;
  for (const auto& polygon : shape)
    if (!polygon.empty()) box.extend(bounds(polygon.front()));
  return box;
}

Point2 closest_on_segment(Point2 p, Point2 a, Point2 b, double& t_out) {
  const double dx = b.x_m - a.x_m, dy = b.y_m - a.y_m;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0.0 ? ((p.x_m - a.x_m) * dx + (p.y_m - a.y_m) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  t_out = t;
  return {a.x_m + t * dx, a.y_m + t * dy};
}

namespace {

/// Crossing number of a horizontal ray from p with a closed ring.
bool inside_ring(const Polyline& ring, Point2 p) {
  bool inside = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const Point2 a = ring[i], b = ring[j];
    if ((a.y_m > p.y_m) != (b.y_m > p.y_m) && p.x_m < (b.x_m - a.x_m) * (p.y_m - a.y_m) / (b.y_m - a.y_m) + a.x_m) inside = !inside;
  }
  return inside;
}

}  // namespace

bool contains(const Polygon& polygon, Point2 p) {
  if (polygon.empty() || polygon.front().size() < 3 || !inside_ring(polygon.front(), p)) return false;
  for (std::size_t h = 1; h < polygon.size(); ++h)
    if (polygon[h].size() >= 3 && inside_ring(polygon[h], p)) return false;
  return true;
}

bool contains(const MultiPolygon& shape, Point2 p) {
  for (const auto& polygon : shape)
    if (contains(polygon, p)) return true;
  return false;
}

}  // namespace sofiatwin
