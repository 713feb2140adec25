// The sofiatwin binary: exit codes and messages a user sees.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "test_util.hpp"

namespace {

struct Result { int exit_code; std::string output; };

Result run(const std::string& args) {
  const auto dir = sofiatwin::test::temp_dir("cli");
  const std::string out = (dir / "out.txt").string();
  const int status = std::system((std::string(SOFIATWIN_BINARY) + " " + args + " > " + out + " 2>&1").c_str());
  std::ifstream in(out);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, std::string((std::istreambuf_iterator<char>(in)), {})};
}

}  // namespace

TEST(Cli, MissingInputIsAnErrorWithExitCodeOne) {
  const auto r = run("import --roads /nonexistent/roads.gpkg --out /tmp/never.gpkg");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("sofiatwin: error: /nonexistent/roads.gpkg: file not found"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists("/tmp/never.gpkg"));
}

TEST(Cli, UsageErrorsAreNotCrashes) {
  EXPECT_NE(run("import").exit_code, 0);          // --out is required
  EXPECT_NE(run("no-such-command").exit_code, 0);
  EXPECT_EQ(run("--version").exit_code, 0);
}

TEST(Cli, ImportDefaultThenInfo) {
  const auto dir = sofiatwin::test::temp_dir("cli-default");
  const std::string twin = (dir / "twin.gpkg").string();
  const auto imported = run("--threads 2 import --out " + twin);
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_NE(imported.output.find("road network"), std::string::npos);
  const auto info = run("info " + twin);
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("zones          24"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("source: default-model asset assets/sofia/districts.csv sha256 "), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("water network  'sofia'"), std::string::npos) << info.output;
  // the twin's water network runs as it is stored, and the same as the default model's
  const auto from_twin = run("hydraulics " + twin + " --report-dir " + (dir / "twin").string());
  ASSERT_EQ(from_twin.exit_code, 0) << from_twin.output;
  EXPECT_NE(from_twin.output.find("sofia: "), std::string::npos) << from_twin.output;
  EXPECT_NE(from_twin.output.find("25 hydraulic steps to 86400 s"), std::string::npos) << from_twin.output;
  const auto from_default = run("hydraulics --report-dir " + (dir / "default").string());
  ASSERT_EQ(from_default.exit_code, 0) << from_default.output;
  // same rows; numbers equal up to the twin's SI values written with 12 significant digits
  std::ifstream twin_nodes(dir / "twin" / "sofia_nodes.csv"), default_nodes(dir / "default" / "sofia_nodes.csv");
  std::string a, b;
  std::size_t rows = 0;
  while (std::getline(twin_nodes, a)) {
    ASSERT_TRUE(std::getline(default_nodes, b)) << "row " << rows;
    std::istringstream ra(a), rb(b);
    std::string fa, fb;
    while (std::getline(ra, fa, ',')) {
      ASSERT_TRUE(std::getline(rb, fb, ',')) << "row " << rows;
      char* end = nullptr;
      const double x = std::strtod(fa.c_str(), &end);
      if (end == fa.c_str() || *end != '\0') ASSERT_EQ(fa, fb) << "row " << rows;
      else ASSERT_NEAR(x, std::strtod(fb.c_str(), nullptr), 1e-6 * (1 + std::abs(x))) << "row " << rows;
    }
    ++rows;
  }
  EXPECT_FALSE(std::getline(default_nodes, b));
  EXPECT_EQ((rows - 1) % 25, 0u);  // 25 reporting times of every node
  EXPECT_GT(rows, 25 * 4000u);
  // --water alone imports that network (not the embedded default model)
  const auto water_only = run("import --water " + twin + " --out " + (dir / "water-only.gpkg").string());
  ASSERT_EQ(water_only.exit_code, 0) << water_only.output;
  EXPECT_NE(water_only.output.find("zones          0"), std::string::npos) << water_only.output;
  EXPECT_NE(water_only.output.find("water network  'twin'"), std::string::npos) << water_only.output;
  // a GeoPackage without water layers is named as such
  const auto no_water = run("hydraulics " + (dir / "none.gpkg").string());
  EXPECT_EQ(no_water.exit_code, 1);
  EXPECT_NE(no_water.output.find("none.gpkg"), std::string::npos) << no_water.output;
}

TEST(Cli, TransportChainOnTheDefaultModel) {
  const auto dir = sofiatwin::test::temp_dir("cli-transport");
  const auto r = run("transport --validate " + std::string(SOFIATWIN_SOURCE_DIR) + "/scenarios/sofia/validation.yaml --out " + (dir / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("PT share 0.549"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("validation: metro passengers per working day"), std::string::npos) << r.output;
  for (const char* f : {"results.gpkg", "road_link_results.csv", "transit_route_results.csv", "transit_stop_results.csv", "zone_results.csv",
                        "district_results.csv", "kpis.csv", "purposes.csv", "validation.csv"})
    EXPECT_TRUE(std::filesystem::exists(dir / "out" / f)) << f;
  const auto bad = run("transport --params /nonexistent.yaml --out " + (dir / "bad").string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("/nonexistent.yaml: file not found"), std::string::npos) << bad.output;
}

TEST(Cli, HydraulicsWritesEpanetStyleReports) {
  if (!sofiatwin::test::shared_data_present()) GTEST_SKIP() << "../shared/data is not present";
  const auto dir = sofiatwin::test::temp_dir("cli-water");
  const auto r = run("hydraulics " + sofiatwin::test::shared_data("water/networks/Hanoi.inp") + " --report-dir " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Hanoi: 32 nodes, 34 links"), std::string::npos) << r.output;
  std::ifstream nodes(dir / "Hanoi_nodes.csv");
  std::string header;
  std::getline(nodes, header);
  EXPECT_EQ(header, "time_s,node_id,node_type,head,pressure,demand");
  EXPECT_TRUE(std::filesystem::exists(dir / "Hanoi_links.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir / "Hanoi_steps.csv"));
  EXPECT_EQ(r.output.find("period:"), std::string::npos) << r.output;  // a snapshot has no period totals
  EXPECT_NE(r.output.find("pressure at junctions with demand: "), std::string::npos) << r.output;
  const auto eps = run("hydraulics " + sofiatwin::test::shared_data("water/networks/Net1.inp") + " --report-dir " + dir.string() +
                       " --pressure-threshold 110");
  ASSERT_EQ(eps.exit_code, 0) << eps.output;
  EXPECT_NE(eps.output.find("Net1: 11 nodes, 13 links, 27 hydraulic steps to 86400 s"), std::string::npos) << eps.output;
  // period totals: Net1's demand over the day, no leakage, its pump's energy; pressures in psi
  const auto period = eps.output.find("period: demand ");
  ASSERT_NE(period, std::string::npos) << eps.output;
  const double demand_m3 = std::stod(eps.output.substr(period + 15));
  EXPECT_GT(demand_m3, 5000.0);
  EXPECT_LT(demand_m3, 7000.0);
  EXPECT_NE(eps.output.find("leakage 0.0 m3"), std::string::npos) << eps.output;
  EXPECT_NE(eps.output.find(" psi\njunctions below 110.00 psi: "), std::string::npos) << eps.output;
  EXPECT_EQ(eps.output.find("junctions below 110.00 psi: 0 "), std::string::npos) << eps.output;  // some fall below 110 psi
  std::ifstream steps(dir / "Net1_steps.csv");
  std::size_t rows = 0;
  for (std::string line; std::getline(steps, line);) ++rows;
  EXPECT_EQ(rows, 28u);  // header + EPANET's 27 hydraulic steps
  // a run EPANET 2.3.5 stops (UNBALANCED STOP) stops here too, with exit code 4 and the reason
  const auto stopped = run("hydraulics " + sofiatwin::test::shared_data("water/networks/Richmond_standard.inp") + " --report-dir " + dir.string());
  EXPECT_EQ(stopped.exit_code, 4) << stopped.output;
  EXPECT_NE(stopped.output.find("stopped at 6231 s: the step did not converge within 40 trials"), std::string::npos) << stopped.output;
  EXPECT_NE(stopped.output.find("largest flow change"), std::string::npos) << stopped.output;  // names the link still moving
  EXPECT_NE(stopped.output.find(" LPS in link "), std::string::npos) << stopped.output;
  const auto inp = sofiatwin::test::write_file(dir / "leakage.inp",
      "[JUNCTIONS]\n J1 10 5\n[RESERVOIRS]\n R1 50\n[PIPES]\n P1 R1 J1 100 150 120\n[LEAKAGE]\n P1 1 1\n");
  // EPANET 2.3 pipe leakage: J1's reported demand is its 5 GPM and the pipe's leakage
  const auto leaky = run("hydraulics " + inp + " --report-dir " + dir.string());
  ASSERT_EQ(leaky.exit_code, 0) << leaky.output;
  std::ifstream leak_nodes(dir / "leakage_nodes.csv");
  std::string line, j1;
  while (std::getline(leak_nodes, line))
    if (line.rfind("0,J1,", 0) == 0) j1 = line;
  ASSERT_FALSE(j1.empty());
  const double demand_gpm = std::stod(j1.substr(j1.rfind(',') + 1));
  EXPECT_GT(demand_gpm, 5.0);
  EXPECT_LT(demand_gpm, 10.0);
}

// The report is streamed through temporary files, renamed at the end: a run that stops still
// leaves its report up to the stop and no temporary file, and a report folder that cannot be made
// fails before the run. (A writer abandoned on an error removes its temporary file: test_sim.)
TEST(Cli, HydraulicsReportsAreCompleteFilesOrNone) {
  const auto dir = sofiatwin::test::temp_dir("cli-water-stop");
  const auto cut_off = sofiatwin::test::write_file(dir / "cut.inp",
      "[JUNCTIONS]\n J1 10 5\n J2 10 5\n J3 10 5\n[RESERVOIRS]\n R1 50\n[PIPES]\n P1 R1 J1 100 150 120\n P2 J2 J3 100 150 120\n");
  const auto stopped = run("hydraulics " + cut_off + " --report-dir " + (dir / "out").string());
  EXPECT_EQ(stopped.exit_code, 4) << stopped.output;
  EXPECT_NE(stopped.output.find("ill-conditioned at node J"), std::string::npos) << stopped.output;
  for (const char* file : {"cut_nodes.csv", "cut_links.csv", "cut_steps.csv"}) EXPECT_TRUE(std::filesystem::exists(dir / "out" / file)) << file;
  for (const char* file : {"cut_nodes.csv.partial", "cut_links.csv.partial", "cut_steps.csv.partial"})
    EXPECT_FALSE(std::filesystem::exists(dir / "out" / file)) << file;
  sofiatwin::test::write_file(dir / "a_file", "x");
  const auto unwritable = run("hydraulics " + cut_off + " --report-dir " + (dir / "a_file" / "out").string());
  EXPECT_EQ(unwritable.exit_code, 1) << unwritable.output;
  EXPECT_NE(unwritable.output.find("a_file/out: cannot create the report folder"), std::string::npos) << unwritable.output;
  EXPECT_EQ(unwritable.output.find("stopped at"), std::string::npos) << unwritable.output;  // failed before the run
}

TEST(Cli, AssignWritesTntpFlowsPrintsConvergenceAndReportsNonConvergence) {
  if (!sofiatwin::test::shared_data_present()) GTEST_SKIP() << "../shared/data is not present";
  const auto dir = sofiatwin::test::temp_dir("cli-assign");
  const std::string net = sofiatwin::test::shared_data("traffic/SiouxFalls/SiouxFalls_net.tntp");
  const std::string trips = sofiatwin::test::shared_data("traffic/SiouxFalls/SiouxFalls_trips.tntp");
  const auto flows = dir / "flows.tntp";
  // --threads after the subcommand, as the issue writes it
  const auto r = run("assign --net " + net + " --trips " + trips + " --gap 1e-6 --threads 2 --flows-out " + flows.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("iteration relative_gap tstt"), std::string::npos) << r.output;
  std::ifstream in(flows);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("From", 0), 0u) << header;
  std::size_t rows = 0;
  for (std::string line; std::getline(in, line);) rows += !line.empty();
  EXPECT_EQ(rows, 76u);  // one row per link of SiouxFalls, in net-file order
  const auto capped = run("assign --net " + net + " --trips " + trips + " --gap 1e-12 --max-iterations 2");
  EXPECT_EQ(capped.exit_code, 4) << capped.output;
}
