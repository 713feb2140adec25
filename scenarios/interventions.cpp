#include "scenarios/interventions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include "gis/gdal_util.hpp"
#include "scenarios/yaml_reader.hpp"
#include "sim/core/input_error.hpp"

namespace sofiatwin::scenarios {
namespace {

constexpr double closure_minutes = 10000.0;  // a closed link: a week of driving (a trip with no other way still shows)
constexpr double min_capacity_share = 0.01;  // lanes closed for works keep a trickle, so costs stay finite
constexpr double street_above_pipe_m = 15.0;

const std::vector<std::string> common_keys = {"id", "type", "capex_eur", "opex_eur_per_year", "lifetime_years", "start_year",
                                              "assumptions", "sources"};

/// The model's things an intervention can select.
struct Selection {
  std::vector<std::int32_t> links;       // road links
  std::vector<std::int32_t> zones;       // zones of the zoning the model runs on
  std::vector<std::int32_t> junctions;   // water junctions
  std::vector<std::int32_t> pipes;       // water links
};

class Builder {
 public:
  Builder(const CityModel& model, const TransportParameters& p)
      : model_(model), p_(p), zoning_(choose_zoning(model, p.zoning)), zones_(zones_of(model, zoning_)) {
    const auto links = model.roads.links.size();
    auto& t = out_.transport;
    t.capacity_factor.assign(links, 1.0);
    t.extra_minutes.assign(links, 0.0);
    t.junction_delay_factor.assign(links, 1.0);
    t.parking_search_factor.assign(zones_.size(), 1.0);
  }

  void add(const InterventionSpec& spec) {
    const YamlMap m(spec.settings, spec.file, spec.where);
    static const std::map<std::string, void (Builder::*)(const YamlMap&, const InterventionSpec&)> handlers = {
        {"road_capacity", &Builder::road_capacity},       {"road_closure", &Builder::road_closure},
        {"road_works", &Builder::road_works},             {"new_link", &Builder::new_link},
        {"adaptive_signals", &Builder::adaptive_signals}, {"telework", &Builder::telework},
        {"e_government", &Builder::e_government},         {"smart_parking", &Builder::smart_parking},
        {"real_time_information", &Builder::real_time_information}, {"transit_frequency", &Builder::transit_frequency},
        {"new_transit_line", &Builder::new_transit_line}, {"metro_extension", &Builder::metro_extension},
        {"leak_repair", &Builder::leak_repair},           {"pressure_management", &Builder::pressure_management},
        {"smart_meters", &Builder::smart_meters},         {"pipe_closure", &Builder::pipe_closure},
        {"pump_schedule", &Builder::pump_schedule},       {"main_burst", &Builder::main_burst},
        {"leak_detection_programme", &Builder::leak_detection_programme},
    };
    const auto handler = handlers.find(spec.type);
    if (handler == handlers.end()) {
      std::string list;
      for (const auto& t : intervention_types()) list += (list.empty() ? "" : ", ") + t;
      throw m.error("type", "'" + spec.type + "' is not an intervention type (" + list + ")");
    }
    (this->*handler->second)(m, spec);
  }

  BuiltInterventions result() {
    if (out_.transit) {  // frequency factors cover the lines added too
      for (auto& period : out_.transport.frequency_factor) period.resize(out_.transit->patterns.size(), 1.0);
    }
    out_.bind();
    return std::move(out_);
  }

 private:
  // ---------- shared checks ----------

  void allow(const YamlMap& m, std::initializer_list<std::string_view> own) const {
    std::vector<std::string> keys = common_keys;
    keys.insert(keys.end(), own.begin(), own.end());
    m.allow_only(keys, "a key of this intervention type");
  }

  void need_water(const YamlMap& m) const {
    if (model_.water.empty()) throw m.error("type", "the model has no water network: a water intervention has nothing to act on");
  }

  Point2 point(const YamlMap& m, const YAML::Node& node, const std::string& key) const {
    if (!node.IsSequence() || node.size() != 2)
      throw InputError(yaml_error_text(m.file(), node, m.key_path(key), "must be [longitude, latitude]"));
    double x = 0, y = 0;
    try {
      x = node[0].as<double>(), y = node[1].as<double>();
    } catch (const YAML::Exception&) {
      throw InputError(yaml_error_text(m.file(), node, m.key_path(key), "must be [longitude, latitude] in degrees"));
    }
    if (x < -180 || x > 180 || y < -90 || y > 90) throw InputError(yaml_error_text(m.file(), node, m.key_path(key), "is not a longitude and latitude"));
    if (!to_model_) {
      OGRSpatialReference wgs84;
      wgs84.importFromEPSG(4326);
      to_model_.emplace(wgs84, gis::make_crs(model_.crs));
    }
    if (!to_model_->transform(x, y)) throw InputError(yaml_error_text(m.file(), node, m.key_path(key), "cannot be projected"));
    return {x, y};
  }

  Polyline points(const YamlMap& m, const std::string& key, std::size_t at_least) const {
    const auto list = m.sequence(key);
    if (!list) throw m.error({}, "missing key '" + key + "' (a list of [longitude, latitude])");
    Polyline out;
    for (std::size_t i = 0; i < list->size(); ++i) out.push_back(point(m, (*list)[i], key));
    if (out.size() < at_least) throw m.error(key, "needs at least " + std::to_string(at_least) + " points");
    return out;
  }

  std::vector<std::string> texts(const YamlMap& m, const std::string& key) const {
    const auto list = m.sequence(key);
    std::vector<std::string> out;
    if (!list) return out;
    for (const auto& item : *list) {
      if (!item.IsScalar()) throw InputError(yaml_error_text(m.file(), item, m.key_path(key), "each entry must be a name or an id"));
      out.push_back(item.as<std::string>());
    }
    return out;
  }

  std::vector<std::size_t> periods(const YamlMap& m) const {
    std::vector<std::size_t> out;
    const auto names = texts(m, "periods");
    if (names.empty())
      for (std::size_t t = 0; t < p_.demand.periods.size(); ++t) out.push_back(t);
    for (const auto& name : names) {
      std::size_t t = 0;
      while (t < p_.demand.periods.size() && p_.demand.periods[t].name != name) ++t;
      if (t == p_.demand.periods.size()) throw m.error("periods", "'" + name + "' is not a period of the transport parameters");
      out.push_back(t);
    }
    return out;
  }

  /// `where:` - which links, zones, junctions and pipes an intervention acts on.
  Selection where(const YamlMap& parent, bool required = true) const {
    const auto w = parent.map("where");
    if (!w) {
      if (required) throw parent.error({}, "missing key 'where' (links, street, polygon, district, zones, parking_zone, pressure_zones, pipes or all)");
      return everything();
    }
    w->allow_only({"links", "street", "polygon", "district", "zones", "parking_zone", "pressure_zones", "pipes", "all"}, "a selector");
    if (w->keys().size() != 1) throw w->error({}, "give one selector");
    const auto key = w->keys().front();
    Selection s;
    if (key == "all") {
      if (!w->flag("all", false)) throw w->error("all", "must be true");
      return everything();
    }
    if (key == "links") {
      for (const auto& id : texts(*w, "links")) {
        char* end = nullptr;
        const long v = std::strtol(id.c_str(), &end, 10);
        if (*end || v < 0 || static_cast<std::size_t>(v) >= model_.roads.links.size())
          throw w->error("links", "'" + id + "' is not a road link id (0 to " + std::to_string(model_.roads.links.size() - 1) + ")");
        s.links.push_back(static_cast<std::int32_t>(v));
      }
    } else if (key == "street") {
      const auto name = w->required_text("street");
      for (std::size_t a = 0; a < model_.roads.links.size(); ++a)
        if (model_.roads.links.name[a].find(name) != std::string::npos) s.links.push_back(static_cast<std::int32_t>(a));
      if (s.links.empty()) throw w->error("street", "no road link of the model is named like '" + name + "'" + street_examples());
    } else if (key == "polygon") {
      const auto ring = points(*w, "polygon", 3);
      s = inside({{ring}});
      if (s.links.empty() && s.zones.empty() && s.junctions.empty()) throw w->error("polygon", "holds no road link, zone or water junction of the model");
    } else if (key == "district") {
      const auto name = w->required_text("district");
      std::int32_t d = -1;
      for (std::size_t z = 0; z < model_.zones.size(); ++z)
        if (model_.zones.name[z] == name || model_.zones.code[z] == name) d = static_cast<std::int32_t>(z);
      if (d < 0) throw w->error("district", "'" + name + "' is not a district of the model (its name or code)");
      s = inside(model_.zones.boundary[static_cast<std::size_t>(d)]);
      s.zones.clear();
      for (std::size_t z = 0; z < zones_.size(); ++z)
        if (zones_.district.size() > z && zones_.district[z] == d) s.zones.push_back(static_cast<std::int32_t>(z));
    } else if (key == "zones") {
      for (const auto& code : texts(*w, "zones")) {
        const auto found = std::find(zones_.code.begin(), zones_.code.end(), code);
        if (found == zones_.code.end()) throw w->error("zones", "'" + code + "' is not a zone of layer '" + zoning_layer(zoning_) + "'");
        const auto z = static_cast<std::size_t>(found - zones_.code.begin());
        const auto inner = inside(zones_.boundary[z]);
        s.links.insert(s.links.end(), inner.links.begin(), inner.links.end());
        s.junctions.insert(s.junctions.end(), inner.junctions.begin(), inner.junctions.end());
        s.pipes.insert(s.pipes.end(), inner.pipes.begin(), inner.pipes.end());
        s.zones.push_back(static_cast<std::int32_t>(z));
      }
    } else if (key == "parking_zone") {
      const auto name = w->required_text("parking_zone");
      const auto found = std::find(model_.parking.name.begin(), model_.parking.name.end(), name);
      if (found == model_.parking.name.end()) throw w->error("parking_zone", "'" + name + "' is not a paid-parking zone of the model");
      s = inside(model_.parking.boundary[static_cast<std::size_t>(found - model_.parking.name.begin())]);
    } else if (key == "pressure_zones") {
      if (model_.water.empty()) throw w->error("pressure_zones", "the model has no water network");
      for (const auto& name : texts(*w, "pressure_zones")) {
        const std::size_t before = s.junctions.size();
        for (std::int32_t j = 0; j < model_.water.network.junction_count; ++j)
          if (model_.water.pressure_zone.size() > static_cast<std::size_t>(j) && model_.water.pressure_zone[static_cast<std::size_t>(j)] == name)
            s.junctions.push_back(j);
        if (s.junctions.size() == before) throw w->error("pressure_zones", "'" + name + "' is not a pressure zone of the water network");
      }
      s.pipes = pipes_between(s.junctions);
    } else if (key == "pipes") {
      if (model_.water.empty()) throw w->error("pipes", "the model has no water network");
      for (const auto& id : texts(*w, "pipes")) s.pipes.push_back(water_link(*w, "pipes", id));
    }
    return s;
  }

  [[nodiscard]] std::string street_examples() const {
    std::set<std::string> names;
    for (const auto& n : model_.roads.links.name)
      if (!n.empty() && names.size() < 6) names.insert(n);
    std::string out;
    for (const auto& n : names) out += (out.empty() ? " (names include: " : ", ") + n;
    return out.empty() ? " (its links carry no names)" : out + ")";
  }

  [[nodiscard]] Selection everything() const {
    Selection s;
    for (std::size_t a = 0; a < model_.roads.links.size(); ++a) s.links.push_back(static_cast<std::int32_t>(a));
    for (std::size_t z = 0; z < zones_.size(); ++z) s.zones.push_back(static_cast<std::int32_t>(z));
    for (std::int32_t j = 0; j < model_.water.network.junction_count; ++j) s.junctions.push_back(j);
    for (std::size_t k = 0; k < model_.water.network.link_count(); ++k) s.pipes.push_back(static_cast<std::int32_t>(k));
    return s;
  }

  [[nodiscard]] Selection inside(const MultiPolygon& area) const {
    Selection s;
    const auto& l = model_.roads.links;
    for (std::size_t a = 0; a < l.size(); ++a) {
      const auto& shape = l.shape[a];
      if (!shape.empty() && contains(area, {(shape.front().x_m + shape.back().x_m) / 2, (shape.front().y_m + shape.back().y_m) / 2}))
        s.links.push_back(static_cast<std::int32_t>(a));
    }
    for (std::size_t z = 0; z < zones_.size(); ++z)
      if (contains(area, zones_.centroid[z])) s.zones.push_back(static_cast<std::int32_t>(z));
    for (std::int32_t j = 0; j < model_.water.network.junction_count; ++j)
      if (contains(area, model_.water.node_position[static_cast<std::size_t>(j)])) s.junctions.push_back(j);
    s.pipes = pipes_between(s.junctions);
    return s;
  }

  /// Pipes with both ends among the junctions.
  [[nodiscard]] std::vector<std::int32_t> pipes_between(const std::vector<std::int32_t>& junctions) const {
    std::vector<char> in(model_.water.network.node_count(), 0);
    for (auto j : junctions) in[static_cast<std::size_t>(j)] = 1;
    std::vector<std::int32_t> out;
    const auto& n = model_.water.network;
    for (std::size_t k = 0; k < n.link_count(); ++k)
      if ((n.link_type[k] == water::LinkType::pipe || n.link_type[k] == water::LinkType::cv_pipe) && in[static_cast<std::size_t>(n.from_node[k])] &&
          in[static_cast<std::size_t>(n.to_node[k])])
        out.push_back(static_cast<std::int32_t>(k));
    return out;
  }

  std::int32_t water_link(const YamlMap& m, const std::string& key, const std::string& id) const {
    const auto& ids = model_.water.network.link_id;
    const auto found = std::find(ids.begin(), ids.end(), id);
    if (found == ids.end()) throw m.error(key, "'" + id + "' is not a link of the water network");
    return static_cast<std::int32_t>(found - ids.begin());
  }

  std::vector<double>& production_factor(const std::string& purpose, const YamlMap& m) {
    bool known = false;
    for (const auto& q : p_.demand.purposes) known = known || q.name == purpose;
    if (!known) throw m.error("type", "the transport parameters have no purpose '" + purpose + "' for this intervention to act on");
    auto& f = out_.transport.production_factor[purpose];
    if (f.empty()) f.assign(zones_.size(), 1.0);
    return f;
  }

  void note(const InterventionSpec& spec, const std::string& text) { out_.notes.push_back(spec.id + " (" + spec.type + "): " + text); }

  // ---------- transport ----------

  void road_capacity(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"where", "factor"});
    const auto s = where(m);
    const double factor = m.required_number("factor", {0.0, 10.0, true, false, "a positive capacity factor (0 is a closure: use road_closure)"});
    for (auto a : s.links) out_.transport.capacity_factor[static_cast<std::size_t>(a)] *= factor;
    out_.changes_transport = true;
    note(spec, std::to_string(s.links.size()) + " road links, capacity x " + format(factor));
  }

  void road_closure(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"where"});
    const auto s = where(m);
    for (auto a : s.links) out_.transport.extra_minutes[static_cast<std::size_t>(a)] += closure_minutes;
    out_.changes_transport = true;
    note(spec, std::to_string(s.links.size()) + " road links closed all day");
  }

  void road_works(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"where", "lanes_closed_share", "periods"});
    const auto s = where(m);
    const double share = m.required_number("lanes_closed_share", {0.0, 1.0, true, false, "a share above 0 and at most 1"});
    close_lanes(s.links, share, periods(m));
    note(spec, std::to_string(s.links.size()) + " road links with " + format(100 * share) + " % of their lanes closed");
  }

  void close_lanes(const std::vector<std::int32_t>& links, double share, const std::vector<std::size_t>& in_periods) {
    auto& f = out_.transport.period_capacity_factor;
    if (f.empty()) f.assign(p_.demand.periods.size(), std::vector<double>(out_.transport.capacity_factor.size(), 1.0));
    for (auto t : in_periods)
      for (auto a : links) f[t][static_cast<std::size_t>(a)] *= std::max(min_capacity_share, 1.0 - share);
    out_.changes_transport = true;
  }

  void new_link(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"from", "to", "road_class", "lanes", "speed_kmh", "two_way", "name"});
    const Point2 a = point(m, m.node("from"), "from"), b = point(m, m.node("to"), "to");
    const auto cls_name = m.required_text("road_class");
    const auto cls = parse_road_class(cls_name);
    if (!cls || *cls == RoadClass::connector) throw m.error("road_class", "'" + cls_name + "' is not a road class");
    const auto& d = road_class_defaults(*cls);
    const double lanes = m.number("lanes", d.lanes_per_direction, {1.0, 8.0, false, false, "1 to 8 lanes per direction"});
    const double speed = m.number("speed_kmh", d.speed_kmh, {5.0, 140.0, false, false, "a speed from 5 to 140 km/h"});
    if (!out_.roads) out_.roads = model_.roads;
    auto& r = *out_.roads;
    const auto from = nearest_node(r, a), to = nearest_node(r, b);
    if (from == to) throw m.error("to", "both ends snap to the same road node");
    const auto name = m.text("name", spec.id);
    auto add = [&](std::int32_t f, std::int32_t t) {
      r.links.from_node.push_back(f);
      r.links.to_node.push_back(t);
      const Polyline shape = {r.nodes.position[static_cast<std::size_t>(f)], r.nodes.position[static_cast<std::size_t>(t)]};
      r.links.length_m.push_back(length_m(shape));
      r.links.lanes.push_back(lanes);
      r.links.speed_kmh.push_back(speed);
      r.links.capacity_veh_h.push_back(lanes * d.capacity_veh_h_per_lane);
      r.links.road_class.push_back(*cls);
      r.links.source_id.push_back(-1);
      r.links.name.push_back(name);
      r.links.component.push_back(0);
      r.links.shape.push_back(shape);
      out_.transport.capacity_factor.push_back(1.0);
      out_.transport.extra_minutes.push_back(0.0);
      out_.transport.junction_delay_factor.push_back(1.0);
      for (auto& period : out_.transport.period_capacity_factor) period.push_back(1.0);
    };
    add(from, to);
    if (m.flag("two_way", true)) add(to, from);
    out_.changes_transport = true;
    note(spec, "a new " + cls_name + " link of " + format(distance_m(r.nodes.position[static_cast<std::size_t>(from)], r.nodes.position[static_cast<std::size_t>(to)])) + " m");
  }

  static std::int32_t nearest_node(const RoadNetwork& r, Point2 p) {
    std::int32_t best = 0;
    for (std::size_t v = 1; v < r.nodes.size(); ++v)
      if (distance_m(r.nodes.position[v], p) < distance_m(r.nodes.position[static_cast<std::size_t>(best)], p)) best = static_cast<std::int32_t>(v);
    return best;
  }

  void adaptive_signals(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"where", "capacity_gain", "delay_reduction"});
    const auto s = where(m);
    const double gain = m.required_number("capacity_gain", Range::between(0.0, 1.0));
    const double reduction = m.required_number("delay_reduction", Range::share());
    std::size_t signalised = 0;
    for (auto a : s.links) {
      const auto cls = model_.roads.links.road_class[static_cast<std::size_t>(a)];
      if (cls != RoadClass::primary && cls != RoadClass::secondary && cls != RoadClass::tertiary) continue;
      out_.transport.capacity_factor[static_cast<std::size_t>(a)] *= 1.0 + gain;
      out_.transport.junction_delay_factor[static_cast<std::size_t>(a)] *= 1.0 - reduction;
      ++signalised;
    }
    if (signalised == 0) throw m.error("where", "selects no signalised link (primary, secondary or tertiary road)");
    out_.changes_transport = true;
    note(spec, std::to_string(signalised) + " signalised links: capacity +" + format(100 * gain) + " %, junction delay -" + format(100 * reduction) + " %");
  }

  void scale_purpose(const YamlMap& m, const InterventionSpec& spec, const std::string& purpose, const char* key, const std::string& what) {
    allow(m, {"where", key});
    const auto s = where(m, false);
    const double share = m.required_number(key, {0.0, 1.0, false, true, "a share from 0 to below 1"});
    auto& f = production_factor(purpose, m);
    for (auto z : s.zones) f[static_cast<std::size_t>(z)] *= 1.0 - share;
    out_.changes_transport = true;
    note(spec, format(100 * share) + " % of " + what + " removed in " + std::to_string(s.zones.size()) + " zones");
  }

  void telework(const YamlMap& m, const InterventionSpec& spec) { scale_purpose(m, spec, "home_work", "share_of_commutes", "home-work trips"); }

  void e_government(const YamlMap& m, const InterventionSpec& spec) {
    scale_purpose(m, spec, "home_administration", "share_of_visits_online", "visits to the administrations");
  }

  void smart_parking(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"where", "search_reduction"});
    const auto s = where(m);
    const double reduction = m.required_number("search_reduction", Range::share());
    for (auto z : s.zones) out_.transport.parking_search_factor[static_cast<std::size_t>(z)] *= 1.0 - reduction;
    if (s.zones.empty()) throw m.error("where", "selects no zone");
    out_.changes_transport = true;
    note(spec, "parking search -" + format(100 * reduction) + " % in " + std::to_string(s.zones.size()) + " zones");
  }

  void real_time_information(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"wait_reduction"});
    const double reduction = m.required_number("wait_reduction", {0.0, 1.0, false, true, "a share from 0 to below 1"});
    const double base = out_.transport.wait_weight.value_or(p_.demand.mode.wait_weight);
    out_.transport.wait_weight = base * (1.0 - reduction);
    out_.changes_transport = true;
    note(spec, "perceived waiting -" + format(100 * reduction) + " % (weight " + format(*out_.transport.wait_weight) + ")");
  }

  const TransitNetwork& transit() const { return out_.transit ? *out_.transit : model_.transit; }

  void transit_frequency(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"routes", "modes", "factor", "periods"});
    const double factor = m.required_number("factor", {0.0, 10.0, true, false, "a positive factor of the departures"});
    const auto routes = texts(m, "routes"), modes = texts(m, "modes");
    if (routes.empty() == modes.empty()) throw m.error({}, "give either 'routes' (short names) or 'modes' (metro, tram, trolleybus, bus)");
    const auto& t = transit();
    std::set<std::int32_t> chosen;
    for (const auto& name : routes) {
      bool found = false;
      for (std::size_t r = 0; r < t.routes.size(); ++r)
        if (t.routes.short_name[r] == name) chosen.insert(static_cast<std::int32_t>(r)), found = true;
      if (!found) throw m.error("routes", "'" + name + "' is not a route of the model's transit network");
    }
    for (const auto& mode : modes) {
      const int type = mode == "tram" ? 0 : mode == "metro" ? 1 : mode == "bus" ? 3 : mode == "trolleybus" ? 11 : -1;
      if (type < 0) throw m.error("modes", "'" + mode + "' is not one of metro, tram, trolleybus, bus");
      for (std::size_t r = 0; r < t.routes.size(); ++r)
        if (t.routes.gtfs_type[r] == type) chosen.insert(static_cast<std::int32_t>(r));
    }
    auto& f = out_.transport.frequency_factor;
    if (f.empty()) f.assign(p_.demand.periods.size(), std::vector<double>(t.patterns.size(), 1.0));
    std::size_t patterns = 0;
    for (auto period : periods(m))
      for (std::size_t q = 0; q < t.patterns.size(); ++q)
        if (chosen.count(t.patterns.route[q])) f[period][q] *= factor, ++patterns;
    out_.changes_transport = true;
    note(spec, std::to_string(chosen.size()) + " routes, departures x " + format(factor));
  }

  /// Departures per hour of each clock hour from headways per period (minutes; the periods' hours).
  std::array<std::int32_t, service_hours> departures(const YamlMap& m) const {
    std::array<std::int32_t, service_hours> per_hour{};
    const auto h = m.required_map("headway_min");
    std::vector<std::string> names;
    for (const auto& period : p_.demand.periods) names.push_back(period.name);
    h.allow_only(names, "a period of the transport parameters");
    for (const auto& period : p_.demand.periods) {
      if (!h.has(period.name)) continue;
      const double headway = h.required_number(period.name, {1.0, 240.0, false, false, "a headway from 1 to 240 minutes"});
      for (int hour = static_cast<int>(period.start_h); hour < static_cast<int>(std::ceil(period.end_h)); ++hour) {
        per_hour[static_cast<std::size_t>(hour % 24)] = static_cast<std::int32_t>(std::lround(60.0 / headway));  // clock hours
      }
    }
    return per_hour;
  }

  static std::int32_t add_stop(TransitNetwork& t, const std::string& name, Point2 p) {
    t.stops.gtfs_id.push_back("new-" + std::to_string(t.stops.size()));
    t.stops.name.push_back(name);
    t.stops.position.push_back(p);
    return static_cast<std::int32_t>(t.stops.size() - 1);
  }

  void add_pattern(TransitNetwork& t, std::int32_t route, int direction, const std::vector<std::int32_t>& stops, double speed_kmh, double dwell_s,
                   const std::array<std::int32_t, service_hours>& per_hour) {
    t.patterns.route.push_back(route);
    t.patterns.direction.push_back(direction);
    std::vector<double> times;
    for (std::size_t k = 1; k < stops.size(); ++k)
      times.push_back(distance_m(t.stops.position[static_cast<std::size_t>(stops[k - 1])], t.stops.position[static_cast<std::size_t>(stops[k])]) /
                          1000.0 / speed_kmh * 60.0 + dwell_s / 60.0);
    t.patterns.stops.push_back(stops);
    t.patterns.segment_time_min.push_back(std::move(times));
    t.patterns.departures_per_hour.push_back(per_hour);
    for (auto& period : out_.transport.frequency_factor) period.push_back(1.0);
  }

  void new_transit_line(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"name", "mode", "stations", "headway_min", "speed_kmh", "dwell_s"});
    const auto mode = m.choice("mode", "bus", {"metro", "tram", "trolleybus", "bus"});
    const auto stations = points(m, "stations", 2);
    const double speed = m.required_number("speed_kmh", {5.0, 120.0, false, false, "a speed from 5 to 120 km/h"});
    const double dwell = m.number("dwell_s", 0.0, Range::between(0.0, 300.0));
    const auto per_hour = departures(m);
    if (!out_.transit) out_.transit = model_.transit;
    auto& t = *out_.transit;
    const auto name = m.required_text("name");
    t.routes.gtfs_id.push_back(spec.id);
    t.routes.short_name.push_back(name);
    t.routes.long_name.push_back(name);
    t.routes.gtfs_type.push_back(mode == "tram" ? 0 : mode == "metro" ? 1 : mode == "bus" ? 3 : 11);
    t.routes.colour.push_back("");
    const auto route = static_cast<std::int32_t>(t.routes.size() - 1);
    std::vector<std::int32_t> stops;
    for (std::size_t k = 0; k < stations.size(); ++k) stops.push_back(add_stop(t, name + " " + std::to_string(k + 1), stations[k]));
    add_pattern(t, route, 0, stops, speed, dwell, per_hour);
    add_pattern(t, route, 1, std::vector<std::int32_t>(stops.rbegin(), stops.rend()), speed, dwell, per_hour);
    out_.changes_transport = true;
    note(spec, "a new " + mode + " line '" + name + "' with " + std::to_string(stations.size()) + " stations");
  }

  void metro_extension(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"route", "stations", "speed_kmh", "dwell_s"});
    const auto route_name = m.required_text("route");
    const auto stations = points(m, "stations", 1);
    const double speed = m.required_number("speed_kmh", {5.0, 120.0, false, false, "a speed from 5 to 120 km/h"});
    const double dwell = m.number("dwell_s", 25.0, Range::between(0.0, 300.0));
    if (!out_.transit) out_.transit = model_.transit;
    auto& t = *out_.transit;
    std::int32_t route = -1;
    for (std::size_t r = 0; r < t.routes.size(); ++r)
      if (t.routes.short_name[r] == route_name) route = static_cast<std::int32_t>(r);
    if (route < 0) throw m.error("route", "'" + route_name + "' is not a route of the model's transit network");
    std::vector<std::int32_t> added;
    for (std::size_t k = 0; k < stations.size(); ++k) added.push_back(add_stop(t, route_name + " " + spec.id + " " + std::to_string(k + 1), stations[k]));
    // Each pattern of the route grows at the end nearer the new stations (the way out) or the
    // start (the way back); the stations are given from the current terminus outwards.
    std::size_t extended = 0;
    for (std::size_t q = 0; q < t.patterns.size(); ++q) {
      if (t.patterns.route[q] != route) continue;
      auto& seq = t.patterns.stops[q];
      auto& times = t.patterns.segment_time_min[q];
      const double to_end = distance_m(t.stops.position[static_cast<std::size_t>(seq.back())], stations.front());
      const double to_start = distance_m(t.stops.position[static_cast<std::size_t>(seq.front())], stations.front());
      auto minutes = [&](std::int32_t a, std::int32_t b) {
        return distance_m(t.stops.position[static_cast<std::size_t>(a)], t.stops.position[static_cast<std::size_t>(b)]) / 1000.0 / speed * 60.0 + dwell / 60.0;
      };
      if (to_end <= to_start) {
        for (auto s : added) times.push_back(minutes(seq.back(), s)), seq.push_back(s);
      } else {
        for (auto s : added) times.insert(times.begin(), minutes(s, seq.front())), seq.insert(seq.begin(), s);
      }
      ++extended;
    }
    out_.changes_transport = true;
    note(spec, route_name + " extended by " + std::to_string(stations.size()) + " stations (" + std::to_string(extended) + " patterns)");
  }

  // ---------- water ----------

  void leak_repair(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"where", "leakage_reduction"});
    need_water(m);
    const auto s = where(m);
    reduce_leakage(s, m.required_number("leakage_reduction", Range::share()));
    note(spec, "leakage -" + format(100 * m.required_number("leakage_reduction")) + " % at " + std::to_string(s.junctions.size()) + " junctions");
  }

  void reduce_leakage(const Selection& s, double reduction) {
    const auto& n = model_.water.network;
    for (auto j : s.junctions) {
      const double c = n.emitter_coefficient[static_cast<std::size_t>(j)];
      if (c > 0) set_emitter(n.node_id[static_cast<std::size_t>(j)], c * (1.0 - reduction));
    }
    if (!n.leak_area.empty())
      for (auto k : s.pipes) {
        const auto i = static_cast<std::size_t>(k);
        if (n.leak_area[i] > 0 || n.leak_expansion[i] > 0)
          out_.water.favad_leaks.push_back({n.link_id[i], n.leak_area[i] * (1.0 - reduction), n.leak_expansion[i] * (1.0 - reduction)});
      }
    out_.changes_water = true;
  }

  /// Emitter changes compose: a second one multiplies the first.
  void set_emitter(const std::string& node, double coefficient) {
    for (auto& [id, c] : out_.water.emitter_coefficients)
      if (id == node) {
        const double original = model_.water.network.emitter_coefficient[node_index(node)];
        c = original > 0 ? c * coefficient / original : coefficient;
        return;
      }
    out_.water.emitter_coefficients.emplace_back(node, coefficient);
  }

  std::size_t node_index(const std::string& id) const {
    const auto& ids = model_.water.network.node_id;
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
  }

  void pressure_management(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"where", "pressure_reduction_m", "valves", "from_h", "to_h"});
    need_water(m);
    const auto& n = model_.water.network;
    std::size_t changed = 0;
    // time-modulated: the lower settings only between two clock hours (e.g. at night)
    const auto from_h = m.optional_number("from_h", {0.0, 24.0, false, true, "a clock hour from 0 to 24"});
    const auto to_h = m.optional_number("to_h", {0.0, 24.0, false, true, "a clock hour from 0 to 24"});
    if (from_h.has_value() != to_h.has_value()) throw m.error(from_h ? "from_h" : "to_h", "give both from_h and to_h, or neither");
    if (from_h && *from_h == *to_h) throw m.error("to_h", "must differ from from_h");
    auto set = [&](const std::string& id, double value) {
      if (from_h)
        out_.water.timed_valve_settings.push_back({id, value, std::lround(*from_h * 3600.0), std::lround(*to_h * 3600.0)});
      else
        out_.water.valve_settings.emplace_back(id, value);
      ++changed;
    };
    if (const auto valves = m.map("valves")) {
      for (const auto& id : valves->keys()) {
        const auto k = static_cast<std::size_t>(water_link(*valves, id, id));
        if (n.link_type[k] != water::LinkType::prv) throw valves->error(id, "'" + id + "' is not a pressure-reducing valve");
        set(id, valves->required_number(id, Range::non_negative()));
      }
    } else {
      const auto s = where(m);
      const double reduction = m.required_number("pressure_reduction_m", Range::between(0.0, 100.0));
      std::vector<char> in(n.node_count(), 0);
      for (auto j : s.junctions) in[static_cast<std::size_t>(j)] = 1;
      for (std::size_t k = 0; k < n.link_count(); ++k)
        if (n.link_type[k] == water::LinkType::prv && in[static_cast<std::size_t>(n.to_node[k])]) {
          set(n.link_id[k], std::max(0.0, n.initial_setting[k] * water::setting_scale(n.units, n.link_type[k]) - reduction));
        }
    }
    if (changed == 0) throw m.error("where", "selects no pressure-reducing valve");
    out_.changes_water = true;
    char window[64] = "";
    if (from_h) std::snprintf(window, sizeof window, " from %.1f h to %.1f h", *from_h, *to_h);
    note(spec, std::to_string(changed) + " pressure-reducing valves set lower" + window);
  }

  void smart_meters(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"where", "demand_reduction", "apparent_losses_recovered_share"});
    need_water(m);
    const auto s = where(m, false);
    const double reduction = m.required_number("demand_reduction", {0.0, 0.5, false, false, "a share from 0 to 0.5"});
    out_.apparent_losses_recovered_share = m.number("apparent_losses_recovered_share", 0.0, Range::share());
    auto& multiplier = out_.water.junction_demand_multiplier;
    if (multiplier.empty()) multiplier.assign(static_cast<std::size_t>(model_.water.network.junction_count), 1.0);
    for (auto j : s.junctions) multiplier[static_cast<std::size_t>(j)] *= 1.0 - reduction;
    out_.changes_water = true;
    note(spec, "demand -" + format(100 * reduction) + " % at " + std::to_string(s.junctions.size()) + " junctions");
  }

  void pipe_closure(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"where"});
    need_water(m);
    const auto s = where(m);
    for (auto k : s.pipes) out_.water.closed_links.push_back(model_.water.network.link_id[static_cast<std::size_t>(k)]);
    out_.changes_water = true;
    note(spec, std::to_string(s.pipes.size()) + " water links closed all day");
  }

  void pump_schedule(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"pump", "speeds"});
    need_water(m);
    const auto id = m.required_text("pump");
    const auto k = static_cast<std::size_t>(water_link(m, "pump", id));
    if (model_.water.network.link_type[k] != water::LinkType::pump) throw m.error("pump", "'" + id + "' is not a pump");
    std::vector<double> speeds;
    for (const auto& v : texts(m, "speeds")) speeds.push_back(std::strtod(v.c_str(), nullptr));
    if (speeds.empty()) throw m.error({}, "missing key 'speeds' (relative speed per pattern step)");
    for (double v : speeds)
      if (!(v >= 0 && v <= 2)) throw m.error("speeds", "each speed must lie from 0 to 2");
    out_.water.pump_speed_schedules.emplace_back(id, speeds);
    out_.changes_water = true;
    note(spec, "pump " + id + " on a schedule of " + std::to_string(speeds.size()) + " steps");
  }

  // ---------- coupled ----------

  MainBurst burst(const YamlMap& m, std::int32_t pipe) const {
    MainBurst b;
    b.pipe = model_.water.network.link_id[static_cast<std::size_t>(pipe)];
    b.start_h = m.number("start_h", b.start_h, Range::between(0.0, 23.0));
    b.repair_h = m.required_number("repair_h", {0.5, 24.0, false, false, "from 0.5 to 24 hours"});
    b.isolation_h = m.required_number("isolation_h", {0.0, 24.0, false, false, "from 0 to 24 hours"});
    b.opening_mm2 = m.required_number("opening_mm2", Range::positive());
    b.lanes_closed_share = m.number("lanes_closed_share", b.lanes_closed_share, {0.0, 1.0, true, false, "a share above 0 and at most 1"});
    b.road_links = street_above(pipe);
    return b;
  }

  /// The road links lying along a pipe (both ends within 15 m of it): the street it runs under.
  [[nodiscard]] std::vector<std::int32_t> street_above(std::int32_t pipe) const {
    const auto& shape = model_.water.link_shape[static_cast<std::size_t>(pipe)];
    auto distance_to_pipe = [&](Point2 p) {
      double best = std::numeric_limits<double>::infinity(), t = 0;
      for (std::size_t k = 1; k < shape.size(); ++k) best = std::min(best, distance_m(p, closest_on_segment(p, shape[k - 1], shape[k], t)));
      return best;
    };
    std::vector<std::int32_t> out;
    const auto box = bounds(shape);
    const auto& l = model_.roads.links;
    for (std::size_t a = 0; a < l.size(); ++a) {
      const auto& s = l.shape[a];
      if (s.empty() || !box.contains(s.front(), street_above_pipe_m) || !box.contains(s.back(), street_above_pipe_m)) continue;
      if (distance_to_pipe(s.front()) <= street_above_pipe_m && distance_to_pipe(s.back()) <= street_above_pipe_m) out.push_back(static_cast<std::int32_t>(a));
    }
    return out;
  }

  /// The periods a time window overlaps.
  [[nodiscard]] std::vector<std::size_t> periods_overlapping(double from_h, double to_h) const {
    std::vector<std::size_t> out;
    for (std::size_t t = 0; t < p_.demand.periods.size(); ++t) {
      const auto& period = p_.demand.periods[t];
      if (period.start_h < to_h && from_h < period.end_h) out.push_back(t);
    }
    return out;
  }

  void main_burst(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"pipe", "at", "start_h", "repair_h", "isolation_h", "opening_mm2", "lanes_closed_share"});
    need_water(m);
    std::int32_t pipe = -1;
    if (m.has("pipe")) pipe = water_link(m, "pipe", m.required_text("pipe"));
    else if (m.has("at")) pipe = nearest_pipe(point(m, m.node("at"), "at"));
    else throw m.error({}, "missing key 'pipe' (a pipe id) or 'at' ([longitude, latitude])");
    const auto b = burst(m, pipe);
    if (b.road_links.empty()) throw m.error(m.has("pipe") ? "pipe" : "at", "pipe '" + b.pipe + "' runs under no street of the model");
    close_lanes(b.road_links, b.lanes_closed_share, periods_overlapping(b.start_h, b.start_h + b.repair_h));
    out_.bursts.push_back(b);
    out_.changes_water = true;
    note(spec, "main " + b.pipe + " bursts at " + format(b.start_h) + " h, closed " + format(b.repair_h) + " h; " +
                   std::to_string(b.road_links.size()) + " road links above it lose " + format(100 * b.lanes_closed_share) + " % of their lanes");
  }

  std::int32_t nearest_pipe(Point2 p) const {
    const auto& n = model_.water.network;
    std::int32_t best = -1;
    double best_m = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < n.link_count(); ++k) {
      if (n.link_type[k] != water::LinkType::pipe) continue;
      const auto& s = model_.water.link_shape[k];
      double t = 0;
      for (std::size_t i = 1; i < s.size(); ++i)
        if (const double d = distance_m(p, closest_on_segment(p, s[i - 1], s[i], t)); d < best_m) best_m = d, best = static_cast<std::int32_t>(k);
    }
    return best;
  }

  void leak_detection_programme(const YamlMap& m, const InterventionSpec& spec) {
    allow(m, {"where", "leakage_reduction", "burst_rate_reduction", "bursts_per_km_year", "start_h", "repair_h", "isolation_h", "opening_mm2",
              "lanes_closed_share"});
    need_water(m);
    const auto s = where(m);
    reduce_leakage(s, m.required_number("leakage_reduction", Range::share()));
    BurstReduction r;
    r.reduction = m.required_number("burst_rate_reduction", Range::share());
    r.bursts_per_km_year = m.required_number("bursts_per_km_year", Range::between(0.0, 10.0));
    const auto& n = model_.water.network;
    // the representative burst: the widest pipe of the area that lies under a street
    std::int32_t widest = -1;
    for (auto k : s.pipes) {
      r.mains_km += n.length_ft[static_cast<std::size_t>(k)] * 0.3048 / 1000.0;
      if ((widest < 0 || n.diameter_ft[static_cast<std::size_t>(k)] > n.diameter_ft[static_cast<std::size_t>(widest)]) && !street_above(k).empty()) widest = k;
    }
    if (widest < 0) throw m.error("where", "the area holds no water main under a street of the model");
    r.representative = burst(m, widest);
    note(spec, "leakage -" + format(100 * m.required_number("leakage_reduction")) + " % and bursts -" + format(100 * r.reduction) + " % on " +
                   format(r.mains_km) + " km of mains; a burst of " + r.representative.pipe + " values one");
    out_.burst_reduction = r;
  }

  static std::string format(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", v);
    return buffer;
  }

  const CityModel& model_;
  const TransportParameters& p_;
  Zoning zoning_;
  const Zones& zones_;
  BuiltInterventions out_;
  mutable std::optional<gis::Reprojector> to_model_;
};

}  // namespace

void BuiltInterventions::bind() {
  transport.roads = roads ? &*roads : nullptr;
  transport.transit = transit ? &*transit : nullptr;
}

const std::vector<std::string>& intervention_types() {
  static const std::vector<std::string> types = {
      "road_capacity", "road_closure", "road_works", "new_link", "adaptive_signals", "telework", "e_government", "smart_parking",
      "real_time_information", "transit_frequency", "new_transit_line", "metro_extension", "leak_repair", "pressure_management",
      "smart_meters", "pipe_closure", "pump_schedule", "main_burst", "leak_detection_programme"};
  return types;
}

BuiltInterventions build_interventions(const std::vector<InterventionSpec>& specs, const CityModel& model, const TransportParameters& p) {
  Builder builder(model, p);
  for (const auto& spec : specs) builder.add(spec);
  return builder.result();
}

}  // namespace sofiatwin::scenarios
