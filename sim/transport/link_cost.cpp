#include "link_cost.hpp"

#include <numeric>

namespace sofiatwin::transport {

double OdMatrix::total() const { return std::accumulate(trips.begin(), trips.end(), 0.0); }

LinkCosts::LinkCosts(const TrafficNetwork& net, CostWeights weights) {
  const std::size_t n = net.link_count();
  t0_ = net.free_flow_time_min;
  b_ = net.b;
  power_ = net.power;
  cap_ = net.capacity_veh_h;
  fixed_.resize(n);
  constant_.resize(n);
  constant_cost_.resize(n);
  for (std::size_t a = 0; a < n; ++a) {
    fixed_[a] = weights.toll_factor * net.toll[a] + weights.distance_factor * net.length[a];
    constant_[a] = b_[a] == 0.0 || power_[a] == 0.0 || t0_[a] == 0.0;
    constant_cost_[a] = t0_[a] * (1.0 + (power_[a] == 0.0 ? b_[a] : 0.0)) + fixed_[a];
  }
}

void LinkCosts::costs(const std::vector<double>& flow, std::vector<double>& out) const {
  out.resize(flow.size());
  for (std::size_t a = 0; a < flow.size(); ++a) out[a] = cost(a, flow[a]);
}

double LinkCosts::beckmann(const std::vector<double>& flow) const {
  double sum = 0.0;
  for (std::size_t a = 0; a < flow.size(); ++a) sum += integral(a, flow[a]);
  return sum;
}

double LinkCosts::total_cost(const std::vector<double>& flow) const {
  double sum = 0.0;
  for (std::size_t a = 0; a < flow.size(); ++a) sum += flow[a] * cost(a, flow[a]);
  return sum;
}

}  // namespace sofiatwin::transport
