#include <cmath>
#include <limits>

#include "gis/readers.hpp"

namespace sofiatwin::gis {
namespace {

struct ZoneFields {
  int code = -1, name = -1, population = -1;
};

ZoneFields find_zone_fields(const VectorLayer& source, const ImportContext& ctx) {
  auto* definition = source.layer->GetLayerDefn();
  ZoneFields f;
  f.code = find_field(definition, {"code", "zone_code", "district_no", "obns_num", "kvartal_id", "id"});
  f.name = find_field(definition, {"name", "name_bg", "obns_cyr", "name_en", "name_lat", "obns_lat"});
  if (!ctx.options.population_field.empty()) {
    f.population = find_field(definition, {ctx.options.population_field});
    if (f.population < 0)
      throw InputError(describe(source.path, source.layer_name, {}, ctx.options.population_field, "no such field"));
  } else {
    f.population = find_field(definition, {"population", "population_estimate", "pop", "pop_total", "inhabitants"});
  }
  if (f.population >= 0) {
    const auto type = definition->GetFieldDefn(f.population)->GetType();
    if (type != OFTInteger && type != OFTInteger64 && type != OFTReal && type != OFTString)
      throw InputError(describe(source.path, source.layer_name, {}, definition->GetFieldDefn(f.population)->GetNameRef(),
                                "has type " + std::string(OGRFieldDefn::GetFieldTypeName(type)) + ", expected a number"));
  }
  return f;
}

double read_population(OGRFeature& feature, int field, const VectorLayer& source, long long fid) {
  if (field < 0 || !feature.IsFieldSetAndNotNull(field)) return std::numeric_limits<double>::quiet_NaN();
  const std::string text = feature.GetFieldAsString(field);
  const auto value = parse_double(text);
  const std::string field_name = feature.GetFieldDefnRef(field)->GetNameRef();
  if (!value) throw InputError(source.where(fid, field_name) + " = '" + text + "' is not a number");
  if (*value < 0) throw InputError(source.where(fid, field_name) + " = '" + text + "' is negative");
  return *value;
}

}  // namespace

Zones read_zones(const std::string& source_text, const ImportContext& ctx) {
  auto source = open_vector_layer(parse_layer_ref(source_text));
  const auto type = wkbFlatten(source.layer->GetGeomType());
  if (type != wkbPolygon && type != wkbMultiPolygon && type != wkbUnknown)
    throw InputError(source.where() + ": zones need polygons, the layer holds " + OGRGeometryTypeToName(type));
  const ZoneFields fields = find_zone_fields(source, ctx);
  if (fields.population < 0)
    ctx.report->warn(source.path, source.layer_name, {}, "population",
                     "no population field; zone populations come from the population raster or are 0");
  Zones zones;
  for_each_feature(source, ctx, true, [&](OGRFeature& feature, OGRGeometry& geometry, long long fid) {
    auto shape = to_multipolygon(geometry);
    if (shape.empty()) {
      ctx.report->warn(source.path, source.layer_name, "feature " + std::to_string(fid), {},
                       std::string("geometry is ") + geometry.getGeometryName() + ", not a polygon; skipped");
      return;
    }
    OGRPoint label;
    if (OGRGeometryH point = OGR_G_PointOnSurface(OGRGeometry::ToHandle(&geometry))) {
      label = *OGRGeometry::FromHandle(point)->toPoint();
      OGR_G_DestroyGeometry(point);
    } else {
      const auto box = bounds(shape);
      label.setX((box.min_x_m + box.max_x_m) / 2);
      label.setY((box.min_y_m + box.max_y_m) / 2);
    }
    zones.code.push_back(fields.code >= 0 ? feature.GetFieldAsString(fields.code) : std::to_string(fid));
    zones.name.push_back(fields.name >= 0 ? feature.GetFieldAsString(fields.name) : zones.code.back());
    const double population = read_population(feature, fields.population, source, fid);
    zones.population_attribute.push_back(population);
    zones.population.push_back(std::isnan(population) ? 0.0 : population);
    zones.centroid.push_back({label.getX(), label.getY()});
    zones.boundary.push_back(std::move(shape));
    zones.district.push_back(-1);
  });
  if (zones.size() == 0) throw InputError(source.where() + ": layer holds no usable polygon");
  return zones;
}

}  // namespace sofiatwin::gis
