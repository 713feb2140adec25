#include "road_class.hpp"

#include <array>
#include <string>

namespace sofiatwin {
namespace {

constexpr std::array<RoadClassDefaults, road_class_count> defaults_table{{
    {"motorway", 2, 120, 2000},
    {"trunk", 2, 80, 2000},
    {"primary", 2, 50, 1500},
    {"secondary", 1, 50, 1000},
    {"tertiary", 1, 40, 600},
    {"unclassified", 1, 40, 600},
    {"residential", 1, 30, 600},
    {"living_street", 1, 10, 300},
    {"service", 1, 20, 300},
    {"connector", 1, 30, 99999},
}};

}  // namespace

const RoadClassDefaults& road_class_defaults(RoadClass road_class) {
  return defaults_table[static_cast<std::size_t>(road_class)];
}

std::string_view road_class_name(RoadClass road_class) { return road_class_defaults(road_class).name; }

std::optional<RoadClass> parse_road_class(std::string_view highway) {
  std::string value(highway);
  if (value.size() > 5 && value.ends_with("_link")) value.resize(value.size() - 5);
  if (value == "road") return RoadClass::unclassified;
  for (int i = 0; i < road_class_count; ++i)
    if (value == defaults_table[static_cast<std::size_t>(i)].name) return static_cast<RoadClass>(i);
  return std::nullopt;
}

RoadClass road_class_from_width(double width_m) {
  if (width_m >= 13.0) return RoadClass::primary;
  if (width_m >= 11.0) return RoadClass::secondary;
  if (width_m >= 9.0) return RoadClass::tertiary;
  return RoadClass::residential;
}

}  // namespace sofiatwin
