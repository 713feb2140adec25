// Hydraulics of one instant with the Global Gradient Algorithm (Todini and Pilati, 1988), as in
// EPANET: unknown junction heads H and link flows q. Each iteration linearises every link's head
// loss h(q) around the current flow (gradient g = dh/dq, p = 1/g, y = h/g), assembles the symmetric
// positive definite system A H = F over the junctions, solves it (sparse LDL^T: Eigen's AMD ordering
// and the symbolic analysis once per network, sim/core/sparse_ldl.hpp) and updates
//     q <- q - y + p (H_from - H_to),
// until sum |dq| / sum |q| <= the network's accuracy. Link statuses (check valves, pumps that
// cannot deliver the head, links into full or out of empty tanks) are re-checked as EPANET does.
// From about a thousand junctions the junctions are split in two groups of independent elimination
// subtrees and the rest; each group's links are linearised and assembled, its rows factorised and
// solved and its flows updated on one thread of a PairTeam, the rest after. Results are the same
// for one thread or two.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/core/pair_team.hpp"
#include "sim/water/network.hpp"

namespace Eigen {
template <typename Scalar, int Rows, int Cols, int Options, int MaxRows, int MaxCols>
class Matrix;
using VectorXd = Matrix<double, -1, 1, 0, -1, 1>;
}  // namespace Eigen

namespace sofiatwin::water {

/// The hydraulic state of the network at one instant; it carries over from one time step to the
/// next (flows warm-start the next solve, tank volumes integrate).
struct HydraulicState {
  std::vector<double> head_ft;     // every node
  std::vector<double> flow_cfs;    // every link, positive from the link's first node to its second
  std::vector<double> demand_cfs;  // junctions: demand in force; reservoirs and tanks: net inflow
  std::vector<LinkStatus> status;  // every link
  std::vector<double> setting;     // pumps: relative speed; valves: setting (internal units), NaN
                                   // when fixed open or closed; pipes: roughness as read
  std::vector<double> tank_volume_ft3;  // per tank
  std::vector<double> delivered_cfs;    // per junction: demand delivered (below demand_cfs under
                                        // pressure-driven demand when pressure is short)
  std::vector<double> emitter_cfs;      // per junction: emitter outflow
  // per junction: pipe leakage (EPANET 2.3 FAVAD), the fixed-area and the variable-area part of
  // the leakage from the halves of its leaking pipes (0 where none leaks)
  std::vector<double> leak_fixed_cfs, leak_variable_cfs;
  int iterations = 0;
  double relative_error = 0.0;  // sum |dq| / sum |q| of the last iteration
  bool converged = false;
  std::int32_t ill_conditioned_node = -1;  // the node where the last solve found no defined head
  std::int32_t largest_change_link = -1;   // the link whose flow changed most in the last iteration
  double largest_change_cfs = 0.0;         // (names the trouble spot of an unbalanced solve)
};

/// EPANET's initial state: statuses and settings as read, 1 ft/s in open pipes, pumps at their
/// design flow, tanks at their initial level; demands and reservoir heads of time 0.
HydraulicState initial_state(const WaterNetwork& net);

/// A node's reported demand: junctions their outflow (delivered demand + emitter + leakage),
/// reservoirs and tanks their net inflow.
double outflow(const HydraulicState& state, std::size_t node);

/// A junction's pipe leakage (cfs): both parts of its FAVAD leakage.
double leakage_cfs(const HydraulicState& state, std::size_t junction);

/// Junction demands, reservoir heads and pump speeds of the pattern period in force at `time_s`.
void apply_patterns(const WaterNetwork& net, long time_s, HydraulicState& state);

/// Head loss (ft) and its gradient of one pipe at flow q (cfs).
void link_headloss(const WaterNetwork& net, std::size_t link, double q_cfs, double& headloss_ft, double& gradient);

/// Head gain of a pump at relative speed `speed` and flow q >= 0 (ft).
double pump_head_gain(const WaterNetwork& net, const Pump& pump, double speed, double q_cfs);

class HydraulicSolver {
 public:
  explicit HydraulicSolver(const WaterNetwork& net);
  ~HydraulicSolver();
  HydraulicSolver(const HydraulicSolver&) = delete;
  HydraulicSolver& operator=(const HydraulicSolver&) = delete;
  /// Solves heads and flows for the demands and fixed heads in `state` (EPANET's hydsolve:
  /// up to TRIALS iterations, plus the extra trials of UNBALANCED CONTINUE). `accuracy_factor`
  /// scales the convergence target (tests converge far past the file's accuracy).
  void solve(HydraulicState& state, double accuracy_factor = 1.0);
  /// Keeps a second thread spinning for the iterations' halves while the returned scope lives
  /// (a whole period: starting one per solve costs more than it saves on mid-size networks) when
  /// the network is large enough for it to pay and oneTBB allows a second thread; else null.
  [[nodiscard]] std::unique_ptr<parallel::PairTeam::Helper> second_thread();
  /// Whether each iteration is split in two groups of elimination subtrees with their links, which
  /// two threads share (networks from about a thousand junctions).
  [[nodiscard]] bool in_two_groups() const;

 private:
  void coefficients(const HydraulicState& state, std::size_t link, double& p, double& y) const;
  /// Emitters, pressure-driven demands and pipe leakage as links to the atmosphere (EPANET's
  /// emittercoeffs, demandcoeffs, leakagecoeffs) and the node balances (nodecoeffs) of a group's
  /// rows (2: the rest's).
  void node_coefficients(const HydraulicState& state, Eigen::VectorXd& F, int group);
  /// Copies the heads of a group's rows (2: the rest's) from H (in row order) to the state.
  void copy_heads(const Eigen::VectorXd& H, HydraulicState& state, int group) const;
  /// Zeroes the matrix columns, right-hand sides and excesses of a group's rows (2: the rest's,
  /// and the fixed-grade nodes' excesses).
  void clear_rows(Eigen::VectorXd& F, int group);
  /// Group 0's or 1's rows: zeroed, then the coefficients of its links and their terms; and the
  /// coefficients of half of the other links.
  void group_link_terms(const HydraulicState& state, Eigen::VectorXd& F, int group);
  /// Where a link's terms go: its ends' rows (-1 - node for a fixed-grade node), their diagonal
  /// entries and its off-diagonal entry (positions in the factorisation's values; -1: none).
  struct LinkSlot {
    std::int32_t from, to, from_diagonal, to_diagonal, entry;
  };
  /// Adds a group's links' terms to the matrix, right-hand side and flow excesses, in link order.
  void add_link_terms(const HydraulicState& state, Eigen::VectorXd& F, int group);
  /// Coefficients p_, y_ of the links at slots [begin, end).
  void link_coefficients(const HydraulicState& state, std::size_t begin, std::size_t end);
  struct FlowChange {
    double change = 0.0, total = 0.0, largest = 0.0, largest_open = 0.0;  // sums |dq|, |q|; largest |dq|
    std::int32_t largest_link = -1;
  };
  /// Updates the flows of a group's links from the new heads.
  FlowChange update_link_flows(HydraulicState& state, double relax, int group) const;
  /// Reservoirs' and tanks' net inflows from their links' flows.
  void update_fixed_grade_flows(HydraulicState& state) const;
  /// Updates emitter, delivered-demand and leakage flows; adds to the sums of |dq| and |q| and
  /// raises `largest` to the largest |dq|.
  void update_node_flows(HydraulicState& state, double relax, double& change, double& total, double& largest) const;
  /// EPANET's checkhydbalance: the largest difference between an open link's head loss at its
  /// flow and the head difference across it (ft), for HEADERROR.
  [[nodiscard]] double largest_head_error(const HydraulicState& state) const;
  /// The junctions' leakage coefficients (leak_fixed_k_, leak_variable_k_) from the pipes' leak
  /// areas and expansion rates.
  void pipe_leakage_coefficients();
  /// EPANET's leakagehasconverged: every junction's leakage within 1e-4 cfs + 1e-3 relative of
  /// the FAVAD law at its new pressure.
  [[nodiscard]] bool leakage_converged(const HydraulicState& state) const;
  /// PRV, PSV and FCV with a setting (EPANET's valvecoeffs), after the node balances.
  void control_valve_coefficients(const HydraulicState& state, std::size_t link, Eigen::VectorXd& F);
  /// EPANET's valvestatus: PRV/PSV active, open or closed by the heads; returns whether any changed.
  bool check_valves(HydraulicState& state) const;
  /// EPANET's pswitch: controls on junction pressure, checked once a solve has converged;
  /// returns whether any link changed (the iterations then go on).
  bool pressure_switches(HydraulicState& state) const;
  /// EPANET's badvalve: opens an active PRV/PSV (xpressure) or FCV (xfcv) at `node`.
  bool open_valve_at(HydraulicState& state, std::int32_t node) const;
  /// The conductance of the closed links (1/1e8 each, this iteration) at a junction.
  [[nodiscard]] double closed_conductance_at(std::int32_t node) const;
  /// EPANET's linkstatus: re-opens temporarily closed links, checks check valves, pumps and
  /// links to full or empty tanks; returns whether any status changed.
  bool check_statuses(HydraulicState& state) const;

  struct Linear;  // the sparse matrix and its factorisation (Eigen, kept out of this header)
  const WaterNetwork& net_;
  std::unique_ptr<Linear> linear_;
  std::vector<double> p_, y_;  // per link slot (below)
  std::vector<double> excess_;  // inflow - outflow - demand of the current iteration
  std::vector<std::int32_t> diagonal_, off_diagonal_;  // positions in the matrix's value array
  std::vector<std::int32_t> incident_begin_, incident_link_;  // per node: its links, in link order
  // links inside each group of the factorisation, then the others (the last part): slots
  // [group_begin_[g], group_begin_[g + 1])
  std::vector<std::vector<LinkSlot>> link_slots_;
  std::vector<std::int32_t> group_begin_;
  std::vector<std::int32_t> link_of_slot_, slot_of_link_;
  // excess_: per junction in row order (see Linear), then per fixed-grade node
  std::vector<double> resistance_, minor_k_;  // per link, computed once
  std::vector<std::int32_t> control_valves_;  // PRVs, PSVs and FCVs, in link order
  std::vector<double> emitter_k_;  // per junction: emitter head loss z = k |q|^(1/exponent), ft and cfs
  // per junction: EPANET's pipe leakage as two emitters, head h = k q^2 (fixed leak area) and
  // h = k q^(2/3) (area growing with pressure), ft and cfs; 0 = none
  std::vector<double> leak_fixed_k_, leak_variable_k_;
  std::vector<std::int32_t> leaking_junctions_;  // those with either, in junction order
  parallel::PairTeam team_;        // the two halves of an iteration's parallel parts
  parallel::PairTeam::ShareChooser share_chooser_;  // carries over from one solve to the next
};

/// Solves the snapshot at time 0 (demands of time 0, initial tank levels).
HydraulicState solve_steady(const WaterNetwork& net, double accuracy_factor = 1.0);

/// Tank volume at head h and head at volume v (cylinder, or the tank's volume curve).
double tank_volume(const WaterNetwork& net, const Tank& tank, double head_ft);
double tank_head(const WaterNetwork& net, const Tank& tank, double volume_ft3);

}  // namespace sofiatwin::water
