// Water benchmark: the hydraulic extended-period simulation of one case per process (peak RSS is
// per process), timed like EPANET's EPS loop in ../shared/data/water/anchors (reading apart, no
// reports), best of three runs, with EPANET 2.3.5's time on this kind of machine beside it.
// Usage: bench_water CASE [THREADS]
//   CASE = a network of ../shared/data/water/networks (e.g. PacificCity), or grid:N for a
//          synthetic N x N grid (24 h, one reservoir in a corner; EPANET's grids in scaling.csv
//          are of the same size and shape, not the same file).
#include <oneapi/tbb/global_control.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/water/inp_io.hpp"
#include "sim/water/simulation.hpp"

using namespace sofiatwin::water;

namespace {

const std::string water_root = std::string(SOFIATWIN_SHARED_DATA) + "/water/";

/// A column of an anchors CSV for the row whose first field is `name` ("" when absent).
std::string anchor(const std::string& file, const std::string& name, const std::string& column) {
  std::ifstream in(water_root + "anchors/" + file);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::stringstream h(line); std::getline(h, line, ',');) header.push_back(line);
  const auto c = static_cast<std::size_t>(std::find(header.begin(), header.end(), column) - header.begin());
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    for (std::stringstream s(line); std::getline(s, line, ',');) cells.push_back(line);
    if (!cells.empty() && cells[0] == name && c < cells.size()) return cells[c];
  }
  return "";
}

/// An n x n grid of junctions 100 m apart (H-W C 110, 300 mm), 0.05 L/s each on a two-period
/// daily pattern, fed by a 60 m reservoir at one corner; 24 h in hourly steps.
WaterNetwork grid(int n) {
  WaterNetwork net;
  net.name = "grid" + std::to_string(n);
  net.units = Units{"LPS", true, 28.317, 0.3048, 304.8, 0.3048, 0.3048, 0.3048 * 0.3048 * 0.3048, 0.7457, ""};
  net.times.duration_s = 86400;
  net.times.hydraulic_step_s = net.times.pattern_step_s = net.times.report_step_s = 3600;
  net.patterns.push_back({"1", {0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.4, 1.4, 1.4, 1.2, 0.8, 0.6}});
  auto add_node = [&](const std::string& id, NodeType type, double elevation_m) {
    net.node_id.push_back(id), net.node_type.push_back(type), net.elevation_ft.push_back(elevation_m / 0.3048);
    net.base_demand_cfs.push_back(0), net.fixed_head_ft.push_back(type == NodeType::reservoir ? elevation_m / 0.3048 : 0.0);
    net.head_pattern.push_back(-1), net.tank_of_node.push_back(-1);
  };
  for (int i = 0; i < n * n; ++i) {
    add_node("J" + std::to_string(i), NodeType::junction, 10.0);
    net.demand_begin.push_back(static_cast<std::int32_t>(net.demand_cfs.size()));
    net.demand_cfs.push_back(0.05 / 28.317), net.demand_pattern.push_back(0);
  }
  net.demand_begin.push_back(static_cast<std::int32_t>(net.demand_cfs.size()));
  net.junction_count = n * n;
  add_node("R", NodeType::reservoir, 60.0);
  auto add_pipe = [&](std::int32_t a, std::int32_t b) {
    net.link_id.push_back("P" + std::to_string(net.link_id.size())), net.link_type.push_back(LinkType::pipe);
    net.from_node.push_back(a), net.to_node.push_back(b);
    net.length_ft.push_back(100.0 / 0.3048), net.diameter_ft.push_back(0.3 / 0.3048), net.roughness.push_back(110.0);
    net.minor_loss_k.push_back(0), net.initially_closed.push_back(0), net.initially_fixed.push_back(0);
    net.initial_setting.push_back(110.0), net.pump_of_link.push_back(-1);
  };
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      if (c + 1 < n) add_pipe(r * n + c, r * n + c + 1);
      if (r + 1 < n) add_pipe(r * n + c, (r + 1) * n + c);
    }
  add_pipe(n * n, 0);
  return net;
}

double peak_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s NETWORK|grid:N [threads]\n", argv[0]);
    return 2;
  }
  const std::string which = argv[1];
  const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const auto t0 = std::chrono::steady_clock::now();
  const bool is_grid = which.rfind("grid:", 0) == 0;
  WaterNetwork net;
  try {
    net = is_grid ? grid(std::atoi(which.c_str() + 5)) : read_inp(water_root + "networks/" + which + ".inp");
  } catch (const std::exception& e) {
    std::printf("%-18s not run: %s\n", which.c_str(), e.what());
    return 1;
  }
  const std::chrono::duration<double> read_s = std::chrono::steady_clock::now() - t0;
  double best = 1e300;
  SimulationResult result;
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    result = simulate(net, {});
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  int iterations = 0;
  for (const auto& s : result.steps) iterations += s.iterations;
  const std::string epanet = is_grid ? anchor("scaling.csv", "gridv2_" + which.substr(5), "t_eps_hyd_min_s")
                                     : anchor("timings.csv", which, "t_eps_wall_min_s");
  std::printf("%-18s threads %d  junctions %6d  read %6.3f s  simulate %7.3f s  steps %4zu  iterations %5d  peak %6.1f MB  EPANET %s s%s\n",
              which.c_str(), threads, net.junction_count, read_s.count(), best, result.steps.size(), iterations, peak_mb(),
              epanet.empty() ? "-" : epanet.c_str(), result.halted ? "  (halted, as the file asks)" : "");
  return 0;
}
