// Road traffic emissions from speed-dependent factors of a fleet (grams per vehicle-km at a set of
// mean speeds, interpolated linearly, flat outside the range): CO2, NOx and PM2.5 of each period
// from the links' volumes and congested speeds, plus the parking search traffic at its own speed.
#pragma once
#include <string>
#include <vector>

#include "scenarios/transport_run.hpp"

namespace sofiatwin::scenarios {

struct EmissionFactors {
  std::vector<double> speed_kmh;        // ascending
  std::vector<double> co2_g_per_km, nox_g_per_km, pm25_g_per_km;
  double search_speed_kmh = 15.0;       // cruising for parking
  std::string source;
  /// g/veh-km of one pollutant at a speed.
  [[nodiscard]] static double at(const std::vector<double>& speeds, const std::vector<double>& grams, double speed_kmh);
};

struct Emissions {
  std::vector<double> co2_t, nox_t, pm25_t;  // per period
};

/// The emissions of a run's road traffic (links at their congested speed) and parking search.
Emissions road_emissions(const TransportRun& run, const EmissionFactors& f);

}  // namespace sofiatwin::scenarios
