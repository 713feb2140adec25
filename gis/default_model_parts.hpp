// Internals of the embedded default model generator (see default_model.hpp).
#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gis/gdal_util.hpp"
#include "sim/core/geometry.hpp"
#include "sim/core/road_class.hpp"

namespace sofiatwin::gis::default_model {

/// splitmix64: a portable, seedable generator (std distributions differ between libraries).
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double between(double lo, double hi) { return lo + (hi - lo) * uniform(); }
};

using CsvRows = std::vector<std::vector<std::string>>;
/// Parses the embedded CSV assets (header row included; double quotes allowed).
CsvRows parse_csv(std::string_view text);

struct District {
  std::string code, name_bg, name_en;
  double population = 0, area_km2 = 0;
  Point2 label;
};

/// The base street lattice: nodes every `step_m`, cells between them labelled with a zone.
struct Lattice {
  double origin_x_m = 0, origin_y_m = 0, step_m = 250;
  int nx = 0, ny = 0;           // cells; nodes are (nx + 1) x (ny + 1)
  std::vector<int> cell_zone;   // ny * nx, -1 = outside the municipality
  [[nodiscard]] int zone(int i, int j) const { return i < 0 || j < 0 || i >= nx || j >= ny ? -1 : cell_zone[j * nx + i]; }
  [[nodiscard]] Point2 node(int i, int j) const { return {origin_x_m + i * step_m, origin_y_m + j * step_m}; }
  [[nodiscard]] Point2 cell_centre(int i, int j) const { return {origin_x_m + (i + 0.5) * step_m, origin_y_m + (j + 0.5) * step_m}; }
};

/// Street segments between lattice nodes (node id = j * (nx + 1) + i, smaller id first) with the
/// highest road class laid on them.
using EdgeMap = std::map<std::pair<std::int64_t, std::int64_t>, RoadClass>;

/// Synthetic terrain (m): the Sofia plain, Vitosha rising to Cherni Vrah, the Lyulin hills.
struct Terrain {
  Point2 cherni_vrah, lyulin_peak, centre;
  [[nodiscard]] double elevation_m(Point2 p) const;
};

/// Assigns lattice cells to districts with a power diagram whose weights are tuned so that each
/// district's area approaches its official area.
void assign_zones(Lattice& lattice, const std::vector<District>& districts);

/// Persons per km2 of each district over its lattice area.
std::vector<double> zone_density(const Lattice& lattice, const std::vector<District>& districts);

/// The chain of lattice nodes (i, j) nearest to a polyline, in 8-neighbour steps that stay near it.
std::vector<std::pair<int, int>> trace_on_lattice(const Lattice& lattice, const Polyline& waypoints);

/// One multipolygon per label 0..count-1 of a cell labelling (-1 = no zone), by GDALPolygonize.
std::vector<OGRMultiPolygon> polygonize_cells(const Lattice& lattice, const std::vector<int>& cell_label, std::size_t count,
                                              const OGRSpatialReference& crs);

/// Creates a layer of the generated in-memory sources with the given fields.
OGRLayer* create_layer(GDALDataset& ds, const char* name, OGRwkbGeometryType type, const OGRSpatialReference& crs,
                       std::initializer_list<std::pair<const char*, OGRFieldType>> fields);

}  // namespace sofiatwin::gis::default_model
