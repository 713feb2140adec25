#include "hydraulics.hpp"

#include <Eigen/OrderingMethods>
#include <Eigen/SparseCore>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "sim/core/sparse_ldl.hpp"

namespace sofiatwin::water {
namespace {

constexpr double pi = 3.141592653589793;
constexpr double gravity_ft_s2 = 32.2;
constexpr double closed_gradient = 1e8;  // a closed link: h = 1e8 q
constexpr double open_valve_gradient = 1e-6;  // an open valve without minor loss: h = 1e-6 q (EPANET 2.3)
constexpr double min_gradient = 1e-7;    // keeps p finite at zero flow

/// Darcy-Weisbach friction factor (EPANET manual, appendix D): 64/Re laminar (Re < 2000),
/// Swamee-Jain turbulent (Re > 4000), Dunlop's cubic interpolation in between, with EPANET's
/// choice of anchoring the cubic's coefficients at Re = 4000.
/// Returns f at |q|; `slope` gets df/d|q| (analytic, per regime).
double friction_factor(double q_cfs, double d_ft, double roughness_ft, double viscosity, double& slope) {
  const double aq = std::max(std::abs(q_cfs), 1e-15);
  const double re = 4.0 * aq / (pi * d_ft * viscosity);  // Re is proportional to |q|: dRe/d|q| = Re / |q|
  if (re < 2000.0) {
    const double f = 64.0 / std::max(re, 1e-10);
    slope = -f / aq;
    return f;
  }
  const double relative = roughness_ft / (3.7 * d_ft);
  if (re > 4000.0) {
    const double a = relative + 5.74 / std::pow(re, 0.9);
    const double l = std::log10(a);
    const double dl_dre = -0.9 * 5.74 / std::pow(re, 1.9) / (a * std::log(10.0));
    slope = -0.5 / (l * l * l) * dl_dre * re / aq;
    return 0.25 / (l * l);
  }
  // EPANET evaluates Y2 and Y3 at Re = 4000, which makes f a cubic in R = Re / 2000.
  const double r = re / 2000.0;
  const double y2 = relative + 5.74 / std::pow(4000.0, 0.9);
  const double y3 = -0.86859 * std::log(y2);
  const double fa = 1.0 / (y3 * y3);
  const double fb = fa * (2.0 - 0.00514215 / (y2 * y3));
  const double x1 = 7.0 * fa - fb, x2 = 0.128 - 17.0 * fa + 2.5 * fb, x3 = -0.128 + 13.0 * fa - 2.0 * fb;
  const double c4 = 0.032 - 3.0 * fa + 0.5 * fb;
  slope = (x2 + r * (2.0 * x3 + 3.0 * c4 * r)) * r / aq;
  return x1 + r * (x2 + r * (x3 + r * c4));
}

}  // namespace

namespace {

/// A pipe's resistance coefficient: h = r q^1.852 (H-W), f r q^2 (D-W), r q^2 (C-M), in ft and cfs.
double pipe_resistance(const WaterNetwork& net, std::size_t k) {
  const double d = net.diameter_ft[k], length = net.length_ft[k];
  switch (net.headloss) {
    case HeadlossFormula::hazen_williams: return 4.727 * length / (std::pow(net.roughness[k], 1.852) * std::pow(d, 4.871));
    case HeadlossFormula::darcy_weisbach: {
      const double area = pi * d * d / 4.0;
      return length / (2.0 * gravity_ft_s2 * d * area * area);  // h = f L / d v^2 / 2g
    }
    case HeadlossFormula::chezy_manning: return 4.66 * net.roughness[k] * net.roughness[k] * length / std::pow(d, 5.33);
  }
  return 0.0;
}

/// Head loss and gradient of a pipe with resistance r (see pipe_resistance), minor-loss
/// coefficient km and (D-W only) friction factor f and its slope df/d|q| at flow q.
void pipe_headloss(const WaterNetwork& net, double r, double km, double q, double f, double df_dq, double& h, double& g) {
  const double aq = std::abs(q);
  switch (net.headloss) {
    case HeadlossFormula::hazen_williams: {
      const double rq = r * std::pow(aq, 0.852);
      h = rq * q;
      g = 1.852 * rq;
      break;
    }
    case HeadlossFormula::darcy_weisbach: {
      // dh/dq = r (2 f |q| + f'(|q|) q^2): the friction factor's own slope is part of the gradient
      // (for laminar flow f ~ 1/|q| and h is linear in q).
      h = f * r * aq * q;
      g = r * (2.0 * f * aq + df_dq * aq * aq);
      break;
    }
    case HeadlossFormula::chezy_manning:
      h = r * aq * q;
      g = 2.0 * r * aq;
      break;
  }
  h += km * aq * q;
  g = std::max(g + 2.0 * km * aq, min_gradient);
}

double minor_loss_coefficient(const WaterNetwork& net, std::size_t k) {
  const double d = net.diameter_ft[k];
  return 0.02517 * net.minor_loss_k[k] / (d * d * d * d);  // K v^2 / 2g with v = q / A
}

}  // namespace

void link_headloss(const WaterNetwork& net, std::size_t k, double q, double& h, double& g) {
  double df_dq = 0.0;
  const double f = net.headloss == HeadlossFormula::darcy_weisbach ? friction_factor(q, net.diameter_ft[k], net.roughness[k], net.viscosity_ft2_s, df_dq) : 1.0;
  pipe_headloss(net, pipe_resistance(net, k), minor_loss_coefficient(net, k), q, f, df_dq, h, g);
}

namespace {

constexpr double head_tolerance_ft = 0.0005;  // EPANET's Htol
// From this many junctions each iteration is split in two groups of independent elimination
// subtrees with the links inside them (assembly, factorisation, solve and flow update per group),
// which a second thread shares (PairTeam). The split changes the order of some sums, so it depends
// on the network alone, never on the thread count. Measured on the 2-core CI machine: MICROPOLIS_v1
// (1 574 junctions, 0.07 ms an iteration) gains little, 3 000-junction networks gain.
constexpr std::int32_t split_junctions = 1000;
// That many groups, which the two threads take as they come. More groups would let the faster
// thread take more where the second core runs slower, but cost a larger rest: measured on the CI
// machine, 4 and 6 were slower than 2 on all four mid-size networks.
constexpr int split_groups = 2;
constexpr double flow_tolerance_cfs = 0.0001; // EPANET's Qtol
constexpr double zero_flow_cfs = 1e-6;        // EPANET's QZERO

/// Linear interpolation in a curve, clamped at its ends (EPANET's interp).
double interpolate(const std::vector<double>& x, const std::vector<double>& y, double at) {
  if (at <= x.front()) return y.front();
  if (at >= x.back()) return y.back();
  const auto i = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), at) - x.begin());
  return y[i - 1] + (y[i] - y[i - 1]) * (at - x[i - 1]) / (x[i] - x[i - 1]);
}

/// EPANET's cvstatus: a check valve closes on reverse head or reverse flow.
LinkStatus check_valve_status(LinkStatus s, double dh, double q) {
  if (std::abs(dh) > head_tolerance_ft) {
    if (dh < -head_tolerance_ft) return LinkStatus::closed;
    return q < -flow_tolerance_cfs ? LinkStatus::closed : LinkStatus::open;
  }
  return q < -flow_tolerance_cfs ? LinkStatus::closed : s;
}

}  // namespace

double tank_volume(const WaterNetwork& net, const Tank& tank, double head_ft) {
  if (tank.volume_curve < 0) return tank.min_volume_ft3 + (head_ft - tank.min_head_ft) * tank.area_ft2;
  const auto& c = net.curves[static_cast<std::size_t>(tank.volume_curve)];
  const double depth = (head_ft - net.elevation_ft[static_cast<std::size_t>(tank.node)]) * net.units.length_per_ft;
  return interpolate(c.x, c.y, depth) / net.units.volume_per_ft3;
}

double tank_head(const WaterNetwork& net, const Tank& tank, double volume_ft3) {
  if (tank.volume_curve < 0) return tank.min_head_ft + (volume_ft3 - tank.min_volume_ft3) / tank.area_ft2;
  const auto& c = net.curves[static_cast<std::size_t>(tank.volume_curve)];
  return net.elevation_ft[static_cast<std::size_t>(tank.node)] + interpolate(c.y, c.x, volume_ft3 * net.units.volume_per_ft3) / net.units.length_per_ft;
}

namespace {

/// The segment of a head-flow curve (pump head, GPV head loss; file units) around flow q (cfs),
/// extended linearly beyond the curve's ends (EPANET's curvecoeff): h = h0 + slope q, ft and ft/cfs.
void curve_segment(const WaterNetwork& net, const Curve& c, double q, double& h0_ft, double& slope) {
  const double qc = q * net.units.flow_per_cfs;
  std::size_t k2 = 0;
  while (k2 < c.x.size() && c.x[k2] < qc) ++k2;
  if (k2 == 0) k2 = 1;
  else if (k2 == c.x.size()) --k2;
  slope = (c.y[k2] - c.y[k2 - 1]) / (c.x[k2] - c.x[k2 - 1]) * net.units.flow_per_cfs / net.units.length_per_ft;
  h0_ft = c.y[k2 - 1] / net.units.length_per_ft - slope * c.x[k2 - 1] / net.units.flow_per_cfs;
}

}  // namespace

double pump_head_gain(const WaterNetwork& net, const Pump& pump, double speed, double q) {
  if (pump.kind == PumpCurve::constant_power) return 8.814 * pump.power_hp * speed * speed * speed / std::max(q, 1e-6);
  if (pump.kind == PumpCurve::power) return speed * speed * pump.a_ft - pump.b * std::pow(speed, 2.0 - pump.c) * std::pow(q, pump.c);
  double h0 = 0, slope = 0;
  curve_segment(net, net.curves[static_cast<std::size_t>(pump.curve)], q / speed, h0, slope);
  return speed * speed * h0 + speed * slope * q;
}

HydraulicState initial_state(const WaterNetwork& net) {
  HydraulicState s;
  const auto links = net.link_count();
  s.head_ft.assign(net.node_count(), 0.0);
  s.demand_cfs.assign(net.node_count(), 0.0);
  for (std::size_t v = static_cast<std::size_t>(net.junction_count); v < net.node_count(); ++v) s.head_ft[v] = net.fixed_head_ft[v];
  for (const auto& t : net.tanks) s.tank_volume_ft3.push_back(t.initial_volume_ft3);
  s.status.resize(links);
  s.setting = net.initial_setting;
  s.flow_cfs.resize(links);
  for (std::size_t k = 0; k < links; ++k) {
    s.status[k] = net.initially_closed[k] ? LinkStatus::closed : LinkStatus::open;
    if (net.link_type[k] == LinkType::pump && net.initially_closed[k]) s.setting[k] = 0.0;
    if (is_valve(net.link_type[k])) {
      // valves start active unless [STATUS] fixed them open or closed (then they have no setting)
      if (net.initially_fixed[k]) s.setting[k] = std::numeric_limits<double>::quiet_NaN();
      else if (!net.initially_closed[k]) s.status[k] = LinkStatus::active;
    }
    if (is_closed(s.status[k])) s.flow_cfs[k] = zero_flow_cfs;
    else if (net.link_type[k] == LinkType::pump) s.flow_cfs[k] = s.setting[k] * net.pumps[static_cast<std::size_t>(net.pump_of_link[k])].design_flow_cfs;
    else s.flow_cfs[k] = pi * net.diameter_ft[k] * net.diameter_ft[k] / 4.0;
  }
  s.emitter_cfs.assign(static_cast<std::size_t>(net.junction_count), 0.0);
  for (std::size_t j = 0; j < s.emitter_cfs.size() && j < net.emitter_coefficient.size(); ++j)
    if (net.emitter_coefficient[j] > 0) s.emitter_cfs[j] = 1.0;  // EPANET's initial emitter flow
  s.leak_fixed_cfs.assign(static_cast<std::size_t>(net.junction_count), 0.0);
  s.leak_variable_cfs = s.leak_fixed_cfs;
  for (std::size_t k = 0; k < net.leak_area.size() && k < net.leak_expansion.size(); ++k) {
    if (net.leak_area[k] <= 0 && net.leak_expansion[k] <= 0) continue;
    for (const auto end : {net.from_node[k], net.to_node[k]}) {
      if (end >= net.junction_count) continue;
      // EPANET's initial leakage flows
      if (net.leak_area[k] > 0) s.leak_fixed_cfs[static_cast<std::size_t>(end)] = 0.001;
      if (net.leak_expansion[k] > 0) s.leak_variable_cfs[static_cast<std::size_t>(end)] = 0.001;
    }
  }
  apply_patterns(net, 0, s);
  return s;
}

double leakage_cfs(const HydraulicState& s, std::size_t j) { return s.leak_fixed_cfs[j] + s.leak_variable_cfs[j]; }

double outflow(const HydraulicState& s, std::size_t v) {
  if (v < s.delivered_cfs.size()) return s.delivered_cfs[v] + s.emitter_cfs[v] + leakage_cfs(s, v);
  return s.demand_cfs[v];
}

void apply_patterns(const WaterNetwork& net, long time_s, HydraulicState& s) {
  std::vector<double> multiplier(net.patterns.size());  // each pattern's, looked up once
  for (std::size_t p = 0; p < multiplier.size(); ++p) multiplier[p] = net.patterns[p].at(time_s, net.times);
  for (std::int32_t j = 0; j < net.junction_count; ++j) {
    double sum = 0.0;
    for (auto d = net.demand_begin[static_cast<std::size_t>(j)]; d < net.demand_begin[static_cast<std::size_t>(j) + 1]; ++d) {
      const auto pattern = net.demand_pattern[static_cast<std::size_t>(d)];
      const double m = pattern < 0 ? 1.0 : multiplier[static_cast<std::size_t>(pattern)];
      sum += net.demand_cfs[static_cast<std::size_t>(d)] * m * net.demand_multiplier;
    }
    s.demand_cfs[static_cast<std::size_t>(j)] = sum;
  }
  s.delivered_cfs.assign(s.demand_cfs.begin(), s.demand_cfs.begin() + net.junction_count);
  for (std::size_t v = static_cast<std::size_t>(net.junction_count); v < net.node_count(); ++v)
    if (net.node_type[v] == NodeType::reservoir && net.head_pattern[v] >= 0)
      s.head_ft[v] = net.elevation_ft[v] * net.patterns[static_cast<std::size_t>(net.head_pattern[v])].at(time_s, net.times);
  for (const auto& pump : net.pumps) {
    if (pump.speed_pattern < 0) continue;
    const auto k = static_cast<std::size_t>(pump.link);
    const double speed = net.patterns[static_cast<std::size_t>(pump.speed_pattern)].at(time_s, net.times);
    s.setting[k] = speed;
    if (speed > 0 && is_closed(s.status[k])) s.status[k] = LinkStatus::open;
    if (speed == 0 && !is_closed(s.status[k])) s.status[k] = LinkStatus::closed;
  }
}

// The matrix is assembled in the factorisation's own numbering (a fill-reducing AMD order, then
// two groups of independent elimination subtrees and the rest, each contiguous; computed once),
// right in its value array: junction j is row row[j].
struct HydraulicSolver::Linear {
  linalg::SparseLdl ldlt;
  std::vector<std::int32_t> row, junction_of_row;
};

HydraulicSolver::~HydraulicSolver() = default;

namespace {

/// EPANET's valvecoeff: an open valve loses only its minor loss (or nothing), a closed one blocks.
void valve_coefficients(double km, double q, bool closed, double& p, double& y) {
  if (closed) {
    p = 1.0 / closed_gradient;
    y = q;
  } else if (km > 0.0) {
    p = 1.0 / std::max(2.0 * km * std::abs(q), min_gradient);
    y = q / 2.0;
  } else {  // no minor loss: EPANET 2.3's open-valve gradient (h = 1e-6 q), not the pipes' 1e-7
    p = 1.0 / open_valve_gradient;
    y = q;
  }
}

[[nodiscard]] bool controls_a_node(const WaterNetwork& net, std::size_t k, const HydraulicState& s) {
  const auto t = net.link_type[k];
  return (t == LinkType::prv || t == LinkType::psv || t == LinkType::fcv) && !std::isnan(s.setting[k]);
}

}  // namespace

namespace {

/// EPANET's demandheadloss: the head a pressure-driven demand flow d of full demand `full` needs
/// above the minimum pressure (Wagner's curve inverted, with barriers below 0 and above full).
void demand_headloss(double d, double full, double dp, double n, double& loss, double& gradient) {
  const double r = d / full;
  if (r <= 0) {
    gradient = closed_gradient, loss = closed_gradient * d;
  } else if (r < 1.0) {
    gradient = n * dp * std::pow(r, n - 1.0) / full;
    if (gradient < min_gradient) gradient = min_gradient, loss = gradient * d;
    else loss = gradient * d / n;
  } else {
    gradient = closed_gradient, loss = dp + closed_gradient * (d - full);
  }
}

/// EPANET 2.3's leakage head loss: the head h = k |q|^(1/n) q-signed that drives a leakage flow q
/// (n = 0.5 fixed area, 1.5 variable area), linear below the smallest gradient, with EPANET's
/// barrier that keeps the flow from going negative.
void leak_headloss(double q, double k, double n, double& loss, double& gradient) {
  const double power = 1.0 / n;
  gradient = power * k * std::pow(std::abs(q), power - 1.0);
  if (gradient < min_gradient) gradient = min_gradient / power, loss = gradient * q;
  else loss = gradient * q / power;
  const double a = 1e9 * q, b = std::sqrt(a * a + 1e-6);
  loss += (a - b) / 2.0;
  gradient += 1e9 / 2.0 * (1.0 - a / b);
}

/// One leakage part's terms at a junction: its conductance 1 / gradient on the diagonal and
/// (head loss + elevation) / gradient on the right-hand side.
void add_leak_terms(double q, double k, double n, double elevation_ft, double& diagonal, double& rhs) {
  if (k <= 0) return;
  double loss = 0, gradient = 0;
  leak_headloss(q, k, n, loss, gradient);
  if (gradient <= 0) return;
  diagonal += 1.0 / gradient;
  rhs += (loss + elevation_ft) / gradient;
}

/// One leakage part's new flow from the junction's pressure head (EPANET's GGA update); returns
/// the change.
double update_leak_flow(double& q, double k, double n, double pressure_head_ft, double relax) {
  if (k <= 0) return 0.0;
  double loss = 0, gradient = 0;
  leak_headloss(q, k, n, loss, gradient);
  if (gradient <= 0) return 0.0;
  const double dq = (loss - pressure_head_ft) / gradient * relax;
  q -= dq;
  return dq;
}

}  // namespace

void HydraulicSolver::node_coefficients(const HydraulicState& s, Eigen::VectorXd& F, int group) {
  double* values = linear_->ldlt.values();
  const auto& ldlt = linear_->ldlt;
  const double n_emitter = 1.0 / net_.emitter_exponent;
  const double dp = net_.required_pressure_ft - net_.min_pressure_ft, n_demand = 1.0 / net_.pressure_exponent;
  const auto begin = ldlt.part_begin(group), end = ldlt.part_end(group);
  for (auto r = begin; r < end; ++r) {
    const auto j = static_cast<std::size_t>(linear_->junction_of_row[static_cast<std::size_t>(r)]);
    auto& excess = excess_[static_cast<std::size_t>(r)];
    if (emitter_k_[j] > 0) {
      const double q = s.emitter_cfs[j], aq = std::max(std::abs(q), 1e-12);
      const double z = emitter_k_[j] * std::pow(aq, n_emitter), g = n_emitter * z / aq;
      const double p = g < min_gradient ? 1.0 / min_gradient : 1.0 / g;
      values[diagonal_[j]] += p;
      F[r] += (q >= 0 ? 1.0 : -1.0) * z * p + p * net_.elevation_ft[j];
      excess -= q;
    }
    const double full = s.demand_cfs[j];
    if (net_.pressure_driven && full > 0.0) {
      double loss = 0, gradient = 0;
      demand_headloss(s.delivered_cfs[j], full, dp, n_demand, loss, gradient);
      values[diagonal_[j]] += 1.0 / gradient;
      F[r] += (loss + net_.elevation_ft[j] + net_.min_pressure_ft) / gradient;
      excess -= s.delivered_cfs[j];
    } else {
      excess -= full;
    }
    if (!leaking_junctions_.empty() && (leak_fixed_k_[j] > 0 || leak_variable_k_[j] > 0)) {
      add_leak_terms(s.leak_fixed_cfs[j], leak_fixed_k_[j], 0.5, net_.elevation_ft[j], values[diagonal_[j]], F[r]);
      add_leak_terms(s.leak_variable_cfs[j], leak_variable_k_[j], 1.5, net_.elevation_ft[j], values[diagonal_[j]], F[r]);
      excess -= leakage_cfs(s, j);
    }
    F[r] += excess;
  }
}

void HydraulicSolver::update_node_flows(HydraulicState& s, double relax, double& change, double& total, double& largest) const {
  const auto junctions = static_cast<std::size_t>(net_.junction_count);
  const double n_emitter = 1.0 / net_.emitter_exponent;
  for (std::size_t j = 0; j < junctions; ++j) {
    if (emitter_k_[j] <= 0) continue;
    const double q = s.emitter_cfs[j];
    const double g = n_emitter * emitter_k_[j] * std::pow(std::max(std::abs(q), 1e-12), n_emitter - 1.0);
    const double p = g < min_gradient ? 1.0 / min_gradient : 1.0 / g;
    const double dq = q / n_emitter - p * (s.head_ft[j] - net_.elevation_ft[j]);
    s.emitter_cfs[j] -= dq;
    change += std::abs(dq), total += std::abs(s.emitter_cfs[j]), largest = std::max(largest, std::abs(dq));
  }
  if (net_.pressure_driven) {
    const double dp = net_.required_pressure_ft - net_.min_pressure_ft, n_demand = 1.0 / net_.pressure_exponent;
    for (std::size_t j = 0; j < junctions; ++j) {
      const double full = s.demand_cfs[j];
      if (full <= 0.0) continue;
      double loss = 0, gradient = 0;
      demand_headloss(s.delivered_cfs[j], full, dp, n_demand, loss, gradient);
      const double dq = relax * (s.head_ft[j] - net_.elevation_ft[j] - net_.min_pressure_ft - loss) / gradient;
      s.delivered_cfs[j] += dq;
      change += std::abs(dq), total += std::abs(s.delivered_cfs[j]), largest = std::max(largest, std::abs(dq));
    }
  }
  // pipe leakage last, as EPANET's newflows
  for (const auto leaking : leaking_junctions_) {
    const auto j = static_cast<std::size_t>(leaking);
    const double pressure_head_ft = s.head_ft[j] - net_.elevation_ft[j];
    const double dq = update_leak_flow(s.leak_fixed_cfs[j], leak_fixed_k_[j], 0.5, pressure_head_ft, relax) +
                      update_leak_flow(s.leak_variable_cfs[j], leak_variable_k_[j], 1.5, pressure_head_ft, relax);
    if (dq == 0.0) continue;
    change += std::abs(dq), total += std::abs(leakage_cfs(s, j)), largest = std::max(largest, std::abs(dq));
  }
}

bool HydraulicSolver::leakage_converged(const HydraulicState& s) const {
  for (const auto leaking : leaking_junctions_) {
    const auto j = static_cast<std::size_t>(leaking);
    const double h = s.head_ft[j] - net_.elevation_ft[j];
    double expected = 0.0;  // the FAVAD law at this pressure head (none below zero)
    if (h > 0 && leak_fixed_k_[j] > 0) expected += std::sqrt(h / leak_fixed_k_[j]);
    if (h > 0 && leak_variable_k_[j] > 0) expected += std::pow(h / leak_variable_k_[j], 1.5);
    if (std::abs(expected - leakage_cfs(s, j)) > 1e-4 + 1e-3 * expected) return false;
  }
  return true;
}

void HydraulicSolver::control_valve_coefficients(const HydraulicState& s, std::size_t k, Eigen::VectorXd& F) {
  // valves join two junctions (the reader refuses others)
  double* values = linear_->ldlt.values();
  const auto u1 = static_cast<std::size_t>(net_.from_node[k]), u2 = static_cast<std::size_t>(net_.to_node[k]);
  const auto n1 = linear_->row[u1], n2 = linear_->row[u2];  // their rows
  const double q = s.flow_cfs[k];
  const auto ks = static_cast<std::size_t>(slot_of_link_[k]);
  const auto type = net_.link_type[k];
  if (s.status[k] == LinkStatus::active && type != LinkType::fcv) {
    if (type == LinkType::prv) {  // hold the downstream head at the setting, pass the downstream deficit
      p_[ks] = 0.0;
      y_[ks] = q + excess_[static_cast<std::size_t>(n2)];
      F[n2] += (net_.elevation_ft[u2] + s.setting[k]) * closed_gradient;
      values[diagonal_[u2]] += closed_gradient;
      if (excess_[static_cast<std::size_t>(n2)] < 0.0) F[n1] += excess_[static_cast<std::size_t>(n2)];
    } else {  // PSV: hold the upstream head, pass the upstream surplus
      p_[ks] = 0.0;
      y_[ks] = q - excess_[static_cast<std::size_t>(n1)];
      F[n1] += (net_.elevation_ft[u1] + s.setting[k]) * closed_gradient;
      values[diagonal_[u1]] += closed_gradient;
      if (excess_[static_cast<std::size_t>(n1)] > 0.0) F[n2] += excess_[static_cast<std::size_t>(n1)];
    }
    return;
  }
  if (type == LinkType::fcv && s.status[k] == LinkStatus::active) {  // the flow setting as a demand upstream, a supply downstream
    const double setting = s.setting[k];
    excess_[static_cast<std::size_t>(n1)] -= setting;
    excess_[static_cast<std::size_t>(n2)] += setting;
    y_[ks] = q - setting;
    F[n1] -= setting;
    F[n2] += setting;
    p_[ks] = 1.0 / closed_gradient;
  } else {
    valve_coefficients(minor_k_[k], q, is_closed(s.status[k]), p_[ks], y_[ks]);
    F[n1] += y_[ks] - q;
    F[n2] -= y_[ks] - q;
  }
  values[off_diagonal_[k]] -= p_[ks];
  values[diagonal_[u1]] += p_[ks];
  values[diagonal_[u2]] += p_[ks];
}

HydraulicSolver::HydraulicSolver(const WaterNetwork& net)
    : net_(net), linear_(std::make_unique<Linear>()), p_(net.link_count()), y_(net.link_count()), excess_(net.node_count()) {
  // The sparsity pattern is fixed: order and analyse it once.
  const auto junctions = net.junction_count;
  std::vector<Eigen::Triplet<double>> full;
  for (std::int32_t j = 0; j < junctions; ++j) full.emplace_back(j, j, 1.0);
  for (std::size_t k = 0; k < net.link_count(); ++k) {
    const auto a = net.from_node[k], b = net.to_node[k];
    if (a < junctions && b < junctions) full.emplace_back(a, b, 1.0), full.emplace_back(b, a, 1.0);
  }
  Eigen::SparseMatrix<double> symmetric(junctions, junctions);
  symmetric.setFromTriplets(full.begin(), full.end());
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> inverse_order;
  Eigen::AMDOrdering<int>()(symmetric, inverse_order);
  std::vector<std::int32_t> order(static_cast<std::size_t>(junctions));  // junction -> AMD row
  for (std::int32_t r = 0; r < junctions; ++r) order[static_cast<std::size_t>(inverse_order.indices()[r])] = r;
  std::vector<Eigen::Triplet<double>> pattern;  // upper triangle in AMD order
  for (std::int32_t j = 0; j < junctions; ++j) pattern.emplace_back(order[static_cast<std::size_t>(j)], order[static_cast<std::size_t>(j)], 1.0);
  for (std::size_t k = 0; k < net.link_count(); ++k) {
    const auto a = net.from_node[k], b = net.to_node[k];
    if (a < junctions && b < junctions) {
      const auto ra = order[static_cast<std::size_t>(a)], rb = order[static_cast<std::size_t>(b)];
      pattern.emplace_back(std::min(ra, rb), std::max(ra, rb), 0.0);
    }
  }
  Eigen::SparseMatrix<double> m(junctions, junctions);
  m.setFromTriplets(pattern.begin(), pattern.end());
  m.makeCompressed();
  auto& ldlt = linear_->ldlt;
  ldlt.analyse(junctions, m.outerIndexPtr(), m.innerIndexPtr(), split_junctions, split_groups);
  const auto parts = static_cast<std::size_t>(ldlt.group_count()) + 1;  // the groups and the rest
  auto& row = linear_->row;
  row.resize(static_cast<std::size_t>(junctions));
  linear_->junction_of_row.resize(static_cast<std::size_t>(junctions));
  for (std::int32_t j = 0; j < junctions; ++j) {
    row[static_cast<std::size_t>(j)] = ldlt.own_row(order[static_cast<std::size_t>(j)]);
    linear_->junction_of_row[static_cast<std::size_t>(row[static_cast<std::size_t>(j)])] = j;
  }
  // where each coefficient lives in the factorisation's value array (no searching per iteration)
  auto position = [&](std::int32_t r, std::int32_t c) {
    const auto* begin = m.innerIndexPtr() + m.outerIndexPtr()[c];
    const auto* end = m.innerIndexPtr() + m.outerIndexPtr()[c + 1];
    return ldlt.own_position(static_cast<std::int32_t>(std::lower_bound(begin, end, r) - m.innerIndexPtr()));
  };
  diagonal_.resize(static_cast<std::size_t>(junctions));
  for (std::int32_t j = 0; j < junctions; ++j) diagonal_[static_cast<std::size_t>(j)] = position(order[static_cast<std::size_t>(j)], order[static_cast<std::size_t>(j)]);
  off_diagonal_.assign(net.link_count(), -1);
  resistance_.resize(net.link_count());
  minor_k_.resize(net.link_count());
  for (std::size_t k = 0; k < net.link_count(); ++k) {
    const auto a = net.from_node[k], b = net.to_node[k];
    if (a < junctions && b < junctions) {
      const auto ra = order[static_cast<std::size_t>(a)], rb = order[static_cast<std::size_t>(b)];
      off_diagonal_[k] = position(std::min(ra, rb), std::max(ra, rb));
    }
    resistance_[k] = net.link_type[k] == LinkType::pipe || net.link_type[k] == LinkType::cv_pipe ? pipe_resistance(net, k) : 0.0;
    if (net.link_type[k] == LinkType::prv || net.link_type[k] == LinkType::psv || net.link_type[k] == LinkType::fcv) control_valves_.push_back(static_cast<std::int32_t>(k));
    minor_k_[k] = minor_loss_coefficient(net, k);
  }
  // each node's links, in link order (the fixed-grade nodes' net inflows are summed from them)
  incident_begin_.assign(net.node_count() + 1, 0);
  for (std::size_t k = 0; k < net.link_count(); ++k)
    ++incident_begin_[static_cast<std::size_t>(net.from_node[k]) + 1], ++incident_begin_[static_cast<std::size_t>(net.to_node[k]) + 1];
  std::partial_sum(incident_begin_.begin(), incident_begin_.end(), incident_begin_.begin());
  incident_link_.resize(2 * net.link_count());
  std::vector<std::int32_t> next(incident_begin_.begin(), incident_begin_.end() - 1);
  for (std::size_t k = 0; k < net.link_count(); ++k)
    for (const auto v : {net.from_node[k], net.to_node[k]}) incident_link_[static_cast<std::size_t>(next[static_cast<std::size_t>(v)]++)] = static_cast<std::int32_t>(k);
  // the links inside each group (both ends junctions of that group: the group's thread adds their
  // terms to rows and entries of its own) and the rest
  std::vector<std::vector<std::int32_t>> group_links(parts);
  link_slots_.assign(parts, {});
  for (std::size_t k = 0; k < net.link_count(); ++k) {
    const auto a = net.from_node[k], b = net.to_node[k];
    auto group = static_cast<int>(parts) - 1;
    if (a < junctions && b < junctions) {
      const int ga = ldlt.group_of_own_row(row[static_cast<std::size_t>(a)]), gb = ldlt.group_of_own_row(row[static_cast<std::size_t>(b)]);
      if (ga == gb) group = ga;
    }
    group_links[group].push_back(static_cast<std::int32_t>(k));
    // where its terms go: rows (or -1 - node for a fixed-grade node) and value positions
    LinkSlot slot{-1 - a, -1 - b, -1, -1, off_diagonal_[k]};
    if (a < junctions) slot.from = row[static_cast<std::size_t>(a)], slot.from_diagonal = diagonal_[static_cast<std::size_t>(a)];
    if (b < junctions) slot.to = row[static_cast<std::size_t>(b)], slot.to_diagonal = diagonal_[static_cast<std::size_t>(b)];
    link_slots_[group].push_back(slot);
  }
  // p_ and y_ in that order: group 0's links, group 1's, the others (one thread writes each line)
  link_of_slot_.clear();
  group_begin_.assign(parts + 1, 0);
  for (std::size_t g = 0; g < parts; ++g) {
    link_of_slot_.insert(link_of_slot_.end(), group_links[g].begin(), group_links[g].end());
    group_begin_[g + 1] = static_cast<std::int32_t>(link_of_slot_.size());
  }
  slot_of_link_.assign(net.link_count(), 0);
  for (std::size_t ks = 0; ks < link_of_slot_.size(); ++ks) slot_of_link_[static_cast<std::size_t>(link_of_slot_[ks])] = static_cast<std::int32_t>(ks);
  // emitter: p = (q / C)^(1/exponent) in the file's units, as a head loss in ft at q in cfs
  emitter_k_.assign(static_cast<std::size_t>(junctions), 0.0);
  for (std::size_t j = 0; j < emitter_k_.size() && j < net.emitter_coefficient.size(); ++j)
    if (const double c = net.emitter_coefficient[j]; c > 0)
      emitter_k_[j] = std::pow(net.units.flow_per_cfs / c, 1.0 / net.emitter_exponent) / net.units.pressure_per_ft;
  pipe_leakage_coefficients();
}

void HydraulicSolver::pipe_leakage_coefficients() {
  // EPANET 2.3's FAVAD leakage, Q = 0.6 sqrt(2g) (A + m H) sqrt(H) per pipe, half of it at each
  // end junction (all of it at the junction when the other end is a tank or reservoir), summed
  // per junction into a fixed-area and a variable-area emitter. 4.8149866e-6 is EPANET's
  // 0.6 sqrt(2 g) in ft^0.5/s times 1e-6 (mm^2 to m^2); the area is in ft^2 after / 0.3048^2,
  // and m H after / 0.3048 with H in ft, i.e. m per metre of head, in US and SI files alike: the
  // conversion EPANET 2.3.5 applies (measured against it: tests/sim/water, EpanetOracle).
  const auto junctions = static_cast<std::size_t>(net_.junction_count);
  std::vector<double> fixed_area(junctions, 0.0), variable_area(junctions, 0.0);
  constexpr double orifice = 4.8149866e-6, m_per_ft = 0.3048;
  for (std::size_t k = 0; k < net_.leak_area.size() && k < net_.leak_expansion.size(); ++k) {
    if (net_.leak_area[k] <= 0 && net_.leak_expansion[k] <= 0) continue;
    const auto n1 = net_.from_node[k], n2 = net_.to_node[k];
    if (n1 >= net_.junction_count && n2 >= net_.junction_count) continue;
    double sections = net_.length_ft[k] * net_.units.length_per_ft / 100.0;  // 100-unit lengths
    if (n1 < net_.junction_count && n2 < net_.junction_count) sections *= 0.5;
    for (const auto end : {n1, n2}) {
      if (end >= net_.junction_count) continue;
      fixed_area[static_cast<std::size_t>(end)] += orifice * net_.leak_area[k] / (m_per_ft * m_per_ft) * sections;
      variable_area[static_cast<std::size_t>(end)] += orifice * net_.leak_expansion[k] / m_per_ft * sections;
    }
  }
  leak_fixed_k_.assign(junctions, 0.0);
  leak_variable_k_.assign(junctions, 0.0);
  leaking_junctions_.clear();
  for (std::size_t j = 0; j < junctions; ++j) {
    if (fixed_area[j] > 0) leak_fixed_k_[j] = 1.0 / (fixed_area[j] * fixed_area[j]);
    if (variable_area[j] > 0) leak_variable_k_[j] = 1.0 / std::pow(variable_area[j], 2.0 / 3.0);
    if (fixed_area[j] > 0 || variable_area[j] > 0) leaking_junctions_.push_back(static_cast<std::int32_t>(j));
  }
}

void HydraulicSolver::coefficients(const HydraulicState& s, std::size_t k, double& p, double& y) const {
  const double q = s.flow_cfs[k];
  const auto type = net_.link_type[k];
  const double d = net_.diameter_ft[k];
  const double km = minor_k_[k];
  if (is_valve(type)) {
    const double setting = s.setting[k];
    switch (type) {
      case LinkType::tcv:  // the setting is the valve's loss coefficient
        valve_coefficients(std::isnan(setting) ? km : 0.02517 * setting / (d * d * d * d), q, is_closed(s.status[k]), p, y);
        return;
      case LinkType::pbv:  // holds its head loss at the setting unless its minor loss is larger
        if (std::isnan(setting) || setting == 0.0 || km * q * q > setting || is_closed(s.status[k])) {
          valve_coefficients(km, q, is_closed(s.status[k]), p, y);
        } else {
          p = closed_gradient;
          y = setting * closed_gradient;
        }
        return;
      case LinkType::gpv: {
        if (s.status[k] == LinkStatus::closed) {
          valve_coefficients(km, q, true, p, y);
          return;
        }
        const double aq = std::max(std::abs(q), 1e-6);
        double h0 = 0, r = 0;
        curve_segment(net_, net_.curves[static_cast<std::size_t>(std::lround(setting))], aq, h0, r);
        p = 1.0 / std::max(r, min_gradient);
        y = p * (h0 + r * aq) * (q >= 0 ? 1.0 : -1.0);
        return;
      }
      default:  // PRV, PSV, FCV: fixed open or closed here; with a setting see solve()
        valve_coefficients(km, q, is_closed(s.status[k]), p, y);
        return;
    }
  }
  if (is_closed(s.status[k]) || (type == LinkType::pump && s.setting[k] == 0.0)) {
    p = 1.0 / closed_gradient;  // a closed link: h = 1e8 q
    y = q;
    return;
  }
  double h = 0, g = 0;
  if (type == LinkType::pump) {
    const auto& pump = net_.pumps[static_cast<std::size_t>(net_.pump_of_link[k])];
    const double speed = s.setting[k], aq = std::abs(q);
    if (pump.kind == PumpCurve::constant_power) {
      // EPANET 2.3: gain 8.814 P w^3 / q; a gradient above 1e8 (near-zero flow) makes the pump a
      // closed link, one below 1e-6 an open valve
      const double r = 8.814 * pump.power_hp * speed * speed * speed;
      g = aq > 0.0 ? r / (aq * aq) : std::numeric_limits<double>::infinity();
      if (g > closed_gradient) {
        p = 1.0 / closed_gradient;
        y = q;
        return;
      }
      if (g < open_valve_gradient) {
        p = 1.0 / open_valve_gradient;
        y = q;
        return;
      }
      h = -r / q;
    } else if (pump.kind == PumpCurve::power) {
      // the gradient from |q|, the loss with the signed flow (as EPANET): a pump running backwards
      // meets a larger head than its shutoff head and is pushed back
      const double r = pump.b * std::pow(speed, 2.0 - pump.c);
      g = pump.c * r * std::pow(aq, pump.c - 1.0);
      h = -speed * speed * pump.a_ft + g * q / pump.c;
      if (g < min_gradient) g = min_gradient, h = -speed * speed * pump.a_ft + g * q;
    } else {
      // the custom curve's segment through |q| / speed, applied to the signed flow (as EPANET)
      double h0 = 0, slope = 0;
      curve_segment(net_, net_.curves[static_cast<std::size_t>(pump.curve)], aq / speed, h0, slope);
      g = std::max(-slope * speed, min_gradient);
      h = -speed * speed * h0 + g * q;
    }
  } else {
    // EPANET: a pipe whose resistance x flow is below RQtol (1e-7) gets p = 1 / RQtol, y = q / n
    const double aq = std::abs(q), r = resistance_[k];
    double df_dq = 0.0;
    const double friction = net_.headloss == HeadlossFormula::darcy_weisbach ? friction_factor(q, d, net_.roughness[k], net_.viscosity_ft2_s, df_dq) : 1.0;
    if ((friction * r + km) * aq < min_gradient) {
      p = 1.0 / min_gradient;
      y = q / (net_.headloss == HeadlossFormula::hazen_williams ? 1.852 : 2.0);
      return;
    }
    pipe_headloss(net_, r, km, q, friction, df_dq, h, g);
  }
  p = 1.0 / g;
  y = h / g;
}

bool HydraulicSolver::check_valves(HydraulicState& s) const {
  bool change = false;
  for (const auto link : control_valves_) {
    const auto k = static_cast<std::size_t>(link);
    const auto type = net_.link_type[k];
    if ((type != LinkType::prv && type != LinkType::psv) || std::isnan(s.setting[k])) continue;
    const auto n1 = static_cast<std::size_t>(net_.from_node[k]), n2 = static_cast<std::size_t>(net_.to_node[k]);
    const double h1 = s.head_ft[n1], h2 = s.head_ft[n2], q = s.flow_cfs[k];
    const double hml = minor_k_[k] * q * q;
    const auto before = s.status[k];
    auto& st = s.status[k];
    if (type == LinkType::prv) {
      const double hset = net_.elevation_ft[n2] + s.setting[k];
      switch (before) {
        case LinkStatus::active: st = q < -flow_tolerance_cfs ? LinkStatus::closed : h1 - hml < hset - head_tolerance_ft ? LinkStatus::open : LinkStatus::active; break;
        case LinkStatus::open: st = q < -flow_tolerance_cfs ? LinkStatus::closed : h2 >= hset + head_tolerance_ft ? LinkStatus::active : LinkStatus::open; break;
        case LinkStatus::closed:
          if (h1 >= hset + head_tolerance_ft && h2 < hset - head_tolerance_ft) st = LinkStatus::active;
          else if (h1 < hset - head_tolerance_ft && h1 > h2 + head_tolerance_ft) st = LinkStatus::open;
          break;
        case LinkStatus::xpressure: if (q < -flow_tolerance_cfs) st = LinkStatus::closed; break;
        default: break;
      }
    } else {
      const double hset = net_.elevation_ft[n1] + s.setting[k];
      switch (before) {
        case LinkStatus::active: st = q < -flow_tolerance_cfs ? LinkStatus::closed : h2 + hml > hset + head_tolerance_ft ? LinkStatus::open : LinkStatus::active; break;
        case LinkStatus::open: st = q < -flow_tolerance_cfs ? LinkStatus::closed : h1 < hset - head_tolerance_ft ? LinkStatus::active : LinkStatus::open; break;
        case LinkStatus::closed:
          if (h2 > hset + head_tolerance_ft && h1 > h2 + head_tolerance_ft) st = LinkStatus::open;
          else if (h1 >= hset + head_tolerance_ft && h1 > h2 + head_tolerance_ft) st = LinkStatus::active;
          break;
        case LinkStatus::xpressure: if (q < -flow_tolerance_cfs) st = LinkStatus::closed; break;
        default: break;
      }
    }
    change = change || st != before;
  }
  return change;
}

bool HydraulicSolver::check_statuses(HydraulicState& s) const {
  bool change = false;
  for (std::size_t k = 0; k < net_.link_count(); ++k) {
    const auto n1 = static_cast<std::size_t>(net_.from_node[k]), n2 = static_cast<std::size_t>(net_.to_node[k]);
    const double dh = s.head_ft[n1] - s.head_ft[n2];
    const auto before = s.status[k];
    if (before == LinkStatus::xhead || before == LinkStatus::temp_closed) s.status[k] = LinkStatus::open;
    if (net_.link_type[k] == LinkType::cv_pipe) s.status[k] = check_valve_status(s.status[k], dh, s.flow_cfs[k]);
    if (net_.link_type[k] == LinkType::fcv && !std::isnan(s.setting[k])) {
      // EPANET's fcvstatus: an FCV that cannot pass its flow opens fully (xfcv) until it can
      if (dh < -head_tolerance_ft || s.flow_cfs[k] < -flow_tolerance_cfs) s.status[k] = LinkStatus::xfcv;
      else if (before == LinkStatus::xfcv && s.flow_cfs[k] >= s.setting[k]) s.status[k] = LinkStatus::active;
      else s.status[k] = before;
    }
    if (net_.link_type[k] == LinkType::pump && s.status[k] >= LinkStatus::open && s.setting[k] > 0.0) {
      const auto& pump = net_.pumps[static_cast<std::size_t>(net_.pump_of_link[k])];
      if (-dh > s.setting[k] * s.setting[k] * pump.shutoff_head_ft + head_tolerance_ft) s.status[k] = LinkStatus::xhead;
    }
    // No flow into a full tank, none out of an empty one. As EPANET, only the link's first
    // fixed-grade end is looked at (a reservoir there ends the check).
    const auto fixed_grade = static_cast<std::size_t>(net_.junction_count);
    if (n1 >= fixed_grade || n2 >= fixed_grade) {
      const bool first = n1 >= fixed_grade;
      const auto tank_node = first ? n1 : n2;
      if (const auto t = net_.tank_of_node[tank_node]; t >= 0) {
        const auto& tank = net_.tanks[static_cast<std::size_t>(t)];
        const double h = first ? dh : -dh, q = first ? s.flow_cfs[k] : -s.flow_cfs[k];  // out of the tank
        const bool pump = net_.link_type[k] == LinkType::pump;
        if (s.head_ft[tank_node] >= tank.max_head_ft - head_tolerance_ft && !tank.can_overflow) {
          if (pump ? static_cast<std::size_t>(net_.to_node[k]) == tank_node : check_valve_status(LinkStatus::open, h, q) == LinkStatus::closed)
            s.status[k] = LinkStatus::temp_closed;
        }
        if (s.head_ft[tank_node] <= tank.min_head_ft + head_tolerance_ft) {
          if (pump ? static_cast<std::size_t>(net_.from_node[k]) == tank_node : check_valve_status(LinkStatus::closed, h, q) == LinkStatus::open)
            s.status[k] = LinkStatus::temp_closed;
        }
      }
    }
    change = change || s.status[k] != before;
  }
  return change;
}

void HydraulicSolver::solve(HydraulicState& s, double accuracy_factor) {
  const auto junctions = net_.junction_count;
  auto& ldlt_ = linear_->ldlt;
  const int groups = ldlt_.group_count();  // parts 0 .. groups - 1; the rest is part `groups`
  Eigen::VectorXd F(junctions);  // in row order
  const double target = net_.accuracy * accuracy_factor;
  const int max_trials = net_.max_trials + std::max(net_.extra_trials, 0);
  int next_check = net_.check_frequency;
  int floors = 0;
  const parallel::PairTeam::Helper helper(team_, in_two_groups());
  ldlt_.clear_pivot_floors();
  s.converged = false;
  s.ill_conditioned_node = -1;
  // with a helper, time each iteration and let the chooser say whether sharing pays
  auto started = std::chrono::steady_clock::now();
  const auto timed = [&] {
    if (!team_.helping()) return;
    const auto now = std::chrono::steady_clock::now();
    team_.share(share_chooser_.next(std::chrono::duration<double>(now - started).count()));
    started = now;
  };
  for (int iteration = 1; iteration <= max_trials; ++iteration, timed()) {
    // links (EPANET's linkcoeffs): each group's links on one thread, adding to its own rows and
    // entries in link order; then the other links' terms in link order. PRV/PSV/FCV with a setting
    // come after the node balances.
    team_.run(groups, [&](int group) { group_link_terms(s, F, group); });
    if (groups == 0) link_coefficients(s, 0, link_of_slot_.size());  // (else the groups share them)
    clear_rows(F, groups);
    add_link_terms(s, F, groups);
    team_.run(groups, [&](int group) { node_coefficients(s, F, group); });
    node_coefficients(s, F, groups);
    for (const auto k : control_valves_)
      if (controls_a_node(net_, static_cast<std::size_t>(k), s)) control_valve_coefficients(s, static_cast<std::size_t>(k), F);
    // EPANET needs a positive definite system; a zero or negative pivot means part of the network
    // has no defined head. As EPANET, an active pressure or flow valve at that node is opened and
    // the iteration repeated; otherwise the solve stops, naming the node.
    // Each group's rows are factorised and forward-solved on the thread that assembled them; then
    // the rest's; F becomes the heads (in row order).
    std::atomic<bool> group_failed{false};
    team_.run(groups, [&](int group) {
      if (ldlt_.factorise_part(group) >= 0) group_failed = true;
      else ldlt_.forward_part(group, F.data());
    });
    const auto bad_row = group_failed ? ldlt_.factorise_own() : ldlt_.factorise_part(groups);
    if (bad_row >= 0) {
      const auto bad = linear_->junction_of_row[static_cast<std::size_t>(bad_row)];
      if (open_valve_at(s, bad)) {
        --iteration;
        continue;
      }
      // A node held only by closed links has, in exact arithmetic, a tiny positive pivot (their
      // 1e-8 conductances), which rounding in this elimination order can turn non-positive; EPANET's
      // own order may not. Floor it at those conductances and factorise again (a few times at most).
      if (const double held = closed_conductance_at(bad); held > 0.0 && floors < 16) {
        ldlt_.set_own_pivot_floor(bad_row, held);
        ++floors;
        --iteration;
        continue;
      }
      s.ill_conditioned_node = bad;
      break;
    }
    ldlt_.forward_part(groups, F.data());
    ldlt_.back_part(groups, F.data());
    copy_heads(F, s, groups);
    // damping (DAMPLIMIT) and, as EPANET, pressure valves re-checked every iteration (with all the
    // new heads, before the flows change)
    const bool damped = net_.damp_limit > 0.0 && s.relative_error <= net_.damp_limit && iteration > 1;
    const double relax = damped ? 0.6 : 1.0;
    // each group's heads, then (undamped) its links' new flows; the other links' after. Their
    // sums are added in order (the same for any thread count).
    std::vector<FlowChange> pieces(static_cast<std::size_t>(groups) + 1);
    team_.run(groups, [&](int group) {
      ldlt_.back_part(group, F.data());
      copy_heads(F, s, group);
      if (!damped) pieces[static_cast<std::size_t>(group)] = update_link_flows(s, relax, group);
    });
    bool valve_change = false;
    if (damped) {
      valve_change = check_valves(s);
      team_.run(groups, [&](int group) { pieces[static_cast<std::size_t>(group)] = update_link_flows(s, relax, group); });
    }
    pieces[static_cast<std::size_t>(groups)] = update_link_flows(s, relax, groups);
    double change = 0.0, total = 0.0, largest_open = 0.0, largest = 0.0;
    s.largest_change_link = -1;
    for (const auto& piece : pieces) {
      change += piece.change, total += piece.total, largest_open = std::max(largest_open, piece.largest_open);
      if (piece.largest > largest) largest = piece.largest, s.largest_change_link = piece.largest_link;  // ties: the earlier piece
    }
    update_fixed_grade_flows(s);
    update_node_flows(s, relax, change, total, largest_open);
    s.largest_change_cfs = largest;
    s.iterations = iteration;
    s.relative_error = total > net_.accuracy ? change / total : change;
    if (net_.damp_limit <= 0.0) valve_change = check_valves(s);
    // HEADERROR and FLOWCHANGE, when given, must hold as well (EPANET's hasconverged)
    const auto limits_hold = [&] {
      return (net_.flow_change_limit_cfs <= 0.0 || largest_open <= net_.flow_change_limit_cfs) &&
             (net_.head_error_limit_ft <= 0.0 || largest_head_error(s) <= net_.head_error_limit_ft);
    };
    if (s.relative_error <= target && limits_hold() && leakage_converged(s)) {
      if (iteration > net_.max_trials) {  // converged within the extra trials: stop
        s.converged = true;
        break;
      }
      const bool link_change = check_statuses(s);
      const bool pressure_change = pressure_switches(s);
      if (!valve_change && !link_change && !pressure_change) {
        s.converged = true;
        break;
      }
      next_check = iteration + net_.check_frequency;
    } else if (iteration <= net_.max_check && iteration == next_check) {
      check_statuses(s);
      next_check += net_.check_frequency;
    }
  }
}

bool HydraulicSolver::in_two_groups() const { return linear_->ldlt.group_count() > 0; }

std::unique_ptr<parallel::PairTeam::Helper> HydraulicSolver::second_thread() {
  if (!in_two_groups()) return nullptr;
  return std::make_unique<parallel::PairTeam::Helper>(team_, true);
}

void HydraulicSolver::copy_heads(const Eigen::VectorXd& H, HydraulicState& s, int group) const {
  const auto& ldlt = linear_->ldlt;
  const auto begin = ldlt.part_begin(group), end = ldlt.part_end(group);
  for (auto r = begin; r < end; ++r) s.head_ft[static_cast<std::size_t>(linear_->junction_of_row[static_cast<std::size_t>(r)])] = H[r];
}

void HydraulicSolver::clear_rows(Eigen::VectorXd& F, int group) {
  auto& ldlt = linear_->ldlt;
  const auto begin = ldlt.part_begin(group), end = ldlt.part_end(group);
  std::fill(ldlt.values() + ldlt.own_column_begin(begin), ldlt.values() + ldlt.own_column_begin(end), 0.0);
  std::fill(F.data() + begin, F.data() + end, 0.0);
  std::fill(excess_.begin() + begin, excess_.begin() + end, 0.0);
  if (group == ldlt.group_count()) std::fill(excess_.begin() + net_.junction_count, excess_.end(), 0.0);
}

void HydraulicSolver::add_link_terms(const HydraulicState& s, Eigen::VectorXd& F, int group) {
  double* values = linear_->ldlt.values();
  auto at = static_cast<std::size_t>(group_begin_[static_cast<std::size_t>(group)]);
  for (const auto& slot : link_slots_[static_cast<std::size_t>(group)]) {
    const auto ks = at++, k = static_cast<std::size_t>(link_of_slot_[ks]);
    if (controls_a_node(net_, k, s)) continue;
    const double p = p_[ks], y = y_[ks], q = s.flow_cfs[k];
    // a link between two fixed-grade nodes (a pump from a reservoir to a tank, say) has no unknown
    // head at either end: only its flow is updated
    if (slot.from >= 0) {
      const auto ra = static_cast<std::size_t>(slot.from);
      excess_[ra] -= q;
      values[slot.from_diagonal] += p;
      F[slot.from] += y;
      if (slot.to < 0) F[slot.from] += p * s.head_ft[static_cast<std::size_t>(-1 - slot.to)];
    } else {
      excess_[static_cast<std::size_t>(-1 - slot.from)] -= q;
    }
    if (slot.to >= 0) {
      const auto rb = static_cast<std::size_t>(slot.to);
      excess_[rb] += q;
      if (slot.from < 0) F[slot.to] += p * s.head_ft[static_cast<std::size_t>(-1 - slot.from)];
      values[slot.to_diagonal] += p;
      F[slot.to] -= y;
    } else {
      excess_[static_cast<std::size_t>(-1 - slot.to)] += q;
    }
    if (slot.entry >= 0) values[slot.entry] -= p;
  }
}

void HydraulicSolver::link_coefficients(const HydraulicState& s, std::size_t begin, std::size_t end) {
  for (auto ks = begin; ks < end; ++ks) {
    const auto k = static_cast<std::size_t>(link_of_slot_[ks]);
    if (!controls_a_node(net_, k, s)) coefficients(s, k, p_[ks], y_[ks]);
  }
}

void HydraulicSolver::group_link_terms(const HydraulicState& s, Eigen::VectorXd& F, int group) {
  clear_rows(F, group);
  const auto g = static_cast<std::size_t>(group), groups = link_slots_.size() - 1;
  link_coefficients(s, static_cast<std::size_t>(group_begin_[g]), static_cast<std::size_t>(group_begin_[g + 1]));
  add_link_terms(s, F, group);
  // a share of the other links' coefficients
  const auto rest = static_cast<std::size_t>(group_begin_[groups]), others = static_cast<std::size_t>(group_begin_[groups + 1]) - rest;
  link_coefficients(s, rest + others * g / groups, rest + others * (g + 1) / groups);
}

HydraulicSolver::FlowChange HydraulicSolver::update_link_flows(HydraulicState& s, double relax, int group) const {
  FlowChange out;
  const auto g = static_cast<std::size_t>(group);
  for (auto ks = static_cast<std::size_t>(group_begin_[g]); ks < static_cast<std::size_t>(group_begin_[g + 1]); ++ks) {
    const auto k = static_cast<std::size_t>(link_of_slot_[ks]);
    const auto a = static_cast<std::size_t>(net_.from_node[k]), b = static_cast<std::size_t>(net_.to_node[k]);
    double dq = relax * (y_[ks] - p_[ks] * (s.head_ft[a] - s.head_ft[b]));
    // EPANET: flow through a constant-power pump must not turn negative
    if (net_.link_type[k] == LinkType::pump && dq > s.flow_cfs[k] &&
        net_.pumps[static_cast<std::size_t>(net_.pump_of_link[k])].kind == PumpCurve::constant_power)
      dq = s.flow_cfs[k] / 2.0;
    if (!is_closed(s.status[k])) out.largest_open = std::max(out.largest_open, std::abs(dq));
    s.flow_cfs[k] -= dq;
    out.change += std::abs(dq);
    if (std::abs(dq) > out.largest) out.largest = std::abs(dq), out.largest_link = static_cast<std::int32_t>(k);
    out.total += std::abs(s.flow_cfs[k]);
  }
  return out;
}

void HydraulicSolver::update_fixed_grade_flows(HydraulicState& s) const {
  for (auto v = static_cast<std::size_t>(net_.junction_count); v < net_.node_count(); ++v) {
    double inflow = 0.0;
    for (auto e = incident_begin_[v]; e < incident_begin_[v + 1]; ++e) {
      const auto k = static_cast<std::size_t>(incident_link_[static_cast<std::size_t>(e)]);
      inflow += static_cast<std::size_t>(net_.from_node[k]) == v ? -s.flow_cfs[k] : s.flow_cfs[k];
    }
    s.demand_cfs[v] = inflow;
  }
}

bool HydraulicSolver::pressure_switches(HydraulicState& s) const {
  bool any = false;
  for (const auto& c : net_.controls) {
    if ((c.kind != Control::Kind::low_level && c.kind != Control::Kind::high_level) || c.node >= net_.junction_count) continue;
    const double h = s.head_ft[static_cast<std::size_t>(c.node)];
    const bool fire = c.kind == Control::Kind::low_level ? h <= c.grade_ft + head_tolerance_ft : h >= c.grade_ft - head_tolerance_ft;
    if (!fire) continue;
    const auto k = static_cast<std::size_t>(c.link);
    const auto type = net_.link_type[k];
    const bool same = same_setting(s.setting[k], c.setting);
    bool change = false;
    if (type == LinkType::pipe) change = s.status[k] != c.status;
    else if (type == LinkType::pump) change = !same;
    else if (is_valve(type)) change = !same || (std::isnan(s.setting[k]) && s.status[k] != c.status);
    if (!change) continue;
    s.status[k] = c.status;
    if (type != LinkType::pipe && type != LinkType::cv_pipe) s.setting[k] = c.setting;
    any = true;
  }
  return any;
}

double HydraulicSolver::largest_head_error(const HydraulicState& s) const {
  double largest = 0.0;
  for (std::size_t k = 0; k < net_.link_count(); ++k) {
    if (is_closed(s.status[k]) || controls_a_node(net_, k, s)) continue;  // EPANET: P = 0 for those valves
    double p = 0, y = 0;
    coefficients(s, k, p, y);
    const double dh = s.head_ft[static_cast<std::size_t>(net_.from_node[k])] - s.head_ft[static_cast<std::size_t>(net_.to_node[k])];
    largest = std::max(largest, std::abs(dh - y / p));
  }
  return largest;
}

double HydraulicSolver::closed_conductance_at(std::int32_t node) const {
  double sum = 0.0;
  for (std::size_t k = 0; k < net_.link_count(); ++k) {
    const auto p = p_[static_cast<std::size_t>(slot_of_link_[k])];
    if ((net_.from_node[k] == node || net_.to_node[k] == node) && p > 0.0 && p <= 1.0 / closed_gradient) sum += p;
  }
  return sum;
}

bool HydraulicSolver::open_valve_at(HydraulicState& s, std::int32_t node) const {
  for (std::size_t k = 0; k < net_.link_count(); ++k) {
    if (net_.from_node[k] != node && net_.to_node[k] != node) continue;
    const auto type = net_.link_type[k];
    if (!is_valve(type)) continue;
    if ((type == LinkType::prv || type == LinkType::psv || type == LinkType::fcv) && s.status[k] == LinkStatus::active) {
      s.status[k] = type == LinkType::fcv ? LinkStatus::xfcv : LinkStatus::xpressure;
      return true;
    }
    return false;  // as EPANET: the first valve at the node decides
  }
  return false;
}

HydraulicState solve_steady(const WaterNetwork& net, double accuracy_factor) {
  auto state = initial_state(net);
  HydraulicSolver solver(net);
  solver.solve(state, accuracy_factor);
  return state;
}

}  // namespace sofiatwin::water
