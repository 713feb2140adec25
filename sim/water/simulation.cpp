#include "simulation.hpp"

#include <cmath>
#include <cstdio>

namespace sofiatwin::water {
namespace {

constexpr double zero_flow_cfs = 1e-6;  // EPANET's QZERO
constexpr long seconds_per_day = 86400;

long round_seconds(double x) { return x >= 0 ? static_cast<long>(x + 0.5) : static_cast<long>(x - 0.5); }

/// EPANET's controls(): fires the simple controls whose condition holds at `time_s`.
void apply_controls(const WaterNetwork& net, long time_s, HydraulicState& s) {
  for (const auto& c : net.controls) {
    bool fire = false;
    if (c.kind == Control::Kind::low_level || c.kind == Control::Kind::high_level) {
      const auto n = static_cast<std::size_t>(c.node);
      const double h = s.head_ft[n];
      if (const auto t = net.tank_of_node[n]; t >= 0) {
        const auto& tank = net.tanks[static_cast<std::size_t>(t)];
        const double v1 = tank_volume(net, tank, h), v2 = tank_volume(net, tank, c.grade_ft), margin = std::abs(s.demand_cfs[n]);
        fire = c.kind == Control::Kind::low_level ? v1 <= v2 + margin : v1 >= v2 - margin;
      } else {
        fire = c.kind == Control::Kind::low_level ? h <= c.grade_ft : h >= c.grade_ft;
      }
    } else if (c.kind == Control::Kind::timer) {
      fire = c.time_s == time_s;
    } else {
      fire = (time_s + net.times.start_clock_s) % seconds_per_day == c.time_s;
    }
    if (!fire) continue;
    // as EPANET: compare open/closed and the setting; a valve's OPEN/CLOSED clears its setting
    const auto k = static_cast<std::size_t>(c.link);
    const auto was = is_closed(s.status[k]) ? LinkStatus::closed : LinkStatus::open;
    const bool pipe = net.link_type[k] == LinkType::pipe || net.link_type[k] == LinkType::cv_pipe;
    const double setting = pipe ? s.setting[k] : c.setting;
    const bool same_setting = setting == s.setting[k] || (std::isnan(setting) && std::isnan(s.setting[k]));
    if (was != c.status || !same_setting) {
      s.status[k] = c.status;
      s.setting[k] = setting;
    }
  }
}

/// Shortens `step` to the time a tank fills or drains (EPANET's tanktimestep).
void tank_time_step(const WaterNetwork& net, const HydraulicState& s, long& step) {
  for (std::size_t i = 0; i < net.tanks.size(); ++i) {
    const auto& tank = net.tanks[i];
    const auto n = static_cast<std::size_t>(tank.node);
    const double h = s.head_ft[n], q = s.demand_cfs[n];
    if (std::abs(q) <= zero_flow_cfs) continue;
    double v = 0;
    if (q > 0.0 && h < tank.max_head_ft) v = tank.max_volume_ft3 - s.tank_volume_ft3[i];
    else if (q < 0.0 && h > tank.min_head_ft) v = tank.min_volume_ft3 - s.tank_volume_ft3[i];
    else continue;
    const long t = round_seconds(v / q);
    if (t > 0 && t < step) step = t;
  }
}

/// Shortens `step` to the time a control would change its link (EPANET's controltimestep).
void control_time_step(const WaterNetwork& net, const HydraulicState& s, long time_s, long& step) {
  for (const auto& c : net.controls) {
    long t = 0;
    if (c.kind == Control::Kind::low_level || c.kind == Control::Kind::high_level) {
      const auto n = static_cast<std::size_t>(c.node);
      const auto ti = net.tank_of_node[n];
      if (ti < 0) continue;
      const double h = s.head_ft[n], q = s.demand_cfs[n];
      if (std::abs(q) <= zero_flow_cfs) continue;
      if ((h < c.grade_ft && c.kind == Control::Kind::high_level && q > 0.0) || (h > c.grade_ft && c.kind == Control::Kind::low_level && q < 0.0)) {
        const auto& tank = net.tanks[static_cast<std::size_t>(ti)];
        t = round_seconds((tank_volume(net, tank, c.grade_ft) - s.tank_volume_ft3[static_cast<std::size_t>(ti)]) / q);
      }
    } else if (c.kind == Control::Kind::timer) {
      if (c.time_s > time_s) t = c.time_s - time_s;
    } else {
      const long now = (time_s + net.times.start_clock_s) % seconds_per_day;
      t = c.time_s >= now ? c.time_s - now : seconds_per_day - now + c.time_s;
    }
    if (t <= 0 || t >= step) continue;
    const auto k = static_cast<std::size_t>(c.link);
    const bool pipe = net.link_type[k] == LinkType::pipe || net.link_type[k] == LinkType::cv_pipe;
    const bool setting_changes = !pipe && !(s.setting[k] == c.setting || (std::isnan(s.setting[k]) && std::isnan(c.setting)));
    if (setting_changes || s.status[k] != c.status) step = t;
  }
}

/// Integrates the tanks' net inflow over `step` seconds (EPANET's tanklevels).
void update_tanks(const WaterNetwork& net, HydraulicState& s, long step) {
  for (std::size_t i = 0; i < net.tanks.size(); ++i) {
    const auto& tank = net.tanks[i];
    const auto n = static_cast<std::size_t>(tank.node);
    const double q = s.demand_cfs[n];
    auto& v = s.tank_volume_ft3[i];
    v += q * static_cast<double>(step);
    // full or empty within the next second
    if (v + q >= tank.max_volume_ft3 && !tank.can_overflow) v = tank.max_volume_ft3;
    else if (v - q <= tank.min_volume_ft3) v = tank.min_volume_ft3;
    s.head_ft[n] = tank_head(net, tank, v);
  }
}

/// EPANET's timestep(): the time to the next hydraulic event from `time_s`.
long next_step(const WaterNetwork& net, const HydraulicState& s, long time_s) {
  const Times& t = net.times;
  long step = t.hydraulic_step_s;
  const long next_period = ((time_s + t.pattern_start_s) / t.pattern_step_s + 1) * t.pattern_step_s - time_s;
  if (next_period > 0 && next_period < step) step = next_period;
  const long next_report = time_s < t.report_start_s ? t.report_start_s
                                                      : t.report_start_s + ((time_s - t.report_start_s) / t.report_step_s + 1) * t.report_step_s;
  if (next_report - time_s > 0 && next_report - time_s < step) step = next_report - time_s;
  step = std::min(step, t.duration_s - time_s);
  tank_time_step(net, s, step);
  control_time_step(net, s, time_s, step);
  return step;
}

bool is_report_time(const Times& t, long time_s) {
  return time_s >= t.report_start_s && (time_s - t.report_start_s) % t.report_step_s == 0;
}

}  // namespace

SimulationResult simulate(const WaterNetwork& net, const ReportCallback& report, double accuracy_factor, const StepCallback& on_step) {
  SimulationResult result;
  auto state = initial_state(net);
  HydraulicSolver solver(net);
  long time_s = 0;
  for (int step = 1;; ++step) {
    apply_patterns(net, time_s, state);
    apply_controls(net, time_s, state);
    solver.solve(state, accuracy_factor);
    if (report && is_report_time(net.times, time_s)) report(time_s, state);
    const bool ill_conditioned = state.ill_conditioned_node >= 0;
    const bool halt = ill_conditioned || (!state.converged && net.extra_trials < 0);
    if (!state.converged && !halt && !ill_conditioned) {
      char text[160];
      std::snprintf(text, sizeof text, "%ld s: unbalanced after %d trials (relative error %.3g), continuing", time_s, state.iterations,
                    state.relative_error);
      result.warnings.emplace_back(text);
    }
    const long dt = time_s < net.times.duration_s && !halt ? next_step(net, state, time_s) : 0;
    result.steps.push_back({step, time_s, dt, state.iterations, state.relative_error, state.converged});
    if (on_step) on_step(time_s, dt, state);
    if (halt) {
      result.halted = true;
      result.halted_at_s = time_s;
      result.halt_reason = ill_conditioned ? "the system is ill-conditioned at node " + net.node_id[static_cast<std::size_t>(state.ill_conditioned_node)]
                                           : "the step did not converge within " + std::to_string(net.max_trials) + " trials and the file says UNBALANCED STOP";
      break;
    }
    if (dt <= 0) break;
    update_tanks(net, state, dt);
    time_s += dt;
  }
  return result;
}

}  // namespace sofiatwin::water
