// EPANET .inp reading (the one I/O file of sim/water). Sections and keywords are
// case-insensitive; ';' starts a comment. Errors name the file, the line and the item.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/water/network.hpp"

namespace sofiatwin::water {

/// One data line of an .inp section, split into tokens. `number` locates it for error messages
/// (a line number in a file, or an index the caller's locator understands).
struct InpLine {
  int number = 0;
  std::vector<std::string> tokens;
};
/// Section name (upper case, without brackets) -> its data lines.
using InpSections = std::map<std::string, std::vector<InpLine>>;
/// Describes where line `number` came from ("net.inp: line 12", "pipes.gpkg: layer 'water_pipes', feature 7").
using InpLocator = std::function<std::string(int number)>;

/// Whether `name` (upper case) is a section EPANET 2.3 knows.
bool is_inp_section(const std::string& name);

/// Builds a network from sections, with every check of read_inp; errors name `where(line)` and
/// the item, or `source` for network-wide problems. Used for .inp files and GIS water layers.
WaterNetwork build_network(InpSections sections, const std::string& name, const std::string& source, const InpLocator& where);

/// Reads a network, EPANET 2.3 pipe leakage ([LEAKAGE]) included.
WaterNetwork read_inp(const std::string& path);

/// Writes a network as an EPANET .inp file in its own units (through a temporary file): reading
/// it back gives the same network. Comments, coordinates and sections the model does not keep
/// (quality, labels, rules) are not written.
void write_inp(const std::string& path, const WaterNetwork& net);

/// What write_inp writes, section by section (EPANET's order), one string per data line.
std::vector<std::pair<std::string, std::vector<std::string>>> inp_section_lines(const WaterNetwork& net);


}  // namespace sofiatwin::water
