#include "scenarios/validation.hpp"

#include <cmath>
#include <cstdio>

#include "scenarios/yaml_reader.hpp"
#include "sim/core/input_error.hpp"

namespace sofiatwin::scenarios {
namespace {

const std::vector<std::string> measures = {"metro_entries", "car_minutes_per_10km", "road_daily_volume", "pt_commute_min"};

Point2 midpoint(const Polyline& line) {
  if (line.empty()) return {};
  return {(line.front().x_m + line.back().x_m) / 2, (line.front().y_m + line.back().y_m) / 2};
}

/// Minutes per 10 km over the day on the road links near the centre.
std::optional<double> car_minutes_per_10km(const TransportRun& run, const TransportParameters& p, Point2 centre,
                                           double radius_m) {
  double hours = 0, km = 0;
  const auto& l = run.roads->links;
  for (std::size_t t = 0; t < run.periods.size(); ++t)
    for (std::size_t a = 0; a < l.size(); ++a) {
      if (distance_m(midpoint(l.shape[a]), centre) > radius_m) continue;
      const double flow = run.periods[t].road.link_flow[a] * p.demand.periods[t].hours();
      hours += flow * run.periods[t].road.link_cost[a] / 60.0;
      km += flow * l.length_m[a] / 1000.0;
    }
  if (km <= 0) return std::nullopt;
  return hours * 60.0 / km * 10.0;
}

/// Mean daily volume of the links of a named road, both directions added (twice the mean of its
/// directed links).
std::optional<double> road_daily_volume(const TransportRun& run, const TransportParameters& p, const std::string& road) {
  double volume = 0;
  std::size_t links = 0;
  const auto& l = run.roads->links;
  for (std::size_t a = 0; a < l.size(); ++a) {
    if (l.name[a].find(road) == std::string::npos) continue;
    ++links;
    for (std::size_t t = 0; t < run.periods.size(); ++t) volume += run.periods[t].road.link_flow[a] * p.demand.periods[t].hours();
  }
  if (links == 0) return std::nullopt;
  return 2.0 * volume / static_cast<double>(links);
}

std::optional<double> pt_commute_min(const TransportRun& run, const TransportParameters& p) {
  for (std::size_t k = 0; k < p.demand.purposes.size(); ++k) {
    if (p.demand.purposes[k].name != "home_work") continue;
    double minutes = 0, trips = 0;
    const auto& s = run.demand.purpose[k];
    for (std::size_t t = 0; t < s.pt_person_min.size(); ++t) minutes += s.pt_person_min[t], trips += s.inter_zonal_pt_trips[t];
    if (trips > 0) return minutes / trips;
  }
  return std::nullopt;
}

std::string cell(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::vector<ValidationFigure> load_validation_figures(const std::string& path) {
  const YamlMap top(load_yaml_file(path), path, "");
  top.allow_only({"figures"}, "a validation section");
  const auto list = top.sequence("figures");
  if (!list) throw top.error({}, "missing key 'figures' (a list)");
  std::vector<ValidationFigure> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const YamlMap m((*list)[i], path, "figures[" + std::to_string(i) + "]");
    m.allow_only({"name", "measure", "published", "unit", "year", "source", "compared", "tolerance", "why", "radius_m", "road"},
                 "a validation key");
    ValidationFigure f;
    f.name = m.required_text("name");
    f.measure = m.required_text("measure");
    bool known = false;
    for (const auto& name : measures) known = known || name == f.measure;
    if (!known) throw m.error("measure", "'" + f.measure + "' is not one of metro_entries, car_minutes_per_10km, road_daily_volume, pt_commute_min");
    f.published = m.required_number("published", Range::positive());
    f.tolerance = m.required_number("tolerance", Range::open_share());
    f.unit = m.text("unit", "");
    f.year = m.integer("year", 0, Range::between(1900, 2100));
    f.source = m.required_text("source");
    f.compared = m.text("compared", "");
    f.why = m.text("why", "");
    f.radius_m = m.number("radius_m", f.radius_m, Range::positive());
    f.road = m.text("road", "");
    if (f.measure == "road_daily_volume" && f.road.empty()) throw m.error({}, "missing key 'road' (the road's name)");
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<ValidationResult> validate(const CityModel& model, const TransportRun& run, const KpiTable& kpis,
                                       const std::vector<ValidationFigure>& figures) {
  const Point2 centre = model_centre(model, run.parameters);
  std::vector<ValidationResult> out;
  for (const auto& f : figures) {
    ValidationResult r{f, 0.0, false};
    std::optional<double> value;
    if (f.measure == "metro_entries") {
      if (const auto* row = kpis.find("metro_entries"); row && row->day > 0) value = row->day;
    } else if (f.measure == "car_minutes_per_10km") {
      value = car_minutes_per_10km(run, run.parameters, centre, f.radius_m);
    } else if (f.measure == "road_daily_volume") {
      value = road_daily_volume(run, run.parameters, f.road);
    } else if (f.measure == "pt_commute_min") {
      value = pt_commute_min(run, run.parameters);
    }
    if (value) r.model = *value, r.available = true;
    out.push_back(std::move(r));
  }
  return out;
}

std::string validation_csv(const std::vector<ValidationResult>& results) {
  std::string out = "name,measure,unit,year,published,model,difference,tolerance,within,source\n";
  for (const auto& r : results)
    out += quoted(r.figure.name) + "," + r.figure.measure + "," + quoted(r.figure.unit) + "," + std::to_string(r.figure.year) + "," +
           cell(r.figure.published) + "," + (r.available ? cell(r.model) : std::string()) + "," +
           (r.available ? cell(r.relative_difference()) : std::string()) + "," + cell(r.figure.tolerance) + "," +
           (r.within() ? "yes" : "no") + "," + quoted(r.figure.source) + "\n";
  return out;
}

}  // namespace sofiatwin::scenarios
