// Water benchmark: the hydraulic extended-period simulation of one case per process (peak RSS is
// per process), timed like EPANET's EPS loop in ../shared/data/water/anchors (reading apart, no
// reports), best of three runs, with EPANET 2.3.5's time on this kind of machine beside it.
// Usage: bench_water CASE [THREADS]
//   CASE = a network of ../shared/data/water/networks (e.g. PacificCity), grid:N for a
//          synthetic N x N grid (24 h, one reservoir in a corner; EPANET's grids in scaling.csv
//          are of the same size and shape, not the same file), or tile:NAME:COPIES for copies of
//          a network tied together (scaling.csv's tiled BWSN_Network_2 and PacificCity cases).
#include <oneapi/tbb/global_control.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
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

/// `copies` copies of a network on a rows x columns layout, each copy's ids suffixed "_tN", every
/// pair of side-by-side copies joined by 4 tie pipes (12", 500 ft, H-W C 100) from
/// junction j of one to junction J-1-j of the other, so that the ties carry flow. EPANET's tiled
/// cases in scaling.csv have the same sizes and tie counts (2x2: 16 ties, 2x3: 28, 2x4: 40, 3x4: 68),
/// not the same ties.
WaterNetwork tiled(const WaterNetwork& one, int copies) {
  const int columns = copies == 4 ? 2 : copies == 6 ? 3 : copies == 8 ? 4 : copies == 12 ? 4 : copies;
  const int rows = copies / columns;
  const auto J = static_cast<std::int32_t>(one.junction_count), N = static_cast<std::int32_t>(one.node_count());
  std::int32_t R = 0;
  for (const auto t : one.node_type) R += t == NodeType::reservoir;
  const std::int32_t K = N - J - R, T = copies;
  const auto L = static_cast<std::int32_t>(one.link_count());
  auto node = [&](std::int32_t tile, std::int32_t v) {
    if (v < J) return tile * J + v;
    if (v < J + R) return T * J + tile * R + (v - J);
    return T * (J + R) + tile * K + (v - J - R);
  };
  auto link = [&](std::int32_t tile, std::int32_t k) { return tile * L + k; };
  WaterNetwork net = one;
  net.name = one.name + "x" + std::to_string(copies);
  const auto total_nodes = static_cast<std::size_t>(T * N);
  net.node_id.assign(total_nodes, ""), net.node_type.assign(total_nodes, NodeType::junction);
  net.elevation_ft.assign(total_nodes, 0), net.base_demand_cfs.assign(total_nodes, 0), net.fixed_head_ft.assign(total_nodes, 0);
  net.head_pattern.assign(total_nodes, -1), net.tank_of_node.assign(total_nodes, -1);
  net.junction_count = T * J;
  net.demand_begin.clear(), net.demand_cfs.clear(), net.demand_pattern.clear(), net.emitter_coefficient.clear();
  net.tanks.clear(), net.pumps.clear(), net.controls.clear(), net.rules.clear();
  net.link_id.clear(), net.link_type.clear(), net.from_node.clear(), net.to_node.clear(), net.length_ft.clear(), net.diameter_ft.clear();
  net.roughness.clear(), net.minor_loss_k.clear(), net.initially_closed.clear(), net.initially_fixed.clear();
  net.initial_setting.clear(), net.pump_of_link.clear();
  for (std::int32_t tile = 0; tile < T; ++tile) {
    const std::string suffix = "_t" + std::to_string(tile);
    for (std::int32_t v = 0; v < N; ++v) {
      const auto to = static_cast<std::size_t>(node(tile, v)), from = static_cast<std::size_t>(v);
      net.node_id[to] = one.node_id[from] + suffix, net.node_type[to] = one.node_type[from];
      net.elevation_ft[to] = one.elevation_ft[from], net.base_demand_cfs[to] = one.base_demand_cfs[from];
      net.fixed_head_ft[to] = one.fixed_head_ft[from], net.head_pattern[to] = one.head_pattern[from];
    }
    for (const auto& tank : one.tanks) {
      auto t = tank;
      t.node = node(tile, tank.node);
      net.tank_of_node[static_cast<std::size_t>(t.node)] = static_cast<std::int32_t>(net.tanks.size());
      net.tanks.push_back(t);
    }
    for (std::size_t k = 0; k < one.link_count(); ++k) {
      net.link_id.push_back(one.link_id[k] + suffix), net.link_type.push_back(one.link_type[k]);
      net.from_node.push_back(node(tile, one.from_node[k])), net.to_node.push_back(node(tile, one.to_node[k]));
      net.length_ft.push_back(one.length_ft[k]), net.diameter_ft.push_back(one.diameter_ft[k]), net.roughness.push_back(one.roughness[k]);
      net.minor_loss_k.push_back(one.minor_loss_k[k]), net.initially_closed.push_back(one.initially_closed[k]);
      net.initially_fixed.push_back(one.initially_fixed[k]), net.initial_setting.push_back(one.initial_setting[k]);
      net.pump_of_link.push_back(one.pump_of_link[k] < 0 ? -1 : one.pump_of_link[k] + tile * static_cast<std::int32_t>(one.pumps.size()));
    }
    for (const auto& pump : one.pumps) {
      auto p = pump;
      p.link = link(tile, pump.link);
      net.pumps.push_back(p);
    }
    for (const auto& control : one.controls) {
      auto c = control;
      c.link = link(tile, control.link);
      if (c.node >= 0) c.node = node(tile, control.node);
      net.controls.push_back(c);
    }
    for (const auto& rule : one.rules) {
      auto r = rule;
      r.id += suffix;
      for (auto& premise : r.premises) {
        using V = RulePremise::Variable;
        const auto v = premise.variable;
        if (v == V::flow || v == V::status || v == V::setting) premise.index = link(tile, premise.index);
        else if (v != V::time && v != V::clock_time && v != V::system_demand) premise.index = node(tile, premise.index);
      }
      for (auto* actions : {&r.then_actions, &r.else_actions})
        for (auto& action : *actions) action.link = link(tile, action.link);
      net.rules.push_back(r);
    }
  }
  // junction data in the junctions' new order (tile-major, as their indices)
  net.demand_begin.push_back(0);
  for (std::int32_t tile = 0; tile < T; ++tile)
    for (std::int32_t j = 0; j < J; ++j) {
      for (auto d = one.demand_begin[static_cast<std::size_t>(j)]; d < one.demand_begin[static_cast<std::size_t>(j) + 1]; ++d)
        net.demand_cfs.push_back(one.demand_cfs[static_cast<std::size_t>(d)]), net.demand_pattern.push_back(one.demand_pattern[static_cast<std::size_t>(d)]);
      net.demand_begin.push_back(static_cast<std::int32_t>(net.demand_cfs.size()));
      net.emitter_coefficient.push_back(j < static_cast<std::int32_t>(one.emitter_coefficient.size()) ? one.emitter_coefficient[static_cast<std::size_t>(j)] : 0.0);
    }
  auto tie = [&](std::int32_t a, std::int32_t b) {
    for (std::int32_t i = 1; i <= 4; ++i) {
      const std::int32_t j = i * J / 5;
      net.link_id.push_back("TIE" + std::to_string(net.link_id.size())), net.link_type.push_back(LinkType::pipe);
      net.from_node.push_back(node(a, j)), net.to_node.push_back(node(b, J - 1 - j));
      net.length_ft.push_back(500.0), net.diameter_ft.push_back(1.0);
      net.roughness.push_back(100.0), net.minor_loss_k.push_back(0), net.initially_closed.push_back(0);
      net.initially_fixed.push_back(0), net.initial_setting.push_back(100.0), net.pump_of_link.push_back(-1);
    }
  };
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < columns; ++c) {
      if (c + 1 < columns) tie(r * columns + c, r * columns + c + 1);
      if (r + 1 < rows) tie(r * columns + c, (r + 1) * columns + c);
    }
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
  const bool is_grid = which.rfind("grid:", 0) == 0, is_tiled = which.rfind("tile:", 0) == 0;
  WaterNetwork net;
  std::string epanet_case = which;
  try {
    if (is_grid) {
      net = grid(std::atoi(which.c_str() + 5));
    } else if (is_tiled) {  // tile:NAME:COPIES, as EPANET's tiled cases (BWSN_Network_2 with UNBALANCED CONTINUE 10)
      const auto colon = which.rfind(':');
      const auto name = which.substr(5, colon - 5);
      const int copies = std::atoi(which.c_str() + colon + 1);
      auto one = read_inp(water_root + "networks/" + name + ".inp");
      if (one.headloss != HeadlossFormula::hazen_williams) throw std::runtime_error("tiling is for H-W networks");
      if (name == "BWSN_Network_2") one.extra_trials = 10;
      net = copies > 1 ? tiled(one, copies) : one;
      epanet_case = (name == "BWSN_Network_2" ? "bwsn2x" : name == "PacificCity" ? "pcx" : name + "x") + std::to_string(copies);
    } else {
      net = read_inp(water_root + "networks/" + which + ".inp");
    }
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
  const std::string epanet = is_grid     ? anchor("scaling.csv", "gridv2_" + which.substr(5), "t_eps_hyd_min_s")
                             : is_tiled ? anchor("scaling.csv", epanet_case, "t_eps_hyd_min_s")
                                        : anchor("timings.csv", which, "t_eps_wall_min_s");
  // EPANET's CPU time per iteration (its iteration counts differ from ours on the tiled cases)
  const std::string epanet_per_iteration = is_grid     ? anchor("scaling.csv", "gridv2_" + which.substr(5), "cpu_ms_per_iteration")
                                           : is_tiled ? anchor("scaling.csv", epanet_case, "cpu_ms_per_iteration")
                                                      : anchor("timings.csv", which, "ms_per_iter_cpu");
  std::printf("%-18s threads %d  junctions %6d  read %6.3f s  simulate %7.3f s  steps %4zu  iterations %5d (%.3f ms each)  peak %6.1f MB  EPANET %s s (%s ms each)%s\n",
              which.c_str(), threads, net.junction_count, read_s.count(), best, result.steps.size(), iterations,
              1e3 * best / std::max(iterations, 1), peak_mb(), epanet.empty() ? "-" : epanet.c_str(),
              epanet_per_iteration.empty() ? "-" : epanet_per_iteration.c_str(), result.halted ? "  (halted, as the file asks)" : "");
  return 0;
}
