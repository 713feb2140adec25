// What-if hooks and period KPIs for the scenario layer: interventions applied to a copy of a
// network (burst isolation, pressure management, demand change by area, pump schedules, leakage),
// and totals over a run (demand, delivered demand, leakage, pressure deficit, pump energy).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "sim/water/network.hpp"
#include "sim/water/simulation.hpp"

namespace sofiatwin::water {

/// Changes to a network; ids are the network's own, values in the file's units.
struct WaterInterventions {
  std::vector<std::string> closed_links;                          // burst isolation, closures
  std::vector<std::pair<std::string, double>> valve_settings;     // e.g. PRV pressure settings
  std::vector<double> junction_demand_multiplier;                 // per junction (the caller maps areas); empty: none
  std::vector<std::pair<std::string, std::vector<double>>> pump_speed_schedules;  // per pattern step, repeating
  std::vector<std::pair<std::string, double>> emitter_coefficients;  // leakage: q = C p^exponent at a junction
  std::vector<std::pair<std::string, double>> pipe_leaks;  // leakage along a pipe: C split half to each end
                                                           // junction's emitter (added; none at a tank or reservoir)
  struct FavadLeak {
    std::string pipe;
    double area_mm2_per_100 = 0.0;       // leak opening per 100 length units of pipe
    double expansion_mm2_per_100 = 0.0;  // its growth per metre of pressure head (EPANET 2.3 [LEAKAGE])
  };
  std::vector<FavadLeak> favad_leaks;  // pressure-dependent pipe leakage; replaces the pipe's own
  /// A valve setting held each day from one clock time to another (time-modulated pressure
  /// management); the valve keeps its own setting the rest of the day. `to_s` before `from_s`
  /// wraps past midnight.
  struct TimedValveSetting {
    std::string valve;
    double value = 0.0;  // file units
    long from_s = 0, to_s = 0;  // seconds after midnight
  };
  std::vector<TimedValveSetting> timed_valve_settings;
};

/// A copy of `net` with the interventions applied. Throws InputError naming an unknown id or an
/// intervention that does not fit the element (a setting on a pipe, a schedule on a valve).
WaterNetwork apply_interventions(const WaterNetwork& net, const WaterInterventions& changes);

struct WaterKpis {
  double demand_m3 = 0.0;            // consumer demand requested over the period
  double delivered_m3 = 0.0;         // consumer demand delivered (less under pressure-driven demand)
  double leakage_m3 = 0.0;           // emitter outflow and pipe leakage (FAVAD) over the period
  double pump_energy_kwh = 0.0;      // EPANET's pump energy: gain x flow x gravity / efficiency
  int pressure_deficit_junctions = 0;       // junctions with demand below the threshold at some step
  double pressure_deficit_junction_hours = 0.0;
  double min_pressure = 0.0, max_pressure = 0.0;  // over junctions with demand and steps, file units
  bool completed = true;             // false when the run stopped early
};

/// Integrates the KPIs over a run's hydraulic steps, each step's solution held for its length:
/// give add() to simulate() as its step callback. `pressure_threshold` in the file's pressure
/// units (e.g. 20 m).
class KpiMeter {
 public:
  KpiMeter(const WaterNetwork& net, double pressure_threshold);
  void add(long step_s, const HydraulicState& state);
  /// The totals so far; `completed`: the run reached the end of the period.
  [[nodiscard]] WaterKpis result(bool completed) const;

 private:
  const WaterNetwork& net_;
  double threshold_;
  WaterKpis kpis_;
  std::vector<char> deficit_;  // per junction: below the threshold at some step
};

/// Runs the period and returns its KPIs (KpiMeter).
WaterKpis simulate_kpis(const WaterNetwork& net, double pressure_threshold);

/// Pump power (kW) at a state: gain x flow x specific gravity / 8.814 / efficiency x 0.7457.
double pump_power_kw(const WaterNetwork& net, const Pump& pump, const HydraulicState& state);

}  // namespace sofiatwin::water
