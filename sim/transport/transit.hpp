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
  double walk_speed_kmh = 4.5;
  double access_radius_m = 1000.0;  // from a zone's access points to stops; else the nearest 3 stops
  double transfer_radius_m = 250.0;
  double max_wait_min = 30.0;
  double boarding_penalty_min = 2.0;
  double wait_weight = 2.0, walk_weight = 2.0;
};

struct TransitLoads {
  std::vector<double> route_boardings;     // per route
  std::vector<double> stop_boardings;      // per stop
  std::vector<std::vector<double>> segment_load;  // per pattern, per segment (persons on board)
  std::vector<double> route_passenger_km;  // per route (segment loads x straight stop-to-stop distance)
  double metro_entries = 0.0;              // metro boardings less the transfers inside the metro (what gates count)
  double unassigned_trips = 0.0;
};

/// Mean departures per hour of a pattern over the clock hours [start_h, end_h) (end_h may pass 24:
/// the hours after midnight count the service day's late trips, GTFS hours 24-29, and its early ones).
double departures_per_hour(const std::array<std::int32_t, service_hours>& per_hour, double start_h, double end_h);

class TransitModel {
 public:
  /// Frequencies are the mean of the clock hours [start_h, end_h); each zone reaches stops on foot
  /// from its access points (the nearest of them counts).
  /// `frequency_factor` per pattern scales its departures (a frequency change); empty: none.
  TransitModel(const TransitNetwork& transit, const std::vector<std::vector<Point2>>& zone_access_points, double start_h,
               double end_h, const TransitParameters& p, const std::vector<double>& frequency_factor = {});
  /// Departures of the whole period over all patterns (0: no service in the period).
  [[nodiscard]] double service_departures() const { return service_departures_; }
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
    std::vector<double> node_volume, node_inside_metro;  // loading workspace
  };
  void add(std::int32_t from, std::int32_t to, Arc arc);
  [[nodiscard]] double cost(const Arc& a) const;
  void strategy_to(std::int32_t destination, Strategy& s) const;
  void components(const Strategy& s, std::int32_t destination, Components& c) const;
  /// Adds the trips to destination r to the arc volumes, following its strategy.
  void load_destination(std::int32_t r, const OdMatrix& pt_trips, Strategy& s, Components& c, std::vector<double>& arc_volume,
                        std::vector<double>& arc_entries, double& unassigned) const;

  const TransitNetwork& transit_;
  TransitParameters p_;
  std::int32_t zones_ = 0, nodes_ = 0;
  double service_departures_ = 0.0;
  std::vector<std::int32_t> from_, to_;
  std::vector<Arc> arcs_;
  std::vector<std::int32_t> in_first_, in_arcs_;  // incoming arcs per node (CSR)
  std::vector<bool> metro_pattern_, metro_stop_;   // patterns of metro routes (GTFS type 1), stops they serve
};

}  // namespace sofiatwin::transport
