#include "external.hpp"

#include <cmath>

namespace sofiatwin::transport {

ExternalDemand external_demand(const std::vector<double>& vehicles_per_day, const std::vector<bool>& covered,
                               const std::vector<double>& attraction, const std::vector<double>& car_time_min,
                               const std::vector<double>& hours, const ExternalParameters& p) {
  const std::size_t g_count = vehicles_per_day.size(), z_count = attraction.size(), n = z_count + g_count;
  std::vector<double> daily(n * n, 0.0);  // vehicles a day, one direction per cell
  ExternalDemand out;
  double through_total = 0.0;
  for (std::size_t g = 0; g < g_count; ++g)
    if (covered[z_count + g]) through_total += vehicles_per_day[g] * p.through_share;
  for (std::size_t g = 0; g < g_count; ++g) {
    const double v = vehicles_per_day[g];
    if (!covered[z_count + g]) {
      out.off_network_per_day += v;
      continue;
    }
    out.vehicles_per_day += v;
    const std::size_t gz = z_count + g;
    // to and from the city: half of the non-through vehicles leave the gateway, half arrive
    double weight_sum = 0.0;
    std::vector<double> weight(z_count);
    for (std::size_t d = 0; d < z_count; ++d) {
      const double t = car_time_min[gz * n + d];
      weight[d] = std::isfinite(t) ? attraction[d] * std::exp(-p.gravity_beta_per_min * t) : 0.0;
      weight_sum += weight[d];
    }
    const double local = v * (1.0 - p.through_share) / 2.0;
    for (std::size_t d = 0; d < z_count && weight_sum > 0; ++d) {
      daily[gz * n + d] += local * weight[d] / weight_sum;
      daily[d * n + gz] += local * weight[d] / weight_sum;
    }
    // through: to the other covered gateways in proportion to their through vehicles (each pair
    // once per direction: half of a gateway's through vehicles leave it)
    const double own = v * p.through_share, others = through_total - own;
    for (std::size_t h = 0; h < g_count && others > 0; ++h)
      if (h != g && covered[z_count + h]) daily[gz * n + z_count + h] += own / 2.0 * vehicles_per_day[h] * p.through_share / others;
  }
  for (std::size_t g = 0; g < g_count; ++g)  // symmetric through flows: the mean of both directions
    for (std::size_t h = g + 1; h < g_count; ++h) {
      const auto a = (z_count + g) * n + z_count + h, b = (z_count + h) * n + z_count + g;
      daily[a] = daily[b] = (daily[a] + daily[b]) / 2.0;
    }
  for (std::size_t t = 0; t < hours.size(); ++t) {
    OdMatrix m{static_cast<std::int32_t>(n), std::vector<double>(n * n)};
    for (std::size_t i = 0; i < n * n; ++i) m.trips[i] = daily[i] * p.period_share[t] / hours[t];
    out.vehicles_per_hour.push_back(std::move(m));
  }
  return out;
}

}  // namespace sofiatwin::transport
