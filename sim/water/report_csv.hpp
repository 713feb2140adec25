// EPANET-style CSV reports of a simulation (sim/water's one output format besides .inp).
#pragma once
#include <string>
#include <vector>

#include "sim/core/atomic_file.hpp"
#include "sim/water/network.hpp"

namespace sofiatwin::water {

struct HydraulicState;
struct HydraulicStep;

/// EPANET-style reports in the file's units with the columns of the reference dumps: node and
/// link rows of each reporting time, streamed to DIR/<name>_nodes.csv and _links.csv through
/// temporary files (a large network's report is never held whole in memory), and the step log
/// DIR/<name>_steps.csv. The files appear only at commit(); without it (an error on the way)
/// nothing is left behind. Errors (an unwritable folder, a full disk) are InputErrors naming the file.
class ReportCsv {
 public:
  ReportCsv(const WaterNetwork& net, const std::string& dir);
  void add(long time_s, const HydraulicState& state);
  void commit(const std::vector<HydraulicStep>& steps);

 private:
  void flush(bool always);

  const WaterNetwork& net_;
  std::string base_;  // DIR/<name>
  AtomicFileWriter nodes_file_, links_file_;
  std::string nodes_, links_;  // rows not yet written
};

}  // namespace sofiatwin::water
