#include "hydraulics.hpp"

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
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

HydraulicState solve_steady(const WaterNetwork& net, double extra_accuracy_factor) {
  const auto junctions = net.junction_count;
  const std::size_t links = net.link_count();
  HydraulicState s;
  s.head_ft.assign(net.node_count(), 0.0);
  for (std::size_t v = static_cast<std::size_t>(junctions); v < net.node_count(); ++v) s.head_ft[v] = net.fixed_head_ft[v];
  // Initial flows: 1 ft/s in every open link (as EPANET).
  s.flow_cfs.resize(links);
  for (std::size_t k = 0; k < links; ++k) s.flow_cfs[k] = net.initially_closed[k] ? 1e-6 : pi * net.diameter_ft[k] * net.diameter_ft[k] / 4.0;

  // The sparsity pattern is fixed: analyse it once.
  std::vector<Eigen::Triplet<double>> pattern;
  for (std::int32_t j = 0; j < junctions; ++j) pattern.emplace_back(j, j, 1.0);
  for (std::size_t k = 0; k < links; ++k) {
    const auto a = net.from_node[k], b = net.to_node[k];
    if (a < junctions && b < junctions && a != b) pattern.emplace_back(std::max(a, b), std::min(a, b), 0.0);
  }
  Eigen::SparseMatrix<double> A(junctions, junctions);
  A.setFromTriplets(pattern.begin(), pattern.end());
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower> solver;
  solver.analyzePattern(A);

  std::vector<double> p(links), y(links);
  Eigen::VectorXd F(junctions);
  const double target = net.accuracy * extra_accuracy_factor;
  for (int iteration = 1; iteration <= net.max_trials * 10; ++iteration) {
    A.coeffs().setZero();
    F.setZero();
    for (std::int32_t j = 0; j < junctions; ++j) F[j] = -net.base_demand_cfs[j] * net.demand_multiplier;
    for (std::size_t k = 0; k < links; ++k) {
      double h = 0, g = 0;
      if (net.initially_closed[k]) {
        g = closed_gradient;
        h = closed_gradient * s.flow_cfs[k];
      } else {
        link_headloss(net, k, s.flow_cfs[k], h, g);
      }
      p[k] = 1.0 / g;
      y[k] = h / g;
      const auto a = net.from_node[k], b = net.to_node[k];
      const double through = s.flow_cfs[k] - y[k];
      if (a < junctions) {
        A.coeffRef(a, a) += p[k];
        F[a] -= through;
      } else if (b < junctions) {
        F[b] += p[k] * s.head_ft[a];
      }
      if (b < junctions) {
        A.coeffRef(b, b) += p[k];
        F[b] += through;
      } else if (a < junctions) {
        F[a] += p[k] * s.head_ft[b];
      }
      if (a < junctions && b < junctions && a != b) A.coeffRef(std::max(a, b), std::min(a, b)) -= p[k];
    }
    solver.factorize(A);
    Eigen::VectorXd H = solver.solve(F);
    // Near-zero flows give gradients down to 1e-7 and entries up to 1e7: one step of iterative
    // refinement (with the full symmetric matrix) restores the digits the factorisation lost.
    const Eigen::SparseMatrix<double> full = A.selfadjointView<Eigen::Lower>();
    H += solver.solve(F - full * H);
    for (std::int32_t j = 0; j < junctions; ++j) s.head_ft[j] = H[j];
    double change = 0.0, total = 0.0;
    for (std::size_t k = 0; k < links; ++k) {
      const double dq = y[k] - p[k] * (s.head_ft[net.from_node[k]] - s.head_ft[net.to_node[k]]);
      s.flow_cfs[k] -= dq;
      change += std::abs(dq);
      total += std::abs(s.flow_cfs[k]);
    }
    s.iterations = iteration;
    s.relative_error = total > 0 ? change / total : 0.0;
    if (s.relative_error <= target) {
      s.converged = true;
      break;
    }
  }
  return s;
}

}  // namespace sofiatwin::water
