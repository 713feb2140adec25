// EPANET .inp writing: the network back in the file's units, in EPANET's section layout, so that
// reading what was written gives the same network (tested round trip) and EPANET can read it.
#include <cmath>
#include <cstdio>
#include <string>

#include "sim/core/atomic_file.hpp"
#include "sim/water/inp_io.hpp"

namespace sofiatwin::water {
namespace {

std::string number(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.12g", v);
  return buffer;
}

/// Seconds as h:mm:ss (exact, 24-hour).
std::string clock(long seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return buffer;
}

const char* headloss_name(HeadlossFormula f) {
  return f == HeadlossFormula::hazen_williams ? "H-W" : f == HeadlossFormula::darcy_weisbach ? "D-W" : "C-M";
}

const char* valve_type_name(LinkType t) {
  switch (t) {
    case LinkType::prv: return "PRV";
    case LinkType::psv: return "PSV";
    case LinkType::pbv: return "PBV";
    case LinkType::fcv: return "FCV";
    case LinkType::tcv: return "TCV";
    default: return "GPV";
  }
}

class InpText {
 public:
  explicit InpText(const WaterNetwork& net) : net_(net), u_(net.units) {}

  /// The sections in EPANET's order, each with its lines.
  std::vector<std::pair<std::string, std::vector<std::string>>> build() {
    constant_pattern_ = needs_constant_pattern() ? "SOFIATWIN_CONSTANT" : "";
    options(), times(), junctions(), emitters(), reservoirs(), tanks(), pipes(), leakage(), pumps(), valves(), status(), patterns(), curves(),
        controls(), rules(), energy();
    return std::move(sections_);
  }

 private:
  void line(const std::string& s) { sections_.back().second.push_back(s); }
  void section(const char* name) { sections_.push_back({name, {}}); }
  [[nodiscard]] const std::string& node(std::int32_t n) const { return net_.node_id[static_cast<std::size_t>(n)]; }
  [[nodiscard]] std::string pattern_id(std::int32_t p) const {
    return p < 0 ? constant_pattern_ : net_.patterns[static_cast<std::size_t>(p)].id;
  }
  /// A constant demand would fall back on the default pattern when read again: it needs a
  /// constant pattern of its own whenever the default pattern ("1") exists.
  [[nodiscard]] bool needs_constant_pattern() const {
    bool default_exists = false;
    for (const auto& p : net_.patterns) default_exists = default_exists || p.id == "1";
    if (!default_exists) return false;
    for (const auto p : net_.demand_pattern)
      if (p < 0) return true;
    return false;
  }

  void options() {
    section("OPTIONS");
    line("Units " + u_.flow_name);
    if (!u_.pressure_name.empty()) line("Pressure " + u_.pressure_name);
    line(std::string("Headloss ") + headloss_name(net_.headloss));
    line("Specific Gravity " + number(net_.specific_gravity));
    line("Viscosity " + number(net_.viscosity_ft2_s / 1.1e-5));
    line("Trials " + std::to_string(net_.max_trials));
    line("Accuracy " + number(net_.accuracy));
    line("CheckFreq " + std::to_string(net_.check_frequency));
    line("MaxCheck " + std::to_string(net_.max_check));
    line("DampLimit " + number(net_.damp_limit));
    if (net_.head_error_limit_ft > 0) line("HeadError " + number(net_.head_error_limit_ft * u_.length_per_ft));
    if (net_.flow_change_limit_cfs > 0) line("FlowChange " + number(net_.flow_change_limit_cfs * u_.flow_per_cfs));
    line(net_.extra_trials < 0 ? "Unbalanced STOP" : "Unbalanced CONTINUE " + std::to_string(net_.extra_trials));
    line("Demand Multiplier " + number(net_.demand_multiplier));
    line("Emitter Exponent " + number(net_.emitter_exponent));
    if (net_.pressure_driven) {
      line("Demand Model PDA");
      line("Minimum Pressure " + number(net_.min_pressure_ft * u_.pressure_per_ft));
      line("Required Pressure " + number(net_.required_pressure_ft * u_.pressure_per_ft));
      line("Pressure Exponent " + number(net_.pressure_exponent));
    }
  }

  void times() {
    const Times& t = net_.times;
    section("TIMES");
    line("Duration " + std::to_string(t.duration_s) + " SEC");
    line("Hydraulic Timestep " + std::to_string(t.hydraulic_step_s) + " SEC");
    line("Pattern Timestep " + std::to_string(t.pattern_step_s) + " SEC");
    line("Pattern Start " + std::to_string(t.pattern_start_s) + " SEC");
    line("Report Timestep " + std::to_string(t.report_step_s) + " SEC");
    line("Report Start " + std::to_string(t.report_start_s) + " SEC");
    line("Start ClockTime " + std::to_string(t.start_clock_s) + " SEC");
    line("Rule Timestep " + std::to_string(t.rule_step_s) + " SEC");
  }

  void junctions() {
    section("JUNCTIONS");
    for (std::int32_t j = 0; j < net_.junction_count; ++j) line(node(j) + " " + number(net_.elevation_ft[static_cast<std::size_t>(j)] * u_.length_per_ft));
    section("DEMANDS");
    for (std::int32_t j = 0; j < net_.junction_count; ++j)
      for (auto d = net_.demand_begin[static_cast<std::size_t>(j)]; d < net_.demand_begin[static_cast<std::size_t>(j) + 1]; ++d)
        line(node(j) + " " + number(net_.demand_cfs[static_cast<std::size_t>(d)] * u_.flow_per_cfs) + " " +
             pattern_id(net_.demand_pattern[static_cast<std::size_t>(d)]));
  }

  void emitters() {
    section("EMITTERS");
    for (std::size_t j = 0; j < net_.emitter_coefficient.size(); ++j)
      if (net_.emitter_coefficient[j] > 0) line(net_.node_id[j] + " " + number(net_.emitter_coefficient[j]));
  }

  void reservoirs() {
    section("RESERVOIRS");
    for (std::size_t v = 0; v < net_.node_count(); ++v)
      if (net_.node_type[v] == NodeType::reservoir)
        line(net_.node_id[v] + " " + number(net_.elevation_ft[v] * u_.length_per_ft) +
             (net_.head_pattern[v] >= 0 ? " " + pattern_id(net_.head_pattern[v]) : ""));
  }

  void tanks() {
    section("TANKS");
    constexpr double pi = 3.141592653589793;
    for (const auto& t : net_.tanks) {
      const double e = net_.elevation_ft[static_cast<std::size_t>(t.node)];
      const double diameter = std::sqrt(4.0 * t.area_ft2 / pi);
      line(node(t.node) + " " + number(e * u_.length_per_ft) + " " + number((t.initial_head_ft - e) * u_.length_per_ft) + " " +
           number((t.min_head_ft - e) * u_.length_per_ft) + " " + number((t.max_head_ft - e) * u_.length_per_ft) + " " +
           number(diameter * u_.length_per_ft) + " " + number(t.min_volume_ft3 * u_.volume_per_ft3) + " " +
           (t.volume_curve >= 0 ? net_.curves[static_cast<std::size_t>(t.volume_curve)].id : "*") + (t.can_overflow ? " YES" : " NO"));
    }
  }

  void pipes() {
    section("PIPES");
    for (std::size_t k = 0; k < net_.link_count(); ++k) {
      const auto type = net_.link_type[k];
      if (type != LinkType::pipe && type != LinkType::cv_pipe) continue;
      const char* status = type == LinkType::cv_pipe ? "CV" : net_.initially_closed[k] ? "Closed" : "Open";
      line(net_.link_id[k] + " " + node(net_.from_node[k]) + " " + node(net_.to_node[k]) + " " + number(net_.length_ft[k] * u_.length_per_ft) + " " +
           number(net_.diameter_ft[k] * u_.diameter_per_ft) + " " + number(net_.initial_setting[k]) + " " + number(net_.minor_loss_k[k]) + " " + status);
    }
  }

  void leakage() {
    section("LEAKAGE");
    for (std::size_t k = 0; k < net_.leak_area.size() && k < net_.leak_expansion.size(); ++k)
      if (net_.leak_area[k] > 0 || net_.leak_expansion[k] > 0)
        line(net_.link_id[k] + " " + number(net_.leak_area[k]) + " " + number(net_.leak_expansion[k]));
  }

  void pumps() {
    section("PUMPS");
    for (const auto& p : net_.pumps) {
      const auto k = static_cast<std::size_t>(p.link);
      std::string s = net_.link_id[k] + " " + node(net_.from_node[k]) + " " + node(net_.to_node[k]);
      if (p.kind == PumpCurve::constant_power) s += " POWER " + number(p.power_hp * u_.power_per_hp);
      else s += " HEAD " + net_.curves[static_cast<std::size_t>(p.curve)].id;
      if (!net_.initially_closed[k] && net_.initial_setting[k] != 1.0) s += " SPEED " + number(net_.initial_setting[k]);
      if (p.speed_pattern >= 0) s += " PATTERN " + pattern_id(p.speed_pattern);
      line(s);
    }
  }

  void valves() {
    section("VALVES");
    for (std::size_t k = 0; k < net_.link_count(); ++k) {
      const auto type = net_.link_type[k];
      if (!is_valve(type)) continue;
      const std::string setting = type == LinkType::gpv ? net_.curves[static_cast<std::size_t>(std::lround(net_.initial_setting[k]))].id
                                                        : number(net_.initial_setting[k] * setting_scale(u_, type));
      line(net_.link_id[k] + " " + node(net_.from_node[k]) + " " + node(net_.to_node[k]) + " " + number(net_.diameter_ft[k] * u_.diameter_per_ft) +
           " " + valve_type_name(type) + " " + setting + " " + number(net_.minor_loss_k[k]));
    }
  }

  void status() {
    section("STATUS");
    for (std::size_t k = 0; k < net_.link_count(); ++k) {
      const auto type = net_.link_type[k];
      if (type == LinkType::pump && net_.initially_closed[k]) line(net_.link_id[k] + " Closed");
      if (is_valve(type) && (net_.initially_fixed[k] || net_.initially_closed[k]))
        line(net_.link_id[k] + (net_.initially_closed[k] ? " Closed" : " Open"));
    }
  }

  void patterns() {
    section("PATTERNS");
    for (const auto& p : net_.patterns) {
      std::string s = p.id;
      for (std::size_t i = 0; i < p.multipliers.size(); ++i) {
        s += " " + number(p.multipliers[i]);
        if (i % 12 == 11 && i + 1 < p.multipliers.size()) line(s), s = p.id;
      }
      line(s);
    }
    if (!constant_pattern_.empty()) line(constant_pattern_ + " 1");
  }

  void curves() {
    section("CURVES");
    for (const auto& c : net_.curves)
      for (std::size_t i = 0; i < c.x.size(); ++i) line(c.id + " " + number(c.x[i]) + " " + number(c.y[i]));
  }

  void controls() {
    section("CONTROLS");
    for (const auto& c : net_.controls) {
      const auto k = static_cast<std::size_t>(c.link);
      const auto type = net_.link_type[k];
      std::string action;
      if (c.status == LinkStatus::active || (type == LinkType::pump && !std::isnan(c.setting) && c.setting != 0.0 && c.setting != 1.0))
        action = number(is_valve(type) ? c.setting * setting_scale(u_, type) : c.setting);
      else
        action = is_closed(c.status) ? "CLOSED" : "OPEN";
      std::string when;
      switch (c.kind) {
        case Control::Kind::timer: when = "AT TIME " + clock(c.time_s); break;
        case Control::Kind::time_of_day: when = "AT CLOCKTIME " + clock(c.time_s); break;
        default: {
          const auto n = static_cast<std::size_t>(c.node);
          const bool junction = net_.node_type[n] == NodeType::junction;
          const double value = net_.node_type[n] == NodeType::reservoir ? c.grade_ft : c.grade_ft - net_.elevation_ft[n];
          when = "IF NODE " + net_.node_id[n] + (c.kind == Control::Kind::high_level ? " ABOVE " : " BELOW ") +
                 number(value * (junction ? u_.pressure_per_ft : u_.length_per_ft));
        }
      }
      line("LINK " + net_.link_id[k] + " " + action + " " + when);
    }
  }

  void rules() {
    section("RULES");
    static const char* attributes[] = {"DEMAND", "HEAD", "PRESSURE", "LEVEL", "FLOW", "STATUS", "SETTING", "FILLTIME", "DRAINTIME", "TIME", "CLOCKTIME", "DEMAND"};
    static const char* relations[] = {"=", "<>", "<", "<=", ">", ">="};
    auto status_word = [](LinkStatus st) { return st == LinkStatus::closed ? "CLOSED" : st == LinkStatus::active ? "ACTIVE" : "OPEN"; };
    for (const auto& rule : net_.rules) {
      line("RULE " + rule.id);
      for (std::size_t i = 0; i < rule.premises.size(); ++i) {
        const auto& p = rule.premises[i];
        const auto v = p.variable;
        std::string object;
        if (v == RulePremise::Variable::time || v == RulePremise::Variable::clock_time || v == RulePremise::Variable::system_demand) object = "SYSTEM";
        else if (v == RulePremise::Variable::flow || v == RulePremise::Variable::status || v == RulePremise::Variable::setting)
          object = "LINK " + net_.link_id[static_cast<std::size_t>(p.index)];
        else object = "NODE " + node(p.index);
        const std::string value = v == RulePremise::Variable::status ? status_word(p.status_value)
                                  : v == RulePremise::Variable::time || v == RulePremise::Variable::clock_time ? clock(static_cast<long>(p.value))
                                                                                                                 : number(p.value);
        line(std::string(i == 0 ? "IF " : p.joined_by_or ? "OR " : "AND ") + object + " " + attributes[static_cast<int>(v)] + " " +
             relations[static_cast<int>(p.relation)] + " " + value);
      }
      auto actions = [&](const std::vector<RuleAction>& list, const char* first) {
        for (std::size_t i = 0; i < list.size(); ++i) {
          const auto& a = list[i];
          const std::string what = a.sets_status ? std::string("STATUS IS ") + (a.open ? "OPEN" : "CLOSED")
                                   : std::isnan(a.setting) ? "STATUS IS ACTIVE" : "SETTING IS " + number(a.setting);
          line(std::string(i == 0 ? first : "AND ") + "LINK " + net_.link_id[static_cast<std::size_t>(a.link)] + " " + what);
        }
      };
      actions(rule.then_actions, "THEN ");
      actions(rule.else_actions, "ELSE ");
      line("PRIORITY " + number(rule.priority));
    }
  }

  void energy() {
    section("ENERGY");
    line("Global Efficiency " + number(net_.global_efficiency_pct));
    line("Global Price " + number(net_.global_price));
    if (net_.global_price_pattern >= 0) line("Global Pattern " + pattern_id(net_.global_price_pattern));
    for (const auto& p : net_.pumps) {
      const auto& id = net_.link_id[static_cast<std::size_t>(p.link)];
      if (p.efficiency_curve >= 0) line("Pump " + id + " Efficiency " + net_.curves[static_cast<std::size_t>(p.efficiency_curve)].id);
      if (p.price != 0.0) line("Pump " + id + " Price " + number(p.price));
      if (p.price_pattern >= 0) line("Pump " + id + " Pattern " + pattern_id(p.price_pattern));
    }
  }

  const WaterNetwork& net_;
  const Units& u_;
  std::vector<std::pair<std::string, std::vector<std::string>>> sections_;
  std::string constant_pattern_;
};

}  // namespace

std::vector<std::pair<std::string, std::vector<std::string>>> inp_section_lines(const WaterNetwork& net) { return InpText(net).build(); }

void write_inp(const std::string& path, const WaterNetwork& net) {
  std::string text = "[TITLE]\n" + net.name + " (written by sofiatwin)\n";
  for (const auto& [name, lines] : inp_section_lines(net)) {
    text += "\n[" + name + "]\n";
    for (const auto& l : lines) text += ' ' + l + '\n';
  }
  write_file_atomically(path, text + "\n[END]\n");
}

}  // namespace sofiatwin::water
