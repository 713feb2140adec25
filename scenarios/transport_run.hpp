// The transport model on the twin: zoning and connectors -> activity -> per period skims ->
// demand by purpose and period (generation, distribution, time of day, mode split) -> road
// equilibrium assignment and transit loads per period, with feedback of congested car times into
// the demand -> KPIs per period, day and year.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/kpi_table.hpp"
#include "scenarios/transport_parameters.hpp"
#include "sim/core/city_model.hpp"
#include "sim/core/progress.hpp"
#include "sim/transport/assignment.hpp"
#include "sim/transport/demand.hpp"
#include "sim/transport/external.hpp"
#include "sim/transport/model_network.hpp"
#include "sim/transport/transit.hpp"
#include "sim/transport/zone_network.hpp"

namespace sofiatwin::scenarios {

/// One time period: hourly figures of its average hour.
struct PeriodRun {
  transport::Skims skims;            // the level of service the final demand saw
  transport::AssignmentResult road;  // veh/h
  transport::TransitLoads transit;   // persons/h
  transport::RoadKpis road_kpis;     // of the average hour
  double transit_departures = 0.0;   // in the whole period
};

/// What a scenario changes in the transport model, on the base model's dense ids (all optional).
struct TransportChanges {
  const RoadNetwork* roads = nullptr;        // a changed copy of the streets (new links appended), else the model's
  const TransitNetwork* transit = nullptr;   // a changed copy of the transit network (new lines), else the model's
  std::vector<double> capacity_factor;       // per road link: capacity multiplier
  std::vector<double> extra_minutes;         // per road link: minutes added to its free-flow time (a closure)
  std::vector<double> junction_delay_factor; // per road link: multiplier of its junction delay
  std::vector<std::vector<double>> period_capacity_factor;  // [period][road link]: lanes closed for works
  std::map<std::string, std::vector<double>> production_factor;  // purpose -> per zone of the zoning
  std::vector<double> parking_search_factor;  // per zone: multiplier of its parking search time and distance
  std::optional<double> wait_weight;          // perceived weight of waiting (real-time information lowers it)
  std::vector<std::vector<double>> frequency_factor;  // [period][pattern]: departures multiplier
  std::optional<double> car_constant_min;     // the baseline's calibrated constant (a scenario keeps it)
  /// A one-day event (works for a burst): travellers keep the baseline's trips and modes and only
  /// choose their routes again (no demand pass).
  const transport::DemandResult* fixed_demand = nullptr;
};

struct TransportRun {
  TransportParameters parameters;     // the parameters it ran with
  const RoadNetwork* roads = nullptr;       // the streets it ran on (the model's or the changes')
  const TransitNetwork* transit = nullptr;  // likewise
  Zoning zoning = Zoning::districts;  // the zoning it ran on
  Zones zones;                        // that zoning
  transport::ZoneNetwork network;
  transport::ZoneActivity activity;
  transport::DemandInputs inputs;
  transport::DemandResult demand;
  transport::ExternalDemand external;  // traffic at the gateways
  std::vector<transport::OdMatrix> assigned_vehicles_per_hour;  // per period: residents' cars and external traffic, all zones
  std::vector<PeriodRun> periods;     // in the order of the parameters' periods
  std::vector<double> feedback_change;  // per feedback pass after the first: relative change of the car demand
  double car_trips_off_network_per_day = 0.0;
  std::vector<double> parking_search_min, parking_search_km;  // per zone, per car arriving
  std::vector<double> parking_search_vehicle_km, parking_search_vehicle_hours;  // per period  // car person trips with an end in a zone the roads do not reach
  std::vector<std::string> warnings;  // targets not reached, unassigned demand, non-convergence, partial coverage
  std::vector<std::string> notes;     // how the run was built (zoning, fallbacks)
};

/// Which zoning the parameters select on this model (auto: the finest the model has).
Zoning choose_zoning(const CityModel& model, Zoning wanted);
const Zones& zones_of(const CityModel& model, Zoning zoning);
/// The layer name of a zoning in the twin ("traffic_zones", "neighbourhoods", "zones").
std::string zoning_layer(Zoning zoning);

/// The city centre of the model: the parameters' centre, else the label point of the densest
/// district (of the chosen zoning when there are no districts).
Point2 model_centre(const CityModel& model, const TransportParameters& parameters);

/// Runs the model. Throws InputError when the model lacks zones, roads or population, or a period
/// has no public-transport service in a model that has some.
/// `changes` (and the networks it points to) must outlive the returned run, which points to them.
TransportRun run_transport(const CityModel& model, const TransportParameters& parameters, ProgressSink* progress = nullptr,
                           const TransportChanges& changes = {});

/// KPIs per period, day and year (the annualisation of the parameters).
KpiTable transport_kpis(const TransportRun& run, const TransportParameters& parameters);

}  // namespace sofiatwin::scenarios
