// Car skims and road KPIs on an assignment network (sim/transport/zone_network.hpp builds it).
#pragma once
#include <vector>

#include "sim/core/city_model.hpp"
#include "sim/transport/demand.hpp"
#include "sim/transport/network.hpp"

namespace sofiatwin::transport {

/// Car time (min) and distance (km) of the fastest path at the given link costs, every zone pair.
void car_skims(const TrafficNetwork& net, const std::vector<double>& link_cost_min, Skims& out);

struct RoadKpis {
  double vehicle_hours = 0.0;
  double vehicle_km = 0.0;
  double average_speed_kmh = 0.0;
  double congested_km = 0.0;  // directed road length with volume / capacity above 0.9
};

/// KPIs over road links (connectors excluded), at hourly flows.
RoadKpis road_kpis(const TrafficNetwork& net, const std::vector<double>& flow, const std::vector<double>& cost_min);

}  // namespace sofiatwin::transport
