// Water hydraulics: EPANET 2.3.5 reference results (../shared/data/water) and property checks.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/core/input_error.hpp"
#include "sim/water/hydraulics.hpp"
#include "sim/water/inp_io.hpp"
#include "test_util.hpp"

using namespace sofiatwin;
using namespace sofiatwin::water;

namespace {

std::string water_data(const std::string& file) { return test::shared_data("water/" + file); }

/// Rows of an EPANET reference CSV at time 0, keyed by id: column name -> value text.
std::map<std::string, std::map<std::string, std::string>> reference_rows(const std::string& path, const char* id_column) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::stringstream h(line); std::getline(h, line, ',');) header.push_back(line);
  std::map<std::string, std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    std::stringstream cells(line);
    for (std::size_t c = 0; c < header.size() && std::getline(cells, line, ','); ++c) row[header[c]] = line;
    if (row["time_s"] == "0") rows[row[id_column]] = row;
  }
  return rows;
}

class EpanetReference : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!test::shared_data_present()) GTEST_SKIP() << "../shared/data is not present";
  }
};

}  // namespace

TEST_P(EpanetReference, HeadsAndFlowsMatchAtTimeZero) {
  const std::string name = GetParam();
  const auto net = read_inp(water_data("networks/" + name + ".inp"));
  const auto state = solve_steady(net);
  ASSERT_TRUE(state.converged);
  const auto nodes = reference_rows(water_data("reference/" + name + "/" + name + "_nodes.csv"), "node_id");
  const auto links = reference_rows(water_data("reference/" + name + "/" + name + "_links.csv"), "link_id");
  ASSERT_EQ(nodes.size(), net.node_count());
  ASSERT_EQ(links.size(), net.link_count());
  for (std::size_t v = 0; v < net.node_count(); ++v) {
    const auto& row = nodes.at(net.node_id[v]);
    EXPECT_NEAR(state.head_ft[v] * net.units.length_per_ft, std::stod(row.at("head")), 1e-3) << name << " node " << net.node_id[v];
  }
  for (std::size_t k = 0; k < net.link_count(); ++k) {
    const double expected = std::stod(links.at(net.link_id[k]).at("flow"));
    const double ours = state.flow_cfs[k] * net.units.flow_per_cfs;
    EXPECT_TRUE(std::abs(ours - expected) <= std::max(1e-3 * std::abs(expected), 1e-4))
        << name << " link " << net.link_id[k] << ": " << ours << " vs " << expected;
  }
}

TEST_P(EpanetReference, MassAndEnergyBalanceAtTightTolerance) {
  const std::string name = GetParam();
  const auto net = read_inp(water_data("networks/" + name + ".inp"));
  const auto state = solve_steady(net, 1e-2);  // converge 100 times past the file's accuracy
  ASSERT_TRUE(state.converged);
  std::vector<double> balance(net.node_count(), 0.0);
  double scale = 0.0;
  for (std::size_t k = 0; k < net.link_count(); ++k) {
    balance[net.from_node[k]] -= state.flow_cfs[k];
    balance[net.to_node[k]] += state.flow_cfs[k];
    scale = std::max(scale, std::abs(state.flow_cfs[k]));
  }
  // Mass balance to the linear solve's precision: a link at zero flow has a conductance of up to
  // 1e7 cfs/ft (the 1e-7 gradient floor, as in EPANET), so rounding of heads near 1e3 ft leaves
  // up to ~1e-6 cfs in a node's balance.
  (void)scale;
  for (std::int32_t j = 0; j < net.junction_count; ++j)
    EXPECT_NEAR(balance[j], net.base_demand_cfs[j] * net.demand_multiplier, 1e-5) << "junction " << net.node_id[j];
  for (std::size_t k = 0; k < net.link_count(); ++k) {
    if (net.initially_closed[k]) continue;
    double h = 0, g = 0;
    link_headloss(net, k, state.flow_cfs[k], h, g);
    EXPECT_NEAR(h, state.head_ft[net.from_node[k]] - state.head_ft[net.to_node[k]], 1e-5) << "pipe " << net.link_id[k];
  }
}

INSTANTIATE_TEST_SUITE_P(SteadyStateNetworks, EpanetReference,
                         ::testing::Values("Hanoi", "MOD", "KL", "Balerma", "RuralNetwork"));

namespace {

std::string inp_error(const std::string& text) {
  const auto dir = test::temp_dir("inp");
  try {
    read_inp(test::write_file(dir / "net.inp", text));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

const std::string good = "[JUNCTIONS]\n J1 10 5\n[RESERVOIRS]\n R1 50\n[PIPES]\n P1 R1 J1 100 150 120\n[OPTIONS]\n Units LPS\n";

}  // namespace

TEST(InpReader, SmallNetworkSolvesByHand) {
  const auto dir = test::temp_dir("inp-ok");
  const auto net = read_inp(test::write_file(dir / "tiny.inp", good));
  const auto state = solve_steady(net, 1e-6);
  ASSERT_TRUE(state.converged);
  EXPECT_NEAR(state.flow_cfs[0] * net.units.flow_per_cfs, 5.0, 1e-9);  // all demand through the one pipe
  // Hazen-Williams by hand in SI: h = 10.667 L q^1.852 / (C^1.852 d^4.871), EPANET's US constant differs by 2e-4
  const double q = 0.005, h_si = 10.667 * 100 * std::pow(q, 1.852) / (std::pow(120.0, 1.852) * std::pow(0.150, 4.871));
  EXPECT_NEAR(50.0 - state.head_ft[0] * net.units.length_per_ft, h_si, 1e-3 * h_si);
}

TEST(InpReader, DurationIsRead) {
  const auto dir = test::temp_dir("inp-times");
  EXPECT_DOUBLE_EQ(read_inp(test::write_file(dir / "a.inp", good + "[TIMES]\n Duration 24:00\n")).duration_s, 86400.0);
  EXPECT_DOUBLE_EQ(read_inp(test::write_file(dir / "b.inp", good + "[TIMES]\n DURATION 90 MIN\n")).duration_s, 5400.0);
  EXPECT_DOUBLE_EQ(read_inp(test::write_file(dir / "c.inp", good)).duration_s, 0.0);
}

TEST(InpReader, ErrorsNameFileLineAndItem) {
  EXPECT_NE(inp_error("[JUNK]\n").find("net.inp: line 1: unknown section [JUNK]"), std::string::npos);
  EXPECT_NE(inp_error("[JUNCTIONS]\n J1 10\n[RESERVOIRS]\n R1 50\n[PIPES]\n P1 R1 J9 100 150 120\n")
                .find("line 6: 'P1': node 'J9' is not defined"), std::string::npos);
  EXPECT_NE(inp_error("[JUNCTIONS]\n J1 10\n[RESERVOIRS]\n R1 50\n[PIPES]\n P1 R1 J1 100 -150 120\n")
                .find("'P1': field 'diameter' must be positive"), std::string::npos);
  EXPECT_NE(inp_error("[JUNCTIONS]\n J1 x\n").find("line 2: 'J1': field 'elevation' = 'x' is not a number"), std::string::npos);
  EXPECT_NE(inp_error("[JUNCTIONS]\n J1 10\n J2 10\n[PIPES]\n P1 J1 J2 100 150 120\n").find("no reservoir or tank"), std::string::npos);
  EXPECT_NE(inp_error(good + "[PUMPS]\n PU1 R1 J1 HEAD C1\n").find("[PUMPS] are not supported yet"), std::string::npos);
  EXPECT_NE(inp_error("[OPTIONS]\n Units FURLONGS\n").find("UNITS 'FURLONGS' is not an EPANET flow unit"), std::string::npos);
  EXPECT_THROW(read_inp("/nonexistent/net.inp"), InputError);
  EXPECT_EQ(inp_error(good + "[END]\n anything after the end is ignored\n"), "no error");
}
