// Four-step demand for the twin: trip generation, doubly constrained gravity distribution on the
// logsum of the modes' generalised costs, binary logit mode split (car / public transport) with a
// car constant calibrated to a target public-transport share, peak-hour factor, car occupancy.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/core/geometry.hpp"
#include "sim/transport/network.hpp"

namespace sofiatwin::transport {

struct DemandParameters {
  double trips_per_person_per_day = 2.7;
  double motorised_share = 0.685;
  double peak_hour_share = 0.09;
  Point2 centre;                        // model CRS; attractions grow towards it
  double centrality_weight = 2.0;       // attraction = population x (1 + w exp(-d / radius))
  double centrality_radius_m = 4000.0;
  double gravity_beta_per_min = 0.05;   // f(c) = exp(-beta c)
  double car_occupancy = 1.3;
  double value_of_time_eur_per_h = 5.0;
  double car_cost_eur_per_km = 0.20;
  double pt_fare_eur = 0.82;
  double wait_weight = 2.0;
  double walk_weight = 2.0;
  double logit_scale_per_min = 0.1;
  double target_pt_share = 0.549;       // of motorised trips
};

/// Zone-to-zone level of service (minutes, km), zones x zones, row = origin.
struct Skims {
  std::int32_t zones = 0;
  std::vector<double> car_time_min, car_distance_km;
  std::vector<double> pt_in_vehicle_min, pt_wait_min, pt_walk_min;  // +inf where no PT path
  [[nodiscard]] std::size_t at(std::int32_t o, std::int32_t d) const { return static_cast<std::size_t>(o) * zones + d; }
};

struct DemandResult {
  OdMatrix person_trips;   // peak hour, motorised, all modes
  OdMatrix car_vehicles;   // peak hour car vehicle trips
  OdMatrix pt_persons;     // peak hour public-transport trips
  double car_constant_min = 0.0;  // calibrated
  double pt_share = 0.0;          // achieved, of motorised trips
  double daily_pt_trips = 0.0;
  double mean_car_trip_km = 0.0;
  double mean_pt_trip_min = 0.0;  // in-vehicle + wait + walk, unweighted
};

DemandResult run_demand(const std::vector<double>& population, const std::vector<Point2>& zone_position,
                        const Skims& skims, const DemandParameters& p);

}  // namespace sofiatwin::transport
