#include "scenarios/transport_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>

#include "sim/core/input_error.hpp"
#include "sim/transport/external.hpp"

namespace sofiatwin::scenarios {
namespace {

std::string format(const char* pattern, auto... values) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, pattern, values...);
  return buffer;
}

void timed(ProgressSink* progress, const std::string& stage, const std::function<std::string()>& work) {
  const auto start = std::chrono::steady_clock::now();
  const auto detail = work();
  const std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
  if (progress) progress->stage_done(stage, detail, s.count());
}

void check_model(const CityModel& model, Zoning zoning, const Zones& zones) {
  if (zones.size() == 0)
    throw InputError("the model has no zones (layer '" + zoning_layer(zoning) + "' is empty): the transport model needs a zoning");
  if (model.roads.links.size() == 0) throw InputError("the model has no road network (layer 'road_links' is empty)");
  double population = 0;
  for (double v : zones.population) population += v;
  if (!(population > 0))
    throw InputError("layer '" + zoning_layer(zoning) + "': field 'population' is 0 in every zone: trips cannot be generated "
                     "(import the zones with a population field or a population raster)");
}

/// Car time and distance between zones the streets do not reach: the straight line x a detour
/// factor at a speed (the modelled streets say nothing about them).
void patch_uncovered(transport::Skims& s, const transport::ZoneNetwork& zn, const TransportParameters& p) {
  const auto n = static_cast<std::size_t>(s.zones);
  for (std::size_t o = 0; o < n; ++o)
    for (std::size_t d = 0; d < n; ++d) {
      if (o == d || (zn.covered[o] && zn.covered[d])) continue;
      const double km = distance_m(zn.zone_centre[o], zn.zone_centre[d]) / 1000.0 * p.uncovered_detour_factor;
      s.car_distance_km[o * n + d] = km;
      s.car_time_min[o * n + d] = km / p.uncovered_speed_kmh * 60.0;
    }
}

/// Car demand with an end in an uncovered zone leaves the assignment (counted per day).
double remove_off_network(transport::OdMatrix& vehicles, const std::vector<bool>& covered) {
  double removed = 0.0;
  const auto n = static_cast<std::size_t>(vehicles.zone_count);
  for (std::size_t o = 0; o < n; ++o)
    for (std::size_t d = 0; d < n; ++d)
      if (o != d && !(covered[o] && covered[d])) removed += vehicles.trips[o * n + d], vehicles.trips[o * n + d] = 0.0;
  return removed;
}

double relative_change(const std::vector<transport::OdMatrix>& now, const std::vector<transport::OdMatrix>& before) {
  double change = 0.0, total = 0.0;
  for (std::size_t t = 0; t < now.size(); ++t)
    for (std::size_t i = 0; i < now[t].trips.size(); ++i) change += std::abs(now[t].trips[i] - before[t].trips[i]), total += now[t].trips[i];
  return total > 0 ? change / total : 0.0;
}

/// The internal zones' part of the car skims (the gateways follow them).
void set_internal_car(transport::Skims& internal, const transport::Skims& full, std::int32_t zones) {
  const auto z = static_cast<std::size_t>(zones), n = static_cast<std::size_t>(full.zones);
  internal.zones = zones;
  internal.car_time_min.resize(z * z);
  internal.car_distance_km.resize(z * z);
  for (std::size_t o = 0; o < z; ++o)
    for (std::size_t d = 0; d < z; ++d) {
      internal.car_time_min[o * z + d] = full.car_time_min[o * n + d];
      internal.car_distance_km[o * z + d] = full.car_distance_km[o * n + d];
    }
}

/// The assignment's demand: the residents' car vehicles (internal zones) and the external traffic.
transport::OdMatrix assignment_od(const transport::OdMatrix& internal, const transport::OdMatrix& external) {
  transport::OdMatrix od = external;
  const auto z = static_cast<std::size_t>(internal.zone_count), n = static_cast<std::size_t>(od.zone_count);
  for (std::size_t o = 0; o < z; ++o)
    for (std::size_t d = 0; d < z; ++d) od.trips[o * n + d] += internal.trips[o * z + d];
  return od;
}

/// Averages the car skims of a feedback pass into the running ones (method of successive averages).
void average_car_skims(transport::Skims& running, const transport::Skims& fresh, int pass) {
  const double w = 1.0 / pass;
  for (std::size_t i = 0; i < running.car_time_min.size(); ++i) {
    running.car_time_min[i] += w * (fresh.car_time_min[i] - running.car_time_min[i]);
    running.car_distance_km[i] += w * (fresh.car_distance_km[i] - running.car_distance_km[i]);
  }
}

void note_network(TransportRun& run, const TransportParameters& p) {
  std::size_t uncovered = 0;
  for (std::size_t z = 0; z < run.zones.size(); ++z) uncovered += !run.network.covered[z];
  run.notes.push_back(format("zoning: %zu zones of layer '%s'; %zu connectors (%d to %d per zone, one per %.2f km2)", run.zones.size(),
                             zoning_layer(run.zoning).c_str(), run.network.connector_zone.size(), p.connectors.min_connectors,
                             p.connectors.max_connectors, p.connectors.area_per_connector_km2));
  if (uncovered > 0) {
    std::string names;
    for (std::size_t z = 0, listed = 0; z < run.zones.size(); ++z)
      if (!run.network.covered[z] && listed++ < 12) names += (names.empty() ? "" : ", ") + run.zones.code[z];
    run.warnings.push_back(format("%zu of %zu zones are served only by long connectors (no road node within %.0f m of any part of "
                                  "them): %s%s. Their car trips are left out of the road assignment and road KPIs cover the "
                                  "area the road network reaches",
                                  uncovered, run.zones.size(), p.connectors.long_connector_m, names.c_str(), uncovered > 12 ? ", ..." : ""));
  }
  const auto fallback = run.activity.fallback_zones();
  if (fallback > 0)
    run.notes.push_back(format("activity: %zu of %zu zones hold no buildings; their jobs come from the distance-to-centre fallback", fallback,
                               run.zones.size()));
  if (run.activity.education_from_population) run.notes.push_back("activity: no education buildings; education places follow the residents");
}

std::vector<transport::TransitModel> transit_models(const TransitNetwork& network, const TransportRun& run, const TransportParameters& p,
                                                    const TransportChanges& changes) {
  std::vector<transport::TransitModel> out;
  const std::vector<std::vector<Point2>> internal_access(run.network.access_points.begin(),
                                                         run.network.access_points.begin() + run.network.internal_zones);
  for (const auto& period : p.demand.periods) {
    const auto t = out.size();
    out.emplace_back(network, internal_access, period.start_h, period.end_h, p.transit,
                     changes.frequency_factor.empty() ? std::vector<double>{} : changes.frequency_factor[t]);
    if (network.patterns.size() > 0 && out.back().service_departures() <= 0)
      throw InputError(format("%s: key 'periods.%s': no public-transport departures in the model's GTFS service between %.4g h and %.4g h",
                              p.source.c_str(), period.name.c_str(), period.start_h, period.end_h));
  }
  return out;
}

void add_warnings(TransportRun& run, const TransportParameters& p) {
  const auto& d = run.demand;
  if (!d.calibrated && !p.demand.mode.car_constant_min)
    run.warnings.push_back(format("mode split: public-transport share %.3f instead of the target %.3f (few or no public-transport paths "
                                  "between the zones?)", d.pt_share, p.demand.mode.target_pt_share));
  double car_unassigned = 0, pt_unassigned = 0;
  for (std::size_t t = 0; t < run.periods.size(); ++t) {
    const auto& pr = run.periods[t];
    if (!pr.road.converged) run.warnings.push_back("road assignment, period " + p.demand.periods[t].name + ": stopped at its iteration limit before the target gap");
    car_unassigned += pr.road.unassigned_trips * p.demand.periods[t].hours();
    pt_unassigned += pr.transit.unassigned_trips * p.demand.periods[t].hours();
  }
  if (car_unassigned > 0 || pt_unassigned > 0)
    run.warnings.push_back(format("unassigned trips (no path): %.1f car vehicle trips and %.1f public-transport trips a day", car_unassigned, pt_unassigned));
  if (run.car_trips_off_network_per_day > 0)
    run.warnings.push_back(format("%.0f car vehicle trips a day have an end off the road network and are not assigned", run.car_trips_off_network_per_day));
}

}  // namespace

Point2 model_centre(const CityModel& model, const TransportParameters& p) {
  if (p.centre) return *p.centre;
  const auto& zones = model.zones.size() > 0 ? model.zones : zones_of(model, choose_zoning(model, p.zoning));
  std::size_t best = 0;
  double best_density = -1;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const double density = zones.population[z] / std::max(1.0, area_m2(zones.boundary[z]));
    if (density > best_density) best_density = density, best = z;
  }
  return zones.size() > 0 ? zones.centroid[best] : Point2{};
}

Zoning choose_zoning(const CityModel& model, Zoning wanted) {
  if (wanted != Zoning::automatic) return wanted;
  if (model.traffic_zones.size() > 0) return Zoning::traffic_zones;
  if (model.neighbourhoods.size() > 0) return Zoning::neighbourhoods;
  return Zoning::districts;
}

const Zones& zones_of(const CityModel& model, Zoning zoning) {
  switch (zoning) {
    case Zoning::traffic_zones: return model.traffic_zones;
    case Zoning::neighbourhoods: return model.neighbourhoods;
    default: return model.zones;
  }
}

std::string zoning_layer(Zoning zoning) {
  switch (zoning) {
    case Zoning::traffic_zones: return "traffic_zones";
    case Zoning::neighbourhoods: return "neighbourhoods";
    default: return "zones";
  }
}

namespace {

/// The road and assignment changes of a scenario on the built network (road links keep their ids).
void apply_road_changes(transport::ZoneNetwork& zn, const RoadNetwork& roads, const TransportParameters& p, const TransportChanges& c) {
  auto& net = zn.net;
  for (std::size_t a = 0; a < roads.links.size(); ++a) {
    if (!c.capacity_factor.empty()) net.capacity_veh_h[a] *= c.capacity_factor[a];
    if (!c.extra_minutes.empty()) net.free_flow_time_min[a] += c.extra_minutes[a];
    if (!c.junction_delay_factor.empty())
      net.free_flow_time_min[a] += (c.junction_delay_factor[a] - 1.0) * p.roads.junction_delay_s[static_cast<std::size_t>(roads.links.road_class[a])] / 60.0;
  }
}

/// Parking search per zone (minutes and km per car arriving) from the paid-parking zone its label point lies in.
void parking_search(TransportRun& run, const CityModel& model, const TransportParameters& p, const TransportChanges& c) {
  const auto n = run.zones.size();
  run.parking_search_min.assign(n, 0.0);
  run.parking_search_km.assign(n, 0.0);
  for (std::size_t z = 0; z < n; ++z) {
    for (std::size_t k = 0; k < model.parking.size(); ++k) {
      const auto found = p.parking_search.find(model.parking.name[k]);
      if (found == p.parking_search.end() || !contains(model.parking.boundary[k], run.zones.centroid[z])) continue;
      run.parking_search_min[z] = std::max(run.parking_search_min[z], found->second.minutes_per_arrival);
      run.parking_search_km[z] = std::max(run.parking_search_km[z], found->second.km_per_arrival);
    }
    if (!c.parking_search_factor.empty()) run.parking_search_min[z] *= c.parking_search_factor[z], run.parking_search_km[z] *= c.parking_search_factor[z];
  }
  run.inputs.car_destination_penalty_min = run.parking_search_min;
}

/// The search traffic of each period: car vehicles arriving at a zone x its search distance and time.
void parking_search_traffic(TransportRun& run, const TransportParameters& p) {
  const auto n = run.zones.size();
  run.parking_search_vehicle_km.assign(p.demand.periods.size(), 0.0);
  run.parking_search_vehicle_hours.assign(p.demand.periods.size(), 0.0);
  for (std::size_t t = 0; t < p.demand.periods.size(); ++t) {
    const auto& od = run.demand.car_vehicles_per_hour[t];
    for (std::size_t o = 0; o < n; ++o)
      for (std::size_t d = 0; d < n; ++d) {
        const double arrivals = od.trips[o * n + d] * p.demand.periods[t].hours();
        run.parking_search_vehicle_km[t] += arrivals * run.parking_search_km[d];
        run.parking_search_vehicle_hours[t] += arrivals * run.parking_search_min[d] / 60.0;
      }
  }
}

}  // namespace

TransportRun run_transport(const CityModel& model, const TransportParameters& parameters, ProgressSink* progress, const TransportChanges& changes) {
  TransportParameters p = parameters;
  if (changes.wait_weight) p.demand.mode.wait_weight = p.transit.wait_weight = *changes.wait_weight;
  if (changes.car_constant_min) p.demand.mode.car_constant_min = *changes.car_constant_min;
  const RoadNetwork& roads = changes.roads ? *changes.roads : model.roads;
  const TransitNetwork& transit_network = changes.transit ? *changes.transit : model.transit;
  TransportRun run;
  run.zoning = choose_zoning(model, p.zoning);
  const Zones& zones = zones_of(model, run.zoning);
  check_model(model, run.zoning, zones);
  run.zones = zones;
  run.parameters = p;
  run.roads = &roads;
  run.transit = &transit_network;
  const Point2 centre = model_centre(model, p);
  timed(progress, "zones", [&] {
    run.activity = transport::zone_activity(zones, model.buildings, model.places, p.activity, centre);
    run.network = transport::build_zone_network(roads, zones, run.activity.points, p.connectors, p.roads, model.gateways.position);
    apply_road_changes(run.network, roads, p, changes);
    note_network(run, p);
    return format("%zu %s, %zu connectors", zones.size(), zoning_layer(run.zoning).c_str(), run.network.connector_zone.size());
  });
  run.inputs.population = zones.population;
  run.inputs.parking_eur_per_h.resize(zones.size());
  for (std::size_t z = 0; z < zones.size(); ++z) run.inputs.parking_eur_per_h[z] = model.parking.rate_at(zones.centroid[z]);
  for (std::size_t k = 0; k < transport::activity_count; ++k) run.inputs.activity[k] = run.activity.value[k];
  parking_search(run, model, p, changes);
  for (const auto& purpose : p.demand.purposes) {
    const auto found = changes.production_factor.find(purpose.name);
    run.inputs.production_factor.push_back(found != changes.production_factor.end() ? found->second : std::vector<double>{});
  }

  const std::size_t periods = p.demand.periods.size();
  const auto internal = run.network.internal_zones;
  std::vector<transport::Skims> skims(periods), car(periods);  // internal zones (demand); all zones (car, gateways too)
  std::vector<transport::TransitModel> transit;
  timed(progress, "skims", [&] {
    transport::car_skims(run.network.net, run.network.net.free_flow_time_min, car[0]);
    patch_uncovered(car[0], run.network, p);
    transit = transit_models(transit_network, run, p, changes);
    for (std::size_t t = 0; t < periods; ++t) {
      car[t] = car[0];
      set_internal_car(skims[t], car[t], internal);
      transit[t].skims(skims[t]);
    }
    return format("car (free flow) and public transport in %zu periods", periods);
  });
  std::vector<double> hours, attraction(zones.size(), 0.0);
  for (const auto& period : p.demand.periods) hours.push_back(period.hours());
  for (std::size_t z = 0; z < zones.size(); ++z)
    for (std::size_t k = 0; k < transport::activity_count; ++k) attraction[z] += p.external.attraction_weight[k] * run.activity.value[k][z];

  run.periods.resize(periods);
  std::vector<transport::OdMatrix> previous;
  const int passes = changes.fixed_demand ? 1 : p.feedback_iterations;
  for (int pass = 1; pass <= passes; ++pass) {
    if (changes.fixed_demand) {
      run.demand = *changes.fixed_demand;
    } else {
      timed(progress, format("demand %d", pass), [&] {
        run.demand = transport::run_demand(run.inputs, skims, p.demand);
        return format("PT share %.3f, car constant %.2f min", run.demand.pt_share, run.demand.car_constant_min);
      });
    }
    run.external = transport::external_demand(model.gateways.vehicles_per_day, run.network.covered, attraction, car[0].car_time_min, hours,
                                              p.external);
    run.car_trips_off_network_per_day = run.external.off_network_per_day;
    run.assigned_vehicles_per_hour.clear();
    for (std::size_t t = 0; t < periods; ++t) {
      auto od = assignment_od(run.demand.car_vehicles_per_hour[t], run.external.vehicles_per_hour[t]);
      run.car_trips_off_network_per_day += remove_off_network(od, run.network.covered) * hours[t];
      run.assigned_vehicles_per_hour.push_back(std::move(od));
    }
    if (!previous.empty()) run.feedback_change.push_back(relative_change(run.assigned_vehicles_per_hour, previous));
    previous = run.assigned_vehicles_per_hour;
    for (std::size_t t = 0; t < periods; ++t)
      timed(progress, "assign " + p.demand.periods[t].name, [&] {
        auto& pr = run.periods[t];
        if (changes.period_capacity_factor.empty()) {
          pr.road = transport::assign(run.network.net, run.assigned_vehicles_per_hour[t], p.assignment);
        } else {  // works on some links in this period
          auto net = run.network.net;
          for (std::size_t a = 0; a < changes.period_capacity_factor[t].size(); ++a) net.capacity_veh_h[a] *= changes.period_capacity_factor[t][a];
          pr.road = transport::assign(net, run.assigned_vehicles_per_hour[t], p.assignment);
        }
        return format("%zu iterations, relative gap %.2e%s", pr.road.iterations.size(),
                      pr.road.iterations.empty() ? 0.0 : pr.road.iterations.back().relative_gap, pr.road.converged ? "" : " (NOT converged)");
      });
    if (pass == passes) break;
    for (std::size_t t = 0; t < periods; ++t) {  // congested car times into the next pass's skims
      transport::Skims fresh;
      transport::car_skims(run.network.net, run.periods[t].road.link_cost, fresh);
      patch_uncovered(fresh, run.network, p);
      average_car_skims(car[t], fresh, pass + 1);
      set_internal_car(skims[t], car[t], internal);
    }
  }
  timed(progress, "transit loads", [&] {
    double boardings = 0;
    for (std::size_t t = 0; t < periods; ++t) {
      auto& pr = run.periods[t];
      pr.skims = skims[t];
      pr.transit = transit[t].assign(run.demand.pt_persons_per_hour[t]);
      pr.transit_departures = transit[t].service_departures();
      pr.road_kpis = transport::road_kpis(run.network.net, pr.road.link_flow, pr.road.link_cost);
      for (double b : pr.transit.route_boardings) boardings += b * p.demand.periods[t].hours();
    }
    return format("%.0f boardings a day", boardings);
  });
  parking_search_traffic(run, p);
  add_warnings(run, p);
  return run;
}

KpiTable transport_kpis(const TransportRun& run, const TransportParameters& p) {
  KpiTable k;
  const auto& periods = p.demand.periods;
  const double annual = p.annualisation.factor();
  const std::size_t n = periods.size();
  for (const auto& period : periods) k.periods.push_back(period.name);
  auto per_period = [&](const std::function<double(std::size_t)>& f) {
    std::vector<double> v(n);
    for (std::size_t t = 0; t < n; ++t) v[t] = f(t);
    return v;
  };
  const auto vht = per_period([&](std::size_t t) { return run.periods[t].road_kpis.vehicle_hours * periods[t].hours(); });
  const auto vkt = per_period([&](std::size_t t) { return run.periods[t].road_kpis.vehicle_km * periods[t].hours(); });
  const double day_vht = k.add_sum("vehicle_hours", "veh h", vht, annual).day;
  const double day_vkt = k.add_sum("vehicle_km", "veh km", vkt, annual).day;
  k.add("average_speed_kmh", "km/h", per_period([&](std::size_t t) { return vht[t] > 0 ? vkt[t] / vht[t] : 0.0; }),
        day_vht > 0 ? day_vkt / day_vht : 0.0, std::numeric_limits<double>::quiet_NaN());
  const auto congested = per_period([&](std::size_t t) { return run.periods[t].road_kpis.congested_km; });
  k.add("congested_km", "km", congested, *std::max_element(congested.begin(), congested.end()), std::numeric_limits<double>::quiet_NaN());
  k.add_sum("congested_km_hours", "km h", per_period([&](std::size_t t) { return congested[t] * periods[t].hours(); }), annual);
  auto sum_routes = [&](std::size_t t, const std::vector<double>& v, int only_type) {
    double s = 0;
    for (std::size_t r = 0; r < v.size(); ++r)
      if (only_type < 0 || run.transit->routes.gtfs_type[r] == only_type) s += v[r];
    return s * periods[t].hours();
  };
  k.add_sum("pt_boardings", "boardings", per_period([&](std::size_t t) { return sum_routes(t, run.periods[t].transit.route_boardings, -1); }), annual);
  k.add_sum("pt_passenger_km", "pass km", per_period([&](std::size_t t) { return sum_routes(t, run.periods[t].transit.route_passenger_km, -1); }), annual);
  k.add_sum("metro_boardings", "boardings", per_period([&](std::size_t t) { return sum_routes(t, run.periods[t].transit.route_boardings, 1); }), annual);
  k.add_sum("metro_entries", "entries", per_period([&](std::size_t t) { return run.periods[t].transit.metro_entries * periods[t].hours(); }), annual);
  const auto& purposes = run.demand.purpose;
  auto sum_purposes = [&](std::size_t t, auto member) {
    double s = 0;
    for (const auto& ps : purposes) s += (ps.*member)[t];
    return s;
  };
  const auto car = per_period([&](std::size_t t) { return sum_purposes(t, &transport::PurposeSummary::car_trips); });
  const auto pt = per_period([&](std::size_t t) { return sum_purposes(t, &transport::PurposeSummary::pt_trips); });
  const double car_day = k.add_sum("car_person_trips", "trips", car, annual).day;
  const double pt_day = k.add_sum("pt_person_trips", "trips", pt, annual).day;
  k.add("pt_share", "share", per_period([&](std::size_t t) { return car[t] + pt[t] > 0 ? pt[t] / (car[t] + pt[t]) : 0.0; }),
        car_day + pt_day > 0 ? pt_day / (car_day + pt_day) : 0.0, std::numeric_limits<double>::quiet_NaN());
  k.add_sum("intrazonal_trips", "trips", per_period([&](std::size_t t) { return sum_purposes(t, &transport::PurposeSummary::intrazonal_trips); }), annual);
  for (std::size_t q = 0; q < purposes.size(); ++q)
    k.add_sum("generalised_hours_" + p.demand.purposes[q].name, "person h",
              per_period([&](std::size_t t) { return purposes[q].generalised_person_min[t] / 60.0; }), annual);
  k.add_sum("parking_search_vehicle_km", "veh km", run.parking_search_vehicle_km, annual);
  k.add_sum("parking_search_vehicle_hours", "veh h", run.parking_search_vehicle_hours, annual);
  k.add_sum("external_vehicles", "veh trips", per_period([&](std::size_t t) { return run.external.vehicles_per_hour.empty() ? 0.0 : run.external.vehicles_per_hour[t].total() * periods[t].hours(); }), annual);
  k.add("car_trips_off_network", "veh trips", std::vector<double>(n, std::numeric_limits<double>::quiet_NaN()), run.car_trips_off_network_per_day,
        run.car_trips_off_network_per_day * annual);
  for (std::size_t q = 0; q < purposes.size(); ++q) {
    if (p.demand.purposes[q].name != "home_work") continue;
    const auto& s = purposes[q];
    double minutes = 0, trips = 0;
    for (std::size_t t = 0; t < n; ++t) minutes += s.car_person_min[t] + s.pt_person_min[t], trips += s.inter_zonal_car_trips[t] + s.inter_zonal_pt_trips[t];
    k.add("mean_commute_min", "min", std::vector<double>(n, std::numeric_limits<double>::quiet_NaN()), trips > 0 ? minutes / trips : 0.0,
          std::numeric_limits<double>::quiet_NaN());
  }
  double worst_gap = 0;
  for (const auto& pr : run.periods) worst_gap = std::max(worst_gap, pr.road.iterations.empty() ? 0.0 : pr.road.iterations.back().relative_gap);
  k.add("relative_gap", "gap", per_period([&](std::size_t t) { return run.periods[t].road.iterations.empty() ? 0.0 : run.periods[t].road.iterations.back().relative_gap; }),
        worst_gap, std::numeric_limits<double>::quiet_NaN());
  return k;
}

}  // namespace sofiatwin::scenarios
