#include "sparse_ldl.hpp"

#include <oneapi/tbb/parallel_invoke.h>

#include <algorithm>
#include <numeric>

namespace sofiatwin::linalg {
namespace {

/// Elimination tree, column counts of L (Davis' ldl_symbolic) and each row's cost in the
/// up-looking factorisation: the final lengths of the columns its pattern reads.
struct Symbolic {
  std::vector<std::int32_t> parent, column_count;
  std::vector<double> row_work;
};

Symbolic symbolic(std::int32_t n, const std::int32_t* column_begin, const std::int32_t* row_index) {
  const auto size = static_cast<std::size_t>(n);
  Symbolic s{std::vector<std::int32_t>(size, -1), std::vector<std::int32_t>(size, 0), std::vector<double>(size, 1.0)};
  std::vector<std::int32_t> flag(size, -1);
  for (std::int32_t k = 0; k < n; ++k) {
    flag[static_cast<std::size_t>(k)] = k;
    for (auto p = column_begin[k]; p < column_begin[k + 1]; ++p)
      for (auto i = row_index[p]; i < k && flag[static_cast<std::size_t>(i)] != k; i = s.parent[static_cast<std::size_t>(i)]) {
        if (s.parent[static_cast<std::size_t>(i)] == -1) s.parent[static_cast<std::size_t>(i)] = k;
        ++s.column_count[static_cast<std::size_t>(i)];
        flag[static_cast<std::size_t>(i)] = k;
      }
  }
  std::fill(flag.begin(), flag.end(), -1);
  for (std::int32_t k = 0; k < n; ++k) {
    flag[static_cast<std::size_t>(k)] = k;
    for (auto p = column_begin[k]; p < column_begin[k + 1]; ++p)
      for (auto i = row_index[p]; i < k && flag[static_cast<std::size_t>(i)] != k; i = s.parent[static_cast<std::size_t>(i)]) {
        s.row_work[static_cast<std::size_t>(k)] += 1.0 + s.column_count[static_cast<std::size_t>(i)];
        flag[static_cast<std::size_t>(i)] = k;
      }
  }
  return s;
}

/// Children lists of the elimination forest (CSR).
struct Children {
  std::vector<std::int32_t> begin, list;
  explicit Children(const std::vector<std::int32_t>& parent) : begin(parent.size() + 1, 0), list(parent.size()) {
    for (auto p : parent)
      if (p >= 0) ++begin[static_cast<std::size_t>(p) + 1];
    std::partial_sum(begin.begin(), begin.end(), begin.begin());
    std::vector<std::int32_t> next(begin.begin(), begin.end() - 1);
    for (std::size_t v = 0; v < parent.size(); ++v)
      if (parent[v] >= 0) list[static_cast<std::size_t>(next[static_cast<std::size_t>(parent[v])]++)] = static_cast<std::int32_t>(v);
  }
};

/// Group (0, 1, or 2 for the rest) of each row. The frontier starts at the roots; taking its
/// heaviest subtree off (its root joins the rest, its children join the frontier) is repeated while
/// it lowers the estimated time, rest + max(heaviest subtree, half the frontier); then the
/// frontier's subtrees are dealt into two groups, largest first, each to the lighter group.
std::vector<std::int32_t> split(const Symbolic& s) {
  const auto size = s.parent.size();
  std::vector<double> subtree(s.row_work);
  for (std::size_t k = 0; k < size; ++k)
    if (s.parent[k] >= 0) subtree[static_cast<std::size_t>(s.parent[k])] += subtree[k];
  const double total = std::accumulate(s.row_work.begin(), s.row_work.end(), 0.0);
  const Children children(s.parent);
  auto heavier = [&](std::int32_t a, std::int32_t b) {
    const double wa = subtree[static_cast<std::size_t>(a)], wb = subtree[static_cast<std::size_t>(b)];
    return wa > wb || (wa == wb && a < b);
  };
  auto roots = [&] {
    std::vector<std::int32_t> out;
    for (std::size_t k = 0; k < size; ++k)
      if (s.parent[k] < 0) out.push_back(static_cast<std::int32_t>(k));
    return out;
  };
  auto take_heaviest = [&](std::vector<std::int32_t>& frontier) {
    const auto heaviest = std::min_element(frontier.begin(), frontier.end(), heavier);
    const auto v = static_cast<std::size_t>(*heaviest);
    frontier.erase(heaviest);
    for (auto c = children.begin[v]; c < children.begin[v + 1]; ++c) frontier.push_back(children.list[static_cast<std::size_t>(c)]);
    return s.row_work[v];
  };
  // find the best number of removals, then make them
  std::vector<std::int32_t> frontier = roots();
  double rest = 0, best_time = total;
  std::size_t best_removals = 0;
  for (std::size_t removals = 1; !frontier.empty() && rest < 0.6 * total; ++removals) {
    rest += take_heaviest(frontier);
    double heaviest = 0, sum = 0;
    for (auto v : frontier) heaviest = std::max(heaviest, subtree[static_cast<std::size_t>(v)]), sum += subtree[static_cast<std::size_t>(v)];
    const double time = rest + std::max(heaviest, sum / 2);
    if (time < best_time) best_time = time, best_removals = removals;
    if (heaviest <= sum / 2) break;  // balanced: more removals only add to the rest
  }
  frontier = roots();
  for (std::size_t r = 0; r < best_removals; ++r) take_heaviest(frontier);
  std::sort(frontier.begin(), frontier.end(), heavier);
  std::vector<std::int32_t> group(size, 2), todo;
  double load[2] = {0, 0};
  for (auto root : frontier) {
    const int g = load[1] < load[0] ? 1 : 0;
    load[g] += subtree[static_cast<std::size_t>(root)];
    todo.assign(1, root);
    while (!todo.empty()) {
      const auto v = static_cast<std::size_t>(todo.back());
      todo.pop_back();
      group[v] = g;
      for (auto c = children.begin[v]; c < children.begin[v + 1]; ++c) todo.push_back(children.list[static_cast<std::size_t>(c)]);
    }
  }
  return group;
}

}  // namespace

void SparseLdl::analyse(std::int32_t n, const std::int32_t* column_begin, const std::int32_t* row_index, std::int32_t parallel_min_rows) {
  n_ = n;
  const auto size = static_cast<std::size_t>(n);
  // the new order: group 0, group 1, the rest, each in the given order. Every descendant keeps
  // coming before its ancestors, so the factor has the same entries, just numbered anew.
  const auto group = n >= parallel_min_rows ? split(symbolic(n, column_begin, row_index)) : std::vector<std::int32_t>(size, 2);
  original_.clear();
  for (std::int32_t g = 0; g < 3; ++g) {
    for (std::size_t k = 0; k < size; ++k)
      if (group[k] == g) original_.push_back(static_cast<std::int32_t>(k));
    if (g < 2) group_end_[g] = static_cast<std::int32_t>(original_.size());
  }
  std::vector<std::int32_t> new_of(size);
  for (std::size_t r = 0; r < size; ++r) new_of[static_cast<std::size_t>(original_[r])] = static_cast<std::int32_t>(r);
  // the upper triangle in the new order, and where each given value goes
  const auto entries = static_cast<std::size_t>(column_begin[n]);
  std::vector<std::pair<std::int32_t, std::int32_t>> in_column(entries);  // (new row, given position) per new column
  column_begin_.assign(size + 1, 0);
  for (std::int32_t k = 0; k < n; ++k) column_begin_[static_cast<std::size_t>(new_of[static_cast<std::size_t>(k)]) + 1] = column_begin[k + 1] - column_begin[k];
  std::partial_sum(column_begin_.begin(), column_begin_.end(), column_begin_.begin());
  for (std::int32_t k = 0; k < n; ++k) {
    const auto c = static_cast<std::size_t>(new_of[static_cast<std::size_t>(k)]);
    auto at = column_begin_[c];
    for (auto p = column_begin[k]; p < column_begin[k + 1]; ++p) in_column[static_cast<std::size_t>(at++)] = {new_of[static_cast<std::size_t>(row_index[p])], p};
    std::sort(in_column.begin() + column_begin_[c], in_column.begin() + column_begin_[c + 1]);
  }
  row_index_.resize(entries);
  value_position_.resize(entries);
  values_.assign(entries, 0.0);
  for (std::size_t q = 0; q < entries; ++q) {
    row_index_[q] = in_column[q].first;
    value_position_[static_cast<std::size_t>(in_column[q].second)] = static_cast<std::int32_t>(q);
  }
  const auto s = symbolic(n, column_begin_.data(), row_index_.data());
  parent_ = s.parent;
  l_begin_.assign(size + 1, 0);
  for (std::size_t k = 0; k < size; ++k) l_begin_[k + 1] = l_begin_[k] + s.column_count[k];
  l_count_.assign(size, 0);
  l_row_.assign(static_cast<std::size_t>(l_begin_[size]), 0);
  l_value_.assign(static_cast<std::size_t>(l_begin_[size]), 0.0);
  d_.assign(size, 0.0);
  y_.assign(size, 0.0);
  flag_.assign(size, -1);
  for (auto& stack : stacks_) stack.assign(size, 0);
  work_.assign(size, 0.0);
  new_of_ = std::move(new_of);
  clear_pivot_floors();
}

void SparseLdl::set_pivot_floor(std::int32_t given_row, double floor) {
  pivot_floor_[static_cast<std::size_t>(new_of_[static_cast<std::size_t>(given_row)])] = floor;
  any_floor_ = true;
}

void SparseLdl::clear_pivot_floors() {
  if (any_floor_ || pivot_floor_.size() != static_cast<std::size_t>(n_)) pivot_floor_.assign(static_cast<std::size_t>(n_), 0.0);
  any_floor_ = false;
}

std::int32_t SparseLdl::factorise_rows(std::int32_t begin, std::int32_t end, std::vector<std::int32_t>& stack) {
  std::int32_t first_bad = -1;
  for (auto k = begin; k < end; ++k) {
    const auto uk = static_cast<std::size_t>(k);
    // pattern of row k of L in topological order (the stack's top part), A(:,k) scattered into y
    y_[uk] = 0.0;
    std::int32_t top = n_;
    flag_[uk] = k;
    l_count_[uk] = 0;
    for (auto p = column_begin_[uk]; p < column_begin_[uk + 1]; ++p) {
      auto i = row_index_[static_cast<std::size_t>(p)];
      y_[static_cast<std::size_t>(i)] += values_[static_cast<std::size_t>(p)];
      std::int32_t length = 0;
      for (; flag_[static_cast<std::size_t>(i)] != k; i = parent_[static_cast<std::size_t>(i)]) {
        stack[static_cast<std::size_t>(length++)] = i;
        flag_[static_cast<std::size_t>(i)] = k;
      }
      while (length > 0) stack[static_cast<std::size_t>(--top)] = stack[static_cast<std::size_t>(--length)];
    }
    // row k of L by a sparse triangular solve; D(k) what is left of the diagonal
    double d = y_[uk];
    y_[uk] = 0.0;
    for (; top < n_; ++top) {
      const auto i = static_cast<std::size_t>(stack[static_cast<std::size_t>(top)]);
      const double yi = y_[i];
      y_[i] = 0.0;
      const double l_ki = yi / d_[i];
      const auto last = l_begin_[i] + l_count_[i];
      auto p = l_begin_[i];
      for (; p < last; ++p) y_[static_cast<std::size_t>(l_row_[static_cast<std::size_t>(p)])] -= l_value_[static_cast<std::size_t>(p)] * yi;
      d -= l_ki * yi;
      l_row_[static_cast<std::size_t>(p)] = k;
      l_value_[static_cast<std::size_t>(p)] = l_ki;
      ++l_count_[i];
    }
    if (any_floor_ && d < pivot_floor_[uk]) d = pivot_floor_[uk];
    d_[uk] = d;
    if (!(d > 0.0) && first_bad < 0) first_bad = k;
    if (d == 0.0) break;
  }
  return first_bad;
}

std::int32_t SparseLdl::factorise(const double* values) {
  for (std::size_t p = 0; p < value_position_.size(); ++p) values_[static_cast<std::size_t>(value_position_[p])] = values[p];
  std::int32_t bad = -1;
  if (group_end_[1] > 0) {
    std::int32_t bad0 = -1, bad1 = -1;
    oneapi::tbb::parallel_invoke([&] { bad0 = factorise_rows(0, group_end_[0], stacks_[0]); },
                                 [&] { bad1 = factorise_rows(group_end_[0], group_end_[1], stacks_[1]); });
    // a failure: factorise again in order, so that the first failing row is the one a single
    // sequence finds
    bad = bad0 >= 0 || bad1 >= 0 ? factorise_rows(0, n_, stacks_[0]) : factorise_rows(group_end_[1], n_, stacks_[0]);
  } else {
    bad = factorise_rows(0, n_, stacks_[0]);
  }
  return bad < 0 ? -1 : original_[static_cast<std::size_t>(bad)];
}

void SparseLdl::back_solve_rows(std::int32_t begin, std::int32_t end, double* x) const {
  for (auto j = end - 1; j >= begin; --j) {
    const auto uj = static_cast<std::size_t>(j);
    double v = x[uj];
    for (auto p = l_begin_[uj]; p < l_begin_[uj] + l_count_[uj]; ++p)
      v -= l_value_[static_cast<std::size_t>(p)] * x[l_row_[static_cast<std::size_t>(p)]];
    x[uj] = v;
  }
}

void SparseLdl::solve(double* b) const {
  double* x = work_.data();
  for (std::size_t r = 0; r < static_cast<std::size_t>(n_); ++r) x[r] = b[original_[r]];
  // L z = b, column by column (entries go to later rows)
  for (std::size_t j = 0; j < static_cast<std::size_t>(n_); ++j) {
    const double xj = x[j];
    for (auto p = l_begin_[j]; p < l_begin_[j] + l_count_[j]; ++p) x[l_row_[static_cast<std::size_t>(p)]] -= l_value_[static_cast<std::size_t>(p)] * xj;
  }
  for (std::size_t j = 0; j < static_cast<std::size_t>(n_); ++j) x[j] *= 1.0 / d_[j];
  // L^T x = z: the rest first (it holds every ancestor of the two groups), then the groups apart
  back_solve_rows(group_end_[1], n_, x);
  if (group_end_[1] > 0)
    oneapi::tbb::parallel_invoke([&] { back_solve_rows(0, group_end_[0], x); }, [&] { back_solve_rows(group_end_[0], group_end_[1], x); });
  for (std::size_t r = 0; r < static_cast<std::size_t>(n_); ++r) b[original_[r]] = x[r];
}

}  // namespace sofiatwin::linalg
