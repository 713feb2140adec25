// Activity per zone from the model's own data: the floor space of its buildings by use
// (footprint x storeys), turned into jobs and education places with published employment
// densities; the residents; visits to the administrations. Zones without buildings fall back to a
// distance-to-centre formula, and the result says which zones did.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/city_model.hpp"
#include "sim/transport/zone_network.hpp"

namespace sofiatwin::transport {

enum class BuildingUse : std::uint8_t { residential, office, retail, industrial, education, health, ancillary, other };
inline constexpr std::size_t building_use_count = 8;
/// The use of an OSM-style building class ("apartments", "office", "school", "yes", ...).
BuildingUse building_use(std::string_view building_class);
std::string_view building_use_name(BuildingUse use);

/// What a trip purpose can be attracted by.
enum class Activity : std::uint8_t { population, jobs, service_jobs, education_places, administration_visits };
inline constexpr std::size_t activity_count = 5;
std::optional<Activity> parse_activity(std::string_view name);
std::string_view activity_name(Activity a);

struct ActivityParameters {
  /// Jobs per 100 m2 of floor space, by building use (residential first, in BuildingUse order).
  std::array<double, building_use_count> jobs_per_100m2{0.0, 6.0, 4.0, 1.5, 1.0, 2.5, 0.0, 1.5};
  /// Education places (pupils, students) per 100 m2 of education floor space.
  double education_places_per_100m2 = 8.0;
  double storey_height_m = 3.0;
  /// Relative weight of the municipality's visitors against one district administration's.
  double municipality_visit_weight = 4.0;
  /// When given, the city's jobs are scaled to this published total.
  std::optional<double> total_jobs;
  /// Fallback for zones without buildings: jobs = population x w x exp(-d / radius) x (jobs per resident).
  double fallback_centrality_weight = 2.0, fallback_centrality_radius_m = 4000.0;
};

struct ZoneActivity {
  std::array<std::vector<double>, activity_count> value;  // per activity, per zone
  std::array<double, building_use_count> floor_m2_by_use{};  // city totals
  std::vector<bool> fallback;        // per zone: no buildings, jobs from the distance-to-centre formula
  bool education_from_population = false;  // no education buildings anywhere: education places follow residents
  WeightedPoints points;             // building centres weighted by floor space (for connectors)
  [[nodiscard]] const std::vector<double>& of(Activity a) const { return value[static_cast<std::size_t>(a)]; }
  [[nodiscard]] std::size_t fallback_zones() const;
};

/// `centre` is where the fallback formula puts the city centre.
ZoneActivity zone_activity(const Zones& zones, const Buildings& buildings, const Places& places,
                           const ActivityParameters& p, Point2 centre);

}  // namespace sofiatwin::transport
