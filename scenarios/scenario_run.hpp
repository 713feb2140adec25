// Running scenarios: the base model is loaded once and shared read-only; each scenario is
// simulated as its baseline's state and its own state (transport and water), the states cached so
// that scenarios with the same baseline share it; then KPIs, emissions, the yearly changes and the
// cost-benefit analysis of its own interventions.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/economics.hpp"
#include "scenarios/emissions.hpp"
#include "scenarios/interventions.hpp"
#include "scenarios/scenario_file.hpp"
#include "scenarios/transport_run.hpp"
#include "sim/core/city_model.hpp"
#include "sim/core/progress.hpp"
#include "sim/water/scenario.hpp"

namespace sofiatwin::scenarios {

/// Everything a scenario file sets, checked.
struct ScenarioSettings {
  TransportParameters transport;
  double pressure_threshold_m = 20.0;  // water: junctions below it count as pressure deficits
  EconomicParameters economics;
  EmissionFactors emissions;
  bool write_tables_csv = true;
};

/// Reads the merged settings of a scenario file; errors name the file, the line and the key.
ScenarioSettings scenario_settings(const ScenarioFile& scenario);

/// One simulated state of the model: a set of interventions.
struct StateResult {
  std::string key;                       // what identifies the state (settings and interventions)
  std::vector<std::string> interventions;  // their ids
  BuiltInterventions built;
  TransportRun transport;
  KpiTable kpis;                         // transport, water and emission KPIs
  Emissions emissions;
  std::optional<water::WaterKpis> water;
  std::vector<double> water_min_pressure_m;  // per water node: the day's lowest pressure (junctions)
  std::vector<std::vector<double>> water_pressure_m_by_hour;  // [hour][node]
  double burst_water_m3 = 0.0;           // lost from bursts before they are isolated
  double simulation_s = 0.0;             // time in the simulators
};

struct ScenarioOutcome {
  ScenarioFile file;
  ScenarioSettings settings;
  const StateResult* baseline = nullptr;  // nullptr for a root baseline
  const StateResult* scenario = nullptr;
  std::optional<AnnualChanges> changes;   // scenario against baseline, a year (an event scenario: its day)
  bool event = false;                     // a one-day event (a burst), not a lasting change
  std::optional<CbaResult> cba;
  std::vector<InvestmentCosts> costs;
  double simulation_s = 0.0, total_s = 0.0;  // this scenario's share of simulation, and its whole run
};

/// The base model a scenario names ("default": the embedded model).
CityModel load_base_model(const std::string& model, ProgressSink* progress = nullptr);

class ScenarioRunner {
 public:
  /// `model` must outlive the runner; it is shared read-only by every scenario.
  explicit ScenarioRunner(const CityModel& model, ProgressSink* progress = nullptr);
  ScenarioOutcome run(const ScenarioFile& scenario);

 private:
  const StateResult& state(const ScenarioSettings& settings, const std::vector<InterventionSpec>& interventions,
                           std::optional<double> car_constant_min, const MainBurst* extra_burst = nullptr,
                           const StateResult* event_of = nullptr);
  double root_car_constant(const ScenarioFile& scenario);
  void run_water(StateResult& s, const ScenarioSettings& settings) const;

  const CityModel& model_;
  ProgressSink* progress_;
  std::map<std::string, std::unique_ptr<StateResult>> states_;
  std::map<std::string, double> root_constants_;
};

/// The scenario's outputs in DIR: results.gpkg, kpis.json, kpis.csv, cba.json and manifest.json,
/// written into a temporary folder renamed over DIR when complete (an existing DIR is replaced
/// only then). `extra` adds manifest entries (threads, timings).
void write_results_folder(const std::string& dir, const CityModel& model, const ScenarioOutcome& outcome,
                          const std::map<std::string, std::string>& extra);

}  // namespace sofiatwin::scenarios
