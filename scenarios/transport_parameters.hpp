// The transport model's parameters (scenarios/sofia/transport.yaml): zoning, periods, purposes,
// mode choice, activity, transit, connectors, assignment, annualisation. The built-in defaults are
// that file itself, embedded in the program.
#pragma once
#include <map>
#include <optional>

#include <yaml-cpp/yaml.h>
#include <string>

#include "sim/core/geometry.hpp"
#include "sim/transport/activity.hpp"
#include "sim/transport/assignment.hpp"
#include "sim/transport/demand.hpp"
#include "sim/transport/external.hpp"
#include "sim/transport/transit.hpp"
#include "sim/transport/zone_network.hpp"

namespace sofiatwin::scenarios {

enum class Zoning { automatic, traffic_zones, neighbourhoods, districts };

/// Daily figures to a year: working days at the day's values, the other days (weekends, public
/// holidays) at a ratio of them.
struct Annualisation {
  double working_days_per_year = 250.0;
  double other_days_per_year = 115.0;
  double other_day_ratio = 0.7;
  [[nodiscard]] double factor() const { return working_days_per_year + other_days_per_year * other_day_ratio; }
};

/// Cruising for a kerb space where parking is paid: per car arriving in the zone.
struct ParkingSearch {
  double minutes_per_arrival = 0.0, km_per_arrival = 0.0;
};

struct TransportParameters {
  std::string source = "built-in";  // the file they came from (named in errors found while running)
  Zoning zoning = Zoning::automatic;
  transport::DemandParameters demand;
  transport::ActivityParameters activity;
  transport::TransitParameters transit;
  transport::ConnectorParameters connectors;
  transport::RoadParameters roads;
  transport::ExternalParameters external;
  std::map<std::string, ParkingSearch> parking_search;  // by the name of a paid-parking zone
  transport::AssignmentOptions assignment;
  int feedback_iterations = 2;       // demand <-> congested car times: 1 = free-flow skims only
  Annualisation annualisation;
  std::optional<Point2> centre;      // of the fallback attraction formula; default: the densest district
  double uncovered_detour_factor = 1.3, uncovered_speed_kmh = 30.0;  // car skims of zones off the road network
};

/// Reads a parameter file (YAML). Unknown keys, wrong types, values outside their domain, unknown
/// purposes or periods, period shares that do not add up: InputError naming the file, line and key.
TransportParameters load_transport_parameters(const std::string& path);

/// The same from text (`name` is used in error messages).
TransportParameters parse_transport_parameters(const std::string& text, const std::string& name);
/// The same from a parsed document (a scenario's merged parameters).
TransportParameters parse_transport_parameters(const YAML::Node& document, const std::string& name);

/// scenarios/sofia/transport.yaml as built into the program.
TransportParameters default_transport_parameters();

std::string zoning_name(Zoning zoning);

}  // namespace sofiatwin::scenarios
