// The assignment network of a zoning: zone centroids joined to the streets by connectors spread
// over each zone's area. The twin holds the streets only; connectors depend on the zoning the model
// runs on (districts, neighbourhoods or traffic zones), so they are built here.
//
// Layout (TNTP's "first thru node" convention): nodes [0, Z) are the zones, [Z, Z + G) the
// gateways (external zones where roads leave the model), node Z + G + v is road node v; links
// [0, L) are the road links with the twin's ids, links from L on are connectors, two per access
// node (zone -> node, node -> zone).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "sim/core/city_model.hpp"
#include "sim/transport/network.hpp"

namespace sofiatwin::transport {

struct ConnectorParameters {
  double area_per_connector_km2 = 0.5;  // one access node per this much zone area ...
  int min_connectors = 2;               // ... at least this many (where the streets allow) ...
  int max_connectors = 6;               // ... and at most this many
  double speed_kmh = 20.0;              // driving inside the zone to the access node
  double long_connector_m = 1000.0;     // a zone whose nearest access node is farther is "not covered"
};

/// Per road class: the delay at the junction a link ends in (seconds), added to its free-flow time,
/// and the share of its capacity left by signals: urban travel time is much about junctions, which
/// link-based BPR costs leave out.
struct RoadParameters {
  std::array<double, road_class_count> junction_delay_s{};
  /// Capacity of a link as a share of its twin capacity (signal green time on urban roads).
  std::array<double, road_class_count> capacity_factor{1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
};

/// Where activity lies inside zones (e.g. building centres weighted by floor area), so that
/// access nodes follow it; zones without points get points spread evenly over their polygon.
struct WeightedPoints {
  std::vector<Point2> position;
  std::vector<double> weight;
  std::vector<std::int32_t> zone;  // the zone holding the point, -1 outside every zone
};

struct ZoneNetwork {
  TrafficNetwork net;                              // net.zone_count = Z + G
  std::int32_t internal_zones = 0;                 // Z
  std::int32_t road_link_count = 0;
  std::vector<std::int32_t> connector_zone;        // per connector (link L + i)
  std::vector<std::vector<Point2>> access_points;  // per zone and gateway: centres of its parts (for walks to stops too)
  std::vector<Point2> zone_centre;                 // per zone and gateway: the weighted centre connectors start from
  std::vector<double> nearest_access_m;            // per zone and gateway: shortest distance from a part to its road node
  std::vector<bool> covered;                       // per zone and gateway: nearest_access_m <= long_connector_m
  [[nodiscard]] std::int32_t road_node(std::int32_t twin_node) const { return net.zone_count + twin_node; }
};

/// BPR (Bureau of Public Roads 1964: B = 0.15, P = 4) on roads; connectors have constant cost.
/// Access nodes are road nodes of the largest strongly connected component that a road below
/// trunk class reaches (no driveways onto motorways). Deterministic.
/// Gateways connect to the nearest road node of any class (they sit where a motorway leaves).
ZoneNetwork build_zone_network(const RoadNetwork& roads, const Zones& zones, const WeightedPoints& activity,
                               const ConnectorParameters& p, const RoadParameters& road = {},
                               const std::vector<Point2>& gateways = {});

}  // namespace sofiatwin::transport
