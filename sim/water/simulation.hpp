// Extended-period hydraulic simulation, EPANET's time loop: at each hydraulic time the demands,
// reservoir heads and pump speeds of the pattern period, then the simple controls, then a solve;
// the next time is the earliest of the hydraulic step, the next pattern period, the next
// reporting time, a tank filling or draining and a control firing; tank volumes integrate the
// net inflow over the step (explicit Euler, as EPANET).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "sim/water/hydraulics.hpp"
#include "sim/water/network.hpp"

namespace sofiatwin::water {

/// One hydraulic solution (a row of <name>_steps.csv).
struct HydraulicStep {
  int step = 0;
  long time_s = 0;
  long next_dt_s = 0;
  int iterations = 0;
  double relative_error = 0.0;
  bool converged = true;
};

struct SimulationResult {
  std::vector<HydraulicStep> steps;
  bool halted = false;        // an unbalanced step under UNBALANCED STOP, or an ill-conditioned
  long halted_at_s = -1;      // system, ended the run early
  std::string halt_reason;
  std::vector<std::string> warnings;  // unbalanced steps that the run went on from, ...
};

/// Called at every reporting time (REPORT START + k REPORT TIMESTEP) with the solution then.
using ReportCallback = std::function<void(long time_s, const HydraulicState& state)>;

/// Called after every hydraulic solve with the solution and the length of the step it holds for
/// (0 at the end of the period): what period totals (energy, volumes) integrate.
using StepCallback = std::function<void(long time_s, long step_s, const HydraulicState& state)>;

/// Runs the period [0, DURATION] (one solve when the duration is 0).
SimulationResult simulate(const WaterNetwork& net, const ReportCallback& report, double accuracy_factor = 1.0,
                          const StepCallback& on_step = {});

}  // namespace sofiatwin::water
