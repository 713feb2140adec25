#include <gtest/gtest.h>

#include "gis/default_model.hpp"
#include "scenarios/model_summary.hpp"

using namespace sofiatwin;

TEST(ModelSummary, NamesTheCountsOfTheModel) {
  const auto m = gis::build_default_model({}, {});
  const auto text = scenarios::model_summary(m, {{"model", "embedded default Sofia model"}});
  EXPECT_NE(text.find("zones          24 (population 1214488"), std::string::npos) << text;
  EXPECT_NE(text.find("traffic zones  " + std::to_string(m.traffic_zones.size())), std::string::npos) << text;
  EXPECT_NE(text.find("places         25"), std::string::npos) << text;
  EXPECT_NE(text.find("routes by mode 17 tram, 4 metro, "), std::string::npos) << text;
  EXPECT_NE(text.find(", 10 trolleybus"), std::string::npos) << text;
  EXPECT_NE(text.find("buildings      " + std::to_string(m.buildings.size())), std::string::npos) << text;
}
