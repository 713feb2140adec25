#include "gis/default_activity.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>

namespace sofiatwin::assets {
std::string_view text(std::string_view name);
}

namespace sofiatwin::gis::default_model {
namespace {

constexpr double sofia_jobs = 768000;          // employees in Sofia (capital), NSI 2022 via IME 265obshtini.bg
constexpr double sofia_pupils = 118000;        // pupils in general schools, NSI 2021/22
constexpr double sofia_students = 87382;       // active university students, Rating System of HEIs 2022/23
// Floor space per job (m2 gross), Homes and Communities Agency, Employment Density Guide (2015):
// office 16.7, retail 25, industrial 66.7, health 40 (assumption); per pupil or student 12.5 m2
// (assumption). The same densities as scenarios/sofia/transport.yaml.
constexpr double office_m2_per_job = 100.0 / 6.0, retail_m2_per_job = 25.0, industrial_m2_per_job = 100.0 / 1.5,
                 health_m2_per_job = 40.0, m2_per_place = 12.5;
constexpr double storey_m = 3.0;
constexpr double usable_cell_m = 210.0, cell_coverage = 0.4;  // footprint that fits in one 250 m cell

/// A building kind: its OSM class, footprint side range (m) and storeys.
struct Kind {
  const char* building_class;
  double min_side_m, max_side_m;
  int min_storeys, max_storeys;
};
constexpr Kind office{"office", 30, 60, 4, 12}, retail{"retail", 25, 70, 1, 3}, industrial{"industrial", 50, 110, 1, 2},
    hospital{"hospital", 40, 70, 3, 7}, school{"school", 50, 70, 3, 3}, university{"university", 50, 80, 5, 5};

/// Job mix by district type (office, retail, industrial, health): assumption.
std::array<double, 4> mix_of(const std::string& type) {
  if (type == "central") return {0.60, 0.25, 0.05, 0.10};
  if (type == "business") return {0.65, 0.15, 0.10, 0.10};
  if (type == "industrial") return {0.25, 0.25, 0.40, 0.10};
  return {0.35, 0.35, 0.20, 0.10};
}

class Placer {
 public:
  Placer(OGRLayer& layer, const Lattice& l, const EdgeMap& edges, Rng& rng) : layer_(layer), l_(l), rng_(rng), used_m2_(l.cell_zone.size(), 0.0) {
    road_score_.assign(l.cell_zone.size(), 1.0);
    for (const auto& [key, cls] : edges) {
      const double score = cls <= RoadClass::primary ? 4.0 : cls == RoadClass::secondary ? 2.5 : cls == RoadClass::tertiary ? 1.5 : 0.0;
      if (score == 0.0) continue;
      for (auto id : {key.first, key.second}) {  // the four cells around each end node
        const int i = static_cast<int>(id % (l.nx + 1)), j = static_cast<int>(id / (l.nx + 1));
        for (int di = -1; di <= 0; ++di)
          for (int dj = -1; dj <= 0; ++dj)
            if (l.zone(i + di, j + dj) >= 0) {
              auto& s = road_score_[static_cast<std::size_t>(j + dj) * l.nx + i + di];
              s = std::max(s, score);
            }
      }
    }
  }

  [[nodiscard]] double road_score(std::size_t cell) const { return road_score_[cell]; }
  /// Per cell, how far from its southern building line the workplaces reach (m; 0 = none).
  [[nodiscard]] std::vector<double> occupied_depth_m() const {
    std::vector<double> out(l_.cell_zone.size(), 0.0);
    for (const auto& [cell, cursor] : cursor_) out[cell] = std::min(usable_cell_m, cursor.row_y + cursor.row_depth + 5.0);
    return out;
  }

  /// Adds buildings of `kind` with `floor_m2` of floor in cells drawn by `weight` (cells fill up).
  void place(const Kind& kind, double floor_m2, std::vector<double> weight) {
    while (floor_m2 > 0) {
      const auto cell = draw(weight);
      if (!cell) return;  // no room left in the district
      const double side = rng_.between(kind.min_side_m, kind.max_side_m), depth = side * rng_.between(0.6, 1.0);
      const int storeys = static_cast<int>(rng_.between(kind.min_storeys, kind.max_storeys + 1));
      if (!add(*cell, kind, side, depth, storeys)) {
        weight[*cell] = 0.0;  // full
        continue;
      }
      floor_m2 -= side * depth * storeys;
    }
  }

  /// Adds one building of `kind` in the cell holding p (or its nearest settled neighbour).
  void place_at(const Kind& kind, Point2 p, double floor_m2) {
    const int ci = static_cast<int>(std::floor((p.x_m - l_.origin_x_m) / l_.step_m)), cj = static_cast<int>(std::floor((p.y_m - l_.origin_y_m) / l_.step_m));
    for (int ring = 0; floor_m2 > 0 && ring < 4; ++ring)
      for (int dj = -ring; dj <= ring && floor_m2 > 0; ++dj)
        for (int di = -ring; di <= ring && floor_m2 > 0; ++di) {
          if (std::max(std::abs(di), std::abs(dj)) != ring || l_.zone(ci + di, cj + dj) < 0) continue;
          const auto cell = static_cast<std::size_t>(cj + dj) * l_.nx + ci + di;
          while (floor_m2 > 0) {
            const double side = rng_.between(kind.min_side_m, kind.max_side_m);
            if (!add(cell, kind, side, side * 0.8, kind.max_storeys)) break;
            floor_m2 -= side * side * 0.8 * kind.max_storeys;
          }
        }
  }

 private:
  std::optional<std::size_t> draw(const std::vector<double>& weight) {
    double total = 0;
    for (double w : weight) total += w;
    if (total <= 0) return std::nullopt;
    double pick = rng_.uniform() * total;
    for (std::size_t c = 0; c < weight.size(); ++c)
      if (weight[c] > 0 && (pick -= weight[c]) <= 0) return c;
    for (std::size_t c = weight.size(); c-- > 0;)
      if (weight[c] > 0) return c;
    return std::nullopt;
  }

  bool add(std::size_t cell, const Kind& kind, double side, double depth, int storeys) {
    const double capacity = usable_cell_m * usable_cell_m * cell_coverage;
    if (used_m2_[cell] + side * depth > capacity) return false;
    // Buildings fill the cell row by row from its south-west corner, 20 m from the streets.
    const int i = static_cast<int>(cell % static_cast<std::size_t>(l_.nx)), j = static_cast<int>(cell / static_cast<std::size_t>(l_.nx));
    auto& cursor = cursor_[cell];
    if (cursor.x + side > usable_cell_m) cursor = {0.0, cursor.row_y + cursor.row_depth + 5.0, 0.0};
    if (cursor.row_y + depth > usable_cell_m) return false;
    const Point2 corner = l_.node(i, j);
    const double x0 = corner.x_m + 20 + cursor.x, y0 = corner.y_m + 20 + cursor.row_y;
    cursor.x += side + 5.0;
    cursor.row_depth = std::max(cursor.row_depth, depth);
    used_m2_[cell] += side * depth;
    OGRLinearRing ring;
    for (auto [dx, dy] : {std::pair{0.0, 0.0}, {side, 0.0}, {side, depth}, {0.0, depth}, {0.0, 0.0}}) ring.addPoint(x0 + dx, y0 + dy);
    OGRPolygon polygon;
    polygon.addRing(&ring);
    OGRFeature feature(layer_.GetLayerDefn());
    feature.SetField("building", kind.building_class);
    feature.SetField("building:levels", storeys);
    feature.SetGeometry(&polygon);
    if (layer_.CreateFeature(&feature) != OGRERR_NONE) throw InputError("default model: cannot write a building");
    return true;
  }

  struct Cursor {
    double x = 0, row_y = 0, row_depth = 0;
  };
  OGRLayer& layer_;
  const Lattice& l_;
  Rng& rng_;
  std::vector<double> used_m2_, road_score_;
  std::map<std::size_t, Cursor> cursor_;
};

}  // namespace

std::vector<double> write_activity_buildings(OGRLayer& layer, const Lattice& l, const std::vector<District>& districts, const EdgeMap& edges,
                                           const std::vector<double>& cell_population, Point2 centre, const Reprojector& to_model, Rng& rng) {
  Placer placer(layer, l, edges, rng);
  const auto employment = parse_csv(assets::text("employment.csv"));  // district_code, jobs_share, mix, basis
  double population = 0;
  for (const auto& d : districts) population += d.population;
  for (std::size_t d = 0; d < districts.size(); ++d) {
    std::string type = "residential";
    double share = 0;
    for (std::size_t r = 1; r < employment.size(); ++r)
      if (employment[r][0] == districts[d].code) share = std::stod(employment[r][1]), type = employment[r][2];
    const auto mix = mix_of(type);
    const double jobs = sofia_jobs * share;
    // Workplaces near main roads; offices and shops towards the centre, industry away from it.
    std::vector<double> towards(l.cell_zone.size(), 0.0), away(l.cell_zone.size(), 0.0), schools(l.cell_zone.size(), 0.0);
    for (int j = 0; j < l.ny; ++j)
      for (int i = 0; i < l.nx; ++i) {
        const auto c = static_cast<std::size_t>(j) * l.nx + i;
        if (l.cell_zone[c] != static_cast<int>(d) || cell_population[c] <= 0) continue;
        const double km = distance_m(l.cell_centre(i, j), centre) / 1000.0;
        towards[c] = placer.road_score(c) * std::exp(-km / 6.0);
        away[c] = placer.road_score(c) * (1.0 - std::exp(-km / 3.0));
        schools[c] = cell_population[c];
      }
    placer.place(office, jobs * mix[0] * office_m2_per_job, towards);
    placer.place(retail, jobs * mix[1] * retail_m2_per_job, towards);
    placer.place(industrial, jobs * mix[2] * industrial_m2_per_job, away);
    placer.place(hospital, jobs * mix[3] * health_m2_per_job, towards);
    placer.place(school, sofia_pupils * districts[d].population / population * m2_per_place, schools);
  }
  const auto universities = parse_csv(assets::text("universities.csv"));  // name, lat, lon, students, source
  double students = 0;
  for (std::size_t r = 1; r < universities.size(); ++r) students += std::stod(universities[r][3]);
  for (std::size_t r = 1; r < universities.size(); ++r) {
    double x = std::stod(universities[r][2]), y = std::stod(universities[r][1]);
    if (!to_model.transform(x, y)) throw InputError("embedded assets: universities.csv: a position cannot be projected");
    placer.place_at(university, {x, y}, std::stod(universities[r][3]) / students * sofia_students * m2_per_place);
  }
  return placer.occupied_depth_m();
}

}  // namespace sofiatwin::gis::default_model
