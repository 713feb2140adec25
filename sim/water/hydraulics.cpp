#include "hydraulics.hpp"

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>

namespace sofiatwin::water {
namespace {

constexpr double pi = 3.141592653589793;
constexpr double gravity_ft_s2 = 32.2;
constexpr double closed_gradient = 1e8;  // a closed link: h = 1e8 q
constexpr double min_gradient = 1e-7;    // keeps p finite at zero flow

/// Darcy-Weisbach friction factor (EPANET manual, appendix D): 64/Re laminar (Re < 2000),
/// Swamee-Jain turbulent (Re > 4000), Dunlop's cubic interpolation in between, with EPANET's
/// choice of anchoring the cubic's coefficients at Re = 4000.
double friction_factor(double q_cfs, double d_ft, double roughness_ft, double viscosity) {
  const double re = 4.0 * std::abs(q_cfs) / (pi * d_ft * viscosity);
  if (re < 2000.0) return 64.0 / std::max(re, 1e-10);
  const double relative = roughness_ft / (3.7 * d_ft);
  if (re > 4000.0) {
    const double l = std::log10(relative + 5.74 / std::pow(re, 0.9));
    return 0.25 / (l * l);
  }
  // EPANET evaluates Y2 and Y3 at Re = 4000, which makes f a cubic in R = Re / 2000.
  const double r = re / 2000.0;
  const double y2 = relative + 5.74 / std::pow(4000.0, 0.9);
  const double y3 = -0.86859 * std::log(y2);
  const double fa = 1.0 / (y3 * y3);
  const double fb = fa * (2.0 - 0.00514215 / (y2 * y3));
  const double x1 = 7.0 * fa - fb, x2 = 0.128 - 17.0 * fa + 2.5 * fb, x3 = -0.128 + 13.0 * fa - 2.0 * fb;
  const double x4 = r * (0.032 - 3.0 * fa + 0.5 * fb);
  return x1 + r * (x2 + r * (x3 + x4));
}

}  // namespace

void link_headloss(const WaterNetwork& net, std::size_t k, double q, double& h, double& g) {
  const double d = net.diameter_ft[k], length = net.length_ft[k], aq = std::abs(q);
  const double minor = 0.02517 * net.minor_loss_k[k] / (d * d * d * d);  // K v^2 / 2g with v = q / A
  switch (net.headloss) {
    case HeadlossFormula::hazen_williams: {
      // h = 4.727 L / (C^1.852 d^4.871) q^1.852   (ft, cfs)
      const double r = 4.727 * length / (std::pow(net.roughness[k], 1.852) * std::pow(d, 4.871));
      h = r * std::pow(aq, 0.852) * q;
      g = 1.852 * r * std::pow(aq, 0.852);
      break;
    }
    case HeadlossFormula::darcy_weisbach: {
      // h = f L / d v^2 / 2g = f L / (2 g d A^2) q^2
      const double area = pi * d * d / 4.0;
      const double r = length / (2.0 * gravity_ft_s2 * d * area * area);
      // dh/dq = r (2 f |q| + f'(|q|) q^2): the friction factor's own slope is part of the gradient
      // (for laminar flow f ~ 1/|q| and h is linear in q).
      const double f = friction_factor(q, d, net.roughness[k], net.viscosity_ft2_s);
      const double dq = std::max(aq, 1e-12) * 1e-6;
      const double slope = (friction_factor(aq + dq, d, net.roughness[k], net.viscosity_ft2_s) -
                            friction_factor(std::max(aq - dq, 1e-15), d, net.roughness[k], net.viscosity_ft2_s)) /
                           (aq + dq - std::max(aq - dq, 1e-15));
      h = f * r * aq * q;
      g = r * (2.0 * f * aq + slope * aq * aq);
      break;
    }
    case HeadlossFormula::chezy_manning: {
      // h = 4.66 n^2 L / d^5.33 q^2
      const double r = 4.66 * net.roughness[k] * net.roughness[k] * length / std::pow(d, 5.33);
      h = r * aq * q;
      g = 2.0 * r * aq;
      break;
    }
  }
  h += minor * aq * q;
  g = std::max(g + 2.0 * minor * aq, min_gradient);
}

namespace {

constexpr double head_tolerance_ft = 0.0005;  // EPANET's Htol
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

/// The segment of a custom pump curve around flow q (cfs at speed 1), extended linearly beyond
/// the curve's ends (EPANET's curvecoeff): gain = h0 + slope q, in ft and ft/cfs.
void custom_segment(const WaterNetwork& net, const Pump& pump, double q, double& h0_ft, double& slope) {
  const auto& c = net.curves[static_cast<std::size_t>(pump.curve)];
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
  if (pump.kind == PumpCurve::power) return speed * speed * pump.a_ft - pump.b * std::pow(speed, 2.0 - pump.c) * std::pow(q, pump.c);
  double h0 = 0, slope = 0;
  custom_segment(net, pump, q / speed, h0, slope);
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
    if (is_closed(s.status[k])) s.flow_cfs[k] = zero_flow_cfs;
    else if (net.link_type[k] == LinkType::pump) s.flow_cfs[k] = s.setting[k] * net.pumps[static_cast<std::size_t>(net.pump_of_link[k])].design_flow_cfs;
    else s.flow_cfs[k] = pi * net.diameter_ft[k] * net.diameter_ft[k] / 4.0;
  }
  apply_patterns(net, 0, s);
  return s;
}

void apply_patterns(const WaterNetwork& net, long time_s, HydraulicState& s) {
  for (std::int32_t j = 0; j < net.junction_count; ++j) {
    double sum = 0.0;
    for (auto d = net.demand_begin[static_cast<std::size_t>(j)]; d < net.demand_begin[static_cast<std::size_t>(j) + 1]; ++d) {
      const auto pattern = net.demand_pattern[static_cast<std::size_t>(d)];
      const double m = pattern < 0 ? 1.0 : net.patterns[static_cast<std::size_t>(pattern)].at(time_s, net.times);
      sum += net.demand_cfs[static_cast<std::size_t>(d)] * m * net.demand_multiplier;
    }
    s.demand_cfs[static_cast<std::size_t>(j)] = sum;
  }
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

struct HydraulicSolver::Linear {
  Eigen::SparseMatrix<double> matrix;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower> ldlt;
};

HydraulicSolver::~HydraulicSolver() = default;

HydraulicSolver::HydraulicSolver(const WaterNetwork& net)
    : net_(net), linear_(std::make_unique<Linear>()), p_(net.link_count()), y_(net.link_count()) {
  // The sparsity pattern is fixed: analyse it once.
  const auto junctions = net.junction_count;
  std::vector<Eigen::Triplet<double>> pattern;
  for (std::int32_t j = 0; j < junctions; ++j) pattern.emplace_back(j, j, 1.0);
  for (std::size_t k = 0; k < net.link_count(); ++k) {
    const auto a = net.from_node[k], b = net.to_node[k];
    if (a < junctions && b < junctions) pattern.emplace_back(std::max(a, b), std::min(a, b), 0.0);
  }
  linear_->matrix.resize(junctions, junctions);
  linear_->matrix.setFromTriplets(pattern.begin(), pattern.end());
  linear_->ldlt.analyzePattern(linear_->matrix);
}

void HydraulicSolver::coefficients(const HydraulicState& s, std::size_t k, double& p, double& y) const {
  const double q = s.flow_cfs[k];
  if (is_closed(s.status[k]) || (net_.link_type[k] == LinkType::pump && s.setting[k] == 0.0)) {
    p = 1.0 / closed_gradient;  // a closed link: h = 1e8 q
    y = q;
    return;
  }
  double h = 0, g = 0;
  if (net_.link_type[k] == LinkType::pump) {
    const auto& pump = net_.pumps[static_cast<std::size_t>(net_.pump_of_link[k])];
    const double speed = s.setting[k], aq = std::abs(q);
    if (pump.kind == PumpCurve::power) {
      const double r = pump.b * std::pow(speed, 2.0 - pump.c);
      g = pump.c * r * std::pow(aq, pump.c - 1.0);
      h = -speed * speed * pump.a_ft + g * aq / pump.c;
      if (g < min_gradient) g = min_gradient, h = -speed * speed * pump.a_ft + g * aq;
    } else {
      // the custom curve's segment through |q| / speed, applied to the signed flow (as EPANET)
      double h0 = 0, slope = 0;
      custom_segment(net_, pump, aq / speed, h0, slope);
      g = std::max(-slope * speed, min_gradient);
      h = -speed * speed * h0 + g * q;
    }
  } else {
    link_headloss(net_, k, q, h, g);
  }
  p = 1.0 / g;
  y = h / g;
}

bool HydraulicSolver::check_statuses(HydraulicState& s) const {
  bool change = false;
  for (std::size_t k = 0; k < net_.link_count(); ++k) {
    const auto n1 = static_cast<std::size_t>(net_.from_node[k]), n2 = static_cast<std::size_t>(net_.to_node[k]);
    const double dh = s.head_ft[n1] - s.head_ft[n2];
    const auto before = s.status[k];
    if (before == LinkStatus::xhead || before == LinkStatus::temp_closed) s.status[k] = LinkStatus::open;
    if (net_.link_type[k] == LinkType::cv_pipe) s.status[k] = check_valve_status(s.status[k], dh, s.flow_cfs[k]);
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
  const std::size_t links = net_.link_count();
  auto& matrix_ = linear_->matrix;
  auto& ldlt_ = linear_->ldlt;
  Eigen::VectorXd F(junctions);
  const double target = net_.accuracy * accuracy_factor;
  const int max_trials = net_.max_trials + std::max(net_.extra_trials, 0);
  int next_check = net_.check_frequency;
  s.converged = false;
  for (int iteration = 1; iteration <= max_trials; ++iteration) {
    matrix_.coeffs().setZero();
    F.setZero();
    for (std::int32_t j = 0; j < junctions; ++j) F[j] = -s.demand_cfs[static_cast<std::size_t>(j)];
    for (std::size_t k = 0; k < links; ++k) {
      coefficients(s, k, p_[k], y_[k]);
      const auto a = net_.from_node[k], b = net_.to_node[k];
      const double through = s.flow_cfs[k] - y_[k];
      if (a < junctions) {
        matrix_.coeffRef(a, a) += p_[k];
        F[a] -= through;
      } else if (b < junctions) {
        F[b] += p_[k] * s.head_ft[static_cast<std::size_t>(a)];
      }
      if (b < junctions) {
        matrix_.coeffRef(b, b) += p_[k];
        F[b] += through;
      } else if (a < junctions) {
        F[a] += p_[k] * s.head_ft[static_cast<std::size_t>(b)];
      }
      if (a < junctions && b < junctions) matrix_.coeffRef(std::max(a, b), std::min(a, b)) -= p_[k];
    }
    ldlt_.factorize(matrix_);
    Eigen::VectorXd H = ldlt_.solve(F);
    // Near-zero flows give gradients down to 1e-7 and entries up to 1e8: one step of iterative
    // refinement (with the full symmetric matrix) restores the digits the factorisation lost.
    const Eigen::SparseMatrix<double> full = matrix_.selfadjointView<Eigen::Lower>();
    H += ldlt_.solve(F - full * H);
    for (std::int32_t j = 0; j < junctions; ++j) s.head_ft[static_cast<std::size_t>(j)] = H[j];
    double change = 0.0, total = 0.0;
    for (std::size_t v = static_cast<std::size_t>(junctions); v < net_.node_count(); ++v) s.demand_cfs[v] = 0.0;
    for (std::size_t k = 0; k < links; ++k) {
      const auto a = static_cast<std::size_t>(net_.from_node[k]), b = static_cast<std::size_t>(net_.to_node[k]);
      const double dq = y_[k] - p_[k] * (s.head_ft[a] - s.head_ft[b]);
      s.flow_cfs[k] -= dq;
      change += std::abs(dq);
      total += std::abs(s.flow_cfs[k]);
      if (a >= static_cast<std::size_t>(junctions)) s.demand_cfs[a] -= s.flow_cfs[k];
      if (b >= static_cast<std::size_t>(junctions)) s.demand_cfs[b] += s.flow_cfs[k];
    }
    s.iterations = iteration;
    s.relative_error = total > net_.accuracy ? change / total : change;
    if (s.relative_error <= target) {
      if (iteration > net_.max_trials) {  // converged within the extra trials: stop
        s.converged = true;
        break;
      }
      if (!check_statuses(s)) {
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

HydraulicState solve_steady(const WaterNetwork& net, double accuracy_factor) {
  auto state = initial_state(net);
  HydraulicSolver solver(net);
  solver.solve(state, accuracy_factor);
  return state;
}

}  // namespace sofiatwin::water
