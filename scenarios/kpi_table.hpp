// Key performance indicators per time period, per day and per year, with their units.
#pragma once
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace sofiatwin::scenarios {

struct KpiRow {
  std::string name, unit;
  std::vector<double> period;  // one value per period (NaN where it has no meaning)
  double day = std::numeric_limits<double>::quiet_NaN();
  double year = std::numeric_limits<double>::quiet_NaN();
};

struct KpiTable {
  std::vector<std::string> periods;
  std::vector<KpiRow> rows;
  /// The row of that name, or nullptr.
  [[nodiscard]] const KpiRow* find(const std::string& name) const;
  /// Adds a row whose day is the sum of the periods and whose year is the day times `annual_factor`.
  KpiRow& add_sum(const std::string& name, const std::string& unit, std::vector<double> period, double annual_factor);
  /// Adds a row with the day and year given.
  KpiRow& add(const std::string& name, const std::string& unit, std::vector<double> period, double day, double year);
};

/// CSV: kpi,unit,<period...>,day,year (empty cells for NaN).
std::string kpi_csv(const KpiTable& table);

}  // namespace sofiatwin::scenarios
