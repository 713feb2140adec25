// Assignment benchmark: whole-process time to relative gap 1e-4 / 1e-6 / 1e-8 and peak memory,
// one case per process (peak RSS is per process). Links only the simulator (no GDAL/OSG), like a
// stand-alone solver. Usage: bench_assignment CASE [THREADS]   CASE = chicago | chicago2x | berlin | siouxfalls
#include <oneapi/tbb/global_control.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "sim/transport/assignment.hpp"
#include "sim/transport/tntp_io.hpp"

using namespace sofiatwin::transport;

int main(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s chicago|chicago2x|berlin|siouxfalls [threads]\n", argv[0]);
    return 2;
  }
  const std::string which = argv[1];
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const std::string root = std::string(SOFIATWIN_SHARED_DATA) + "/traffic/";
  const std::map<std::string, std::pair<std::string, std::string>> cases = {
      {"siouxfalls", {"SiouxFalls/SiouxFalls_net.tntp", "SiouxFalls/SiouxFalls_trips.tntp"}},
      {"chicago", {"Chicago-Sketch/ChicagoSketch_net.tntp", "Chicago-Sketch/ChicagoSketch_trips.tntp"}},
      {"chicago2x", {"Chicago-Sketch/ChicagoSketch_net.tntp", "Chicago-Sketch/ChicagoSketch_trips.tntp"}},
      {"berlin", {"Berlin-Center/berlin-center_net.tntp", "Berlin-Center/berlin-center_trips.tntp"}}};
  const auto c = cases.find(which);
  if (c == cases.end()) return 2;
  const auto net = read_tntp_network(root + c->second.first);
  auto od = read_tntp_trips(root + c->second.second, net.zone_count);
  if (which == "chicago2x")
    for (auto& t : od.trips) t *= 2;
  AssignmentOptions options;
  if (which.rfind("chicago", 0) == 0) options.weights = {0.02, 0.04};
  options.target_relative_gap = 1e-8;
  double seconds_at[3] = {-1, -1, -1};
  const double targets[3] = {1e-4, 1e-6, 1e-8};
  const auto result = assign(net, od, options, [&](const IterationStats& s) {
    const std::chrono::duration<double> t = std::chrono::steady_clock::now() - start;
    for (int k = 0; k < 3; ++k)
      if (seconds_at[k] < 0 && s.relative_gap <= targets[k]) seconds_at[k] = t.count();
  });
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("%-10s threads %d  to 1e-4: %6.2f s  to 1e-6: %6.2f s  to 1e-8: %6.2f s  iterations %3zu  peak %5.1f MB  %s\n",
              which.c_str(), threads, seconds_at[0], seconds_at[1], seconds_at[2], result.iterations.size(),
              static_cast<double>(usage.ru_maxrss) / 1024.0, result.converged ? "" : "NOT CONVERGED");
  return result.converged ? 0 : 1;
}
