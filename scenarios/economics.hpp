// Cost-benefit analysis of an investment: the yearly benefits of a scenario against its baseline
// (travel time, vehicle operating costs, CO2, air pollution, water not lost, energy), its capital
// and operating costs, discounted to the price year: net present value, benefit-cost ratio,
// internal rate of return, payback year and a sensitivity table with switching values.
// Follows the European Commission's Economic Appraisal Vademecum 2021-2027 (DG REGIO): constant
// prices of one year, a real social discount rate, benefits from the start year over the
// investment's life.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sofiatwin::scenarios {

/// A parameter with the source it came from.
struct EconomicValue {
  double value = 0.0;
  std::string source;
};

struct EconomicParameters {
  int price_year = 2026;               // constant prices and discounting to this year
  int appraisal_end_year = 2046;       // the last year counted
  EconomicValue discount_rate;         // real, per year
  EconomicValue value_growth;          // real yearly growth of the values of time (GDP per head x elasticity)
  std::map<std::string, EconomicValue> value_of_time_eur_per_h;  // per purpose
  /// The vehicle operating costs drivers do not perceive (those they perceive are in the model's
  /// generalised cost, and so in the users' benefit).
  EconomicValue vehicle_operating_cost_eur_per_km;
  std::map<int, double> co2_eur_per_t;  // by year, linear between the years given, flat outside
  std::string co2_source;
  EconomicValue nox_eur_per_t, pm25_eur_per_t;
  EconomicValue water_cost_eur_per_m3;   // the variable cost of producing and supplying a cubic metre
  EconomicValue electricity_eur_per_kwh;
  [[nodiscard]] double co2_price(int year) const;
};

/// A scenario's yearly change against its baseline (scenario minus baseline; a saving is negative).
struct AnnualChanges {
  std::map<std::string, double> generalised_hours;  // per purpose: the users' generalised cost, person-hours a year (rule of a half)
  double vehicle_km = 0.0;
  double co2_t = 0.0, nox_t = 0.0, pm25_t = 0.0;
  double water_lost_m3 = 0.0;
  double energy_kwh = 0.0;
  double other_benefit_eur = 0.0;  // valued elsewhere (e.g. expected traffic delay of bursts avoided), a gain is positive
};

struct InvestmentCosts {
  double capex_eur = 0.0;
  double opex_eur_per_year = 0.0;
  int start_year = 2027;
  int lifetime_years = 10;
};

struct YearFlow {
  int year = 0;
  double benefits_eur = 0.0, costs_eur = 0.0, net_eur = 0.0, discounted_net_eur = 0.0, cumulative_discounted_eur = 0.0;
};

struct SensitivityRow {
  std::string parameter;
  double npv_minus_20 = 0.0, npv_plus_20 = 0.0;
  double bcr_minus_20 = 0.0, bcr_plus_20 = 0.0;
  std::optional<double> switching_value;  // the relative change of the parameter that brings the NPV to zero
};

struct CbaResult {
  std::map<std::string, double> benefit_pv_eur;  // by benefit kind
  double benefits_pv_eur = 0.0, costs_pv_eur = 0.0, npv_eur = 0.0;
  std::optional<double> bcr;             // none without costs
  std::optional<double> irr;             // none where the net flows do not change sign once
  std::optional<int> payback_year;       // the first year the cumulative discounted net is not negative
  std::vector<YearFlow> years;
  std::vector<SensitivityRow> sensitivity;
};

/// The analysis; the benefits of year y are the annual changes valued at year y's prices and
/// counted while every investment of the scenario runs (from the latest start year, over the
/// shortest lifetime, within the appraisal period).
CbaResult cost_benefit(const AnnualChanges& changes, const std::vector<InvestmentCosts>& costs, const EconomicParameters& p);

}  // namespace sofiatwin::scenarios
