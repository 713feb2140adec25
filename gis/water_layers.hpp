// GIS water layers <-> the model's water network. The schema, in SI units (flows L/s, lengths and
// heads m, diameters mm), is the same for importing a utility's layers and for the twin store:
//   water_junctions  (points) id, elevation_m, demand_lps, pattern, emitter_coefficient, pressure_zone
//   water_reservoirs (points) id, head_m, pattern
//   water_tanks      (points) id, elevation_m, init_level_m, min_level_m, max_level_m, diameter_m,
//                             min_volume_m3, volume_curve, overflow
//   water_pipes      (lines)  id, node1, node2, length_m, diameter_mm, roughness, minor_loss, status,
//                             leak_area_mm2_per_100m, leak_expansion_mm2_per_m_per_100m (EPANET 2.3
//                             [LEAKAGE]; optional)
//   water_pumps      (lines)  id, node1, node2, head_curve, power_kw, speed, pattern
//   water_valves     (lines)  id, node1, node2, diameter_mm, type, setting, curve, minor_loss
//   water_inp        (table)  section, line: the other EPANET sections (OPTIONS, TIMES, PATTERNS,
//                             CURVES, CONTROLS, RULES, ENERGY, STATUS, DEMANDS) in .inp syntax
// Only water_junctions and water_pipes plus one reservoir or tank are required. Missing node1/node2
// fields snap the line's ends to the nearest node within the import's snap tolerance; a missing
// length is the line's length in the model CRS; a missing elevation comes from the DEM.
#pragma once
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <optional>
#include <string>

#include "gis/import_context.hpp"
#include "sim/core/city_model.hpp"

namespace sofiatwin::gis {

class RasterSampler;

/// Whether the dataset at `path` holds a water_junctions layer.
bool has_water_layers(const std::string& path);

/// Reads the water layers of `path` into the model CRS and builds the network with every check of
/// the .inp reader; errors name the file, the layer, the feature and the field. `dem` (optional)
/// fills missing elevations.
WaterModel read_water_layers(const std::string& path, const std::string& network_name, const ImportContext& ctx,
                             const RasterSampler* dem);

/// The water network of a twin, or of any vector dataset with the layers above (model CRS and
/// network name from the twin's metadata when present); nullopt when `path` is not a vector
/// dataset (an .inp file, say). Throws InputError when it is one without a water_junctions layer.
std::optional<WaterModel> read_water_dataset(const std::string& path);

/// Writes the water network as the layers above into an open dataset (inside the caller's
/// transaction). The network must be in LPS (SI) units.
void write_water_layers(GDALDataset& dataset, const OGRSpatialReference& crs, const WaterModel& water);

}  // namespace sofiatwin::gis
