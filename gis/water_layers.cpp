#include "water_layers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <unordered_map>

#include "gis/raster_ops.hpp"
#include "sim/core/spatial_grid.hpp"
#include "sim/water/inp_io.hpp"

namespace sofiatwin::gis {
namespace {

/// How a positional .inp field behaves when the GIS field is empty.
enum class Need : std::uint8_t { required, defaulted, trailing };

struct FieldSpec {
  const char* name;
  bool real;
  Need need;
  const char* default_token = "";
};

struct LayerSpec {
  const char* layer;
  const char* section;
  bool points;
  std::vector<FieldSpec> tokens;  // the .inp fields in their order
};

const LayerSpec junction_spec{"water_junctions", "JUNCTIONS", true,
                              {{"id", false, Need::required}, {"elevation_m", true, Need::required},
                               {"demand_lps", true, Need::defaulted, "0"}, {"pattern", false, Need::trailing}}};
const LayerSpec reservoir_spec{"water_reservoirs", "RESERVOIRS", true,
                               {{"id", false, Need::required}, {"head_m", true, Need::required}, {"pattern", false, Need::trailing}}};
const LayerSpec tank_spec{"water_tanks", "TANKS", true,
                          {{"id", false, Need::required}, {"elevation_m", true, Need::required}, {"init_level_m", true, Need::required},
                           {"min_level_m", true, Need::required}, {"max_level_m", true, Need::required},
                           {"diameter_m", true, Need::required}, {"min_volume_m3", true, Need::defaulted, "0"},
                           {"volume_curve", false, Need::defaulted, "*"}, {"overflow", false, Need::trailing}}};
const LayerSpec pipe_spec{"water_pipes", "PIPES", false,
                          {{"id", false, Need::required}, {"node1", false, Need::required}, {"node2", false, Need::required},
                           {"length_m", true, Need::required}, {"diameter_mm", true, Need::required},
                           {"roughness", true, Need::required}, {"minor_loss", true, Need::defaulted, "0"},
                           {"status", false, Need::trailing}}};
const LayerSpec pump_spec{"water_pumps", "PUMPS", false,
                          {{"id", false, Need::required}, {"node1", false, Need::required}, {"node2", false, Need::required}}};
const LayerSpec valve_spec{"water_valves", "VALVES", false,
                           {{"id", false, Need::required}, {"node1", false, Need::required}, {"node2", false, Need::required},
                            {"diameter_mm", true, Need::required}, {"type", false, Need::required},
                            {"setting", true, Need::required}, {"minor_loss", true, Need::defaulted, "0"}}};
/// Pump fields after the nodes: GIS field -> .inp keyword.
const std::pair<const char*, const char*> pump_keywords[] = {{"head_curve", "HEAD"}, {"power_kw", "POWER"}, {"speed", "SPEED"}, {"pattern", "PATTERN"}};
const char* const table_name = "water_inp";
/// EPANET 2.3 pipe leakage ([LEAKAGE]) on the pipe layer: leak area per 100 m of pipe, and its
/// growth per metre of pressure head per 100 m.
const char* const leak_area_name = "leak_area_mm2_per_100m";
const char* const leak_expansion_name = "leak_expansion_mm2_per_m_per_100m";

std::string exact(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

std::vector<std::string> split_tokens(const std::string& text) {
  std::istringstream words(text.substr(0, text.find(';')));
  std::vector<std::string> tokens;
  for (std::string w; words >> w;) tokens.push_back(w);
  return tokens;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// ---------- reading ----------

/// Everything read from the layers, before the network is built.
struct Collected {
  water::InpSections sections;
  std::vector<std::string> where;  // locator texts; InpLine::number indexes this
  std::vector<Point2> node_position;
  std::vector<std::string> node_id, pressure_zone;
  std::vector<Polyline> link_shape;
  std::size_t snapped_ends = 0, dem_elevations = 0, geometry_lengths = 0;
};

class WaterReader {
 public:
  WaterReader(std::string path, const ImportContext& ctx, const RasterSampler* dem)
      : path_(std::move(path)), ctx_(ctx), dem_(dem) {
    dataset_.reset(GDALDataset::Open(path_.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!dataset_) throw InputError(path_ + ": cannot be opened as a vector dataset");
  }

  Collected collect() {
    read_nodes(junction_spec, /*required=*/true);
    read_nodes(reservoir_spec, false);
    read_nodes(tank_spec, false);
    build_snap_index();
    read_links(pipe_spec, true);
    read_links(pump_spec, false);
    read_links(valve_spec, false);
    read_table();
    return std::move(c_);
  }

 private:
  OGRLayer* layer(const LayerSpec& spec, bool required) {
    OGRLayer* l = dataset_->GetLayerByName(spec.layer);
    if (!l && required) throw InputError(describe(path_, spec.layer, {}, {}, "layer missing: water networks need it"));
    if (l) {
      const auto type = wkbFlatten(l->GetGeomType());
      const bool fits = spec.points ? type == wkbPoint : type == wkbLineString || type == wkbMultiLineString;
      if (!fits && type != wkbUnknown)
        throw InputError(describe(path_, spec.layer, {}, {}, std::string("holds ") + OGRGeometryTypeToName(type) + ", expected " +
                                                                  (spec.points ? "points" : "lines")));
    }
    return l;
  }

  int locate(const std::string& layer_name, long long fid) {
    c_.where.push_back(describe(path_, layer_name, "feature " + std::to_string(fid), {}, {}));
    return static_cast<int>(c_.where.size()) - 1;
  }

  /// The field's value as an .inp token; empty when the field is missing or null.
  static std::string token(OGRFeature& f, int field) {
    if (field < 0 || !f.IsFieldSetAndNotNull(field)) return {};
    const auto type = f.GetFieldDefnRef(field)->GetType();
    if (type == OFTReal) return exact(f.GetFieldAsDouble(field));
    std::string text = f.GetFieldAsString(field);
    text.erase(0, text.find_first_not_of(" \t"));
    text.erase(text.find_last_not_of(" \t") + 1);
    if (text.find_first_of(" \t;") != std::string::npos) return "\x01" + text;  // marks an unusable token
    return text;
  }

  /// The positional tokens of one feature; `fill(i)` may supply a value for an empty field.
  template <class Fill>
  std::vector<std::string> tokens(OGRFeature& f, const LayerSpec& spec, const std::vector<int>& fields, long long fid, Fill&& fill) {
    std::vector<std::string> out;
    std::size_t kept = 0;  // tokens up to here carry values; defaults after it are dropped
    for (std::size_t i = 0; i < spec.tokens.size(); ++i) {
      const auto& s = spec.tokens[i];
      std::string t = token(f, fields[i]);
      if (t.empty()) t = fill(i);
      if (!t.empty() && t[0] == '\x01')
        throw InputError(describe(path_, spec.layer, "feature " + std::to_string(fid), s.name,
                                  "'" + t.substr(1) + "' contains a blank or ';'"));
      if (t.empty()) {
        if (s.need == Need::required)
          throw InputError(describe(path_, spec.layer, "feature " + std::to_string(fid), s.name,
                                    fields[i] < 0 ? "missing: the layer has no such field" : "is empty"));
        t = s.default_token;
      } else {
        kept = i + 1;
      }
      out.push_back(t);
    }
    out.resize(std::max<std::size_t>(kept, 1));
    for (std::size_t i = 0; i < out.size(); ++i)
      if (out[i].empty())
        throw InputError(describe(path_, spec.layer, "feature " + std::to_string(fid), spec.tokens[i].name,
                                  "is empty while a later field is set"));
    return out;
  }

  static std::vector<int> field_indices(OGRLayer& l, const LayerSpec& spec) {
    std::vector<int> out;
    for (const auto& s : spec.tokens) out.push_back(find_field(l.GetLayerDefn(), {s.name}));
    return out;
  }

  void read_nodes(const LayerSpec& spec, bool required) {
    OGRLayer* l = layer(spec, required);
    if (!l) return;
    VectorLayer source{nullptr, l, path_, spec.layer};
    const auto fields = field_indices(*l, spec);
    const int zone_field = find_field(l->GetLayerDefn(), {"pressure_zone"});
    const int emitter_field = spec.section == std::string("JUNCTIONS") ? find_field(l->GetLayerDefn(), {"emitter_coefficient"}) : -1;
    const auto visited = for_each_feature(source, ctx_, false, [&](OGRFeature& f, OGRGeometry& g, long long fid) {
      if (wkbFlatten(g.getGeometryType()) != wkbPoint)
        throw InputError(describe(path_, spec.layer, "feature " + std::to_string(fid), {}, "geometry is not a point"));
      const Point2 p{g.toPoint()->getX(), g.toPoint()->getY()};
      auto fill = [&](std::size_t i) -> std::string {
        if (std::string(spec.tokens[i].name) != "elevation_m" || !dem_) return {};
        const double z = dem_->sample(p);
        if (std::isnan(z)) return {};
        ++c_.dem_elevations;
        return exact(z);
      };
      auto line = tokens(f, spec, fields, fid, fill);
      const int at = locate(spec.layer, fid);
      if (emitter_field >= 0) {
        const std::string e = token(f, emitter_field);
        if (!e.empty()) c_.sections["EMITTERS"].push_back({at, {line[0], e}});
      }
      c_.node_id.push_back(line[0]);
      c_.pressure_zone.push_back(zone_field >= 0 ? f.GetFieldAsString(zone_field) : "");
      c_.node_position.push_back(p);
      c_.sections[spec.section].push_back({at, std::move(line)});
    });
    require_all(*l, spec, visited);
  }

  /// A water network cannot leave a feature out: features for_each_feature skipped (no geometry,
  /// not reprojectable) are an error here, not a warning.
  void require_all(OGRLayer& l, const LayerSpec& spec, long long visited) const {
    const auto count = l.GetFeatureCount();
    if (visited != count)
      throw InputError(describe(path_, spec.layer, {}, {},
                                std::to_string(count - visited) + " feature(s) without usable geometry (see the import report's "
                                                                  "warnings): a water network cannot leave them out"));
  }

  void build_snap_index() {
    snap_grid_ = std::make_unique<SpatialGrid>(std::max(ctx_.options.snap_tolerance_m, 1.0));
    for (std::size_t v = 0; v < c_.node_position.size(); ++v) snap_grid_->insert(c_.node_position[v], static_cast<std::int32_t>(v));
    snap_grid_->build();
    for (std::size_t v = 0; v < c_.node_id.size(); ++v) node_index_.emplace(upper(c_.node_id[v]), static_cast<std::int32_t>(v));
  }

  /// The node nearest to `p` within the snap tolerance, or -1.
  [[nodiscard]] std::int32_t snap(Point2 p) const {
    const double tolerance_m = ctx_.options.snap_tolerance_m;
    std::int32_t best = -1;
    double best_m = tolerance_m;
    snap_grid_->query(box_around(p, tolerance_m), [&](std::int32_t v) {
      const double d = distance_m(p, c_.node_position[static_cast<std::size_t>(v)]);
      if (d < best_m || (d == best_m && best >= 0 && v < best)) best = v, best_m = d;
    });
    return best;
  }

  void read_links(const LayerSpec& spec, bool required) {
    OGRLayer* l = layer(spec, required);
    if (!l) return;
    VectorLayer source{nullptr, l, path_, spec.layer};
    const auto fields = field_indices(*l, spec);
    std::vector<int> keyword_fields;
    for (const auto& [name, keyword] : pump_keywords) keyword_fields.push_back(find_field(l->GetLayerDefn(), {name}));
    const int curve_field = find_field(l->GetLayerDefn(), {"curve"});
    const bool pipes = spec.section == std::string("PIPES");
    const int leak_area_field = pipes ? find_field(l->GetLayerDefn(), {leak_area_name}) : -1;
    const int leak_expansion_field = pipes ? find_field(l->GetLayerDefn(), {leak_expansion_name}) : -1;
    const auto visited = for_each_feature(source, ctx_, false, [&](OGRFeature& f, OGRGeometry& g, long long fid) {
      const std::string feature = "feature " + std::to_string(fid);
      const OGRLineString* single = nullptr;
      if (wkbFlatten(g.getGeometryType()) == wkbLineString) single = g.toLineString();
      else if (wkbFlatten(g.getGeometryType()) == wkbMultiLineString && g.toMultiLineString()->getNumGeometries() == 1)
        single = g.toMultiLineString()->getGeometryRef(0);
      if (!single) throw InputError(describe(path_, spec.layer, feature, {}, "geometry is not a single line"));
      Polyline shape = to_polyline(*single);
      auto fill = [&](std::size_t i) -> std::string {
        const std::string name = spec.tokens[i].name;
        if (name == "node1" || name == "node2") {
          const Point2 end = name == "node1" ? shape.front() : shape.back();
          const auto v = snap(end);
          if (v < 0)
            throw InputError(describe(path_, spec.layer, feature, name,
                                      "is empty and no node lies within " + exact(ctx_.options.snap_tolerance_m) + " m of the line's end"));
          ++c_.snapped_ends;
          return c_.node_id[static_cast<std::size_t>(v)];
        }
        if (name == "length_m") return ++c_.geometry_lengths, exact(length_m(shape));
        if (name == "setting" && curve_field >= 0 && f.IsFieldSetAndNotNull(curve_field)) return token(f, curve_field);
        return {};
      };
      auto line = tokens(f, spec, fields, fid, fill);
      if (spec.section == std::string("PUMPS"))
        for (std::size_t k = 0; k < keyword_fields.size(); ++k)
          if (const auto t = token(f, keyword_fields[k]); !t.empty()) line.push_back(pump_keywords[k].second), line.push_back(t);
      orient(shape, line);
      c_.link_shape.push_back(std::move(shape));
      const int at = locate(spec.layer, fid);
      const std::string area = token(f, leak_area_field), expansion = token(f, leak_expansion_field);
      if (!area.empty() || !expansion.empty())
        c_.sections["LEAKAGE"].push_back({at, {line[0], area.empty() ? "0" : area, expansion.empty() ? "0" : expansion}});
      c_.sections[spec.section].push_back({at, std::move(line)});
    });
    require_all(*l, spec, visited);
  }

  /// Reverses the shape when it runs from the link's to-node to its from-node.
  void orient(Polyline& shape, const std::vector<std::string>& line) const {
    const auto from = node_index_.find(upper(line[1]));
    if (from == node_index_.end()) return;  // build_network names the undefined node
    const Point2 p = c_.node_position[static_cast<std::size_t>(from->second)];
    if (distance_m(shape.back(), p) < distance_m(shape.front(), p)) std::reverse(shape.begin(), shape.end());
  }

  void read_table() {
    OGRLayer* l = dataset_->GetLayerByName(table_name);
    if (!l) return;
    const int section_field = find_field(l->GetLayerDefn(), {"section"}), line_field = find_field(l->GetLayerDefn(), {"line"});
    if (section_field < 0 || line_field < 0) throw InputError(describe(path_, table_name, {}, section_field < 0 ? "section" : "line", "field missing"));
    l->ResetReading();
    for (auto& f : *l) {
      const long long fid = f->GetFID();
      std::string section = upper(f->GetFieldAsString(section_field));
      section.erase(std::remove_if(section.begin(), section.end(), [](char ch) { return ch == '[' || ch == ']' || ch == ' '; }), section.end());
      auto fail = [&](const std::string& message) {
        throw InputError(describe(path_, table_name, "row " + std::to_string(fid), "section", "'" + section + "' " + message));
      };
      if (!water::is_inp_section(section)) fail("is not an EPANET section");
      for (const char* geometric : {"JUNCTIONS", "RESERVOIRS", "TANKS", "PIPES", "PUMPS", "VALVES", "COORDINATES", "VERTICES"})
        if (section == geometric) fail("belongs in its own layer, not in the table");
      auto tokens_of_row = split_tokens(f->GetFieldAsString(line_field));
      if (tokens_of_row.empty()) continue;
      if (section == "OPTIONS" && upper(tokens_of_row[0]) == "UNITS" && (tokens_of_row.size() < 2 || upper(tokens_of_row[1]) != "LPS"))
        throw InputError(describe(path_, table_name, "row " + std::to_string(fid), "line",
                                  "water layers are in SI units: UNITS must be LPS"));
      c_.where.push_back(describe(path_, table_name, "row " + std::to_string(fid), "line", {}));
      c_.sections[section].push_back({static_cast<int>(c_.where.size()) - 1, std::move(tokens_of_row)});
    }
  }

  std::string path_;
  const ImportContext& ctx_;
  const RasterSampler* dem_;
  GDALDatasetUniquePtr dataset_;
  Collected c_;
  std::unique_ptr<SpatialGrid> snap_grid_;
  std::unordered_map<std::string, std::int32_t> node_index_;
};

// ---------- writing ----------

OGRLayer* create_layer(GDALDataset& ds, const char* name, OGRwkbGeometryType type, const OGRSpatialReference& crs,
                       const std::vector<std::pair<std::string, OGRFieldType>>& fields) {
  char** options = CSLSetNameValue(nullptr, "FID", "fid");
  OGRLayer* layer = ds.CreateLayer(name, type == wkbNone ? nullptr : const_cast<OGRSpatialReference*>(&crs), type, options);
  CSLDestroy(options);
  if (!layer) throw InputError(std::string("cannot create layer '") + name + "'");
  for (const auto& [field, field_type] : fields) {
    OGRFieldDefn definition(field.c_str(), field_type);
    if (layer->CreateField(&definition) != OGRERR_NONE)
      throw InputError("cannot create field '" + field + "' in layer '" + name + "'");
  }
  return layer;
}

std::vector<std::pair<std::string, OGRFieldType>> schema(const LayerSpec& spec) {
  std::vector<std::pair<std::string, OGRFieldType>> out;
  for (const auto& s : spec.tokens) out.emplace_back(s.name, s.real ? OFTReal : OFTString);
  return out;
}

/// Sets a field from an .inp token (numbers parsed for real fields).
void set_token(OGRFeature& f, const std::string& field, const std::string& token, bool real) {
  if (token.empty()) return;
  if (real) f.SetField(field.c_str(), std::strtod(token.c_str(), nullptr));
  else f.SetField(field.c_str(), token.c_str());
}

void add_feature(OGRLayer* layer, OGRFeature& f) {
  if (layer->CreateFeature(&f) != OGRERR_NONE) throw InputError(std::string("cannot write a feature to layer '") + layer->GetName() + "'");
}

class WaterWriter {
 public:
  WaterWriter(GDALDataset& ds, const OGRSpatialReference& crs, const WaterModel& w) : ds_(ds), crs_(crs), w_(w) {
    for (std::size_t v = 0; v < w.network.node_count(); ++v) node_index_.emplace(w.network.node_id[v], v);
    for (std::size_t k = 0; k < w.network.link_count(); ++k) link_index_.emplace(w.network.link_id[k], k);
    for (auto& [name, lines] : water::inp_section_lines(w.network)) {
      auto& rows = sections_[name];
      for (const auto& l : lines) rows.push_back(split_tokens(l));
      order_.push_back(name);
      raw_[name] = std::move(lines);
    }
  }

  void write() {
    write_junctions();
    write_points(reservoir_spec, water::NodeType::reservoir);
    write_points(tank_spec, water::NodeType::tank);
    write_lines(pipe_spec, "PIPES");
    write_pumps();
    write_lines(valve_spec, "VALVES");
    write_table();
  }

 private:
  [[nodiscard]] Point2 position(std::size_t node) const { return w_.node_position.at(node); }

  [[nodiscard]] Polyline shape(std::size_t link) const {
    if (link < w_.link_shape.size() && w_.link_shape[link].size() >= 2) return w_.link_shape[link];
    const auto& n = w_.network;
    return {position(static_cast<std::size_t>(n.from_node[link])), position(static_cast<std::size_t>(n.to_node[link]))};
  }

  static std::unique_ptr<OGRLineString> line(const Polyline& shape) {
    auto out = std::make_unique<OGRLineString>();
    for (const auto& p : shape) out->addPoint(p.x_m, p.y_m);
    return out;
  }

  void write_junctions() {
    auto fields = schema(junction_spec);
    fields.emplace_back("emitter_coefficient", OFTReal);
    fields.emplace_back("pressure_zone", OFTString);
    OGRLayer* layer = create_layer(ds_, junction_spec.layer, wkbPoint, crs_, fields);
    std::unordered_map<std::string, std::vector<std::vector<std::string>>> demands;
    for (const auto& d : sections_["DEMANDS"]) demands[d[0]].push_back(d);
    std::unordered_map<std::string, std::string> emitters;
    for (const auto& e : sections_["EMITTERS"]) emitters[e[0]] = e[1];
    for (const auto& row : sections_["JUNCTIONS"]) {
      const auto v = node_of(row[0]);
      OGRFeature f(layer->GetLayerDefn());
      set_token(f, "id", row[0], false);
      set_token(f, "elevation_m", row[1], true);
      auto& list = demands[row[0]];
      if (list.size() == 1) {  // one demand category: on the layer; several: in the table
        set_token(f, "demand_lps", list[0][1], true);
        if (list[0].size() > 2) set_token(f, "pattern", list[0][2], false);
      } else {
        for (const auto& d : list) leftover_demands_.push_back(d);
      }
      if (const auto e = emitters.find(row[0]); e != emitters.end()) set_token(f, "emitter_coefficient", e->second, true);
      if (v < w_.pressure_zone.size() && !w_.pressure_zone[v].empty()) f.SetField("pressure_zone", w_.pressure_zone[v].c_str());
      f.SetGeometryDirectly(new OGRPoint(position(v).x_m, position(v).y_m));
      add_feature(layer, f);
    }
  }

  void write_points(const LayerSpec& spec, water::NodeType type) {
    const auto& rows = sections_[spec.section];
    bool any = false;
    for (auto t : w_.network.node_type) any = any || t == type;
    if (!any) return;
    OGRLayer* layer = create_layer(ds_, spec.layer, wkbPoint, crs_, schema(spec));
    for (const auto& row : rows) {
      const auto v = node_of(row[0]);
      OGRFeature f(layer->GetLayerDefn());
      for (std::size_t i = 0; i < row.size() && i < spec.tokens.size(); ++i) set_token(f, spec.tokens[i].name, row[i], spec.tokens[i].real);
      f.SetGeometryDirectly(new OGRPoint(position(v).x_m, position(v).y_m));
      add_feature(layer, f);
    }
  }

  void write_lines(const LayerSpec& spec, const char* section) {
    auto fields = schema(spec);
    const bool valves = std::string(section) == "VALVES", pipes = std::string(section) == "PIPES";
    if (valves) fields.emplace_back("curve", OFTString);
    std::unordered_map<std::string, const std::vector<std::string>*> leaks;  // pipe id -> its [LEAKAGE] line
    if (pipes) {
      for (const auto& l : sections_["LEAKAGE"]) leaks[l[0]] = &l;
      if (!leaks.empty()) fields.emplace_back(leak_area_name, OFTReal), fields.emplace_back(leak_expansion_name, OFTReal);
    }
    const auto& rows = sections_[section];
    if (rows.empty() && valves) return;
    OGRLayer* layer = create_layer(ds_, spec.layer, wkbLineString, crs_, fields);
    for (const auto& row : rows) {
      const auto k = link_of(row[0]);
      OGRFeature f(layer->GetLayerDefn());
      for (std::size_t i = 0; i < row.size() && i < spec.tokens.size(); ++i) {
        const bool gpv_curve = valves && spec.tokens[i].name == std::string("setting") && upper(row[4]) == "GPV";
        if (gpv_curve) set_token(f, "curve", row[i], false);
        else set_token(f, spec.tokens[i].name, row[i], spec.tokens[i].real);
      }
      if (const auto leak = leaks.find(row[0]); leak != leaks.end())
        set_token(f, leak_area_name, (*leak->second)[1], true), set_token(f, leak_expansion_name, (*leak->second)[2], true);
      f.SetGeometryDirectly(line(shape(k)).release());
      add_feature(layer, f);
    }
  }

  void write_pumps() {
    const auto& rows = sections_["PUMPS"];
    if (rows.empty()) return;
    auto fields = schema(pump_spec);
    for (const auto& [name, keyword] : pump_keywords) fields.emplace_back(name, std::string(name) == "power_kw" || std::string(name) == "speed" ? OFTReal : OFTString);
    OGRLayer* layer = create_layer(ds_, pump_spec.layer, wkbLineString, crs_, fields);
    for (const auto& row : rows) {
      OGRFeature f(layer->GetLayerDefn());
      for (std::size_t i = 0; i < 3; ++i) set_token(f, pump_spec.tokens[i].name, row[i], false);
      for (std::size_t i = 3; i + 1 < row.size(); i += 2)
        for (const auto& [name, keyword] : pump_keywords)
          if (upper(row[i]) == keyword) set_token(f, name, row[i + 1], std::string(name) == "power_kw" || std::string(name) == "speed");
      f.SetGeometryDirectly(line(shape(link_of(row[0]))).release());
      add_feature(layer, f);
    }
  }

  void write_table() {
    OGRLayer* layer = create_layer(ds_, table_name, wkbNone, crs_, {{"section", OFTString}, {"line", OFTString}});
    auto row = [&](const std::string& section, const std::string& text) {
      OGRFeature f(layer->GetLayerDefn());
      f.SetField("section", section.c_str());
      f.SetField("line", text.c_str());
      add_feature(layer, f);
    };
    for (const auto& name : order_) {
      if (name == "DEMANDS") {
        for (const auto& d : leftover_demands_) {
          std::string text;
          for (const auto& t : d) text += (text.empty() ? "" : " ") + t;
          row(name, text);
        }
        continue;
      }
      if (name == "JUNCTIONS" || name == "RESERVOIRS" || name == "TANKS" || name == "PIPES" || name == "PUMPS" || name == "VALVES" ||
          name == "EMITTERS" || name == "LEAKAGE")
        continue;
      for (const auto& text : raw_[name]) row(name, text);
    }
  }

  [[nodiscard]] std::size_t node_of(const std::string& id) const { return node_index_.at(id); }
  [[nodiscard]] std::size_t link_of(const std::string& id) const { return link_index_.at(id); }

  GDALDataset& ds_;
  const OGRSpatialReference& crs_;
  const WaterModel& w_;
  std::map<std::string, std::vector<std::vector<std::string>>> sections_;
  std::map<std::string, std::vector<std::string>> raw_;
  std::vector<std::string> order_;
  std::vector<std::vector<std::string>> leftover_demands_;
  std::unordered_map<std::string, std::size_t> node_index_, link_index_;
};

}  // namespace

bool has_water_layers(const std::string& path) {
  GdalErrorCapture quiet;
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  return ds && ds->GetLayerByName(junction_spec.layer) != nullptr;
}

WaterModel read_water_layers(const std::string& path, const std::string& network_name, const ImportContext& ctx,
                             const RasterSampler* dem) {
  Collected c = WaterReader(path, ctx, dem).collect();
  auto& options = c.sections["OPTIONS"];
  options.insert(options.begin(), water::InpLine{-1, {"UNITS", "LPS"}});
  const auto& where = c.where;
  const water::InpLocator locate = [&where, &path](int n) {
    return n >= 0 && static_cast<std::size_t>(n) < where.size() ? where[static_cast<std::size_t>(n)] : path + ": water layers";
  };
  WaterModel w;
  w.network = water::build_network(std::move(c.sections), network_name, path, locate);
  w.node_position = std::move(c.node_position);
  w.link_shape = std::move(c.link_shape);
  w.pressure_zone = std::move(c.pressure_zone);
  std::string note = std::to_string(w.network.node_count()) + " nodes, " + std::to_string(w.network.link_count()) + " links";
  if (c.dem_elevations) note += "; " + std::to_string(c.dem_elevations) + " elevations from the DEM";
  if (c.snapped_ends) note += "; " + std::to_string(c.snapped_ends) + " line ends snapped to nodes";
  if (c.geometry_lengths) note += "; " + std::to_string(c.geometry_lengths) + " lengths from the geometry";
  ctx.report->info(path, "water", note);
  return w;
}

std::optional<WaterModel> read_water_dataset(const std::string& path) {
  std::map<std::string, std::string> metadata;
  {
    GdalErrorCapture quiet;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds) return std::nullopt;
    if (!ds->GetLayerByName(junction_spec.layer))
      throw InputError(path + ": holds no water network (no layer '" + junction_spec.layer + "')");
    if (OGRLayer* meta = ds->GetLayerByName("twin_metadata"))
      for (auto& f : *meta) metadata[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
  }
  ImportReport report;
  ImportOptions options;
  if (metadata.count("crs")) options.model_crs = metadata["crs"];
  const ImportContext ctx{make_crs(options.model_crs), std::nullopt, options, &report};
  const std::string name = metadata.count("water_network_name") ? metadata["water_network_name"] : std::filesystem::path(path).stem().string();
  return read_water_layers(path, name, ctx, nullptr);
}

void write_water_layers(GDALDataset& dataset, const OGRSpatialReference& crs, const WaterModel& water) {
  if (water.network.units.flow_name != "LPS")
    throw InputError("water network '" + water.network.name + "' is in " + water.network.units.flow_name +
                     "; the twin stores water layers in LPS (SI) units");
  if (water.node_position.size() != water.network.node_count())
    throw InputError("water network '" + water.network.name + "': node positions do not match its nodes");
  WaterWriter(dataset, crs, water).write();
}

}  // namespace sofiatwin::gis
