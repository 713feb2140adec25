// A uniform-grid spatial hash: items are registered in the cells their bounding box covers.
#pragma once
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/core/geometry.hpp"

namespace sofiatwin::gis {

class SpatialGrid {
 public:
  explicit SpatialGrid(double cell_size_m) : cell_m_(cell_size_m) {}

  void insert(const BoundingBox& box, std::int32_t item) {
    for_cells(box, [&](std::uint64_t key) { cells_[key].push_back(item); });
  }
  void insert(Point2 p, std::int32_t item) { cells_[key_of(cell(p.x_m), cell(p.y_m))].push_back(item); }

  /// Calls visit(item) for every item registered in a cell touching `box` (items may repeat).
  template <class Visit>
  void query(const BoundingBox& box, Visit&& visit) const {
    for_cells(box, [&](std::uint64_t key) {
      if (auto it = cells_.find(key); it != cells_.end())
        for (auto item : it->second) visit(item);
    });
  }

 private:
  [[nodiscard]] std::int64_t cell(double v) const { return static_cast<std::int64_t>(std::floor(v / cell_m_)); }
  static std::uint64_t key_of(std::int64_t cx, std::int64_t cy) {
    return (static_cast<std::uint64_t>(cx) << 32) ^ (static_cast<std::uint64_t>(cy) & 0xffffffffULL);
  }
  template <class F>
  void for_cells(const BoundingBox& box, F&& f) const {
    for (auto cx = cell(box.min_x_m); cx <= cell(box.max_x_m); ++cx)
      for (auto cy = cell(box.min_y_m); cy <= cell(box.max_y_m); ++cy) f(key_of(cx, cy));
  }

  double cell_m_;
  std::unordered_map<std::uint64_t, std::vector<std::int32_t>> cells_;
};

inline BoundingBox box_around(Point2 p, double radius_m) {
  return {p.x_m - radius_m, p.y_m - radius_m, p.x_m + radius_m, p.y_m + radius_m};
}

}  // namespace sofiatwin::gis
