// `sofiatwin transport`
#include <gdal_priv.h>

#include <cstdio>

#include "app/command.hpp"
#include "gis/default_model.hpp"
#include "gis/twin_store.hpp"
#include "scenarios/transport_outputs.hpp"
#include "scenarios/transport_run.hpp"
#include "scenarios/validation.hpp"
#include "sim/core/atomic_file.hpp"

namespace sofiatwin::app {
namespace {

/// `transport`: zones and connectors -> demand by purpose and period -> road assignment and transit
/// loads per period -> KPIs per period, day and year.
class TransportCommand final : public Command {
 public:
  std::string twin, params, validation, out = "results/transport";
  bool converged = true;

  [[nodiscard]] int exit_code() const override { return converged ? exit_ok : exit_not_converged; }

  void add_to(CLI::App& app) override {
    auto* cmd = app.add_subcommand("transport", "Run the transport model on a twin (or the embedded default model)");
    cmd->add_option("twin", twin, "Twin GeoPackage (default: the embedded default Sofia model)");
    cmd->add_option("--params", params, "Transport parameter file (YAML; default: the built-in scenarios/sofia/transport.yaml)");
    cmd->add_option("--validate", validation, "Compare with published figures (e.g. scenarios/sofia/validation.yaml); writes validation.csv");
    cmd->add_option("--out", out, "Output folder: results.gpkg (result layers), CSV tables, kpis.csv")->capture_default_str();
    cmd->callback([this] { run(); });
  }

  void run() {
    GDALAllRegister();
    StderrProgress progress;
    const auto figures = validation.empty() ? std::vector<scenarios::ValidationFigure>{} : scenarios::load_validation_figures(validation);
    const auto parameters = params.empty() ? scenarios::default_transport_parameters() : scenarios::load_transport_parameters(params);
    const bool embedded = twin.empty();
    const auto model = embedded ? gis::build_default_model({}, {}, &progress) : gis::read_twin(twin);
    const auto result = scenarios::run_transport(model, parameters, &progress);
    const auto kpis = scenarios::transport_kpis(result, parameters);
    scenarios::write_transport_outputs(out, model, result, parameters, kpis,
                                       {{"model", embedded ? "embedded default Sofia model" : twin},
                                        {"tool_version", tool_version},
                                        {"created_utc", utc_now()},
                                        {"parameters", params.empty() ? parameters.source : params},
                                        {"zoning", scenarios::zoning_layer(result.zoning)}});
    auto day = [&](const char* name) {
      const auto* row = kpis.find(name);
      return row ? row->day : 0.0;
    };
    std::printf("day: vehicle-hours %.0f, vehicle-km %.0f, average speed %.1f km/h, PT share %.3f, %.0f PT boardings, car constant %.2f min -> %s\n",
                day("vehicle_hours"), day("vehicle_km"), day("average_speed_kmh"), day("pt_share"), day("pt_boardings"),
                result.demand.car_constant_min, out.c_str());
    if (!figures.empty()) {
      const auto results = scenarios::validate(model, result, kpis, figures);
      write_file_atomically(out + "/validation.csv", scenarios::validation_csv(results));
      for (const auto& r : results)
        std::printf("validation: %-40s published %10.4g, model %10.4g (%+.0f %%, tolerance %.0f %%)%s\n", r.figure.name.c_str(), r.figure.published,
                    r.model, 100 * r.relative_difference(), 100 * r.figure.tolerance, r.available ? (r.within() ? "" : "  OUTSIDE") : "  not measurable");
    }
    for (const auto& n : result.notes) std::printf("note: %s\n", n.c_str());
    for (const auto& w : result.warnings) std::printf("warning: %s\n", w.c_str());
    converged = true;
    for (const auto& period : result.periods) converged = converged && period.road.converged;
  }
};

}  // namespace

std::unique_ptr<Command> make_transport_command() { return std::make_unique<TransportCommand>(); }

}  // namespace sofiatwin::app
