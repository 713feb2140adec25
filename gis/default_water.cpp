#include "default_water.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <queue>
#include <unordered_map>

#include "gis/errors.hpp"
#include "sim/core/spatial_grid.hpp"

namespace sofiatwin::gis::default_model {
namespace {

/// Hourly demand multipliers of a residential-dominated city (night minimum, morning and evening
/// peaks), normalised to a mean of 1 where used.
constexpr double diurnal_shape[24] = {0.55, 0.45, 0.40, 0.40, 0.45, 0.65, 1.05, 1.45, 1.45, 1.25, 1.15, 1.10,
                                      1.10, 1.05, 1.00, 1.00, 1.05, 1.20, 1.35, 1.40, 1.30, 1.05, 0.85, 0.65};

std::vector<double> diurnal_pattern() {
  const double mean = std::accumulate(std::begin(diurnal_shape), std::end(diurnal_shape), 0.0) / 24.0;
  std::vector<double> out;
  for (double v : diurnal_shape) out.push_back(std::round(v / mean * 1000.0) / 1000.0);
  return out;
}

enum class Role : std::uint8_t { pipe, closed_boundary, prv, dropped };

struct Segment {
  std::int32_t a, b;  // node indices; for a PRV, a is the upstream (higher) end
  RoadClass road_class;
  double length_m;
  Role role = Role::pipe;
  double diameter_mm = 0;
};

struct Inlet {
  std::size_t source;
  std::int32_t node;
  double main_length_m, main_diameter_mm = 0;
};

/// Union-find with path halving.
struct Components {
  std::vector<std::int32_t> parent;
  explicit Components(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::int32_t find(std::int32_t v) {
    while (parent[static_cast<std::size_t>(v)] != v) v = parent[static_cast<std::size_t>(v)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(v)])];
    return v;
  }
  void join(std::int32_t a, std::int32_t b) {
    a = find(a), b = find(b);
    if (a != b) parent[static_cast<std::size_t>(std::max(a, b))] = std::min(a, b);
  }
};

double standard_diameter_mm(double required_mm, double minimum_mm) {
  static const double sizes[] = {100, 150, 200, 250, 300, 400, 500, 600, 700, 800, 900, 1000, 1200, 1400, 1600, 1800, 2000};
  for (double s : sizes)
    if (s >= required_mm && s >= minimum_mm) return s;
  return sizes[std::size(sizes) - 1];
}

double class_minimum_mm(RoadClass c) {
  if (c <= RoadClass::primary) return 300;
  if (c == RoadClass::secondary) return 200;
  if (c == RoadClass::tertiary) return 150;
  return 100;
}

class Generator {
 public:
  Generator(const Lattice& l, const EdgeMap& edges, const Terrain& terrain, const std::vector<double>& density,
            const std::vector<WaterSource>& sources, const WaterParameters& p)
      : l_(l), edges_(edges), terrain_(terrain), density_(density), sources_(sources), p_(p) {}

  WaterSummary plan() {
    double best_head = -1e300;
    for (const auto& s : sources_) best_head = std::max(best_head, source_head_m(s));
    top_head_m_ = best_head - p_.transmission_allowance_m;
    collect_segments();
    zone_components();
    drop_unfed();
    allocate_demand();
    size_pipes();
    count();
    return summary_;
  }

  void write(GDALDataset& ds, const OGRSpatialReference& crs) const;

 private:
  [[nodiscard]] double source_head_m(const WaterSource& s) const { return terrain_.elevation_m(s.position) + p_.source_level_m; }
  [[nodiscard]] double zone_head_m(int zone) const { return top_head_m_ - p_.zone_band_m * zone; }
  [[nodiscard]] int zone_of(double elevation_m) const {
    return static_cast<int>(std::floor((top_head_m_ - p_.min_static_pressure_m - elevation_m) / p_.zone_band_m));
  }
  [[nodiscard]] std::size_t at(std::int32_t v) const { return static_cast<std::size_t>(v); }

  std::int32_t node_for(std::int64_t lattice_id) {
    auto [it, added] = index_.emplace(lattice_id, static_cast<std::int32_t>(position_.size()));
    if (added) {
      position_.push_back(l_.node(static_cast<int>(lattice_id % (l_.nx + 1)), static_cast<int>(lattice_id / (l_.nx + 1))));
      elevation_m_.push_back(terrain_.elevation_m(position_.back()));
      zone_.push_back(zone_of(elevation_m_.back()));
      lattice_id_.push_back(lattice_id);
    }
    return it->second;
  }

  /// Every street segment except motorways, between nodes low enough to be served by gravity.
  void collect_segments() {
    for (const auto& [key, road_class] : edges_) {
      if (road_class == RoadClass::motorway) continue;
      const auto pa = l_.node(static_cast<int>(key.first % (l_.nx + 1)), static_cast<int>(key.first / (l_.nx + 1)));
      const auto pb = l_.node(static_cast<int>(key.second % (l_.nx + 1)), static_cast<int>(key.second / (l_.nx + 1)));
      if (zone_of(terrain_.elevation_m(pa)) < 0 || zone_of(terrain_.elevation_m(pb)) < 0) continue;
      const auto a = node_for(key.first), b = node_for(key.second);
      segments_.push_back({a, b, road_class, distance_m(pa, pb)});
    }
  }

  /// Each plant feeds, through a transmission main and a PRV, the nearest node of a zone whose
  /// head it can hold.
  void connect_sources(const std::vector<int>& size) {
    for (std::size_t s = 0; s < sources_.size(); ++s) {
      const double head = source_head_m(sources_[s]);
      std::int32_t best = -1;
      double best_m = 1e300;
      for (std::size_t v = 0; v < position_.size(); ++v) {
        if (zone_head_m(zone_[v]) > head - p_.transmission_allowance_m || size[at(component_[v])] < 2) continue;
        const double d = distance_m(position_[v], sources_[s].position);
        if (d < best_m) best_m = d, best = static_cast<std::int32_t>(v);
      }
      if (best < 0) continue;
      inlets_.push_back({s, best, std::max(best_m * 1.2, 100.0)});
    }
  }

  /// Components of equal zone; a component is fed by a plant or by PRVs from a fed component one
  /// zone up; the other crossings between zones are closed boundary pipes.
  void zone_components() {
    Components c(position_.size());
    for (const auto& s : segments_)
      if (zone_[at(s.a)] == zone_[at(s.b)]) c.join(s.a, s.b);
    component_.resize(position_.size());
    std::vector<int> size(position_.size(), 0);
    for (std::size_t v = 0; v < position_.size(); ++v) component_[v] = c.find(static_cast<std::int32_t>(v)), ++size[at(component_[v])];
    fed_.assign(position_.size(), 0);
    connect_sources(size);
    for (const auto& inlet : inlets_) fed_[at(component_[at(inlet.node)])] = 1;
    add_direct_mains(size);
    std::vector<std::vector<std::size_t>> crossings(position_.size());  // per lower component
    for (std::size_t k = 0; k < segments_.size(); ++k) {
      auto& s = segments_[k];
      if (zone_[at(s.a)] == zone_[at(s.b)]) continue;
      s.role = Role::closed_boundary;
      if (zone_[at(s.a)] > zone_[at(s.b)]) std::swap(s.a, s.b);  // a: the higher ground (smaller zone number)
      if (zone_[at(s.b)] - zone_[at(s.a)] == 1) crossings[at(component_[at(s.b)])].push_back(k);
    }
    const int max_zone = *std::max_element(zone_.begin(), zone_.end());
    for (int zone = 0; zone <= max_zone; ++zone)
      for (std::size_t v = 0; v < position_.size(); ++v) {
        // a single node would join two PRVs in series with nothing between them, where EPANET's
        // valve equations (followed here) lose the continuity of the node: left unfed
        if (zone_[v] != zone || component_[v] != static_cast<std::int32_t>(v) || fed_[v] || size[v] < 2) continue;
        std::vector<std::size_t> candidates;
        for (auto k : crossings[v])
          if (fed_[at(component_[at(segments_[k].a)])]) candidates.push_back(k);
        if (candidates.empty()) continue;
        const int wanted = std::clamp((size[v] + p_.nodes_per_zone_inlet - 1) / p_.nodes_per_zone_inlet, 1, p_.max_zone_inlets);
        for (auto k : spread_out(candidates, wanted)) segments_[k].role = Role::prv;
        fed_[v] = 1;
      }
  }

  /// A large zone component also gets a transmission main from the main plant (the highest
  /// head), ending at its node nearest to the plant (in reality: the zone's service reservoir).
  void add_direct_mains(const std::vector<int>& size) {
    std::size_t main_plant = 0;
    for (std::size_t s = 1; s < sources_.size(); ++s)
      if (source_head_m(sources_[s]) > source_head_m(sources_[main_plant])) main_plant = s;
    for (std::size_t c = 0; c < position_.size(); ++c) {
      if (component_[c] != static_cast<std::int32_t>(c) || size[c] < p_.direct_main_min_nodes) continue;
      for (std::size_t s = main_plant; s == main_plant; ++s) {
        const double head = source_head_m(sources_[s]);
        if (zone_head_m(zone_[c]) > head - p_.transmission_allowance_m) continue;
        std::int32_t best = -1;
        double best_m = 1e300;
        for (std::size_t v = 0; v < position_.size(); ++v) {
          if (component_[v] != static_cast<std::int32_t>(c)) continue;
          const double d = distance_m(position_[v], sources_[s].position);
          if (d < best_m) best_m = d, best = static_cast<std::int32_t>(v);
        }
        bool duplicate = false;
        for (const auto& inlet : inlets_) duplicate = duplicate || (inlet.source == s && inlet.node == best);
        if (duplicate) continue;
        inlets_.push_back({s, best, std::max(best_m * 1.2, 100.0)});
        fed_[c] = 1;
      }
    }
  }

  /// Up to `wanted` crossings far apart: the best road first, then farthest-point.
  std::vector<std::size_t> spread_out(std::vector<std::size_t> candidates, int wanted) const {
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](std::size_t x, std::size_t y) { return segments_[x].road_class < segments_[y].road_class; });
    std::vector<std::size_t> chosen{candidates.front()};
    while (static_cast<int>(chosen.size()) < wanted && chosen.size() < candidates.size()) {
      std::size_t best = candidates.front();
      double best_m = -1;
      for (auto k : candidates) {
        double nearest = 1e300;
        for (auto c : chosen) nearest = std::min(nearest, distance_m(position_[at(segments_[k].b)], position_[at(segments_[c].b)]));
        if (nearest > best_m) best_m = nearest, best = k;
      }
      if (best_m <= 0) break;
      chosen.push_back(best);
    }
    return chosen;
  }

  void drop_unfed() {
    kept_.assign(position_.size(), 0);
    for (std::size_t v = 0; v < position_.size(); ++v) {
      kept_[v] = fed_[at(component_[v])];
      summary_.dropped_nodes += !kept_[v];
    }
    for (auto& s : segments_)
      if (!kept_[at(s.a)] || !kept_[at(s.b)]) s.role = Role::dropped;
  }

  /// Each populated 250 m cell's inhabitants go to the nearest kept node within the service radius.
  void allocate_demand() {
    SpatialGrid grid(500.0);
    for (std::size_t v = 0; v < position_.size(); ++v)
      if (kept_[v]) grid.insert(position_[v], static_cast<std::int32_t>(v));
    grid.build();
    population_.assign(position_.size(), 0.0);
    const double cell_km2 = l_.step_m * l_.step_m / 1e6;
    for (int j = 0; j < l_.ny; ++j)
      for (int i = 0; i < l_.nx; ++i) {
        const int z = l_.zone(i, j);
        if (z < 0) continue;
        const double people = density_[static_cast<std::size_t>(z)] * cell_km2;
        summary_.population += people;
        const Point2 centre = l_.cell_centre(i, j);
        std::int32_t best = -1;
        for (double radius = 250; radius <= p_.service_radius_m && best < 0; radius *= 2) {
          double best_m = radius;
          grid.query(box_around(centre, radius), [&](std::int32_t v) {
            const double d = distance_m(centre, position_[at(v)]);
            if (d < best_m || (d == best_m && v < best)) best_m = d, best = v;
          });
        }
        if (best < 0) continue;
        population_[at(best)] += people;
        summary_.population_served += people;
      }
    // leakage: emitters proportional to the pipe length around each node, calibrated on static
    // pressures so that losses are the stated share of the system input
    pipe_length_km_.assign(position_.size(), 0.0);
    for (const auto& s : segments_)
      if (s.role == Role::pipe) pipe_length_km_[at(s.a)] += s.length_m / 2000.0, pipe_length_km_[at(s.b)] += s.length_m / 2000.0;
    double length_pressure = 0;
    for (std::size_t v = 0; v < position_.size(); ++v)
      if (kept_[v]) length_pressure += pipe_length_km_[v] * static_pressure_m(v);
    summary_.average_demand_lps = summary_.population_served * p_.litres_per_person_day / 86400.0;
    summary_.target_leakage_lps = summary_.average_demand_lps * p_.leakage_share_of_input / (1.0 - p_.leakage_share_of_input);
    leak_per_km_m_ = length_pressure > 0 ? summary_.target_leakage_lps / length_pressure : 0.0;
  }

  [[nodiscard]] double static_pressure_m(std::size_t v) const { return std::max(0.0, zone_head_m(zone_[v]) - elevation_m_[v]); }
  [[nodiscard]] double demand_lps(std::size_t v) const { return population_[v] * p_.litres_per_person_day / 86400.0; }
  [[nodiscard]] double emitter_lps_per_m(std::size_t v) const { return leak_per_km_m_ * pipe_length_km_[v]; }

  /// Diameters from the peak-hour flow each pipe carries on the shortest-path tree from the plants
  /// (PRVs passable downhill only); pipes off the tree keep their street class's minimum.
  void size_pipes() {
    const double peak = *std::max_element(std::begin(diurnal_shape), std::end(diurnal_shape)) /
                        (std::accumulate(std::begin(diurnal_shape), std::end(diurnal_shape), 0.0) / 24.0);
    std::vector<std::vector<std::pair<std::int32_t, std::size_t>>> out(position_.size());
    for (std::size_t k = 0; k < segments_.size(); ++k) {
      const auto& s = segments_[k];
      if (s.role == Role::pipe) out[at(s.a)].push_back({s.b, k}), out[at(s.b)].push_back({s.a, k});
      if (s.role == Role::prv) out[at(s.a)].push_back({s.b, k});
    }
    std::vector<double> distance(position_.size(), 1e300);
    std::vector<std::int64_t> via(position_.size(), -1);  // segment index, or -(inlet + 2)
    using Item = std::pair<double, std::int32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
    for (std::size_t i = 0; i < inlets_.size(); ++i) {
      const auto v = at(inlets_[i].node);
      if (inlets_[i].main_length_m < distance[v]) distance[v] = inlets_[i].main_length_m, via[v] = -static_cast<std::int64_t>(i) - 2;
      queue.push({distance[v], inlets_[i].node});
    }
    std::vector<std::int32_t> order;
    while (!queue.empty()) {
      const auto [d, v] = queue.top();
      queue.pop();
      if (d > distance[at(v)]) continue;
      order.push_back(v);
      for (const auto& [w, k] : out[at(v)]) {
        const double nd = d + segments_[k].length_m;
        if (nd < distance[at(w)] || (nd == distance[at(w)] && static_cast<std::int64_t>(k) < via[at(w)])) {
          distance[at(w)] = nd, via[at(w)] = static_cast<std::int64_t>(k);
          queue.push({nd, w});
        }
      }
    }
    std::vector<double> flow_lps(segments_.size(), 0.0), subtree(position_.size(), 0.0);
    std::vector<double> main_flow_lps(inlets_.size(), 0.0);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      const auto v = at(*it);
      subtree[v] += demand_lps(v) * peak + emitter_lps_per_m(v) * static_pressure_m(v);
      if (via[v] >= 0) {
        const auto& s = segments_[static_cast<std::size_t>(via[v])];
        flow_lps[static_cast<std::size_t>(via[v])] += subtree[v];
        subtree[at(s.a == static_cast<std::int32_t>(v) ? s.b : s.a)] += subtree[v];
      } else if (via[v] <= -2) {
        main_flow_lps[static_cast<std::size_t>(-via[v] - 2)] += subtree[v];
      }
    }
    auto size_mm = [&](double lps, double minimum_mm) {
      const double q = lps / 1000.0;
      const double by_velocity_m = std::sqrt(4.0 * q / (3.141592653589793 * p_.design_velocity_m_s));
      // Hazen-Williams: S = 10.67 Q^1.852 / (C^1.852 D^4.87)
      const double by_gradient_m = std::pow(10.67 * std::pow(q, 1.852) / (std::pow(p_.hazen_williams_c, 1.852) * p_.design_gradient_m_per_km / 1000.0), 1.0 / 4.87);
      return standard_diameter_mm(std::max(by_velocity_m, by_gradient_m) * 1000.0, minimum_mm);
    };
    for (std::size_t k = 0; k < segments_.size(); ++k) segments_[k].diameter_mm = size_mm(flow_lps[k], class_minimum_mm(segments_[k].road_class));
    for (std::size_t i = 0; i < inlets_.size(); ++i) inlets_[i].main_diameter_mm = size_mm(main_flow_lps[i], 300);
  }

  void count() {
    std::vector<int> zones;
    for (std::size_t v = 0; v < position_.size(); ++v)
      if (kept_[v]) ++summary_.junctions, zones.push_back(zone_[v]);
    std::sort(zones.begin(), zones.end());
    summary_.zones = static_cast<int>(std::unique(zones.begin(), zones.end()) - zones.begin());
    summary_.prvs = static_cast<int>(inlets_.size());
    for (const auto& s : segments_) {
      summary_.pipes += s.role == Role::pipe || s.role == Role::closed_boundary;
      summary_.closed_boundary_pipes += s.role == Role::closed_boundary;
      summary_.prvs += s.role == Role::prv;
    }
    summary_.pipes += static_cast<int>(inlets_.size());  // transmission mains
  }

  const Lattice& l_;
  const EdgeMap& edges_;
  const Terrain& terrain_;
  const std::vector<double>& density_;
  const std::vector<WaterSource>& sources_;
  const WaterParameters& p_;
  double top_head_m_ = 0, leak_per_km_m_ = 0;
  std::unordered_map<std::int64_t, std::int32_t> index_;
  std::vector<Point2> position_;
  std::vector<double> elevation_m_, population_, pipe_length_km_;
  std::vector<int> zone_;
  std::vector<std::int64_t> lattice_id_;
  std::vector<Segment> segments_;
  std::vector<Inlet> inlets_;
  std::vector<std::int32_t> component_;
  std::vector<char> fed_, kept_;
  WaterSummary summary_;
};

std::string fixed(double v, int decimals) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

void add(OGRLayer* layer, OGRFeature& f) {
  if (layer->CreateFeature(&f) != OGRERR_NONE) throw InputError("default model: cannot write a water feature");
}

void Generator::write(GDALDataset& ds, const OGRSpatialReference& crs) const {
  OGRLayer* junctions = create_layer(ds, "water_junctions", wkbPoint, crs,
                                     {{"id", OFTString}, {"elevation_m", OFTReal}, {"demand_lps", OFTReal}, {"pattern", OFTString},
                                      {"emitter_coefficient", OFTReal}, {"pressure_zone", OFTString}});
  auto id_of = [&](std::size_t v) { return "J" + std::to_string(lattice_id_[v]); };
  auto zone_name = [&](std::size_t v) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "Z%02d HGL %.0f m", zone_[v], zone_head_m(zone_[v]));
    return std::string(buffer);
  };
  auto junction = [&](const std::string& id, Point2 p, double elevation, double demand, double emitter, const std::string& zone) {
    OGRFeature f(junctions->GetLayerDefn());
    f.SetField("id", id.c_str());
    f.SetField("elevation_m", std::round(elevation * 100) / 100);
    if (demand > 0) f.SetField("demand_lps", std::round(demand * 1e4) / 1e4), f.SetField("pattern", "diurnal");
    if (emitter > 0) f.SetField("emitter_coefficient", emitter);
    f.SetField("pressure_zone", zone.c_str());
    f.SetGeometryDirectly(new OGRPoint(p.x_m, p.y_m));
    add(junctions, f);
  };
  for (std::size_t v = 0; v < position_.size(); ++v)
    if (kept_[v]) junction(id_of(v), position_[v], elevation_m_[v], demand_lps(v), emitter_lps_per_m(v), zone_name(v));
  auto main_id = [&](std::size_t i) { return sources_[inlets_[i].source].name + "-main" + std::to_string(i + 1); };
  for (std::size_t i = 0; i < inlets_.size(); ++i)  // the end of each transmission main, just upstream of its PRV
    junction(main_id(i), position_[at(inlets_[i].node)], elevation_m_[at(inlets_[i].node)], 0, 0, "");

  OGRLayer* reservoirs = create_layer(ds, "water_reservoirs", wkbPoint, crs, {{"id", OFTString}, {"head_m", OFTReal}});
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    bool used = false;
    for (const auto& inlet : inlets_) used = used || inlet.source == s;
    if (!used) continue;
    OGRFeature f(reservoirs->GetLayerDefn());
    f.SetField("id", sources_[s].name.c_str());
    f.SetField("head_m", std::round(source_head_m(sources_[s]) * 100) / 100);
    f.SetGeometryDirectly(new OGRPoint(sources_[s].position.x_m, sources_[s].position.y_m));
    add(reservoirs, f);
  }

  OGRLayer* pipes = create_layer(ds, "water_pipes", wkbLineString, crs,
                                 {{"id", OFTString}, {"node1", OFTString}, {"node2", OFTString}, {"length_m", OFTReal},
                                  {"diameter_mm", OFTReal}, {"roughness", OFTReal}, {"minor_loss", OFTReal}, {"status", OFTString}});
  OGRLayer* valves = create_layer(ds, "water_valves", wkbLineString, crs,
                                  {{"id", OFTString}, {"node1", OFTString}, {"node2", OFTString}, {"diameter_mm", OFTReal},
                                   {"type", OFTString}, {"setting", OFTReal}, {"minor_loss", OFTReal}});
  auto line = [](Point2 a, Point2 b) {
    auto* out = new OGRLineString;
    out->addPoint(a.x_m, a.y_m);
    out->addPoint(b.x_m, b.y_m);
    return out;
  };
  auto pipe = [&](const std::string& id, const std::string& a, const std::string& b, Point2 pa, Point2 pb, double length,
                  double diameter, const char* status) {
    OGRFeature f(pipes->GetLayerDefn());
    f.SetField("id", id.c_str());
    f.SetField("node1", a.c_str());
    f.SetField("node2", b.c_str());
    f.SetField("length_m", std::round(length * 10) / 10);
    f.SetField("diameter_mm", diameter);
    f.SetField("roughness", p_.hazen_williams_c);
    f.SetField("minor_loss", 0.0);
    f.SetField("status", status);
    f.SetGeometryDirectly(line(pa, pb));
    add(pipes, f);
  };
  auto prv = [&](const std::string& id, const std::string& a, const std::string& b, Point2 pa, Point2 pb, double diameter,
                 double setting_m) {
    OGRFeature f(valves->GetLayerDefn());
    f.SetField("id", id.c_str());
    f.SetField("node1", a.c_str());
    f.SetField("node2", b.c_str());
    f.SetField("diameter_mm", diameter);
    f.SetField("type", "PRV");
    f.SetField("setting", std::round(setting_m * 100) / 100);
    f.SetField("minor_loss", 0.0);
    f.SetGeometryDirectly(line(pa, pb));
    add(valves, f);
  };
  int pipe_count = 0, prv_count = 0;
  for (std::size_t i = 0; i < inlets_.size(); ++i) {
    const auto& inlet = inlets_[i];
    const auto v = at(inlet.node);
    const auto& name = sources_[inlet.source].name;
    pipe(name + "-TM" + std::to_string(i + 1), name, main_id(i), sources_[inlet.source].position, position_[v], inlet.main_length_m,
         inlet.main_diameter_mm, "OPEN");
    prv(name + "-PRV" + std::to_string(i + 1), main_id(i), id_of(v), position_[v], position_[v], inlet.main_diameter_mm,
        zone_head_m(zone_[v]) - elevation_m_[v]);
    ++prv_count;
  }
  for (const auto& s : segments_) {
    if (s.role == Role::dropped) continue;
    const auto a = at(s.a), b = at(s.b);
    if (s.role == Role::prv) {
      prv("PRV" + std::to_string(++prv_count), id_of(a), id_of(b), position_[a], position_[b], s.diameter_mm,
          zone_head_m(zone_[b]) - elevation_m_[b]);
    } else {
      pipe("P" + std::to_string(++pipe_count), id_of(a), id_of(b), position_[a], position_[b], s.length_m, s.diameter_mm,
           s.role == Role::closed_boundary ? "CLOSED" : "OPEN");
    }
  }

  OGRLayer* table = create_layer(ds, "water_inp", wkbNone, crs, {{"section", OFTString}, {"line", OFTString}});
  auto row = [&](const char* section, const std::string& text) {
    OGRFeature f(table->GetLayerDefn());
    f.SetField("section", section);
    f.SetField("line", text.c_str());
    add(table, f);
  };
  row("OPTIONS", "HEADLOSS H-W");
  row("OPTIONS", "EMITTER EXPONENT 1.0");
  row("OPTIONS", "UNBALANCED CONTINUE 10");
  row("TIMES", "DURATION 24:00");
  row("TIMES", "HYDRAULIC TIMESTEP 1:00");
  row("TIMES", "PATTERN TIMESTEP 1:00");
  row("TIMES", "REPORT TIMESTEP 1:00");
  const auto pattern = diurnal_pattern();
  for (std::size_t h = 0; h < pattern.size(); h += 12) {
    std::string text = "diurnal";
    for (std::size_t k = h; k < h + 12; ++k) text += " " + fixed(pattern[k], 3);
    row("PATTERNS", text);
  }
}

}  // namespace

WaterSummary write_default_water(GDALDataset& ds, const OGRSpatialReference& crs, const Lattice& lattice, const EdgeMap& edges,
                                 const Terrain& terrain, const std::vector<double>& zone_density,
                                 const std::vector<WaterSource>& sources, const WaterParameters& parameters) {
  Generator generator(lattice, edges, terrain, zone_density, sources, parameters);
  auto summary = generator.plan();
  ds.StartTransaction();
  generator.write(ds, crs);
  ds.CommitTransaction();
  return summary;
}

}  // namespace sofiatwin::gis::default_model
