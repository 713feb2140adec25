#include <gtest/gtest.h>

#include "sim/core/graph.hpp"

using namespace sofiatwin;

TEST(Graph, CsrKeepsEveryLinkOnce) {
  const std::vector<std::int32_t> from{0, 1, 0, 2}, to{1, 2, 2, 0};
  const auto g = build_csr(3, from, to);
  ASSERT_EQ(g.first_out, (std::vector<std::int32_t>{0, 2, 3, 4}));
  for (std::int32_t v = 0; v < 3; ++v)
    for (auto a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
      EXPECT_EQ(from[g.arc_link[a]], v);
      EXPECT_EQ(to[g.arc_link[a]], g.head[a]);
    }
}

TEST(Graph, WeakComponentsLargestFirst) {
  // {0,1} and {2,3,4}: the larger one gets label 0.
  const auto labels = weak_components(5, {0, 2, 3}, {1, 3, 4});
  EXPECT_EQ(labels[2], 0);
  EXPECT_EQ(labels[3], 0);
  EXPECT_EQ(labels[4], 0);
  EXPECT_EQ(labels[0], 1);
  EXPECT_EQ(labels[1], 1);
  EXPECT_EQ(component_count(labels), 2);
}

TEST(Graph, StrongComponentsSeparateOneWayDeadEnd) {
  // Cycle 0->1->2->0 plus a one-way spur 2->3: node 3 cannot return.
  const auto labels = strong_components(build_csr(4, {0, 1, 2, 2}, {1, 2, 0, 3}));
  EXPECT_EQ(labels[0], 0);
  EXPECT_EQ(labels[1], 0);
  EXPECT_EQ(labels[2], 0);
  EXPECT_EQ(labels[3], 1);
}

TEST(Graph, StrongComponentsOfLongChainDoNotRecurse) {
  // 200k-node cycle: an iterative Tarjan must not overflow the stack.
  const std::int32_t n = 200000;
  std::vector<std::int32_t> from(n), to(n);
  for (std::int32_t i = 0; i < n; ++i) from[i] = i, to[i] = (i + 1) % n;
  EXPECT_EQ(component_count(strong_components(build_csr(n, from, to))), 1);
}
