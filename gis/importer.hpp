// The import stage: GIS sources -> CityModel (in the model CRS) + import report.
#pragma once
#include <optional>
#include <string>

#include "sim/core/city_model.hpp"
#include "sim/core/progress.hpp"

namespace sofiatwin::gis {

/// Each source is optional; a vector source may name its layer as "file.gpkg:layer".
struct ImportSources {
  std::optional<std::string> districts;       // polygons -> zones
  std::optional<std::string> neighbourhoods;  // polygons -> a finer zoning, stored beside the zones
  std::optional<std::string> traffic_zones;   // polygons -> zones made for transport modelling
  std::optional<std::string> places;          // points: kind (municipality|district_administration), name;
                                              // default: Sofia's administrations (assets/sofia/administrations.csv)
  std::optional<std::string> parking;         // polygons: name, rate_eur_per_h; default: Sofia's Blue and
                                              // Green zones (assets/sofia/paid_parking.csv)
  std::optional<std::string> gateways;        // points: name, vehicles_per_day; default: the motorways and
                                              // trunk roads leaving Sofia (assets/sofia/gateways.csv)
  std::optional<std::string> gtfs;            // GTFS zip or folder
  std::optional<std::string> osm;             // OSM XML/PBF: highway ways and buildings
  std::optional<std::string> roads;           // any line layer
  std::optional<std::string> buildings;       // polygons with height / levels / class
  std::optional<std::string> population;      // population raster (zonal sums)
  std::optional<std::string> dem;             // elevation raster
  std::optional<std::string> water;           // GeoPackage with water_* layers (see gis/water_layers.hpp)
};

struct ImportOptions {
  std::string model_crs = "EPSG:7801";
  std::optional<std::string> input_crs;  // for layers that carry no CRS (e.g. CSV)
  double snap_tolerance_m = 2.0;
  double storey_height_m = 3.0;
  std::string population_field;  // empty: auto-detect (population, population_estimate, pop)
};

/// Reads, validates and reprojects the sources, builds topology. Throws InputError on fatal input
/// problems; recoverable ones end up as warnings in model.report.
CityModel import_city(const ImportSources& sources, const ImportOptions& options, ProgressSink* progress = nullptr);

}  // namespace sofiatwin::gis
