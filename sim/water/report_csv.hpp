// EPANET-style CSV reports of a simulation (sim/water's one output format besides .inp).
#pragma once
#include <string>
#include <vector>

#include "sim/water/network.hpp"

namespace sofiatwin::water {

struct HydraulicState;
struct HydraulicStep;

/// EPANET-style reports in the file's units with the columns of the reference dumps: node and
/// link rows collected at each reporting time, written with the step log as DIR/<name>_nodes.csv,
/// _links.csv and _steps.csv, each through a temporary file.
class ReportCsv {
 public:
  explicit ReportCsv(const WaterNetwork& net);
  void add(long time_s, const HydraulicState& state);
  void write(const std::string& dir, const std::vector<HydraulicStep>& steps) const;

 private:
  const WaterNetwork& net_;
  std::string nodes_, links_;
};

}  // namespace sofiatwin::water
