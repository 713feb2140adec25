// Traffic zones of the embedded default model: each district's 250 m cells split by weighted
// recursive bisection into zones of about equal population, so that zones nest in districts.
#pragma once
#include <string>
#include <vector>

#include "gis/default_model_parts.hpp"

namespace sofiatwin::gis::default_model {

/// Residents of each lattice cell: the district's population spread evenly over its cells below
/// the altitude where nobody lives (the buildings' limit), row-major like Lattice::cell_zone.
std::vector<double> cell_population(const Lattice& lattice, const std::vector<District>& districts, const Terrain& terrain,
                                    double max_settled_elevation_m);

struct TrafficZoning {
  std::vector<int> cell_zone;       // per cell, -1 outside the municipality
  std::vector<int> district;        // per zone
  std::vector<int> number;          // per zone, its number within the district (1, 2, ...)
  std::vector<double> population;   // per zone
};

/// k = max(1, round(population / target)) + floor(area / extra_zone_area) zones per district.
TrafficZoning make_traffic_zones(const Lattice& lattice, const std::vector<District>& districts, const std::vector<double>& cell_population,
                                 double target_population, double extra_zone_area_km2);

/// Writes layer `traffic_zones` (code "<district code>-NN", name "<district> NN", population).
void write_traffic_zones(GDALDataset& ds, const Lattice& lattice, const std::vector<District>& districts, const TrafficZoning& zoning,
                         const OGRSpatialReference& crs);

}  // namespace sofiatwin::gis::default_model
