// Road lines -> the routable RoadNetwork (topology, attributes, components). Zones join it through
// connectors that the transport model builds for the zoning it runs on.
#pragma once
#include <vector>

#include "gis/readers.hpp"

namespace sofiatwin::gis {

RoadNetwork build_road_network(const std::vector<RoadLine>& lines, const ImportOptions& options, ImportReport& report);

}  // namespace sofiatwin::gis
