// Water what-if hooks and period KPIs.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/core/input_error.hpp"
#include "sim/water/hydraulics.hpp"
#include "sim/water/inp_io.hpp"
#include "sim/water/scenario.hpp"
#include "test_util.hpp"

using namespace sofiatwin;
using namespace sofiatwin::water;

namespace {

WaterNetwork network(const std::string& name) { return read_inp(test::shared_data("water/networks/" + name + ".inp")); }

class WaterScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::shared_data_present()) GTEST_SKIP() << "../shared/data is not present";
  }
};

std::size_t link(const WaterNetwork& net, const std::string& id) {
  return static_cast<std::size_t>(std::find(net.link_id.begin(), net.link_id.end(), id) - net.link_id.begin());
}

}  // namespace

TEST_F(WaterScenario, DemandMultiplierScalesDemandAndTheBaselineIsConsistent) {
  const auto net = network("Net1");
  const auto base = simulate_kpis(net, 40.0);
  ASSERT_TRUE(base.completed);
  EXPECT_GT(base.demand_m3, 0.0);
  EXPECT_NEAR(base.delivered_m3, base.demand_m3, 1e-9 * base.demand_m3);  // demand-driven: all delivered
  EXPECT_EQ(base.leakage_m3, 0.0);
  EXPECT_GT(base.pump_energy_kwh, 0.0);
  WaterInterventions more;
  more.junction_demand_multiplier.assign(static_cast<std::size_t>(net.junction_count), 1.2);
  const auto scaled = simulate_kpis(apply_interventions(net, more), 40.0);
  EXPECT_NEAR(scaled.demand_m3, 1.2 * base.demand_m3, 1e-9 * base.demand_m3);
  EXPECT_LT(scaled.min_pressure, base.min_pressure);  // more demand, lower pressures
}

TEST_F(WaterScenario, ClosedPipeCarriesNothingAllPeriod) {
  const auto net = network("Net1");
  WaterInterventions burst;
  burst.closed_links = {"12"};
  const auto changed = apply_interventions(net, burst);
  const auto k = link(changed, "12");
  bool checked = false;
  simulate(changed, [&](long, const HydraulicState& s) {
    EXPECT_TRUE(is_closed(s.status[k]));
    checked = true;
  });
  EXPECT_TRUE(checked);
  EXPECT_FALSE(net.initially_closed[k]);  // the original is untouched
}

TEST(WaterScenarioSmall, PrvSettingHoldsDownstreamPressure) {
  // reservoir 100 m -> pipe -> J1 -> PRV -> J2 (demand 10 L/s): pressure management lowers the
  // PRV setting from 40 m to 25 m and J2's pressure follows it
  const auto dir = test::temp_dir("water-prv");
  const auto net = read_inp(test::write_file(dir / "prv.inp",
      "[JUNCTIONS]\n J1 0 0\n J2 0 10\n[RESERVOIRS]\n R1 100\n[PIPES]\n P1 R1 J1 500 200 120\n"
      "[VALVES]\n V1 J1 J2 200 PRV 40 0\n[OPTIONS]\n Units LPS\n"));
  const auto pressure_j2 = [](const WaterNetwork& n) {
    const auto s = solve_steady(n);
    EXPECT_TRUE(s.converged);
    EXPECT_EQ(s.status[1], LinkStatus::active);
    return (s.head_ft[1] - n.elevation_ft[1]) * n.units.pressure_per_ft;
  };
  EXPECT_NEAR(pressure_j2(net), 40.0, 1e-3);
  WaterInterventions pm;
  pm.valve_settings = {{"V1", 25.0}};
  EXPECT_NEAR(pressure_j2(apply_interventions(net, pm)), 25.0, 1e-3);
  WaterInterventions tcv_on_prv;
  tcv_on_prv.valve_settings = {{"P1", 25.0}};
  EXPECT_THROW(apply_interventions(net, tcv_on_prv), InputError);  // a pipe has no setting
}

TEST(WaterScenarioSmall, TimedPrvSettingHoldsOnlyWithinItsHours) {
  // the same valve set to 25 m from 22:00 to 05:00 each day of a two-day run, 40 m otherwise
  const auto dir = test::temp_dir("water-prv-timed");
  const auto net = read_inp(test::write_file(dir / "prv.inp",
      "[JUNCTIONS]\n J1 0 0\n J2 0 10\n[RESERVOIRS]\n R1 100\n[PIPES]\n P1 R1 J1 500 200 120\n"
      "[VALVES]\n V1 J1 J2 200 PRV 40 0\n[TIMES]\n Duration 48:00\n Hydraulic Timestep 1:00\n[OPTIONS]\n Units LPS\n"));
  WaterInterventions night;
  night.timed_valve_settings = {{"V1", 25.0, 22 * 3600, 5 * 3600}};
  const auto changed = apply_interventions(net, night);
  int low = 0, high = 0;
  simulate(changed, [&](long t, const HydraulicState& s) {
    const long clock_h = (t / 3600) % 24;
    const double pressure = (s.head_ft[1] - changed.elevation_ft[1]) * changed.units.pressure_per_ft;
    const bool within = clock_h >= 22 || clock_h < 5;
    EXPECT_NEAR(pressure, within ? 25.0 : 40.0, 1e-3) << "at " << t << " s";
    (within ? low : high)++;
  });
  EXPECT_EQ(low, 2 * 7 + 1);  // the report at 48 h is at midnight
  EXPECT_EQ(high, 2 * 17);
  WaterInterventions same_hours;
  same_hours.timed_valve_settings = {{"V1", 25.0, 3600, 3600}};
  EXPECT_THROW(apply_interventions(net, same_hours), InputError);
  WaterInterventions on_a_pipe;
  on_a_pipe.timed_valve_settings = {{"P1", 25.0, 0, 3600}};
  EXPECT_THROW(apply_interventions(net, on_a_pipe), InputError);
}

TEST_F(WaterScenario, PumpScheduleStopsThePumpAndSavesEnergy) {
  const auto net = network("Net1");
  WaterInterventions schedule;
  schedule.pump_speed_schedules = {{"9", {1.0, 0.0}}};  // on for a pattern step (2 h), off for the next, ...
  const auto changed = apply_interventions(net, schedule);
  const auto k = link(changed, "9");
  int off = 0, on = 0;
  simulate(changed, [&](long t, const HydraulicState& s) {
    const bool expected_on = (t / changed.times.pattern_step_s) % 2 == 0;
    if (!expected_on) {
      EXPECT_TRUE(is_closed(s.status[k])) << t;
    }
    (is_closed(s.status[k]) ? off : on)++;
  });
  EXPECT_GT(off, 0);
  EXPECT_GT(on, 0);
  EXPECT_LT(simulate_kpis(changed, 40.0).pump_energy_kwh, simulate_kpis(net, 40.0).pump_energy_kwh);
}

TEST_F(WaterScenario, LeakageFollowsTheEmitterLaw) {
  const auto net = network("Net1");
  WaterInterventions leak;
  leak.emitter_coefficients = {{"22", 10.0}};  // GPM at 1 psi
  const auto changed = apply_interventions(net, leak);
  const auto kpis = simulate_kpis(changed, 40.0);
  EXPECT_GT(kpis.leakage_m3, 0.0);
  EXPECT_NEAR(kpis.delivered_m3, simulate_kpis(net, 40.0).delivered_m3, 1e-6);  // consumers still served
  const auto state = solve_steady(changed, 1e-3);
  const auto j = static_cast<std::size_t>(std::find(changed.node_id.begin(), changed.node_id.end(), "22") - changed.node_id.begin());
  const double psi = (state.head_ft[j] - changed.elevation_ft[j]) * changed.units.pressure_per_ft;
  EXPECT_NEAR(state.emitter_cfs[j] * changed.units.flow_per_cfs, 10.0 * std::sqrt(psi), 1e-3 * 10.0 * std::sqrt(psi));
}

TEST_F(WaterScenario, FavadLeakGrowsWithItsAreaAndCountsAsLeakage) {
  const auto net = network("Net1");
  const auto leakage_with = [&](double area, double expansion) {
    WaterInterventions leak;
    leak.favad_leaks = {{"111", area, expansion}};  // between junctions 11 and 21
    return simulate_kpis(apply_interventions(net, leak), 40.0);
  };
  const auto base = simulate_kpis(net, 40.0), small = leakage_with(2.0, 0.0), large = leakage_with(8.0, 0.5);
  EXPECT_EQ(base.leakage_m3, 0.0);
  EXPECT_GT(small.leakage_m3, 0.0);
  EXPECT_GT(large.leakage_m3, 4.0 * small.leakage_m3);  // four times the area, and it grows with pressure
  EXPECT_NEAR(small.delivered_m3, base.delivered_m3, 1e-6);  // consumers still served (demand-driven)
  WaterInterventions on_pump;
  on_pump.favad_leaks = {{"9", 1.0, 0.0}};
  EXPECT_THROW(apply_interventions(net, on_pump), InputError);
  WaterInterventions negative;
  negative.favad_leaks = {{"111", -1.0, 0.0}};
  EXPECT_THROW(apply_interventions(net, negative), InputError);
}

TEST_F(WaterScenario, PipeLeakSplitsBetweenItsEndJunctions) {
  const auto net = network("Net1");
  WaterInterventions leak;
  leak.pipe_leaks = {{"111", 8.0}};  // junctions 11 and 21
  const auto changed = apply_interventions(net, leak);
  const auto state = solve_steady(changed, 1e-3);
  double total_gpm = 0;
  for (const char* id : {"11", "21"}) {
    const auto j = static_cast<std::size_t>(std::find(changed.node_id.begin(), changed.node_id.end(), id) - changed.node_id.begin());
    EXPECT_DOUBLE_EQ(changed.emitter_coefficient[j], 4.0);
    const double psi = (state.head_ft[j] - changed.elevation_ft[j]) * changed.units.pressure_per_ft;
    EXPECT_NEAR(state.emitter_cfs[j] * changed.units.flow_per_cfs, 4.0 * std::sqrt(psi), 1e-3 * 4.0 * std::sqrt(psi));
    total_gpm += state.emitter_cfs[j] * changed.units.flow_per_cfs;
  }
  EXPECT_GT(total_gpm, 0.0);
  WaterInterventions valve;
  valve.pipe_leaks = {{"9", 1.0}};  // the pump
  EXPECT_THROW(apply_interventions(net, valve), InputError);
}

TEST_F(WaterScenario, PressureDeficitCountsJunctionsBelowTheThreshold) {
  const auto net = network("Net1");
  const auto all = simulate_kpis(net, 1e6), none = simulate_kpis(net, -1e6);
  EXPECT_EQ(all.pressure_deficit_junctions, 8);  // Net1: 8 junctions with demand, all below 1e6 psi
  EXPECT_NEAR(all.pressure_deficit_junction_hours, 8 * 24.0, 1e-9);
  EXPECT_EQ(none.pressure_deficit_junctions, 0);
  EXPECT_LT(all.min_pressure, all.max_pressure);
}

TEST_F(WaterScenario, PumpPowerMatchesRhoGQHOverEfficiency) {
  const auto net = network("Net1");
  const auto state = solve_steady(net);
  const auto& pump = net.pumps.front();
  const auto k = static_cast<std::size_t>(pump.link);
  const double q_m3s = state.flow_cfs[k] * 0.3048 * 0.3048 * 0.3048;
  const double h_m = (state.head_ft[static_cast<std::size_t>(net.to_node[k])] - state.head_ft[static_cast<std::size_t>(net.from_node[k])]) * 0.3048;
  const double expected_kw = 9.80665 * q_m3s * h_m / (net.global_efficiency_pct / 100.0);
  EXPECT_NEAR(pump_power_kw(net, pump, state), expected_kw, 2e-3 * expected_kw);  // EPANET's 8.814 constant vs rho g
}

TEST_F(WaterScenario, UnknownIdsAreErrorsNamingThem) {
  const auto net = network("Net1");
  WaterInterventions bad;
  bad.closed_links = {"no-such-pipe"};
  try {
    apply_interventions(net, bad);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'no-such-pipe' is not in network Net1"), std::string::npos) << e.what();
  }
  WaterInterventions setting_on_pipe;
  setting_on_pipe.valve_settings = {{"10", 30.0}};
  EXPECT_THROW(apply_interventions(net, setting_on_pipe), InputError);
  WaterInterventions wrong_size;
  wrong_size.junction_demand_multiplier = {1.0};
  EXPECT_THROW(apply_interventions(net, wrong_size), InputError);
}
