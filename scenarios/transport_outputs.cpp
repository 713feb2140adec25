#include "scenarios/transport_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "sim/core/atomic_file.hpp"

namespace sofiatwin::scenarios {
namespace {

using gis::ResultElement;
using gis::ResultTable;

std::string number(double v) {
  if (!std::isfinite(v)) return {};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

ResultTable road_links(const TransportRun& run, const TransportParameters& p) {
  const auto& l = run.roads->links;
  const std::size_t n = l.size();
  ResultTable t{"road_link_results", ResultElement::road_link};
  std::vector<std::string> cls(n);
  for (std::size_t a = 0; a < n; ++a) cls[a] = std::string(road_class_name(l.road_class[a]));
  t.add_text("name", l.name);
  t.add_text("road_class", cls);
  t.add("capacity_veh_h", l.capacity_veh_h);
  std::vector<double> daily(n, 0.0);
  for (std::size_t k = 0; k < run.periods.size(); ++k) {
    const auto& period = p.demand.periods[k];
    const auto& road = run.periods[k].road;
    std::vector<double> volume(n), vc(n), speed(n);
    for (std::size_t a = 0; a < n; ++a) {
      volume[a] = road.link_flow[a];
      vc[a] = l.capacity_veh_h[a] > 0 ? volume[a] / l.capacity_veh_h[a] : 0.0;
      speed[a] = road.link_cost[a] > 0 ? l.length_m[a] / 1000.0 / (road.link_cost[a] / 60.0) : l.speed_kmh[a];
      daily[a] += volume[a] * period.hours();
    }
    t.add("volume_veh_h_" + period.name, std::move(volume));
    t.add("vc_ratio_" + period.name, std::move(vc));
    t.add("speed_kmh_" + period.name, std::move(speed));
  }
  t.add("daily_volume_veh", std::move(daily));
  return t;
}

ResultTable stops(const TransportRun& run, const TransportParameters& p) {
  const std::size_t n = run.transit->stops.size();
  ResultTable t{"transit_stop_results", ResultElement::transit_stop};
  t.add_text("name", run.transit->stops.name);
  std::vector<double> daily(n, 0.0);
  for (std::size_t k = 0; k < run.periods.size(); ++k) {
    const auto& b = run.periods[k].transit.stop_boardings;
    for (std::size_t s = 0; s < n; ++s) daily[s] += b[s] * p.demand.periods[k].hours();
    t.add("boardings_per_hour_" + p.demand.periods[k].name, b);
  }
  t.add("daily_boardings", std::move(daily));
  return t;
}

ResultTable routes(const TransportRun& run, const TransportParameters& p) {
  const auto& tr = *run.transit;
  const std::size_t n = tr.routes.size();
  ResultTable t{"transit_route_results", ResultElement::transit_route};
  t.add_text("short_name", tr.routes.short_name);
  std::vector<double> type(n), daily(n, 0.0), pkm(n, 0.0);
  for (std::size_t r = 0; r < n; ++r) type[r] = tr.routes.gtfs_type[r];
  t.add("gtfs_type", std::move(type));
  for (std::size_t k = 0; k < run.periods.size(); ++k) {
    const auto& loads = run.periods[k].transit;
    const double hours = p.demand.periods[k].hours();
    std::vector<double> max_load(n, 0.0);
    for (std::size_t q = 0; q < tr.patterns.size(); ++q)
      for (double v : loads.segment_load[q]) max_load[static_cast<std::size_t>(tr.patterns.route[q])] = std::max(max_load[static_cast<std::size_t>(tr.patterns.route[q])], v);
    for (std::size_t r = 0; r < n; ++r) daily[r] += loads.route_boardings[r] * hours, pkm[r] += loads.route_passenger_km[r] * hours;
    t.add("boardings_per_hour_" + p.demand.periods[k].name, loads.route_boardings);
    t.add("max_load_persons_" + p.demand.periods[k].name, std::move(max_load));
  }
  t.add("daily_boardings", std::move(daily));
  t.add("daily_passenger_km", std::move(pkm));
  return t;
}

/// Daily motorised trips leaving each zone, by mode, summed over purposes and periods.
void zone_trips(const TransportRun& run, std::vector<double>& car, std::vector<double>& pt) {
  const auto n = run.zones.size();
  car.assign(n, 0.0);
  pt.assign(n, 0.0);
  for (std::size_t k = 0; k < run.demand.car_persons.size(); ++k)
    for (std::size_t t = 0; t < run.demand.car_persons[k].size(); ++t)
      for (std::size_t o = 0; o < n; ++o)
        for (std::size_t d = 0; d < n; ++d) {
          car[o] += run.demand.car_persons[k][t].trips[o * n + d];
          pt[o] += run.demand.pt_persons[k][t].trips[o * n + d];
        }
}

/// Zone figures, and the same summed over the zones of each district when `districts` is given.
ResultTable zones_table(const CityModel& model, const TransportRun& run, const TransportParameters& p, bool by_district) {
  const auto& z = run.zones;
  const std::size_t zones = z.size();
  const std::size_t n = by_district ? model.zones.size() : zones;
  ResultTable t{by_district ? "district_results" : "zone_results", ResultElement::zone, by_district ? "zones" : zoning_layer(run.zoning)};
  const auto& names = by_district ? model.zones : z;
  t.add_text("code", names.code);
  t.add_text("name", names.name);
  auto group = [&](std::size_t zone) -> std::ptrdiff_t {
    if (!by_district) return static_cast<std::ptrdiff_t>(zone);
    const auto d = z.district.size() > zone ? z.district[zone] : -1;
    return d;
  };
  auto aggregate = [&](const std::vector<double>& per_zone) {
    std::vector<double> out(n, 0.0);
    for (std::size_t i = 0; i < zones; ++i)
      if (const auto g = group(i); g >= 0 && static_cast<std::size_t>(g) < n) out[static_cast<std::size_t>(g)] += per_zone[i];
    return out;
  };
  t.add("population", aggregate(z.population));
  for (std::size_t a = 1; a < transport::activity_count; ++a)
    t.add(std::string(transport::activity_name(static_cast<transport::Activity>(a))), aggregate(run.activity.value[a]));
  for (std::size_t k = 0; k < p.demand.purposes.size(); ++k)
    t.add("productions_" + p.demand.purposes[k].name, aggregate(run.demand.productions[k]));
  std::vector<double> car, pt;
  zone_trips(run, car, pt);
  const auto car_sum = aggregate(car), pt_sum = aggregate(pt);
  std::vector<double> share(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) share[i] = car_sum[i] + pt_sum[i] > 0 ? pt_sum[i] / (car_sum[i] + pt_sum[i]) : 0.0;
  t.add("car_trips_day", car_sum);
  t.add("pt_trips_day", pt_sum);
  t.add("pt_share", std::move(share));
  std::vector<double> covered(zones), fallback(zones);
  for (std::size_t i = 0; i < zones; ++i) covered[i] = run.network.covered[i] ? 1.0 : 0.0, fallback[i] = run.activity.fallback[i] ? 1.0 : 0.0;
  t.add(by_district ? "zones_covered" : "covered", aggregate(covered));
  t.add(by_district ? "zones_with_fallback_jobs" : "fallback_jobs", aggregate(fallback));
  if (by_district) {
    std::vector<double> count(zones, 1.0);
    t.add("zones", aggregate(count));
  }
  return t;
}

std::string purposes_csv(const TransportRun& run, const TransportParameters& p) {
  std::string out = "purpose,period,car_trips,pt_trips,intrazonal_trips,car_person_km,mean_car_min,mean_pt_min,generalised_person_hours\n";
  for (std::size_t k = 0; k < run.demand.purpose.size(); ++k) {
    const auto& s = run.demand.purpose[k];
    for (std::size_t t = 0; t < p.demand.periods.size(); ++t)
      out += p.demand.purposes[k].name + "," + p.demand.periods[t].name + "," + number(s.car_trips[t]) + "," + number(s.pt_trips[t]) + "," +
             number(s.intrazonal_trips[t]) + "," + number(s.car_person_km[t]) + "," +
             number(s.inter_zonal_car_trips[t] > 0 ? s.car_person_min[t] / s.inter_zonal_car_trips[t] : 0.0) + "," +
             number(s.inter_zonal_pt_trips[t] > 0 ? s.pt_person_min[t] / s.inter_zonal_pt_trips[t] : 0.0) + "," +
             number(s.generalised_person_min[t] / 60.0) + "\n";
  }
  return out;
}

}  // namespace

std::vector<gis::ResultTable> transport_tables(const CityModel& model, const TransportRun& run, const TransportParameters& p) {
  std::vector<gis::ResultTable> out;
  out.push_back(road_links(run, p));
  out.push_back(stops(run, p));
  out.push_back(routes(run, p));
  out.push_back(zones_table(model, run, p, false));
  if (model.zones.size() > 0) out.push_back(zones_table(model, run, p, true));
  return out;
}

std::string table_csv(const gis::ResultTable& t) {
  std::string out = "id";
  for (const auto& n : t.text_names) out += "," + n;
  for (const auto& n : t.names) out += "," + n;
  out += "\n";
  for (std::size_t i = 0; i < t.rows(); ++i) {
    out += std::to_string(i);
    for (const auto& c : t.text_columns) {
      std::string cell = c[i];
      if (cell.find_first_of(",\"\n") != std::string::npos) {
        std::string quoted = "\"";
        for (char ch : cell) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        cell = quoted + "\"";
      }
      out += "," + cell;
    }
    for (const auto& c : t.columns) out += "," + number(c[i]);
    out += "\n";
  }
  return out;
}

void write_transport_outputs(const std::string& dir, const CityModel& model, const TransportRun& run, const TransportParameters& p,
                             const KpiTable& kpis, const std::map<std::string, std::string>& metadata) {
  std::filesystem::create_directories(dir);
  const auto tables = transport_tables(model, run, p);
  const std::filesystem::path folder(dir);
  gis::write_results(model, (folder / "results.gpkg").string(), metadata, tables);
  for (const auto& t : tables) write_file_atomically((folder / (t.layer + ".csv")).string(), table_csv(t));
  write_file_atomically((folder / "kpis.csv").string(), kpi_csv(kpis));
  write_file_atomically((folder / "purposes.csv").string(), purposes_csv(run, p));
}

}  // namespace sofiatwin::scenarios
