// Cost-benefit analysis against a hand calculation, and its properties.
#include <gtest/gtest.h>

#include <cmath>

#include "scenarios/economics.hpp"

using namespace sofiatwin::scenarios;

namespace {

EconomicParameters hand_case() {
  EconomicParameters p;
  p.price_year = 2026;
  p.appraisal_end_year = 2030;
  p.discount_rate = {0.10, "test"};
  p.value_growth = {0.0, "test"};
  p.value_of_time_eur_per_h["home_work"] = {10.0, "test"};
  p.vehicle_operating_cost_eur_per_km = {0.1, "test"};
  p.co2_eur_per_t = {{2020, 100.0}, {2030, 200.0}};
  return p;
}

}  // namespace

TEST(CostBenefit, MatchesAHandCalculation) {
  // 100 person-hours a year saved at 10 EUR/h = 1 000 EUR a year, 2027-2029; capex 1 000 in 2027,
  // opex 100 a year over the three years of life; 10 % discounting to 2026.
  AnnualChanges c;
  c.generalised_hours["home_work"] = -100.0;
  const auto r = cost_benefit(c, {{1000.0, 100.0, 2027, 3}}, hand_case());
  const double benefits = 1000 / 1.1 + 1000 / 1.21 + 1000 / 1.331;  // 2 486.85
  const double costs = 1100 / 1.1 + 100 / 1.21 + 100 / 1.331;        // 1 157.78
  EXPECT_NEAR(r.benefits_pv_eur, benefits, 1e-9);
  EXPECT_NEAR(r.costs_pv_eur, costs, 1e-9);
  EXPECT_NEAR(r.npv_eur, benefits - costs, 1e-9);  // 1 329.07
  ASSERT_TRUE(r.bcr);
  EXPECT_NEAR(*r.bcr, benefits / costs, 1e-12);     // 2.148
  ASSERT_TRUE(r.payback_year);
  EXPECT_EQ(*r.payback_year, 2028);  // cumulative: -90.9 in 2027, +652.9 in 2028
  EXPECT_NEAR(r.benefit_pv_eur.at("travel_time"), benefits, 1e-9);
  // the internal rate of return zeroes the net present value: -100 / (1+i) + 900 / (1+i)^2 + 900 / (1+i)^3 = 0
  ASSERT_TRUE(r.irr);
  const double i = *r.irr;
  EXPECT_NEAR(-100 / (1 + i) + 900 / std::pow(1 + i, 2) + 900 / std::pow(1 + i, 3), 0.0, 1e-6);
  // sensitivity: capex +20 % costs 200 in 2027; the NPV falls to zero when capex rises by 146 %
  const auto capex = std::find_if(r.sensitivity.begin(), r.sensitivity.end(), [](const auto& s) { return s.parameter == "capex"; });
  ASSERT_NE(capex, r.sensitivity.end());
  EXPECT_NEAR(capex->npv_plus_20, r.npv_eur - 200 / 1.1, 1e-9);
  ASSERT_TRUE(capex->switching_value);
  EXPECT_NEAR(*capex->switching_value, r.npv_eur / (1000 / 1.1), 1e-9);
  const auto vot = std::find_if(r.sensitivity.begin(), r.sensitivity.end(), [](const auto& s) { return s.parameter == "values_of_time"; });
  EXPECT_NEAR(vot->npv_minus_20, r.npv_eur - 0.2 * benefits, 1e-9);
  EXPECT_NEAR(*vot->switching_value, -r.npv_eur / benefits, 1e-9);
}

TEST(CostBenefit, ExternalitiesPricesAndNoEffect) {
  const auto p = hand_case();
  EXPECT_DOUBLE_EQ(p.co2_price(2025), 150.0);  // linear between the years given
  EXPECT_DOUBLE_EQ(p.co2_price(2010), 100.0);  // flat outside
  EXPECT_DOUBLE_EQ(p.co2_price(2040), 200.0);
  AnnualChanges c;
  c.co2_t = -10.0;        // 10 t a year less
  c.vehicle_km = 1000.0;  // 1 000 veh-km more: 100 EUR of operating costs
  const auto r = cost_benefit(c, {{0.0, 0.0, 2028, 1}}, p);
  EXPECT_NEAR(r.benefit_pv_eur.at("co2"), 10 * p.co2_price(2028) / 1.21, 1e-9);
  EXPECT_NEAR(r.benefit_pv_eur.at("vehicle_operating_costs"), -100 / 1.21, 1e-9);
  EXPECT_FALSE(r.bcr);  // no costs: no ratio
  // no change and no cost: everything is zero
  const auto none = cost_benefit({}, {{0.0, 0.0, 2027, 5}}, p);
  EXPECT_EQ(none.npv_eur, 0.0);
  EXPECT_EQ(none.benefits_pv_eur, 0.0);
  EXPECT_FALSE(none.irr);
}

TEST(CostBenefit, ValuesGrowAndBenefitsEndWithTheLifetime) {
  auto p = hand_case();
  p.value_growth = {0.02, "test"};
  AnnualChanges c;
  c.generalised_hours["home_work"] = -100.0;
  const auto r = cost_benefit(c, {{0.0, 0.0, 2027, 2}}, p);
  // 2027 and 2028 only, the value of time growing 2 % a year from 2026
  EXPECT_NEAR(r.benefits_pv_eur, 1000 * 1.02 / 1.1 + 1000 * 1.0404 / 1.21, 1e-9);
  for (const auto& y : r.years) {
    if (y.year >= 2029) {
      EXPECT_EQ(y.benefits_eur, 0.0);
    }
  }
}
