// Import speed and memory: the real Sofia layers, the embedded default model, and the scaling of
// road topology building (must stay near-linear). Run each case in its own process for a clean
// peak-memory figure: scripts/bench.sh does that.
#include <benchmark/benchmark.h>
#include <gdal_priv.h>
#include <sys/resource.h>

#include <filesystem>

#include "gis/default_model.hpp"
#include "gis/importer.hpp"
#include "gis/road_topology.hpp"
#include "gis/twin_store.hpp"

using namespace sofiatwin;

namespace {

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

std::string data(const std::string& relative) { return std::string(SOFIATWIN_SHARED_DATA) + "/sofia/" + relative; }

void report(benchmark::State& state, const CityModel& m) {
  state.counters["peak_rss_MB"] = peak_rss_mb();
  state.counters["links"] = static_cast<double>(m.roads.links.size());
  state.counters["buildings"] = static_cast<double>(m.buildings.size());
}

void BM_ImportRealSofia(benchmark::State& state) {
  if (!std::filesystem::exists(data("FACTS.md"))) {
    state.SkipWithError("../shared/data is not present");
    return;
  }
  gis::ImportSources s;
  s.districts = data("admin/sofia_admin.gpkg") + ":districts";
  s.neighbourhoods = data("admin/sofia.kvartali.json");
  s.gtfs = data("transit/sofia_gtfs_20260419.zip");
  s.population = data("population/ghs_pop_2020_sofia_120m_mollweide.tif");
  s.roads = data("osm_center/sofia_center_osm.gpkg") + ":roads";
  s.buildings = data("osm_center/sofia_center_osm.gpkg") + ":buildings";
  s.dem = data("osm_center/vitosha_dem.tif");
  const std::string out = std::filesystem::temp_directory_path() / "bench-real.gpkg";
  CityModel m;
  for (auto _ : state) {
    m = gis::import_city(s, {});
    gis::write_twin(m, out, {});
  }
  report(state, m);
  std::filesystem::remove(out);
}

void BM_ImportDefaultModel(benchmark::State& state) {
  const std::string out = std::filesystem::temp_directory_path() / "bench-default.gpkg";
  CityModel m;
  for (auto _ : state) {
    m = gis::build_default_model({}, {});
    gis::write_twin(m, out, {});
  }
  report(state, m);
  std::filesystem::remove(out);
}

/// Road topology on an n x n grid of separate street lines, with every other line end 1 m short
/// of its neighbour (T-junction snapping on the hot path).
void BM_RoadTopologyGrid(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::vector<Polyline> lines;
  for (int k = 0; k <= n; ++k) {
    Polyline row, col;
    for (int m = 0; m <= n; ++m) row.push_back({m * 100.0, k * 100.0}), col.push_back({k * 100.0, m * 100.0});
    if (k % 2) col.front().y_m -= 1.0;
    lines.push_back(row);
    lines.push_back(col);
  }
  for (auto _ : state) benchmark::DoNotOptimize(gis::build_road_topology(lines, 2.0));
  state.SetComplexityN(static_cast<benchmark::IterationCount>((n + 1) * (n + 1)));
}

}  // namespace

BENCHMARK(BM_ImportRealSofia)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ImportDefaultModel)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RoadTopologyGrid)->RangeMultiplier(2)->Range(64, 512)->Unit(benchmark::kMillisecond)->Complexity();

int main(int argc, char** argv) {
  GDALAllRegister();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
