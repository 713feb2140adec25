#include "gis/readers.hpp"

namespace sofiatwin::gis {

std::optional<std::string> osm_tag(const std::string& other_tags, const std::string& key) {
  // Format written by GDAL's OSM driver: "key"=>"value","key2"=>"value2" (quotes escaped with \).
  const std::string needle = "\"" + key + "\"=>\"";
  const auto at = other_tags.find(needle);
  if (at == std::string::npos || (at > 0 && other_tags[at - 1] != ',')) return std::nullopt;
  std::string value;
  for (std::size_t i = at + needle.size(); i < other_tags.size(); ++i) {
    if (other_tags[i] == '\\' && i + 1 < other_tags.size()) {
      value += other_tags[++i];
    } else if (other_tags[i] == '"') {
      return value;
    } else {
      value += other_tags[i];
    }
  }
  return std::nullopt;
}

namespace {

std::optional<std::string> tag(OGRFeature& f, const char* field_name, const std::string& other_tags_key) {
  const int field = f.GetFieldIndex(field_name);
  if (field >= 0 && f.IsFieldSetAndNotNull(field)) return std::string(f.GetFieldAsString(field));
  const int other = f.GetFieldIndex("other_tags");
  if (other < 0 || !f.IsFieldSetAndNotNull(other)) return std::nullopt;
  return osm_tag(f.GetFieldAsString(other), other_tags_key);
}

void read_osm_roads(const std::string& path, const ImportContext& ctx, std::vector<RoadLine>& out) {
  auto source = open_vector_layer({path, "lines"});
  for_each_feature(source, ctx, false, [&](OGRFeature& f, OGRGeometry& geometry, long long) {
    const auto highway = tag(f, "highway", "highway");
    if (!highway) return;
    const auto road_class = parse_road_class(*highway);
    if (!road_class) return;  // footways, cycleways, tracks... are not in the car network
    RoadLine line;
    line.road_class = road_class;
    const int id = f.GetFieldIndex("osm_id");
    line.source_id = id >= 0 ? f.GetFieldAsInteger64(id) : f.GetFID();
    if (auto v = tag(f, "name", "name")) line.name = *v;
    if (auto v = tag(f, "lanes", "lanes")) line.lanes_total = parse_metres(*v);
    if (auto v = tag(f, "maxspeed", "maxspeed")) line.speed_kmh = parse_speed_kmh(*v);
    if (auto v = tag(f, "oneway", "oneway")) line.oneway = parse_oneway(*v);
    if (*road_class == RoadClass::motorway && !tag(f, "oneway", "oneway")) line.oneway = 1;  // OSM implies oneway
    if (auto v = tag(f, "junction", "junction"); v && *v == "roundabout" && line.oneway == 0) line.oneway = 1;
    if (wkbFlatten(geometry.getGeometryType()) != wkbLineString) return;
    line.shape = to_polyline(*geometry.toLineString());
    out.push_back(std::move(line));
  });
}

void read_osm_buildings(const std::string& path, const ImportContext& ctx, std::vector<BuildingInput>& out) {
  auto source = open_vector_layer({path, "multipolygons"});
  for_each_feature(source, ctx, true, [&](OGRFeature& f, OGRGeometry& geometry, long long) {
    const auto building = tag(f, "building", "building");
    if (!building) return;
    BuildingInput b;
    b.building_class = *building == "yes" ? std::string{} : *building;
    const int way = f.GetFieldIndex("osm_way_id"), rel = f.GetFieldIndex("osm_id");
    if (way >= 0 && f.IsFieldSetAndNotNull(way)) b.source_id = f.GetFieldAsInteger64(way);
    else if (rel >= 0 && f.IsFieldSetAndNotNull(rel)) b.source_id = -f.GetFieldAsInteger64(rel);
    if (auto v = tag(f, "height", "height")) b.height_m = parse_metres(*v);
    if (auto v = tag(f, "building:levels", "building:levels")) b.levels = parse_double(*v);
    for (auto& polygon : to_multipolygon(geometry)) {
      BuildingInput part = b;
      part.footprint = std::move(polygon);
      out.push_back(std::move(part));
    }
  });
}

}  // namespace

OsmContent read_osm(const std::string& path, const ImportContext& ctx) {
  OsmContent content;
  read_osm_roads(path, ctx, content.roads);
  read_osm_buildings(path, ctx, content.buildings);
  if (content.roads.empty() && content.buildings.empty())
    throw InputError(path + ": OSM file holds no highway way and no building");
  return content;
}

}  // namespace sofiatwin::gis
