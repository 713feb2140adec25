// sofiatwin: the command line. Thin: parse flags, set threads once, call the modules.
#include <gdal_priv.h>
#include <oneapi/tbb/global_control.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>

#include "gis/default_model.hpp"
#include "gis/errors.hpp"
#include "gis/importer.hpp"
#include "gis/twin_store.hpp"
#include "gis/water_layers.hpp"
#include "scenarios/model_summary.hpp"
#include "scenarios/transport_run.hpp"
#include "sim/transport/assignment.hpp"
#include "sim/transport/tntp_io.hpp"
#include "sim/water/hydraulics.hpp"
#include "sim/water/inp_io.hpp"
#include "sim/water/report_csv.hpp"
#include "sim/water/scenario.hpp"
#include "sim/water/simulation.hpp"

namespace {

constexpr const char* tool_version = "sofiatwin 0.1.0";

/// One line per finished stage on stderr (TTY or CI log alike).
class StderrProgress final : public sofiatwin::ProgressSink {
 public:
  void stage_done(std::string_view stage, std::string_view detail, double seconds) override {
    std::fprintf(stderr, "[%6.2f s] %-15.*s %.*s\n", seconds, static_cast<int>(stage.size()), stage.data(),
                 static_cast<int>(detail.size()), detail.data());
  }
};

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

void print_report(const sofiatwin::ImportReport& report, bool all) {
  for (const auto& e : report.entries) {
    if (!all && e.severity != sofiatwin::Severity::warning) continue;
    std::cout << (e.severity == sofiatwin::Severity::warning ? "  warning: " : "  info:    ")
              << sofiatwin::gis::describe(e.source, e.layer, e.feature, e.field, e.message) << "\n";
  }
}

struct ImportCommand {
  sofiatwin::gis::ImportSources sources;
  sofiatwin::gis::ImportOptions options;
  std::string out;
  bool show_report = false;

  void add_to(CLI::App& app) {
    auto* cmd = app.add_subcommand("import", "Import GIS layers (or, with none, the embedded default Sofia model) into a twin GeoPackage");
    cmd->add_option("--districts", sources.districts, "Zone polygons (file[:layer]): code, name, population");
    cmd->add_option("--neighbourhoods", sources.neighbourhoods, "Finer zone polygons (file[:layer])");
    cmd->add_option("--gtfs", sources.gtfs, "GTFS feed (zip or folder)");
    cmd->add_option("--osm", sources.osm, "OpenStreetMap XML or PBF (highways and buildings)");
    cmd->add_option("--roads", sources.roads, "Road lines (file[:layer]): highway, lanes, maxspeed, oneway, width");
    cmd->add_option("--buildings", sources.buildings, "Building footprints (file[:layer]): height, levels, building");
    cmd->add_option("--population", sources.population, "Population raster for zonal sums");
    cmd->add_option("--dem", sources.dem, "Elevation raster");
    cmd->add_option("--water", sources.water, "GeoPackage with water_* layers (gis/water_layers.hpp; SI units)");
    cmd->add_option("--out", out, "Output twin GeoPackage")->required();
    cmd->add_option("--crs", options.model_crs, "Model CRS")->capture_default_str();
    cmd->add_option("--input-crs", options.input_crs, "CRS for layers that carry none (e.g. CSV)");
    cmd->add_option("--snap-tolerance", options.snap_tolerance_m, "Road end snapping tolerance, m")->capture_default_str();
    cmd->add_option("--storey-height", options.storey_height_m, "Height of one storey, m")->capture_default_str();
    cmd->add_option("--population-field", options.population_field, "Zone population field (default: auto)");
    cmd->add_flag("--report", show_report, "Print every import report entry, not only warnings");
    cmd->callback([this] { run(); });
  }

  [[nodiscard]] bool has_sources() const {
    return sources.districts || sources.neighbourhoods || sources.gtfs || sources.osm || sources.roads ||
           sources.buildings || sources.population || sources.dem || sources.water;
  }

  void run() {
    StderrProgress progress;
    const bool embedded = !has_sources();
    auto model = embedded ? sofiatwin::gis::build_default_model({}, options, &progress)
                          : sofiatwin::gis::import_city(sources, options, &progress);
    const auto start = std::chrono::steady_clock::now();
    sofiatwin::gis::write_twin(model, out, {{"model", embedded ? "embedded default Sofia model" : "imported"},
                                            {"tool_version", tool_version}, {"created_utc", utc_now()}});
    const std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
    progress.stage_done("write", out, s.count());
    std::cout << sofiatwin::scenarios::model_summary(model, {{"model", embedded ? "embedded default Sofia model" : "imported"}});
    print_report(model.report, show_report);
  }
};

struct InfoCommand {
  std::string twin;
  bool show_report = false;

  void add_to(CLI::App& app) {
    auto* cmd = app.add_subcommand("info", "Summarise a twin GeoPackage (or the embedded default model)");
    cmd->add_option("twin", twin, "Twin GeoPackage");
    cmd->add_flag("--report", show_report, "Print the whole import report");
    cmd->callback([this] { run(); });
  }

  void run() const {
    if (twin.empty()) {
      const auto model = sofiatwin::gis::build_default_model({}, {});
      std::cout << sofiatwin::scenarios::model_summary(model, {{"model", "embedded default Sofia model"}});
      print_report(model.report, show_report);
      return;
    }
    const auto metadata = sofiatwin::gis::read_twin_metadata(twin);
    const auto model = sofiatwin::gis::read_twin(twin);
    std::cout << sofiatwin::scenarios::model_summary(model, metadata);
    for (const auto& s : model.sources) std::cout << "  source: " << s.role << " " << s.path << " sha256 " << s.sha256 << "\n";
    print_report(model.report, show_report);
  }
};

/// `assign`: TNTP benchmark mode.
struct AssignCommand {
  std::string net, trips, flows_out, algorithm = "gp";
  sofiatwin::transport::AssignmentOptions options;
  bool converged = true;

  void add_to(CLI::App& app) {
    auto* cmd = app.add_subcommand("assign", "Static user-equilibrium assignment of a TNTP network (benchmark mode)");
    cmd->add_option("--net", net, "TNTP network file (X_net.tntp)")->required();
    cmd->add_option("--trips", trips, "TNTP trip table (X_trips.tntp)")->required();
    cmd->add_option("--algorithm", algorithm, "fw, cfw, bfw or gp (gradient projection)")->capture_default_str();
    cmd->add_option("--gap", options.target_relative_gap, "Target relative gap")->capture_default_str();
    cmd->add_option("--max-iterations", options.max_iterations, "Iteration limit")->capture_default_str();
    cmd->add_option("--toll-factor", options.weights.toll_factor, "Generalised cost: minutes per toll unit")->capture_default_str();
    cmd->add_option("--distance-factor", options.weights.distance_factor, "Generalised cost: minutes per length unit")->capture_default_str();
    cmd->add_option("--flows-out", flows_out, "Write link flows in the TNTP flow layout");
    cmd->callback([this] { run(); });
  }

  void run() {
    namespace tr = sofiatwin::transport;
    const auto chosen = tr::parse_algorithm(algorithm);
    if (!chosen) throw sofiatwin::InputError("--algorithm: '" + algorithm + "' is not one of fw, cfw, bfw, gp");
    options.algorithm = *chosen;
    const auto network = tr::read_tntp_network(net);
    const auto od = tr::read_tntp_trips(trips, network.zone_count);
    std::printf("%-9s %-12s %-22s %-22s %s\n", "iteration", "relative_gap", "tstt", "beckmann", "elapsed_s");
    const auto result = tr::assign(network, od, options, [](const tr::IterationStats& s) {
      std::printf("%-9d %-12.4e %-22.10f %-22.10f %.3f\n", s.iteration, s.relative_gap, s.total_cost, s.beckmann, s.elapsed_s);
      std::fflush(stdout);
    });
    if (result.unassigned_trips > 0)
      std::printf("warning: %.6g trips between zone pairs with no path were not assigned\n", result.unassigned_trips);
    if (!flows_out.empty()) tr::write_tntp_flows(flows_out, network, result);
    converged = result.converged;
    if (!converged)
      std::printf("not converged: relative gap %.4e after %zu iterations (target %.1e)\n",
                  result.iterations.empty() ? 0.0 : result.iterations.back().relative_gap, result.iterations.size(),
                  options.target_relative_gap);
  }
};

/// `transport`: the demand -> mode split -> road assignment -> transit loads chain on a twin.
struct TransportCommand {
  std::string twin, params, out = "results/transport";
  bool converged = true;

  void add_to(CLI::App& app) {
    auto* cmd = app.add_subcommand("transport", "Run the transport chain on a twin (or the embedded default model)");
    cmd->add_option("twin", twin, "Twin GeoPackage (default: the embedded default Sofia model)");
    cmd->add_option("--params", params, "Transport parameter file (YAML; default: the built-in values of scenarios/sofia/transport.yaml)");
    cmd->add_option("--out", out, "Output folder: results.gpkg (twin + result layers) and CSV files")->capture_default_str();
    cmd->callback([this] { run(); });
  }

  void run() {
    StderrProgress progress;
    const auto parameters = params.empty() ? sofiatwin::scenarios::TransportParameters{}
                                           : sofiatwin::scenarios::load_transport_parameters(params);
    const bool embedded = twin.empty();
    const auto model = embedded ? sofiatwin::gis::build_default_model({}, {}, &progress) : sofiatwin::gis::read_twin(twin);
    const auto result = sofiatwin::scenarios::run_transport(model, parameters, &progress);
    sofiatwin::scenarios::write_transport_csv(out, model, result);
    sofiatwin::gis::ResultLayers layers{result.road.link_flow, result.road.link_cost, result.transit.route_boardings,
                                        result.transit.stop_boardings, result.transit.segment_load,
                                        {{"vehicle_hours", result.kpis.vehicle_hours},
                                         {"vehicle_km", result.kpis.vehicle_km},
                                         {"average_speed_kmh", result.kpis.average_speed_kmh},
                                         {"congested_km", result.kpis.congested_km},
                                         {"pt_share", result.demand.pt_share},
                                         {"daily_pt_trips", result.demand.daily_pt_trips}}};
    sofiatwin::gis::write_twin(model, out + "/results.gpkg",
                               {{"model", embedded ? "embedded default Sofia model" : twin}, {"tool_version", tool_version},
                                {"created_utc", utc_now()}, {"parameters", params.empty() ? "built-in" : params}},
                               &layers);
    std::printf("vehicle-hours %.0f, vehicle-km %.0f, average speed %.1f km/h, congested %.1f km, PT share %.3f, "
                "%.0f PT trips/day -> %s\n",
                result.kpis.vehicle_hours, result.kpis.vehicle_km, result.kpis.average_speed_kmh, result.kpis.congested_km,
                result.demand.pt_share, result.demand.daily_pt_trips, out.c_str());
    for (const auto& w : result.warnings) std::printf("warning: %s\n", w.c_str());
    converged = result.road.converged;
  }
};

/// `hydraulics`: an EPANET .inp network over its period (extended period simulation), EPANET-style
/// CSV reports at its reporting times and the log of every hydraulic step.
struct HydraulicsCommand {
  std::string inp, report_dir = ".";
  long report_every_s = 0;
  std::optional<double> pressure_threshold;
  bool converged = true;

  void add_to(CLI::App& app) {
    auto* cmd = app.add_subcommand("hydraulics", "Simulate a water network over its period (an EPANET .inp file, a twin's water "
                                                 "layers, or the default Sofia network); EPANET-style CSV reports");
    cmd->add_option("network", inp, "EPANET .inp file or twin GeoPackage (default: the embedded default Sofia model's network)");
    cmd->add_option("--report-dir", report_dir, "Folder for <name>_nodes.csv, _links.csv, _steps.csv")->capture_default_str();
    cmd->add_option("--report-every", report_every_s,
                    "Write only reporting times that are multiples of this many seconds (0: every reporting time, as the file asks; "
                    "the reference dumps of the large networks use their dump_every_s)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--pressure-threshold", pressure_threshold,
                    "Also count the junctions with demand whose pressure falls below this (the file's pressure units, e.g. 20 m)");
    cmd->callback([this] { run(); });
  }

  void run() {
    namespace water = sofiatwin::water;
    const auto start = std::chrono::steady_clock::now();
    const auto net = load_network();
    water::ReportCsv report(net, report_dir);  // an unwritable folder fails here, before the run
    int report_times = 0;
    water::KpiMeter meter(net, pressure_threshold.value_or(-std::numeric_limits<double>::infinity()));
    const auto result = water::simulate(
        net,
        [&](long time_s, const water::HydraulicState& state) {
          if (report_every_s > 0 && time_s % report_every_s != 0) return;
          report.add(time_s, state);
          ++report_times;
        },
        1.0, [&](long, long step_s, const water::HydraulicState& state) { meter.add(step_s, state); });
    report.commit(result.steps);
    const std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
    int iterations = 0;
    double worst = 0.0;
    for (const auto& step : result.steps) iterations += step.iterations, worst = std::max(worst, step.relative_error);
    std::printf("%s: %zu nodes, %zu links, %zu hydraulic steps to %ld s, %d iterations, largest relative error %.2e, "
                "%d reporting times, %.3f s -> %s\n",
                net.name.c_str(), net.node_count(), net.link_count(), result.steps.size(), result.steps.back().time_s, iterations,
                worst, report_times, s.count(), report_dir.c_str());
    print_totals(net, meter.result(!result.halted));
    for (const auto& w : result.warnings) std::printf("warning: %s\n", w.c_str());
    if (result.halted) std::printf("stopped at %ld s: %s\n", result.halted_at_s, result.halt_reason.c_str());
    converged = !result.halted && result.warnings.empty();
  }

  /// The period's volumes and pump energy (extended period runs), the junctions' pressure range
  /// and, with --pressure-threshold, the junctions below it.
  void print_totals(const sofiatwin::water::WaterNetwork& net, const sofiatwin::water::WaterKpis& k) const {
    const std::map<std::string, std::string> names = {{"PSI", "psi"}, {"KPA", "kPa"}, {"METERS", "m"}, {"BAR", "bar"}, {"FEET", "ft"}};
    const auto named = names.find(net.units.pressure_name);
    const std::string unit = named != names.end() ? named->second : net.units.si ? "m" : "psi";
    if (net.times.duration_s > 0) {
      const double supplied = k.delivered_m3 + k.leakage_m3;
      std::printf("period: demand %.1f m3, delivered %.1f m3, leakage %.1f m3 (%.1f %% of the water supplied), pump energy %.1f kWh\n",
                  k.demand_m3, k.delivered_m3, k.leakage_m3, supplied > 0 ? 100.0 * k.leakage_m3 / supplied : 0.0, k.pump_energy_kwh);
    }
    if (k.min_pressure <= k.max_pressure)
      std::printf("pressure at junctions with demand: %.2f to %.2f %s\n", k.min_pressure, k.max_pressure, unit.c_str());
    if (pressure_threshold)
      std::printf("junctions below %.2f %s: %d (%.1f junction-hours)\n", *pressure_threshold, unit.c_str(), k.pressure_deficit_junctions,
                  k.pressure_deficit_junction_hours);
  }

  [[nodiscard]] sofiatwin::water::WaterNetwork load_network() const {
    if (inp.empty()) return std::move(sofiatwin::gis::build_default_model({}, {}).water.network);
    if (auto water = sofiatwin::gis::read_water_dataset(inp)) return std::move(water->network);
    return sofiatwin::water::read_inp(inp);
  }
};

}  // namespace

int main(int argc, char** argv) {
  GDALAllRegister();
  CLI::App app{"sofiatwin - the urban digital twin of Sofia"};
  app.set_version_flag("--version", tool_version);
  app.require_subcommand(1);
  int threads = 0;
  app.add_option("--threads", threads, "Worker threads (0 = all cores); before or after the subcommand");
  app.fallthrough();  // subcommands inherit it: `sofiatwin assign ... --threads 2` works too
  ImportCommand import_command;
  InfoCommand info_command;
  AssignCommand assign_command;
  TransportCommand transport_command;
  HydraulicsCommand hydraulics_command;
  transport_command.add_to(app);
  hydraulics_command.add_to(app);
  import_command.add_to(app);
  info_command.add_to(app);
  assign_command.add_to(app);
  std::unique_ptr<oneapi::tbb::global_control> thread_limit;
  app.parse_complete_callback([&] {
    if (threads > 0)
      thread_limit = std::make_unique<oneapi::tbb::global_control>(oneapi::tbb::global_control::max_allowed_parallelism,
                                                                   static_cast<std::size_t>(threads));
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const sofiatwin::InputError& e) {
    std::cerr << "sofiatwin: error: " << e.what() << "\n";
    return 1;
  } catch (const std::invalid_argument& e) {
    std::cerr << "sofiatwin: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "sofiatwin: internal error: " << e.what() << "\n";
    return 3;
  }
  return assign_command.converged && transport_command.converged && hydraulics_command.converged ? 0 : 4;  // 4: the assignment did not reach its target gap
}
