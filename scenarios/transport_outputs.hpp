// What a transport run writes: result layers keyed by the model's ids (road links, stops,
// routes, zones, districts) in a GeoPackage, the same tables as CSV, and the KPIs.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "gis/results_store.hpp"
#include "scenarios/transport_run.hpp"

namespace sofiatwin::scenarios {

/// Layers road_link_results, transit_stop_results, transit_route_results, zone_results and
/// district_results: per period hourly values (suffix _<period>) and daily totals.
std::vector<gis::ResultTable> transport_tables(const CityModel& model, const TransportRun& run, const TransportParameters& p);

/// A result table as CSV: id, its text columns, its numeric columns.
std::string table_csv(const gis::ResultTable& table);

/// Writes DIR/results.gpkg, DIR/<layer>.csv for each table, DIR/kpis.csv and DIR/purposes.csv,
/// each file under a temporary name renamed when complete.
void write_transport_outputs(const std::string& dir, const CityModel& model, const TransportRun& run, const TransportParameters& p,
                             const KpiTable& kpis, const std::map<std::string, std::string>& metadata);

}  // namespace sofiatwin::scenarios
