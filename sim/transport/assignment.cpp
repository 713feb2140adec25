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

void validate_network(const TrafficNetwork& net) {
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
}

void validate_demand(const TrafficNetwork& net, const OdMatrix& od) {
  if (od.zone_count != net.zone_count || od.trips.size() != static_cast<std::size_t>(od.zone_count) * od.zone_count)
    throw std::invalid_argument("demand matrix does not match the network's zone count");
}

AssignmentResult solve_classes(const TrafficNetwork& net, const std::vector<detail::ClassView>& classes,
                               const AssignmentOptions& options, const IterationObserver& observer) {
  AssignmentResult result;
  detail::ConvergenceLog log(options, observer, result);
  detail::run_gradient_projection(net, classes, options, log, result);
  const LinkCosts first(net, classes.front().weights);
  first.costs(result.link_flow, result.link_cost);
  return result;
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
  validate_network(net);
  validate_demand(net, od);
  if (options.algorithm == Algorithm::gradient_projection)
    return solve_classes(net, {{&od, 1.0, options.weights}}, options, observer);
  const LinkCosts costs(net, options.weights);
  const ShortestPaths paths(net);
  AssignmentResult result;
  detail::ConvergenceLog log(options, observer, result);
  detail::run_frank_wolfe(net, od, options, costs, paths, log, result);
  costs.costs(result.link_flow, result.link_cost);
  result.class_flow = {result.link_flow};
  return result;
}

AssignmentResult assign_classes(const TrafficNetwork& net, const std::vector<VehicleClass>& classes,
                                const AssignmentOptions& options, const IterationObserver& observer) {
  validate_network(net);
  if (classes.empty()) throw std::invalid_argument("no vehicle class to assign");
  std::vector<detail::ClassView> views;
  for (const auto& c : classes) {
    validate_demand(net, c.demand);
    if (!(c.pce > 0)) throw std::invalid_argument("class '" + c.name + "': PCE must be positive");
    views.push_back({&c.demand, c.pce, c.weights});
  }
  if (options.algorithm != Algorithm::gradient_projection && classes.size() > 1)
    throw std::invalid_argument("multi-class assignment needs --algorithm gp");
  if (options.algorithm != Algorithm::gradient_projection) {
    AssignmentOptions single = options;
    single.weights = classes.front().weights;
    return assign(net, classes.front().demand, single, observer);
  }
  return solve_classes(net, views, options, observer);
}

}  // namespace sofiatwin::transport
