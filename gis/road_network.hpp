// Road lines + zones -> the routable RoadNetwork (topology, attributes, components, connectors).
#pragma once
#include <vector>

#include "gis/readers.hpp"

namespace sofiatwin::gis {

RoadNetwork build_road_network(const std::vector<RoadLine>& lines, const Zones& zones, const ImportOptions& options,
                               ImportReport& report);

}  // namespace sofiatwin::gis
