#include "default_model.hpp"

#include <cpl_vsi.h>
#include <gdal_alg.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <sstream>

#include "gis/default_model_parts.hpp"
#include "gis/default_activity.hpp"
#include "gis/default_transit.hpp"
#include "gis/default_water.hpp"
#include "gis/default_zones.hpp"
#include "gis/errors.hpp"

namespace sofiatwin::assets {
std::string_view text(std::string_view name);
}

namespace sofiatwin::gis {
namespace {

using namespace default_model;

constexpr double max_settled_elevation_m = 1100.0;  // no buildings above (the upper slopes of Vitosha)
constexpr double traffic_zone_population = 5500.0;  // about 220 traffic zones for 1.2 million inhabitants ...
constexpr double traffic_zone_extra_area_km2 = 60.0;  // ... plus one per 60 km2 of a district (the rural ones)

struct Facts {
  std::vector<District> districts;
  std::vector<AuthoredRoad> roads;
  Terrain terrain;
  std::vector<WaterSource> water_sources;
};

Point2 project(const Reprojector& to_model, double lon, double lat) {
  double x = lon, y = lat;
  if (!to_model.transform(x, y)) throw InputError("embedded assets: coordinate cannot be projected");
  return {x, y};
}

Facts load_facts(const OGRSpatialReference& model_crs) {
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  const Reprojector to_model(wgs84, model_crs);
  Facts f;
  const auto districts = parse_csv(assets::text("districts.csv"));
  for (std::size_t r = 1; r < districts.size(); ++r) {
    const auto& row = districts[r];
    f.districts.push_back({row[1], row[2], row[3], std::stod(row[4]), std::stod(row[6]),
                           project(to_model, std::stod(row[7]), std::stod(row[8]))});
  }
  const auto roads = parse_csv(assets::text("roads.csv"));
  for (std::size_t r = 1; r < roads.size(); ++r) {
    AuthoredRoad road{roads[r][0], roads[r][1], {}};
    std::stringstream points(roads[r][2]);
    std::string pair;
    while (std::getline(points, pair, '|')) {
      double lon = 0, lat = 0;
      std::sscanf(pair.c_str(), "%lf %lf", &lon, &lat);
      road.waypoints.push_back(project(to_model, lon, lat));
    }
    f.roads.push_back(std::move(road));
  }
  const auto plants = parse_csv(assets::text("water_sources.csv"));
  for (std::size_t r = 1; r < plants.size(); ++r)
    f.water_sources.push_back({plants[r][0], project(to_model, std::stod(plants[r][2]), std::stod(plants[r][3]))});
  f.terrain = {project(to_model, 23.2786, 42.5636), project(to_model, 23.1558, 42.6339), project(to_model, 23.3219, 42.6977)};
  return f;
}

Lattice make_lattice(const Facts& f) {
  BoundingBox box;
  for (const auto& d : f.districts) box.extend(d.label);
  for (const auto& r : f.roads) box.extend(bounds(r.waypoints));
  Lattice lattice;
  const double margin_m = 8000;
  lattice.origin_x_m = std::floor((box.min_x_m - margin_m) / 1000) * 1000;
  lattice.origin_y_m = std::floor((box.min_y_m - margin_m) / 1000) * 1000;
  lattice.nx = static_cast<int>((box.max_x_m + margin_m - lattice.origin_x_m) / lattice.step_m);
  lattice.ny = static_cast<int>((box.max_y_m + margin_m - lattice.origin_y_m) / lattice.step_m);
  assign_zones(lattice, f.districts);
  return lattice;
}

// ---------- writing the synthetic sources ----------

GDALDatasetUniquePtr create_gpkg(const std::string& path) {
  auto* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw InputError(path + ": cannot create the default model's in-memory store");
  return ds;
}

void write_districts(GDALDataset& ds, const Lattice& lattice, const Facts& f, const OGRSpatialReference& crs) {
  const auto parts = polygonize_cells(lattice, lattice.cell_zone, f.districts.size(), crs);
  OGRLayer* layer = create_layer(ds, "districts", wkbMultiPolygon, crs,
                                 {{"code", OFTString}, {"name", OFTString}, {"name_en", OFTString}, {"population", OFTReal}});
  for (std::size_t z = 0; z < f.districts.size(); ++z) {
    OGRFeature feature(layer->GetLayerDefn());
    feature.SetField("code", f.districts[z].code.c_str());
    feature.SetField("name", f.districts[z].name_bg.c_str());
    feature.SetField("name_en", f.districts[z].name_en.c_str());
    feature.SetField("population", f.districts[z].population);
    feature.SetGeometry(&parts[z]);
    if (layer->CreateFeature(&feature) != OGRERR_NONE) throw InputError("default model: cannot write a feature");
  }
}

/// Street spacing (in lattice steps) by density: 250 m in the dense core, up to 2 km in the country.
int spacing_steps(double persons_per_km2) {
  if (persons_per_km2 > 7000) return 1;
  if (persons_per_km2 > 2000) return 2;
  if (persons_per_km2 > 300) return 4;
  return 8;
}

/// The authored road's name on each lattice edge it was traced along (the highest class wins).
using EdgeNames = std::map<std::pair<std::int64_t, std::int64_t>, std::string>;

void add_edge(EdgeMap& edges, const Lattice& l, int i0, int j0, int i1, int j1, RoadClass cls, EdgeNames* names = nullptr,
              const std::string& name = {}) {
  auto id = [&](int i, int j) { return static_cast<std::int64_t>(j) * (l.nx + 1) + i; };
  const std::int64_t a = id(i0, j0), b = id(i1, j1);
  const auto key = std::make_pair(std::min(a, b), std::max(a, b));
  auto [it, added] = edges.emplace(key, cls);
  const bool higher = added || cls < it->second;  // a lower enum value is a higher class
  if (!added) it->second = std::min(it->second, cls);
  if (names && (higher || !names->count(key))) (*names)[key] = name;
}

void add_local_streets(EdgeMap& edges, const Lattice& l, const std::vector<double>& density) {
  for (int j = 0; j <= l.ny; ++j)
    for (int i = 0; i <= l.nx; ++i) {
      // east edge on row j, between cells (i, j-1) and (i, j); north edge on column i likewise
      for (int dir = 0; dir < 2; ++dir) {
        const int za = dir == 0 ? l.zone(i, j) : l.zone(i, j);
        const int zb = dir == 0 ? l.zone(i, j - 1) : l.zone(i - 1, j);
        const int z = za >= 0 ? za : zb;
        if (z < 0) continue;
        const int k = spacing_steps(density[static_cast<std::size_t>(z)]);
        const int line_index = dir == 0 ? j : i;
        if (line_index % k != 0) continue;
        const RoadClass cls = line_index % 16 == 0 ? RoadClass::secondary
                              : line_index % 8 == 0 ? RoadClass::tertiary
                                                    : RoadClass::residential;
        if (dir == 0) add_edge(edges, l, i, j, i + 1, j, cls);
        else add_edge(edges, l, i, j, i, j + 1, cls);
      }
    }
}

/// An authored road traced onto the lattice (8-neighbour steps).
void add_traced_road(EdgeMap& edges, EdgeNames& names, const Lattice& l, const Polyline& waypoints, RoadClass cls,
                     const std::string& name) {
  const auto nodes = trace_on_lattice(l, waypoints);
  for (std::size_t k = 1; k < nodes.size(); ++k)
    add_edge(edges, l, nodes[k - 1].first, nodes[k - 1].second, nodes[k].first, nodes[k].second, cls, &names, name);
}

EdgeMap street_edges(const Lattice& l, const Facts& f, const std::vector<double>& density, EdgeNames& names) {
  EdgeMap edges;
  add_local_streets(edges, l, density);
  for (const auto& road : f.roads) add_traced_road(edges, names, l, road.waypoints, *parse_road_class(road.highway), road.name);
  return edges;
}

void write_roads(GDALDataset& ds, const Lattice& l, const EdgeMap& edges, const EdgeNames& names, const OGRSpatialReference& crs) {
  OGRLayer* layer = create_layer(ds, "roads", wkbLineString, crs, {{"highway", OFTString}, {"name", OFTString}});
  ds.StartTransaction();
  for (const auto& [key, cls] : edges) {
    OGRFeature feature(layer->GetLayerDefn());
    feature.SetField("highway", std::string(road_class_name(cls)).c_str());
    if (const auto named = names.find(key); named != names.end()) feature.SetField("name", named->second.c_str());
    OGRLineString line;
    for (auto id : {key.first, key.second}) {
      const auto p = l.node(static_cast<int>(id % (l.nx + 1)), static_cast<int>(id / (l.nx + 1)));
      line.addPoint(p.x_m, p.y_m);
    }
    feature.SetGeometry(&line);
    if (layer->CreateFeature(&feature) != OGRERR_NONE) throw InputError("default model: cannot write a feature");
  }
  ds.CommitTransaction();
}

struct BuildingStyle {
  const char* building_class;
  double persons_per_building, min_levels, max_levels, width_share;
};

BuildingStyle style_for(double persons_per_km2) {
  if (persons_per_km2 > 7000) return {"apartments", 60, 6, 14, 0.35};
  if (persons_per_km2 > 2000) return {"apartments", 25, 3, 8, 0.5};
  return {"house", 4, 1, 3, 0.8};
}

void write_buildings(GDALDataset& ds, const Lattice& l, const Facts& f, const std::vector<double>& density, const EdgeMap& edges,
                     const std::vector<double>& residents, Rng& rng, const OGRSpatialReference& crs) {
  OGRLayer* layer = create_layer(ds, "buildings", wkbPolygon, crs,
                                 {{"building", OFTString}, {"building:levels", OFTInteger}, {"height", OFTReal}});
  ds.StartTransaction();
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  const auto workplaces = write_activity_buildings(*layer, l, f.districts, edges, residents, f.terrain.centre, Reprojector(wgs84, crs), rng);
  const double usable_m = l.step_m - 40.0;  // keep 20 m from the streets on each side
  for (int j = 0; j < l.ny; ++j)
    for (int i = 0; i < l.nx; ++i) {
      const int z = l.zone(i, j);
      if (z < 0 || f.terrain.elevation_m(l.cell_centre(i, j)) > max_settled_elevation_m) continue;
      // residential buildings on the part of the cell that workplaces leave (north of them)
      const double taken_m = workplaces[static_cast<std::size_t>(j) * l.nx + i], free_m = usable_m - taken_m;
      const auto style = style_for(density[static_cast<std::size_t>(z)]);
      const double expected = density[static_cast<std::size_t>(z)] * (l.step_m * l.step_m / 1e6) / style.persons_per_building;
      const int count = std::min(16, static_cast<int>(expected * free_m / usable_m + rng.uniform()));  // stochastic rounding
      if (count == 0 || free_m < 20.0) continue;
      const int slots = static_cast<int>(std::ceil(std::sqrt(count)));
      const double slot_m = usable_m / slots, slot_y_m = free_m / slots;
      const Point2 corner = l.node(i, j);
      for (int b = 0; b < count; ++b) {
        const double cx = corner.x_m + 20 + (b % slots + 0.5) * slot_m, cy = corner.y_m + 20 + taken_m + (b / slots + 0.5) * slot_y_m;
        const double w = slot_m * rng.between(0.5, 0.8), h = std::min(w * rng.between(style.width_share, 1.0), slot_y_m * 0.8);
        OGRLinearRing ring;
        for (auto [sx, sy] : {std::pair{-1, -1}, {1, -1}, {1, 1}, {-1, 1}, {-1, -1}}) ring.addPoint(cx + sx * w / 2, cy + sy * h / 2);
        OGRPolygon polygon;
        polygon.addRing(&ring);
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetField("building", style.building_class);
        const int levels = static_cast<int>(rng.between(style.min_levels, style.max_levels + 1));
        const double pick = rng.uniform();  // 80 % levels, 10 % measured height, 10 % nothing (class default)
        if (pick < 0.8) feature.SetField("building:levels", levels);
        else if (pick < 0.9) feature.SetField("height", levels * 3.0 + rng.between(0.5, 2.5));
        feature.SetGeometry(&polygon);
        if (layer->CreateFeature(&feature) != OGRERR_NONE) throw InputError("default model: cannot write a feature");
      }
    }
  ds.CommitTransaction();
}

void write_dem(const std::string& path, const Lattice& l, const Terrain& terrain, const OGRSpatialReference& crs) {
  const double cell_m = 200.0;
  const int nx = static_cast<int>(std::ceil(l.nx * l.step_m / cell_m)) + 2, ny = static_cast<int>(std::ceil(l.ny * l.step_m / cell_m)) + 2;
  auto* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
  GDALDatasetUniquePtr dem(driver->Create(path.c_str(), nx, ny, 1, GDT_Float32, nullptr));
  const double top = l.origin_y_m - cell_m + ny * cell_m;
  double transform[6] = {l.origin_x_m - cell_m, cell_m, 0, top, 0, -cell_m};
  dem->SetGeoTransform(transform);
  dem->SetSpatialRef(&crs);
  std::vector<float> values(static_cast<std::size_t>(nx) * ny);
  for (int r = 0; r < ny; ++r)
    for (int c = 0; c < nx; ++c)
      values[static_cast<std::size_t>(r) * nx + c] =
          static_cast<float>(terrain.elevation_m({l.origin_x_m + (c - 0.5) * cell_m, top - (r + 0.5) * cell_m}));
  if (dem->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, nx, ny, values.data(), nx, ny, GDT_Float32, 0, 0) != CE_None)
    throw InputError("default model: cannot write the DEM");
}

/// Removes the in-memory folder when the build ends, whatever happens.
struct VsimemFolder {
  std::string path;
  ~VsimemFolder() { VSIRmdirRecursive(path.c_str()); }
};

}  // namespace

CityModel build_default_model(const DefaultModelOptions& options, const ImportOptions& import_options, ProgressSink* progress) {
  const auto start = std::chrono::steady_clock::now();
  const auto crs = make_crs(import_options.model_crs);
  const Facts facts = load_facts(crs);
  const Lattice lattice = make_lattice(facts);
  const auto density = zone_density(lattice, facts.districts);
  VsimemFolder folder{"/vsimem/sofiatwin-default-" + std::to_string(reinterpret_cast<std::uintptr_t>(&facts))};
  VSIMkdir(folder.path.c_str(), 0755);
  const std::string gpkg = folder.path + "/default.gpkg";
  WaterSummary water;
  std::vector<double> residents;
  {
    auto ds = create_gpkg(gpkg);
    Rng rng{options.seed};
    write_districts(*ds, lattice, facts, crs);
    residents = cell_population(lattice, facts.districts, facts.terrain, max_settled_elevation_m);
    write_traffic_zones(*ds, lattice, facts.districts,
                        make_traffic_zones(lattice, facts.districts, residents, traffic_zone_population, traffic_zone_extra_area_km2), crs);
    EdgeNames names;
    const auto edges = street_edges(lattice, facts, density, names);
    write_roads(*ds, lattice, edges, names, crs);
    write_buildings(*ds, lattice, facts, density, edges, residents, rng, crs);
    water = write_default_water(*ds, crs, lattice, edges, facts.terrain, density, facts.water_sources);
  }
  write_dem(folder.path + "/dem.tif", lattice, facts.terrain, crs);
  {
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    const Reprojector to_model(wgs84, crs), to_wgs84(crs, wgs84);
    auto lines = authored_lines(to_model);
    for (auto& bus : synthetic_bus_lines(lattice, facts.roads, residents)) lines.push_back(std::move(bus));
    write_gtfs(folder.path + "/gtfs", lines, to_wgs84);
  }
  if (progress) {
    const std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
    progress->stage_done("default model", "districts, traffic zones, streets, buildings, terrain, transit and water generated from assets/sofia", s.count());
  }
  ImportSources sources;
  sources.districts = gpkg + ":districts";
  sources.traffic_zones = gpkg + ":traffic_zones";
  sources.roads = gpkg + ":roads";
  sources.buildings = gpkg + ":buildings";
  sources.dem = folder.path + "/dem.tif";
  sources.gtfs = folder.path + "/gtfs";
  sources.water = gpkg;
  CityModel model = import_city(sources, import_options, progress);
  model.water.network.name = "sofia";
  for (auto& entry : model.report.entries)  // the in-memory folder's name changes from run to run
    if (entry.source.rfind(folder.path, 0) == 0) entry.source = "default model" + entry.source.substr(folder.path.size());
  model.report.info("default model", "water",
                    std::to_string(water.junctions) + " junctions in " + std::to_string(water.zones) + " pressure zones, " +
                        std::to_string(water.prvs) + " PRVs, " + std::to_string(water.closed_boundary_pipes) +
                        " closed zone-boundary pipes; " + std::to_string(std::lround(water.population_served)) + " of " +
                        std::to_string(std::lround(water.population)) + " inhabitants served; " +
                        std::to_string(water.dropped_nodes) + " street nodes without a gravity feed left out");
  // The generated layers are a function of the embedded assets and the seed: record those.
  model.sources.clear();
  for (const char* asset : {"districts.csv", "metro_stations.csv", "roads.csv", "metro_service.csv", "surface_lines.csv", "surface_service.csv",
                            "water_sources.csv", "administrations.csv", "employment.csv", "universities.csv"})
    model.sources.push_back({"default-model asset", std::string("assets/sofia/") + asset, sha256_hex(assets::text(asset))});
  model.sources.push_back({"default-model seed", std::to_string(options.seed), {}});
  return model;
}

}  // namespace sofiatwin::gis
