// Colour maps shared by the 3D views (road classes, transit routes). The OSG scene building and
// headless capture arrive with the rendering issue; this target already links OpenSceneGraph.
#pragma once
#include <osg/Vec4>
#include <string>

#include "sim/core/road_class.hpp"

namespace sofiatwin::render {

osg::Vec4 road_class_colour(RoadClass road_class);
/// GTFS route_color "RRGGBB" -> colour; grey when empty or malformed.
osg::Vec4 hex_colour(const std::string& rrggbb);

}  // namespace sofiatwin::render
