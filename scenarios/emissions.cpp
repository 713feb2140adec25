#include "scenarios/emissions.hpp"

#include <algorithm>

namespace sofiatwin::scenarios {

double EmissionFactors::at(const std::vector<double>& speeds, const std::vector<double>& grams, double speed_kmh) {
  if (speeds.empty()) return 0.0;
  if (speed_kmh <= speeds.front()) return grams.front();
  if (speed_kmh >= speeds.back()) return grams.back();
  const auto hi = static_cast<std::size_t>(std::upper_bound(speeds.begin(), speeds.end(), speed_kmh) - speeds.begin());
  const double w = (speed_kmh - speeds[hi - 1]) / (speeds[hi] - speeds[hi - 1]);
  return grams[hi - 1] + w * (grams[hi] - grams[hi - 1]);
}

Emissions road_emissions(const TransportRun& run, const EmissionFactors& f) {
  Emissions e;
  const auto& l = run.roads->links;
  for (std::size_t t = 0; t < run.periods.size(); ++t) {
    const double hours = run.parameters.demand.periods[t].hours();
    const auto& road = run.periods[t].road;
    double co2 = 0, nox = 0, pm = 0;
    for (std::size_t a = 0; a < l.size(); ++a) {
      const double km = road.link_flow[a] * hours * l.length_m[a] / 1000.0;
      if (km <= 0) continue;
      const double speed = road.link_cost[a] > 0 ? l.length_m[a] / 1000.0 / (road.link_cost[a] / 60.0) : l.speed_kmh[a];
      co2 += km * EmissionFactors::at(f.speed_kmh, f.co2_g_per_km, speed);
      nox += km * EmissionFactors::at(f.speed_kmh, f.nox_g_per_km, speed);
      pm += km * EmissionFactors::at(f.speed_kmh, f.pm25_g_per_km, speed);
    }
    const double search_km = t < run.parking_search_vehicle_km.size() ? run.parking_search_vehicle_km[t] : 0.0;
    co2 += search_km * EmissionFactors::at(f.speed_kmh, f.co2_g_per_km, f.search_speed_kmh);
    nox += search_km * EmissionFactors::at(f.speed_kmh, f.nox_g_per_km, f.search_speed_kmh);
    pm += search_km * EmissionFactors::at(f.speed_kmh, f.pm25_g_per_km, f.search_speed_kmh);
    e.co2_t.push_back(co2 / 1e6);
    e.nox_t.push_back(nox / 1e6);
    e.pm25_t.push_back(pm / 1e6);
  }
  return e;
}

}  // namespace sofiatwin::scenarios
