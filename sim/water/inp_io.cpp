#include "inp_io.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "sim/core/atomic_file.hpp"
#include "sim/core/input_error.hpp"

namespace sofiatwin::water {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

using Line = InpLine;

const char* const known_sections[] = {"TITLE", "JUNCTIONS", "RESERVOIRS", "TANKS", "PIPES", "PUMPS", "VALVES", "TAGS", "DEMANDS",
                                "STATUS", "PATTERNS", "CURVES", "CONTROLS", "RULES", "ENERGY", "EMITTERS", "QUALITY",
                                "SOURCES", "REACTIONS", "MIXING", "TIMES", "REPORT", "OPTIONS", "COORDINATES", "VERTICES",
                                "LABELS", "BACKDROP", "END", "LEAKAGE"};

/// Lines of each section, comments and blanks removed; unknown sections are errors.
InpSections read_sections(const std::string& path) {
  const auto& known = known_sections;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": file not found or not readable");
  InpSections sections;
  std::string section, text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (const auto c = text.find(';'); c != std::string::npos) text.resize(c);
    std::istringstream words(text);
    std::vector<std::string> tokens;
    for (std::string w; words >> w;) tokens.push_back(w);
    if (tokens.empty()) continue;
    if (tokens[0].front() == '[') {
      const auto close = tokens[0].find(']');
      section = upper(tokens[0].substr(1, close == std::string::npos ? std::string::npos : close - 1));
      if (std::find(std::begin(known), std::end(known), section) == std::end(known))
        throw InputError(path + ": line " + std::to_string(number) + ": unknown section [" + section + "]");
      if (section == "END") break;  // EPANET reads nothing after [END]
      continue;
    }
    if (section.empty()) throw InputError(path + ": line " + std::to_string(number) + ": data before any [SECTION] header");
    if (section != "TITLE") sections[section].push_back({number, std::move(tokens)});
  }
  return sections;
}

class Reader {
 public:
  Reader(std::string source, const InpLocator& where) : path_(std::move(source)), where_(where) {}

  [[nodiscard]] std::string at(const Line& l, const std::string& item) const {
    return where_(l.number) + (item.empty() ? "" : ": '" + item + "'");
  }
  double number(const Line& l, std::size_t i, const char* field) const {
    if (i >= l.tokens.size()) throw InputError(at(l, l.tokens[0]) + ": field '" + field + "' missing");
    const auto& t = l.tokens[i];
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0' || !std::isfinite(v))
      throw InputError(at(l, l.tokens[0]) + ": field '" + field + "' = '" + t + "' is not a number");
    return v;
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  const InpLocator& where_;
};

/// Whether an upper-case keyword matches EPANET's abbreviation of it (EPANET compares only the
/// abbreviation's letters: "ACCU" stands for ACCURACY, "HEADL" for HEADLOSS).
[[nodiscard]] bool keyword_is(const std::string& token, const char* abbreviation) { return token.rfind(abbreviation, 0) == 0; }

/// Pressure units per ft of water (EPANET's Ucf[PRESSURE] at specific gravity 1, measured with
/// EPANET 2.3.5): psi, kPa, m, bar, ft. Empty name: the flow units' default (psi or m).
[[nodiscard]] double pressure_per_ft(const std::string& name, bool si) {
  constexpr double psi_per_ft = 0.4333;
  if (name.empty()) return si ? 0.3048 : psi_per_ft;
  if (name == "PSI") return psi_per_ft;
  if (name == "KPA") return psi_per_ft * 6.895;
  if (name == "METERS") return 0.3048;
  if (name == "BAR") return psi_per_ft * 0.068948;
  return 1.0;  // FEET
}

/// The units of a file: flow units (UNITS) and pressure units (PRESSURE; empty: psi or m).
Units units_for(const std::string& name, const std::string& pressure_name, const std::string& where) {
  static const std::map<std::string, std::pair<double, bool>> flow = {
      {"CFS", {1.0, false}}, {"GPM", {448.831, false}}, {"MGD", {0.64632, false}}, {"IMGD", {0.5382, false}},
      {"AFD", {1.9837, false}}, {"LPS", {28.317, true}}, {"LPM", {1699.0, true}}, {"MLD", {2.4466, true}},
      {"CMH", {101.94, true}}, {"CMD", {2446.6, true}}};
  const auto it = flow.find(name);
  if (it == flow.end()) throw InputError(where + ": UNITS '" + name + "' is not an EPANET flow unit");
  Units u;
  u.flow_name = name;
  u.flow_per_cfs = it->second.first;
  u.si = it->second.second;
  constexpr double metres_per_ft = 0.3048;
  u.length_per_ft = u.si ? metres_per_ft : 1.0;
  u.diameter_per_ft = u.si ? 1000.0 * metres_per_ft : 12.0;
  u.velocity_per_fps = u.si ? metres_per_ft : 1.0;
  u.volume_per_ft3 = u.si ? metres_per_ft * metres_per_ft * metres_per_ft : 1.0;
  u.power_per_hp = u.si ? 0.7457 : 1.0;
  u.pressure_name = pressure_name;
  u.pressure_per_ft = pressure_per_ft(pressure_name, u.si);
  return u;
}

void read_options(const Reader& r, const std::vector<Line>& lines, WaterNetwork& net, std::string& default_pattern) {
  std::string units = "GPM", pressure_units;
  double minimum_pressure = 0.0, required_pressure = 0.1, viscosity = 1.0;
  for (const auto& l : lines) {
    const auto key = upper(l.tokens[0]);
    const auto second = l.tokens.size() > 1 ? upper(l.tokens[1]) : std::string{};
    const auto unsupported = [&](const std::string& what) {
      throw InputError(r.at(l, l.tokens[0]) + ": " + what + " is not supported (it changes EPANET's solution)");
    };
    if (keyword_is(key, "UNIT")) units = second;
    else if (keyword_is(key, "HEADL")) {
      if (second == "H-W") net.headloss = HeadlossFormula::hazen_williams;
      else if (second == "D-W") net.headloss = HeadlossFormula::darcy_weisbach;
      else if (second == "C-M") net.headloss = HeadlossFormula::chezy_manning;
      else throw InputError(r.at(l, "HEADLOSS") + ": '" + l.tokens[1] + "' is not H-W, D-W or C-M");
    } else if (keyword_is(key, "HEADERROR")) net.head_error_limit_ft = r.number(l, 1, "HEADERROR");
    else if (keyword_is(key, "FLOWCHANGE")) net.flow_change_limit_cfs = r.number(l, 1, "FLOWCHANGE");
    else if (keyword_is(key, "ACCU")) net.accuracy = std::clamp(r.number(l, 1, "ACCURACY"), 1e-5, 0.1);  // EPANET's range
    else if (keyword_is(key, "TRIAL")) net.max_trials = static_cast<int>(r.number(l, 1, "TRIALS"));
    else if (keyword_is(key, "CHECKFREQ")) net.check_frequency = static_cast<int>(r.number(l, 1, "CHECKFREQ"));
    else if (keyword_is(key, "MAXCHECK")) net.max_check = static_cast<int>(r.number(l, 1, "MAXCHECK"));
    else if (keyword_is(key, "DAMPLIMIT")) net.damp_limit = r.number(l, 1, "DAMPLIMIT");
    else if (keyword_is(key, "UNBA")) {
      if (keyword_is(second, "STOP")) net.extra_trials = -1;
      else if (keyword_is(second, "CONT")) net.extra_trials = l.tokens.size() > 2 ? static_cast<int>(r.number(l, 2, "UNBALANCED CONTINUE")) : 0;
      else throw InputError(r.at(l, "UNBALANCED") + ": '" + second + "' is not STOP or CONTINUE");
    } else if (key == "DEMAND" && second == "MODEL") {
      const auto model = l.tokens.size() > 2 ? upper(l.tokens[2]) : std::string{};
      if (!keyword_is(model, "PDA") && !keyword_is(model, "DDA")) throw InputError(r.at(l, "DEMAND MODEL") + ": '" + model + "' is not DDA or PDA");
      net.pressure_driven = keyword_is(model, "PDA");
    } else if (keyword_is(key, "DEMAND")) net.demand_multiplier = r.number(l, 2, "DEMAND MULTIPLIER");
    else if (keyword_is(key, "MINI")) minimum_pressure = r.number(l, 2, "MINIMUM PRESSURE");
    else if (keyword_is(key, "REQ")) required_pressure = r.number(l, 2, "REQUIRED PRESSURE");
    else if (key == "PRESSURE" && keyword_is(second, "EXP")) net.pressure_exponent = r.number(l, 2, "PRESSURE EXPONENT");
    else if (keyword_is(key, "PRESSURE")) {
      if (second != "PSI" && second != "KPA" && second != "METERS" && second != "BAR" && second != "FEET")
        throw InputError(r.at(l, "PRESSURE") + ": '" + second + "' is not PSI, KPA, METERS, BAR or FEET");
      pressure_units = second;
    } else if (keyword_is(key, "EMIT")) net.emitter_exponent = r.number(l, 2, "EMITTER EXPONENT");
    else if (keyword_is(key, "VISC")) viscosity = r.number(l, 1, "VISCOSITY");
    else if (keyword_is(key, "SPEC")) net.specific_gravity = r.number(l, 2, "SPECIFIC GRAVITY");
    else if (keyword_is(key, "PATT")) default_pattern = l.tokens.size() > 1 ? l.tokens[1] : "";
    else if (keyword_is(key, "BACK")) {
      if (upper(l.tokens.back()) != "YES") unsupported("BACKFLOW ALLOWED NO");
    } else if (keyword_is(key, "RQTOL") || keyword_is(key, "HTOL") || keyword_is(key, "QTOL")) unsupported(key);
    else if (!keyword_is(key, "QUAL") && !keyword_is(key, "DIFF") && !keyword_is(key, "TOLER") && !keyword_is(key, "HYDR") &&
             !keyword_is(key, "MAP") && !keyword_is(key, "SEGM")) {  // water quality and file options: no effect on hydraulics
      throw InputError(r.at(l, l.tokens[0]) + ": unknown [OPTIONS] keyword");
    }
  }
  net.units = units_for(units, pressure_units, r.path() + ": [OPTIONS]");
  const auto positive = [&](double value, const char* option) {
    if (!(value > 0)) throw InputError(r.path() + ": [OPTIONS] " + option + " must be positive");
  };
  positive(net.emitter_exponent, "EMITTER EXPONENT");
  positive(net.specific_gravity, "SPECIFIC GRAVITY");
  positive(net.demand_multiplier, "DEMAND MULTIPLIER");
  positive(viscosity, "VISCOSITY");
  if (net.check_frequency < 1) throw InputError(r.path() + ": [OPTIONS] CHECKFREQ must be at least 1");
  net.units.pressure_per_ft *= net.specific_gravity;
  // as EPANET: above 1e-3 the viscosity is relative to water at 20 C (1.1e-5 ft2/s), otherwise it is
  // the kinematic viscosity itself, in ft2/s or m2/s
  net.viscosity_ft2_s = viscosity > 1e-3 ? 1.1e-5 * viscosity : viscosity / (net.units.length_per_ft * net.units.length_per_ft);
  if (net.pressure_driven && (required_pressure <= minimum_pressure || net.pressure_exponent <= 0))
    throw InputError(r.path() + ": [OPTIONS] pressure-driven demand needs REQUIRED PRESSURE above MINIMUM PRESSURE and a positive PRESSURE EXPONENT");
  if (net.head_error_limit_ft < 0 || net.flow_change_limit_cfs < 0) throw InputError(r.path() + ": [OPTIONS] HEADERROR and FLOWCHANGE must not be negative");
  net.head_error_limit_ft /= net.units.length_per_ft;
  net.flow_change_limit_cfs /= net.units.flow_per_cfs;
  net.min_pressure_ft = minimum_pressure / net.units.pressure_per_ft;
  net.required_pressure_ft = required_pressure / net.units.pressure_per_ft;
}

/// A time as EPANET writes it: "h", "h:mm", "h:mm:ss", a number with a unit (SEC, MIN, HOURS,
/// DAYS) or a clock time with AM/PM. Returns seconds.
long parse_time(const Reader& r, const Line& l, std::size_t i, const char* field, const char* default_unit = "HOURS") {
  if (i >= l.tokens.size()) throw InputError(r.at(l, l.tokens[0]) + ": field '" + field + "' missing");
  const auto& value = l.tokens[i];
  const std::string unit = i + 1 < l.tokens.size() ? upper(l.tokens[i + 1]) : default_unit;
  double seconds = 0.0;
  if (value.find(':') != std::string::npos) {
    double part[3] = {0, 0, 0};
    std::stringstream in(value);
    std::string piece;
    for (int k = 0; k < 3 && std::getline(in, piece, ':'); ++k) {
      char* end = nullptr;
      part[k] = std::strtod(piece.c_str(), &end);
      if (piece.empty() || *end != '\0') throw InputError(r.at(l, l.tokens[0]) + ": field '" + field + "' = '" + value + "' is not a time");
    }
    seconds = 3600.0 * part[0] + 60.0 * part[1] + part[2];
  } else {
    const double v = r.number(l, i, field);
    seconds = keyword_is(unit, "SEC") ? v : keyword_is(unit, "MIN") ? 60.0 * v : keyword_is(unit, "DAY") ? 86400.0 * v : 3600.0 * v;
  }
  if (i + 1 < l.tokens.size() && (unit == "AM" || unit == "PM")) {
    if (seconds >= 43200.0) seconds -= 43200.0;  // 12 am is midnight, 12 pm noon
    if (unit == "PM") seconds += 43200.0;
  }
  if (seconds < 0) throw InputError(r.at(l, l.tokens[0]) + ": field '" + field + "' is negative");
  return std::lround(seconds);
}

void read_times(const Reader& r, const std::vector<Line>& lines, Times& t) {
  for (const auto& l : lines) {
    const auto key = upper(l.tokens[0]);
    const auto second = l.tokens.size() > 1 ? upper(l.tokens[1]) : std::string{};
    if (keyword_is(key, "DURA")) t.duration_s = parse_time(r, l, 1, "DURATION");
    else if (keyword_is(key, "HYDR")) t.hydraulic_step_s = parse_time(r, l, 2, "HYDRAULIC TIMESTEP");
    else if (keyword_is(key, "PATT") && keyword_is(second, "TIME")) t.pattern_step_s = parse_time(r, l, 2, "PATTERN TIMESTEP");
    else if (keyword_is(key, "PATT") && keyword_is(second, "START")) t.pattern_start_s = parse_time(r, l, 2, "PATTERN START");
    else if (keyword_is(key, "REPO") && keyword_is(second, "TIME")) t.report_step_s = parse_time(r, l, 2, "REPORT TIMESTEP");
    else if (keyword_is(key, "REPO") && keyword_is(second, "START")) t.report_start_s = parse_time(r, l, 2, "REPORT START");
    else if (keyword_is(key, "STAR")) t.start_clock_s = parse_time(r, l, keyword_is(second, "CLOCK") ? 2 : 1, "START CLOCKTIME", "AM");
    else if (keyword_is(key, "RULE")) t.rule_step_s = parse_time(r, l, 2, "RULE TIMESTEP");
    else if (!keyword_is(key, "QUAL") && !keyword_is(key, "STAT"))  // water quality step, report statistic: no effect here
      throw InputError(r.at(l, l.tokens[0]) + ": unknown [TIMES] keyword");
  }
  if (t.hydraulic_step_s <= 0 || t.pattern_step_s <= 0 || t.report_step_s <= 0)
    throw InputError(r.path() + ": [TIMES]: time steps must be positive");
  // EPANET: the hydraulic step never exceeds the pattern or the report step
  t.hydraulic_step_s = std::min({t.hydraulic_step_s, t.pattern_step_s, t.report_step_s});
  if (t.rule_step_s <= 0) t.rule_step_s = std::max(1L, t.hydraulic_step_s / 10);
  t.rule_step_s = std::min(t.rule_step_s, t.hydraulic_step_s);
}

/// A valve setting from the file's units to the internal ones.
double valve_setting_internal(const WaterNetwork& net, LinkType type, double value) { return value / setting_scale(net.units, type); }

/// Index of a named item (patterns, curves), case-insensitive.
template <class T>
std::int32_t find_id(const std::vector<T>& items, const std::string& id) {
  const auto key = upper(id);
  for (std::size_t i = 0; i < items.size(); ++i)
    if (upper(items[i].id) == key) return static_cast<std::int32_t>(i);
  return -1;
}

void read_patterns(const Reader& r, const std::vector<Line>& lines, WaterNetwork& net) {
  for (const auto& l : lines) {
    auto i = find_id(net.patterns, l.tokens[0]);
    if (i < 0) {
      net.patterns.push_back({l.tokens[0], {}});
      i = static_cast<std::int32_t>(net.patterns.size()) - 1;
    }
    for (std::size_t t = 1; t < l.tokens.size(); ++t) net.patterns[static_cast<std::size_t>(i)].multipliers.push_back(r.number(l, t, "multiplier"));
  }
  for (auto& p : net.patterns)
    if (p.multipliers.empty()) p.multipliers.push_back(1.0);
}

void read_curves(const Reader& r, const std::vector<Line>& lines, WaterNetwork& net) {
  for (const auto& l : lines) {
    auto i = find_id(net.curves, l.tokens[0]);
    if (i < 0) {
      net.curves.push_back({l.tokens[0], {}, {}});
      i = static_cast<std::int32_t>(net.curves.size()) - 1;
    }
    auto& c = net.curves[static_cast<std::size_t>(i)];
    const double x = r.number(l, 1, "x"), y = r.number(l, 2, "y");
    if (!c.x.empty() && x <= c.x.back()) throw InputError(r.at(l, l.tokens[0]) + ": curve x values must increase");
    c.x.push_back(x), c.y.push_back(y);
  }
}

/// Pattern index of `id` (empty: the default pattern, which need not exist); -1 = constant.
std::int32_t pattern_index(const Reader& r, const Line& l, const WaterNetwork& net, const std::string& id, const std::string& default_pattern) {
  if (id.empty()) return default_pattern.empty() ? -1 : find_id(net.patterns, default_pattern);
  const auto i = find_id(net.patterns, id);
  if (i < 0) throw InputError(r.at(l, l.tokens[0]) + ": pattern '" + id + "' is not defined");
  return i;
}

/// The power-function fit EPANET makes through (0, h0), (q1, h1), (q2, h2): gain = a - b q^c.
bool power_curve(double h0, double h1, double h2, double q1, double q2, Pump& p) {
  constexpr double tiny = 1e-6;
  if (h0 < tiny || h0 - h1 < tiny || h1 - h2 < tiny || q1 < tiny || q2 - q1 < tiny) return false;
  p.c = std::log((h0 - h2) / (h0 - h1)) / std::log(q2 / q1);
  if (p.c <= 0.0 || p.c > 20.0) return false;
  p.a_ft = h0;
  p.b = (h0 - h1) / std::pow(q1, p.c);
  return p.b > 0.0;
}

void read_pump(const Reader& r, const Line& l, WaterNetwork& net, std::int32_t link) {
  Pump p;
  p.link = link;
  const Units& u = net.units;
  bool has_curve = false;
  for (std::size_t t = 3; t + 1 < l.tokens.size(); t += 2) {
    const auto key = upper(l.tokens[t]);
    if (key == "HEAD") {
      p.curve = find_id(net.curves, l.tokens[t + 1]);
      if (p.curve < 0) throw InputError(r.at(l, l.tokens[0]) + ": head curve '" + l.tokens[t + 1] + "' is not defined");
      has_curve = true;
    } else if (key == "POWER") {
      p.kind = PumpCurve::constant_power;
      p.power_hp = r.number(l, t + 1, "POWER") / u.power_per_hp;
      if (p.power_hp <= 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'POWER' must be positive");
    } else if (key == "SPEED") {
      net.initial_setting[static_cast<std::size_t>(link)] = r.number(l, t + 1, "SPEED");
    } else if (key == "PATTERN") {
      p.speed_pattern = find_id(net.patterns, l.tokens[t + 1]);
      if (p.speed_pattern < 0) throw InputError(r.at(l, l.tokens[0]) + ": pattern '" + l.tokens[t + 1] + "' is not defined");
    } else {
      throw InputError(r.at(l, l.tokens[0]) + ": pump keyword '" + l.tokens[t] + "' is not HEAD, POWER, SPEED or PATTERN");
    }
  }
  if (p.kind == PumpCurve::constant_power && !has_curve) {
    // EPANET: gain = 8.814 P / q (ft, hp, cfs); it starts at 1 cfs and never reports XHEAD
    p.design_flow_cfs = 1.0, p.shutoff_head_ft = 1e10;
    net.pump_of_link[static_cast<std::size_t>(link)] = static_cast<std::int32_t>(net.pumps.size());
    net.pumps.push_back(p);
    return;
  }
  if (!has_curve) throw InputError(r.at(l, l.tokens[0]) + ": a pump needs a HEAD curve or a POWER");
  const auto& c = net.curves[static_cast<std::size_t>(p.curve)];
  auto q = [&](std::size_t i) { return c.x[i] / u.flow_per_cfs; };
  auto h = [&](std::size_t i) { return c.y[i] / u.length_per_ft; };
  bool ok = true;
  if (c.x.size() == 1) {
    ok = power_curve(1.33334 * h(0), h(0), 0.0, q(0), 2.0 * q(0), p);
    p.design_flow_cfs = q(0), p.shutoff_head_ft = 1.33334 * h(0);
  } else if (c.x.size() == 3 && c.x[0] == 0.0) {
    ok = power_curve(h(0), h(1), h(2), q(1), q(2), p);
    p.design_flow_cfs = q(1), p.shutoff_head_ft = h(0);
  } else {
    p.kind = PumpCurve::custom;
    for (std::size_t i = 1; i < c.y.size(); ++i) ok = ok && c.y[i] < c.y[i - 1];
    p.design_flow_cfs = (q(0) + q(c.x.size() - 1)) / 2.0, p.shutoff_head_ft = h(0);
  }
  if (!ok) throw InputError(r.at(l, l.tokens[0]) + ": head curve '" + c.id + "' is not a valid pump curve (head must fall as flow rises)");
  net.pump_of_link[static_cast<std::size_t>(link)] = static_cast<std::int32_t>(net.pumps.size());
  net.pumps.push_back(p);
}

void read_tank(const Reader& r, const Line& l, WaterNetwork& net, std::int32_t node) {
  const Units& u = net.units;
  constexpr double pi = 3.141592653589793;
  Tank t;
  t.node = node;
  const double elevation = r.number(l, 1, "elevation") / u.length_per_ft;
  const double initial = r.number(l, 2, "initial level") / u.length_per_ft, min_level = r.number(l, 3, "minimum level") / u.length_per_ft;
  const double max_level = r.number(l, 4, "maximum level") / u.length_per_ft, diameter = r.number(l, 5, "diameter") / u.length_per_ft;
  const double min_volume = l.tokens.size() > 6 ? r.number(l, 6, "minimum volume") / u.volume_per_ft3 : 0.0;
  if (l.tokens.size() > 7 && l.tokens[7] != "*") {
    t.volume_curve = find_id(net.curves, l.tokens[7]);
    if (t.volume_curve < 0) throw InputError(r.at(l, l.tokens[0]) + ": volume curve '" + l.tokens[7] + "' is not defined");
  }
  t.can_overflow = l.tokens.size() > 8 && upper(l.tokens[8]) == "YES";
  if (min_level > max_level || initial < min_level || initial > max_level)
    throw InputError(r.at(l, l.tokens[0]) + ": tank levels must satisfy minimum <= initial <= maximum");
  if (diameter <= 0 && t.volume_curve < 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'diameter' must be positive");
  t.min_head_ft = elevation + min_level, t.max_head_ft = elevation + max_level, t.initial_head_ft = elevation + initial;
  t.area_ft2 = pi * diameter * diameter / 4.0;
  t.min_volume_ft3 = min_volume > 0 ? min_volume : t.area_ft2 * min_level;
  t.initial_volume_ft3 = t.min_volume_ft3 + t.area_ft2 * (initial - min_level);
  t.max_volume_ft3 = t.min_volume_ft3 + t.area_ft2 * (max_level - min_level);
  net.tank_of_node[static_cast<std::size_t>(node)] = static_cast<std::int32_t>(net.tanks.size());
  net.tanks.push_back(t);
}

void read_controls(const Reader& r, const std::vector<Line>& lines, WaterNetwork& net, const std::unordered_map<std::string, std::int32_t>& node_index,
                   const std::unordered_map<std::string, std::int32_t>& link_index) {
  for (const auto& l : lines) {
    // LINK id status|setting AT TIME t | AT CLOCKTIME t [AM|PM] | IF NODE id ABOVE|BELOW value
    if (l.tokens.size() < 6 || upper(l.tokens[0]) != "LINK")
      throw InputError(r.at(l, l.tokens[0]) + ": a control reads LINK id status AT TIME t, AT CLOCKTIME t or IF NODE id ABOVE|BELOW value");
    const auto link = link_index.find(upper(l.tokens[1]));
    if (link == link_index.end()) throw InputError(r.at(l, l.tokens[1]) + ": link '" + l.tokens[1] + "' is not defined");
    Control c;
    c.link = link->second;
    const auto type = net.link_type[static_cast<std::size_t>(c.link)];
    const auto word = upper(l.tokens[2]);
    c.setting = std::nan("");
    if (word == "OPEN" || word == "CLOSED") {
      c.status = word == "OPEN" ? LinkStatus::open : LinkStatus::closed;
      if (type == LinkType::pump) c.setting = word == "OPEN" ? 1.0 : 0.0;
    } else {
      c.setting = r.number(l, 2, "setting");
      if (type == LinkType::pipe || type == LinkType::cv_pipe) throw InputError(r.at(l, l.tokens[1]) + ": a pipe takes OPEN or CLOSED, not a setting");
      if (type == LinkType::gpv) throw InputError(r.at(l, l.tokens[1]) + ": a GPV takes OPEN or CLOSED in a control");
      c.status = type == LinkType::pump ? (c.setting == 0.0 ? LinkStatus::closed : LinkStatus::open) : LinkStatus::active;
      if (is_valve(type)) c.setting = valve_setting_internal(net, type, c.setting);
    }
    const auto how = upper(l.tokens[4]);
    if (upper(l.tokens[3]) == "AT" && how == "TIME") {
      c.kind = Control::Kind::timer;
      c.time_s = parse_time(r, l, 5, "time");
    } else if (upper(l.tokens[3]) == "AT" && how == "CLOCKTIME") {
      c.kind = Control::Kind::time_of_day;
      c.time_s = parse_time(r, l, 5, "clock time", "AM") % 86400;
    } else if (upper(l.tokens[3]) == "IF" && how == "NODE" && l.tokens.size() >= 8) {
      const auto node = node_index.find(upper(l.tokens[5]));
      if (node == node_index.end()) throw InputError(r.at(l, l.tokens[5]) + ": node '" + l.tokens[5] + "' is not defined");
      c.node = node->second;
      const auto side = upper(l.tokens[6]);
      if (side != "ABOVE" && side != "BELOW") throw InputError(r.at(l, l.tokens[6]) + ": a level control reads ABOVE or BELOW");
      c.kind = side == "ABOVE" ? Control::Kind::high_level : Control::Kind::low_level;
      const double value = r.number(l, 7, "value");
      const auto v = static_cast<std::size_t>(c.node);
      // a tank's level (length units), a junction's pressure (pressure units), a reservoir's head
      if (net.node_type[v] == NodeType::tank) c.grade_ft = net.elevation_ft[v] + value / net.units.length_per_ft;
      else if (net.node_type[v] == NodeType::junction) c.grade_ft = net.elevation_ft[v] + value / net.units.pressure_per_ft;
      else c.grade_ft = value / net.units.length_per_ft;
    } else {
      throw InputError(r.at(l, l.tokens[0]) + ": a control reads LINK id status AT TIME t, AT CLOCKTIME t or IF NODE id ABOVE|BELOW value");
    }
    net.controls.push_back(c);
  }
}

/// [RULES]: RULE id, IF/AND/OR premises, THEN/ELSE/AND actions, PRIORITY.
void read_rules(const Reader& r, const std::vector<Line>& lines, WaterNetwork& net, const std::unordered_map<std::string, std::int32_t>& node_index,
                const std::unordered_map<std::string, std::int32_t>& link_index) {
  enum class Part { none, premises, then_actions, else_actions };
  Part part = Part::none;
  auto find = [&](const Line& l, const std::unordered_map<std::string, std::int32_t>& index, std::size_t i, const char* what) {
    if (i >= l.tokens.size()) throw InputError(r.at(l, l.tokens[0]) + ": the rule clause is incomplete");
    const auto it = index.find(upper(l.tokens[i]));
    if (it == index.end()) throw InputError(r.at(l, l.tokens[i]) + ": " + what + " '" + l.tokens[i] + "' is not defined");
    return it->second;
  };
  auto status_word = [&](const Line& l, std::size_t i, LinkStatus& s) {
    const auto w = upper(l.tokens[i]);
    if (w == "OPEN") s = LinkStatus::open;
    else if (w == "CLOSED") s = LinkStatus::closed;
    else if (w == "ACTIVE") s = LinkStatus::active;
    else return false;
    return true;
  };
  for (const auto& l : lines) {
    const auto key = upper(l.tokens[0]);
    if (key == "RULE") {
      if (l.tokens.size() < 2) throw InputError(r.at(l, "RULE") + ": a rule needs an id");
      net.rules.push_back({l.tokens[1], {}, {}, {}, 0});
      part = Part::none;
      continue;
    }
    if (net.rules.empty()) throw InputError(r.at(l, l.tokens[0]) + ": rule clause before any RULE line");
    auto& rule = net.rules.back();
    if (key == "PRIORITY") {
      rule.priority = r.number(l, 1, "PRIORITY");
      continue;
    }
    if (key == "IF") part = Part::premises;
    else if (key == "THEN") part = Part::then_actions;
    else if (key == "ELSE") part = Part::else_actions;
    else if (key != "AND" && key != "OR") throw InputError(r.at(l, l.tokens[0]) + ": a rule clause starts with IF, AND, OR, THEN, ELSE or PRIORITY");
    if (part == Part::none) throw InputError(r.at(l, l.tokens[0]) + ": a rule clause before IF");
    if (part == Part::premises) {
      // object [id] attribute relation value
      RulePremise p;
      p.joined_by_or = key == "OR";
      const auto object = l.tokens.size() > 1 ? upper(l.tokens[1]) : std::string{};
      std::size_t at = 2;
      const bool system = object == "SYSTEM";
      const bool node = object == "NODE" || object == "JUNCTION" || object == "RESERVOIR" || object == "TANK";
      const bool link = object == "LINK" || object == "PIPE" || object == "PUMP" || object == "VALVE";
      if (!system && !node && !link) throw InputError(r.at(l, object) + ": a premise's object is NODE, JUNCTION, RESERVOIR, TANK, LINK, PIPE, PUMP, VALVE or SYSTEM");
      if (!system) p.index = find(l, node ? node_index : link_index, at++, node ? "node" : "link");
      if (l.tokens.size() < at + 3) throw InputError(r.at(l, l.tokens[0]) + ": a premise reads object id attribute relation value");
      const auto attribute = upper(l.tokens[at]);
      static const std::map<std::string, RulePremise::Variable> variables = {
          {"DEMAND", RulePremise::Variable::demand}, {"HEAD", RulePremise::Variable::head}, {"GRADE", RulePremise::Variable::head},
          {"PRESSURE", RulePremise::Variable::pressure}, {"LEVEL", RulePremise::Variable::level}, {"FLOW", RulePremise::Variable::flow},
          {"STATUS", RulePremise::Variable::status}, {"SETTING", RulePremise::Variable::setting}, {"FILLTIME", RulePremise::Variable::fill_time},
          {"DRAINTIME", RulePremise::Variable::drain_time}, {"TIME", RulePremise::Variable::time}, {"CLOCKTIME", RulePremise::Variable::clock_time}};
      const auto v = variables.find(attribute);
      if (v == variables.end()) throw InputError(r.at(l, l.tokens[at]) + ": unknown attribute '" + l.tokens[at] + "' in a premise");
      p.variable = v->second;
      if (system && p.variable == RulePremise::Variable::demand) p.variable = RulePremise::Variable::system_demand;
      using V = RulePremise::Variable;
      const bool link_attribute = p.variable == V::flow || p.variable == V::status || p.variable == V::setting;
      const bool system_attribute = p.variable == V::system_demand || p.variable == V::time || p.variable == V::clock_time;
      if ((system && !system_attribute) || (!system && system_attribute) || (link && !link_attribute) || (node && link_attribute))
        throw InputError(r.at(l, l.tokens[at]) + ": attribute '" + l.tokens[at] + "' does not apply to " + object);
      static const std::map<std::string, RulePremise::Relation> relations = {
          {"=", RulePremise::Relation::eq}, {"IS", RulePremise::Relation::eq}, {"<>", RulePremise::Relation::ne}, {"NOT", RulePremise::Relation::ne},
          {"<", RulePremise::Relation::lt}, {"BELOW", RulePremise::Relation::lt}, {">", RulePremise::Relation::gt}, {"ABOVE", RulePremise::Relation::gt},
          {"<=", RulePremise::Relation::le}, {">=", RulePremise::Relation::ge}};
      const auto rel = relations.find(upper(l.tokens[at + 1]));
      if (rel == relations.end()) throw InputError(r.at(l, l.tokens[at + 1]) + ": unknown relation '" + l.tokens[at + 1] + "'");
      p.relation = rel->second;
      if (p.variable == RulePremise::Variable::status) {
        if (!status_word(l, at + 2, p.status_value)) throw InputError(r.at(l, l.tokens[at + 2]) + ": a status premise takes OPEN, CLOSED or ACTIVE");
      } else if (p.variable == RulePremise::Variable::time || p.variable == RulePremise::Variable::clock_time) {
        p.value = static_cast<double>(parse_time(r, l, at + 2, "time", "HOURS"));
        if (p.variable == RulePremise::Variable::clock_time) p.value = std::fmod(p.value, 86400.0);
      } else {
        p.value = r.number(l, at + 2, "value");
      }
      rule.premises.push_back(p);
    } else {
      // LINK|PIPE|PUMP|VALVE id STATUS|SETTING IS value
      RuleAction a;
      a.link = find(l, link_index, 2, "link");
      if (l.tokens.size() < 6) throw InputError(r.at(l, l.tokens[0]) + ": an action reads LINK id STATUS IS value or LINK id SETTING IS value");
      const auto what = upper(l.tokens[3]);
      if (what == "STATUS") {
        LinkStatus st{};
        if (!status_word(l, 5, st)) throw InputError(r.at(l, l.tokens[5]) + ": an action's status is OPEN, CLOSED or ACTIVE");
        a.sets_status = st != LinkStatus::active;
        a.open = st != LinkStatus::closed;
        if (!a.sets_status) a.setting = std::nan("");
      } else if (what == "SETTING") {
        a.sets_status = false;
        a.setting = r.number(l, 5, "setting");
      } else {
        throw InputError(r.at(l, l.tokens[3]) + ": an action sets STATUS or SETTING");
      }
      (part == Part::then_actions ? rule.then_actions : rule.else_actions).push_back(a);
    }
  }
}

void read_energy(const Reader& r, const std::vector<Line>& lines, WaterNetwork& net, const std::unordered_map<std::string, std::int32_t>& link_index) {
  for (const auto& l : lines) {
    const auto key = upper(l.tokens[0]);
    const auto second = l.tokens.size() > 1 ? upper(l.tokens[1]) : std::string{};
    if (key == "GLOBAL" && keyword_is(second, "EFFIC")) net.global_efficiency_pct = r.number(l, 2, "GLOBAL EFFICIENCY");
    else if (key == "GLOBAL" && second == "PRICE") net.global_price = r.number(l, 2, "GLOBAL PRICE");
    else if (key == "GLOBAL" && second == "PATTERN") net.global_price_pattern = find_id(net.patterns, l.tokens.size() > 2 ? l.tokens[2] : "");
    else if (key == "PUMP" && l.tokens.size() > 3) {
      const auto link = link_index.find(upper(l.tokens[1]));
      if (link == link_index.end() || net.pump_of_link[static_cast<std::size_t>(link->second)] < 0)
        throw InputError(r.at(l, l.tokens[1]) + ": [ENERGY] names a pump that is not defined");
      auto& p = net.pumps[static_cast<std::size_t>(net.pump_of_link[static_cast<std::size_t>(link->second)])];
      const auto what = upper(l.tokens[2]);
      if (keyword_is(what, "EFFIC")) p.efficiency_curve = find_id(net.curves, l.tokens[3]);
      else if (what == "PRICE") p.price = r.number(l, 3, "PRICE");
      else if (what == "PATTERN") p.price_pattern = find_id(net.patterns, l.tokens[3]);
    }
  }
}

// EPANET 2.3's pipe leakage (FAVAD): link, leak area (mm^2 per 100 length units), expansion rate
// (mm^2 per metre of pressure head per 100 length units, see WaterNetwork). As EPANET, a line for
// a pump or valve is ignored.
void read_leakage(const Reader& r, const std::vector<Line>& lines, WaterNetwork& net, const std::unordered_map<std::string, std::int32_t>& link_index) {
  if (lines.empty()) return;
  net.leak_area.assign(net.link_count(), 0.0);
  net.leak_expansion.assign(net.link_count(), 0.0);
  for (const auto& l : lines) {
    const auto link = link_index.find(upper(l.tokens[0]));
    if (link == link_index.end()) throw InputError(r.at(l, l.tokens[0]) + ": [LEAKAGE] names a link that is not defined");
    const double area = r.number(l, 1, "leak area"), expansion = r.number(l, 2, "leak expansion");
    if (area < 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'leak area' is negative");
    if (expansion < 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'leak expansion' is negative");
    const auto k = static_cast<std::size_t>(link->second);
    if (net.link_type[k] != LinkType::pipe && net.link_type[k] != LinkType::cv_pipe) continue;
    net.leak_area[k] = area, net.leak_expansion[k] = expansion;
  }
}

}  // namespace

WaterNetwork read_inp(const std::string& path) {
  const InpLocator where = [&path](int line) { return path + ": line " + std::to_string(line); };
  return build_network(read_sections(path), std::filesystem::path(path).stem().string(), path, where);
}

bool is_inp_section(const std::string& name) {
  return std::find(std::begin(known_sections), std::end(known_sections), name) != std::end(known_sections);
}

WaterNetwork build_network(InpSections sections, const std::string& name, const std::string& source, const InpLocator& where) {
  const Reader r(source, where);
  const std::string& path = source;
  WaterNetwork net;
  net.name = name;
  std::string default_pattern = "1";
  read_options(r, sections["OPTIONS"], net, default_pattern);
  read_times(r, sections["TIMES"], net.times);
  read_patterns(r, sections["PATTERNS"], net);
  read_curves(r, sections["CURVES"], net);

  const Units& u = net.units;
  std::unordered_map<std::string, std::int32_t> node_index, link_index;
  auto add_node = [&](const Line& l, NodeType type, double elevation_ft) {
    if (!node_index.emplace(upper(l.tokens[0]), static_cast<std::int32_t>(net.node_id.size())).second)
      throw InputError(r.at(l, l.tokens[0]) + ": node defined twice");
    net.node_id.push_back(l.tokens[0]);
    net.node_type.push_back(type);
    net.elevation_ft.push_back(elevation_ft);
    net.base_demand_cfs.push_back(0.0);
    net.fixed_head_ft.push_back(0.0);
    net.head_pattern.push_back(-1);
    net.tank_of_node.push_back(-1);
  };
  // junctions and their demand categories ([DEMANDS] replaces the [JUNCTIONS] demand)
  std::vector<std::vector<std::pair<double, std::int32_t>>> categories;
  for (const auto& l : sections["JUNCTIONS"]) {
    add_node(l, NodeType::junction, r.number(l, 1, "elevation") / u.length_per_ft);
    categories.emplace_back();
    if (l.tokens.size() > 2)
      categories.back().push_back({r.number(l, 2, "demand") / u.flow_per_cfs,
                                   pattern_index(r, l, net, l.tokens.size() > 3 ? l.tokens[3] : "", default_pattern)});
  }
  net.junction_count = static_cast<std::int32_t>(net.node_id.size());
  std::vector<char> demand_replaced(net.node_id.size(), 0);
  for (const auto& l : sections["DEMANDS"]) {
    const auto it = node_index.find(upper(l.tokens[0]));
    if (it == node_index.end()) throw InputError(r.at(l, l.tokens[0]) + ": [DEMANDS] names a junction that is not defined");
    auto& list = categories[static_cast<std::size_t>(it->second)];
    if (!demand_replaced[static_cast<std::size_t>(it->second)]) list.clear(), demand_replaced[static_cast<std::size_t>(it->second)] = 1;
    list.push_back({r.number(l, 1, "demand") / u.flow_per_cfs,
                    pattern_index(r, l, net, l.tokens.size() > 2 ? l.tokens[2] : "", default_pattern)});
  }
  net.demand_begin.push_back(0);
  for (std::size_t j = 0; j < categories.size(); ++j) {
    for (const auto& [demand, pattern] : categories[j]) {
      net.demand_cfs.push_back(demand);
      net.demand_pattern.push_back(pattern);
      net.base_demand_cfs[j] += demand * (pattern < 0 ? 1.0 : net.patterns[static_cast<std::size_t>(pattern)].at(0, net.times));
    }
    net.demand_begin.push_back(static_cast<std::int32_t>(net.demand_cfs.size()));
  }
  net.emitter_coefficient.assign(static_cast<std::size_t>(net.junction_count), 0.0);
  for (const auto& l : sections["EMITTERS"]) {
    const auto it = node_index.find(upper(l.tokens[0]));
    if (it == node_index.end() || it->second >= net.junction_count) throw InputError(r.at(l, l.tokens[0]) + ": [EMITTERS] names a junction that is not defined");
    const double c = r.number(l, 1, "coefficient");
    if (c < 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'coefficient' is negative");
    net.emitter_coefficient[static_cast<std::size_t>(it->second)] = c;
  }
  for (const auto& l : sections["RESERVOIRS"]) {
    const double head = r.number(l, 1, "head") / u.length_per_ft;
    add_node(l, NodeType::reservoir, head);
    net.fixed_head_ft.back() = head;
    if (l.tokens.size() > 2) {
      net.head_pattern.back() = pattern_index(r, l, net, l.tokens[2], default_pattern);
      net.fixed_head_ft.back() = head * net.patterns[static_cast<std::size_t>(net.head_pattern.back())].at(0, net.times);
    }
  }
  for (const auto& l : sections["TANKS"]) {
    add_node(l, NodeType::tank, r.number(l, 1, "elevation") / u.length_per_ft);
    read_tank(r, l, net, static_cast<std::int32_t>(net.node_id.size()) - 1);
    net.fixed_head_ft.back() = net.tanks.back().initial_head_ft;
  }

  auto node_of = [&](const Line& l, std::size_t i) {
    if (i >= l.tokens.size()) throw InputError(r.at(l, l.tokens[0]) + ": a link needs two nodes");
    const auto it = node_index.find(upper(l.tokens[i]));
    if (it == node_index.end()) throw InputError(r.at(l, l.tokens[0]) + ": node '" + l.tokens[i] + "' is not defined");
    return it->second;
  };
  auto add_link = [&](const Line& l, LinkType type) {
    if (!link_index.emplace(upper(l.tokens[0]), static_cast<std::int32_t>(net.link_id.size())).second)
      throw InputError(r.at(l, l.tokens[0]) + ": link defined twice");
    net.link_id.push_back(l.tokens[0]);
    net.link_type.push_back(type);
    net.from_node.push_back(node_of(l, 1));
    net.to_node.push_back(node_of(l, 2));
    if (net.from_node.back() == net.to_node.back()) throw InputError(r.at(l, l.tokens[0]) + ": a link must join two different nodes");
    net.length_ft.push_back(0.0), net.diameter_ft.push_back(0.0), net.roughness.push_back(0.0), net.minor_loss_k.push_back(0.0);
    net.initially_closed.push_back(0), net.initially_fixed.push_back(0), net.initial_setting.push_back(1.0), net.pump_of_link.push_back(-1);
    return static_cast<std::int32_t>(net.link_id.size()) - 1;
  };
  for (const auto& l : sections["PIPES"]) {
    if (l.tokens.size() < 6) throw InputError(r.at(l, l.tokens[0]) + ": a pipe needs id, 2 nodes, length, diameter, roughness");
    const double length = r.number(l, 3, "length"), diameter = r.number(l, 4, "diameter"), roughness = r.number(l, 5, "roughness");
    if (length <= 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'length' must be positive");
    if (diameter <= 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'diameter' must be positive");
    if (roughness <= 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'roughness' must be positive");
    const std::string status = l.tokens.size() > 7 ? upper(l.tokens[7]) : "OPEN";
    const auto k = static_cast<std::size_t>(add_link(l, status == "CV" ? LinkType::cv_pipe : LinkType::pipe));
    net.length_ft[k] = length / u.length_per_ft;
    net.diameter_ft[k] = diameter / u.diameter_per_ft;
    // D-W roughness is in millifeet (US) or mm (SI); H-W C and Manning n have no units.
    net.roughness[k] = net.headloss == HeadlossFormula::darcy_weisbach ? roughness / (u.si ? 304.8 : 1000.0) : roughness;
    net.initial_setting[k] = roughness;
    net.minor_loss_k[k] = l.tokens.size() > 6 ? r.number(l, 6, "minor loss") : 0.0;
    net.initially_closed[k] = status == "CLOSED";
  }
  for (const auto& l : sections["PUMPS"]) read_pump(r, l, net, add_link(l, LinkType::pump));
  for (const auto& l : sections["VALVES"]) {
    static const std::map<std::string, LinkType> types = {{"PRV", LinkType::prv}, {"PSV", LinkType::psv}, {"PBV", LinkType::pbv},
                                                           {"FCV", LinkType::fcv}, {"TCV", LinkType::tcv}, {"GPV", LinkType::gpv}};
    if (l.tokens.size() < 6) throw InputError(r.at(l, l.tokens[0]) + ": a valve needs id, 2 nodes, diameter, type, setting");
    const auto type = types.find(upper(l.tokens[4]));
    if (type == types.end()) throw InputError(r.at(l, l.tokens[0]) + ": valve type '" + l.tokens[4] + "' is not PRV, PSV, PBV, FCV, TCV or GPV");
    const auto k = static_cast<std::size_t>(add_link(l, type->second));
    const double diameter = r.number(l, 3, "diameter");
    if (diameter <= 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'diameter' must be positive");
    net.diameter_ft[k] = diameter / u.diameter_per_ft;
    net.minor_loss_k[k] = l.tokens.size() > 6 ? r.number(l, 6, "minor loss") : 0.0;
    const bool fixed_grade_end = net.from_node[k] >= net.junction_count || net.to_node[k] >= net.junction_count;
    if (fixed_grade_end && (type->second == LinkType::prv || type->second == LinkType::psv || type->second == LinkType::fcv))
      throw InputError(r.at(l, l.tokens[0]) + ": a PRV, PSV or FCV cannot join a reservoir or tank directly (as in EPANET)");
    if (type->second == LinkType::gpv) {
      const auto curve = find_id(net.curves, l.tokens[5]);
      if (curve < 0) throw InputError(r.at(l, l.tokens[0]) + ": headloss curve '" + l.tokens[5] + "' is not defined");
      net.initial_setting[k] = curve;
    } else {
      net.initial_setting[k] = valve_setting_internal(net, type->second, r.number(l, 5, "setting"));
    }
  }
  for (const auto& l : sections["STATUS"]) {
    const auto it = link_index.find(upper(l.tokens[0]));
    if (it == link_index.end()) throw InputError(r.at(l, l.tokens[0]) + ": [STATUS] names a link that is not defined");
    if (l.tokens.size() < 2) continue;
    const auto k = static_cast<std::size_t>(it->second);
    const auto word = upper(l.tokens[1]);
    if (word == "OPEN" || word == "CLOSED") {
      net.initially_closed[k] = word == "CLOSED";
      if (is_valve(net.link_type[k])) net.initially_fixed[k] = 1;  // a valve fixed open or closed: no setting
    } else if (is_valve(net.link_type[k]) && net.link_type[k] != LinkType::gpv) {
      net.initial_setting[k] = valve_setting_internal(net, net.link_type[k], r.number(l, 1, "status or setting"));
    } else if (net.link_type[k] == LinkType::pump) {
      net.initial_setting[k] = r.number(l, 1, "status or speed");
      net.initially_closed[k] = net.initial_setting[k] == 0.0;
    } else {
      throw InputError(r.at(l, l.tokens[0]) + ": a pipe's status is OPEN or CLOSED");
    }
  }
  read_leakage(r, sections["LEAKAGE"], net, link_index);
  read_controls(r, sections["CONTROLS"], net, node_index, link_index);
  read_rules(r, sections["RULES"], net, node_index, link_index);
  read_energy(r, sections["ENERGY"], net, link_index);
  if (net.junction_count == 0 || net.link_id.empty()) throw InputError(path + ": no junctions or no links");
  if (net.node_id.size() == static_cast<std::size_t>(net.junction_count))
    throw InputError(path + ": no reservoir or tank: heads are undetermined");
  return net;
}

}  // namespace sofiatwin::water
