// Steady-state hydraulics with the Global Gradient Algorithm (Todini and Pilati, 1988), as in
// EPANET: unknown junction heads H and link flows q. Each iteration linearises every link's head
// loss h(q) around the current flow (gradient g = dh/dq, p = 1/g, y = h/g), assembles the symmetric
// positive definite system A H = F over the junctions, solves it (Eigen's sparse LDL^T: ordering
// and symbolic factorisation once per network, numeric factorisation per iteration) and updates
//     q <- q - y + p (H_from - H_to),
// until sum |dq| / sum |q| <= the network's accuracy.
#pragma once
#include <vector>

#include "sim/water/network.hpp"

namespace sofiatwin::water {

struct HydraulicState {
  std::vector<double> head_ft;   // every node
  std::vector<double> flow_cfs;  // every link, positive from the link's first node to its second
  int iterations = 0;
  double relative_error = 0.0;   // sum |dq| / sum |q| of the last iteration
  bool converged = false;
};

/// Head loss (ft) and its gradient of one link at flow q (cfs); closed links are handled by the caller.
void link_headloss(const WaterNetwork& net, std::size_t link, double q_cfs, double& headloss_ft, double& gradient);

/// Solves the snapshot at time 0 (demands x multiplier, fixed heads of reservoirs and tanks).
HydraulicState solve_steady(const WaterNetwork& net, double extra_accuracy_factor = 1.0);

}  // namespace sofiatwin::water
