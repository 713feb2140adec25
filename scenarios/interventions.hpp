// Interventions: each scenario entry checked against the model (every link, street, zone,
// district, pipe, valve and pump it names must exist) and turned into changes of the transport
// overlay and of a copy of the water network. Factors multiply and shares add up, so that
// interventions on different things give the same result in any order.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "scenarios/scenario_file.hpp"
#include "scenarios/transport_run.hpp"
#include "sim/core/city_model.hpp"
#include "sim/water/scenario.hpp"

namespace sofiatwin::scenarios {

/// A water main that bursts and is repaired, closing the street above it (coupled scenarios).
struct MainBurst {
  std::string pipe;                   // the network's pipe id
  double start_h = 7.0, repair_h = 8.0;  // when it bursts and how long it stays closed
  double isolation_h = 2.0;           // hours the burst runs before the valves close it
  double opening_mm2 = 0.0;           // of the burst (orifice law: q = 0.6 A sqrt(2 g p))
  std::vector<std::int32_t> road_links;  // the links of the street above it
  double lanes_closed_share = 0.5;    // of those links, while it is repaired
};

/// A programme that lowers the burst rate of an area's mains (coupled: each burst avoided saves its
/// water and its traffic delay, valued with a representative burst).
struct BurstReduction {
  double mains_km = 0.0;                 // of the area
  double bursts_per_km_year = 0.0;       // today
  double reduction = 0.0;                // share of them avoided
  MainBurst representative;              // a burst in the area, simulated to value one
};

struct BuiltInterventions {
  TransportChanges transport;
  std::optional<RoadNetwork> roads;       // a changed copy where links are added
  std::optional<TransitNetwork> transit;  // a changed copy where lines are added
  water::WaterInterventions water;
  bool changes_transport = false, changes_water = false;
  std::vector<MainBurst> bursts;          // simulated (traffic works and water closure)
  std::optional<BurstReduction> burst_reduction;
  double apparent_losses_recovered_share = 0.0;  // smart metering (financial, reported)
  std::vector<std::string> notes;         // one per intervention: what it changed
  /// Points the overlay at the changed copies (call after moving the value).
  void bind();
};

/// Builds the interventions on `model` for the zoning the transport parameters select.
/// Throws InputError naming the scenario file, the line and the key of anything it cannot find.
BuiltInterventions build_interventions(const std::vector<InterventionSpec>& specs, const CityModel& model, const TransportParameters& p);

/// The types an intervention may have.
const std::vector<std::string>& intervention_types();

}  // namespace sofiatwin::scenarios
