// Readers of the individual source kinds. Each returns model-CRS data and reports into ctx.report.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gis/import_context.hpp"
#include "sim/core/city_model.hpp"

namespace sofiatwin::gis {

/// Polygons with code, name and population attributes -> zones.
Zones read_zones(const std::string& source, const ImportContext& ctx);

/// One road line as read, before topology.
struct RoadLine {
  Polyline shape;
  std::int64_t source_id = -1;
  std::string name;  // the street's name (OSM `name`), may be empty
  std::optional<RoadClass> road_class;
  std::optional<double> lanes_total;
  std::optional<double> speed_kmh;
  std::optional<double> width_m;
  int oneway = 0;  // 0 two-way, 1 forward only, -1 backward only
};

/// Any line layer: fields highway|class|fclass, name, lanes, maxspeed, oneway, width|width_m, osm_id.
std::vector<RoadLine> read_road_layer(const std::string& source, const ImportContext& ctx);

/// One building footprint as read.
struct BuildingInput {
  Polygon footprint;
  std::int64_t source_id = -1;
  std::optional<double> height_m;
  std::optional<double> levels;
  std::string building_class;
};

std::vector<BuildingInput> read_building_layer(const std::string& source, const ImportContext& ctx);

/// OSM XML or PBF through GDAL's OSM driver: highway ways and building polygons.
struct OsmContent {
  std::vector<RoadLine> roads;
  std::vector<BuildingInput> buildings;
};
OsmContent read_osm(const std::string& path, const ImportContext& ctx);

/// Parses an OSM hstore "other_tags" value ("k"=>"v","k2"=>"v2") and returns the value of `key`.
std::optional<std::string> osm_tag(const std::string& other_tags, const std::string& key);

/// Attribute parsers shared by the OSM and plain-layer readers (lenient: nullopt when unusable).
std::optional<double> parse_speed_kmh(const std::string& text);  // "50", "50 km/h", "30 mph"
std::optional<double> parse_metres(const std::string& text);     // "12", "12 m", "12.5m"
int parse_oneway(const std::string& text);                       // yes/true/1 -> 1, -1/reverse -> -1

/// Points with a kind (municipality | district_administration) and a name.
Places read_places(const std::string& source, const ImportContext& ctx);
/// Sofia's municipality and 24 district administrations (assets/sofia/administrations.csv).
Places sofia_administrations(const ImportContext& ctx);

/// Polygons with a name and an hourly parking rate (rate_eur_per_h).
ParkingZones read_parking_zones(const std::string& source, const ImportContext& ctx);
/// Sofia's Blue and Green paid-parking zones (assets/sofia/paid_parking.csv, approximate rings).
ParkingZones sofia_parking_zones(const ImportContext& ctx);

/// Points with a name and the vehicles crossing there a day (vehicles_per_day).
Gateways read_gateways(const std::string& source, const ImportContext& ctx);
/// The motorways and trunk roads where traffic enters and leaves Sofia (assets/sofia/gateways.csv).
Gateways sofia_gateways(const ImportContext& ctx);

/// GTFS feed (zip or folder): stops, routes, route patterns with departures per hour.
TransitNetwork read_gtfs(const std::string& path, const ImportContext& ctx);

/// Buildings from inputs: height from attribute, else levels x storey height, else class default.
Buildings make_buildings(std::vector<BuildingInput> inputs, const ImportOptions& options);

}  // namespace sofiatwin::gis
