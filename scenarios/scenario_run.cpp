#include "scenarios/scenario_run.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include "gis/default_model.hpp"
#include "gis/twin_store.hpp"
#include "scenarios/yaml_reader.hpp"
#include "sim/core/input_error.hpp"

namespace sofiatwin::scenarios {
namespace {

constexpr double gravity_m_s2 = 9.81;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

EconomicValue sourced(const YamlMap& m, const std::string& key, Range range) {
  const auto v = m.required_map(key);
  v.allow_only({"value", "source"}, "a key of an economic parameter (value, source)");
  return {v.required_number("value", range), v.required_text("source")};
}

EconomicParameters read_economics(const YAML::Node& node, const std::string& file) {
  const YamlMap m(node, file, "economics");
  m.allow_only({"price_year", "appraisal_end_year", "discount_rate", "value_growth", "values_of_time_eur_per_h",
                "vehicle_operating_cost_eur_per_km", "co2_eur_per_t", "nox_eur_per_t", "pm25_eur_per_t", "water_cost_eur_per_m3",
                "electricity_eur_per_kwh"},
               "an economic parameter");
  EconomicParameters e;
  e.price_year = m.integer("price_year", 0, Range::between(2000, 2100));
  if (!m.has("price_year")) throw m.error({}, "missing key 'price_year'");
  e.appraisal_end_year = m.integer("appraisal_end_year", 0, Range::between(e.price_year, 2150));
  if (!m.has("appraisal_end_year")) throw m.error({}, "missing key 'appraisal_end_year'");
  e.discount_rate = sourced(m, "discount_rate", {0.0, 0.5, false, false, "a yearly rate from 0 to 0.5"});
  e.value_growth = sourced(m, "value_growth", Range::between(-0.1, 0.2));
  const auto vot = m.required_map("values_of_time_eur_per_h");
  for (const auto& purpose : vot.keys()) e.value_of_time_eur_per_h[purpose] = sourced(vot, purpose, Range::non_negative());
  e.vehicle_operating_cost_eur_per_km = sourced(m, "vehicle_operating_cost_eur_per_km", Range::non_negative());
  const auto co2 = m.required_map("co2_eur_per_t");
  co2.allow_only({"by_year", "source"}, "a key of the CO2 price (by_year, source)");
  const auto years = co2.required_map("by_year");
  for (const auto& year : years.keys()) {
    const int y = std::atoi(year.c_str());
    if (y < 2000 || y > 2150) throw years.error(year, "'" + year + "' is not a year");
    e.co2_eur_per_t[y] = years.required_number(year, Range::non_negative());
  }
  if (e.co2_eur_per_t.empty()) throw years.error({}, "give the price of at least one year");
  e.co2_source = co2.required_text("source");
  e.nox_eur_per_t = sourced(m, "nox_eur_per_t", Range::non_negative());
  e.pm25_eur_per_t = sourced(m, "pm25_eur_per_t", Range::non_negative());
  e.water_cost_eur_per_m3 = sourced(m, "water_cost_eur_per_m3", Range::non_negative());
  e.electricity_eur_per_kwh = sourced(m, "electricity_eur_per_kwh", Range::non_negative());
  return e;
}

std::vector<double> numbers(const YamlMap& m, const std::string& key, std::size_t size) {
  const auto list = m.sequence(key);
  if (!list) throw m.error({}, "missing key '" + key + "'");
  std::vector<double> out;
  for (const auto& item : *list) {
    try {
      out.push_back(item.as<double>());
    } catch (const YAML::Exception&) {
      throw InputError(yaml_error_text(m.file(), item, m.key_path(key), "must be a list of numbers"));
    }
    if (!(out.back() >= 0)) throw InputError(yaml_error_text(m.file(), item, m.key_path(key), "must not be negative"));
  }
  if (size > 0 && out.size() != size) throw m.error(key, "needs " + std::to_string(size) + " values, one per speed");
  return out;
}

EmissionFactors read_emissions(const YAML::Node& node, const std::string& file) {
  const YamlMap m(node, file, "emissions");
  m.allow_only({"speed_kmh", "co2_g_per_km", "nox_g_per_km", "pm25_g_per_km", "search_speed_kmh", "source"}, "an emissions key");
  EmissionFactors f;
  f.speed_kmh = numbers(m, "speed_kmh", 0);
  for (std::size_t i = 1; i < f.speed_kmh.size(); ++i)
    if (f.speed_kmh[i] <= f.speed_kmh[i - 1]) throw m.error("speed_kmh", "speeds must rise");
  if (f.speed_kmh.empty()) throw m.error("speed_kmh", "give at least one speed");
  f.co2_g_per_km = numbers(m, "co2_g_per_km", f.speed_kmh.size());
  f.nox_g_per_km = numbers(m, "nox_g_per_km", f.speed_kmh.size());
  f.pm25_g_per_km = numbers(m, "pm25_g_per_km", f.speed_kmh.size());
  f.search_speed_kmh = m.number("search_speed_kmh", f.search_speed_kmh, Range::positive());
  f.source = m.required_text("source");
  return f;
}

/// Timer controls: the pipe closes when it bursts and opens when it is repaired.
void close_for_repair(water::WaterNetwork& net, const MainBurst& b) {
  const auto found = std::find(net.link_id.begin(), net.link_id.end(), b.pipe);
  const auto link = static_cast<std::int32_t>(found - net.link_id.begin());
  water::Control close, open;
  close.kind = open.kind = water::Control::Kind::timer;
  close.link = open.link = link;
  close.time_s = static_cast<long>(b.start_h * 3600.0);
  open.time_s = static_cast<long>((b.start_h + b.repair_h) * 3600.0);
  close.status = water::LinkStatus::closed;
  open.status = water::LinkStatus::open;
  close.setting = open.setting = std::numeric_limits<double>::quiet_NaN();
  net.controls.push_back(close);
  net.controls.push_back(open);
}

double row_year(const KpiTable& k, const char* name) {
  const auto* row = k.find(name);
  return row ? row->year : 0.0;
}
double row_day(const KpiTable& k, const char* name) {
  const auto* row = k.find(name);
  return row ? row->day : 0.0;
}

/// Scenario minus baseline, a year (or, for an event, the day).
AnnualChanges changes_between(const StateResult& scenario, const StateResult& baseline, const ScenarioSettings& s, bool event) {
  AnnualChanges c;
  auto delta = [&](const char* name) { return event ? row_day(scenario.kpis, name) - row_day(baseline.kpis, name)
                                                    : row_year(scenario.kpis, name) - row_year(baseline.kpis, name); };
  const auto& purposes = s.transport.demand.purposes;
  if (event) {
    // an event keeps the trips: the drivers' extra vehicle-hours, as person-hours of each purpose
    // in proportion to its car vehicle trips and at its occupancy
    const double extra_vehicle_hours = delta("vehicle_hours");
    std::vector<double> vehicles(purposes.size(), 0.0);
    double all = 0.0;
    for (std::size_t k = 0; k < purposes.size(); ++k) {
      for (double trips : baseline.transport.demand.purpose[k].car_trips) vehicles[k] += trips / purposes[k].car_occupancy;
      all += vehicles[k];
    }
    for (std::size_t k = 0; k < purposes.size(); ++k)
      c.generalised_hours[purposes[k].name] = all > 0 ? extra_vehicle_hours * vehicles[k] / all * purposes[k].car_occupancy : 0.0;
  } else {
    // the users' change, by the rule of a half (a saving is negative), a year
    const double days = s.transport.annualisation.factor();
    for (std::size_t k = 0; k < purposes.size(); ++k)
      c.generalised_hours[purposes[k].name] = -transport::user_benefit_hours(baseline.transport.demand, scenario.transport.demand, k) * days;
  }
  c.vehicle_km = delta("vehicle_km") + delta("parking_search_vehicle_km");
  c.co2_t = delta("co2_t");
  c.nox_t = delta("nox_t");
  c.pm25_t = delta("pm25_t");
  c.water_lost_m3 = delta("water_lost_m3");
  c.energy_kwh = delta("pump_energy_kwh");
  return c;
}

}  // namespace

ScenarioSettings scenario_settings(const ScenarioFile& f) {
  ScenarioSettings s;
  if (!f.transport_parameters) throw InputError(f.file + ": key 'transport.parameters': missing (in this file or a file it extends)");
  s.transport = parse_transport_parameters(f.transport_parameters, f.transport_parameters_source);
  if (f.water) {
    const YamlMap w(f.water, f.file, "water");
    w.allow_only({"pressure_threshold_m"}, "a water key");
    s.pressure_threshold_m = w.number("pressure_threshold_m", s.pressure_threshold_m, Range::non_negative());
  }
  if (!f.economics) throw InputError(f.file + ": key 'economics': missing (in this file or a file it extends)");
  s.economics = read_economics(f.economics, f.file);
  const YAML::Node outputs = f.outputs ? f.outputs : YAML::Node(YAML::NodeType::Map);
  const YamlMap o(outputs, f.file, "outputs");
  o.allow_only({"emissions", "csv_tables"}, "an output key");
  if (!o.has("emissions")) throw InputError(f.file + ": key 'outputs.emissions': missing (the emission factors, in this file or a file it extends)");
  s.emissions = read_emissions(o.node("emissions"), f.file);
  s.write_tables_csv = o.flag("csv_tables", true);
  return s;
}

CityModel load_base_model(const std::string& model, ProgressSink* progress) {
  if (model == "default") return gis::build_default_model({}, {}, progress);
  return gis::read_twin(model);
}

ScenarioRunner::ScenarioRunner(const CityModel& model, ProgressSink* progress) : model_(model), progress_(progress) {}

void ScenarioRunner::run_water(StateResult& s, const ScenarioSettings& settings) const {
  if (model_.water.empty()) return;
  auto net = s.built.changes_water ? water::apply_interventions(model_.water.network, s.built.water) : model_.water.network;
  for (const auto& b : s.built.bursts) close_for_repair(net, b);
  const auto& units = net.units;
  water::KpiMeter meter(net, settings.pressure_threshold_m);
  s.water_min_pressure_m.assign(net.node_count(), std::numeric_limits<double>::infinity());
  const auto result = water::simulate(
      net,
      [&](long time_s, const water::HydraulicState& state) {
        if (time_s % 3600 != 0) return;
        std::vector<double> pressure(net.node_count());
        for (std::size_t v = 0; v < net.node_count(); ++v) {
          pressure[v] = (state.head_ft[v] - net.elevation_ft[v]) * units.pressure_per_ft;
          if (static_cast<std::int32_t>(v) < net.junction_count) s.water_min_pressure_m[v] = std::min(s.water_min_pressure_m[v], pressure[v]);
        }
        s.water_pressure_m_by_hour.push_back(std::move(pressure));
      },
      1.0, [&](long, long step_s, const water::HydraulicState& state) { meter.add(step_s, state); });
  s.water = meter.result(!result.halted);
  // Water lost from each burst before it is isolated: q = 0.6 A sqrt(2 g p) at the pressure of
  // the pipe's first end at the burst's hour, in the state before the burst closed it.
  for (const auto& b : s.built.bursts) {
    const auto found = std::find(net.link_id.begin(), net.link_id.end(), b.pipe);
    const auto node = static_cast<std::size_t>(net.from_node[static_cast<std::size_t>(found - net.link_id.begin())]);
    const auto hour = std::min(s.water_pressure_m_by_hour.size() - 1, static_cast<std::size_t>(b.start_h));
    const double head_m = std::max(0.0, s.water_pressure_m_by_hour[hour > 0 ? hour - 1 : 0][node]);
    s.burst_water_m3 += 0.6 * b.opening_mm2 * 1e-6 * std::sqrt(2 * gravity_m_s2 * head_m) * b.isolation_h * 3600.0;
  }
}

const StateResult& ScenarioRunner::state(const ScenarioSettings& settings, const std::vector<InterventionSpec>& interventions,
                                         std::optional<double> constant, const MainBurst* extra, const StateResult* event_of) {
  // a state is its interventions, the car constant, the parameters and a burst added to value one
  const auto key = [&] {
    YAML::Emitter out;
    out << YAML::BeginSeq;
    for (const auto& i : interventions) out << i.settings;
    out << YAML::EndSeq;
    char c[64];
    std::snprintf(c, sizeof c, "|%.17g|%d", constant.value_or(std::nan("")), settings.transport.feedback_iterations);
    return std::string(out.c_str()) + c + (extra ? "|burst " + extra->pipe : std::string()) + "|" + settings.transport.source +
           (event_of ? "|event of " + event_of->key : std::string());
  }();
  if (const auto found = states_.find(key); found != states_.end()) return *found->second;
  const auto start = std::chrono::steady_clock::now();
  auto s = std::make_unique<StateResult>();
  s->key = key;
  for (const auto& i : interventions) s->interventions.push_back(i.id);
  s->built = build_interventions(interventions, model_, settings.transport);
  if (extra) {
    s->built.bursts.push_back(*extra);
    auto& f = s->built.transport.period_capacity_factor;
    if (f.empty()) f.assign(settings.transport.demand.periods.size(), std::vector<double>(s->built.transport.capacity_factor.size(), 1.0));
    for (std::size_t t = 0; t < settings.transport.demand.periods.size(); ++t) {
      const auto& period = settings.transport.demand.periods[t];
      if (period.start_h < extra->start_h + extra->repair_h && extra->start_h < period.end_h)
        for (auto a : extra->road_links) f[t][static_cast<std::size_t>(a)] *= std::max(0.01, 1.0 - extra->lanes_closed_share);
    }
    s->built.changes_water = true;
  }
  s->built.bind();
  auto changes = s->built.transport;
  changes.car_constant_min = constant;
  if (event_of) changes.fixed_demand = &event_of->transport.demand;
  s->transport = run_transport(model_, settings.transport, progress_, changes);
  s->kpis = transport_kpis(s->transport, settings.transport);
  s->emissions = road_emissions(s->transport, settings.emissions);
  const double annual = settings.transport.annualisation.factor();
  s->kpis.add_sum("co2_t", "t", s->emissions.co2_t, annual);
  s->kpis.add_sum("nox_t", "t", s->emissions.nox_t, annual);
  s->kpis.add_sum("pm25_t", "t", s->emissions.pm25_t, annual);
  run_water(*s, settings);
  if (s->water) {
    const std::vector<double> none(settings.transport.demand.periods.size(), std::nan(""));
    const auto& w = *s->water;
    s->kpis.add("water_delivered_m3", "m3", none, w.delivered_m3, w.delivered_m3 * 365.0);
    s->kpis.add("water_leakage_m3", "m3", none, w.leakage_m3, w.leakage_m3 * 365.0);
    s->kpis.add("water_burst_loss_m3", "m3", none, s->burst_water_m3, s->burst_water_m3 * 365.0);
    s->kpis.add("water_lost_m3", "m3", none, w.leakage_m3 + s->burst_water_m3, (w.leakage_m3 + s->burst_water_m3) * 365.0);
    s->kpis.add("pressure_deficit_junctions", "junctions", none, w.pressure_deficit_junctions, std::nan(""));
    s->kpis.add("pressure_deficit_junction_hours", "junction h", none, w.pressure_deficit_junction_hours, w.pressure_deficit_junction_hours * 365.0);
    s->kpis.add("pump_energy_kwh", "kWh", none, w.pump_energy_kwh, w.pump_energy_kwh * 365.0);
  }
  s->simulation_s = seconds_since(start);
  auto& stored = states_[key];
  stored = std::move(s);
  return *stored;
}

double ScenarioRunner::root_car_constant(const ScenarioFile& scenario) {
  const auto& root_file = scenario.chain.front();
  if (const auto found = root_constants_.find(root_file); found != root_constants_.end()) return found->second;
  const auto root = load_scenario(root_file);
  const auto settings = scenario_settings(root);
  const auto& s = state(settings, root.interventions, std::nullopt);
  root_constants_[root_file] = s.transport.demand.car_constant_min;
  return s.transport.demand.car_constant_min;
}

ScenarioOutcome ScenarioRunner::run(const ScenarioFile& file) {
  const auto start = std::chrono::steady_clock::now();
  ScenarioOutcome out;
  out.file = file;
  out.settings = scenario_settings(file);
  double simulated_before = 0;
  for (const auto& [key, s] : states_) simulated_before += s->simulation_s;
  if (file.is_root()) {
    out.scenario = &state(out.settings, file.interventions, std::nullopt);
    root_constants_[file.chain.front()] = out.scenario->transport.demand.car_constant_min;
  } else {
    const double constant = root_car_constant(file);
    // the baseline: the files it extends, with their settings and interventions
    const auto parent = load_baseline(file);
    const auto baseline_settings = scenario_settings(*parent);
    std::vector<InterventionSpec> baseline = parent->baseline_interventions;
    baseline.insert(baseline.end(), parent->interventions.begin(), parent->interventions.end());
    // with the root's calibrated car constant held, as the scenario holds it: an intervention that
    // changes nothing then changes no result
    out.baseline = &state(baseline_settings, baseline, constant);
    std::vector<InterventionSpec> all = baseline;
    all.insert(all.end(), file.interventions.begin(), file.interventions.end());
    for (const auto& i : file.interventions) {
      out.costs.push_back({i.capex_eur, i.opex_eur_per_year, i.start_year, i.lifetime_years});
      out.event = out.event || i.type == "main_burst";
    }
    // an event (a burst) keeps the baseline's trips: only routes and the water network respond
    out.scenario = &state(out.settings, all, constant, nullptr, out.event ? out.baseline : nullptr);
    out.changes = changes_between(*out.scenario, *out.baseline, out.settings, out.event);
    // A programme that lowers the burst rate: each burst avoided saves one burst day's effects,
    // valued by simulating a representative burst on the baseline.
    if (const auto& r = out.scenario->built.burst_reduction) {
      const auto& burst_day = state(baseline_settings, baseline, constant, &r->representative, out.baseline);
      const double avoided = r->mains_km * r->bursts_per_km_year * r->reduction;
      const auto one = changes_between(burst_day, *out.baseline, out.settings, true);
      for (auto& [purpose, hours] : out.changes->generalised_hours) hours -= avoided * one.generalised_hours.at(purpose);
      out.changes->vehicle_km -= avoided * one.vehicle_km;
      out.changes->co2_t -= avoided * one.co2_t;
      out.changes->nox_t -= avoided * one.nox_t;
      out.changes->pm25_t -= avoided * one.pm25_t;
      out.changes->water_lost_m3 -= avoided * one.water_lost_m3;
      out.changes->energy_kwh -= avoided * one.energy_kwh;
    }
    if (!out.event || !out.costs.empty()) out.cba = cost_benefit(*out.changes, out.costs, out.settings.economics);
  }
  double simulated_after = 0;
  for (const auto& [key, s] : states_) simulated_after += s->simulation_s;
  out.simulation_s = simulated_after - simulated_before;
  out.total_s = seconds_since(start);
  return out;
}

}  // namespace sofiatwin::scenarios
