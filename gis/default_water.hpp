// The default model's water network: generated along the default street lattice and written as
// GIS water layers (gis/water_layers.hpp), which the importer then reads like a utility's layers.
#pragma once
#include <gdal_priv.h>

#include <string>
#include <vector>

#include "gis/default_model_parts.hpp"

namespace sofiatwin::gis::default_model {

/// Where supply enters the city (assets/sofia/water_sources.csv).
struct WaterSource {
  std::string name;
  Point2 position;
};

/// The stated assumptions of the generated network (assets/README.md explains each).
struct WaterParameters {
  double litres_per_person_day = 160.0;    // billed consumption, domestic and non-domestic
  double leakage_share_of_input = 0.40;    // physical losses / system input volume (daily)
  double zone_band_m = 50.0;               // elevation span of one pressure zone
  double min_static_pressure_m = 28.0;     // static pressure at the top of each zone
  double source_level_m = 5.0;             // water level of a plant's clear-water tank above ground
  double transmission_allowance_m = 10.0;  // head kept for the loss in a plant's transmission main
  double service_radius_m = 2000.0;        // cells farther from any pipe are not served
  double design_velocity_m_s = 1.2;        // pipe sizing at the peak hour: at most this velocity...
  double design_gradient_m_per_km = 1.0;   // ...and at most this head-loss gradient
  double hazen_williams_c = 110.0;
  int nodes_per_zone_inlet = 100;          // one PRV inlet from the zone above per this many nodes...
  int max_zone_inlets = 16;                // ...up to this many
  int direct_main_min_nodes = 200;         // zones this large get a main from each plant above them
};

/// What the generator did, for the import report.
struct WaterSummary {
  double population = 0, population_served = 0;
  int junctions = 0, pipes = 0, closed_boundary_pipes = 0, prvs = 0, zones = 0, dropped_nodes = 0;
  double average_demand_lps = 0, target_leakage_lps = 0;
};

/// Writes water_junctions, water_reservoirs, water_pipes, water_valves and water_inp into `ds`.
WaterSummary write_default_water(GDALDataset& ds, const OGRSpatialReference& crs, const Lattice& lattice, const EdgeMap& edges,
                                 const Terrain& terrain, const std::vector<double>& zone_density,
                                 const std::vector<WaterSource>& sources, const WaterParameters& parameters = {});

}  // namespace sofiatwin::gis::default_model
