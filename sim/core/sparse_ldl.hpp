// Sparse LDL^T of a symmetric matrix whose sparsity pattern is fixed (a network's node-link
// structure): the elimination tree is analysed once, then each numeric factorisation runs the
// up-looking algorithm (Davis, "Algorithm 849: a concise sparse Cholesky factorization package",
// the algorithm of Eigen's SimplicialLDLT) with two groups of independent elimination subtrees
// factorised at the same time. Eigen's and SuiteSparse's simplicial factorisations are serial, and
// supernodal ones gain nothing on the tiny supernodes of pipe networks; hence this small one.
// The arithmetic does not depend on the thread count: results are identical for 1 or N threads.
#pragma once
#include <cstdint>
#include <vector>

namespace sofiatwin::linalg {

class SparseLdl {
 public:
  /// Analyses the pattern of an n x n matrix given as its upper triangle in compressed columns
  /// (column k holds rows <= k, ascending, the diagonal included): elimination tree, a split of
  /// the tree into two groups of independent subtrees of similar work plus the rest, and a
  /// renumbering that keeps each group contiguous (no two threads write to one cache line). Below
  /// `parallel_min_rows` rows everything is factorised in one sequence, in the given order: a
  /// half-factorisation must outweigh oneTBB's ~35 us to wake a worker (measured on the 2-core CI
  /// machine; 10k-junction networks factorise in ~0.2 ms).
  void analyse(std::int32_t n, const std::int32_t* column_begin, const std::int32_t* row_index, std::int32_t parallel_min_rows = 20000);

  /// Numeric factorisation of values laid out as the analysed pattern. Returns -1, or the first
  /// row (of the given matrix) whose pivot is not positive: the factorisation is then unusable.
  std::int32_t factorise(const double* values);

  /// A smallest pivot for one row (of the given matrix) in later factorisations: rounding can
  /// leave a non-positive pivot where exact arithmetic gives a tiny positive one (a node held only
  /// by closed links' 1e-8 conductances); the caller, who knows, sets it. Cleared by clear_floors().
  void set_pivot_floor(std::int32_t given_row, double floor);
  void clear_pivot_floors();

  /// Solves L D L^T x = b in place (x holds b on entry).
  void solve(double* x) const;

  /// Rows in each of the two parallel groups (0 and 1) and in the rest (2).
  [[nodiscard]] std::int32_t group_rows(int group) const {
    return group == 0 ? group_end_[0] : group == 1 ? group_end_[1] - group_end_[0] : n_ - group_end_[1];
  }

 private:
  /// Factorises rows [begin, end) of the renumbered matrix with the shared workspaces and its own
  /// pattern stack; stops at a zero pivot. Returns the first row with a non-positive pivot, or -1.
  std::int32_t factorise_rows(std::int32_t begin, std::int32_t end, std::vector<std::int32_t>& stack);
  void back_solve_rows(std::int32_t begin, std::int32_t end, double* x) const;

  std::int32_t n_ = 0;
  std::int32_t group_end_[2] = {0, 0};
  std::vector<std::int32_t> original_;  // renumbered row -> given row
  std::vector<std::int32_t> new_of_;    // given row -> renumbered row
  std::vector<std::int32_t> column_begin_, row_index_, value_position_;
  std::vector<double> values_;
  std::vector<std::int32_t> parent_, l_begin_, l_count_, l_row_;
  std::vector<double> l_value_, d_, y_;
  std::vector<std::int32_t> flag_;
  std::vector<double> pivot_floor_;  // renumbered rows; used only when any_floor_
  bool any_floor_ = false;
  std::vector<std::int32_t> stacks_[2];
  mutable std::vector<double> work_;
};

}  // namespace sofiatwin::linalg
