#include "scenarios/economics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace sofiatwin::scenarios {
namespace {

/// The yearly benefit of each kind at year y (EUR of the price year), a saving being positive.
std::map<std::string, double> benefits_in(int year, const AnnualChanges& c, const EconomicParameters& p) {
  std::map<std::string, double> b;
  const double growth = std::pow(1.0 + p.value_growth.value, year - p.price_year);
  double time = 0.0;
  for (const auto& [purpose, hours] : c.generalised_hours) {
    const auto vot = p.value_of_time_eur_per_h.find(purpose);
    if (vot != p.value_of_time_eur_per_h.end()) time -= hours * vot->second.value * growth;
  }
  b["travel_time"] = time;
  b["vehicle_operating_costs"] = -c.vehicle_km * p.vehicle_operating_cost_eur_per_km.value;
  b["co2"] = -c.co2_t * p.co2_price(year);
  b["air_pollution"] = -(c.nox_t * p.nox_eur_per_t.value + c.pm25_t * p.pm25_eur_per_t.value);
  b["water_not_lost"] = -c.water_lost_m3 * p.water_cost_eur_per_m3.value;
  b["energy"] = -c.energy_kwh * p.electricity_eur_per_kwh.value;
  b["other"] = c.other_benefit_eur;
  return b;
}

struct Flows {
  std::vector<YearFlow> years;
  std::map<std::string, double> benefit_pv;
  double benefits_pv = 0.0, costs_pv = 0.0;
};

Flows flows(const AnnualChanges& c, const std::vector<InvestmentCosts>& costs, const EconomicParameters& p, double rate) {
  Flows f;
  int first = p.appraisal_end_year, benefit_start = p.price_year, benefit_end = p.appraisal_end_year;
  for (const auto& k : costs) {
    first = std::min(first, k.start_year);
    benefit_start = std::max(benefit_start, k.start_year);
    benefit_end = std::min(benefit_end, k.start_year + k.lifetime_years - 1);
  }
  first = std::min(first, benefit_start);
  double cumulative = 0.0;
  for (int y = std::min(first, p.price_year); y <= p.appraisal_end_year; ++y) {
    const double discount = std::pow(1.0 + rate, -(y - p.price_year));
    YearFlow row{y, 0, 0, 0, 0, 0};
    if (y >= benefit_start && y <= benefit_end)
      for (const auto& [kind, value] : benefits_in(y, c, p)) {
        row.benefits_eur += value;
        f.benefit_pv[kind] += value * discount;
      }
    for (const auto& k : costs) {
      if (y == k.start_year) row.costs_eur += k.capex_eur;
      if (y >= k.start_year && y < k.start_year + k.lifetime_years) row.costs_eur += k.opex_eur_per_year;
    }
    row.net_eur = row.benefits_eur - row.costs_eur;
    row.discounted_net_eur = row.net_eur * discount;
    cumulative += row.discounted_net_eur;
    row.cumulative_discounted_eur = cumulative;
    f.benefits_pv += row.benefits_eur * discount;
    f.costs_pv += row.costs_eur * discount;
    f.years.push_back(row);
  }
  return f;
}

std::optional<double> internal_rate(const AnnualChanges& c, const std::vector<InvestmentCosts>& costs, const EconomicParameters& p) {
  auto npv_at = [&](double r) {
    const auto f = flows(c, costs, p, r);
    return f.benefits_pv - f.costs_pv;
  };
  double lo = -0.99, hi = 10.0;
  double f_lo = npv_at(lo), f_hi = npv_at(hi);
  if (!(f_lo * f_hi < 0)) return std::nullopt;
  for (int i = 0; i < 200 && hi - lo > 1e-10; ++i) {
    const double mid = (lo + hi) / 2, f_mid = npv_at(mid);
    if ((f_mid < 0) == (f_lo < 0)) lo = mid, f_lo = f_mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace

double EconomicParameters::co2_price(int year) const {
  if (co2_eur_per_t.empty()) return 0.0;
  if (year <= co2_eur_per_t.begin()->first) return co2_eur_per_t.begin()->second;
  if (year >= co2_eur_per_t.rbegin()->first) return co2_eur_per_t.rbegin()->second;
  const auto hi = co2_eur_per_t.lower_bound(year);
  const auto lo = std::prev(hi);
  if (hi->first == year) return hi->second;
  return lo->second + (hi->second - lo->second) * (year - lo->first) / static_cast<double>(hi->first - lo->first);
}

CbaResult cost_benefit(const AnnualChanges& changes, const std::vector<InvestmentCosts>& costs, const EconomicParameters& p) {
  CbaResult r;
  const auto base = flows(changes, costs, p, p.discount_rate.value);
  r.years = base.years;
  r.benefit_pv_eur = base.benefit_pv;
  r.benefits_pv_eur = base.benefits_pv;
  r.costs_pv_eur = base.costs_pv;
  r.npv_eur = base.benefits_pv - base.costs_pv;
  if (base.costs_pv > 0) r.bcr = base.benefits_pv / base.costs_pv;
  r.irr = internal_rate(changes, costs, p);
  for (const auto& y : r.years)
    if (y.cumulative_discounted_eur >= 0 && (y.benefits_eur > 0 || y.costs_eur > 0)) {
      r.payback_year = y.year;
      break;
    }
  // Sensitivity: each main parameter 20 % down and up; NPV is linear in each, so the switching
  // value follows from the +20 % case.
  using Tweak = std::function<void(AnnualChanges&, std::vector<InvestmentCosts>&, EconomicParameters&, double)>;
  const std::vector<std::pair<std::string, Tweak>> tweaks = {
      {"values_of_time", [](auto&, auto&, EconomicParameters& e, double f) { for (auto& [k, v] : e.value_of_time_eur_per_h) v.value *= f; }},
      {"vehicle_operating_cost", [](auto&, auto&, EconomicParameters& e, double f) { e.vehicle_operating_cost_eur_per_km.value *= f; }},
      {"co2_price", [](auto&, auto&, EconomicParameters& e, double f) { for (auto& [y, v] : e.co2_eur_per_t) v *= f; }},
      {"air_pollution_costs", [](auto&, auto&, EconomicParameters& e, double f) { e.nox_eur_per_t.value *= f, e.pm25_eur_per_t.value *= f; }},
      {"water_cost", [](auto&, auto&, EconomicParameters& e, double f) { e.water_cost_eur_per_m3.value *= f; }},
      {"capex", [](auto&, std::vector<InvestmentCosts>& k, auto&, double f) { for (auto& x : k) x.capex_eur *= f; }},
      {"opex", [](auto&, std::vector<InvestmentCosts>& k, auto&, double f) { for (auto& x : k) x.opex_eur_per_year *= f; }},
      {"effects", [](AnnualChanges& c, auto&, auto&, double f) {
         for (auto& [k, v] : c.generalised_hours) v *= f;
         c.vehicle_km *= f, c.co2_t *= f, c.nox_t *= f, c.pm25_t *= f, c.water_lost_m3 *= f, c.energy_kwh *= f, c.other_benefit_eur *= f;
       }},
  };
  for (const auto& [name, tweak] : tweaks) {
    SensitivityRow row{name, 0, 0, 0, 0, std::nullopt};
    for (const double f : {0.8, 1.2}) {
      auto c = changes;
      auto k = costs;
      auto e = p;
      tweak(c, k, e, f);
      const auto fl = flows(c, k, e, e.discount_rate.value);
      const double npv = fl.benefits_pv - fl.costs_pv, bcr = fl.costs_pv > 0 ? fl.benefits_pv / fl.costs_pv : 0.0;
      (f < 1 ? row.npv_minus_20 : row.npv_plus_20) = npv;
      (f < 1 ? row.bcr_minus_20 : row.bcr_plus_20) = bcr;
    }
    const double slope = (row.npv_plus_20 - r.npv_eur) / 0.2;  // NPV change per unit relative change
    if (std::abs(slope) > 1e-9 * (std::abs(r.npv_eur) + 1.0)) row.switching_value = -r.npv_eur / slope;
    r.sensitivity.push_back(row);
  }
  return r;
}

}  // namespace sofiatwin::scenarios
