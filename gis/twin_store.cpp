#include "twin_store.hpp"

#include <cpl_vsi.h>
#include <unistd.h>

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <limits>

#include "gis/gdal_util.hpp"
#include "gis/water_layers.hpp"

namespace sofiatwin::gis {
namespace {

// ---------- small value codecs ----------

std::string format_double(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

template <class T>
std::string join(const std::vector<T>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    if constexpr (std::is_floating_point_v<T>) out += format_double(values[i]);
    else out += std::to_string(values[i]);
  }
  return out;
}

const char* height_source_name(HeightSource s) {
  switch (s) {
    case HeightSource::attribute: return "attribute";
    case HeightSource::levels: return "levels";
    case HeightSource::class_default: return "class_default";
  }
  return "class_default";
}

// ---------- writing ----------

struct FieldSpec {
  const char* name;
  OGRFieldType type;
};

class TwinWriter {
 public:
  TwinWriter(GDALDataset& dataset, const OGRSpatialReference& crs) : dataset_(dataset), crs_(crs) {}

  OGRLayer* layer(const char* name, OGRwkbGeometryType type, std::initializer_list<FieldSpec> fields) {
    char** options = CSLSetNameValue(nullptr, "FID", "fid");
    OGRLayer* layer = dataset_.CreateLayer(name, type == wkbNone ? nullptr : const_cast<OGRSpatialReference*>(&crs_), type, options);
    CSLDestroy(options);
    if (!layer) throw InputError(std::string("cannot create layer '") + name + "'");
    for (const auto& f : fields) {
      OGRFieldDefn definition(f.name, f.type);
      if (layer->CreateField(&definition) != OGRERR_NONE)
        throw InputError(std::string("cannot create field '") + f.name + "' in layer '" + name + "'");
    }
    return layer;
  }

  static void add(OGRLayer* layer, OGRFeature& feature) {
    if (layer->CreateFeature(&feature) != OGRERR_NONE)
      throw InputError(std::string("cannot write a feature to layer '") + layer->GetName() + "'");
  }

 private:
  GDALDataset& dataset_;
  const OGRSpatialReference& crs_;
};

void set_real(OGRFeature& f, const char* field, double v) {
  if (std::isnan(v)) f.SetFieldNull(f.GetFieldIndex(field));
  else f.SetField(field, v);
}

void write_zones(TwinWriter& w, const char* name, const Zones& zones) {
  auto* layer = w.layer(name, wkbMultiPolygon,
                        {{"id", OFTInteger}, {"code", OFTString}, {"name", OFTString}, {"population", OFTReal},
                         {"population_attribute", OFTReal}, {"label_x_m", OFTReal}, {"label_y_m", OFTReal},
                         {"district", OFTInteger}});
  for (std::size_t z = 0; z < zones.size(); ++z) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("id", static_cast<int>(z));
    f.SetField("code", zones.code[z].c_str());
    f.SetField("name", zones.name[z].c_str());
    f.SetField("population", zones.population[z]);
    set_real(f, "population_attribute", zones.population_attribute[z]);
    f.SetField("label_x_m", zones.centroid[z].x_m);
    f.SetField("label_y_m", zones.centroid[z].y_m);
    f.SetField("district", zones.district[z]);
    f.SetGeometryDirectly(make_ogr_multipolygon(zones.boundary[z]).release());
    TwinWriter::add(layer, f);
  }
}

void write_roads(TwinWriter& w, const RoadNetwork& net) {
  auto* nodes = w.layer("road_nodes", wkbPoint, {{"id", OFTInteger}, {"elevation_m", OFTReal}});
  for (std::size_t v = 0; v < net.nodes.size(); ++v) {
    OGRFeature f(nodes->GetLayerDefn());
    f.SetField("id", static_cast<int>(v));
    set_real(f, "elevation_m", net.nodes.elevation_m[v]);
    f.SetGeometryDirectly(new OGRPoint(net.nodes.position[v].x_m, net.nodes.position[v].y_m));
    TwinWriter::add(nodes, f);
  }
  auto* links = w.layer("road_links", wkbLineString,
                        {{"id", OFTInteger}, {"from_node", OFTInteger}, {"to_node", OFTInteger}, {"length_m", OFTReal},
                         {"lanes", OFTReal}, {"speed_kmh", OFTReal}, {"capacity_veh_h", OFTReal},
                         {"free_flow_time_min", OFTReal}, {"road_class", OFTString}, {"name", OFTString}, {"source_id", OFTInteger64},
                         {"component", OFTInteger}});
  const auto& l = net.links;
  for (std::size_t i = 0; i < l.size(); ++i) {
    OGRFeature f(links->GetLayerDefn());
    f.SetField("id", static_cast<int>(i));
    f.SetField("from_node", l.from_node[i]);
    f.SetField("to_node", l.to_node[i]);
    f.SetField("length_m", l.length_m[i]);
    f.SetField("lanes", l.lanes[i]);
    f.SetField("speed_kmh", l.speed_kmh[i]);
    f.SetField("capacity_veh_h", l.capacity_veh_h[i]);
    f.SetField("free_flow_time_min", l.free_flow_time_min(i));
    f.SetField("road_class", std::string(road_class_name(l.road_class[i])).c_str());
    f.SetField("name", l.name[i].c_str());
    f.SetField("source_id", static_cast<GIntBig>(l.source_id[i]));
    f.SetField("component", l.component[i]);
    f.SetGeometryDirectly(make_ogr_line(l.shape[i]).release());
    TwinWriter::add(links, f);
  }
}

Polyline pattern_line(const TransitNetwork& t, std::size_t p) {
  Polyline line;
  for (auto s : t.patterns.stops[p]) line.push_back(t.stops.position[s]);
  return line;
}

void write_transit(TwinWriter& w, const TransitNetwork& t) {
  auto* stops = w.layer("transit_stops", wkbPoint, {{"id", OFTInteger}, {"gtfs_id", OFTString}, {"name", OFTString}});
  for (std::size_t s = 0; s < t.stops.size(); ++s) {
    OGRFeature f(stops->GetLayerDefn());
    f.SetField("id", static_cast<int>(s));
    f.SetField("gtfs_id", t.stops.gtfs_id[s].c_str());
    f.SetField("name", t.stops.name[s].c_str());
    f.SetGeometryDirectly(new OGRPoint(t.stops.position[s].x_m, t.stops.position[s].y_m));
    TwinWriter::add(stops, f);
  }
  auto* routes = w.layer("transit_routes", wkbMultiLineString,
                         {{"id", OFTInteger}, {"gtfs_id", OFTString}, {"short_name", OFTString}, {"long_name", OFTString},
                          {"gtfs_type", OFTInteger}, {"colour", OFTString}, {"pattern_count", OFTInteger},
                          {"daily_departures", OFTInteger}});
  for (std::size_t r = 0; r < t.routes.size(); ++r) {
    OGRFeature f(routes->GetLayerDefn());
    auto lines = std::make_unique<OGRMultiLineString>();
    int patterns = 0, departures = 0;
    for (std::size_t p = 0; p < t.patterns.size(); ++p) {
      if (t.patterns.route[p] != static_cast<std::int32_t>(r)) continue;
      ++patterns;
      for (auto d : t.patterns.departures_per_hour[p]) departures += d;
      lines->addGeometryDirectly(make_ogr_line(pattern_line(t, p)).release());
    }
    f.SetField("id", static_cast<int>(r));
    f.SetField("gtfs_id", t.routes.gtfs_id[r].c_str());
    f.SetField("short_name", t.routes.short_name[r].c_str());
    f.SetField("long_name", t.routes.long_name[r].c_str());
    f.SetField("gtfs_type", t.routes.gtfs_type[r]);
    f.SetField("colour", t.routes.colour[r].c_str());
    f.SetField("pattern_count", patterns);
    f.SetField("daily_departures", departures);
    f.SetGeometryDirectly(lines.release());
    TwinWriter::add(routes, f);
  }
  auto* patterns = w.layer("transit_patterns", wkbLineString,
                           {{"id", OFTInteger}, {"route", OFTInteger}, {"direction", OFTInteger}, {"stops", OFTString},
                            {"segment_time_min", OFTString}, {"departures_per_hour", OFTString}});
  for (std::size_t p = 0; p < t.patterns.size(); ++p) {
    OGRFeature f(patterns->GetLayerDefn());
    f.SetField("id", static_cast<int>(p));
    f.SetField("route", t.patterns.route[p]);
    f.SetField("direction", t.patterns.direction[p]);
    f.SetField("stops", join(t.patterns.stops[p]).c_str());
    f.SetField("segment_time_min", join(t.patterns.segment_time_min[p]).c_str());
    const auto& d = t.patterns.departures_per_hour[p];
    f.SetField("departures_per_hour", join(std::vector<std::int32_t>(d.begin(), d.end())).c_str());
    f.SetGeometryDirectly(make_ogr_line(pattern_line(t, p)).release());
    TwinWriter::add(patterns, f);
  }
}

const char* place_kind_name(PlaceKind kind) {
  return kind == PlaceKind::municipality ? "municipality" : "district_administration";
}

void write_places(TwinWriter& w, const Places& places) {
  auto* layer = w.layer("places", wkbPoint, {{"id", OFTInteger}, {"kind", OFTString}, {"name", OFTString}, {"district", OFTInteger}});
  for (std::size_t i = 0; i < places.size(); ++i) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("id", static_cast<int>(i));
    f.SetField("kind", place_kind_name(places.kind[i]));
    f.SetField("name", places.name[i].c_str());
    f.SetField("district", places.district[i]);
    f.SetGeometryDirectly(new OGRPoint(places.position[i].x_m, places.position[i].y_m));
    TwinWriter::add(layer, f);
  }
}

void write_parking(TwinWriter& w, const ParkingZones& parking) {
  auto* layer = w.layer("parking_zones", wkbMultiPolygon, {{"id", OFTInteger}, {"name", OFTString}, {"rate_eur_per_h", OFTReal}});
  for (std::size_t i = 0; i < parking.size(); ++i) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("id", static_cast<int>(i));
    f.SetField("name", parking.name[i].c_str());
    f.SetField("rate_eur_per_h", parking.rate_eur_per_h[i]);
    f.SetGeometryDirectly(make_ogr_multipolygon(parking.boundary[i]).release());
    TwinWriter::add(layer, f);
  }
}

void write_gateways(TwinWriter& w, const Gateways& g) {
  auto* layer = w.layer("gateways", wkbPoint, {{"id", OFTInteger}, {"name", OFTString}, {"vehicles_per_day", OFTReal}});
  for (std::size_t i = 0; i < g.size(); ++i) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("id", static_cast<int>(i));
    f.SetField("name", g.name[i].c_str());
    f.SetField("vehicles_per_day", g.vehicles_per_day[i]);
    f.SetGeometryDirectly(new OGRPoint(g.position[i].x_m, g.position[i].y_m));
    TwinWriter::add(layer, f);
  }
}

void write_buildings(TwinWriter& w, const Buildings& b) {
  auto* layer = w.layer("buildings", wkbPolygon,
                        {{"id", OFTInteger}, {"building_class", OFTString}, {"height_m", OFTReal}, {"height_source", OFTString},
                         {"base_elevation_m", OFTReal}, {"source_id", OFTInteger64}});
  for (std::size_t i = 0; i < b.size(); ++i) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("id", static_cast<int>(i));
    f.SetField("building_class", b.building_class[i].c_str());
    f.SetField("height_m", b.height_m[i]);
    f.SetField("height_source", height_source_name(b.height_source[i]));
    set_real(f, "base_elevation_m", b.base_elevation_m[i]);
    f.SetField("source_id", static_cast<GIntBig>(b.source_id[i]));
    f.SetGeometryDirectly(make_ogr_polygon(b.footprint[i]).release());
    TwinWriter::add(layer, f);
  }
}

void write_tables(TwinWriter& w, const CityModel& m, const std::map<std::string, std::string>& metadata) {
  auto* meta = w.layer("twin_metadata", wkbNone, {{"key", OFTString}, {"value", OFTString}});
  std::map<std::string, std::string> rows = metadata;
  rows["format"] = "sofiatwin-twin";
  rows["schema_version"] = std::to_string(twin_schema_version);
  rows["crs"] = m.crs;
  rows["transit_service_day"] = m.transit.service_day;
  if (!m.water.empty()) rows["water_network_name"] = m.water.network.name;
  for (const auto& [key, value] : rows) {
    OGRFeature f(meta->GetLayerDefn());
    f.SetField("key", key.c_str());
    f.SetField("value", value.c_str());
    TwinWriter::add(meta, f);
  }
  auto* sources = w.layer("import_sources", wkbNone, {{"role", OFTString}, {"path", OFTString}, {"sha256", OFTString}});
  for (const auto& s : m.sources) {
    OGRFeature f(sources->GetLayerDefn());
    f.SetField("role", s.role.c_str());
    f.SetField("path", s.path.c_str());
    f.SetField("sha256", s.sha256.c_str());
    TwinWriter::add(sources, f);
  }
  auto* report = w.layer("import_report", wkbNone,
                         {{"severity", OFTString}, {"source", OFTString}, {"layer", OFTString}, {"feature", OFTString},
                          {"field", OFTString}, {"message", OFTString}});
  for (const auto& e : m.report.entries) {
    OGRFeature f(report->GetLayerDefn());
    f.SetField("severity", e.severity == Severity::warning ? "warning" : "info");
    f.SetField("source", e.source.c_str());
    f.SetField("layer", e.layer.c_str());
    f.SetField("feature", e.feature.c_str());
    f.SetField("field", e.field.c_str());
    f.SetField("message", e.message.c_str());
    TwinWriter::add(report, f);
  }
}

void write_elevation(const ElevationGrid& grid, const std::string& path, const OGRSpatialReference& crs) {
  auto* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  CPLStringList options;
  options.AddString("APPEND_SUBDATASET=YES");
  options.AddString("RASTER_TABLE=elevation");
  options.AddString("RASTER_IDENTIFIER=elevation");
  GDALDatasetUniquePtr raster(driver->Create(path.c_str(), grid.columns, grid.rows, 1, GDT_Float32, options.List()));
  if (!raster) throw InputError(path + ": cannot add the elevation raster");
  double transform[6] = {grid.origin_x_m, grid.cell_size_m, 0, grid.origin_y_m, 0, -grid.cell_size_m};
  raster->SetGeoTransform(transform);
  raster->SetSpatialRef(&crs);
  auto* band = raster->GetRasterBand(1);
  band->SetNoDataValue(-32768.0);
  std::vector<float> values(grid.height_m);
  for (auto& v : values)
    if (std::isnan(v)) v = -32768.0f;
  if (band->RasterIO(GF_Write, 0, 0, grid.columns, grid.rows, values.data(), grid.columns, grid.rows, GDT_Float32, 0, 0) != CE_None)
    throw InputError(path + ": cannot write the elevation raster");
  raster.reset();
}

void write_all(const CityModel& model, const std::string& path, const std::map<std::string, std::string>& metadata) {
  auto* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!driver) throw InputError("GDAL has no GPKG driver");
  const auto crs = make_crs(model.crs);
  {
    GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dataset) throw InputError(path + ": cannot be created");
    if (dataset->StartTransaction() != OGRERR_NONE) throw InputError(path + ": cannot start a transaction");
    TwinWriter writer(*dataset, crs);
    write_zones(writer, "zones", model.zones);
    write_zones(writer, "neighbourhoods", model.neighbourhoods);
    write_zones(writer, "traffic_zones", model.traffic_zones);
    write_places(writer, model.places);
    write_parking(writer, model.parking);
    write_gateways(writer, model.gateways);
    write_roads(writer, model.roads);
    write_transit(writer, model.transit);
    write_buildings(writer, model.buildings);
    write_tables(writer, model, metadata);
    if (!model.water.empty()) write_water_layers(*dataset, crs, model.water);
    if (dataset->CommitTransaction() != OGRERR_NONE) throw InputError(path + ": cannot commit");
    GDALClose(GDALDataset::ToHandle(dataset.release()));
  }
  if (!model.elevation.empty()) write_elevation(model.elevation, path, crs);
}

}  // namespace

void write_twin(const CityModel& model, const std::string& path, const std::map<std::string, std::string>& metadata) {
  write_gpkg_atomically(path, [&](const std::string& temporary) { write_all(model, temporary, metadata); });
}

}  // namespace sofiatwin::gis
