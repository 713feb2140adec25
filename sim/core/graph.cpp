#include "graph.hpp"

#include <algorithm>
#include <numeric>

namespace sofiatwin {
namespace {

std::int32_t find_root(std::vector<std::int32_t>& parent, std::int32_t v) {
  while (parent[v] != v) {
    parent[v] = parent[parent[v]];
    v = parent[v];
  }
  return v;
}

/// Renumbers arbitrary labels so that 0 is the largest class (ties: smallest first node).
std::vector<std::int32_t> relabel_by_size(const std::vector<std::int32_t>& raw) {
  const std::size_t n = raw.size();
  std::vector<std::int32_t> size(n, 0), first(n, static_cast<std::int32_t>(n));
  for (std::size_t v = 0; v < n; ++v) {
    ++size[raw[v]];
    first[raw[v]] = std::min(first[raw[v]], static_cast<std::int32_t>(v));
  }
  std::vector<std::int32_t> order;
  for (std::size_t l = 0; l < n; ++l)
    if (size[l] > 0) order.push_back(static_cast<std::int32_t>(l));
  std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
    return size[a] != size[b] ? size[a] > size[b] : first[a] < first[b];
  });
  std::vector<std::int32_t> new_label(n, -1);
  for (std::size_t i = 0; i < order.size(); ++i) new_label[order[i]] = static_cast<std::int32_t>(i);
  std::vector<std::int32_t> out(n);
  for (std::size_t v = 0; v < n; ++v) out[v] = new_label[raw[v]];
  return out;
}

}  // namespace

CsrGraph build_csr(std::int32_t node_count, const std::vector<std::int32_t>& from, const std::vector<std::int32_t>& to) {
  CsrGraph g;
  g.first_out.assign(static_cast<std::size_t>(node_count) + 1, 0);
  for (auto tail : from) ++g.first_out[static_cast<std::size_t>(tail) + 1];
  std::partial_sum(g.first_out.begin(), g.first_out.end(), g.first_out.begin());
  g.head.resize(from.size());
  g.arc_link.resize(from.size());
  std::vector<std::int32_t> next(g.first_out.begin(), g.first_out.end() - 1);
  for (std::size_t link = 0; link < from.size(); ++link) {
    const auto arc = next[from[link]]++;
    g.head[arc] = to[link];
    g.arc_link[arc] = static_cast<std::int32_t>(link);
  }
  return g;
}

std::vector<std::int32_t> weak_components(std::int32_t node_count, const std::vector<std::int32_t>& from,
                                          const std::vector<std::int32_t>& to) {
  std::vector<std::int32_t> parent(static_cast<std::size_t>(node_count));
  std::iota(parent.begin(), parent.end(), 0);
  for (std::size_t i = 0; i < from.size(); ++i) {
    const auto a = find_root(parent, from[i]), b = find_root(parent, to[i]);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
  for (std::int32_t v = 0; v < node_count; ++v) parent[v] = find_root(parent, v);
  return relabel_by_size(parent);
}

std::vector<std::int32_t> strong_components(const CsrGraph& graph) {
  // Iterative Tarjan: index/lowlink per node, explicit DFS stack of (node, next arc).
  const std::int32_t n = graph.node_count();
  std::vector<std::int32_t> index(n, -1), low(n, 0), raw(n, -1), scc_stack, arc_pos(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<std::int32_t> dfs;
  std::int32_t next_index = 0;
  for (std::int32_t root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    dfs.push_back(root);
    index[root] = low[root] = next_index++;
    arc_pos[root] = graph.first_out[root];
    scc_stack.push_back(root);
    on_stack[root] = 1;
    while (!dfs.empty()) {
      const std::int32_t v = dfs.back();
      if (arc_pos[v] < graph.first_out[v + 1]) {
        const std::int32_t w = graph.head[arc_pos[v]++];
        if (index[w] < 0) {
          index[w] = low[w] = next_index++;
          arc_pos[w] = graph.first_out[w];
          scc_stack.push_back(w);
          on_stack[w] = 1;
          dfs.push_back(w);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      dfs.pop_back();
      if (!dfs.empty()) low[dfs.back()] = std::min(low[dfs.back()], low[v]);
      if (low[v] == index[v]) {
        std::int32_t w;
        do {
          w = scc_stack.back();
          scc_stack.pop_back();
          on_stack[w] = 0;
          raw[w] = v;
        } while (w != v);
      }
    }
  }
  return relabel_by_size(raw);
}

std::int32_t component_count(const std::vector<std::int32_t>& labels) {
  std::int32_t count = 0;
  for (auto l : labels) count = std::max(count, l + 1);
  return count;
}

}  // namespace sofiatwin
