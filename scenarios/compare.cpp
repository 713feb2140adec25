#include "scenarios/compare.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sim/core/input_error.hpp"

namespace sofiatwin::scenarios {
namespace {

using json = nlohmann::json;

json read_json(const std::string& dir, const char* name) {
  const auto path = (std::filesystem::path(dir) / name).string();
  std::ifstream in(path);
  if (!in) throw InputError(path + ": file not found (is " + dir + " a results folder of `sofiatwin run`?)");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw InputError(path + ": not valid JSON (" + e.what() + ")");
  }
}

double value_of(const json& j) { return j.is_number() ? j.get<double>() : std::nan(""); }

std::string cell(double v) {
  if (!std::isfinite(v)) return {};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

}  // namespace

Comparison compare_folders(const std::string& a, const std::string& b) {
  const auto ka = read_json(a, "kpis.json"), kb = read_json(b, "kpis.json");
  Comparison c;
  try {
    c.a_name = ka.at("scenario").get<std::string>();
    c.b_name = kb.at("scenario").get<std::string>();
    for (const auto& row : ka.at("kpis")) {
      const auto name = row.at("kpi").get<std::string>();
      for (const auto& other : kb.at("kpis"))
        if (other.at("kpi") == name)
          c.kpis.push_back({name, row.at("unit").get<std::string>(), value_of(row.at("scenario").at("day")), value_of(other.at("scenario").at("day")),
                            value_of(row.at("scenario").at("year")), value_of(other.at("scenario").at("year"))});
    }
  } catch (const json::exception& e) {
    throw InputError(a + " or " + b + ": kpis.json lacks a field (" + e.what() + ")");
  }
  const auto ca = read_json(a, "cba.json"), cb = read_json(b, "cba.json");
  for (const char* key : {"npv_eur", "bcr", "irr", "payback_year", "benefits_pv_eur", "costs_pv_eur"})
    c.cba.push_back({key, {ca.contains(key) ? value_of(ca[key]) : std::nan(""), cb.contains(key) ? value_of(cb[key]) : std::nan("")}});
  return c;
}

std::string comparison_csv(const Comparison& c) {
  std::string out = "kpi,unit,a_day,b_day,difference_day,a_year,b_year,difference_year\n";
  for (const auto& k : c.kpis)
    out += k.kpi + "," + k.unit + "," + cell(k.a_day) + "," + cell(k.b_day) + "," + cell(k.b_day - k.a_day) + "," + cell(k.a_year) + "," +
           cell(k.b_year) + "," + cell(k.b_year - k.a_year) + "\n";
  for (const auto& [key, values] : c.cba)
    out += "cba:" + key + ",," + cell(values.first) + "," + cell(values.second) + "," + cell(values.second - values.first) + ",,,\n";
  return out;
}

std::string comparison_text(const Comparison& c) {
  std::string out = "B = " + c.b_name + " against A = " + c.a_name + "\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-38s %-11s %14s %14s %14s %9s\n", "kpi (day)", "unit", "A", "B", "B - A", "change");
  out += line;
  for (const auto& k : c.kpis) {
    if (!std::isfinite(k.a_day) && !std::isfinite(k.b_day)) continue;
    const double change = k.a_day != 0 ? 100.0 * (k.b_day - k.a_day) / std::abs(k.a_day) : std::nan("");
    std::snprintf(line, sizeof line, "%-38s %-11s %14.6g %14.6g %14.6g %8.2f%%\n", k.kpi.c_str(), k.unit.c_str(), k.a_day, k.b_day, k.b_day - k.a_day, change);
    out += line;
  }
  for (const auto& [key, values] : c.cba) {
    std::snprintf(line, sizeof line, "%-38s %-11s %14.6g %14.6g %14.6g\n", ("cba " + key).c_str(), "", values.first, values.second, values.second - values.first);
    out += line;
  }
  return out;
}

}  // namespace sofiatwin::scenarios
