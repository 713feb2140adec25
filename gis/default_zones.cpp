#include "gis/default_zones.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sofiatwin::gis::default_model {
namespace {

struct Splitter {
  const Lattice& lattice;
  const std::vector<double>& weight;      // bisection weight per cell
  const std::vector<double>& population;  // residents per cell
  TrafficZoning& out;
  int district = 0;

  /// Splits `cells` into k zones of about equal weight, along the longer side of their box.
  void split(std::vector<int> cells, int k) {
    if (k <= 1 || cells.size() <= 1) {
      const int zone = static_cast<int>(out.district.size());
      double residents = 0;
      for (int c : cells) out.cell_zone[static_cast<std::size_t>(c)] = zone, residents += population[static_cast<std::size_t>(c)];
      out.district.push_back(district);
      out.number.push_back(static_cast<int>(std::count(out.district.begin(), out.district.end(), district)));
      out.population.push_back(residents);
      return;
    }
    int min_i = lattice.nx, max_i = -1, min_j = lattice.ny, max_j = -1;
    for (int c : cells) {
      const int i = c % lattice.nx, j = c / lattice.nx;
      min_i = std::min(min_i, i), max_i = std::max(max_i, i), min_j = std::min(min_j, j), max_j = std::max(max_j, j);
    }
    const bool along_x = max_i - min_i >= max_j - min_j;
    std::sort(cells.begin(), cells.end(), [&](int a, int b) {
      const int ka = along_x ? a % lattice.nx : a / lattice.nx, kb = along_x ? b % lattice.nx : b / lattice.nx;
      return ka != kb ? ka < kb : a < b;
    });
    double total = 0;
    for (int c : cells) total += weight[static_cast<std::size_t>(c)];
    const int left = k / 2;
    const double target = total * left / k;
    std::size_t cut = 0;
    for (double running = 0; cut + 1 < cells.size() && running + weight[static_cast<std::size_t>(cells[cut])] <= target; ++cut)
      running += weight[static_cast<std::size_t>(cells[cut])];
    cut = std::max<std::size_t>(cut, 1);
    split(std::vector<int>(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(cut)), left);
    split(std::vector<int>(cells.begin() + static_cast<std::ptrdiff_t>(cut), cells.end()), k - left);
  }
};

}  // namespace

std::vector<double> cell_population(const Lattice& lattice, const std::vector<District>& districts, const Terrain& terrain,
                                    double max_settled_elevation_m) {
  std::vector<double> settled_cells(districts.size(), 0.0), out(lattice.cell_zone.size(), 0.0);
  auto settled = [&](int i, int j) { return terrain.elevation_m(lattice.cell_centre(i, j)) <= max_settled_elevation_m; };
  for (int j = 0; j < lattice.ny; ++j)
    for (int i = 0; i < lattice.nx; ++i)
      if (const int z = lattice.zone(i, j); z >= 0 && settled(i, j)) settled_cells[static_cast<std::size_t>(z)] += 1;
  for (int j = 0; j < lattice.ny; ++j)
    for (int i = 0; i < lattice.nx; ++i) {
      const int z = lattice.zone(i, j);
      if (z >= 0 && settled(i, j) && settled_cells[static_cast<std::size_t>(z)] > 0)
        out[static_cast<std::size_t>(j) * lattice.nx + i] = districts[static_cast<std::size_t>(z)].population / settled_cells[static_cast<std::size_t>(z)];
    }
  return out;
}

TrafficZoning make_traffic_zones(const Lattice& lattice, const std::vector<District>& districts, const std::vector<double>& cell_pop,
                                 double target_population, double extra_zone_area_km2) {
  TrafficZoning out;
  out.cell_zone.assign(lattice.cell_zone.size(), -1);
  std::vector<std::vector<int>> cells(districts.size());
  for (std::size_t c = 0; c < lattice.cell_zone.size(); ++c)
    if (lattice.cell_zone[c] >= 0) cells[static_cast<std::size_t>(lattice.cell_zone[c])].push_back(static_cast<int>(c));
  const double cell_km2 = lattice.step_m * lattice.step_m / 1e6;
  for (std::size_t d = 0; d < districts.size(); ++d) {
    // Bisection weight: residents, plus a little per cell so that empty land is split too.
    double residents = 0;
    for (int c : cells[d]) residents += cell_pop[static_cast<std::size_t>(c)];
    const double per_cell = cells[d].empty() ? 0.0 : 0.05 * residents / static_cast<double>(cells[d].size());
    std::vector<double> weight(lattice.cell_zone.size(), 0.0);
    for (int c : cells[d]) weight[static_cast<std::size_t>(c)] = cell_pop[static_cast<std::size_t>(c)] + per_cell + 1e-9;
    const int k = std::max(1, static_cast<int>(std::lround(residents / target_population))) +
                  static_cast<int>(std::floor(static_cast<double>(cells[d].size()) * cell_km2 / extra_zone_area_km2));
    Splitter splitter{lattice, weight, cell_pop, out, static_cast<int>(d)};
    splitter.split(cells[d], k);
  }
  return out;
}

void write_traffic_zones(GDALDataset& ds, const Lattice& lattice, const std::vector<District>& districts, const TrafficZoning& zoning,
                         const OGRSpatialReference& crs) {
  const auto parts = polygonize_cells(lattice, zoning.cell_zone, zoning.district.size(), crs);
  OGRLayer* layer = create_layer(ds, "traffic_zones", wkbMultiPolygon, crs, {{"code", OFTString}, {"name", OFTString}, {"population", OFTReal}});
  for (std::size_t z = 0; z < zoning.district.size(); ++z) {
    const auto& d = districts[static_cast<std::size_t>(zoning.district[z])];
    char number[8];
    std::snprintf(number, sizeof number, "%02d", zoning.number[z]);
    OGRFeature feature(layer->GetLayerDefn());
    feature.SetField("code", (d.code + "-" + number).c_str());
    feature.SetField("name", (d.name_bg + " " + number).c_str());
    feature.SetField("population", zoning.population[z]);
    feature.SetGeometry(&parts[z]);
    if (layer->CreateFeature(&feature) != OGRERR_NONE) throw InputError("default model: cannot write a traffic zone");
  }
}

}  // namespace sofiatwin::gis::default_model
