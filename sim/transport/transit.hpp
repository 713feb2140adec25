// Frequency-based public transport: skims and line loads by optimal strategies (Spiess and
// Florian, "Optimal strategies: a new assignment model for transit networks", Transportation
// Research B 23(2), 1989). Graph: zone nodes (access/egress walks to nearby stops), stop nodes
// (transfer walks between stops close together) and one node per (pattern, stop position). At a
// stop a traveller boards the first vehicle of an attractive set of lines: with combined frequency
// F (per minute) the expected wait is 0.5 / F (regular headways), capped at max_wait_min; each line
// carries its share f / F. Costs: in-vehicle + wait_weight x wait + walk_weight x walk + a boarding
// penalty. Per destination: label setting backwards over arcs in order of u_j + c_a, then loading
// forwards in decreasing u.
#pragma once
#include <cstdint>
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
  struct Arc {
    Kind kind;
    double minutes;      // walk or ride time; for boarding the wait of this line alone
    std::int32_t pattern, position, stop;
    double frequency_per_min = 0.0;  // boarding arcs only
  };
  struct Strategy;  // one destination's labels and attractive arcs
  struct Components {
    std::vector<double> ivt, wait, walk;  // expected minutes to the destination, per node
  };
  void add(std::int32_t from, std::int32_t to, Arc arc);
  [[nodiscard]] double cost(const Arc& a) const;
  [[nodiscard]] Strategy strategy_to(std::int32_t destination) const;
  [[nodiscard]] Components components(const Strategy& s, std::int32_t destination) const;

  const TransitNetwork& transit_;
  TransitParameters p_;
  std::int32_t zones_ = 0, nodes_ = 0;
  std::vector<std::int32_t> from_, to_;
  std::vector<Arc> arcs_;
  std::vector<std::int32_t> in_first_, in_arcs_;  // incoming arcs per node (CSR)
};

}  // namespace sofiatwin::transport
