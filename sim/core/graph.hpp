// Directed graphs in CSR form (RoutingKit style: first_out / head) and connectivity.
#pragma once
#include <cstdint>
#include <vector>

namespace sofiatwin {

struct CsrGraph {
  std::vector<std::int32_t> first_out;  // node_count + 1 entries
  std::vector<std::int32_t> head;       // target node of each arc
  std::vector<std::int32_t> arc_link;   // the original link index of each arc
  [[nodiscard]] std::int32_t node_count() const { return static_cast<std::int32_t>(first_out.size()) - 1; }
};

/// Builds forward CSR from link endpoint arrays (stable: arcs keep link order per tail node).
CsrGraph build_csr(std::int32_t node_count, const std::vector<std::int32_t>& from, const std::vector<std::int32_t>& to);

/// Weakly connected components, numbered by decreasing size (0 = largest; ties by smallest node).
std::vector<std::int32_t> weak_components(std::int32_t node_count, const std::vector<std::int32_t>& from,
                                          const std::vector<std::int32_t>& to);

/// Strongly connected components (iterative Tarjan), numbered by decreasing size as above.
std::vector<std::int32_t> strong_components(const CsrGraph& graph);

/// Number of distinct component labels in a labelling.
std::int32_t component_count(const std::vector<std::int32_t>& labels);

}  // namespace sofiatwin
