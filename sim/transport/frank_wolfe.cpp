// Frank-Wolfe and its conjugate (CFW) and bi-conjugate (BFW) variants, after Mitradjieva and
// Lindberg, "The stiff is moving - conjugate direction Frank-Wolfe methods with applications to
// traffic assignment", Transportation Science 47(2), 2013. Each iteration: all-or-nothing target y at
// the current costs, a search target s (y itself for FW; a combination of y and the previous
// targets, conjugate to the previous directions w.r.t. H = diag(c'(x)), for CFW/BFW), then an exact
// line search on the Beckmann objective along d = s - x.
#include <cmath>

#include "sim/transport/assignment_internal.hpp"

namespace sofiatwin::transport::detail {
namespace {

using Vector = std::vector<double>;

/// H-weighted inner product sum_a u_a c'_a(x_a) v_a.
double h_dot(const LinkCosts& costs, const Vector& x, const Vector& u, const Vector& v) {
  double sum = 0.0;
  for (std::size_t a = 0; a < x.size(); ++a) sum += u[a] * costs.derivative(a, x[a]) * v[a];
  return sum;
}

Vector minus(const Vector& u, const Vector& v) {
  Vector out(u.size());
  for (std::size_t a = 0; a < u.size(); ++a) out[a] = u[a] - v[a];
  return out;
}

/// Step in [0, 1] minimising the Beckmann objective along x + t d: bisection on its derivative
/// g(t) = sum_a c_a(x_a + t d_a) d_a, which increases with t.
double line_search(const LinkCosts& costs, const Vector& x, const Vector& d) {
  auto slope = [&](double t) {
    double g = 0.0;
    for (std::size_t a = 0; a < x.size(); ++a)
      if (d[a] != 0.0) g += costs.cost(a, x[a] + t * d[a]) * d[a];
    return g;
  };
  if (slope(1.0) <= 0.0) return 1.0;
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 60 && hi - lo > 1e-15; ++i) {
    const double mid = (lo + hi) / 2;
    (slope(mid) < 0.0 ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

/// CFW target: s = a s_prev + (1 - a) y with (s_prev - x)' H (s - x) = 0, a clamped to [0, 1 - 1e-6].
Vector conjugate_target(const LinkCosts& costs, const Vector& x, const Vector& y, const Vector& s_prev) {
  const Vector dbar = minus(s_prev, x);
  const double numerator = h_dot(costs, x, dbar, minus(y, x));
  const double denominator = h_dot(costs, x, dbar, minus(y, s_prev));
  double alpha = denominator != 0.0 ? numerator / denominator : 0.0;
  if (!std::isfinite(alpha) || alpha < 0.0) alpha = 0.0;
  alpha = std::min(alpha, 1.0 - 1e-6);
  Vector s(x.size());
  for (std::size_t a = 0; a < x.size(); ++a) s[a] = alpha * s_prev[a] + (1.0 - alpha) * y[a];
  return s;
}

/// BFW target: s = b0 y + b1 s_prev + b2 s_prev2, conjugate to the last two directions. Empty
/// when the coefficients are not usable (the caller then falls back to CFW).
Vector biconjugate_target(const LinkCosts& costs, const Vector& x, const Vector& y, const Vector& s_prev,
                          const Vector& s_prev2, double tau_prev) {
  if (tau_prev >= 1.0 - 1e-12) return {};
  const Vector d1 = minus(s_prev, x);
  Vector d2(x.size());
  for (std::size_t a = 0; a < x.size(); ++a) d2[a] = tau_prev * s_prev[a] - x[a] + (1.0 - tau_prev) * s_prev2[a];
  const Vector y_minus_x = minus(y, x);
  const double mu = -h_dot(costs, x, d2, y_minus_x) / h_dot(costs, x, d2, minus(s_prev2, s_prev));
  const double nu = -h_dot(costs, x, d1, y_minus_x) / h_dot(costs, x, d1, d1) + mu * tau_prev / (1.0 - tau_prev);
  if (!std::isfinite(mu) || !std::isfinite(nu) || mu < 0.0 || nu < 0.0) return {};
  const double b0 = 1.0 / (1.0 + mu + nu), b1 = nu * b0, b2 = mu * b0;
  Vector s(x.size());
  for (std::size_t a = 0; a < x.size(); ++a) s[a] = b0 * y[a] + b1 * s_prev[a] + b2 * s_prev2[a];
  return s;
}

}  // namespace

void run_frank_wolfe(const TrafficNetwork& net, const OdMatrix& od, const AssignmentOptions& options,
                     const LinkCosts& costs, const ShortestPaths& paths, ConvergenceLog& log, AssignmentResult& result) {
  Vector c;
  costs.costs(Vector(net.link_count(), 0.0), c);
  auto aon = all_or_nothing(paths, net, od, c);
  result.unassigned_trips = aon.unassigned_trips;
  Vector x = aon.link_flow, s_prev, s_prev2;
  double tau_prev = 1.0;
  for (int k = 1; k <= options.max_iterations; ++k) {
    costs.costs(x, c);
    aon = all_or_nothing(paths, net, od, c);
    if (log.record(k, costs.total_cost(x), aon.shortest_path_total, costs.beckmann(x))) break;
    const Vector& y = aon.link_flow;
    Vector s;
    if (options.algorithm == Algorithm::biconjugate_frank_wolfe && !s_prev2.empty())
      s = biconjugate_target(costs, x, y, s_prev, s_prev2, tau_prev);
    if (s.empty() && options.algorithm != Algorithm::frank_wolfe && !s_prev.empty())
      s = conjugate_target(costs, x, y, s_prev);
    if (s.empty()) s = y;
    Vector d = minus(s, x);
    double descent = 0.0;
    for (std::size_t a = 0; a < x.size(); ++a) descent += c[a] * d[a];
    if (descent >= 0.0) {  // not a descent direction: plain Frank-Wolfe this time
      s = y;
      d = minus(s, x);
    }
    const double tau = line_search(costs, x, d);
    for (std::size_t a = 0; a < x.size(); ++a) x[a] += tau * d[a];
    s_prev2 = std::move(s_prev);
    s_prev = std::move(s);
    tau_prev = tau;
  }
  result.link_flow = std::move(x);
}

}  // namespace sofiatwin::transport::detail
