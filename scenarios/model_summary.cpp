#include "model_summary.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "sim/network_stats.hpp"

namespace sofiatwin::scenarios {
namespace {

std::string line(const char* format, auto... args) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, format, args...);
  return std::string(buffer) + "\n";
}

}  // namespace

std::string model_summary(const CityModel& m, const std::map<std::string, std::string>& metadata) {
  std::string out;
  for (const char* key : {"model", "created_utc", "tool_version"})
    if (auto it = metadata.find(key); it != metadata.end()) out += line("%-14s %s", key, it->second.c_str());
  out += line("%-14s %s", "crs", m.crs.c_str());
  double population = 0, area_km2 = 0;
  for (std::size_t z = 0; z < m.zones.size(); ++z) population += m.zones.population[z], area_km2 += area_m2(m.zones.boundary[z]) / 1e6;
  out += line("zones          %zu (population %.0f, area %.1f km2)", m.zones.size(), population, area_km2);
  if (m.neighbourhoods.size() > 0) out += line("neighbourhoods %zu", m.neighbourhoods.size());
  if (m.traffic_zones.size() > 0) out += line("traffic zones  %zu", m.traffic_zones.size());
  if (m.places.size() > 0) out += line("places         %zu (municipality and district administrations)", m.places.size());
  if (m.parking.size() > 0) out += line("paid parking   %zu zones", m.parking.size());
  const auto stats = sim::road_network_stats(m.roads);
  out += line("road network   %zu nodes, %zu directed links, %.1f lane-km; %d weak / %d strong components "
              "(largest strong: %.1f%% of nodes)",
              m.roads.nodes.size(), m.roads.links.size(), stats.lane_km, stats.weak_component_count,
              stats.strong_component_count, 100.0 * stats.largest_strong_component_node_share);
  for (int c = 0; c < road_class_count; ++c)
    if (stats.links_by_class[c] > 0)
      out += line("  %-14s %6d links %9.1f km", std::string(road_class_name(static_cast<RoadClass>(c))).c_str(),
                  stats.links_by_class[c], stats.directed_km_by_class[c]);
  std::size_t departures = 0;
  for (const auto& d : m.transit.patterns.departures_per_hour)
    for (auto n : d) departures += static_cast<std::size_t>(n);
  out += line("transit        %zu stops, %zu routes, %zu patterns, %zu departures (%s)", m.transit.stops.size(),
              m.transit.routes.size(), m.transit.patterns.size(), departures, m.transit.service_day.c_str());
  std::map<int, int> by_type;
  for (auto type : m.transit.routes.gtfs_type) ++by_type[type];
  std::string modes;
  for (const auto& [type, count] : by_type) {
    const char* name = type == 0 ? "tram" : type == 1 ? "metro" : type == 3 ? "bus" : type == 11 ? "trolleybus" : "other";
    modes += (modes.empty() ? "" : ", ") + std::to_string(count) + " " + name;
  }
  if (!modes.empty()) out += line("  routes by mode %s", modes.c_str());
  double mean_height = 0;
  for (double h : m.buildings.height_m) mean_height += h;
  out += line("buildings      %zu (mean height %.1f m)", m.buildings.size(),
              m.buildings.size() ? mean_height / static_cast<double>(m.buildings.size()) : 0.0);
  if (!m.elevation.empty()) {
    float lo = 1e9f, hi = -1e9f;
    for (float v : m.elevation.height_m)
      if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    out += line("elevation      %d x %d grid, %.0f m cells, %.0f..%.0f m", m.elevation.columns, m.elevation.rows,
                m.elevation.cell_size_m, lo, hi);
  }
  if (!m.water.empty()) {
    const auto& n = m.water.network;
    int sources = 0, pipes = 0, valves = 0, pumps = 0;
    double pipe_km = 0, demand = 0;
    for (auto t : n.node_type) sources += t != water::NodeType::junction;
    for (std::size_t k = 0; k < n.link_count(); ++k) {
      const auto t = n.link_type[k];
      if (t == water::LinkType::pipe || t == water::LinkType::cv_pipe) ++pipes, pipe_km += n.length_ft[k] * 0.3048 / 1000.0;
      else if (t == water::LinkType::pump) ++pumps;
      else ++valves;
    }
    for (double d : n.demand_cfs) demand += d * n.units.flow_per_cfs;
    std::set<std::string> zones(m.water.pressure_zone.begin(), m.water.pressure_zone.end());
    zones.erase("");
    out += line("water network  '%s': %d junctions, %d reservoirs/tanks, %d pipes (%.0f km), %d valves, %d pumps, "
                "%zu pressure zones; base demand %.0f %s",
                n.name.c_str(), n.junction_count, sources, pipes, pipe_km, valves, pumps, zones.size(), demand,
                n.units.flow_name.c_str());
  }
  out += line("import report  %zu entries, %zu warnings", m.report.entries.size(), m.report.warning_count());
  return out;
}

}  // namespace sofiatwin::scenarios
