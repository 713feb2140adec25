// The CityModel: everything the simulators and the renderer need, as struct-of-arrays with dense
// integer ids (an id is a position), in one metric CRS. No file formats, no GDAL types here.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "geometry.hpp"
#include "import_report.hpp"
#include "road_class.hpp"
#include "sim/water/network.hpp"

namespace sofiatwin {

/// A zoning of the city: the districts, the neighbourhoods or the traffic zones.
struct Zones {
  std::vector<std::string> code;
  std::vector<std::string> name;
  std::vector<double> population;           // inhabitants
  std::vector<double> population_attribute; // the source attribute (NaN when absent)
  std::vector<Point2> centroid;             // a point on the surface (label point)
  std::vector<MultiPolygon> boundary;
  std::vector<std::int32_t> district;       // the district (CityModel::zones index) holding the zone's label point; -1 if none
  [[nodiscard]] std::size_t size() const { return code.size(); }
};

/// Key places of the city (the municipality and the district administrations): destinations of
/// errand trips and labels on maps.
enum class PlaceKind : std::uint8_t { municipality, district_administration };

struct Places {
  std::vector<PlaceKind> kind;
  std::vector<std::string> name;
  std::vector<std::int32_t> district;      // the district (CityModel::zones index) it lies in; -1 if none
  std::vector<Point2> position;
  [[nodiscard]] std::size_t size() const { return kind.size(); }
};

/// Paid on-street parking areas (Sofia's Blue and Green zones): where car trips pay to park.
struct ParkingZones {
  std::vector<std::string> name;
  std::vector<double> rate_eur_per_h;
  std::vector<MultiPolygon> boundary;
  [[nodiscard]] std::size_t size() const { return name.size(); }
  /// The highest hourly rate of the zones holding p (0 outside them).
  [[nodiscard]] double rate_at(Point2 p) const;
};

/// Where roads leave the model (external zones): the vehicles that cross there on a day, both
/// directions, to and from the city and through it.
struct Gateways {
  std::vector<std::string> name;
  std::vector<Point2> position;
  std::vector<double> vehicles_per_day;
  [[nodiscard]] std::size_t size() const { return name.size(); }
};

struct RoadNodes {
  std::vector<Point2> position;
  std::vector<double> elevation_m;  // NaN when no DEM covers the node
  [[nodiscard]] std::size_t size() const { return position.size(); }
};

/// Directed links; a two-way road is two links. Lanes, capacity are per direction.
struct RoadLinks {
  std::vector<std::int32_t> from_node;
  std::vector<std::int32_t> to_node;
  std::vector<double> length_m;
  std::vector<double> lanes;
  std::vector<double> speed_kmh;
  std::vector<double> capacity_veh_h;
  std::vector<RoadClass> road_class;
  std::vector<std::int64_t> source_id;  // id of the source line (OSM way id or feature id)
  std::vector<std::string> name;        // street name, may be empty
  std::vector<std::int32_t> component;  // weakly connected component; 0 is the largest
  std::vector<Polyline> shape;          // from node to node
  [[nodiscard]] std::size_t size() const { return from_node.size(); }
  [[nodiscard]] double free_flow_time_min(std::size_t link) const { return length_m[link] / 1000.0 / speed_kmh[link] * 60.0; }
};

/// The streets only: zones join them through connectors that the transport model builds for the
/// zoning it runs on (sim/transport/zone_network.hpp).
struct RoadNetwork {
  RoadNodes nodes;
  RoadLinks links;
};

struct TransitStops {
  std::vector<std::string> gtfs_id;
  std::vector<std::string> name;
  std::vector<Point2> position;
  [[nodiscard]] std::size_t size() const { return gtfs_id.size(); }
};

struct TransitRoutes {
  std::vector<std::string> gtfs_id;
  std::vector<std::string> short_name;
  std::vector<std::string> long_name;
  std::vector<std::int32_t> gtfs_type;  // GTFS route_type (0 tram, 1 metro, 3 bus, 11 trolleybus, ...)
  std::vector<std::string> colour;      // hex RRGGBB, may be empty
  [[nodiscard]] std::size_t size() const { return gtfs_id.size(); }
};

inline constexpr int service_hours = 30;  // GTFS times run past midnight: hours 0..29

/// A route pattern: one distinct stop sequence of a route, with its departures per hour of the
/// representative weekday (by the departure time at the first stop).
struct TransitPatterns {
  std::vector<std::int32_t> route;
  std::vector<std::int32_t> direction;  // GTFS direction_id, -1 when absent
  std::vector<std::vector<std::int32_t>> stops;
  std::vector<std::vector<double>> segment_time_min;  // mean scheduled time between consecutive stops
  std::vector<std::array<std::int32_t, service_hours>> departures_per_hour;
  [[nodiscard]] std::size_t size() const { return route.size(); }
};

struct TransitNetwork {
  TransitStops stops;
  TransitRoutes routes;
  TransitPatterns patterns;
  std::string service_day;  // which service day the frequencies describe
};

enum class HeightSource : std::uint8_t { attribute, levels, class_default };

struct Buildings {
  std::vector<Polygon> footprint;
  std::vector<std::string> building_class;  // the source's class (OSM `building` value: apartments, office, school, ...)
  std::vector<double> height_m;
  std::vector<HeightSource> height_source;
  std::vector<double> base_elevation_m;  // NaN when no DEM covers the building
  std::vector<std::int64_t> source_id;
  [[nodiscard]] std::size_t size() const { return footprint.size(); }
};

/// A regular elevation grid in the model CRS (row 0 is the northern edge).
struct ElevationGrid {
  double origin_x_m = 0.0, origin_y_m = 0.0;  // top-left corner
  double cell_size_m = 0.0;
  int columns = 0, rows = 0;
  std::vector<float> height_m;  // rows * columns, NaN = no data
  [[nodiscard]] bool empty() const { return height_m.empty(); }
};

/// The water distribution network (EPANET model, SI file units: LPS, m, mm) with its geometry.
struct WaterModel {
  water::WaterNetwork network;
  std::vector<Point2> node_position;        // per network node
  std::vector<Polyline> link_shape;         // per network link, from its from-node to its to-node
  std::vector<std::string> pressure_zone;   // per network node; empty when not zoned
  [[nodiscard]] bool empty() const { return network.node_count() == 0; }
};

struct SourceRecord {
  std::string role;  // districts, roads, gtfs, ...
  std::string path;
  std::string sha256;
};

struct CityModel {
  std::string crs = "EPSG:7801";
  Zones zones;           // the districts
  Zones neighbourhoods;  // finer official zones (may be empty)
  Zones traffic_zones;   // zones made for transport modelling (may be empty)
  Places places;
  ParkingZones parking;
  Gateways gateways;
  RoadNetwork roads;
  TransitNetwork transit;
  Buildings buildings;
  ElevationGrid elevation;
  WaterModel water;
  std::vector<SourceRecord> sources;
  ImportReport report;
};

}  // namespace sofiatwin
