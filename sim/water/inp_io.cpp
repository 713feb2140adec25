#include "inp_io.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "sim/core/atomic_file.hpp"
#include "sim/core/input_error.hpp"
#include "sim/water/hydraulics.hpp"

namespace sofiatwin::water {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct Line {
  int number;
  std::vector<std::string> tokens;
};

/// Lines of each section, comments and blanks removed; unknown sections are errors.
std::map<std::string, std::vector<Line>> read_sections(const std::string& path) {
  static const char* known[] = {"TITLE", "JUNCTIONS", "RESERVOIRS", "TANKS", "PIPES", "PUMPS", "VALVES", "TAGS", "DEMANDS",
                                "STATUS", "PATTERNS", "CURVES", "CONTROLS", "RULES", "ENERGY", "EMITTERS", "QUALITY",
                                "SOURCES", "REACTIONS", "MIXING", "TIMES", "REPORT", "OPTIONS", "COORDINATES", "VERTICES",
                                "LABELS", "BACKDROP", "END", "LEAKAGE"};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": file not found or not readable");
  std::map<std::string, std::vector<Line>> sections;
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
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[nodiscard]] std::string at(const Line& l, const std::string& item) const {
    return path_ + ": line " + std::to_string(l.number) + (item.empty() ? "" : ": '" + item + "'");
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
};

Units units_for(const std::string& name, const std::string& where) {
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
  u.pressure_per_ft = u.si ? metres_per_ft : 0.4333;
  u.velocity_per_fps = u.si ? metres_per_ft : 1.0;
  return u;
}

void read_options(const Reader& r, const std::vector<Line>& lines, WaterNetwork& net, std::string& default_pattern) {
  std::string units = "GPM";
  for (const auto& l : lines) {
    const auto key = upper(l.tokens[0]);
    const auto second = l.tokens.size() > 1 ? upper(l.tokens[1]) : std::string{};
    if (key == "UNITS") units = second;
    else if (key == "HEADLOSS") {
      if (second == "H-W") net.headloss = HeadlossFormula::hazen_williams;
      else if (second == "D-W") net.headloss = HeadlossFormula::darcy_weisbach;
      else if (second == "C-M") net.headloss = HeadlossFormula::chezy_manning;
      else throw InputError(r.at(l, "HEADLOSS") + ": '" + l.tokens[1] + "' is not H-W, D-W or C-M");
    } else if (key == "ACCURACY") net.accuracy = r.number(l, 1, "ACCURACY");
    else if (key == "TRIALS") net.max_trials = static_cast<int>(r.number(l, 1, "TRIALS"));
    else if (key == "DEMAND" && second == "MULTIPLIER") net.demand_multiplier = r.number(l, 2, "DEMAND MULTIPLIER");
    else if (key == "DEMAND" && second == "MODEL") {
      if (l.tokens.size() > 2 && upper(l.tokens[2]) == "PDA")
        throw InputError(r.at(l, "DEMAND MODEL") + ": pressure-driven demand is not supported yet");
    } else if (key == "VISCOSITY") net.viscosity_ft2_s = 1.1e-5 * r.number(l, 1, "VISCOSITY");
    else if (key == "SPECIFIC" && second == "GRAVITY") net.specific_gravity = r.number(l, 2, "SPECIFIC GRAVITY");
    else if (key == "PATTERN") default_pattern = l.tokens.size() > 1 ? l.tokens[1] : "";
  }
  net.units = units_for(units, r.path() + ": [OPTIONS]");
  net.units.pressure_per_ft *= net.specific_gravity;
}

}  // namespace

WaterNetwork read_inp(const std::string& path) {
  const Reader r(path);
  auto sections = read_sections(path);
  WaterNetwork net;
  net.name = std::filesystem::path(path).stem().string();
  std::string default_pattern = "1";
  read_options(r, sections["OPTIONS"], net, default_pattern);
  for (const char* unsupported : {"PUMPS", "VALVES", "CONTROLS", "RULES"})
    if (!sections[unsupported].empty())
      throw InputError(r.at(sections[unsupported].front(), sections[unsupported].front().tokens[0]) + ": [" + unsupported +
                       "] are not supported yet by the hydraulic solver");
  for (const auto& l : sections["EMITTERS"])
    if (r.number(l, 1, "coefficient") != 0.0) throw InputError(r.at(l, l.tokens[0]) + ": emitters are not supported yet");

  // Patterns: multiplier of period 0 is all a snapshot needs.
  std::unordered_map<std::string, double> first_multiplier;
  for (const auto& l : sections["PATTERNS"])
    if (!first_multiplier.count(upper(l.tokens[0]))) first_multiplier[upper(l.tokens[0])] = r.number(l, 1, "multiplier");
  auto multiplier = [&](const Line& l, const std::string& pattern) {
    const std::string id = upper(pattern.empty() ? default_pattern : pattern);
    if (id.empty()) return 1.0;
    const auto it = first_multiplier.find(id);
    if (it == first_multiplier.end()) {
      if (pattern.empty()) return 1.0;  // the default pattern need not exist
      throw InputError(r.at(l, l.tokens[0]) + ": pattern '" + pattern + "' is not defined");
    }
    return it->second;
  };

  const Units& u = net.units;
  std::unordered_map<std::string, std::int32_t> node_index;
  auto add_node = [&](const Line& l, NodeType type, double elevation, double demand, double head) {
    if (!node_index.emplace(upper(l.tokens[0]), static_cast<std::int32_t>(net.node_id.size())).second)
      throw InputError(r.at(l, l.tokens[0]) + ": node defined twice");
    net.node_id.push_back(l.tokens[0]);
    net.node_type.push_back(type);
    net.elevation_ft.push_back(elevation / u.length_per_ft);
    net.base_demand_cfs.push_back(demand / u.flow_per_cfs);
    net.fixed_head_ft.push_back(head / u.length_per_ft);
  };
  for (const auto& l : sections["JUNCTIONS"]) {
    const double demand = l.tokens.size() > 2 ? r.number(l, 2, "demand") : 0.0;
    add_node(l, NodeType::junction, r.number(l, 1, "elevation"),
             demand * multiplier(l, l.tokens.size() > 3 ? l.tokens[3] : ""), 0.0);
  }
  net.junction_count = static_cast<std::int32_t>(net.node_id.size());
  std::vector<char> demand_replaced(net.node_id.size(), 0);
  for (const auto& l : sections["DEMANDS"]) {
    const auto it = node_index.find(upper(l.tokens[0]));
    if (it == node_index.end()) throw InputError(r.at(l, l.tokens[0]) + ": [DEMANDS] names a junction that is not defined");
    if (!demand_replaced[it->second]) net.base_demand_cfs[it->second] = 0.0, demand_replaced[it->second] = 1;
    net.base_demand_cfs[it->second] +=
        r.number(l, 1, "demand") * multiplier(l, l.tokens.size() > 2 ? l.tokens[2] : "") / u.flow_per_cfs;
  }
  for (const auto& l : sections["RESERVOIRS"]) {
    const double head = r.number(l, 1, "head");
    add_node(l, NodeType::reservoir, head, 0.0, head * (l.tokens.size() > 2 ? multiplier(l, l.tokens[2]) : 1.0));
  }
  for (const auto& l : sections["TANKS"]) {
    const double elevation = r.number(l, 1, "elevation");
    add_node(l, NodeType::tank, elevation, 0.0, elevation + r.number(l, 2, "initial level"));
  }
  for (const auto& l : sections["PIPES"]) {
    if (l.tokens.size() < 6) throw InputError(r.at(l, l.tokens[0]) + ": a pipe needs id, 2 nodes, length, diameter, roughness");
    auto node = [&](std::size_t i) {
      const auto it = node_index.find(upper(l.tokens[i]));
      if (it == node_index.end()) throw InputError(r.at(l, l.tokens[0]) + ": node '" + l.tokens[i] + "' is not defined");
      return it->second;
    };
    const double length = r.number(l, 3, "length"), diameter = r.number(l, 4, "diameter"), roughness = r.number(l, 5, "roughness");
    if (length <= 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'length' must be positive");
    if (diameter <= 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'diameter' must be positive");
    if (roughness <= 0) throw InputError(r.at(l, l.tokens[0]) + ": field 'roughness' must be positive");
    const std::string status = l.tokens.size() > 7 ? upper(l.tokens[7]) : "OPEN";
    if (status == "CV") throw InputError(r.at(l, l.tokens[0]) + ": check-valve pipes are not supported yet");
    net.link_id.push_back(l.tokens[0]);
    net.link_type.push_back(LinkType::pipe);
    net.from_node.push_back(node(1));
    net.to_node.push_back(node(2));
    net.length_ft.push_back(length / u.length_per_ft);
    net.diameter_ft.push_back(diameter / u.diameter_per_ft);
    // D-W roughness is in millifeet (US) or mm (SI); H-W C and Manning n have no units.
    net.roughness.push_back(net.headloss == HeadlossFormula::darcy_weisbach ? roughness / (u.si ? 304.8 : 1000.0) : roughness);
    net.minor_loss_k.push_back(l.tokens.size() > 6 ? r.number(l, 6, "minor loss") : 0.0);
    net.initially_closed.push_back(status == "CLOSED");
  }
  for (const auto& l : sections["STATUS"]) {
    const auto it = std::find_if(net.link_id.begin(), net.link_id.end(), [&](const auto& id) { return upper(id) == upper(l.tokens[0]); });
    if (it == net.link_id.end()) throw InputError(r.at(l, l.tokens[0]) + ": [STATUS] names a link that is not defined");
    if (l.tokens.size() > 1) net.initially_closed[static_cast<std::size_t>(it - net.link_id.begin())] = upper(l.tokens[1]) == "CLOSED";
  }
  for (const auto& l : sections["TIMES"]) {
    if (upper(l.tokens[0]) != "DURATION" || l.tokens.size() < 2) continue;
    const auto& value = l.tokens[1];
    if (const auto colon = value.find(':'); colon != std::string::npos) {
      net.duration_s = 3600.0 * std::atof(value.substr(0, colon).c_str()) + 60.0 * std::atof(value.substr(colon + 1).c_str());
    } else {
      const std::string unit = l.tokens.size() > 2 ? upper(l.tokens[2]) : "HOURS";
      const double scale = unit.rfind("SEC", 0) == 0 ? 1.0 : unit.rfind("MIN", 0) == 0 ? 60.0 : unit.rfind("DAY", 0) == 0 ? 86400.0 : 3600.0;
      net.duration_s = r.number(l, 1, "DURATION") * scale;
    }
  }
  if (net.junction_count == 0 || net.link_id.empty()) throw InputError(path + ": no junctions or no links");
  if (net.node_id.size() == static_cast<std::size_t>(net.junction_count))
    throw InputError(path + ": no reservoir or tank: heads are undetermined");
  return net;
}

namespace {

const char* node_type_name(NodeType t) {
  return t == NodeType::junction ? "JUNCTION" : t == NodeType::reservoir ? "RESERVOIR" : "TANK";
}

}  // namespace

void write_report_csv(const std::string& dir, const WaterNetwork& net, const HydraulicState& state) {
  std::filesystem::create_directories(dir);
  const Units& u = net.units;
  char row[512];
  // net inflow of each fixed-head node (negative = it supplies the network)
  std::vector<double> inflow(net.node_count(), 0.0);
  for (std::size_t k = 0; k < net.link_count(); ++k) {
    inflow[net.from_node[k]] -= state.flow_cfs[k];
    inflow[net.to_node[k]] += state.flow_cfs[k];
  }
  std::string nodes = "time_s,node_id,node_type,head,pressure,demand\n";
  for (std::size_t v = 0; v < net.node_count(); ++v) {
    const bool junction = net.node_type[v] == NodeType::junction;
    const double head = state.head_ft[v] * u.length_per_ft;
    const double pressure = net.node_type[v] == NodeType::reservoir ? 0.0 : (state.head_ft[v] - net.elevation_ft[v]) * u.pressure_per_ft;
    const double demand = (junction ? net.base_demand_cfs[v] * net.demand_multiplier : inflow[v]) * u.flow_per_cfs;
    std::snprintf(row, sizeof row, "0,%s,%s,%.10g,%.10g,%.10g\n", net.node_id[v].c_str(), node_type_name(net.node_type[v]),
                  head, pressure, demand);
    nodes += row;
  }
  std::string links = "time_s,link_id,link_type,flow,velocity,headloss,status,setting\n";
  constexpr double pi = 3.141592653589793;
  for (std::size_t k = 0; k < net.link_count(); ++k) {
    const bool closed = net.initially_closed[k] != 0;
    const double q = closed ? 0.0 : state.flow_cfs[k];
    const double area = pi * net.diameter_ft[k] * net.diameter_ft[k] / 4.0;
    const double headloss = closed ? 0.0 : std::abs(state.head_ft[net.from_node[k]] - state.head_ft[net.to_node[k]]) * u.length_per_ft;
    const double setting = net.headloss == HeadlossFormula::darcy_weisbach ? net.roughness[k] * (u.si ? 304.8 : 1000.0) : net.roughness[k];
    std::snprintf(row, sizeof row, "0,%s,PIPE,%.10g,%.10g,%.10g,%d,%.10g\n", net.link_id[k].c_str(), q * u.flow_per_cfs,
                  std::abs(q) / area * u.velocity_per_fps, headloss, closed ? 0 : 1, setting);
    links += row;
  }
  std::snprintf(row, sizeof row, "step,time_s,next_dt_s,iterations,relative_error\n1,0,0,%d,%.6g\n", state.iterations,
                state.relative_error);
  const std::filesystem::path base = std::filesystem::path(dir) / net.name;
  write_file_atomically(base.string() + "_nodes.csv", nodes);
  write_file_atomically(base.string() + "_links.csv", links);
  write_file_atomically(base.string() + "_steps.csv", row);
}

}  // namespace sofiatwin::water
