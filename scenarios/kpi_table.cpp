#include "scenarios/kpi_table.hpp"

#include <cstdio>

namespace sofiatwin::scenarios {

const KpiRow* KpiTable::find(const std::string& name) const {
  for (const auto& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

KpiRow& KpiTable::add_sum(const std::string& name, const std::string& unit, std::vector<double> period, double annual_factor) {
  double day = 0.0;
  for (double v : period) day += v;
  return add(name, unit, std::move(period), day, day * annual_factor);
}

KpiRow& KpiTable::add(const std::string& name, const std::string& unit, std::vector<double> period, double day, double year) {
  rows.push_back({name, unit, std::move(period), day, year});
  return rows.back();
}

std::string kpi_csv(const KpiTable& table) {
  auto cell = [](double v) {
    if (std::isnan(v)) return std::string();
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.10g", v);
    return std::string(buffer);
  };
  std::string out = "kpi,unit";
  for (const auto& p : table.periods) out += "," + p;
  out += ",day,year\n";
  for (const auto& r : table.rows) {
    out += r.name + "," + r.unit;
    for (std::size_t t = 0; t < table.periods.size(); ++t) out += "," + (t < r.period.size() ? cell(r.period[t]) : std::string());
    out += "," + cell(r.day) + "," + cell(r.year) + "\n";
  }
  return out;
}

}  // namespace sofiatwin::scenarios
