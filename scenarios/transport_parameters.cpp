#include "scenarios/transport_parameters.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include "scenarios/yaml_reader.hpp"
#include "sim/core/input_error.hpp"

namespace sofiatwin::scenario_assets {
std::string_view text(std::string_view name);
}

namespace sofiatwin::scenarios {
namespace {

// The purposes the model knows: scenario measures act on them by name (telework on home_work,
// e-government on home_administration).
const std::vector<std::string> known_purposes = {"home_work", "home_education", "home_other", "home_administration", "non_home_based"};

std::string format_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

Zoning parse_zoning(const std::string& name) {
  if (name == "traffic_zones") return Zoning::traffic_zones;
  if (name == "neighbourhoods") return Zoning::neighbourhoods;
  if (name == "districts") return Zoning::districts;
  return Zoning::automatic;
}

std::vector<transport::Period> read_periods(const YamlMap& section) {
  std::vector<transport::Period> periods;
  for (const auto& name : section.keys()) {
    const auto m = section.required_map(name);
    m.allow_only({"start_h", "end_h"}, "a period key");
    transport::Period p{name, m.required_number("start_h", {0.0, 24.0, false, true, "a clock hour from 0 to 24"}), 0.0};
    p.end_h = m.required_number("end_h", {p.start_h, p.start_h + 24.0, true, false, "after start_h and at most 24 hours later"});
    if (!periods.empty() && p.start_h < periods.back().end_h)
      throw m.error("start_h", format_number(p.start_h) + " falls before the end of period '" + periods.back().name +
                                   "' (" + format_number(periods.back().end_h) + "): periods run in order and do not overlap");
    periods.push_back(p);
  }
  if (periods.empty()) throw section.error({}, "at least one period is needed");
  if (periods.back().end_h - periods.front().start_h > 24.0 + 1e-9)
    throw section.error(periods.back().name, "the periods span more than 24 hours");
  return periods;
}

/// A map of period name -> share; unknown periods are errors, missing ones are 0.
std::vector<double> period_values(const YamlMap& purpose, const char* key, const std::vector<transport::Period>& periods,
                                  bool must_sum_to_one) {
  std::vector<double> out(periods.size(), 0.0);
  const auto m = purpose.map(key);
  if (!m) {
    if (must_sum_to_one) throw purpose.error({}, std::string("missing key '") + key + "' (a share per period)");
    return out;
  }
  std::vector<std::string> names;
  for (const auto& p : periods) names.push_back(p.name);
  m->allow_only(names, "a period of the 'periods' section");
  double sum = 0.0;
  for (std::size_t t = 0; t < periods.size(); ++t) sum += out[t] = m->number(periods[t].name, 0.0, Range::share());
  if (must_sum_to_one && std::abs(sum - 1.0) > 1e-6)
    throw m->error({}, "the period shares add up to " + format_number(sum) + ", not 1");
  return out;
}

/// A map of activity name -> weight.
std::array<double, transport::activity_count> activity_weights(const YamlMap& m) {
  std::array<double, transport::activity_count> out{};
  std::vector<std::string> names;
  for (std::size_t k = 0; k < transport::activity_count; ++k) names.emplace_back(transport::activity_name(static_cast<transport::Activity>(k)));
  m.allow_only(names, "an activity");
  double sum = 0.0;
  for (std::size_t k = 0; k < transport::activity_count; ++k) sum += out[k] = m.number(names[k], 0.0, Range::non_negative());
  if (sum <= 0) throw m.error({}, "at least one activity needs a positive weight");
  return out;
}

transport::Purpose read_purpose(const YamlMap& m, const std::string& name, const std::vector<transport::Period>& periods) {
  m.allow_only({"trips_per_person_per_day", "motorised_share", "production", "attraction", "distribution", "gravity_beta_per_min",
                "value_of_time_eur_per_h", "car_occupancy", "car_available_share", "paid_parking_hours", "period_share",
                "from_home_share"},
               "a purpose key");
  transport::Purpose p;
  p.name = name;
  p.trips_per_person_per_day = m.required_number("trips_per_person_per_day", Range::non_negative());
  p.motorised_share = m.required_number("motorised_share", {0.0, 1.0, true, false, "a share above 0 and at most 1"});
  if (const auto production = m.map("production")) p.production_weight = activity_weights(*production);
  p.attraction_weight = activity_weights(m.required_map("attraction"));
  p.doubly_constrained = m.choice("distribution", "doubly_constrained", {"doubly_constrained", "production_constrained"}) ==
                         "doubly_constrained";
  p.gravity_beta_per_min = m.required_number("gravity_beta_per_min", Range::positive());
  p.value_of_time_eur_per_h = m.required_number("value_of_time_eur_per_h", Range::positive());
  p.car_occupancy = m.required_number("car_occupancy", {1.0, 9.0, false, false, "between 1 and 9 persons"});
  p.car_available_share = m.number("car_available_share", 1.0, Range::share());
  p.paid_parking_hours = m.number("paid_parking_hours", 0.0, Range::between(0.0, 24.0));
  p.period_share = period_values(m, "period_share", periods, true);
  p.from_home_share = period_values(m, "from_home_share", periods, false);
  for (std::size_t t = 0; t < periods.size(); ++t)
    if (p.period_share[t] > 0 && !m.required_map("from_home_share").has(periods[t].name))
      throw m.required_map("from_home_share").error({}, "missing the share of period '" + periods[t].name + "' (it has trips)");
  return p;
}

void read_mode_choice(const YamlMap& m, transport::ModeChoiceParameters& p) {
  m.allow_only({"target_pt_share", "car_constant_min", "car_cost_eur_per_km", "pt_fare_eur", "wait_weight", "walk_weight",
                "logit_scale_per_min"},
               "a mode-choice key");
  p.target_pt_share = m.number("target_pt_share", p.target_pt_share, Range::open_share());
  p.car_constant_min = m.optional_number("car_constant_min", Range::between(-120.0, 120.0));
  p.car_cost_eur_per_km = m.number("car_cost_eur_per_km", p.car_cost_eur_per_km, Range::non_negative());
  p.pt_fare_eur = m.number("pt_fare_eur", p.pt_fare_eur, Range::non_negative());
  p.wait_weight = m.number("wait_weight", p.wait_weight, Range::positive());
  p.walk_weight = m.number("walk_weight", p.walk_weight, Range::positive());
  p.logit_scale_per_min = m.number("logit_scale_per_min", p.logit_scale_per_min, Range::positive());
}

void read_activity(const YamlMap& m, TransportParameters& out) {
  auto& p = out.activity;
  m.allow_only({"jobs_per_100m2", "education_places_per_100m2", "storey_height_m", "municipality_visit_weight", "total_jobs",
                "fallback_centrality_weight", "fallback_centrality_radius_m", "centre_x_m", "centre_y_m"},
               "an activity key");
  if (const auto jobs = m.map("jobs_per_100m2")) {
    std::vector<std::string> uses;
    for (std::size_t u = 0; u < transport::building_use_count; ++u)
      uses.emplace_back(transport::building_use_name(static_cast<transport::BuildingUse>(u)));
    jobs->allow_only(uses, "a building use");
    for (std::size_t u = 0; u < transport::building_use_count; ++u) p.jobs_per_100m2[u] = jobs->number(uses[u], p.jobs_per_100m2[u], Range::non_negative());
  }
  p.education_places_per_100m2 = m.number("education_places_per_100m2", p.education_places_per_100m2, Range::positive());
  p.storey_height_m = m.number("storey_height_m", p.storey_height_m, Range::positive());
  p.municipality_visit_weight = m.number("municipality_visit_weight", p.municipality_visit_weight, Range::non_negative());
  p.total_jobs = m.optional_number("total_jobs", Range::positive());
  p.fallback_centrality_weight = m.number("fallback_centrality_weight", p.fallback_centrality_weight, Range::non_negative());
  p.fallback_centrality_radius_m = m.number("fallback_centrality_radius_m", p.fallback_centrality_radius_m, Range::positive());
  if (m.has("centre_x_m") != m.has("centre_y_m")) throw m.error(m.has("centre_x_m") ? "centre_x_m" : "centre_y_m", "give both centre_x_m and centre_y_m");
  if (m.has("centre_x_m")) out.centre = Point2{m.required_number("centre_x_m"), m.required_number("centre_y_m")};
}

void read_transit(const YamlMap& m, transport::TransitParameters& t) {
  m.allow_only({"walk_speed_kmh", "access_radius_m", "transfer_radius_m", "max_wait_min", "boarding_penalty_min"}, "a transit key");
  t.walk_speed_kmh = m.number("walk_speed_kmh", t.walk_speed_kmh, Range::positive());
  t.access_radius_m = m.number("access_radius_m", t.access_radius_m, Range::positive());
  t.transfer_radius_m = m.number("transfer_radius_m", t.transfer_radius_m, Range::non_negative());
  t.max_wait_min = m.number("max_wait_min", t.max_wait_min, Range::positive());
  t.boarding_penalty_min = m.number("boarding_penalty_min", t.boarding_penalty_min, Range::non_negative());
}

void read_connectors(const YamlMap& m, TransportParameters& out) {
  auto& c = out.connectors;
  m.allow_only({"area_per_connector_km2", "min_connectors", "max_connectors", "speed_kmh", "long_connector_m",
                "uncovered_detour_factor", "uncovered_speed_kmh"},
               "a connector key");
  c.area_per_connector_km2 = m.number("area_per_connector_km2", c.area_per_connector_km2, Range::positive());
  c.min_connectors = m.integer("min_connectors", c.min_connectors, Range::between(1, 50));
  c.max_connectors = m.integer("max_connectors", c.max_connectors, Range::between(c.min_connectors, 50));
  c.speed_kmh = m.number("speed_kmh", c.speed_kmh, Range::positive());
  c.long_connector_m = m.number("long_connector_m", c.long_connector_m, Range::positive());
  out.uncovered_detour_factor = m.number("uncovered_detour_factor", out.uncovered_detour_factor, Range::between(1.0, 5.0));
  out.uncovered_speed_kmh = m.number("uncovered_speed_kmh", out.uncovered_speed_kmh, Range::positive());
}

/// A map of road class -> value.
void per_road_class(const YamlMap& m, const char* key, std::array<double, road_class_count>& out, Range range) {
  const auto values = m.map(key);
  if (!values) return;
  std::vector<std::string> classes;
  for (int c = 0; c < road_class_count; ++c) classes.emplace_back(road_class_name(static_cast<RoadClass>(c)));
  values->allow_only(classes, "a road class");
  for (int c = 0; c < road_class_count; ++c)
    out[static_cast<std::size_t>(c)] = values->number(classes[static_cast<std::size_t>(c)], out[static_cast<std::size_t>(c)], range);
}

void read_roads(const YamlMap& m, transport::RoadParameters& r) {
  m.allow_only({"junction_delay_s", "capacity_factor"}, "a roads key");
  per_road_class(m, "junction_delay_s", r.junction_delay_s, Range::between(0.0, 600.0));
  per_road_class(m, "capacity_factor", r.capacity_factor, {0.0, 10.0, true, false, "a positive factor"});
}

void read_external(const YamlMap& m, const std::vector<transport::Period>& periods, transport::ExternalParameters& e) {
  m.allow_only({"through_share", "gravity_beta_per_min", "attraction", "period_share"}, "an external-traffic key");
  e.through_share = m.number("through_share", e.through_share, Range::share());
  e.gravity_beta_per_min = m.number("gravity_beta_per_min", e.gravity_beta_per_min, Range::positive());
  if (const auto a = m.map("attraction")) e.attraction_weight = activity_weights(*a);
  e.period_share = period_values(m, "period_share", periods, true);
}

void read_parking_search(const YamlMap& m, std::map<std::string, ParkingSearch>& out) {
  for (const auto& name : m.keys()) {
    const auto zone = m.required_map(name);
    zone.allow_only({"minutes_per_arrival", "km_per_arrival"}, "a parking-search key");
    out[name] = {zone.required_number("minutes_per_arrival", Range::non_negative()), zone.required_number("km_per_arrival", Range::non_negative())};
  }
}

void read_assignment(const YamlMap& m, TransportParameters& out) {
  m.allow_only({"algorithm", "relative_gap", "max_iterations", "feedback_iterations"}, "an assignment key");
  if (m.has("algorithm")) {
    const auto name = m.text("algorithm", "");
    const auto algorithm = transport::parse_algorithm(name);
    if (!algorithm) throw m.error("algorithm", "'" + name + "' is not a known assignment algorithm");
    out.assignment.algorithm = *algorithm;
  }
  out.assignment.target_relative_gap = m.number("relative_gap", out.assignment.target_relative_gap, {0.0, 1.0, true, true, "between 0 and 1"});
  out.assignment.max_iterations = m.integer("max_iterations", out.assignment.max_iterations, Range::between(1, 1e6));
  out.feedback_iterations = m.integer("feedback_iterations", out.feedback_iterations, Range::between(1, 20));
}

void read_annualisation(const YamlMap& m, Annualisation& a) {
  m.allow_only({"working_days_per_year", "other_days_per_year", "other_day_ratio"}, "an annualisation key");
  a.working_days_per_year = m.number("working_days_per_year", a.working_days_per_year, Range::between(0, 366));
  a.other_days_per_year = m.number("other_days_per_year", a.other_days_per_year, Range::between(0, 366));
  a.other_day_ratio = m.number("other_day_ratio", a.other_day_ratio, Range::between(0, 2));
  if (a.working_days_per_year + a.other_days_per_year > 366.0)
    throw m.error("other_days_per_year", "working and other days add up to more than a year");
}

TransportParameters parse(const YAML::Node& root, const std::string& file) {
  const YamlMap top(root, file, "");
  top.allow_only({"zoning", "periods", "purposes", "mode_choice", "activity", "transit", "roads", "connectors", "external", "parking_search",
                  "assignment", "annualisation"},
                 "a section of the transport parameters");
  TransportParameters p;
  p.source = file;
  p.assignment.target_relative_gap = 1e-6;
  p.assignment.max_iterations = 500;
  p.zoning = parse_zoning(top.choice("zoning", "auto", {"auto", "traffic_zones", "neighbourhoods", "districts"}));
  p.demand.periods = read_periods(top.required_map("periods"));
  const auto purposes = top.required_map("purposes");
  purposes.allow_only(known_purposes, "a known trip purpose");
  for (const auto& name : purposes.keys()) p.demand.purposes.push_back(read_purpose(purposes.required_map(name), name, p.demand.periods));
  if (p.demand.purposes.empty()) throw purposes.error({}, "at least one purpose is needed");
  if (const auto m = top.map("mode_choice")) read_mode_choice(*m, p.demand.mode);
  if (const auto m = top.map("activity")) read_activity(*m, p);
  if (const auto m = top.map("transit")) read_transit(*m, p.transit);
  p.transit.wait_weight = p.demand.mode.wait_weight;
  p.transit.walk_weight = p.demand.mode.walk_weight;
  if (const auto m = top.map("roads")) read_roads(*m, p.roads);
  if (const auto m = top.map("parking_search")) read_parking_search(*m, p.parking_search);
  if (const auto m = top.map("external")) read_external(*m, p.demand.periods, p.external);
  else p.external.period_share = std::vector<double>(p.demand.periods.size(), 1.0 / static_cast<double>(p.demand.periods.size()));
  if (const auto m = top.map("connectors")) read_connectors(*m, p);
  if (const auto m = top.map("assignment")) read_assignment(*m, p);
  if (const auto m = top.map("annualisation")) read_annualisation(*m, p.annualisation);
  return p;
}

}  // namespace

TransportParameters load_transport_parameters(const std::string& path) { return parse(load_yaml_file(path), path); }

TransportParameters parse_transport_parameters(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(name + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return parse(root, name);
}

TransportParameters parse_transport_parameters(const YAML::Node& document, const std::string& name) { return parse(document, name); }

TransportParameters default_transport_parameters() {
  return parse_transport_parameters(std::string(scenario_assets::text("transport.yaml")), "scenarios/sofia/transport.yaml (built in)");
}

std::string zoning_name(Zoning zoning) {
  switch (zoning) {
    case Zoning::traffic_zones: return "traffic_zones";
    case Zoning::neighbourhoods: return "neighbourhoods";
    case Zoning::districts: return "districts";
    case Zoning::automatic: return "auto";
  }
  return "auto";
}

}  // namespace sofiatwin::scenarios
