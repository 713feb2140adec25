// Sparse LDL^T of a symmetric matrix whose sparsity pattern is fixed (a network's node-link
// structure): the elimination tree and every row's pattern are analysed once, then each numeric
// factorisation runs the up-looking algorithm (Davis, "Algorithm 849: a concise sparse Cholesky
// factorization package", the algorithm of Eigen's SimplicialLDLT) along the stored patterns, with
// groups of independent elimination subtrees factorised and solved at the same time when a
// PairTeam is given. Eigen's and SuiteSparse's simplicial factorisations are serial and walk the
// elimination tree on every factorisation; supernodal ones gain nothing on the tiny supernodes of
// pipe networks; hence this small one. The arithmetic does not depend on the thread count: results
// are identical for 1 or 2 threads.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/core/pair_team.hpp"

namespace sofiatwin::linalg {

class SparseLdl {
 public:
  /// Analyses the pattern of an n x n matrix given as its upper triangle in compressed columns
  /// (column k holds rows <= k, ascending, the diagonal included): elimination tree, a split of
  /// the tree into `groups` groups of independent subtrees of similar work plus the rest, a
  /// renumbering that keeps each group contiguous (no two threads write to one cache line), and
  /// each row's pattern in L. Below `parallel_min_rows` rows (or with fewer than 2 groups) there is
  /// no split: everything is factorised in one sequence, in the given order (the split changes
  /// the rounding, not the result beyond it).
  void analyse(std::int32_t n, const std::int32_t* column_begin, const std::int32_t* row_index, std::int32_t parallel_min_rows = 20000, int groups = 2);

  /// Numeric factorisation of values laid out as the analysed pattern; the groups on `team`'s
  /// two threads when given. Returns -1, or the first row (of the given matrix) whose pivot is not
  /// positive: the factorisation is then unusable.
  std::int32_t factorise(const double* values, parallel::PairTeam* team = nullptr);

  // The same in the factorisation's own numbering (groups 0 and 1 and the rest, each contiguous),
  // for callers that assemble each group on the thread that factorises it: no copies, and no two
  // threads write to one cache line.
  /// The row of the own numbering of a row (or column) of the given matrix.
  [[nodiscard]] std::int32_t own_row(std::int32_t given_row) const { return new_of_[static_cast<std::size_t>(given_row)]; }
  /// Where a value of the given layout lives in values().
  [[nodiscard]] std::int32_t own_position(std::int32_t given_position) const { return value_position_[static_cast<std::size_t>(given_position)]; }
  /// The number of groups (0: not split).
  [[nodiscard]] int group_count() const { return groups_; }
  /// The part of an own row: its group, or group_count() for the rest.
  [[nodiscard]] int group_of_own_row(std::int32_t row) const {
    return static_cast<int>(std::upper_bound(part_begin_.begin() + 1, part_begin_.end() - 1, row) - part_begin_.begin()) - 1;
  }
  /// Part p (a group, or group_count() for the rest) is own rows [part_begin(p), part_end(p)).
  [[nodiscard]] std::int32_t part_begin(int part) const { return part_begin_[static_cast<std::size_t>(part)]; }
  [[nodiscard]] std::int32_t part_end(int part) const { return part_begin_[static_cast<std::size_t>(part) + 1]; }
  /// Own column `row`'s values are values()[own_column_begin(row) .. own_column_begin(row + 1)).
  [[nodiscard]] std::int32_t own_column_begin(std::int32_t row) const { return column_begin_[static_cast<std::size_t>(row)]; }
  /// The matrix values in the own layout, to fill before factorise_own().
  [[nodiscard]] double* values() { return values_.data(); }
  /// Factorises values(); returns -1 or the first own row whose pivot is not positive.
  std::int32_t factorise_own(parallel::PairTeam* team = nullptr);
  /// Solves in place for x in the own numbering.
  void solve_own(double* x, parallel::PairTeam* team = nullptr) const;
  // The same in parts, for callers that run more of their own work between them: parts 0 ..
  // group_count() - 1 are the groups (independent of each other), the last part the rest (after
  // all groups). Factorising part p, then L z = b and D L^T x = z for its rows are:
  // factorise_part(p) and forward_part(p, x) for the groups (in any order or at the same time),
  // then for the rest, back_part(x) for the rest, then for the groups.
  /// Factorises a part's rows; returns -1 or the first own row whose pivot is not positive (then
  /// factorise_own() finds the first failing row of all).
  std::int32_t factorise_part(int part);
  void forward_part(int part, double* x) const;
  void back_part(int part, double* x) const;
  /// set_pivot_floor for an own row.
  void set_own_pivot_floor(std::int32_t row, double floor);

  /// A smallest pivot for one row (of the given matrix) in later factorisations: rounding can
  /// leave a non-positive pivot where exact arithmetic gives a tiny positive one (a node held only
  /// by closed links' 1e-8 conductances); the caller, who knows, sets it. Cleared by clear_floors().
  void set_pivot_floor(std::int32_t given_row, double floor);
  void clear_pivot_floors();

  /// Solves L D L^T x = b in place (x holds b on entry); the groups on `team` when given.
  void solve(double* x, parallel::PairTeam* team = nullptr) const;

  /// Rows in a part (a group, or group_count() for the rest).
  [[nodiscard]] std::int32_t group_rows(int part) const { return part_end(part) - part_begin(part); }

 private:
  /// Stores every row's pattern in L (topological order, as the up-looking algorithm visits it)
  /// and where each entry goes, and each row's entries by column for the forward solve.
  void analyse_rows();
  /// Factorises rows [begin, end) of the renumbered matrix; stops at a zero pivot. Returns the
  /// first row with a non-positive pivot, or -1.
  std::int32_t factorise_rows(std::int32_t begin, std::int32_t end);
  /// L z = b for rows [begin, end), row by row (each row's entries by ascending column: the order
  /// of a column-by-column solve, so the same rounding).
  void forward_rows(std::int32_t begin, std::int32_t end, double* x) const;
  /// D L^T x = z for rows [begin, end), last row first.
  void back_solve_rows(std::int32_t begin, std::int32_t end, double* x) const;

  std::int32_t n_ = 0;
  int groups_ = 0;
  std::vector<std::int32_t> part_begin_{0, 0};  // groups_ + 2 entries
  std::vector<std::int32_t> original_;  // renumbered row -> given row
  std::vector<std::int32_t> new_of_;    // given row -> renumbered row
  std::vector<std::int32_t> column_begin_, row_index_, value_position_;
  std::vector<double> values_;
  std::vector<std::int32_t> parent_, l_begin_, l_row_;  // L by columns: rows of each column, ascending
  std::vector<double> l_value_, d_, y_;
  // L by rows: row k's columns in topological order and the positions of its entries in l_value_
  std::vector<std::int32_t> row_begin_, row_column_, row_entry_;
  std::vector<std::int32_t> forward_column_, forward_entry_;  // the same entries, by ascending column
  std::vector<double> pivot_floor_;  // renumbered rows; used only when any_floor_
  bool any_floor_ = false;
  mutable std::vector<double> work_;
};

}  // namespace sofiatwin::linalg
