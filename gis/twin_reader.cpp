#include <cmath>
#include <limits>
#include <sstream>

#include "gis/gdal_util.hpp"
#include "gis/twin_store.hpp"
#include "gis/water_layers.hpp"

namespace sofiatwin::gis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

class TwinReader {
 public:
  explicit TwinReader(const std::string& path) : path_(path) {
    VSIStatBufL stat{};
    if (VSIStatL(path.c_str(), &stat) != 0) throw InputError(path + ": file not found");
    GdalErrorCapture capture;
    const char* drivers[] = {"GPKG", nullptr};
    dataset_.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers));
    if (!dataset_) throw InputError(path + ": not a GeoPackage (" + capture.last_message() + ")");
  }

  OGRLayer& layer(const char* name) const {
    OGRLayer* l = dataset_->GetLayerByName(name);
    if (!l) throw InputError(describe(path_, name, {}, {}, "layer missing: this is not a sofiatwin twin store"));
    l->ResetReading();
    return *l;
  }

  /// Visits features in order and checks that field 'id' is the dense position.
  template <class Visit>
  void each(const char* name, Visit&& visit) const {
    std::size_t expected = 0;
    for (auto& f : layer(name)) {
      if (f->GetFieldIndex("id") >= 0 && f->GetFieldAsInteger("id") != static_cast<int>(expected))
        throw InputError(describe(path_, name, "feature " + std::to_string(f->GetFID()), "id",
                                  "= " + std::to_string(f->GetFieldAsInteger("id")) + ", expected " + std::to_string(expected)));
      visit(*f);
      ++expected;
    }
  }

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  GDALDatasetUniquePtr dataset_;
};

double real_or_nan(OGRFeature& f, const char* field) {
  const int i = f.GetFieldIndex(field);
  return i >= 0 && f.IsFieldSetAndNotNull(i) ? f.GetFieldAsDouble(i) : nan;
}

std::vector<double> numbers(const char* text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(std::strtod(item.c_str(), nullptr));
  return out;
}

Polyline line_of(const OGRGeometry* g) {
  if (!g || wkbFlatten(g->getGeometryType()) != wkbLineString) return {};
  return to_polyline(*g->toLineString());
}

Zones read_zones_layer(const TwinReader& r, const char* name) {
  Zones z;
  r.each(name, [&](OGRFeature& f) {
    z.code.push_back(f.GetFieldAsString("code"));
    z.name.push_back(f.GetFieldAsString("name"));
    z.population.push_back(f.GetFieldAsDouble("population"));
    z.population_attribute.push_back(real_or_nan(f, "population_attribute"));
    z.centroid.push_back({f.GetFieldAsDouble("label_x_m"), f.GetFieldAsDouble("label_y_m")});
    z.boundary.push_back(f.GetGeometryRef() ? to_multipolygon(*f.GetGeometryRef()) : MultiPolygon{});
    z.district.push_back(f.GetFieldAsInteger("district"));
  });
  return z;
}

Places read_places_layer(const TwinReader& r) {
  Places p;
  r.each("places", [&](OGRFeature& f) {
    const std::string kind = f.GetFieldAsString("kind");
    if (kind != "municipality" && kind != "district_administration")
      throw InputError(describe(r.path(), "places", "feature " + std::to_string(f.GetFID()), "kind", "= '" + kind + "' is not known"));
    const auto* point = f.GetGeometryRef() ? f.GetGeometryRef()->toPoint() : nullptr;
    if (!point) throw InputError(describe(r.path(), "places", "feature " + std::to_string(f.GetFID()), {}, "no point"));
    p.kind.push_back(kind == "municipality" ? PlaceKind::municipality : PlaceKind::district_administration);
    p.name.push_back(f.GetFieldAsString("name"));
    p.district.push_back(f.GetFieldAsInteger("district"));
    p.position.push_back({point->getX(), point->getY()});
  });
  return p;
}

ParkingZones read_parking_layer(const TwinReader& r) {
  ParkingZones p;
  r.each("parking_zones", [&](OGRFeature& f) {
    p.name.push_back(f.GetFieldAsString("name"));
    p.rate_eur_per_h.push_back(f.GetFieldAsDouble("rate_eur_per_h"));
    p.boundary.push_back(f.GetGeometryRef() ? to_multipolygon(*f.GetGeometryRef()) : MultiPolygon{});
  });
  return p;
}

Gateways read_gateways_layer(const TwinReader& r) {
  Gateways g;
  r.each("gateways", [&](OGRFeature& f) {
    const auto* point = f.GetGeometryRef() ? f.GetGeometryRef()->toPoint() : nullptr;
    if (!point) throw InputError(describe(r.path(), "gateways", "feature " + std::to_string(f.GetFID()), {}, "no point"));
    g.name.push_back(f.GetFieldAsString("name"));
    g.position.push_back({point->getX(), point->getY()});
    g.vehicles_per_day.push_back(f.GetFieldAsDouble("vehicles_per_day"));
  });
  return g;
}

RoadNetwork read_roads(const TwinReader& r) {
  RoadNetwork net;
  r.each("road_nodes", [&](OGRFeature& f) {
    const auto* p = f.GetGeometryRef() ? f.GetGeometryRef()->toPoint() : nullptr;
    if (!p) throw InputError(describe(r.path(), "road_nodes", "feature " + std::to_string(f.GetFID()), {}, "no point"));
    net.nodes.position.push_back({p->getX(), p->getY()});
    net.nodes.elevation_m.push_back(real_or_nan(f, "elevation_m"));
  });
  const auto node_count = static_cast<int>(net.nodes.size());
  auto& l = net.links;
  r.each("road_links", [&](OGRFeature& f) {
    const int from = f.GetFieldAsInteger("from_node"), to = f.GetFieldAsInteger("to_node");
    if (from < 0 || from >= node_count || to < 0 || to >= node_count)
      throw InputError(describe(r.path(), "road_links", "feature " + std::to_string(f.GetFID()), "from_node",
                                "node id out of range"));
    const auto cls = parse_road_class(f.GetFieldAsString("road_class"));
    if (!cls)
      throw InputError(describe(r.path(), "road_links", "feature " + std::to_string(f.GetFID()), "road_class",
                                std::string("unknown class '") + f.GetFieldAsString("road_class") + "'"));
    l.from_node.push_back(from);
    l.to_node.push_back(to);
    l.length_m.push_back(f.GetFieldAsDouble("length_m"));
    l.lanes.push_back(f.GetFieldAsDouble("lanes"));
    l.speed_kmh.push_back(f.GetFieldAsDouble("speed_kmh"));
    l.capacity_veh_h.push_back(f.GetFieldAsDouble("capacity_veh_h"));
    l.road_class.push_back(*cls);
    l.source_id.push_back(f.GetFieldAsInteger64("source_id"));
    l.name.push_back(f.GetFieldAsString("name"));
    l.component.push_back(f.GetFieldAsInteger("component"));
    l.shape.push_back(line_of(f.GetGeometryRef()));
  });
  return net;
}

TransitNetwork read_transit(const TwinReader& r) {
  TransitNetwork t;
  r.each("transit_stops", [&](OGRFeature& f) {
    const auto* p = f.GetGeometryRef() ? f.GetGeometryRef()->toPoint() : nullptr;
    t.stops.gtfs_id.push_back(f.GetFieldAsString("gtfs_id"));
    t.stops.name.push_back(f.GetFieldAsString("name"));
    t.stops.position.push_back(p ? Point2{p->getX(), p->getY()} : Point2{});
  });
  r.each("transit_routes", [&](OGRFeature& f) {
    t.routes.gtfs_id.push_back(f.GetFieldAsString("gtfs_id"));
    t.routes.short_name.push_back(f.GetFieldAsString("short_name"));
    t.routes.long_name.push_back(f.GetFieldAsString("long_name"));
    t.routes.gtfs_type.push_back(f.GetFieldAsInteger("gtfs_type"));
    t.routes.colour.push_back(f.GetFieldAsString("colour"));
  });
  r.each("transit_patterns", [&](OGRFeature& f) {
    t.patterns.route.push_back(f.GetFieldAsInteger("route"));
    t.patterns.direction.push_back(f.GetFieldAsInteger("direction"));
    std::vector<std::int32_t> stops;
    for (double s : numbers(f.GetFieldAsString("stops"))) stops.push_back(static_cast<std::int32_t>(s));
    t.patterns.stops.push_back(std::move(stops));
    t.patterns.segment_time_min.push_back(numbers(f.GetFieldAsString("segment_time_min")));
    std::array<std::int32_t, service_hours> per_hour{};
    const auto values = numbers(f.GetFieldAsString("departures_per_hour"));
    for (std::size_t h = 0; h < per_hour.size() && h < values.size(); ++h) per_hour[h] = static_cast<std::int32_t>(values[h]);
    t.patterns.departures_per_hour.push_back(per_hour);
  });
  return t;
}

Buildings read_buildings(const TwinReader& r) {
  Buildings b;
  r.each("buildings", [&](OGRFeature& f) {
    const auto shape = f.GetGeometryRef() ? to_multipolygon(*f.GetGeometryRef()) : MultiPolygon{};
    b.footprint.push_back(shape.empty() ? Polygon{} : shape.front());
    b.building_class.push_back(f.GetFieldAsString("building_class"));
    b.height_m.push_back(f.GetFieldAsDouble("height_m"));
    const std::string source = f.GetFieldAsString("height_source");
    b.height_source.push_back(source == "attribute" ? HeightSource::attribute
                              : source == "levels"  ? HeightSource::levels
                                                    : HeightSource::class_default);
    b.base_elevation_m.push_back(real_or_nan(f, "base_elevation_m"));
    b.source_id.push_back(f.GetFieldAsInteger64("source_id"));
  });
  return b;
}

ElevationGrid read_elevation(const std::string& path) {
  ElevationGrid grid;
  GdalErrorCapture capture;
  GDALDatasetUniquePtr raster(GDALDataset::Open(("GPKG:" + path + ":elevation").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!raster) return grid;  // a twin without a DEM has no elevation table
  double transform[6];
  raster->GetGeoTransform(transform);
  grid.origin_x_m = transform[0];
  grid.origin_y_m = transform[3];
  grid.cell_size_m = transform[1];
  grid.columns = raster->GetRasterXSize();
  grid.rows = raster->GetRasterYSize();
  grid.height_m.resize(static_cast<std::size_t>(grid.columns) * grid.rows);
  auto* band = raster->GetRasterBand(1);
  if (band->RasterIO(GF_Read, 0, 0, grid.columns, grid.rows, grid.height_m.data(), grid.columns, grid.rows, GDT_Float32, 0, 0) != CE_None)
    throw InputError(path + ": table 'elevation' cannot be read (" + capture.last_message() + ")");
  int has_nodata = 0;
  const double nodata = band->GetNoDataValue(&has_nodata);
  for (auto& v : grid.height_m)
    if (has_nodata && v == static_cast<float>(nodata)) v = std::numeric_limits<float>::quiet_NaN();
  return grid;
}

void check_district_ids(const std::string& path, const char* layer, const std::vector<std::int32_t>& district, std::size_t districts) {
  for (std::size_t i = 0; i < district.size(); ++i)
    if (district[i] < -1 || district[i] >= static_cast<std::int32_t>(districts))
      throw InputError(describe(path, layer, "feature " + std::to_string(i + 1), "district",
                                "= " + std::to_string(district[i]) + " is not a district id (0 to " + std::to_string(districts) + " - 1, or -1)"));
}

}  // namespace

std::map<std::string, std::string> read_twin_metadata(const std::string& path) {
  TwinReader r(path);
  std::map<std::string, std::string> out;
  for (auto& f : r.layer("twin_metadata")) out[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
  if (out["format"] != "sofiatwin-twin")
    throw InputError(describe(path, "twin_metadata", {}, "format", "is not 'sofiatwin-twin'"));
  if (out["schema_version"] != std::to_string(twin_schema_version))
    throw InputError(describe(path, "twin_metadata", {}, "schema_version",
                              "= " + out["schema_version"] + ", this build reads " + std::to_string(twin_schema_version)));
  return out;
}

CityModel read_twin(const std::string& path) {
  const auto metadata = read_twin_metadata(path);
  TwinReader r(path);
  auto required = [&](const char* key) {
    const auto it = metadata.find(key);
    if (it == metadata.end() || it->second.empty())
      throw InputError(describe(path, "twin_metadata", {}, key, "missing"));
    return it->second;
  };
  CityModel m;
  m.crs = required("crs");
  m.zones = read_zones_layer(r, "zones");
  m.neighbourhoods = read_zones_layer(r, "neighbourhoods");
  m.traffic_zones = read_zones_layer(r, "traffic_zones");
  m.places = read_places_layer(r);
  m.parking = read_parking_layer(r);
  m.gateways = read_gateways_layer(r);
  check_district_ids(path, "neighbourhoods", m.neighbourhoods.district, m.zones.size());
  check_district_ids(path, "traffic_zones", m.traffic_zones.district, m.zones.size());
  check_district_ids(path, "places", m.places.district, m.zones.size());
  m.roads = read_roads(r);
  m.transit = read_transit(r);
  m.transit.service_day = metadata.count("transit_service_day") ? metadata.at("transit_service_day") : "";
  m.buildings = read_buildings(r);
  for (auto& f : r.layer("import_sources")) m.sources.push_back({f->GetFieldAsString("role"), f->GetFieldAsString("path"), f->GetFieldAsString("sha256")});
  for (auto& f : r.layer("import_report"))
    m.report.entries.push_back({std::string(f->GetFieldAsString("severity")) == "warning" ? Severity::warning : Severity::info,
                                f->GetFieldAsString("source"), f->GetFieldAsString("layer"), f->GetFieldAsString("feature"),
                                f->GetFieldAsString("field"), f->GetFieldAsString("message")});
  m.elevation = read_elevation(path);
  if (has_water_layers(path)) m.water = *read_water_dataset(path);
  return m;
}

}  // namespace sofiatwin::gis
