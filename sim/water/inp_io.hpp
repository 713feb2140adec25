// EPANET .inp reading (the one I/O file of sim/water). Sections and keywords are
// case-insensitive; ';' starts a comment. Errors name the file, the line and the item.
#pragma once
#include <string>

#include "sim/water/network.hpp"

namespace sofiatwin::water {

/// Reads a network. Pumps, valves, check-valve pipes, emitters, controls and pressure-driven
/// demand are recognised but not solved yet: they raise an InputError saying so.
WaterNetwork read_inp(const std::string& path);

struct HydraulicState;

/// Writes DIR/<name>_nodes.csv, _links.csv and _steps.csv in the file's units with the columns
/// of EPANET's reference dumps (time 0 only for now), each through a temporary file.
void write_report_csv(const std::string& dir, const WaterNetwork& net, const HydraulicState& state);

}  // namespace sofiatwin::water
