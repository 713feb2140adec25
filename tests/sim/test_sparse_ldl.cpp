// The sparse LDL^T behind the water solver: correct, independent of the thread count, equal to
// Eigen's simplicial LDL^T where it keeps the given order, the same in its own numbering and in
// parts as in one call, and naming the first failing pivot.
#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>

#include <Eigen/OrderingMethods>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <cmath>

#include "sim/core/sparse_ldl.hpp"

using sofiatwin::linalg::SparseLdl;
using sofiatwin::parallel::PairTeam;

namespace {

/// A side x side grid network's nodal matrix (a weighted Laplacian plus a little on the diagonal,
/// as fixed-grade nodes add), in AMD order, upper triangle.
Eigen::SparseMatrix<double> grid_matrix(int side) {
  const int n = side * side;
  std::vector<Eigen::Triplet<double>> t;
  for (int i = 0; i < side; ++i)
    for (int j = 0; j < side; ++j) {
      const int v = i * side + j;
      auto link = [&](int w, double p) {
        t.emplace_back(v, v, p), t.emplace_back(w, w, p), t.emplace_back(v, w, -p), t.emplace_back(w, v, -p);
      };
      const auto h = static_cast<std::uint64_t>(v);
      if (i + 1 < side) link(v + side, 1.0 + 0.37 * static_cast<double>((h * 7919) % 13));
      if (j + 1 < side) link(v + 1, 1.0 + 0.51 * static_cast<double>((h * 104729) % 11));
      if (v % 97 == 0) t.emplace_back(v, v, 2.5);  // a source
    }
  Eigen::SparseMatrix<double> a(n, n);
  a.setFromTriplets(t.begin(), t.end());
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> order;
  Eigen::AMDOrdering<int>()(a, order);
  Eigen::SparseMatrix<double> permuted;
  permuted = a.twistedBy(order.inverse());
  Eigen::SparseMatrix<double> upper = permuted.triangularView<Eigen::Upper>();
  upper.makeCompressed();
  return upper;
}

std::vector<double> rhs(int n) {
  std::vector<double> b(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) b[static_cast<std::size_t>(i)] = std::sin(0.1 * i) + 0.5;
  return b;
}

std::vector<double> solve(const Eigen::SparseMatrix<double>& upper, int threads, SparseLdl* keep = nullptr) {
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  PairTeam team;
  const PairTeam::Helper helper(team, true);
  EXPECT_EQ(team.helping(), threads > 1 && oneapi::tbb::info::default_concurrency() > 1);
  SparseLdl ldl;
  ldl.analyse(static_cast<std::int32_t>(upper.rows()), upper.outerIndexPtr(), upper.innerIndexPtr());
  EXPECT_EQ(ldl.factorise(upper.valuePtr(), &team), -1);
  auto x = rhs(static_cast<int>(upper.rows()));
  ldl.solve(x.data(), &team);
  if (keep) *keep = ldl;
  return x;
}

double residual(const Eigen::SparseMatrix<double>& upper, const std::vector<double>& x) {
  const Eigen::SparseMatrix<double> full = upper.selfadjointView<Eigen::Upper>();
  const auto b = rhs(static_cast<int>(upper.rows()));
  const Eigen::Map<const Eigen::VectorXd> xv(x.data(), static_cast<Eigen::Index>(x.size()));
  const Eigen::Map<const Eigen::VectorXd> bv(b.data(), static_cast<Eigen::Index>(b.size()));
  return (full * xv - bv).cwiseAbs().maxCoeff();
}

}  // namespace

TEST(SparseLdl, LargeNetworkSolvesInTwoGroupsTheSameForAnyThreadCount) {
  const auto a = grid_matrix(150);  // 22 500 rows: above the parallel threshold
  SparseLdl ldl;
  const auto one = solve(a, 1, &ldl);
  EXPECT_GT(ldl.group_rows(0), 5000);
  EXPECT_GT(ldl.group_rows(1), 5000);
  EXPECT_LT(ldl.group_rows(2), 2000);
  EXPECT_LT(residual(a, one), 1e-9);
  EXPECT_EQ(solve(a, 2), one);  // bit for bit
}

TEST(SparseLdl, OwnNumberingAndPartsGiveTheSameSolution) {
  const auto a = grid_matrix(60);
  const auto n = static_cast<std::int32_t>(a.rows());
  for (int groups : {2, 4}) {
    SparseLdl given;
    given.analyse(n, a.outerIndexPtr(), a.innerIndexPtr(), 1000, groups);
    ASSERT_EQ(given.group_count(), groups);
    for (int g = 0; g < groups; ++g) ASSERT_GT(given.group_rows(g), 0) << g;
    ASSERT_EQ(given.factorise(a.valuePtr()), -1);
    auto expected = rhs(n);
    given.solve(expected.data());

    SparseLdl own = given;
    for (std::int32_t p = 0; p < a.nonZeros(); ++p) own.values()[own.own_position(p)] = a.valuePtr()[p];
    const auto b = rhs(n);
    std::vector<double> x(b.size());
    for (std::int32_t i = 0; i < n; ++i) x[static_cast<std::size_t>(own.own_row(i))] = b[static_cast<std::size_t>(i)];
    // the groups last to first: they do not depend on each other; then the rest
    for (int part = groups - 1; part >= 0; --part) {
      ASSERT_EQ(own.factorise_part(part), -1);
      own.forward_part(part, x.data());
    }
    ASSERT_EQ(own.factorise_part(groups), -1);
    own.forward_part(groups, x.data());
    for (int part = groups; part >= 0; --part) own.back_part(part, x.data());
    for (std::int32_t i = 0; i < n; ++i) {
      const auto r = own.own_row(i);
      ASSERT_EQ(x[static_cast<std::size_t>(r)], expected[static_cast<std::size_t>(i)]) << i;  // bit for bit
      const int part = own.group_of_own_row(r);
      ASSERT_TRUE(own.part_begin(part) <= r && r < own.part_end(part)) << i;
    }
  }
}

TEST(SparseLdl, SmallNetworkMatchesEigenBitForBit) {
  const auto a = grid_matrix(60);
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Upper, Eigen::NaturalOrdering<int>> eigen(a);
  const auto b = rhs(static_cast<int>(a.rows()));
  const Eigen::VectorXd expected = eigen.solve(Eigen::Map<const Eigen::VectorXd>(b.data(), static_cast<Eigen::Index>(b.size())));
  const auto x = solve(a, 2);
  ASSERT_EQ(x.size(), static_cast<std::size_t>(expected.size()));
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(x[i], expected[static_cast<Eigen::Index>(i)]) << i;
}

TEST(SparseLdl, FirstNonPositivePivotIsNamedInBothPaths) {
  for (int side : {60, 150}) {
    auto a = grid_matrix(side);
    // a node cut off from the sources: zero its row and column, keep a zero on the diagonal
    const int cut = side * side / 3;
    for (int k = 0; k < a.outerSize(); ++k)
      for (Eigen::SparseMatrix<double>::InnerIterator it(a, k); it; ++it)
        if (it.row() == cut || it.col() == cut) it.valueRef() = 0.0;
    SparseLdl ldl;
    ldl.analyse(static_cast<std::int32_t>(a.rows()), a.outerIndexPtr(), a.innerIndexPtr());
    EXPECT_EQ(ldl.factorise(a.valuePtr()), cut) << side;
  }
}
