// Key places, paid-parking zones and gateways: layers given at import, or Sofia's embedded in the binary.
#include <cstdio>
#include <sstream>

#include "gis/default_model_parts.hpp"
#include "gis/readers.hpp"

namespace sofiatwin::assets {
std::string_view text(std::string_view name);
}

namespace sofiatwin::gis {
namespace {

std::optional<PlaceKind> parse_place_kind(const std::string& text) {
  if (text == "municipality") return PlaceKind::municipality;
  if (text == "district_administration" || text == "district") return PlaceKind::district_administration;
  return std::nullopt;
}

void add_place(Places& places, PlaceKind kind, std::string name, Point2 position) {
  places.kind.push_back(kind);
  places.name.push_back(std::move(name));
  places.position.push_back(position);
  places.district.push_back(-1);
}

}  // namespace

Places read_places(const std::string& source_text, const ImportContext& ctx) {
  auto source = open_vector_layer(parse_layer_ref(source_text));
  const auto type = wkbFlatten(source.layer->GetGeomType());
  if (type != wkbPoint && type != wkbUnknown)
    throw InputError(source.where() + ": places need points, the layer holds " + OGRGeometryTypeToName(type));
  auto* definition = source.layer->GetLayerDefn();
  const int kind = find_field(definition, {"kind", "type"});
  const int name = find_field(definition, {"name", "name_bg", "name_en"});
  if (kind < 0) throw InputError(describe(source.path, source.layer_name, {}, "kind", "missing (municipality or district_administration)"));
  Places places;
  for_each_feature(source, ctx, false, [&](OGRFeature& feature, OGRGeometry& geometry, long long fid) {
    const std::string text = feature.GetFieldAsString(kind);
    const auto parsed = parse_place_kind(text);
    if (!parsed) throw InputError(source.where(fid, "kind") + " = '" + text + "' is not municipality or district_administration");
    if (wkbFlatten(geometry.getGeometryType()) != wkbPoint) throw InputError(source.where(fid) + ": not a point");
    const auto* p = geometry.toPoint();
    add_place(places, *parsed, name >= 0 ? feature.GetFieldAsString(name) : std::to_string(fid), {p->getX(), p->getY()});
  });
  return places;
}

Places sofia_administrations(const ImportContext& ctx) {
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  const Reprojector to_model(wgs84, ctx.model_crs);
  const auto rows = default_model::parse_csv(assets::text("administrations.csv"));
  Places places;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];  // kind, district_code, name_bg, name_en, address, lat, lon, source
    const auto kind = parse_place_kind(row.at(0));
    double x = std::stod(row.at(6)), y = std::stod(row.at(5));
    if (!kind || !to_model.transform(x, y)) throw InputError("embedded assets: administrations.csv: row " + std::to_string(r + 1) + " is not valid");
    add_place(places, *kind, row.at(2), {x, y});
  }
  return places;
}

ParkingZones read_parking_zones(const std::string& source_text, const ImportContext& ctx) {
  auto source = open_vector_layer(parse_layer_ref(source_text));
  auto* definition = source.layer->GetLayerDefn();
  const int name = find_field(definition, {"name", "name_bg", "name_en"});
  const int rate = find_field(definition, {"rate_eur_per_h", "rate", "tariff_eur_h"});
  if (rate < 0) throw InputError(describe(source.path, source.layer_name, {}, "rate_eur_per_h", "missing (the hourly rate in EUR)"));
  ParkingZones zones;
  for_each_feature(source, ctx, true, [&](OGRFeature& feature, OGRGeometry& geometry, long long fid) {
    const std::string text = feature.GetFieldAsString(rate);
    const auto value = parse_double(text);
    if (!value || *value < 0) throw InputError(source.where(fid, "rate_eur_per_h") + " = '" + text + "' is not a rate of zero or more");
    auto shape = to_multipolygon(geometry);
    if (shape.empty()) throw InputError(source.where(fid) + ": not a polygon");
    zones.name.push_back(name >= 0 ? feature.GetFieldAsString(name) : std::to_string(fid));
    zones.rate_eur_per_h.push_back(*value);
    zones.boundary.push_back(std::move(shape));
  });
  return zones;
}

ParkingZones sofia_parking_zones(const ImportContext& ctx) {
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  const Reprojector to_model(wgs84, ctx.model_crs);
  const auto rows = default_model::parse_csv(assets::text("paid_parking.csv"));
  ParkingZones zones;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];  // name, name_bg, rate_eur_per_h, ring_lon_lat, source
    Polyline ring;
    std::stringstream points(row.at(3));
    std::string pair;
    while (std::getline(points, pair, '|')) {
      double x = 0, y = 0;
      if (std::sscanf(pair.c_str(), "%lf %lf", &x, &y) != 2 || !to_model.transform(x, y))
        throw InputError("embedded assets: paid_parking.csv: row " + std::to_string(r + 1) + " has a bad ring point");
      ring.push_back({x, y});
    }
    zones.name.push_back(row.at(1));
    zones.rate_eur_per_h.push_back(std::stod(row.at(2)));
    zones.boundary.push_back({{ring}});
  }
  return zones;
}

Gateways read_gateways(const std::string& source_text, const ImportContext& ctx) {
  auto source = open_vector_layer(parse_layer_ref(source_text));
  auto* definition = source.layer->GetLayerDefn();
  const int name = find_field(definition, {"name", "name_bg", "name_en"});
  const int volume = find_field(definition, {"vehicles_per_day", "aadt", "volume"});
  if (volume < 0) throw InputError(describe(source.path, source.layer_name, {}, "vehicles_per_day", "missing (vehicles a day, both directions)"));
  Gateways g;
  for_each_feature(source, ctx, false, [&](OGRFeature& feature, OGRGeometry& geometry, long long fid) {
    if (wkbFlatten(geometry.getGeometryType()) != wkbPoint) throw InputError(source.where(fid) + ": not a point");
    const std::string text = feature.GetFieldAsString(volume);
    const auto value = parse_double(text);
    if (!value || *value < 0) throw InputError(source.where(fid, "vehicles_per_day") + " = '" + text + "' is not a count of zero or more");
    g.name.push_back(name >= 0 ? feature.GetFieldAsString(name) : std::to_string(fid));
    g.position.push_back({geometry.toPoint()->getX(), geometry.toPoint()->getY()});
    g.vehicles_per_day.push_back(*value);
  });
  return g;
}

Gateways sofia_gateways(const ImportContext& ctx) {
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  const Reprojector to_model(wgs84, ctx.model_crs);
  const auto rows = default_model::parse_csv(assets::text("gateways.csv"));  // name, lon, lat, vehicles_per_day, source
  Gateways g;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    double x = std::stod(rows[r].at(1)), y = std::stod(rows[r].at(2));
    if (!to_model.transform(x, y)) throw InputError("embedded assets: gateways.csv: row " + std::to_string(r + 1) + " cannot be projected");
    g.name.push_back(rows[r].at(0));
    g.position.push_back({x, y});
    g.vehicles_per_day.push_back(std::stod(rows[r].at(3)));
  }
  return g;
}

}  // namespace sofiatwin::gis
