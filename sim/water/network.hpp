// Water distribution network, EPANET-compatible. Internally in EPANET's own units (ft, cfs, ft of
// head) so that results match EPANET to its printed precision; converted to the file's units at the
// boundary (sim/water/inp_io.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sofiatwin::water {

enum class NodeType : std::uint8_t { junction, reservoir, tank };
enum class LinkType : std::uint8_t { pipe, cv_pipe, pump, prv, psv, pbv, fcv, tcv, gpv };
enum class HeadlossFormula : std::uint8_t { hazen_williams, darcy_weisbach, chezy_manning };

/// Factors from the file's units to EPANET's internal ones (value_internal = value_file / factor).
struct Units {
  std::string flow_name = "GPM";
  bool si = false;
  double flow_per_cfs = 448.831;  // user flow units per cfs
  double length_per_ft = 1.0;     // m or ft per ft
  double diameter_per_ft = 12.0;  // mm or in per ft
  double pressure_per_ft = 0.4333;  // m or psi per ft of head (x specific gravity)
  double velocity_per_fps = 1.0;
};

struct WaterNetwork {
  std::string name;
  Units units;
  HeadlossFormula headloss = HeadlossFormula::hazen_williams;
  double accuracy = 0.001;
  int max_trials = 200;
  double demand_multiplier = 1.0;
  double viscosity_ft2_s = 1.1e-5;
  double specific_gravity = 1.0;
  double duration_s = 0.0;  // [TIMES] DURATION (extended period simulation is not solved yet)

  // nodes: junctions first (file order), then reservoirs, then tanks
  std::vector<std::string> node_id;
  std::vector<NodeType> node_type;
  std::vector<double> elevation_ft;
  std::vector<double> base_demand_cfs;  // junctions: sum of demand categories at time 0
  std::vector<double> fixed_head_ft;    // reservoirs: head; tanks: elevation + initial level
  std::int32_t junction_count = 0;

  // links in file order (pipes, then pumps, then valves)
  std::vector<std::string> link_id;
  std::vector<LinkType> link_type;
  std::vector<std::int32_t> from_node, to_node;
  std::vector<double> length_ft, diameter_ft, roughness, minor_loss_k;
  std::vector<char> initially_closed;

  [[nodiscard]] std::size_t node_count() const { return node_id.size(); }
  [[nodiscard]] std::size_t link_count() const { return link_id.size(); }
};

}  // namespace sofiatwin::water
