#include "transport_run.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>

#include "sim/core/atomic_file.hpp"
#include "sim/core/input_error.hpp"

namespace sofiatwin::scenarios {
namespace {

/// Reads known keys of one YAML section into doubles; anything else is an error.
void read_section(const YAML::Node& node, const std::string& path, const std::string& section,
                  const std::map<std::string, double*>& keys) {
  if (!node) return;
  if (!node.IsMap()) throw InputError(path + ": '" + section + "' must be a mapping");
  for (const auto& item : node) {
    const auto key = item.first.as<std::string>();
    const auto it = keys.find(key);
    if (it == keys.end()) throw InputError(path + ": line " + std::to_string(item.first.Mark().line + 1) + ": field '" + section + "." + key + "' is not a known parameter");
    try {
      *it->second = item.second.as<double>();
    } catch (const YAML::Exception&) {
      throw InputError(path + ": line " + std::to_string(item.second.Mark().line + 1) + ": field '" + section + "." + key + "' is not a number");
    }
  }
}

}  // namespace

TransportParameters load_transport_parameters(const std::string& path) {
  TransportParameters p;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw InputError(path + ": file not found or not readable");
  } catch (const YAML::Exception& e) {
    throw InputError(path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  auto& d = p.demand;
  double centre_x = 0, centre_y = 0;
  read_section(root["demand"], path, "demand",
               {{"trips_per_person_per_day", &d.trips_per_person_per_day}, {"motorised_share", &d.motorised_share},
                {"target_pt_share", &d.target_pt_share}, {"peak_hour_share", &d.peak_hour_share},
                {"centrality_weight", &d.centrality_weight}, {"centrality_radius_m", &d.centrality_radius_m},
                {"gravity_beta_per_min", &d.gravity_beta_per_min}, {"car_occupancy", &d.car_occupancy},
                {"value_of_time_eur_per_h", &d.value_of_time_eur_per_h}, {"car_cost_eur_per_km", &d.car_cost_eur_per_km},
                {"pt_fare_eur", &d.pt_fare_eur}, {"wait_weight", &d.wait_weight}, {"walk_weight", &d.walk_weight},
                {"logit_scale_per_min", &d.logit_scale_per_min}, {"centre_x_m", &centre_x}, {"centre_y_m", &centre_y}});
  if (root["demand"] && root["demand"]["centre_x_m"]) {
    d.centre = {centre_x, centre_y};
    p.centre_given = true;
  }
  auto& t = p.transit;
  double hour = t.hour;
  read_section(root["transit"], path, "transit",
               {{"hour", &hour}, {"walk_speed_kmh", &t.walk_speed_kmh}, {"access_radius_m", &t.access_radius_m},
                {"transfer_radius_m", &t.transfer_radius_m}, {"max_wait_min", &t.max_wait_min},
                {"boarding_penalty_min", &t.boarding_penalty_min}});
  t.hour = static_cast<int>(hour);
  t.wait_weight = d.wait_weight;
  t.walk_weight = d.walk_weight;
  if (const auto a = root["assignment"]) {
    if (a["algorithm"]) {
      const auto name = a["algorithm"].as<std::string>();
      const auto algorithm = transport::parse_algorithm(name);
      if (!algorithm) throw InputError(path + ": field 'assignment.algorithm' = '" + name + "' is not one of fw, cfw, bfw, gp");
      p.assignment.algorithm = *algorithm;
    }
    double gap = p.assignment.target_relative_gap, iterations = p.assignment.max_iterations;
    YAML::Node rest = YAML::Clone(a);
    rest.remove("algorithm");
    read_section(rest, path, "assignment", {{"relative_gap", &gap}, {"max_iterations", &iterations}});
    p.assignment.target_relative_gap = gap;
    p.assignment.max_iterations = static_cast<int>(iterations);
  }
  for (const auto& item : root)
    if (const auto key = item.first.as<std::string>(); key != "demand" && key != "transit" && key != "assignment")
      throw InputError(path + ": section '" + key + "' is not known (demand, transit, assignment)");
  if (d.target_pt_share <= 0 || d.target_pt_share >= 1 || d.car_occupancy <= 0 || d.peak_hour_share <= 0)
    throw InputError(path + ": shares must lie in (0, 1) and the car occupancy be positive");
  return p;
}

namespace {

Point2 densest_zone_centre(const Zones& zones) {
  std::size_t best = 0;
  double best_density = -1;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const double density = zones.population[z] / std::max(1.0, area_m2(zones.boundary[z]));
    if (density > best_density) best_density = density, best = z;
  }
  return zones.centroid[best];
}

void timed(ProgressSink* progress, const char* stage, const std::function<std::string()>& work) {
  const auto start = std::chrono::steady_clock::now();
  const auto detail = work();
  const std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
  if (progress) progress->stage_done(stage, detail, s.count());
}

}  // namespace

TransportRun run_transport(const CityModel& model, TransportParameters p, ProgressSink* progress) {
  if (model.zones.size() == 0 || model.roads.links.size() == 0)
    throw InputError("the model has no zones or no road network: the transport chain needs both");
  if (!p.centre_given) p.demand.centre = densest_zone_centre(model.zones);
  TransportRun run;
  run.road_network = transport::road_assignment_network(model.roads);
  char line[256];
  std::optional<transport::TransitModel> transit;
  timed(progress, "skims", [&] {
    std::vector<double> free_flow = run.road_network.free_flow_time_min;
    transport::car_skims(run.road_network, free_flow, run.skims);
    transit.emplace(model.transit, model.zones.centroid, p.transit);
    transit->skims(run.skims);
    return std::string("car (free flow) and public transport, ") + std::to_string(model.zones.size()) + " zones";
  });
  timed(progress, "demand", [&] {
    run.demand = transport::run_demand(model.zones.population, model.zones.centroid, run.skims, p.demand);
    std::snprintf(line, sizeof line, "%.0f peak-hour trips, PT share %.3f (car constant %.1f min), %.0f PT trips/day",
                  run.demand.person_trips.total(), run.demand.pt_share, run.demand.car_constant_min, run.demand.daily_pt_trips);
    return std::string(line);
  });
  timed(progress, "road assignment", [&] {
    run.road = transport::assign(run.road_network, run.demand.car_vehicles, p.assignment);
    std::snprintf(line, sizeof line, "%zu iterations, relative gap %.2e%s", run.road.iterations.size(),
                  run.road.iterations.empty() ? 0.0 : run.road.iterations.back().relative_gap,
                  run.road.converged ? "" : " (NOT converged)");
    return std::string(line);
  });
  timed(progress, "transit loads", [&] {
    run.transit = transit->assign(run.demand.pt_persons);
    double boardings = 0;
    for (double b : run.transit.route_boardings) boardings += b;
    std::snprintf(line, sizeof line, "%.0f boardings", boardings);
    return std::string(line);
  });
  run.kpis = transport::road_kpis(run.road_network, run.road.link_flow, run.road.link_cost);
  if (std::abs(run.demand.pt_share - p.demand.target_pt_share) > 1e-3) {
    std::snprintf(line, sizeof line,
                  "mode split: public-transport share %.3f instead of the target %.3f (few or no public-transport "
                  "paths between the zones?)", run.demand.pt_share, p.demand.target_pt_share);
    run.warnings.emplace_back(line);
  }
  if (!run.road.converged) run.warnings.emplace_back("road assignment: stopped at its iteration limit before the target gap");
  if (run.road.unassigned_trips > 0 || run.transit.unassigned_trips > 0) {
    std::snprintf(line, sizeof line, "unassigned trips (no path): %.1f by car, %.1f by public transport",
                  run.road.unassigned_trips, run.transit.unassigned_trips);
    run.warnings.emplace_back(line);
  }
  return run;
}

void write_transport_csv(const std::string& dir, const CityModel& model, const TransportRun& run) {
  std::filesystem::create_directories(dir);
  char row[512];
  std::string links = "link_id,from_node,to_node,road_class,length_m,capacity_veh_h,volume_veh_h,vc_ratio,congested_speed_kmh\n";
  const auto& l = model.roads.links;
  for (std::size_t a = 0; a < l.size(); ++a) {
    const double cost = run.road.link_cost[a];
    std::snprintf(row, sizeof row, "%zu,%d,%d,%s,%.2f,%.1f,%.3f,%.4f,%.2f\n", a, l.from_node[a], l.to_node[a],
                  std::string(road_class_name(l.road_class[a])).c_str(), l.length_m[a], l.capacity_veh_h[a], run.road.link_flow[a],
                  l.capacity_veh_h[a] > 0 ? run.road.link_flow[a] / l.capacity_veh_h[a] : 0.0,
                  cost > 0 ? l.length_m[a] / 1000.0 / (cost / 60.0) : l.speed_kmh[a]);
    links += row;
  }
  write_file_atomically((std::filesystem::path(dir) / "road_links.csv").string(), links);
  std::string routes = "route_id,gtfs_id,short_name,boardings_peak_hour,max_load_persons\n";
  for (std::size_t r = 0; r < model.transit.routes.size(); ++r) {
    double max_load = 0;
    for (std::size_t p = 0; p < model.transit.patterns.size(); ++p)
      if (model.transit.patterns.route[p] == static_cast<std::int32_t>(r))
        for (double v : run.transit.segment_load[p]) max_load = std::max(max_load, v);
    std::snprintf(row, sizeof row, "%zu,%s,%s,%.2f,%.2f\n", r, model.transit.routes.gtfs_id[r].c_str(),
                  model.transit.routes.short_name[r].c_str(), run.transit.route_boardings[r], max_load);
    routes += row;
  }
  write_file_atomically((std::filesystem::path(dir) / "transit_routes.csv").string(), routes);
  std::string stops = "stop_id,gtfs_id,boardings_peak_hour\n";
  for (std::size_t s = 0; s < model.transit.stops.size(); ++s) {
    std::snprintf(row, sizeof row, "%zu,%s,%.2f\n", s, model.transit.stops.gtfs_id[s].c_str(), run.transit.stop_boardings[s]);
    stops += row;
  }
  write_file_atomically((std::filesystem::path(dir) / "transit_stops.csv").string(), stops);
  std::snprintf(row, sizeof row,
                "kpi,value\nvehicle_hours,%.3f\nvehicle_km,%.3f\naverage_speed_kmh,%.3f\ncongested_km,%.3f\n"
                "peak_hour_person_trips,%.3f\npt_share,%.5f\ndaily_pt_trips,%.1f\nmean_car_trip_km,%.3f\n"
                "mean_pt_trip_min,%.3f\nrelative_gap,%.3e\nunassigned_car_trips,%.3f\nunassigned_pt_trips,%.3f\n",
                run.kpis.vehicle_hours, run.kpis.vehicle_km, run.kpis.average_speed_kmh, run.kpis.congested_km,
                run.demand.person_trips.total(), run.demand.pt_share, run.demand.daily_pt_trips, run.demand.mean_car_trip_km,
                run.demand.mean_pt_trip_min, run.road.iterations.empty() ? 0.0 : run.road.iterations.back().relative_gap,
                run.road.unassigned_trips, run.transit.unassigned_trips);
  write_file_atomically((std::filesystem::path(dir) / "kpis.csv").string(), row);
}

}  // namespace sofiatwin::scenarios
