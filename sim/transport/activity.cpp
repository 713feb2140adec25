#include "activity.hpp"

#include <algorithm>
#include <cmath>

#include "sim/core/spatial_grid.hpp"

namespace sofiatwin::transport {
namespace {

struct UseEntry {
  std::string_view building_class;
  BuildingUse use;
};

// OSM `building` values (wiki.openstreetmap.org/wiki/Key:building) grouped by what they hold.
constexpr UseEntry use_table[] = {
    {"apartments", BuildingUse::residential}, {"residential", BuildingUse::residential}, {"house", BuildingUse::residential},
    {"detached", BuildingUse::residential}, {"semidetached_house", BuildingUse::residential}, {"terrace", BuildingUse::residential},
    {"bungalow", BuildingUse::residential}, {"dormitory", BuildingUse::residential}, {"farm", BuildingUse::residential},
    {"office", BuildingUse::office}, {"commercial", BuildingUse::office}, {"government", BuildingUse::office},
    {"civic", BuildingUse::office}, {"public", BuildingUse::office}, {"retail", BuildingUse::retail},
    {"supermarket", BuildingUse::retail}, {"kiosk", BuildingUse::retail}, {"shop", BuildingUse::retail},
    {"hotel", BuildingUse::retail}, {"industrial", BuildingUse::industrial}, {"warehouse", BuildingUse::industrial},
    {"factory", BuildingUse::industrial}, {"manufacture", BuildingUse::industrial}, {"hangar", BuildingUse::industrial},
    {"school", BuildingUse::education}, {"university", BuildingUse::education}, {"college", BuildingUse::education},
    {"kindergarten", BuildingUse::education}, {"hospital", BuildingUse::health}, {"clinic", BuildingUse::health},
    {"garage", BuildingUse::ancillary}, {"garages", BuildingUse::ancillary}, {"shed", BuildingUse::ancillary},
    {"hut", BuildingUse::ancillary}, {"roof", BuildingUse::ancillary}, {"carport", BuildingUse::ancillary},
    {"greenhouse", BuildingUse::ancillary},
};

constexpr std::string_view use_names[building_use_count] = {"residential", "office", "retail", "industrial",
                                                            "education", "health", "ancillary", "other"};
constexpr std::string_view activity_names[activity_count] = {"population", "jobs", "service_jobs", "education_places",
                                                             "administration_visits"};

Point2 footprint_centre(const Polygon& footprint) {
  if (footprint.empty() || footprint.front().empty()) return {};
  const auto box = bounds(footprint.front());
  return {(box.min_x_m + box.max_x_m) / 2, (box.min_y_m + box.max_y_m) / 2};
}

/// The zone holding each point (-1 outside all), through a grid over the zones' bounding boxes.
std::vector<std::int32_t> locate(const Zones& zones, const std::vector<Point2>& points) {
  SpatialGrid grid(1000.0);
  for (std::size_t z = 0; z < zones.size(); ++z) grid.insert(bounds(zones.boundary[z]), static_cast<std::int32_t>(z));
  grid.build();
  std::vector<std::int32_t> zone(points.size(), -1);
  for (std::size_t i = 0; i < points.size(); ++i)
    grid.query(box_around(points[i], 0.0), [&](std::int32_t z) {
      if ((zone[i] < 0 || z < zone[i]) && contains(zones.boundary[static_cast<std::size_t>(z)], points[i])) zone[i] = z;
    });
  return zone;
}

}  // namespace

BuildingUse building_use(std::string_view building_class) {
  for (const auto& e : use_table)
    if (e.building_class == building_class) return e.use;
  return BuildingUse::other;
}

std::string_view building_use_name(BuildingUse use) { return use_names[static_cast<std::size_t>(use)]; }

std::optional<Activity> parse_activity(std::string_view name) {
  for (std::size_t a = 0; a < activity_count; ++a)
    if (activity_names[a] == name) return static_cast<Activity>(a);
  return std::nullopt;
}

std::string_view activity_name(Activity a) { return activity_names[static_cast<std::size_t>(a)]; }

std::size_t ZoneActivity::fallback_zones() const { return static_cast<std::size_t>(std::count(fallback.begin(), fallback.end(), true)); }

ZoneActivity zone_activity(const Zones& zones, const Buildings& buildings, const Places& places, const ActivityParameters& p,
                           Point2 centre) {
  const std::size_t n = zones.size();
  ZoneActivity out;
  for (auto& v : out.value) v.assign(n, 0.0);
  out.value[static_cast<std::size_t>(Activity::population)] = zones.population;
  auto& jobs = out.value[static_cast<std::size_t>(Activity::jobs)];
  auto& service = out.value[static_cast<std::size_t>(Activity::service_jobs)];
  auto& education = out.value[static_cast<std::size_t>(Activity::education_places)];
  std::vector<Point2> centres;
  for (const auto& f : buildings.footprint) centres.push_back(footprint_centre(f));
  const auto zone_of = locate(zones, centres);
  std::vector<double> floor_m2_in_zone(n, 0.0);
  double education_m2 = 0;
  for (std::size_t b = 0; b < buildings.size(); ++b) {
    const auto use = building_use(buildings.building_class[b]);
    const double storeys = std::max(1.0, std::round(buildings.height_m[b] / p.storey_height_m));
    const double floor_m2 = (buildings.footprint[b].empty() ? 0.0 : polygon_area_m2(buildings.footprint[b])) * storeys;
    out.floor_m2_by_use[static_cast<std::size_t>(use)] += floor_m2;
    out.points.position.push_back(centres[b]);
    out.points.weight.push_back(floor_m2);
    out.points.zone.push_back(zone_of[b]);
    if (zone_of[b] < 0) continue;
    const auto z = static_cast<std::size_t>(zone_of[b]);
    floor_m2_in_zone[z] += floor_m2;
    const double zone_jobs = floor_m2 / 100.0 * p.jobs_per_100m2[static_cast<std::size_t>(use)];
    jobs[z] += zone_jobs;
    if (use == BuildingUse::retail || use == BuildingUse::health) service[z] += zone_jobs;
    if (use == BuildingUse::education) education[z] += floor_m2 / 100.0 * p.education_places_per_100m2, education_m2 += floor_m2;
  }
  // Zones without buildings: the distance-to-centre formula, at the city's jobs per resident.
  double city_jobs = 0, city_population = 0, covered_population = 0;
  out.fallback.assign(n, false);
  for (std::size_t z = 0; z < n; ++z) {
    city_jobs += jobs[z];
    city_population += zones.population[z];
    if (floor_m2_in_zone[z] > 0) covered_population += zones.population[z];
    else out.fallback[z] = true;
  }
  const double jobs_per_resident = covered_population > 0 ? city_jobs / covered_population : 0.5;
  for (std::size_t z = 0; z < n; ++z)
    if (out.fallback[z]) {
      const double d = distance_m(zones.centroid[z], centre);
      jobs[z] = zones.population[z] * jobs_per_resident *
                (1.0 + p.fallback_centrality_weight * std::exp(-d / p.fallback_centrality_radius_m)) /
                (1.0 + p.fallback_centrality_weight);
      service[z] = 0.2 * jobs[z];
    }
  if (p.total_jobs) {
    double all = 0;
    for (double j : jobs) all += j;
    if (all > 0)
      for (std::size_t z = 0; z < n; ++z) service[z] *= *p.total_jobs / all, jobs[z] *= *p.total_jobs / all;
  }
  if (education_m2 <= 0) {
    out.education_from_population = true;
    education = zones.population;
  }
  auto& visits = out.value[static_cast<std::size_t>(Activity::administration_visits)];
  const auto place_zone = locate(zones, places.position);
  for (std::size_t i = 0; i < places.size(); ++i)
    if (place_zone[i] >= 0)
      visits[static_cast<std::size_t>(place_zone[i])] += places.kind[i] == PlaceKind::municipality ? p.municipality_visit_weight : 1.0;
  return out;
}

}  // namespace sofiatwin::transport
