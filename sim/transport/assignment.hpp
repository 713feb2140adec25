// Static user-equilibrium traffic assignment (BPR costs, generalised cost terms).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/transport/network.hpp"

namespace sofiatwin::transport {

enum class Algorithm {
  frank_wolfe,              // link-based, fast first answers
  conjugate_frank_wolfe,    // Mitradjieva & Lindberg (2013)
  biconjugate_frank_wolfe,  // Mitradjieva & Lindberg (2013)
  gradient_projection,      // path-based (Jayakrishnan et al. 1994): precise, to 1e-10 and below
};
std::optional<Algorithm> parse_algorithm(const std::string& name);
std::string algorithm_name(Algorithm algorithm);

struct AssignmentOptions {
  Algorithm algorithm = Algorithm::gradient_projection;
  double target_relative_gap = 1e-6;
  int max_iterations = 10000;
  CostWeights weights;
  int inner_sweeps = 8;  // gradient projection: most flow-shift sweeps per shortest-path update (ramped 1, 3, 5, ...)
  double sweep_stop_ratio = 0.3;  // gradient projection: stop sweeping when a sweep moves less than this share of the first
};

/// One line of the convergence log.
struct IterationStats {
  int iteration = 0;
  double relative_gap = 0.0;  // TSTT / SPTT - 1 at the iteration's flows
  double total_cost = 0.0;    // TSTT = sum x c(x)
  double beckmann = 0.0;
  double elapsed_s = 0.0;
};

/// One user class of a multi-class assignment: its demand (vehicles), passenger-car equivalent and
/// generalised-cost weights. Link flows add up in PCU; every class sees the same travel time.
struct VehicleClass {
  std::string name;
  OdMatrix demand;
  double pce = 1.0;
  CostWeights weights;
};

struct AssignmentResult {
  std::vector<double> link_flow;   // PCU (vehicles for a single class of PCE 1)
  std::vector<double> link_cost;   // generalised cost of the first class
  std::vector<std::vector<double>> class_flow;  // vehicles per class and link
  std::vector<IterationStats> iterations;
  bool converged = false;
  double unassigned_trips = 0.0;  // demand between pairs with no path (never silently dropped)
};

using IterationObserver = std::function<void(const IterationStats&)>;

/// Solves the assignment; `observer` sees each iteration as it ends. Throws std::invalid_argument
/// when the network or demand is inconsistent (sizes, ids).
AssignmentResult assign(const TrafficNetwork& net, const OdMatrix& od, const AssignmentOptions& options,
                        const IterationObserver& observer = {});

/// Multi-class assignment (gradient projection only; the Frank-Wolfe family is single-class). With
/// PCE other than 1 the reported "beckmann" is the pseudo-objective sum of time integrals over PCU
/// flows plus the classes' fixed costs; the relative gap is exact.
AssignmentResult assign_classes(const TrafficNetwork& net, const std::vector<VehicleClass>& classes,
                                const AssignmentOptions& options, const IterationObserver& observer = {});

/// Relative gap, TSTT and Beckmann objective of given link flows (an independent evaluator).
IterationStats evaluate(const TrafficNetwork& net, const OdMatrix& od, const CostWeights& weights,
                        const std::vector<double>& link_flow);

}  // namespace sofiatwin::transport
