#include "colour_map.hpp"

#include <array>
#include <cstdlib>

namespace sofiatwin::render {

osg::Vec4 road_class_colour(RoadClass road_class) {
  static const std::array<osg::Vec4, road_class_count> colours{{
      {0.89f, 0.29f, 0.20f, 1}, {0.95f, 0.55f, 0.24f, 1}, {0.99f, 0.75f, 0.35f, 1}, {0.98f, 0.90f, 0.55f, 1},
      {0.85f, 0.85f, 0.85f, 1}, {0.75f, 0.75f, 0.75f, 1}, {0.70f, 0.70f, 0.70f, 1}, {0.65f, 0.80f, 0.65f, 1},
      {0.60f, 0.60f, 0.60f, 1}, {0.40f, 0.40f, 0.90f, 1},
  }};
  return colours[static_cast<std::size_t>(road_class)];
}

osg::Vec4 hex_colour(const std::string& rrggbb) {
  if (rrggbb.size() != 6) return {0.5f, 0.5f, 0.5f, 1};
  char* end = nullptr;
  const unsigned long v = std::strtoul(rrggbb.c_str(), &end, 16);
  if (*end != '\0') return {0.5f, 0.5f, 0.5f, 1};
  return {static_cast<float>((v >> 16) & 0xff) / 255.f, static_cast<float>((v >> 8) & 0xff) / 255.f,
          static_cast<float>(v & 0xff) / 255.f, 1};
}

}  // namespace sofiatwin::render
