#include "simulation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

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
      if (n < static_cast<std::size_t>(net.junction_count)) continue;  // junction pressure: checked within the solve
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
    if (was != c.status || !same_setting(setting, s.setting[k])) {
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
    const bool setting_changes = !pipe && !same_setting(s.setting[k], c.setting);
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

/// The value a premise looks at, in the file's units (EPANET's checkvalue); false when undefined.
bool premise_value(const WaterNetwork& net, const HydraulicState& s, const RulePremise& p, double& x) {
  const Units& u = net.units;
  const auto i = static_cast<std::size_t>(std::max(p.index, 0));
  switch (p.variable) {
    case RulePremise::Variable::system_demand:
      x = 0;
      for (std::int32_t j = 0; j < net.junction_count; ++j) x += std::max(s.demand_cfs[static_cast<std::size_t>(j)], 0.0);
      x *= u.flow_per_cfs;
      return true;
    case RulePremise::Variable::demand: x = outflow(s, i) * u.flow_per_cfs; return true;
    case RulePremise::Variable::head: x = s.head_ft[i] * u.length_per_ft; return true;
    case RulePremise::Variable::pressure: x = (s.head_ft[i] - net.elevation_ft[i]) * u.pressure_per_ft; return true;
    case RulePremise::Variable::level: x = (s.head_ft[i] - net.elevation_ft[i]) * u.length_per_ft; return true;
    case RulePremise::Variable::flow: x = std::abs(s.flow_cfs[i]) * u.flow_per_cfs; return true;
    case RulePremise::Variable::setting: {
      if (std::isnan(s.setting[i])) return false;
      x = s.setting[i] * setting_scale(u, net.link_type[i]);
      return true;
    }
    case RulePremise::Variable::fill_time:
    case RulePremise::Variable::drain_time: {
      const auto t = net.tank_of_node[i];
      if (t < 0) return false;
      const auto& tank = net.tanks[static_cast<std::size_t>(t)];
      const double q = s.demand_cfs[i], v = s.tank_volume_ft3[static_cast<std::size_t>(t)];
      if (p.variable == RulePremise::Variable::fill_time) {
        if (q <= 1e-6) return false;
        x = (tank.max_volume_ft3 - v) / q;
      } else {
        if (q >= -1e-6) return false;
        x = (tank.min_volume_ft3 - v) / q;
      }
      return true;
    }
    default: return false;
  }
}

/// EPANET's checkpremise for the interval (t1, t2] that just passed.
bool premise_holds(const WaterNetwork& net, const HydraulicState& s, const RulePremise& p, long t1, long t2) {
  using R = RulePremise::Relation;
  if (p.variable == RulePremise::Variable::time || p.variable == RulePremise::Variable::clock_time) {
    if (p.variable == RulePremise::Variable::clock_time) t1 = (t1 + net.times.start_clock_s) % seconds_per_day, t2 = (t2 + net.times.start_clock_s) % seconds_per_day;
    const auto x = static_cast<long>(p.value);
    switch (p.relation) {
      case R::lt: return t2 < x;
      case R::le: return t2 <= x;
      case R::gt: return t2 > x;
      case R::ge: return t2 >= x;
      default: {
        const bool within = t2 < t1 ? (x >= t1 || x <= t2) : (x >= t1 && x <= t2);
        return p.relation == R::eq ? within : !within;
      }
    }
  }
  if (p.variable == RulePremise::Variable::status) {
    const auto st = s.status[static_cast<std::size_t>(p.index)];
    const auto now = is_closed(st) ? LinkStatus::closed : st == LinkStatus::active ? LinkStatus::active : LinkStatus::open;
    return p.relation == R::eq ? now == p.status_value : p.relation == R::ne && now != p.status_value;
  }
  double x = 0;
  if (!premise_value(net, s, p, x)) return false;
  constexpr double tol = 1e-3;  // EPANET's comparisons, kept as EPANET writes them
  switch (p.relation) {
    case R::eq: return std::abs(x - p.value) <= tol;
    case R::ne: return std::abs(x - p.value) >= tol;
    case R::lt: return x <= p.value + tol;
    case R::le: return x <= p.value - tol;
    case R::gt: return x >= p.value - tol;
    case R::ge: return x >= p.value + tol;
  }
  return false;
}

bool rule_premises_hold(const WaterNetwork& net, const HydraulicState& s, const Rule& rule, long t1, long t2) {
  bool result = true;
  for (const auto& p : rule.premises) {
    if (p.joined_by_or) {
      if (!result) result = premise_holds(net, s, p, t1, t2);
    } else {
      if (!result) return false;
      result = premise_holds(net, s, p, t1, t2);
    }
  }
  return result;
}

/// Applies one rule action as EPANET's takeactions does; returns whether it changed the link.
bool take_action(const WaterNetwork& net, HydraulicState& s, const RuleAction& a) {
  const auto k = static_cast<std::size_t>(a.link);
  const auto type = net.link_type[k];
  const bool valve_with_setting = is_valve(type) && type != LinkType::gpv;
  if (a.sets_status) {
    if (a.open && is_closed(s.status[k])) {
      if (type == LinkType::pump) s.setting[k] = 1.0;
      if (valve_with_setting) s.setting[k] = std::numeric_limits<double>::quiet_NaN();
      s.status[k] = LinkStatus::open;
      return true;
    }
    if (!a.open && !is_closed(s.status[k])) {
      if (type == LinkType::pump) s.setting[k] = 0.0;
      if (valve_with_setting) s.setting[k] = std::numeric_limits<double>::quiet_NaN();
      s.status[k] = LinkStatus::closed;
      return true;
    }
    return false;
  }
  if (std::isnan(a.setting)) return false;
  const double x = a.setting / setting_scale(net.units, type);
  if (!std::isnan(s.setting[k]) && std::abs(x - s.setting[k]) <= 1e-3) return false;
  if (type == LinkType::pump) {
    s.setting[k] = x;
    if (x > 0 && is_closed(s.status[k])) s.status[k] = LinkStatus::open;
    if (x == 0 && !is_closed(s.status[k])) s.status[k] = LinkStatus::closed;
  } else if (type == LinkType::fcv) {
    s.setting[k] = x, s.status[k] = LinkStatus::active;
  } else {
    if (std::isnan(s.setting[k]) && is_closed(s.status[k])) s.status[k] = LinkStatus::open;
    s.setting[k] = x;
  }
  return true;
}

/// EPANET's checkrules over the interval (time_s - dt, time_s]: the actions of every rule whose
/// premises hold (THEN) or fail (ELSE), one per link (the first listed unless a later rule has a
/// higher priority). Returns the number of actions that changed a link.
int check_rules(const WaterNetwork& net, HydraulicState& s, long time_s, long dt) {
  std::vector<std::pair<const RuleAction*, const Rule*>> actions;
  for (const auto& rule : net.rules) {
    const auto& list = rule_premises_hold(net, s, rule, time_s - dt + 1, time_s) ? rule.then_actions : rule.else_actions;
    for (const auto& a : list) {
      const auto same = std::find_if(actions.begin(), actions.end(), [&](const auto& e) { return e.first->link == a.link; });
      if (same == actions.end()) actions.emplace_back(&a, &rule);
      else if (rule.priority > same->second->priority) *same = {&a, &rule};
    }
  }
  int taken = 0;
  for (auto it = actions.rbegin(); it != actions.rend(); ++it) taken += take_action(net, s, *it->first);  // EPANET's list is last-in first
  return taken;
}

/// EPANET's ruletimestep: tanks advance in rule steps, and the hydraulic step ends early at the
/// first rule step where a rule changes a link. Returns the step taken (tanks updated).
long rule_time_step(const WaterNetwork& net, HydraulicState& s, long time_s, long step) {
  const long rule_step = net.times.rule_step_s;
  long dt = std::min(rule_step, step);
  long dt1 = std::min(rule_step - time_s % rule_step, step);
  if (dt1 == 0) dt1 = dt;
  long now = time_s;
  const long end = time_s + step;
  do {
    now += dt1;
    update_tanks(net, s, dt1);
    if (check_rules(net, s, now, dt1) > 0) break;
    dt = std::min(dt, end - now);
    dt1 = dt;
  } while (dt > 0);
  return now - time_s;
}

bool is_report_time(const Times& t, long time_s) {
  return time_s >= t.report_start_s && (time_s - t.report_start_s) % t.report_step_s == 0;
}

/// "; largest flow change 12.3 GPM in link P-7": where an unbalanced solve was still moving.
std::string largest_change(const WaterNetwork& net, const HydraulicState& state) {
  if (state.largest_change_link < 0) return {};
  char text[64];
  std::snprintf(text, sizeof text, "%.4g", state.largest_change_cfs * net.units.flow_per_cfs);
  return std::string("; largest flow change ") + text + " " + net.units.flow_name + " in link " +
         net.link_id[static_cast<std::size_t>(state.largest_change_link)];
}

}  // namespace

SimulationResult simulate(const WaterNetwork& net, const ReportCallback& report, double accuracy_factor, const StepCallback& on_step) {
  SimulationResult result;
  auto state = initial_state(net);
  HydraulicSolver solver(net);
  const auto second_thread = solver.second_thread();
  long time_s = 0;
  for (int step = 1;; ++step) {
    apply_patterns(net, time_s, state);
    apply_controls(net, time_s, state);
    solver.solve(state, accuracy_factor);
    const bool ill_conditioned = state.ill_conditioned_node >= 0;
    // an ill-conditioned step has no solution to report (an unbalanced one has, as in EPANET)
    if (report && !ill_conditioned && is_report_time(net.times, time_s)) report(time_s, state);
    const bool halt = ill_conditioned || (!state.converged && net.extra_trials < 0);
    if (!state.converged && !halt && !ill_conditioned) {
      char text[160];
      std::snprintf(text, sizeof text, "%ld s: unbalanced after %d trials (relative error %.3g), continuing", time_s, state.iterations,
                    state.relative_error);
      result.warnings.emplace_back(text + largest_change(net, state));
    }
    long dt = time_s < net.times.duration_s && !halt ? next_step(net, state, time_s) : 0;
    const bool with_rules = !net.rules.empty() && dt > 0;
    // rules are checked over the step with the tanks advanced in place: the caller sees the
    // solution as solved, before that
    std::optional<HydraulicState> solved;
    if (with_rules && on_step) solved = state;
    if (with_rules) dt = rule_time_step(net, state, time_s, dt);  // tanks advanced here
    result.steps.push_back({step, time_s, dt, state.iterations, state.relative_error, state.converged});
    if (on_step) on_step(time_s, dt, solved ? *solved : state);
    if (halt) {
      result.halted = true;
      result.halted_at_s = time_s;
      result.halt_reason = ill_conditioned ? "the system is ill-conditioned at node " + net.node_id[static_cast<std::size_t>(state.ill_conditioned_node)]
                                           : "the step did not converge within " + std::to_string(net.max_trials) +
                                                 " trials and the file says UNBALANCED STOP" + largest_change(net, state);
      break;
    }
    if (dt <= 0) break;
    if (!with_rules) update_tanks(net, state, dt);
    time_s += dt;
  }
  return result;
}

}  // namespace sofiatwin::water
