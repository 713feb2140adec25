#include "scenario.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "sim/core/input_error.hpp"
#include "sim/water/hydraulics.hpp"

namespace sofiatwin::water {
namespace {

std::size_t link_index(const WaterNetwork& net, const std::string& id, const char* what) {
  const auto it = std::find(net.link_id.begin(), net.link_id.end(), id);
  if (it == net.link_id.end()) throw InputError(std::string(what) + ": link '" + id + "' is not in network " + net.name);
  return static_cast<std::size_t>(it - net.link_id.begin());
}

std::size_t node_index(const WaterNetwork& net, const std::string& id, const char* what) {
  const auto it = std::find(net.node_id.begin(), net.node_id.end(), id);
  if (it == net.node_id.end()) throw InputError(std::string(what) + ": node '" + id + "' is not in network " + net.name);
  return static_cast<std::size_t>(it - net.node_id.begin());
}

bool within_window(long clock_s, long from_s, long to_s) {
  return from_s < to_s ? clock_s >= from_s && clock_s < to_s : clock_s >= from_s || clock_s < to_s;
}

/// Two clock-time controls: the timed setting at `from_s`, the valve's own setting back at `to_s`.
void add_timed_setting(WaterNetwork& net, const WaterInterventions::TimedValveSetting& t) {
  constexpr long day_s = 86400;
  const auto k = link_index(net, t.valve, "timed valve setting");
  const auto type = net.link_type[k];
  if (!is_valve(type) || type == LinkType::gpv) throw InputError("timed valve setting: link '" + t.valve + "' is not a PRV, PSV, PBV, FCV or TCV");
  if (t.from_s < 0 || t.from_s >= day_s || t.to_s < 0 || t.to_s >= day_s || t.from_s == t.to_s)
    throw InputError("timed valve setting of '" + t.valve + "': the clock times must differ and lie within the day");
  if (!(t.value >= 0)) throw InputError("timed valve setting of '" + t.valve + "': the setting must not be negative");
  Control on, off;
  on.kind = off.kind = Control::Kind::time_of_day;
  on.link = off.link = static_cast<std::int32_t>(k);
  on.status = off.status = LinkStatus::active;
  on.time_s = t.from_s;
  off.time_s = t.to_s;
  on.setting = t.value / setting_scale(net.units, type);
  off.setting = net.initial_setting[k];
  net.controls.push_back(on);
  net.controls.push_back(off);
  if (within_window(net.times.start_clock_s % day_s, t.from_s, t.to_s)) {
    net.initial_setting[k] = on.setting;
    net.initially_fixed[k] = 0, net.initially_closed[k] = 0;
  }
}

}  // namespace

WaterNetwork apply_interventions(const WaterNetwork& original, const WaterInterventions& changes) {
  WaterNetwork net = original;
  for (const auto& id : changes.closed_links) {
    const auto k = link_index(net, id, "closed link");
    net.initially_closed[k] = 1;
    if (is_valve(net.link_type[k])) net.initially_fixed[k] = 1;
    // a closure holds for the whole period: controls on the link no longer reopen it
    net.controls.erase(std::remove_if(net.controls.begin(), net.controls.end(), [&](const Control& c) { return c.link == static_cast<std::int32_t>(k); }),
                       net.controls.end());
    if (const auto p = net.pump_of_link[k]; p >= 0) net.pumps[static_cast<std::size_t>(p)].speed_pattern = -1;
  }
  for (const auto& [id, value] : changes.valve_settings) {
    const auto k = link_index(net, id, "valve setting");
    const auto type = net.link_type[k];
    if (!is_valve(type) || type == LinkType::gpv) throw InputError("valve setting: link '" + id + "' is not a PRV, PSV, PBV, FCV or TCV");
    net.initial_setting[k] = value / setting_scale(net.units, type);
    net.initially_fixed[k] = 0, net.initially_closed[k] = 0;
  }
  for (const auto& t : changes.timed_valve_settings) add_timed_setting(net, t);
  if (!changes.junction_demand_multiplier.empty()) {
    if (changes.junction_demand_multiplier.size() != static_cast<std::size_t>(net.junction_count))
      throw InputError("demand multipliers: " + std::to_string(changes.junction_demand_multiplier.size()) + " given, network " + net.name +
                       " has " + std::to_string(net.junction_count) + " junctions");
    for (std::int32_t j = 0; j < net.junction_count; ++j) {
      const double m = changes.junction_demand_multiplier[static_cast<std::size_t>(j)];
      if (!(m >= 0)) throw InputError("demand multipliers: junction " + net.node_id[static_cast<std::size_t>(j)] + " has a negative multiplier");
      for (auto d = net.demand_begin[static_cast<std::size_t>(j)]; d < net.demand_begin[static_cast<std::size_t>(j) + 1]; ++d)
        net.demand_cfs[static_cast<std::size_t>(d)] *= m;
      net.base_demand_cfs[static_cast<std::size_t>(j)] *= m;
    }
  }
  for (const auto& [id, speeds] : changes.pump_speed_schedules) {
    const auto k = link_index(net, id, "pump schedule");
    const auto p = net.pump_of_link[k];
    if (p < 0) throw InputError("pump schedule: link '" + id + "' is not a pump");
    if (speeds.empty() || std::any_of(speeds.begin(), speeds.end(), [](double v) { return !(v >= 0); }))
      throw InputError("pump schedule: pump '" + id + "' needs one or more speeds >= 0");
    net.patterns.push_back({"schedule:" + id, speeds});
    net.pumps[static_cast<std::size_t>(p)].speed_pattern = static_cast<std::int32_t>(net.patterns.size()) - 1;
    net.controls.erase(std::remove_if(net.controls.begin(), net.controls.end(), [&](const Control& c) { return c.link == static_cast<std::int32_t>(k); }),
                       net.controls.end());
  }
  for (const auto& [id, coefficient] : changes.emitter_coefficients) {
    const auto v = node_index(net, id, "leakage");
    if (v >= static_cast<std::size_t>(net.junction_count)) throw InputError("leakage: node '" + id + "' is not a junction");
    if (!(coefficient >= 0)) throw InputError("leakage: junction '" + id + "' has a negative coefficient");
    net.emitter_coefficient[v] = coefficient;
  }
  for (const auto& [id, coefficient] : changes.pipe_leaks) {
    const auto k = link_index(net, id, "pipe leak");
    if (net.link_type[k] != LinkType::pipe && net.link_type[k] != LinkType::cv_pipe) throw InputError("pipe leak: link '" + id + "' is not a pipe");
    if (!(coefficient >= 0)) throw InputError("pipe leak: pipe '" + id + "' has a negative coefficient");
    for (const auto end : {net.from_node[k], net.to_node[k]})
      if (end < net.junction_count) net.emitter_coefficient[static_cast<std::size_t>(end)] += coefficient / 2.0;
  }
  for (const auto& leak : changes.favad_leaks) {
    const auto k = link_index(net, leak.pipe, "pipe leak");
    if (net.link_type[k] != LinkType::pipe && net.link_type[k] != LinkType::cv_pipe) throw InputError("pipe leak: link '" + leak.pipe + "' is not a pipe");
    if (!(leak.area_mm2_per_100 >= 0) || !(leak.expansion_mm2_per_100 >= 0))
      throw InputError("pipe leak: pipe '" + leak.pipe + "' has a negative leak area or expansion");
    net.leak_area.resize(net.link_count(), 0.0);
    net.leak_expansion.resize(net.link_count(), 0.0);
    net.leak_area[k] = leak.area_mm2_per_100, net.leak_expansion[k] = leak.expansion_mm2_per_100;
  }
  return net;
}

double pump_power_kw(const WaterNetwork& net, const Pump& pump, const HydraulicState& state) {
  const auto k = static_cast<std::size_t>(pump.link);
  const double q = state.flow_cfs[k];
  if (is_closed(state.status[k]) || q <= 0.0) return 0.0;
  const double gain = state.head_ft[static_cast<std::size_t>(net.to_node[k])] - state.head_ft[static_cast<std::size_t>(net.from_node[k])];
  double efficiency = net.global_efficiency_pct;
  if (pump.efficiency_curve >= 0) {
    const auto& c = net.curves[static_cast<std::size_t>(pump.efficiency_curve)];
    const double x = q / std::max(state.setting[k], 1e-9) * net.units.flow_per_cfs;  // at the speed-adjusted flow, as EPANET
    if (x <= c.x.front()) efficiency = c.y.front();
    else if (x >= c.x.back()) efficiency = c.y.back();
    else {
      const auto i = static_cast<std::size_t>(std::upper_bound(c.x.begin(), c.x.end(), x) - c.x.begin());
      efficiency = c.y[i - 1] + (c.y[i] - c.y[i - 1]) * (x - c.x[i - 1]) / (c.x[i] - c.x[i - 1]);
    }
  }
  efficiency = std::max(efficiency, 1.0) / 100.0;
  return std::max(gain, 0.0) * q * net.specific_gravity / 8.814 / efficiency * 0.7457;
}

KpiMeter::KpiMeter(const WaterNetwork& net, double pressure_threshold)
    : net_(net), threshold_(pressure_threshold), deficit_(static_cast<std::size_t>(net.junction_count), 0) {
  kpis_.min_pressure = std::numeric_limits<double>::infinity();
  kpis_.max_pressure = -std::numeric_limits<double>::infinity();
}

void KpiMeter::add(long step_s, const HydraulicState& s) {
  constexpr double m3_per_ft3 = 0.3048 * 0.3048 * 0.3048;
  const double dt = static_cast<double>(step_s);
  auto& k = kpis_;
  for (std::size_t j = 0; j < deficit_.size(); ++j) {
    k.demand_m3 += std::max(s.demand_cfs[j], 0.0) * dt * m3_per_ft3;
    k.delivered_m3 += std::max(s.delivered_cfs[j], 0.0) * dt * m3_per_ft3;
    k.leakage_m3 += (std::max(s.emitter_cfs[j], 0.0) + leakage_cfs(s, j)) * dt * m3_per_ft3;
    if (s.demand_cfs[j] <= 0.0) continue;  // pressure matters where water is used
    const double p = (s.head_ft[j] - net_.elevation_ft[j]) * net_.units.pressure_per_ft;
    k.min_pressure = std::min(k.min_pressure, p), k.max_pressure = std::max(k.max_pressure, p);
    if (p < threshold_) deficit_[j] = 1, k.pressure_deficit_junction_hours += dt / 3600.0;
  }
  for (const auto& pump : net_.pumps) k.pump_energy_kwh += pump_power_kw(net_, pump, s) * dt / 3600.0;
}

WaterKpis KpiMeter::result(bool completed) const {
  auto k = kpis_;
  k.pressure_deficit_junctions = static_cast<int>(std::count(deficit_.begin(), deficit_.end(), 1));
  k.completed = completed;
  return k;
}

WaterKpis simulate_kpis(const WaterNetwork& net, double pressure_threshold) {
  KpiMeter meter(net, pressure_threshold);
  const auto result = simulate(net, {}, 1.0, [&](long, long step_s, const HydraulicState& s) { meter.add(step_s, s); });
  return meter.result(!result.halted);
}

}  // namespace sofiatwin::water
