#include <cctype>

#include "gis/readers.hpp"

namespace sofiatwin::gis {
namespace {

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

/// Leading number of a text ("50 km/h" -> 50); nullopt when it does not start with one.
std::optional<std::pair<double, std::string>> leading_number(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(value)) return std::nullopt;
  std::string rest(end);
  rest.erase(0, rest.find_first_not_of(' '));
  return std::make_pair(value, lower(rest));
}

struct RoadFields {
  int road_class = -1, lanes = -1, maxspeed = -1, oneway = -1, width = -1, id = -1, name = -1;
};

RoadFields find_road_fields(OGRFeatureDefn* d) {
  return {find_field(d, {"highway", "class", "fclass", "road_class", "type"}),
          find_field(d, {"lanes"}),
          find_field(d, {"maxspeed", "speed_kmh", "speed"}),
          find_field(d, {"oneway"}),
          find_field(d, {"width_m", "width"}),
          find_field(d, {"osm_way_id", "osm_id", "id"}),
          find_field(d, {"name", "name_bg", "street", "name_en"})};
}

std::optional<std::string> text_of(OGRFeature& f, int field) {
  if (field < 0 || !f.IsFieldSetAndNotNull(field)) return std::nullopt;
  return std::string(f.GetFieldAsString(field));
}

/// Lenient numeric attribute: a value that does not parse becomes a warning, never silence.
template <class Parse>
std::optional<double> attribute(OGRFeature& f, int field, Parse parse, const VectorLayer& source, long long fid,
                                const ImportContext& ctx) {
  const auto text = text_of(f, field);
  if (!text || text->empty()) return std::nullopt;
  auto value = parse(*text);
  if (!value)
    ctx.report->warn(source.path, source.layer_name, "feature " + std::to_string(fid),
                     f.GetFieldDefnRef(field)->GetNameRef(), "value '" + *text + "' not understood; class default used");
  return value;
}

void append_lines(const OGRGeometry& geometry, const RoadLine& attributes, std::vector<RoadLine>& out) {
  const auto type = wkbFlatten(geometry.getGeometryType());
  if (type == wkbLineString) {
    RoadLine line = attributes;
    line.shape = to_polyline(*geometry.toLineString());
    out.push_back(std::move(line));
  } else if (type == wkbMultiLineString || type == wkbGeometryCollection) {
    for (const auto* part : *geometry.toGeometryCollection()) append_lines(*part, attributes, out);
  }
}

}  // namespace

std::optional<double> parse_speed_kmh(const std::string& text) {
  const auto number = leading_number(text);
  if (!number || number->first <= 0) return std::nullopt;
  if (number->second.empty() || number->second == "km/h" || number->second == "kmh" || number->second == "kph")
    return number->first;
  if (number->second == "mph") return number->first * 1.609344;
  return std::nullopt;
}

std::optional<double> parse_metres(const std::string& text) {
  const auto number = leading_number(text);
  if (!number || number->first < 0) return std::nullopt;
  if (number->second.empty() || number->second == "m") return number->first;
  return std::nullopt;
}

int parse_oneway(const std::string& text) {
  const auto value = lower(text);
  if (value == "yes" || value == "true" || value == "1" || value == "t" || value == "ft") return 1;
  if (value == "-1" || value == "reverse" || value == "tf") return -1;
  return 0;
}

std::vector<RoadLine> read_road_layer(const std::string& source_text, const ImportContext& ctx) {
  auto source = open_vector_layer(parse_layer_ref(source_text));
  const auto type = wkbFlatten(source.layer->GetGeomType());
  if (type != wkbLineString && type != wkbMultiLineString && type != wkbUnknown)
    throw InputError(source.where() + ": roads need lines, the layer holds " + OGRGeometryTypeToName(type));
  const RoadFields fields = find_road_fields(source.layer->GetLayerDefn());
  std::vector<RoadLine> lines;
  std::size_t unknown_class = 0;
  for_each_feature(source, ctx, false, [&](OGRFeature& f, OGRGeometry& geometry, long long fid) {
    RoadLine attributes;
    attributes.source_id = fields.id >= 0 ? f.GetFieldAsInteger64(fields.id) : fid;
    if (const auto name = text_of(f, fields.name)) attributes.name = *name;
    if (const auto cls = text_of(f, fields.road_class)) {
      attributes.road_class = parse_road_class(lower(*cls));
      if (!attributes.road_class) ++unknown_class;
    }
    attributes.lanes_total = attribute(f, fields.lanes, parse_metres, source, fid, ctx);
    attributes.speed_kmh = attribute(f, fields.maxspeed, parse_speed_kmh, source, fid, ctx);
    attributes.width_m = attribute(f, fields.width, parse_metres, source, fid, ctx);
    if (const auto oneway = text_of(f, fields.oneway)) attributes.oneway = parse_oneway(*oneway);
    const auto before = lines.size();
    append_lines(geometry, attributes, lines);
    if (lines.size() == before)
      ctx.report->warn(source.path, source.layer_name, "feature " + std::to_string(fid), {},
                       std::string("geometry is ") + geometry.getGeometryName() + ", not a line; skipped");
  });
  if (unknown_class > 0)
    ctx.report->warn(source.path, source.layer_name, {}, "class",
                     std::to_string(unknown_class) + " lines have a road class that is not in the defaults table; "
                     "their class comes from the width or is 'unclassified'");
  if (lines.empty()) throw InputError(source.where() + ": layer holds no usable line");
  return lines;
}

}  // namespace sofiatwin::gis
