#include "importer.hpp"

#include <chrono>
#include <filesystem>
#include <cmath>
#include <functional>
#include <limits>

#include "gis/raster_ops.hpp"
#include "gis/readers.hpp"
#include "gis/road_network.hpp"
#include "gis/water_layers.hpp"

namespace sofiatwin::gis {
namespace {

/// Runs one stage and reports it as one progress line.
class StageTimer {
 public:
  explicit StageTimer(ProgressSink* sink) : sink_(sink) {}
  void run(std::string_view stage, const std::function<std::string()>& work) {
    const auto start = std::chrono::steady_clock::now();
    const std::string detail = work();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (sink_) sink_->stage_done(stage, detail, elapsed.count());
  }

 private:
  ProgressSink* sink_;
};

void record_source(CityModel& model, const std::string& role, const std::string& text) {
  const auto ref = parse_layer_ref(text);
  VSIStatBufL stat{};
  const bool folder = VSIStatL(ref.path.c_str(), &stat) == 0 && VSI_ISDIR(stat.st_mode);
  model.sources.push_back({role, text, folder ? std::string("(folder)") : file_sha256(ref.path)});
}

Point2 footprint_centre(const Polygon& footprint) {
  const auto box = bounds(footprint.front());
  return {(box.min_x_m + box.max_x_m) / 2, (box.min_y_m + box.max_y_m) / 2};
}

void sample_dem(CityModel& model, const std::string& path, const ImportContext& ctx) {
  const RasterSampler dem(path, ctx);
  std::size_t missing = 0;
  for (std::size_t v = 0; v < model.roads.nodes.size(); ++v) {
    model.roads.nodes.elevation_m[v] = dem.sample(model.roads.nodes.position[v]);
    missing += std::isnan(model.roads.nodes.elevation_m[v]);
  }
  for (std::size_t b = 0; b < model.buildings.size(); ++b)
    model.buildings.base_elevation_m[b] = dem.sample(footprint_centre(model.buildings.footprint[b]));
  if (missing > 0)
    ctx.report->warn(path, "band 1", {}, {}, std::to_string(missing) + " road nodes lie outside the DEM or on no-data cells; elevation left empty");
  model.elevation = warp_elevation(path, ctx);
}

/// Warns about features outside the zones' extent (the municipality when zones are districts).
void check_extent(const CityModel& model, ImportReport& report) {
  if (model.zones.size() == 0) return;
  BoundingBox extent;
  for (const auto& b : model.zones.boundary) extent.extend(bounds(b));
  auto count_outside = [&](const std::vector<Point2>& points) {
    std::size_t n = 0;
    for (auto p : points) n += !extent.contains(p);
    return n;
  };
  std::vector<Point2> building_centres;
  for (const auto& f : model.buildings.footprint) building_centres.push_back(footprint_centre(f));
  const std::pair<const char*, std::size_t> checks[] = {
      {"road_nodes", count_outside(model.roads.nodes.position)},
      {"transit_stops", count_outside(model.transit.stops.position)},
      {"buildings", count_outside(building_centres)}};
  for (const auto& [layer, n] : checks)
    if (n > 0) report.warn("extent", layer, {}, {}, std::to_string(n) + " features lie outside the zones' extent");
}

/// The district holding p: the one whose polygon contains it, else the one with the nearest label point.
std::int32_t district_at(const Zones& districts, Point2 p) {
  std::int32_t nearest = -1;
  double nearest_m = std::numeric_limits<double>::infinity();
  for (std::size_t d = 0; d < districts.size(); ++d) {
    if (contains(districts.boundary[d], p)) return static_cast<std::int32_t>(d);
    if (const double m = distance_m(p, districts.centroid[d]); m < nearest_m) nearest_m = m, nearest = static_cast<std::int32_t>(d);
  }
  return nearest;
}

/// Each zone of the finer zonings gets the district holding its label point; districts are their own.
void assign_districts(CityModel& model) {
  for (std::size_t d = 0; d < model.zones.size(); ++d) model.zones.district[d] = static_cast<std::int32_t>(d);
  for (Zones* zones : {&model.neighbourhoods, &model.traffic_zones})
    for (std::size_t z = 0; z < zones->size(); ++z) zones->district[z] = district_at(model.zones, zones->centroid[z]);
}

}  // namespace

CityModel import_city(const ImportSources& sources, const ImportOptions& options, ProgressSink* progress) {
  CityModel model;
  model.crs = options.model_crs;
  ImportContext ctx{make_crs(options.model_crs), std::nullopt, options, &model.report};
  if (options.input_crs) ctx.input_crs = make_crs(*options.input_crs);
  if (options.snap_tolerance_m < 0 || options.storey_height_m <= 0)
    throw InputError("options: snap tolerance must be >= 0 and storey height > 0");
  StageTimer stage(progress);

  const std::pair<const char*, const std::optional<std::string>*> roles[] = {
      {"districts", &sources.districts}, {"neighbourhoods", &sources.neighbourhoods},
      {"traffic_zones", &sources.traffic_zones}, {"places", &sources.places}, {"parking", &sources.parking},
      {"gateways", &sources.gateways}, {"gtfs", &sources.gtfs},
      {"osm", &sources.osm}, {"roads", &sources.roads}, {"buildings", &sources.buildings},
      {"population", &sources.population}, {"dem", &sources.dem}, {"water", &sources.water}};
  for (const auto& [role, value] : roles)
    if (*value) record_source(model, role, **value);

  if (sources.districts)
    stage.run("zones", [&] {
      model.zones = read_zones(*sources.districts, ctx);
      return std::to_string(model.zones.size()) + " zones";
    });
  if (sources.neighbourhoods)
    stage.run("neighbourhoods", [&] {
      model.neighbourhoods = read_zones(*sources.neighbourhoods, ctx);
      return std::to_string(model.neighbourhoods.size()) + " neighbourhoods";
    });
  if (sources.traffic_zones)
    stage.run("traffic zones", [&] {
      model.traffic_zones = read_zones(*sources.traffic_zones, ctx);
      return std::to_string(model.traffic_zones.size()) + " traffic zones";
    });
  if (sources.population)
    stage.run("population", [&] {
      double total = 0;
      for (Zones* zones : {&model.zones, &model.neighbourhoods, &model.traffic_zones}) {
        if (zones->size() == 0) continue;
        zones->population = zonal_sums(*sources.population, *zones, ctx);
        if (zones == &model.zones)
          for (double p : zones->population) total += p;
      }
      model.report.info(*sources.population, "band 1", "zone populations are zonal sums of the raster: " +
                                                         std::to_string(static_cast<long long>(std::llround(total))) + " in all");
      return std::to_string(static_cast<long long>(std::llround(total))) + " inhabitants in the zones";
    });

  assign_districts(model);
  stage.run("places", [&] {
    model.places = sources.places ? read_places(*sources.places, ctx) : sofia_administrations(ctx);
    for (std::size_t i = 0; i < model.places.size(); ++i) model.places.district[i] = district_at(model.zones, model.places.position[i]);
    return std::to_string(model.places.size()) + (sources.places ? " places" : " administrations of Sofia (embedded)");
  });
  stage.run("parking", [&] {
    model.parking = sources.parking ? read_parking_zones(*sources.parking, ctx) : sofia_parking_zones(ctx);
    return std::to_string(model.parking.size()) + (sources.parking ? " paid-parking zones" : " paid-parking zones of Sofia (embedded)");
  });
  stage.run("gateways", [&] {
    model.gateways = sources.gateways ? read_gateways(*sources.gateways, ctx) : sofia_gateways(ctx);
    return std::to_string(model.gateways.size()) + (sources.gateways ? " gateways" : " gateways of Sofia (embedded)");
  });

  std::vector<RoadLine> lines;
  std::vector<BuildingInput> building_inputs;
  if (sources.osm)
    stage.run("osm", [&] {
      auto content = read_osm(*sources.osm, ctx);
      lines = std::move(content.roads);
      building_inputs = std::move(content.buildings);
      return std::to_string(lines.size()) + " highway ways, " + std::to_string(building_inputs.size()) + " buildings";
    });
  if (sources.roads)
    stage.run("roads", [&] {
      auto more = read_road_layer(*sources.roads, ctx);
      lines.insert(lines.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
      return std::to_string(more.size()) + " lines";
    });
  stage.run("road network", [&] {
    model.roads = build_road_network(lines, options, model.report);
    return std::to_string(model.roads.nodes.size()) + " nodes, " + std::to_string(model.roads.links.size()) + " links";
  });
  if (sources.buildings)
    stage.run("buildings", [&] {
      auto more = read_building_layer(*sources.buildings, ctx);
      building_inputs.insert(building_inputs.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
      return std::to_string(more.size()) + " footprints";
    });
  model.buildings = make_buildings(std::move(building_inputs), options);
  if (sources.gtfs)
    stage.run("gtfs", [&] {
      model.transit = read_gtfs(*sources.gtfs, ctx);
      return std::to_string(model.transit.stops.size()) + " stops, " + std::to_string(model.transit.routes.size()) +
             " routes, " + std::to_string(model.transit.patterns.size()) + " patterns";
    });
  if (sources.dem)
    stage.run("elevation", [&] {
      sample_dem(model, *sources.dem, ctx);
      return std::to_string(model.elevation.columns) + " x " + std::to_string(model.elevation.rows) + " grid";
    });
  if (sources.water)
    stage.run("water", [&] {
      std::optional<RasterSampler> dem;
      if (sources.dem) dem.emplace(*sources.dem, ctx);
      model.water = read_water_layers(*sources.water, std::filesystem::path(*sources.water).stem().string(), ctx, dem ? &*dem : nullptr);
      return std::to_string(model.water.network.junction_count) + " junctions, " + std::to_string(model.water.network.link_count()) + " links";
    });
  check_extent(model, model.report);
  return model;
}

}  // namespace sofiatwin::gis
