#include "assignment.hpp"

#include <stdexcept>

#include "sim/transport/assignment_internal.hpp"

namespace sofiatwin::transport {

std::optional<Algorithm> parse_algorithm(const std::string& name) {
  if (name == "fw" || name == "frank-wolfe") return Algorithm::frank_wolfe;
  if (name == "cfw" || name == "conjugate-frank-wolfe") return Algorithm::conjugate_frank_wolfe;
  if (name == "bfw" || name == "biconjugate-frank-wolfe") return Algorithm::biconjugate_frank_wolfe;
  if (name == "gp" || name == "gradient-projection") return Algorithm::gradient_projection;
  return std::nullopt;
}

std::string algorithm_name(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::frank_wolfe: return "frank-wolfe";
    case Algorithm::conjugate_frank_wolfe: return "conjugate-frank-wolfe";
    case Algorithm::biconjugate_frank_wolfe: return "biconjugate-frank-wolfe";
    case Algorithm::gradient_projection: return "gradient-projection";
  }
  return "?";
}

namespace {

void validate(const TrafficNetwork& net, const OdMatrix& od) {
  const std::size_t n = net.link_count();
  for (const auto* v : {&net.capacity_veh_h, &net.length, &net.free_flow_time_min, &net.b, &net.power, &net.toll})
    if (v->size() != n) throw std::invalid_argument("link arrays differ in length");
  if (net.to.size() != n) throw std::invalid_argument("link arrays differ in length");
  for (std::size_t a = 0; a < n; ++a) {
    if (net.from[a] < 0 || net.from[a] >= net.node_count || net.to[a] < 0 || net.to[a] >= net.node_count)
      throw std::invalid_argument("link " + std::to_string(a) + ": node id out of range");
    if (net.b[a] > 0 && net.power[a] > 0 && net.free_flow_time_min[a] > 0 && !(net.capacity_veh_h[a] > 0))
      throw std::invalid_argument("link " + std::to_string(a) + ": capacity must be positive where B > 0");
  }
  if (od.zone_count != net.zone_count || od.trips.size() != static_cast<std::size_t>(od.zone_count) * od.zone_count)
    throw std::invalid_argument("demand matrix does not match the network's zone count");
}

}  // namespace

IterationStats evaluate(const TrafficNetwork& net, const OdMatrix& od, const CostWeights& weights,
                        const std::vector<double>& link_flow) {
  const LinkCosts costs(net, weights);
  const ShortestPaths paths(net);
  std::vector<double> c;
  costs.costs(link_flow, c);
  const auto aon = all_or_nothing(paths, net, od, c);
  IterationStats s;
  s.total_cost = costs.total_cost(link_flow);
  s.beckmann = costs.beckmann(link_flow);
  s.relative_gap = s.total_cost / aon.shortest_path_total - 1.0;
  return s;
}

AssignmentResult assign(const TrafficNetwork& net, const OdMatrix& od, const AssignmentOptions& options,
                        const IterationObserver& observer) {
  validate(net, od);
  const LinkCosts costs(net, options.weights);
  const ShortestPaths paths(net);
  AssignmentResult result;
  detail::ConvergenceLog log(options, observer, result);
  if (options.algorithm == Algorithm::gradient_projection)
    detail::run_gradient_projection(net, od, options, costs, paths, log, result);
  else
    detail::run_frank_wolfe(net, od, options, costs, paths, log, result);
  costs.costs(result.link_flow, result.link_cost);
  return result;
}

}  // namespace sofiatwin::transport
