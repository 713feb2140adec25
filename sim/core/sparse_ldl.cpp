#include "sparse_ldl.hpp"

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

/// Group (0 .. groups - 1, or `groups` for the rest) of each row. The frontier starts at the roots;
/// taking its heaviest subtree off (its root joins the rest, its children join the frontier) is
/// repeated while it lowers the estimated time on two threads that share the groups as they come,
/// rest + max(heaviest subtree, 1/groups of the frontier) x groups / 2; then the frontier's
/// subtrees are dealt into the groups, largest first, each to the lightest group.
std::vector<std::int32_t> split(const Symbolic& s, int groups) {
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
    const double time = rest + std::max(heaviest, sum / groups) * groups / 2;
    if (time < best_time) best_time = time, best_removals = removals;
    if (heaviest <= sum / groups) break;  // balanced: more removals only add to the rest
  }
  frontier = roots();
  for (std::size_t r = 0; r < best_removals; ++r) take_heaviest(frontier);
  std::sort(frontier.begin(), frontier.end(), heavier);
  std::vector<std::int32_t> group(size, groups), todo;
  std::vector<double> load(static_cast<std::size_t>(groups), 0.0);
  for (auto root : frontier) {
    const auto g = static_cast<std::int32_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[static_cast<std::size_t>(g)] += subtree[static_cast<std::size_t>(root)];
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

void SparseLdl::analyse(std::int32_t n, const std::int32_t* column_begin, const std::int32_t* row_index, std::int32_t parallel_min_rows, int groups) {
  n_ = n;
  const auto size = static_cast<std::size_t>(n);
  // the new order: the groups, then the rest, each in the given order. Every descendant keeps
  // coming before its ancestors, so the factor has the same entries, just numbered anew.
  groups_ = n >= parallel_min_rows && groups >= 2 ? groups : 0;
  const auto group = groups_ > 0 ? split(symbolic(n, column_begin, row_index), groups_) : std::vector<std::int32_t>(size, 0);
  original_.clear();
  part_begin_.assign(static_cast<std::size_t>(groups_) + 2, 0);
  for (std::int32_t g = 0; g <= groups_; ++g) {
    for (std::size_t k = 0; k < size; ++k)
      if (group[k] == g) original_.push_back(static_cast<std::int32_t>(k));
    part_begin_[static_cast<std::size_t>(g) + 1] = static_cast<std::int32_t>(original_.size());
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
  l_row_.assign(static_cast<std::size_t>(l_begin_[size]), 0);
  l_value_.assign(static_cast<std::size_t>(l_begin_[size]), 0.0);
  d_.assign(size, 0.0);
  y_.assign(size, 0.0);
  work_.assign(size, 0.0);
  new_of_ = std::move(new_of);
  analyse_rows();
  clear_pivot_floors();
}

void SparseLdl::analyse_rows() {
  const auto size = static_cast<std::size_t>(n_);
  const auto entries = static_cast<std::size_t>(l_begin_[size]);
  std::vector<std::int32_t> flag(size, -1), stack(size), count(size, 0);
  row_begin_.assign(size + 1, 0);
  row_column_.resize(entries);
  row_entry_.resize(entries);
  std::size_t next = 0;
  for (std::int32_t k = 0; k < n_; ++k) {
    const auto uk = static_cast<std::size_t>(k);
    // the nonzeros of row k of L are the tree paths from A(:,k)'s rows up to k; the stack's top
    // part lists them in topological order (Davis' ldl_numeric)
    std::int32_t top = n_;
    flag[uk] = k;
    for (auto p = column_begin_[uk]; p < column_begin_[uk + 1]; ++p) {
      std::int32_t length = 0;
      for (auto i = row_index_[static_cast<std::size_t>(p)]; flag[static_cast<std::size_t>(i)] != k; i = parent_[static_cast<std::size_t>(i)]) {
        stack[static_cast<std::size_t>(length++)] = i;
        flag[static_cast<std::size_t>(i)] = k;
      }
      while (length > 0) stack[static_cast<std::size_t>(--top)] = stack[static_cast<std::size_t>(--length)];
    }
    for (; top < n_; ++top, ++next) {
      const auto i = static_cast<std::size_t>(stack[static_cast<std::size_t>(top)]);
      const auto entry = l_begin_[i] + count[i]++;
      row_column_[next] = static_cast<std::int32_t>(i);
      row_entry_[next] = entry;
      l_row_[static_cast<std::size_t>(entry)] = k;
    }
    row_begin_[uk + 1] = static_cast<std::int32_t>(next);
  }
  // by ascending column for the forward solve
  forward_column_ = row_column_;
  forward_entry_ = row_entry_;
  std::vector<std::pair<std::int32_t, std::int32_t>> row;
  for (std::size_t k = 0; k < size; ++k) {
    row.clear();
    for (auto t = row_begin_[k]; t < row_begin_[k + 1]; ++t) row.emplace_back(row_column_[static_cast<std::size_t>(t)], row_entry_[static_cast<std::size_t>(t)]);
    std::sort(row.begin(), row.end());
    for (std::size_t t = 0; t < row.size(); ++t) {
      forward_column_[static_cast<std::size_t>(row_begin_[k]) + t] = row[t].first;
      forward_entry_[static_cast<std::size_t>(row_begin_[k]) + t] = row[t].second;
    }
  }
}

void SparseLdl::set_pivot_floor(std::int32_t given_row, double floor) { set_own_pivot_floor(own_row(given_row), floor); }

void SparseLdl::set_own_pivot_floor(std::int32_t row, double floor) {
  pivot_floor_[static_cast<std::size_t>(row)] = floor;
  any_floor_ = true;
}

void SparseLdl::clear_pivot_floors() {
  if (any_floor_ || pivot_floor_.size() != static_cast<std::size_t>(n_)) pivot_floor_.assign(static_cast<std::size_t>(n_), 0.0);
  any_floor_ = false;
}

std::int32_t SparseLdl::factorise_rows(std::int32_t begin, std::int32_t end) {
  std::int32_t first_bad = -1;
  for (auto k = begin; k < end; ++k) {
    const auto uk = static_cast<std::size_t>(k);
    // A(:,k) scattered into y, then row k of L by a sparse triangular solve along its stored
    // pattern; D(k) is what is left of the diagonal
    for (auto p = column_begin_[uk]; p < column_begin_[uk + 1]; ++p) y_[static_cast<std::size_t>(row_index_[static_cast<std::size_t>(p)])] += values_[static_cast<std::size_t>(p)];
    double d = y_[uk];
    y_[uk] = 0.0;
    for (auto t = row_begin_[uk]; t < row_begin_[uk + 1]; ++t) {
      const auto i = static_cast<std::size_t>(row_column_[static_cast<std::size_t>(t)]);
      const auto entry = row_entry_[static_cast<std::size_t>(t)];
      const double yi = y_[i];
      y_[i] = 0.0;
      const double l_ki = yi / d_[i];
      for (auto p = l_begin_[i]; p < entry; ++p) y_[static_cast<std::size_t>(l_row_[static_cast<std::size_t>(p)])] -= l_value_[static_cast<std::size_t>(p)] * yi;
      d -= l_ki * yi;
      l_value_[static_cast<std::size_t>(entry)] = l_ki;
    }
    if (any_floor_ && d < pivot_floor_[uk]) d = pivot_floor_[uk];
    d_[uk] = d;
    if (!(d > 0.0) && first_bad < 0) first_bad = k;
    if (d == 0.0) break;
  }
  return first_bad;
}

std::int32_t SparseLdl::factorise(const double* values, parallel::PairTeam* team) {
  for (std::size_t p = 0; p < value_position_.size(); ++p) values_[static_cast<std::size_t>(value_position_[p])] = values[p];
  const auto bad = factorise_own(team);
  return bad < 0 ? -1 : original_[static_cast<std::size_t>(bad)];
}

std::int32_t SparseLdl::factorise_own(parallel::PairTeam* team) {
  if (groups_ == 0) return factorise_rows(0, n_);
  std::vector<std::int32_t> group_bad(static_cast<std::size_t>(groups_), -1);
  const auto group = [&](int g) { group_bad[static_cast<std::size_t>(g)] = factorise_part(g); };
  if (team != nullptr) {
    team->run(groups_, group);
  } else {
    for (int g = 0; g < groups_; ++g) group(g);
  }
  // a failure: factorise again in order, so that the first failing row is the one a single
  // sequence finds
  if (std::any_of(group_bad.begin(), group_bad.end(), [](std::int32_t bad) { return bad >= 0; })) return factorise_rows(0, n_);
  return factorise_part(groups_);
}

std::int32_t SparseLdl::factorise_part(int part) { return factorise_rows(part_begin(part), part_end(part)); }

void SparseLdl::forward_part(int part, double* x) const { forward_rows(part_begin(part), part_end(part), x); }

void SparseLdl::back_part(int part, double* x) const { back_solve_rows(part_begin(part), part_end(part), x); }

void SparseLdl::solve_own(double* x, parallel::PairTeam* team) const {
  // each group's rows depend only on its own; the rest holds every ancestor of them all
  const auto in_groups = [&](void (SparseLdl::*part_solve)(int, double*) const) {
    const auto group = [&](int g) { (this->*part_solve)(g, x); };
    if (team != nullptr) {
      team->run(groups_, group);
    } else {
      for (int g = 0; g < groups_; ++g) group(g);
    }
  };
  in_groups(&SparseLdl::forward_part);
  forward_part(groups_, x);
  back_part(groups_, x);
  in_groups(&SparseLdl::back_part);
}

void SparseLdl::forward_rows(std::int32_t begin, std::int32_t end, double* x) const {
  for (auto k = begin; k < end; ++k) {
    const auto uk = static_cast<std::size_t>(k);
    double v = x[uk];
    for (auto t = row_begin_[uk]; t < row_begin_[uk + 1]; ++t)
      v -= l_value_[static_cast<std::size_t>(forward_entry_[static_cast<std::size_t>(t)])] * x[forward_column_[static_cast<std::size_t>(t)]];
    x[uk] = v;
  }
}

void SparseLdl::back_solve_rows(std::int32_t begin, std::int32_t end, double* x) const {
  for (auto j = end - 1; j >= begin; --j) {
    const auto uj = static_cast<std::size_t>(j);
    double v = x[uj] * (1.0 / d_[uj]);
    for (auto p = l_begin_[uj]; p < l_begin_[uj + 1]; ++p) v -= l_value_[static_cast<std::size_t>(p)] * x[l_row_[static_cast<std::size_t>(p)]];
    x[uj] = v;
  }
}

void SparseLdl::solve(double* b, parallel::PairTeam* team) const {
  double* x = work_.data();
  for (std::size_t r = 0; r < static_cast<std::size_t>(n_); ++r) x[r] = b[original_[r]];
  solve_own(x, team);
  for (std::size_t r = 0; r < static_cast<std::size_t>(n_); ++r) b[original_[r]] = x[r];
}

}  // namespace sofiatwin::linalg
