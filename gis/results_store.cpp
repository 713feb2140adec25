#include "gis/results_store.hpp"

#include <cmath>
#include <stdexcept>

#include "gis/gdal_util.hpp"

namespace sofiatwin::gis {
namespace {

const char* element_name(ResultElement e) {
  switch (e) {
    case ResultElement::road_link: return "road_link";
    case ResultElement::transit_stop: return "transit_stop";
    case ResultElement::transit_route: return "transit_route";
    case ResultElement::zone: return "zone";
    case ResultElement::water_node: return "water_node";
    case ResultElement::water_link: return "water_link";
    case ResultElement::none: return "none";
  }
  return "none";
}

ResultElement parse_element(const std::string& name) {
  for (auto e : {ResultElement::road_link, ResultElement::transit_stop, ResultElement::transit_route, ResultElement::zone,
                 ResultElement::water_node, ResultElement::water_link})
    if (name == element_name(e)) return e;
  return ResultElement::none;
}

const Zones& zoning(const CityModel& m, const std::string& name) {
  if (name == "traffic_zones") return m.traffic_zones;
  if (name == "neighbourhoods") return m.neighbourhoods;
  return m.zones;
}

OGRwkbGeometryType geometry_type(ResultElement e) {
  switch (e) {
    case ResultElement::road_link:
    case ResultElement::water_link: return wkbLineString;
    case ResultElement::transit_stop:
    case ResultElement::water_node: return wkbPoint;
    case ResultElement::transit_route: return wkbMultiLineString;
    case ResultElement::zone: return wkbMultiPolygon;
    case ResultElement::none: return wkbNone;
  }
  return wkbNone;
}

/// The geometry of element i, or nullptr when the model has none for it.
OGRGeometry* geometry_of(const CityModel& m, const ResultTable& t, std::size_t i) {
  switch (t.element) {
    case ResultElement::road_link:
      return i < m.roads.links.size() ? make_ogr_line(m.roads.links.shape[i]).release() : nullptr;
    case ResultElement::water_link:
      return i < m.water.link_shape.size() ? make_ogr_line(m.water.link_shape[i]).release() : nullptr;
    case ResultElement::transit_stop:
      return i < m.transit.stops.size() ? new OGRPoint(m.transit.stops.position[i].x_m, m.transit.stops.position[i].y_m) : nullptr;
    case ResultElement::water_node:
      return i < m.water.node_position.size() ? new OGRPoint(m.water.node_position[i].x_m, m.water.node_position[i].y_m) : nullptr;
    case ResultElement::transit_route: {
      auto lines = std::make_unique<OGRMultiLineString>();
      const auto& t2 = m.transit;
      for (std::size_t p = 0; p < t2.patterns.size(); ++p) {
        if (t2.patterns.route[p] != static_cast<std::int32_t>(i)) continue;
        Polyline line;
        for (auto s : t2.patterns.stops[p]) line.push_back(t2.stops.position[s]);
        lines->addGeometryDirectly(make_ogr_line(line).release());
      }
      return lines.release();
    }
    case ResultElement::zone: {
      const auto& z = zoning(m, t.zoning);
      return i < z.size() ? make_ogr_multipolygon(z.boundary[i]).release() : nullptr;
    }
    case ResultElement::none: return nullptr;
  }
  return nullptr;
}

OGRLayer* create_layer(GDALDataset& ds, const std::string& name, OGRwkbGeometryType type, const OGRSpatialReference& crs) {
  char** options = CSLSetNameValue(nullptr, "FID", "fid");
  OGRLayer* layer = ds.CreateLayer(name.c_str(), type == wkbNone ? nullptr : const_cast<OGRSpatialReference*>(&crs), type, options);
  CSLDestroy(options);
  if (!layer) throw InputError("cannot create layer '" + name + "'");
  return layer;
}

void add_field(OGRLayer* layer, const std::string& name, OGRFieldType type) {
  OGRFieldDefn definition(name.c_str(), type);
  if (layer->CreateField(&definition) != OGRERR_NONE) throw InputError("cannot create field '" + name + "' in layer '" + layer->GetName() + "'");
}

void write_table(GDALDataset& ds, const CityModel& m, const ResultTable& t, const OGRSpatialReference& crs) {
  OGRLayer* layer = create_layer(ds, t.layer, geometry_type(t.element), crs);
  add_field(layer, "id", OFTInteger);
  for (const auto& name : t.text_names) add_field(layer, name, OFTString);
  for (const auto& name : t.names) add_field(layer, name, OFTReal);
  for (std::size_t i = 0; i < t.rows(); ++i) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("id", static_cast<int>(i));
    for (std::size_t c = 0; c < t.text_names.size(); ++c) f.SetField(t.text_names[c].c_str(), t.text_columns[c][i].c_str());
    for (std::size_t c = 0; c < t.names.size(); ++c) {
      const double v = t.columns[c][i];
      if (std::isfinite(v)) f.SetField(t.names[c].c_str(), v);
      else f.SetFieldNull(f.GetFieldIndex(t.names[c].c_str()));
    }
    if (OGRGeometry* g = geometry_of(m, t, i)) f.SetGeometryDirectly(g);
    if (layer->CreateFeature(&f) != OGRERR_NONE) throw InputError("cannot write a feature to layer '" + t.layer + "'");
  }
}

}  // namespace

std::size_t ResultTable::rows() const {
  if (!columns.empty()) return columns.front().size();
  return text_columns.empty() ? 0 : text_columns.front().size();
}

void ResultTable::add(std::string name, std::vector<double> values) {
  if ((!columns.empty() || !text_columns.empty()) && values.size() != rows())
    throw std::logic_error("result layer '" + layer + "': column '" + name + "' has " + std::to_string(values.size()) + " rows, not " + std::to_string(rows()));
  names.push_back(std::move(name));
  columns.push_back(std::move(values));
}

void ResultTable::add_text(std::string name, std::vector<std::string> values) {
  if ((!columns.empty() || !text_columns.empty()) && values.size() != rows())
    throw std::logic_error("result layer '" + layer + "': column '" + name + "' has the wrong number of rows");
  text_names.push_back(std::move(name));
  text_columns.push_back(std::move(values));
}

const std::vector<double>* ResultTable::column(const std::string& name) const {
  for (std::size_t c = 0; c < names.size(); ++c)
    if (names[c] == name) return &columns[c];
  return nullptr;
}

const ResultTable* ResultSet::table(const std::string& layer) const {
  for (const auto& t : tables)
    if (t.layer == layer) return &t;
  return nullptr;
}

void write_results(const CityModel& model, const std::string& path, const std::map<std::string, std::string>& metadata,
                   const std::vector<ResultTable>& tables) {
  write_gpkg_atomically(path, [&](const std::string& temporary) {
    auto* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!driver) throw InputError("GDAL has no GPKG driver");
    const auto crs = make_crs(model.crs);
    GDALDatasetUniquePtr ds(driver->Create(temporary.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw InputError(path + ": cannot be created");
    if (ds->StartTransaction() != OGRERR_NONE) throw InputError(path + ": cannot start a transaction");
    for (const auto& t : tables) write_table(*ds, model, t, crs);
    OGRLayer* meta = create_layer(*ds, "result_metadata", wkbNone, crs);
    add_field(meta, "key", OFTString);
    add_field(meta, "value", OFTString);
    std::map<std::string, std::string> rows = metadata;
    rows["format"] = "sofiatwin-results";
    for (const auto& t : tables) rows["layer:" + t.layer] = std::string(element_name(t.element)) + (t.zoning.empty() ? "" : ":" + t.zoning);
    for (const auto& [key, value] : rows) {
      OGRFeature f(meta->GetLayerDefn());
      f.SetField("key", key.c_str());
      f.SetField("value", value.c_str());
      if (meta->CreateFeature(&f) != OGRERR_NONE) throw InputError(path + ": cannot write the metadata");
    }
    if (ds->CommitTransaction() != OGRERR_NONE) throw InputError(path + ": cannot commit (disk full?)");
    GDALClose(GDALDataset::ToHandle(ds.release()));
  });
}

ResultSet read_results(const std::string& path) {
  GdalErrorCapture capture;
  const char* drivers[] = {"GPKG", nullptr};
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers));
  if (!ds) throw InputError(path + ": not a GeoPackage (" + capture.last_message() + ")");
  ResultSet out;
  OGRLayer* meta = ds->GetLayerByName("result_metadata");
  if (!meta) throw InputError(describe(path, "result_metadata", {}, {}, "layer missing: this is not a sofiatwin results file"));
  for (auto& f : *meta) out.metadata[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
  for (const auto& [key, value] : out.metadata) {
    if (key.rfind("layer:", 0) != 0) continue;
    ResultTable t;
    t.layer = key.substr(6);
    const auto colon = value.find(':');
    t.element = parse_element(value.substr(0, colon));
    if (colon != std::string::npos) t.zoning = value.substr(colon + 1);
    OGRLayer* layer = ds->GetLayerByName(t.layer.c_str());
    if (!layer) throw InputError(describe(path, t.layer, {}, {}, "layer listed in result_metadata is missing"));
    auto* definition = layer->GetLayerDefn();
    std::vector<int> numeric, text;
    for (int i = 0; i < definition->GetFieldCount(); ++i) {
      const auto* field = definition->GetFieldDefn(i);
      if (std::string(field->GetNameRef()) == "id") continue;
      if (field->GetType() == OFTReal) numeric.push_back(i), t.names.emplace_back(field->GetNameRef());
      else if (field->GetType() == OFTString) text.push_back(i), t.text_names.emplace_back(field->GetNameRef());
    }
    t.columns.resize(numeric.size());
    t.text_columns.resize(text.size());
    long long expected = 0;
    for (auto& f : *layer) {
      if (f->GetFieldAsInteger64("id") != expected)
        throw InputError(describe(path, t.layer, "feature " + std::to_string(f->GetFID()), "id", "rows are not in element order"));
      ++expected;
      for (std::size_t c = 0; c < numeric.size(); ++c)
        t.columns[c].push_back(f->IsFieldSetAndNotNull(numeric[c]) ? f->GetFieldAsDouble(numeric[c]) : std::nan(""));
      for (std::size_t c = 0; c < text.size(); ++c) t.text_columns[c].emplace_back(f->GetFieldAsString(text[c]));
    }
    out.tables.push_back(std::move(t));
  }
  return out;
}

}  // namespace sofiatwin::gis
