// Comparing two water networks in tests: ids, topology and statuses exactly, numbers (internal
// units) within a relative tolerance (networks that went through text or GIS layers).
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/water/network.hpp"

namespace sofiatwin::test {

inline void expect_near_all(const std::vector<double>& a, const std::vector<double>& b, double relative, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], relative * (1 + std::abs(a[i]))) << what << " " << i;
}

inline void expect_same_water_network(const water::WaterNetwork& a, const water::WaterNetwork& b, double relative) {
  EXPECT_EQ(a.node_id, b.node_id);
  EXPECT_EQ(a.node_type, b.node_type);
  EXPECT_EQ(a.link_id, b.link_id);
  EXPECT_EQ(a.link_type, b.link_type);
  EXPECT_EQ(a.from_node, b.from_node);
  EXPECT_EQ(a.to_node, b.to_node);
  EXPECT_EQ(a.demand_pattern, b.demand_pattern);
  EXPECT_EQ(a.initially_closed, b.initially_closed);
  EXPECT_EQ(a.patterns.size(), b.patterns.size());
  EXPECT_EQ(a.curves.size(), b.curves.size());
  EXPECT_EQ(a.controls.size(), b.controls.size());
  EXPECT_EQ(a.rules.size(), b.rules.size());
  EXPECT_EQ(a.times.duration_s, b.times.duration_s);
  expect_near_all(a.elevation_ft, b.elevation_ft, relative, "elevation");
  expect_near_all(a.length_ft, b.length_ft, relative, "length");
  expect_near_all(a.diameter_ft, b.diameter_ft, relative, "diameter");
  expect_near_all(a.roughness, b.roughness, relative, "roughness");
  expect_near_all(a.minor_loss_k, b.minor_loss_k, relative, "minor loss");
  expect_near_all(a.demand_cfs, b.demand_cfs, relative, "demand");
  expect_near_all(a.emitter_coefficient, b.emitter_coefficient, relative, "emitter");
  expect_near_all(a.leak_area, b.leak_area, relative, "leak area");
  expect_near_all(a.leak_expansion, b.leak_expansion, relative, "leak expansion");
  expect_near_all(a.initial_setting, b.initial_setting, relative, "setting");
}

}  // namespace sofiatwin::test
