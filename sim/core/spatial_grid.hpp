// A uniform-grid spatial index, built once: items are registered in the cells their bounding box
// covers, then sorted by cell (one flat array, no per-cell allocations) before queries.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/core/geometry.hpp"

namespace sofiatwin {

class SpatialGrid {
 public:
  explicit SpatialGrid(double cell_size_m) : cell_m_(cell_size_m) {}

  void insert(const BoundingBox& box, std::int32_t item) {
    for_cells(box, [&](std::uint64_t key) { entries_.emplace_back(key, item); });
  }
  void insert(Point2 p, std::int32_t item) { entries_.emplace_back(key_of(cell(p.x_m), cell(p.y_m)), item); }

  /// Sorts the entries by cell; call after the last insert and before the first query.
  void build() {
    std::sort(entries_.begin(), entries_.end());
    ranges_.clear();
    ranges_.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size();) {
      std::size_t j = i;
      while (j < entries_.size() && entries_[j].first == entries_[i].first) ++j;
      ranges_.emplace(entries_[i].first, std::make_pair(i, j));
      i = j;
    }
    built_ = true;
  }

  /// Calls visit(item) for every item registered in a cell touching `box` (items may repeat).
  template <class Visit>
  void query(const BoundingBox& box, Visit&& visit) const {
    if (!built_) throw std::logic_error("SpatialGrid::query before build()");
    for_cells(box, [&](std::uint64_t key) {
      if (auto it = ranges_.find(key); it != ranges_.end())
        for (auto i = it->second.first; i < it->second.second; ++i) visit(entries_[i].second);
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
  bool built_ = false;
  std::vector<std::pair<std::uint64_t, std::int32_t>> entries_;
  std::unordered_map<std::uint64_t, std::pair<std::size_t, std::size_t>> ranges_;
};

inline BoundingBox box_around(Point2 p, double radius_m) {
  return {p.x_m - radius_m, p.y_m - radius_m, p.x_m + radius_m, p.y_m + radius_m};
}

}  // namespace sofiatwin
