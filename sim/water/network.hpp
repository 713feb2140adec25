// Water distribution network, EPANET-compatible. Internally in EPANET's own units (ft, cfs, ft of
// head, ft^3, seconds) so that results match EPANET to its printed precision; converted to the
// file's units at the boundary (sim/water/inp_io.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sofiatwin::water {

enum class NodeType : std::uint8_t { junction, reservoir, tank };
enum class LinkType : std::uint8_t { pipe, cv_pipe, pump, prv, psv, pbv, fcv, tcv, gpv };
enum class HeadlossFormula : std::uint8_t { hazen_williams, darcy_weisbach, chezy_manning };

[[nodiscard]] inline bool is_valve(LinkType t) { return t >= LinkType::prv; }

/// EPANET's link status codes, in its order: everything up to `closed` is closed. xfcv: a flow
/// control valve that cannot hold its flow (open); xpressure: a pressure valve that cannot hold
/// its pressure (open).
enum class LinkStatus : std::uint8_t { xhead, temp_closed, closed, open, active, xflow, xfcv, xpressure };
[[nodiscard]] inline bool is_closed(LinkStatus s) { return s <= LinkStatus::closed; }

/// Factors from the file's units to EPANET's internal ones (value_internal = value_file / factor).
struct Units {
  std::string flow_name = "GPM";
  bool si = false;
  double flow_per_cfs = 448.831;  // user flow units per cfs
  double length_per_ft = 1.0;     // m or ft per ft
  double diameter_per_ft = 12.0;  // mm or in per ft
  double pressure_per_ft = 0.4333;  // m or psi per ft of head (x specific gravity)
  double velocity_per_fps = 1.0;
  double volume_per_ft3 = 1.0;    // m^3 or ft^3 per ft^3
  double power_per_hp = 1.0;      // kW or hp per hp
  std::string pressure_name;      // [OPTIONS] PRESSURE (PSI, KPA, METERS, BAR, FEET); empty: psi or m
};

/// File units per internal unit of a link's setting: pressure for PRV/PSV/PBV (internal: ft of
/// head), flow for FCV (internal: cfs), none for the others (TCV loss coefficient, pump speed).
[[nodiscard]] inline double setting_scale(const Units& u, LinkType t) {
  if (t == LinkType::prv || t == LinkType::psv || t == LinkType::pbv) return u.pressure_per_ft;
  if (t == LinkType::fcv) return u.flow_per_cfs;
  return 1.0;
}

/// Whether two link settings are the same (NaN, "no setting", equals NaN).
[[nodiscard]] inline bool same_setting(double a, double b) { return a == b || (a != a && b != b); }

/// [TIMES], in seconds.
struct Times {
  long duration_s = 0;
  long hydraulic_step_s = 3600;
  long pattern_step_s = 3600;
  long pattern_start_s = 0;
  long report_step_s = 3600;
  long report_start_s = 0;
  long start_clock_s = 0;  // START CLOCKTIME, seconds after midnight
  long rule_step_s = 0;    // RULE TIMESTEP (0: a tenth of the hydraulic step)
};

struct Pattern {
  std::string id;
  std::vector<double> multipliers;  // never empty
  /// Multiplier in force at `time_s` (pattern periods start at PATTERN START).
  [[nodiscard]] double at(long time_s, const Times& t) const {
    const long period = (time_s + t.pattern_start_s) / t.pattern_step_s;
    return multipliers[static_cast<std::size_t>(period % static_cast<long>(multipliers.size()))];
  }
};

/// A data curve in the file's units (x ascending).
struct Curve {
  std::string id;
  std::vector<double> x, y;
};

enum class PumpCurve : std::uint8_t { power, custom, constant_power };

/// A pump link. Head gain at relative speed w and flow q >= 0 (ft, cfs):
///   power function: w^2 a - b w^(2-c) q^c;   custom: the curve's segment through q / w, scaled;
///   constant power: 8.814 P / q (P in hp).
struct Pump {
  std::int32_t link = -1;
  PumpCurve kind = PumpCurve::power;
  double a_ft = 0, b = 0, c = 1;   // power function
  std::int32_t curve = -1;         // custom: head curve index (file units)
  double power_hp = 0;             // constant power
  double shutoff_head_ft = 0;      // largest head the pump can deliver at speed 1
  double design_flow_cfs = 0;      // initial flow
  std::int32_t speed_pattern = -1;
  std::int32_t efficiency_curve = -1;  // file units: % vs flow
  double price = 0;                // per kWh; 0 = the global price
  std::int32_t price_pattern = -1;
};

struct Tank {
  std::int32_t node = -1;
  double min_head_ft = 0, max_head_ft = 0, initial_head_ft = 0;
  double area_ft2 = 0, min_volume_ft3 = 0, max_volume_ft3 = 0, initial_volume_ft3 = 0;
  std::int32_t volume_curve = -1;  // volume (file units) vs depth (file units)
  bool can_overflow = false;
};

/// A simple control ([CONTROLS]): sets a link's status or setting at a time, a time of day, or
/// when a node's head crosses a grade.
struct Control {
  enum class Kind : std::uint8_t { low_level, high_level, timer, time_of_day };
  Kind kind = Kind::timer;
  std::int32_t link = -1;
  std::int32_t node = -1;  // level controls
  double grade_ft = 0;     // level controls: head at which the control fires
  long time_s = 0;         // timer: seconds since start; time of day: seconds after midnight
  LinkStatus status = LinkStatus::open;  // the status it sets (active: a valve given a setting)
  double setting = 0;      // pump speed or valve setting (internal units); NaN: none (a valve fixed open or closed)
};

/// One condition of a rule ([RULES]): `object attribute relation value`.
struct RulePremise {
  enum class Variable : std::uint8_t { demand, head, pressure, level, flow, status, setting, fill_time, drain_time, time, clock_time, system_demand };
  enum class Relation : std::uint8_t { eq, ne, lt, le, gt, ge };
  bool joined_by_or = false;  // OR with the premises before it (else AND)
  Variable variable = Variable::head;
  Relation relation = Relation::eq;
  std::int32_t index = -1;  // node or link
  double value = 0;         // file units; times in seconds
  LinkStatus status_value = LinkStatus::open;  // for status premises (open, closed or active)
};

/// `LINK id STATUS IS OPEN|CLOSED|ACTIVE` or `LINK id SETTING IS value`.
struct RuleAction {
  std::int32_t link = -1;
  bool sets_status = true;
  bool open = true;
  double setting = 0;  // file units
};

struct Rule {
  std::string id;
  std::vector<RulePremise> premises;
  std::vector<RuleAction> then_actions, else_actions;
  double priority = 0;
};

struct WaterNetwork {
  std::string name;
  Units units;
  HeadlossFormula headloss = HeadlossFormula::hazen_williams;
  double accuracy = 0.001;
  int max_trials = 200;
  int extra_trials = -1;    // UNBALANCED: -1 = STOP, else CONTINUE n (n more trials, then go on)
  int check_frequency = 2;  // status checks every this many trials...
  int max_check = 10;       // ...up to this trial
  double damp_limit = 0.0;  // DAMPLIMIT: below this relative error, flow changes are damped (0.6)
  // HEADERROR and FLOWCHANGE (0: unused): a solution also needs every open link's head loss within
  // the first of its head difference and every link's last flow change below the second
  double head_error_limit_ft = 0.0, flow_change_limit_cfs = 0.0;
  double demand_multiplier = 1.0;
  // pressure-driven demand (Wagner): full demand at PREQ, none below PMIN, exponent PEXP
  bool pressure_driven = false;
  double min_pressure_ft = 0.0, required_pressure_ft = 0.1 / 0.4333, pressure_exponent = 0.5;
  double emitter_exponent = 0.5;  // EMITTER EXPONENT: q = C p^exponent
  double viscosity_ft2_s = 1.1e-5;
  double specific_gravity = 1.0;
  Times times;
  double global_efficiency_pct = 75.0, global_price = 0.0;
  std::int32_t global_price_pattern = -1;

  // nodes: junctions first (file order), then reservoirs, then tanks
  std::vector<std::string> node_id;
  std::vector<NodeType> node_type;
  std::vector<double> elevation_ft;
  std::vector<double> base_demand_cfs;  // junctions: sum of demand categories x their pattern at time 0
  std::vector<double> fixed_head_ft;    // reservoirs: base head; tanks: initial head
  std::vector<std::int32_t> head_pattern;  // reservoirs: head pattern or -1
  std::int32_t junction_count = 0;
  // demand categories of each junction: [demand_begin[j], demand_begin[j + 1])
  std::vector<std::int32_t> demand_begin;
  std::vector<double> demand_cfs;
  std::vector<std::int32_t> demand_pattern;  // -1: constant
  std::vector<double> emitter_coefficient;   // per junction: C in the file's units (flow / pressure^exponent), 0 = none

  // links in file order (pipes, then pumps, then valves)
  std::vector<std::string> link_id;
  std::vector<LinkType> link_type;
  std::vector<std::int32_t> from_node, to_node;
  std::vector<double> length_ft, diameter_ft, roughness, minor_loss_k;
  std::vector<char> initially_closed;
  std::vector<char> initially_fixed;    // valves fixed OPEN or CLOSED by [STATUS] (no setting)
  std::vector<double> initial_setting;  // pumps: relative speed; valves: setting (ft of head for
                                        // PRV/PSV/PBV, cfs for FCV, K for TCV, curve for GPV);
                                        // pipes: roughness as given
  // EPANET 2.3 pipe leakage (FAVAD), as in the file: per link, or empty when no pipe leaks.
  // leak_area: mm^2 of leak opening per 100 length units of pipe; leak_expansion: mm^2 more per
  // metre of pressure head, per 100 length units (per metre in US files too: EPANET 2.3.5's
  // conversion, measured against it).
  std::vector<double> leak_area, leak_expansion;

  std::vector<Pattern> patterns;
  std::vector<Curve> curves;
  std::vector<Pump> pumps;
  std::vector<std::int32_t> pump_of_link;  // index into pumps, -1 for other links
  std::vector<Tank> tanks;
  std::vector<std::int32_t> tank_of_node;  // index into tanks, -1 for other nodes
  std::vector<Control> controls;
  std::vector<Rule> rules;

  [[nodiscard]] std::size_t node_count() const { return node_id.size(); }
  [[nodiscard]] std::size_t link_count() const { return link_id.size(); }
};

}  // namespace sofiatwin::water
