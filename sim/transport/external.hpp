// Traffic that crosses the model's boundary at its gateways (external zones): to and from the city
// (a gravity model on car time to the zones' activity) and through it (between gateways, in
// proportion to their volumes), per period.
#pragma once
#include <array>
#include <vector>

#include "sim/transport/activity.hpp"
#include "sim/transport/demand.hpp"
#include "sim/transport/network.hpp"

namespace sofiatwin::transport {

struct ExternalParameters {
  double through_share = 0.2;          // of a gateway's vehicles, those crossing the city to another gateway
  double gravity_beta_per_min = 0.04;  // to and from the zones: f(t) = exp(-beta t) on car time
  std::array<double, activity_count> attraction_weight{1.0, 1.0, 0.0, 0.0, 0.0};  // residents and jobs
  std::vector<double> period_share;    // per period, sums to 1
};

struct ExternalDemand {
  std::vector<OdMatrix> vehicles_per_hour;  // per period, (Z + G) x (Z + G), internal zones first
  double vehicles_per_day = 0.0;            // that cross a covered gateway
  double off_network_per_day = 0.0;         // at gateways the road network does not reach
};

/// `vehicles_per_day` and `covered` per gateway; `attraction` per internal zone; `car_time_min`
/// of size (Z + G)^2; `hours` per period.
ExternalDemand external_demand(const std::vector<double>& vehicles_per_day, const std::vector<bool>& covered,
                               const std::vector<double>& attraction, const std::vector<double>& car_time_min,
                               const std::vector<double>& hours, const ExternalParameters& p);

}  // namespace sofiatwin::transport
