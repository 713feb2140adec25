#include "demand.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace sofiatwin::transport {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double constant_bracket_min = 120.0;  // the car constant is sought within +-120 generalised minutes

/// Fills the diagonal with half of each row's cheapest cost to another zone.
void fill_intrazonal(std::vector<double>& c, std::size_t n) {
  for (std::size_t o = 0; o < n; ++o) {
    double nearest = inf;
    for (std::size_t d = 0; d < n; ++d)
      if (d != o) nearest = std::min(nearest, c[o * n + d]);
    c[o * n + o] = nearest / 2;
  }
}

/// A purpose's generalised costs of one period per production-attraction pair (minutes; the car
/// without its constant): the mean of the two legs, parking paid at the attraction end.
struct ModeCosts {
  std::vector<double> car, pt;
};

ModeCosts mode_costs(const Skims& s, const Purpose& purpose, const ModeChoiceParameters& m, const DemandInputs& in) {
  const double minutes_per_eur = 60.0 / purpose.value_of_time_eur_per_h;
  const auto n = static_cast<std::size_t>(s.zones);
  std::vector<double> car(n * n), pt(n * n);
  for (std::size_t i = 0; i < n * n; ++i) {
    car[i] = s.car_time_min[i] + m.car_cost_eur_per_km * s.car_distance_km[i] * minutes_per_eur;
    pt[i] = s.pt_in_vehicle_min[i] + m.wait_weight * s.pt_wait_min[i] + m.walk_weight * s.pt_walk_min[i] + m.pt_fare_eur * minutes_per_eur;
  }
  fill_intrazonal(car, n);
  fill_intrazonal(pt, n);
  ModeCosts c{std::vector<double>(n * n), std::vector<double>(n * n)};
  for (std::size_t o = 0; o < n; ++o)
    for (std::size_t d = 0; d < n; ++d) {
      // per leg: half the parking charge of a visit and half the search time of the arrival at d
      const double parking = (in.parking_eur_per_h.empty() ? 0.0 : in.parking_eur_per_h[d] * purpose.paid_parking_hours * minutes_per_eur / 2) +
                             (in.car_destination_penalty_min.empty() ? 0.0 : in.car_destination_penalty_min[d] / 2);
      c.car[o * n + d] = (car[o * n + d] + car[d * n + o]) / 2 + parking;
      c.pt[o * n + d] = (pt[o * n + d] + pt[d * n + o]) / 2;
    }
  return c;
}

double pt_probability(double car, double pt, double constant, double scale) {
  if (!std::isfinite(pt)) return 0.0;
  if (!std::isfinite(car)) return 1.0;
  return 1.0 / (1.0 + std::exp(-scale * (car + constant - pt)));
}

/// Logsum composite cost of the two modes (minutes) for travellers with a car at hand.
double composite(double car, double pt, double constant, double scale) {
  const double a = std::isfinite(car) ? -scale * (car + constant) : -1e300;
  const double b = std::isfinite(pt) ? -scale * pt : -1e300;
  const double top = std::max(a, b);
  if (top <= -1e299) return inf;
  return -(top + std::log(std::exp(a - top) + std::exp(b - top))) / scale;
}

/// Gravity model: doubly constrained (Furness balancing) or production-constrained.
std::vector<double> gravity(const std::vector<double>& P, const std::vector<double>& A, const std::vector<double>& cost, double beta,
                            bool doubly) {
  const std::size_t n = P.size();
  std::vector<double> f(cost.size()), a(n, 1.0), b(n, 1.0), T(cost.size(), 0.0);
  for (std::size_t i = 0; i < cost.size(); ++i) f[i] = std::isfinite(cost[i]) ? std::exp(-beta * cost[i]) : 0.0;
  for (int iteration = 0; iteration < (doubly ? 1000 : 1); ++iteration) {
    for (std::size_t o = 0; o < n; ++o) {
      double s = 0.0;
      for (std::size_t d = 0; d < n; ++d) s += b[d] * A[d] * f[o * n + d];
      a[o] = s > 0 ? 1.0 / s : 0.0;
    }
    if (!doubly) break;
    double worst = 0.0;
    std::vector<double> column(n, 0.0);
    for (std::size_t o = 0; o < n; ++o) {
      const double w = a[o] * P[o];
      for (std::size_t d = 0; d < n; ++d) column[d] += w * f[o * n + d];
    }
    for (std::size_t d = 0; d < n; ++d) {
      const double next = column[d] > 0 ? 1.0 / column[d] : 0.0;
      if (b[d] > 0 && next > 0) worst = std::max(worst, std::abs(next / b[d] - 1.0));
      b[d] = next;
    }
    if (worst < 1e-10) break;
  }
  for (std::size_t o = 0; o < n; ++o)
    for (std::size_t d = 0; d < n; ++d) T[o * n + d] = a[o] * P[o] * b[d] * A[d] * f[o * n + d];
  return T;
}

/// Everything about one purpose that does not depend on the car constant.
struct PurposeSetup {
  std::vector<double> P, A;        // motorised productions and attractions per day
  std::vector<ModeCosts> costs;    // per period
};

/// One purpose at one car constant: daily PA matrix, then per period OD trips by mode.
struct PurposeRun {
  std::vector<OdMatrix> car, pt;  // per period
  std::vector<std::vector<double>> pa_trips, pa_impedance;  // per period (kept runs only)
  double all = 0.0, pt_total = 0.0;
};

/// The public-transport share of one pair: the choice of those with a car at hand, all of the others
/// (where there is a path).
double pt_share_of_pair(const Purpose& purpose, double car, double pt, double constant, double scale) {
  const double captive = std::isfinite(pt) ? 1.0 - purpose.car_available_share : 0.0;
  return captive + purpose.car_available_share * pt_probability(car, pt, constant, scale);
}

/// The distribution impedance of one pair: the logsum for those with a car, the PT cost for the others.
double impedance(const Purpose& purpose, double car, double pt, double constant, double scale) {
  const double with_car = composite(car, pt, constant, scale);
  if (!std::isfinite(pt) || purpose.car_available_share >= 1.0) return with_car;
  return purpose.car_available_share * with_car + (1.0 - purpose.car_available_share) * pt;
}

PurposeRun run_purpose(const PurposeSetup& s, const Purpose& purpose, const DemandParameters& p, double constant, bool keep) {
  const std::size_t n = s.P.size();
  const double scale = p.mode.logit_scale_per_min;
  std::vector<double> cost(n * n, 0.0);
  for (std::size_t t = 0; t < p.periods.size(); ++t) {
    const double share = purpose.period_share[t];
    if (share <= 0) continue;
    for (std::size_t i = 0; i < n * n; ++i) cost[i] += share * impedance(purpose, s.costs[t].car[i], s.costs[t].pt[i], constant, scale);
  }
  const auto T = gravity(s.P, s.A, cost, purpose.gravity_beta_per_min, purpose.doubly_constrained);
  PurposeRun r;
  const auto zones = static_cast<std::int32_t>(n);
  std::vector<double> car_pa(n * n), pt_pa(n * n);
  for (std::size_t t = 0; t < p.periods.size(); ++t) {
    const double share = purpose.period_share[t], out = purpose.from_home_share[t];
    for (std::size_t i = 0; i < n * n; ++i) {  // production-attraction trips of the period by mode
      const double trips = share * T[i];
      pt_pa[i] = trips * pt_share_of_pair(purpose, s.costs[t].car[i], s.costs[t].pt[i], constant, scale);
      car_pa[i] = trips - pt_pa[i];
      r.all += trips;
      r.pt_total += pt_pa[i];
    }
    OdMatrix car{zones, keep ? std::vector<double>(n * n) : std::vector<double>{}};
    OdMatrix pt{zones, keep ? std::vector<double>(n * n) : std::vector<double>{}};
    for (std::size_t o = 0; o < n && keep; ++o)  // to origin-destination: the legs leaving home, and back
      for (std::size_t d = 0; d < n; ++d) {
        car.trips[o * n + d] = out * car_pa[o * n + d] + (1.0 - out) * car_pa[d * n + o];
        pt.trips[o * n + d] = out * pt_pa[o * n + d] + (1.0 - out) * pt_pa[d * n + o];
      }
    if (keep) {
      std::vector<double> trips(n * n), pair_cost(n * n);
      for (std::size_t i = 0; i < n * n; ++i) {
        trips[i] = car_pa[i] + pt_pa[i];
        pair_cost[i] = impedance(purpose, s.costs[t].car[i], s.costs[t].pt[i], constant, scale);
      }
      r.pa_trips.push_back(std::move(trips));
      r.pa_impedance.push_back(std::move(pair_cost));
    }
    r.car.push_back(std::move(car));
    r.pt.push_back(std::move(pt));
  }
  return r;
}

double weighted_activity(const DemandInputs& in, const std::array<double, activity_count>& weight, std::size_t z) {
  double a = 0.0;
  for (std::size_t k = 0; k < activity_count; ++k)
    if (weight[k] != 0) a += weight[k] * in.activity[k][z];
  return a;
}

/// Motorised trips produced per zone and day.
std::vector<double> productions(const DemandInputs& in, const Purpose& purpose, const std::vector<double>& factor) {
  const std::size_t n = in.population.size();
  double residents = 0.0, weight_sum = 0.0;
  std::vector<double> weight(n);
  for (std::size_t z = 0; z < n; ++z) {
    residents += in.population[z];
    weight[z] = weighted_activity(in, purpose.production_weight, z);
    weight_sum += weight[z];
  }
  // The city's residents' trips, spread over the zones in proportion to the production activities
  // (for a home-based purpose, the residents themselves).
  std::vector<double> P(n, 0.0);
  for (std::size_t z = 0; z < n && weight_sum > 0; ++z)
    P[z] = residents * weight[z] / weight_sum * purpose.trips_per_person_per_day * purpose.motorised_share * (factor.empty() ? 1.0 : factor[z]);
  return P;
}

std::vector<PurposeSetup> setup(const DemandInputs& in, const std::vector<Skims>& skims, const DemandParameters& p) {
  const std::size_t n = in.population.size();
  std::vector<PurposeSetup> out(p.purposes.size());
  oneapi::tbb::parallel_for(std::size_t{0}, p.purposes.size(), [&](std::size_t k) {
    const auto& purpose = p.purposes[k];
    auto& s = out[k];
    s.P = productions(in, purpose, in.production_factor.empty() ? std::vector<double>{} : in.production_factor[k]);
    s.A.resize(n);
    double sum_p = 0.0, sum_a = 0.0;
    for (std::size_t z = 0; z < n; ++z) {
      s.A[z] = weighted_activity(in, purpose.attraction_weight, z);
      sum_p += s.P[z], sum_a += s.A[z];
    }
    if (sum_p > 0 && !(sum_a > 0))
      throw std::invalid_argument("purpose '" + purpose.name + "': no zone attracts it (its attraction activities are zero everywhere)");
    for (auto& a : s.A) a *= sum_a > 0 ? sum_p / sum_a : 0.0;
    for (const auto& skim : skims) s.costs.push_back(mode_costs(skim, purpose, p.mode, in));
  });
  return out;
}

/// The day's public-transport share of motorised trips at a car constant (and the runs, if kept).
double pt_share_at(const std::vector<PurposeSetup>& setups, const DemandParameters& p, double constant, bool keep,
                   std::vector<PurposeRun>* runs) {
  std::vector<PurposeRun> local(setups.size());
  oneapi::tbb::parallel_for(std::size_t{0}, setups.size(), [&](std::size_t k) {
    local[k] = run_purpose(setups[k], p.purposes[k], p, constant, keep);
  });
  double all = 0.0, pt = 0.0;
  for (const auto& r : local) all += r.all, pt += r.pt_total;  // in purpose order: the same sum for any thread count
  if (runs) *runs = std::move(local);
  return all > 0 ? pt / all : 0.0;
}

/// Illinois (modified regula falsi) on the monotone share(constant) - target; nullopt when unbracketed.
std::optional<double> calibrate(const std::vector<PurposeSetup>& setups, const DemandParameters& p) {
  double lo = -constant_bracket_min, hi = constant_bracket_min;
  double f_lo = pt_share_at(setups, p, lo, false, nullptr) - p.mode.target_pt_share;
  double f_hi = pt_share_at(setups, p, hi, false, nullptr) - p.mode.target_pt_share;
  if (f_lo > 0 || f_hi < 0) return std::nullopt;
  int side = 0;
  for (int iteration = 0; iteration < 100; ++iteration) {
    const double mid = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
    const double f = pt_share_at(setups, p, mid, false, nullptr) - p.mode.target_pt_share;
    if (std::abs(f) < 1e-9 || hi - lo < 1e-9) return mid;
    if (f < 0) {
      lo = mid, f_lo = f;
      if (side == -1) f_hi /= 2;
      side = -1;
    } else {
      hi = mid, f_hi = f;
      if (side == 1) f_lo /= 2;
      side = 1;
    }
  }
  return (lo + hi) / 2;
}

void summarise(const DemandInputs& in, const std::vector<Skims>& skims, const DemandParameters& p, const std::vector<PurposeSetup>& setups,
               double constant, DemandResult& r) {
  const std::size_t n = in.population.size(), periods = p.periods.size();
  for (std::size_t k = 0; k < p.purposes.size(); ++k) {
    auto& s = r.purpose[k];
    const auto& purpose = p.purposes[k];
    for (std::size_t z = 0; z < n; ++z) s.daily_trips += setups[k].P[z] / purpose.motorised_share;
    for (auto* v : {&s.car_trips, &s.pt_trips, &s.intrazonal_trips, &s.car_person_km, &s.car_person_min, &s.pt_person_min,
                    &s.inter_zonal_car_trips, &s.inter_zonal_pt_trips, &s.generalised_person_min})
      v->assign(periods, 0.0);
    for (std::size_t t = 0; t < periods; ++t) {
      const auto& car = r.car_persons[k][t].trips;
      const auto& pt = r.pt_persons[k][t].trips;
      const auto& sk = skims[t];
      const auto& c = setups[k].costs[t];
      for (std::size_t o = 0; o < n; ++o)
        for (std::size_t d = 0; d < n; ++d) {
          const std::size_t i = o * n + d;
          const double all = car[i] + pt[i];
          if (all <= 0) continue;
          s.car_trips[t] += car[i];
          s.pt_trips[t] += pt[i];
          s.generalised_person_min[t] += all * impedance(purpose, c.car[i], c.pt[i], constant, p.mode.logit_scale_per_min);
          if (o == d) {
            s.intrazonal_trips[t] += all;
            continue;
          }
          s.inter_zonal_car_trips[t] += car[i];
          s.car_person_km[t] += car[i] * sk.car_distance_km[i];
          s.car_person_min[t] += car[i] * sk.car_time_min[i];
          if (pt[i] > 0) {
            s.inter_zonal_pt_trips[t] += pt[i];
            s.pt_person_min[t] += pt[i] * (sk.pt_in_vehicle_min[i] + sk.pt_wait_min[i] + sk.pt_walk_min[i]);
          }
        }
    }
  }
}

void check(const DemandInputs& in, const std::vector<Skims>& skims, const DemandParameters& p) {
  if (skims.size() != p.periods.size()) throw std::invalid_argument("demand: one skim set per period is needed");
  for (const auto& purpose : p.purposes)
    if (purpose.period_share.size() != p.periods.size() || purpose.from_home_share.size() != p.periods.size())
      throw std::invalid_argument("purpose '" + purpose.name + "': one period share per period is needed");
  for (const auto& s : skims)
    if (static_cast<std::size_t>(s.zones) != in.population.size()) throw std::invalid_argument("demand: skims and zones differ in size");
}

}  // namespace

DemandResult run_demand(const DemandInputs& inputs, const std::vector<Skims>& skims, const DemandParameters& p) {
  check(inputs, skims, p);
  const auto setups = setup(inputs, skims, p);
  DemandResult r;
  if (p.mode.car_constant_min) {
    r.car_constant_min = *p.mode.car_constant_min;
  } else if (const auto constant = calibrate(setups, p)) {
    r.car_constant_min = *constant;
    r.calibrated = true;
  } else {  // unreachable target (e.g. no public transport at all): the nearer end of the range
    const double at_hi = pt_share_at(setups, p, constant_bracket_min, false, nullptr);
    r.car_constant_min = at_hi < p.mode.target_pt_share ? constant_bracket_min : -constant_bracket_min;
  }
  std::vector<PurposeRun> runs;
  r.pt_share = pt_share_at(setups, p, r.car_constant_min, true, &runs);
  const std::size_t n = inputs.population.size();
  const auto zones = static_cast<std::int32_t>(n);
  r.purpose.resize(p.purposes.size());
  for (std::size_t t = 0; t < p.periods.size(); ++t) {
    r.car_vehicles_per_hour.push_back({zones, std::vector<double>(n * n, 0.0)});
    r.pt_persons_per_hour.push_back({zones, std::vector<double>(n * n, 0.0)});
  }
  for (std::size_t k = 0; k < p.purposes.size(); ++k) {
    for (std::size_t t = 0; t < p.periods.size(); ++t) {
      const double hours = p.periods[t].hours();
      auto& vehicles = r.car_vehicles_per_hour[t].trips;
      auto& riders = r.pt_persons_per_hour[t].trips;
      for (std::size_t i = 0; i < n * n; ++i) {
        vehicles[i] += runs[k].car[t].trips[i] / p.purposes[k].car_occupancy / hours;
        riders[i] += runs[k].pt[t].trips[i] / hours;
      }
    }
    r.productions.push_back(setups[k].P);
    r.attractions.push_back(setups[k].A);
    r.pa_trips.push_back(std::move(runs[k].pa_trips));
    r.pa_impedance_min.push_back(std::move(runs[k].pa_impedance));
    r.car_persons.push_back(std::move(runs[k].car));
    r.pt_persons.push_back(std::move(runs[k].pt));
  }
  summarise(inputs, skims, p, setups, r.car_constant_min, r);
  return r;
}

double user_benefit_hours(const DemandResult& before, const DemandResult& after, std::size_t k) {
  const auto& t0 = before.pa_trips[k];
  const auto& t1 = after.pa_trips[k];
  const auto& c0 = before.pa_impedance_min[k];
  const auto& c1 = after.pa_impedance_min[k];
  // Trips an exogenous change removes (fewer productions: e-government, telework) are valued by
  // the rule of a half too: those who drop a trip gain between nothing and its whole cost.
  double n0 = 0, n1 = 0, cost0 = 0;
  for (std::size_t t = 0; t < t0.size(); ++t)
    for (std::size_t i = 0; i < t0[t].size(); ++i) n0 += t0[t][i], n1 += t1[t][i], cost0 += t0[t][i] * c0[t][i];
  double p0 = 0, p1 = 0;
  for (double v : before.productions[k]) p0 += v;
  for (double v : after.productions[k]) p1 += v;
  double minutes = 0;
  for (std::size_t t = 0; t < t0.size(); ++t)
    for (std::size_t i = 0; i < t0[t].size(); ++i)
      if (std::isfinite(c0[t][i]) && std::isfinite(c1[t][i])) minutes += 0.5 * (t0[t][i] + t1[t][i]) * (c0[t][i] - c1[t][i]);
  if (p1 < p0 && n0 > 0) {
    const double removed = n0 * (1.0 - p1 / p0);
    minutes += 0.5 * removed * cost0 / n0;
  }
  return minutes / 60.0;
}

}  // namespace sofiatwin::transport
