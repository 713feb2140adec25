// Pieces shared by the assignment algorithms.
#pragma once
#include <chrono>

#include "sim/transport/assignment.hpp"
#include "sim/transport/link_cost.hpp"
#include "sim/transport/shortest_path.hpp"

namespace sofiatwin::transport::detail {

/// Records iteration statistics and decides when to stop.
class ConvergenceLog {
 public:
  ConvergenceLog(const AssignmentOptions& options, const IterationObserver& observer, AssignmentResult& result)
      : options_(options), observer_(observer), result_(result), start_(std::chrono::steady_clock::now()) {}

  /// Records the state at `iteration`; returns true when the target gap is reached.
  bool record(int iteration, double tstt, double sptt, double beckmann) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    IterationStats s{iteration, sptt > 0 ? tstt / sptt - 1.0 : 0.0, tstt, beckmann, elapsed.count()};
    result_.iterations.push_back(s);
    if (observer_) observer_(s);
    result_.converged = s.relative_gap <= options_.target_relative_gap;
    return result_.converged;
  }

 private:
  const AssignmentOptions& options_;
  const IterationObserver& observer_;
  AssignmentResult& result_;
  std::chrono::steady_clock::time_point start_;
};

void run_frank_wolfe(const TrafficNetwork& net, const OdMatrix& od, const AssignmentOptions& options,
                     const LinkCosts& costs, const ShortestPaths& paths, ConvergenceLog& log, AssignmentResult& result);

/// A class as the solver sees it: the demand is referenced, not copied.
struct ClassView {
  const OdMatrix* demand;
  double pce;
  CostWeights weights;
};

/// Path-based multi-class assignment; fills link_flow and class_flow (link order).
void run_gradient_projection(const TrafficNetwork& net, const std::vector<ClassView>& classes,
                             const AssignmentOptions& options, ConvergenceLog& log, AssignmentResult& result);

}  // namespace sofiatwin::transport::detail
