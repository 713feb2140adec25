#include <gtest/gtest.h>

#include "render/colour_map.hpp"

using namespace sofiatwin;

TEST(ColourMap, GtfsHexColours) {
  const auto red = render::hex_colour("EC2029");  // metro M1
  EXPECT_NEAR(red.r(), 0xEC / 255.0, 1e-6);
  EXPECT_NEAR(red.g(), 0x20 / 255.0, 1e-6);
  EXPECT_NEAR(red.b(), 0x29 / 255.0, 1e-6);
  EXPECT_FLOAT_EQ(render::hex_colour("zz").r(), 0.5f);
  EXPECT_FLOAT_EQ(render::hex_colour("GG0000").r(), 0.5f);
}

TEST(ColourMap, MajorRoadsStandOut) {
  EXPECT_NE(render::road_class_colour(RoadClass::motorway), render::road_class_colour(RoadClass::residential));
}
