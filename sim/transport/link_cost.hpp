// BPR link costs, their derivatives and the Beckmann objective (the equations, in one place).
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/transport/network.hpp"

namespace sofiatwin::transport {

/// r^p with a fast path for the small integer powers BPR uses (4 above all); std::pow otherwise.
inline double bpr_pow(double r, double p) {
  if (p == 4.0) {
    const double r2 = r * r;
    return r2 * r2;
  }
  if (p == 1.0) return r;
  if (p == 2.0) return r * r;
  if (p == 3.0) return r * r * r;
  if (p == 5.0) {
    const double r2 = r * r;
    return r2 * r2 * r;
  }
  return std::pow(r, p);
}

/// Per-link constants of the cost function, precomputed once per assignment.
class LinkCosts {
 public:
  LinkCosts(const TrafficNetwork& net, CostWeights weights);

  /// c(x) = t0 (1 + B (x/c)^P) + fixed, fixed = toll_factor * toll + distance_factor * length.
  [[nodiscard]] double cost(std::size_t a, double x) const {
    if (constant_[a]) return constant_cost_[a];
    return t0_[a] * (1.0 + b_[a] * bpr_pow(std::max(x, 0.0) / cap_[a], power_[a])) + fixed_[a];
  }
  /// dc/dx = t0 B P x^(P-1) / c^P; 0 on constant-cost links (B = 0 or P = 0). For P < 1 the
  /// derivative at 0 is infinite: it is taken at 1e-9 c instead.
  [[nodiscard]] double derivative(std::size_t a, double x) const {
    if (constant_[a]) return 0.0;
    const double xx = power_[a] < 1.0 ? std::max(x, 1e-9 * cap_[a]) : std::max(x, 0.0);
    return t0_[a] * b_[a] * power_[a] * bpr_pow(xx / cap_[a], power_[a] - 1.0) / cap_[a];
  }
  /// Integral of c from 0 to x: t0 (x + B c/(P+1) (x/c)^(P+1)) + fixed x.
  [[nodiscard]] double integral(std::size_t a, double x) const {
    if (constant_[a]) return constant_cost_[a] * x;
    return t0_[a] * (x + b_[a] * cap_[a] / (power_[a] + 1.0) * bpr_pow(std::max(x, 0.0) / cap_[a], power_[a] + 1.0)) +
           fixed_[a] * x;
  }
  [[nodiscard]] std::size_t size() const { return t0_.size(); }

  void costs(const std::vector<double>& flow, std::vector<double>& out) const;
  [[nodiscard]] double beckmann(const std::vector<double>& flow) const;
  [[nodiscard]] double total_cost(const std::vector<double>& flow) const;  // TSTT = sum x c(x)

 private:
  std::vector<double> t0_, b_, power_, cap_, fixed_, constant_cost_;
  std::vector<char> constant_;
};

}  // namespace sofiatwin::transport
