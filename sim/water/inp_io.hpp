// EPANET .inp reading (the one I/O file of sim/water). Sections and keywords are
// case-insensitive; ';' starts a comment. Errors name the file, the line and the item.
#pragma once
#include <string>
#include <vector>

#include "sim/water/network.hpp"

namespace sofiatwin::water {

/// Reads a network. The 2.3 [LEAKAGE] section is recognised but not solved yet: it raises an
/// InputError saying so.
WaterNetwork read_inp(const std::string& path);

/// Writes a network as an EPANET .inp file in its own units (through a temporary file): reading
/// it back gives the same network. Comments, coordinates and sections the model does not keep
/// (quality, labels, rules) are not written.
void write_inp(const std::string& path, const WaterNetwork& net);

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
