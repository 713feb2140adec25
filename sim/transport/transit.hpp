// Frequency-based public transport: skims and line loads by shortest paths with waiting.
// Graph: zone nodes (access/egress walks to nearby stops), stop nodes (transfer walks between stops
// close together), and one node per (pattern, stop position); boarding costs the wait, half the
// headway in the chosen hour; riding costs the scheduled time. Paths minimise
// in-vehicle + wait_weight x wait + walk_weight x walk. Each OD pair's trips follow its one best
// path (no strategy splitting between parallel lines yet).
#pragma once
#include <vector>

#include "sim/core/city_model.hpp"
#include "sim/transport/demand.hpp"

namespace sofiatwin::transport {

struct TransitParameters {
  int hour = 8;                     // service hour whose frequencies are used
  double walk_speed_kmh = 4.5;
  double access_radius_m = 1000.0;  // zone centroid to stops; else the nearest 3 stops
  double transfer_radius_m = 250.0;
  double max_wait_min = 30.0;
  double boarding_penalty_min = 2.0;
  double wait_weight = 2.0, walk_weight = 2.0;
};

struct TransitLoads {
  std::vector<double> route_boardings;     // per route
  std::vector<double> stop_boardings;      // per stop
  std::vector<std::vector<double>> segment_load;  // per pattern, per segment (persons on board)
  double unassigned_trips = 0.0;
};

class TransitModel {
 public:
  TransitModel(const TransitNetwork& transit, const std::vector<Point2>& zone_centroids, const TransitParameters& p);
  /// In-vehicle, wait and walk minutes for every zone pair (+inf where there is no path).
  void skims(Skims& out) const;
  /// Loads the PT person trips on their best paths.
  [[nodiscard]] TransitLoads assign(const OdMatrix& pt_trips) const;

 private:
  enum class Kind : std::uint8_t { walk, board, ride, alight };
  struct Arc { Kind kind; double minutes; std::int32_t pattern, position, stop; };
  void add(std::int32_t from, std::int32_t to, Arc arc);
  [[nodiscard]] double weight(const Arc& a) const;

  const TransitNetwork& transit_;
  TransitParameters p_;
  std::int32_t zones_ = 0, nodes_ = 0;
  TrafficNetwork graph_;   // reused for its CSR shortest paths: constant costs
  std::vector<Arc> arcs_;  // parallel to graph_ links
  std::vector<double> arc_cost_;
};

}  // namespace sofiatwin::transport
