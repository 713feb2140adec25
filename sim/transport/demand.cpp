#include "demand.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sofiatwin::transport {
namespace {

struct ModeCosts {
  std::vector<double> car, pt;  // generalised minutes (car without its constant), +inf = unavailable
};

/// Generalised costs (minutes). Intra-zonal pairs take half the cheapest cost to another zone.
ModeCosts mode_costs(const Skims& s, const DemandParameters& p) {
  const double minutes_per_eur = 60.0 / p.value_of_time_eur_per_h;
  ModeCosts c{std::vector<double>(s.car_time_min.size()), std::vector<double>(s.car_time_min.size())};
  for (std::size_t i = 0; i < c.car.size(); ++i) {
    c.car[i] = s.car_time_min[i] + p.car_cost_eur_per_km * s.car_distance_km[i] * minutes_per_eur;
    c.pt[i] = s.pt_in_vehicle_min[i] + p.wait_weight * s.pt_wait_min[i] + p.walk_weight * s.pt_walk_min[i] +
              p.pt_fare_eur * minutes_per_eur;
  }
  for (std::int32_t o = 0; o < s.zones; ++o)
    for (auto* v : {&c.car, &c.pt}) {
      double nearest = std::numeric_limits<double>::infinity();
      for (std::int32_t d = 0; d < s.zones; ++d)
        if (d != o) nearest = std::min(nearest, (*v)[s.at(o, d)]);
      (*v)[s.at(o, o)] = nearest / 2;
    }
  return c;
}

/// Probability of public transport: logit on (car + constant) versus PT generalised cost.
double pt_probability(double car, double pt, double constant, double scale) {
  if (!std::isfinite(pt)) return 0.0;
  if (!std::isfinite(car)) return 1.0;
  return 1.0 / (1.0 + std::exp(-scale * (car + constant - pt)));
}

/// Logsum composite cost of the two modes.
double composite(double car, double pt, double constant, double scale) {
  const double a = std::isfinite(car) ? -scale * (car + constant) : -1e300;
  const double b = std::isfinite(pt) ? -scale * pt : -1e300;
  const double m = std::max(a, b);
  if (m <= -1e299) return std::numeric_limits<double>::infinity();
  return -(m + std::log(std::exp(a - m) + std::exp(b - m))) / scale;
}

/// Doubly constrained gravity (Furness balancing) of productions P and attractions A.
std::vector<double> gravity(const std::vector<double>& P, const std::vector<double>& A, const std::vector<double>& cost,
                            double beta) {
  const std::size_t n = P.size();
  std::vector<double> f(cost.size()), a(n, 1.0), b(n, 1.0), T(cost.size());
  for (std::size_t i = 0; i < cost.size(); ++i) f[i] = std::isfinite(cost[i]) ? std::exp(-beta * cost[i]) : 0.0;
  for (int iteration = 0; iteration < 500; ++iteration) {
    double worst = 0.0;
    for (std::size_t o = 0; o < n; ++o) {
      double s = 0.0;
      for (std::size_t d = 0; d < n; ++d) s += b[d] * A[d] * f[o * n + d];
      a[o] = s > 0 ? 1.0 / s : 0.0;
    }
    for (std::size_t d = 0; d < n; ++d) {
      double s = 0.0;
      for (std::size_t o = 0; o < n; ++o) s += a[o] * P[o] * f[o * n + d];
      const double next = s > 0 ? 1.0 / s : 0.0;
      if (b[d] > 0) worst = std::max(worst, std::abs(next / b[d] - 1.0));
      b[d] = next;
    }
    if (worst < 1e-12) break;
  }
  for (std::size_t o = 0; o < n; ++o)
    for (std::size_t d = 0; d < n; ++d) T[o * n + d] = a[o] * P[o] * b[d] * A[d] * f[o * n + d];
  return T;
}

struct Split {
  std::vector<double> total, pt;
  double pt_share = 0.0;
};

Split distribute_and_split(const std::vector<double>& P, const std::vector<double>& A, const ModeCosts& c, double constant,
                           const DemandParameters& p) {
  std::vector<double> composite_cost(c.car.size());
  for (std::size_t i = 0; i < c.car.size(); ++i) composite_cost[i] = composite(c.car[i], c.pt[i], constant, p.logit_scale_per_min);
  Split s;
  s.total = gravity(P, A, composite_cost, p.gravity_beta_per_min);
  s.pt.resize(s.total.size());
  double all = 0.0, pt = 0.0;
  for (std::size_t i = 0; i < s.total.size(); ++i) {
    s.pt[i] = s.total[i] * pt_probability(c.car[i], c.pt[i], constant, p.logit_scale_per_min);
    all += s.total[i];
    pt += s.pt[i];
  }
  s.pt_share = all > 0 ? pt / all : 0.0;
  return s;
}

}  // namespace

DemandResult run_demand(const std::vector<double>& population, const std::vector<Point2>& zone_position, const Skims& skims,
                        const DemandParameters& p) {
  const std::size_t n = population.size();
  std::vector<double> P(n), A(n);
  double sum_p = 0.0, sum_a = 0.0;
  for (std::size_t z = 0; z < n; ++z) {
    P[z] = population[z] * p.trips_per_person_per_day * p.motorised_share * p.peak_hour_share;
    A[z] = population[z] * (1.0 + p.centrality_weight * std::exp(-distance_m(zone_position[z], p.centre) / p.centrality_radius_m));
    sum_p += P[z];
    sum_a += A[z];
  }
  for (auto& a : A) a *= sum_a > 0 ? sum_p / sum_a : 0.0;
  const ModeCosts costs = mode_costs(skims, p);
  // Calibrate the car constant so that the PT share meets the target (the share falls as the constant falls).
  double lo = -120.0, hi = 120.0;
  Split split;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    split = distribute_and_split(P, A, costs, mid, p);
    (split.pt_share < p.target_pt_share ? lo : hi) = mid;
  }
  DemandResult r;
  r.car_constant_min = (lo + hi) / 2;
  split = distribute_and_split(P, A, costs, r.car_constant_min, p);
  r.pt_share = split.pt_share;
  const auto zones = static_cast<std::int32_t>(n);
  r.person_trips = {zones, split.total};
  r.pt_persons = {zones, split.pt};
  r.car_vehicles = {zones, std::vector<double>(split.total.size())};
  double car_trips = 0.0, car_km = 0.0, pt_trips = 0.0, pt_min = 0.0;
  for (std::size_t i = 0; i < split.total.size(); ++i) {
    const double car = split.total[i] - split.pt[i];
    r.car_vehicles.trips[i] = car / p.car_occupancy;
    if (i % (n + 1) == 0) continue;  // intra-zonal: not on the networks
    car_trips += car;
    car_km += car * skims.car_distance_km[i];
    if (split.pt[i] > 0) {
      pt_trips += split.pt[i];
      pt_min += split.pt[i] * (skims.pt_in_vehicle_min[i] + skims.pt_wait_min[i] + skims.pt_walk_min[i]);
    }
  }
  r.daily_pt_trips = r.pt_persons.total() / p.peak_hour_share;
  r.mean_car_trip_km = car_trips > 0 ? car_km / car_trips : 0.0;
  r.mean_pt_trip_min = pt_trips > 0 ? pt_min / pt_trips : 0.0;
  return r;
}

}  // namespace sofiatwin::transport
