// Comparing two results folders: the KPI and cost-benefit differences of B against A.
#pragma once
#include <string>
#include <vector>

namespace sofiatwin::scenarios {

struct ComparedKpi {
  std::string kpi, unit;
  double a_day = 0, b_day = 0, a_year = 0, b_year = 0;
};

struct Comparison {
  std::string a_name, b_name;
  std::vector<ComparedKpi> kpis;                  // the KPIs both folders have, in A's order
  std::vector<std::pair<std::string, std::pair<double, double>>> cba;  // npv, bcr, irr, ... (A, B; NaN when absent)
};

/// Reads DIR/kpis.json and DIR/cba.json of both folders; InputError names a missing or broken file.
Comparison compare_folders(const std::string& a, const std::string& b);

/// CSV: kpi,unit,a_day,b_day,difference_day,a_year,b_year,difference_year, then the CBA rows.
std::string comparison_csv(const Comparison& c);
/// The same as text for a terminal.
std::string comparison_text(const Comparison& c);

}  // namespace sofiatwin::scenarios
