// The transport chain on the twin: car and PT skims -> demand (generation, distribution, mode
// split) -> road equilibrium assignment -> transit loads -> KPIs.
#pragma once
#include <string>

#include "sim/core/city_model.hpp"
#include "sim/core/progress.hpp"
#include "sim/transport/assignment.hpp"
#include "sim/transport/demand.hpp"
#include "sim/transport/model_network.hpp"
#include "sim/transport/transit.hpp"

namespace sofiatwin::scenarios {

/// Defaults are the values of scenarios/sofia/transport.yaml (a test keeps the two equal).
struct TransportParameters {
  transport::DemandParameters demand;
  transport::TransitParameters transit;
  transport::AssignmentOptions assignment = default_assignment();
  bool centre_given = false;

  static transport::AssignmentOptions default_assignment() {
    transport::AssignmentOptions o;
    o.target_relative_gap = 1e-6;
    o.max_iterations = 500;
    return o;
  }
};

/// Reads a parameter file (YAML); unknown keys are errors naming the file and the key.
TransportParameters load_transport_parameters(const std::string& path);

struct TransportRun {
  transport::TrafficNetwork road_network;
  transport::Skims skims;
  transport::DemandResult demand;
  transport::AssignmentResult road;
  transport::TransitLoads transit;
  transport::RoadKpis kpis;
  std::vector<std::string> warnings;  // targets not reached, unassigned demand, non-convergence
};

/// Runs the chain. The city centre for attractions is the label point of the densest zone
/// unless the parameters give one. Needs zones and a road network.
TransportRun run_transport(const CityModel& model, TransportParameters parameters, ProgressSink* progress = nullptr);

/// Writes road_links.csv, transit_routes.csv, transit_stops.csv and kpis.csv into `dir`.
void write_transport_csv(const std::string& dir, const CityModel& model, const TransportRun& run);

}  // namespace sofiatwin::scenarios
