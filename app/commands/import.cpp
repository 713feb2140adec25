// `sofiatwin import`
#include <gdal_priv.h>

#include <chrono>
#include <iostream>

#include "app/command.hpp"
#include "gis/default_model.hpp"
#include "gis/errors.hpp"
#include "gis/importer.hpp"
#include "gis/twin_store.hpp"
#include "scenarios/model_summary.hpp"

namespace sofiatwin::app {
namespace {

class ImportCommand final : public Command {
 public:
  gis::ImportSources sources;
  gis::ImportOptions options;
  std::string out;
  bool show_report = false;

  void add_to(CLI::App& app) override {
    auto* cmd = app.add_subcommand("import", "Import GIS layers (or, with none, the embedded default Sofia model) into a twin GeoPackage");
    cmd->add_option("--districts", sources.districts, "Zone polygons (file[:layer]): code, name, population");
    cmd->add_option("--neighbourhoods", sources.neighbourhoods, "Finer zone polygons (file[:layer])");
    cmd->add_option("--traffic-zones", sources.traffic_zones, "Zone polygons made for transport modelling (file[:layer])");
    cmd->add_option("--places", sources.places, "Key places (points: kind municipality|district_administration, name; default: Sofia's)");
    cmd->add_option("--parking", sources.parking, "Paid-parking zones (polygons: name, rate_eur_per_h; default: Sofia's Blue and Green zones)");
    cmd->add_option("--gateways", sources.gateways, "Where roads leave the model (points: name, vehicles_per_day; default: Sofia's)");
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
    return sources.districts || sources.neighbourhoods || sources.traffic_zones || sources.gtfs || sources.osm || sources.roads ||
           sources.buildings || sources.population || sources.dem || sources.water;
  }

  void run() {
    GDALAllRegister();
    StderrProgress progress;
    const bool embedded = !has_sources();
    auto model = embedded ? gis::build_default_model({}, options, &progress)
                          : gis::import_city(sources, options, &progress);
    const auto start = std::chrono::steady_clock::now();
    gis::write_twin(model, out, {{"model", embedded ? "embedded default Sofia model" : "imported"},
                                            {"tool_version", tool_version}, {"created_utc", utc_now()}});
    const std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
    progress.stage_done("write", out, s.count());
    std::cout << scenarios::model_summary(model, {{"model", embedded ? "embedded default Sofia model" : "imported"}});
    print_import_report(model.report, show_report);
  }
};

}  // namespace

std::unique_ptr<Command> make_import_command() { return std::make_unique<ImportCommand>(); }

}  // namespace sofiatwin::app
