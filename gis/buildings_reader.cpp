#include <cctype>

#include "gis/readers.hpp"

namespace sofiatwin::gis {
namespace {

/// Height defaults per building class (m). The first five are the fallbacks used for the OSM
/// buildings of central Sofia in ../shared/data (garage 3.5, house 7, apartments 17, office 20,
/// other 11); the rest are one- or two-storey assumptions stated here.
double class_default_height_m(const std::string& building_class) {
  struct Entry { const char* name; double height_m; };
  static constexpr Entry table[] = {
      {"garage", 3.5}, {"garages", 3.5}, {"house", 7}, {"detached", 7}, {"semidetached_house", 7},
      {"apartments", 17}, {"residential", 17}, {"office", 20}, {"commercial", 11}, {"retail", 6},
      {"industrial", 8}, {"warehouse", 8}, {"shed", 3}, {"hut", 3}, {"church", 15}, {"school", 11},
  };
  for (const auto& e : table)
    if (building_class == e.name) return e.height_m;
  return 11.0;
}

void append_polygons(const OGRGeometry& geometry, const BuildingInput& attributes, std::vector<BuildingInput>& out) {
  for (auto& polygon : to_multipolygon(geometry)) {
    BuildingInput b = attributes;
    b.footprint = std::move(polygon);
    out.push_back(std::move(b));
  }
}

}  // namespace

std::vector<BuildingInput> read_building_layer(const std::string& source_text, const ImportContext& ctx) {
  auto source = open_vector_layer(parse_layer_ref(source_text));
  const auto type = wkbFlatten(source.layer->GetGeomType());
  if (type != wkbPolygon && type != wkbMultiPolygon && type != wkbUnknown)
    throw InputError(source.where() + ": buildings need polygons, the layer holds " + OGRGeometryTypeToName(type));
  auto* d = source.layer->GetLayerDefn();
  const int height = find_field(d, {"height_m", "height"});
  const int levels = find_field(d, {"building:levels", "building_levels", "levels", "floors"});
  const int cls = find_field(d, {"building", "building_class", "class", "type"});
  const int id = find_field(d, {"osm_id", "osm_way_id", "id"});
  std::vector<BuildingInput> out;
  for_each_feature(source, ctx, true, [&](OGRFeature& f, OGRGeometry& geometry, long long fid) {
    BuildingInput b;
    b.source_id = id >= 0 ? f.GetFieldAsInteger64(id) : fid;
    auto numeric = [&](int field, auto parse) -> std::optional<double> {
      if (field < 0 || !f.IsFieldSetAndNotNull(field)) return std::nullopt;
      const std::string text = f.GetFieldAsString(field);
      auto value = parse(text);
      if (!value || *value <= 0) {
        ctx.report->warn(source.path, source.layer_name, "feature " + std::to_string(fid),
                         f.GetFieldDefnRef(field)->GetNameRef(), "value '" + text + "' is not a positive number; ignored");
        return std::nullopt;
      }
      return value;
    };
    b.height_m = numeric(height, parse_metres);
    b.levels = numeric(levels, parse_double);
    if (cls >= 0 && f.IsFieldSetAndNotNull(cls)) b.building_class = f.GetFieldAsString(cls);
    const auto before = out.size();
    append_polygons(geometry, b, out);
    if (out.size() == before)
      ctx.report->warn(source.path, source.layer_name, "feature " + std::to_string(fid), {},
                       std::string("geometry is ") + geometry.getGeometryName() + ", not a polygon; skipped");
  });
  if (out.empty()) throw InputError(source.where() + ": layer holds no usable polygon");
  return out;
}

Buildings make_buildings(std::vector<BuildingInput> inputs, const ImportOptions& options) {
  Buildings b;
  for (auto& in : inputs) {
    if (in.height_m) {
      b.height_m.push_back(*in.height_m);
      b.height_source.push_back(HeightSource::attribute);
    } else if (in.levels) {
      b.height_m.push_back(*in.levels * options.storey_height_m);
      b.height_source.push_back(HeightSource::levels);
    } else {
      b.height_m.push_back(class_default_height_m(in.building_class));
      b.height_source.push_back(HeightSource::class_default);
    }
    b.footprint.push_back(std::move(in.footprint));
    b.building_class.push_back(in.building_class.empty() ? "yes" : std::move(in.building_class));
    b.source_id.push_back(in.source_id);
    b.base_elevation_m.push_back(std::numeric_limits<double>::quiet_NaN());
  }
  return b;
}

}  // namespace sofiatwin::gis
