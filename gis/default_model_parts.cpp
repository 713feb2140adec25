#include "default_model_parts.hpp"

#include <gdal_alg.h>

#include <algorithm>

namespace sofiatwin::gis::default_model {

CsvRows parse_csv(std::string_view text) {
  CsvRows rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (!cell.empty() || !row.empty()) row.push_back(std::move(cell)), rows.push_back(std::move(row));
  return rows;
}

double Terrain::elevation_m(Point2 p) const {
  // Plain at ~550 m, falling gently to the north (the Iskar valley); two Gaussian massifs.
  const double plain = 550.0 - 2.0 * (p.y_m - centre.y_m) / 1000.0;
  auto bump = [&](Point2 peak, double peak_m, double radius_m) {
    const double base = 550.0 - 2.0 * (peak.y_m - centre.y_m) / 1000.0;
    const double d = distance_m(p, peak) / radius_m;
    return (peak_m - base) * std::exp(-d * d);
  };
  return plain + bump(cherni_vrah, 2290.0, 6000.0) + bump(lyulin_peak, 1256.0, 3500.0);
}

void assign_zones(Lattice& lattice, const std::vector<District>& districts) {
  // Capacity-constrained, multiplicatively weighted assignment: all (cell, district) pairs are taken
  // in order of distance / (radius of a disc with the district's area); a cell goes to the first
  // district that reaches it while the district still has area left. Deterministic, exact areas up
  // to one cell, compact shapes.
  const double cell_km2 = lattice.step_m * lattice.step_m / 1e6;
  struct Candidate { double key; std::int32_t cell, zone; };
  std::vector<Candidate> candidates;
  for (std::size_t z = 0; z < districts.size(); ++z) {
    const double radius_m = std::sqrt(districts[z].area_km2 * 1e6 / 3.14159265358979);
    for (int j = 0; j < lattice.ny; ++j)
      for (int i = 0; i < lattice.nx; ++i) {
        const double key = distance_m(lattice.cell_centre(i, j), districts[z].label) / radius_m;
        if (key < 6.0) candidates.push_back({key, j * lattice.nx + i, static_cast<std::int32_t>(z)});
      }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.key != b.key ? a.key < b.key : (a.cell != b.cell ? a.cell < b.cell : a.zone < b.zone);
  });
  std::vector<double> left_km2;
  for (const auto& d : districts) left_km2.push_back(d.area_km2);
  lattice.cell_zone.assign(static_cast<std::size_t>(lattice.nx) * lattice.ny, -1);
  for (const auto& c : candidates) {
    auto& cell = lattice.cell_zone[static_cast<std::size_t>(c.cell)];
    if (cell >= 0 || left_km2[static_cast<std::size_t>(c.zone)] < cell_km2 / 2) continue;
    cell = c.zone;
    left_km2[static_cast<std::size_t>(c.zone)] -= cell_km2;
  }
}

std::vector<double> zone_density(const Lattice& lattice, const std::vector<District>& districts) {
  std::vector<double> cells(districts.size(), 0.0), density(districts.size(), 0.0);
  for (int z : lattice.cell_zone)
    if (z >= 0) cells[static_cast<std::size_t>(z)] += 1;
  const double cell_km2 = lattice.step_m * lattice.step_m / 1e6;
  for (std::size_t z = 0; z < districts.size(); ++z)
    density[z] = cells[z] > 0 ? districts[z].population / (cells[z] * cell_km2) : 0.0;
  return density;
}

std::vector<std::pair<int, int>> trace_on_lattice(const Lattice& l, const Polyline& waypoints) {
  auto nearest = [&](Point2 p) {
    return std::make_pair(std::clamp(static_cast<int>(std::lround((p.x_m - l.origin_x_m) / l.step_m)), 0, l.nx),
                          std::clamp(static_cast<int>(std::lround((p.y_m - l.origin_y_m) / l.step_m)), 0, l.ny));
  };
  std::vector<std::pair<int, int>> nodes;
  if (waypoints.empty()) return nodes;
  nodes.push_back(nearest(waypoints.front()));
  for (std::size_t k = 1; k < waypoints.size(); ++k) {
    const auto target = nearest(waypoints[k]);
    auto current = nodes.back();
    while (current != target) {
      const int di = (target.first > current.first) - (target.first < current.first);
      const int dj = (target.second > current.second) - (target.second < current.second);
      // step diagonally only while both offsets are comparable, so the trace stays near the line
      const int ai = std::abs(target.first - current.first), aj = std::abs(target.second - current.second);
      const int si = (2 * ai >= aj) ? di : 0, sj = (2 * aj >= ai) ? dj : 0;
      current = {current.first + si, current.second + sj};
      nodes.push_back(current);
    }
  }
  return nodes;
}

std::vector<OGRMultiPolygon> polygonize_cells(const Lattice& lattice, const std::vector<int>& cell_label, std::size_t count,
                                              const OGRSpatialReference& crs) {
  // Label raster (row 0 = north) -> GDALPolygonize -> the polygons of each label.
  auto* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr raster(mem->Create("", lattice.nx, lattice.ny, 1, GDT_Int32, nullptr));
  double transform[6] = {lattice.origin_x_m, lattice.step_m, 0, lattice.origin_y_m + lattice.ny * lattice.step_m, 0, -lattice.step_m};
  raster->SetGeoTransform(transform);
  std::vector<std::int32_t> labels(cell_label.size());
  for (int j = 0; j < lattice.ny; ++j)
    for (int i = 0; i < lattice.nx; ++i)
      labels[static_cast<std::size_t>(lattice.ny - 1 - j) * lattice.nx + i] = cell_label[static_cast<std::size_t>(j) * lattice.nx + i] + 1;
  auto* band = raster->GetRasterBand(1);
  if (band->RasterIO(GF_Write, 0, 0, lattice.nx, lattice.ny, labels.data(), lattice.nx, lattice.ny, GDT_Int32, 0, 0) != CE_None)
    throw InputError("default model: cannot write a zone raster");
  auto* memv = GetGDALDriverManager()->GetDriverByName("Memory");
  GDALDatasetUniquePtr polys(memv->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  OGRLayer* polygon_layer = create_layer(*polys, "p", wkbPolygon, crs, {{"zone", OFTInteger}});
  GDALPolygonize(band, band, polygon_layer, 0, nullptr, nullptr, nullptr);
  std::vector<OGRMultiPolygon> parts(count);
  for (auto& feature : *polygon_layer) {
    const int z = feature->GetFieldAsInteger(0) - 1;
    if (z >= 0 && static_cast<std::size_t>(z) < count) parts[static_cast<std::size_t>(z)].addGeometry(feature->GetGeometryRef());
  }
  return parts;
}

OGRLayer* create_layer(GDALDataset& ds, const char* name, OGRwkbGeometryType type, const OGRSpatialReference& crs,
                       std::initializer_list<std::pair<const char*, OGRFieldType>> fields) {
  OGRLayer* layer = ds.CreateLayer(name, type == wkbNone ? nullptr : const_cast<OGRSpatialReference*>(&crs), type, nullptr);
  if (!layer) throw InputError(std::string("default model: cannot create layer '") + name + "'");
  for (const auto& [field, field_type] : fields) {
    OGRFieldDefn definition(field, field_type);
    layer->CreateField(&definition);
  }
  return layer;
}

}  // namespace sofiatwin::gis::default_model
