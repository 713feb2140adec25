// Road classes and their default attributes (used when a source gives no lanes/speed/capacity).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace sofiatwin {

enum class RoadClass : std::uint8_t {
  motorway, trunk, primary, secondary, tertiary, unclassified, residential, living_street, service,
  connector,  // zone centroid connector (not a real road)
};
inline constexpr int road_class_count = 10;

struct RoadClassDefaults {
  std::string_view name;          // OSM highway=* value
  double lanes_per_direction;     // when the source has no lanes
  double speed_kmh;               // free-flow speed when the source has no maxspeed
  double capacity_veh_h_per_lane; // saturation-flow style capacity per lane
};

/// The defaults table. Sources: capacity per lane and the class hierarchy follow the MATSim
/// OsmNetworkReader defaults (motorway/trunk 2000, primary 1500, secondary 1000, tertiary and minor
/// 600, living street 300 veh/h/lane); speeds follow the Bulgarian Road Traffic Act, art. 21
/// (50 km/h in built-up areas, 90 outside, 140 on motorways), lowered for urban motorway and trunk
/// sections inside Sofia (120 / 80 km/h). Connectors are virtual: 30 km/h, unconstrained.
const RoadClassDefaults& road_class_defaults(RoadClass road_class);
std::string_view road_class_name(RoadClass road_class);
/// Parses an OSM highway value ("primary", "primary_link", ...). `_link` maps to its parent class.
std::optional<RoadClass> parse_road_class(std::string_view highway);
/// Heuristic class for line layers with a carriageway width but no class (documented in README).
RoadClass road_class_from_width(double width_m);

}  // namespace sofiatwin
