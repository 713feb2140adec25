// `sofiatwin transport`
#include <gdal_priv.h>

#include <cstdio>

#include "app/command.hpp"
#include "gis/default_model.hpp"
#include "gis/twin_store.hpp"
#include "scenarios/transport_run.hpp"

namespace sofiatwin::app {
namespace {

/// `transport`: the demand -> mode split -> road assignment -> transit loads chain on a twin.
class TransportCommand final : public Command {
 public:
  std::string twin, params, out = "results/transport";
  bool converged = true;

  [[nodiscard]] int exit_code() const override { return converged ? exit_ok : exit_not_converged; }

  void add_to(CLI::App& app) override {
    auto* cmd = app.add_subcommand("transport", "Run the transport chain on a twin (or the embedded default model)");
    cmd->add_option("twin", twin, "Twin GeoPackage (default: the embedded default Sofia model)");
    cmd->add_option("--params", params, "Transport parameter file (YAML; default: the built-in values of scenarios/sofia/transport.yaml)");
    cmd->add_option("--out", out, "Output folder: results.gpkg (twin + result layers) and CSV files")->capture_default_str();
    cmd->callback([this] { run(); });
  }

  void run() {
    GDALAllRegister();
    StderrProgress progress;
    const auto parameters = params.empty() ? scenarios::TransportParameters{}
                                           : scenarios::load_transport_parameters(params);
    const bool embedded = twin.empty();
    const auto model = embedded ? gis::build_default_model({}, {}, &progress) : gis::read_twin(twin);
    const auto result = scenarios::run_transport(model, parameters, &progress);
    scenarios::write_transport_csv(out, model, result);
    gis::ResultLayers layers{result.road.link_flow, result.road.link_cost, result.transit.route_boardings,
                                        result.transit.stop_boardings, result.transit.segment_load,
                                        {{"vehicle_hours", result.kpis.vehicle_hours},
                                         {"vehicle_km", result.kpis.vehicle_km},
                                         {"average_speed_kmh", result.kpis.average_speed_kmh},
                                         {"congested_km", result.kpis.congested_km},
                                         {"pt_share", result.demand.pt_share},
                                         {"daily_pt_trips", result.demand.daily_pt_trips}}};
    gis::write_twin(model, out + "/results.gpkg",
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

}  // namespace

std::unique_ptr<Command> make_transport_command() { return std::make_unique<TransportCommand>(); }

}  // namespace sofiatwin::app
