// `sofiatwin hydraulics`
#include <gdal_priv.h>

#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>

#include "app/command.hpp"
#include "gis/default_model.hpp"
#include "gis/water_layers.hpp"
#include "sim/water/hydraulics.hpp"
#include "sim/water/inp_io.hpp"
#include "sim/water/report_csv.hpp"
#include "sim/water/scenario.hpp"
#include "sim/water/simulation.hpp"

namespace sofiatwin::app {
namespace {

/// `hydraulics`: an EPANET .inp network over its period (extended period simulation), EPANET-style
/// CSV reports at its reporting times and the log of every hydraulic step.
class HydraulicsCommand final : public Command {
 public:
  std::string inp, report_dir = ".";
  long report_every_s = 0;
  std::optional<double> pressure_threshold;
  bool converged = true;

  [[nodiscard]] int exit_code() const override { return converged ? exit_ok : exit_not_converged; }

  void add_to(CLI::App& app) override {
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
    GDALAllRegister();
    namespace water = water;
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
  void print_totals(const water::WaterNetwork& net, const water::WaterKpis& k) const {
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

  [[nodiscard]] water::WaterNetwork load_network() const {
    if (inp.empty()) return std::move(gis::build_default_model({}, {}).water.network);
    if (auto water = gis::read_water_dataset(inp)) return std::move(water->network);
    return water::read_inp(inp);
  }
};

}  // namespace

std::unique_ptr<Command> make_hydraulics_command() { return std::make_unique<HydraulicsCommand>(); }

}  // namespace sofiatwin::app
