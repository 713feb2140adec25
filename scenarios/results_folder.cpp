// The results folder of a scenario run (see scenario_run.hpp).
#include <openssl/evp.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gis/results_store.hpp"
#include "scenarios/scenario_run.hpp"
#include "scenarios/transport_outputs.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/input_error.hpp"

namespace sofiatwin::scenarios {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

template <class T>
json optional_number(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

std::string sha256_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const auto text = buffer.str();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  char byte[3];
  for (unsigned i = 0; i < size; ++i) std::snprintf(byte, sizeof byte, "%02x", digest[i]), hex += byte;
  return hex;
}

/// Scenario, baseline and difference columns of one measure (elements the scenario adds have no
/// baseline value: 0).
void add_compared(gis::ResultTable& t, const std::string& name, const std::vector<double>& scenario, const std::vector<double>* baseline) {
  t.add(name, scenario);
  if (!baseline) return;
  std::vector<double> b(scenario.size(), 0.0), d(scenario.size(), 0.0);
  for (std::size_t i = 0; i < scenario.size(); ++i) {
    b[i] = i < baseline->size() ? (*baseline)[i] : 0.0;
    d[i] = scenario[i] - b[i];
  }
  t.add("baseline_" + name, std::move(b));
  t.add("diff_" + name, std::move(d));
}

/// Joins a scenario's transport table with its baseline's: each numeric column becomes scenario,
/// baseline_ and diff_ columns.
gis::ResultTable compare_table(const gis::ResultTable& scenario, const gis::ResultTable* baseline) {
  gis::ResultTable out(scenario.layer, scenario.element, scenario.zoning);
  for (std::size_t c = 0; c < scenario.text_names.size(); ++c) out.add_text(scenario.text_names[c], scenario.text_columns[c]);
  for (std::size_t c = 0; c < scenario.names.size(); ++c) {
    const std::vector<double>* base = baseline ? baseline->column(scenario.names[c]) : nullptr;
    if (baseline && !base) throw std::logic_error("result layer '" + scenario.layer + "': the baseline lacks column '" + scenario.names[c] + "'");
    add_compared(out, scenario.names[c], scenario.columns[c], base);
  }
  return out;
}

std::vector<gis::ResultTable> water_tables(const CityModel& model, const ScenarioOutcome& o) {
  std::vector<gis::ResultTable> out;
  if (!o.scenario->water) return out;
  gis::ResultTable nodes("water_node_results", gis::ResultElement::water_node);
  nodes.add_text("node_id", model.water.network.node_id);
  auto finite = [](std::vector<double> v) {
    for (auto& x : v)
      if (!std::isfinite(x)) x = std::nan("");
    return v;
  };
  const auto s = finite(o.scenario->water_min_pressure_m);
  const auto b = o.baseline ? finite(o.baseline->water_min_pressure_m) : std::vector<double>{};
  add_compared(nodes, "min_pressure_m", s, o.baseline ? &b : nullptr);
  for (std::size_t h = 0; h < o.scenario->water_pressure_m_by_hour.size(); ++h) {
    const auto& sp = o.scenario->water_pressure_m_by_hour[h];
    const auto* bp = o.baseline && h < o.baseline->water_pressure_m_by_hour.size() ? &o.baseline->water_pressure_m_by_hour[h] : nullptr;
    char name[48];
    std::snprintf(name, sizeof name, "pressure_m_h%02d", static_cast<int>(h % 100));
    add_compared(nodes, name, sp, bp);
  }
  out.push_back(std::move(nodes));
  return out;
}

std::vector<gis::ResultTable> result_tables(const CityModel& model, const ScenarioOutcome& o) {
  const auto scenario = transport_tables(model, o.scenario->transport, o.scenario->transport.parameters);
  const auto baseline = o.baseline ? transport_tables(model, o.baseline->transport, o.baseline->transport.parameters) : std::vector<gis::ResultTable>{};
  std::vector<gis::ResultTable> out;
  for (const auto& t : scenario) {
    const gis::ResultTable* base = nullptr;
    for (const auto& b : baseline)
      if (b.layer == t.layer) base = &b;
    out.push_back(compare_table(t, o.baseline ? base : nullptr));
  }
  for (auto& t : water_tables(model, o)) out.push_back(std::move(t));
  return out;
}

json kpi_values(const KpiRow& row, const std::vector<std::string>& periods) {
  json v = json::object();
  for (std::size_t t = 0; t < periods.size(); ++t) v[periods[t]] = t < row.period.size() ? number(row.period[t]) : json(nullptr);
  v["day"] = number(row.day);
  v["year"] = number(row.year);
  return v;
}

json kpis_json(const ScenarioOutcome& o) {
  const auto& k = o.scenario->kpis;
  json out;
  out["scenario"] = o.file.name;
  out["periods"] = k.periods;
  json rows = json::array();
  for (const auto& row : k.rows) {
    json r;
    r["kpi"] = row.name;
    r["unit"] = row.unit;
    r["scenario"] = kpi_values(row, k.periods);
    if (o.baseline) {
      const auto* base = o.baseline->kpis.find(row.name);
      if (base) {
        r["baseline"] = kpi_values(*base, k.periods);
        KpiRow diff{row.name, row.unit, {}, row.day - base->day, row.year - base->year};
        for (std::size_t t = 0; t < row.period.size(); ++t) diff.period.push_back(row.period[t] - (t < base->period.size() ? base->period[t] : std::nan("")));
        r["difference"] = kpi_values(diff, k.periods);
      }
    }
    rows.push_back(std::move(r));
  }
  out["kpis"] = std::move(rows);
  return out;
}

std::string kpis_csv(const ScenarioOutcome& o) {
  auto cell = [](double v) {
    if (!std::isfinite(v)) return std::string();
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.10g", v);
    return std::string(buffer);
  };
  const auto& k = o.scenario->kpis;
  std::string out = "kpi,unit,case";
  for (const auto& p : k.periods) out += "," + p;
  out += ",day,year\n";
  for (const auto& row : k.rows) {
    auto line = [&](const char* which, const KpiRow& r) {
      out += row.name + "," + row.unit + "," + which;
      for (std::size_t t = 0; t < k.periods.size(); ++t) out += "," + (t < r.period.size() ? cell(r.period[t]) : std::string());
      out += "," + cell(r.day) + "," + cell(r.year) + "\n";
    };
    line("scenario", row);
    if (!o.baseline) continue;
    const auto* base = o.baseline->kpis.find(row.name);
    if (!base) continue;
    line("baseline", *base);
    KpiRow diff{row.name, row.unit, {}, row.day - base->day, row.year - base->year};
    for (std::size_t t = 0; t < row.period.size(); ++t) diff.period.push_back(row.period[t] - (t < base->period.size() ? base->period[t] : std::nan("")));
    line("difference", diff);
  }
  return out;
}

json sourced(const EconomicValue& v) { return {{"value", v.value}, {"source", v.source}}; }

json cba_json(const ScenarioOutcome& o) {
  json out;
  out["scenario"] = o.file.name;
  const auto& e = o.settings.economics;
  json parameters;
  parameters["price_year"] = e.price_year;
  parameters["appraisal_end_year"] = e.appraisal_end_year;
  parameters["discount_rate"] = sourced(e.discount_rate);
  parameters["value_growth"] = sourced(e.value_growth);
  for (const auto& [purpose, v] : e.value_of_time_eur_per_h) parameters["values_of_time_eur_per_h"][purpose] = sourced(v);
  parameters["vehicle_operating_cost_eur_per_km"] = sourced(e.vehicle_operating_cost_eur_per_km);
  for (const auto& [year, v] : e.co2_eur_per_t) parameters["co2_eur_per_t"]["by_year"][std::to_string(year)] = v;
  parameters["co2_eur_per_t"]["source"] = e.co2_source;
  parameters["nox_eur_per_t"] = sourced(e.nox_eur_per_t);
  parameters["pm25_eur_per_t"] = sourced(e.pm25_eur_per_t);
  parameters["water_cost_eur_per_m3"] = sourced(e.water_cost_eur_per_m3);
  parameters["electricity_eur_per_kwh"] = sourced(e.electricity_eur_per_kwh);
  parameters["emission_factors"] = {{"speed_kmh", o.settings.emissions.speed_kmh}, {"co2_g_per_km", o.settings.emissions.co2_g_per_km},
                                    {"nox_g_per_km", o.settings.emissions.nox_g_per_km}, {"pm25_g_per_km", o.settings.emissions.pm25_g_per_km},
                                    {"source", o.settings.emissions.source}};
  out["parameters"] = parameters;
  json interventions = json::array();
  for (const auto& i : o.file.interventions)
    interventions.push_back({{"id", i.id}, {"type", i.type}, {"capex_eur", i.capex_eur}, {"opex_eur_per_year", i.opex_eur_per_year},
                             {"lifetime_years", i.lifetime_years}, {"start_year", i.start_year}, {"assumptions", i.assumptions},
                             {"sources", i.sources}});
  out["interventions"] = interventions;
  out["event"] = o.event;
  if (o.changes) {
    const auto& c = *o.changes;
    json changes;
    changes["per"] = o.event ? "event (one day)" : "year";
    for (const auto& [purpose, hours] : c.generalised_hours) changes["generalised_hours"][purpose] = hours;
    changes["vehicle_km"] = c.vehicle_km;
    changes["co2_t"] = c.co2_t;
    changes["nox_t"] = c.nox_t;
    changes["pm25_t"] = c.pm25_t;
    changes["water_lost_m3"] = c.water_lost_m3;
    changes["energy_kwh"] = c.energy_kwh;
    out["changes"] = changes;
  }
  if (o.cba) {
    const auto& r = *o.cba;
    out["benefits_pv_eur"] = r.benefits_pv_eur;
    out["benefit_pv_eur_by_kind"] = r.benefit_pv_eur;
    out["costs_pv_eur"] = r.costs_pv_eur;
    out["npv_eur"] = r.npv_eur;
    out["bcr"] = optional_number(r.bcr);
    out["irr"] = optional_number(r.irr);
    out["payback_year"] = optional_number(r.payback_year);
    json years = json::array();
    for (const auto& y : r.years)
      years.push_back({{"year", y.year}, {"benefits_eur", y.benefits_eur}, {"costs_eur", y.costs_eur}, {"net_eur", y.net_eur},
                       {"discounted_net_eur", y.discounted_net_eur}, {"cumulative_discounted_eur", y.cumulative_discounted_eur}});
    out["years"] = years;
    json sensitivity = json::array();
    for (const auto& s : r.sensitivity)
      sensitivity.push_back({{"parameter", s.parameter}, {"npv_minus_20_eur", s.npv_minus_20}, {"npv_plus_20_eur", s.npv_plus_20},
                             {"bcr_minus_20", s.bcr_minus_20}, {"bcr_plus_20", s.bcr_plus_20}, {"switching_value", optional_number(s.switching_value)}});
    out["sensitivity"] = sensitivity;
  }
  return out;
}

json manifest_json(const ScenarioOutcome& o, const std::map<std::string, std::string>& extra) {
  json out;
  out["scenario"] = o.file.name;
  out["description"] = o.file.description;
  json inputs = json::array();
  for (const auto& f : o.file.chain) inputs.push_back({{"role", "scenario"}, {"path", f}, {"sha256", sha256_of_file(f)}});
  const auto& params = o.file.transport_parameters_source;
  for (const auto& part : {params.substr(0, params.find(" + "))})
    if (fs::exists(part)) inputs.push_back({{"role", "transport parameters"}, {"path", part}, {"sha256", sha256_of_file(part)}});
  if (o.file.model != "default" && fs::exists(o.file.model))
    inputs.push_back({{"role", "model"}, {"path", o.file.model}, {"sha256", sha256_of_file(o.file.model)}});
  else
    inputs.push_back({{"role", "model"}, {"path", "embedded default Sofia model"}, {"sha256", nullptr}});
  out["inputs"] = inputs;
  YAML::Emitter parameters;
  parameters << o.file.transport_parameters;
  out["transport_parameters"] = parameters.c_str();
  out["transport_parameters_source"] = params;
  YAML::Emitter economics;
  economics << o.file.economics;
  out["economics"] = economics.c_str();
  out["car_constant_min"] = o.scenario->transport.demand.car_constant_min;
  out["notes"] = o.scenario->built.notes;
  out["warnings"] = o.scenario->transport.warnings;
  out["timings_s"] = {{"simulation", o.simulation_s}, {"total", o.total_s}};
  for (const auto& [key, value] : extra) out[key] = value;
  return out;
}

void write_text(const fs::path& path, const std::string& text) { write_file_atomically(path.string(), text); }

}  // namespace

void write_results_folder(const std::string& dir, const CityModel& model, const ScenarioOutcome& o,
                          const std::map<std::string, std::string>& extra) {
  const fs::path target = fs::path(dir).lexically_normal();
  const fs::path temporary = target.string() + ".partial-" + std::to_string(::getpid());
  std::error_code ignored;
  fs::remove_all(temporary, ignored);
  try {
    if (!target.parent_path().empty()) fs::create_directories(target.parent_path());
    if (!fs::create_directory(temporary)) throw InputError(temporary.string() + ": cannot be created");
    std::map<std::string, std::string> metadata = extra;
    metadata["scenario"] = o.file.name;
    gis::write_results(model, (temporary / "results.gpkg").string(), metadata, result_tables(model, o));
    write_text(temporary / "kpis.json", kpis_json(o).dump(2) + "\n");
    write_text(temporary / "kpis.csv", kpis_csv(o));
    write_text(temporary / "cba.json", cba_json(o).dump(2) + "\n");
    write_text(temporary / "manifest.json", manifest_json(o, extra).dump(2) + "\n");
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(temporary, ignored);
    throw InputError(dir + ": cannot be written (" + e.code().message() + ")");
  } catch (...) {
    fs::remove_all(temporary, ignored);
    throw;
  }
  // Swap in the complete folder; an existing one is kept until the new one is in place.
  const fs::path old = target.string() + ".old-" + std::to_string(::getpid());
  const bool existed = fs::exists(target);
  if (existed) fs::rename(target, old);
  fs::rename(temporary, target);
  if (existed) fs::remove_all(old, ignored);
}

}  // namespace sofiatwin::scenarios
