// `sofiatwin run` and `sofiatwin compare`
#include <gdal_priv.h>

#include <cstdio>
#include <filesystem>

#include "app/command.hpp"
#include "scenarios/compare.hpp"
#include "scenarios/scenario_run.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/input_error.hpp"

namespace sofiatwin::app {
namespace {

/// `run`: one scenario against its baseline, into a results folder.
class RunCommand final : public Command {
 public:
  std::string file, out;

  void add_to(CLI::App& app) override {
    auto* cmd = app.add_subcommand("run", "Run a scenario file against its baseline: results.gpkg, KPIs, cost-benefit, manifest "
                                          "(e.g. sofiatwin run scenarios/sofia/adaptive-signals-tsarigradsko.yaml --out results/adaptive-signals)");
    cmd->add_option("scenario", file, "Scenario file (YAML, see scenarios/README.md)")->required();
    cmd->add_option("--out", out, "Results folder (default: results/<scenario name>)");
    cmd->callback([this] { run(); });
  }

  void run() {
    GDALAllRegister();
    StderrProgress progress;
    const auto scenario = scenarios::load_scenario(file);
    const auto folder = out.empty() ? "results/" + scenario.name : out;
    // an output folder that cannot be made is refused before any work
    const auto parent = std::filesystem::path(folder).lexically_normal().parent_path();
    std::error_code error;
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    if (error) throw InputError(folder + ": cannot be created (" + error.message() + ")");
    const auto model = scenarios::load_base_model(scenario.model, &progress);
    scenarios::ScenarioRunner runner(model, &progress);
    const auto outcome = runner.run(scenario);
    scenarios::write_results_folder(folder, model, outcome, {{"tool_version", tool_version}, {"created_utc", utc_now()}});
    print(outcome, folder);
  }

  static void print(const scenarios::ScenarioOutcome& o, const std::string& folder) {
    std::printf("%s -> %s\n", o.file.name.c_str(), folder.c_str());
    for (const auto& n : o.scenario->built.notes) std::printf("  %s\n", n.c_str());
    if (o.baseline) {
      for (const char* name : {"vehicle_hours", "vehicle_km", "pt_boardings", "co2_t", "water_lost_m3", "pressure_deficit_junction_hours"}) {
        const auto* s = o.scenario->kpis.find(name);
        const auto* b = o.baseline->kpis.find(name);
        if (!s || !b) continue;
        std::printf("  %-32s day %14.1f -> %14.1f (%+.3f %%)\n", name, b->day, s->day, b->day != 0 ? 100.0 * (s->day - b->day) / b->day : 0.0);
      }
    }
    if (o.cba) {
      std::printf("  NPV %.3f M EUR, benefit-cost ratio %s, IRR %s, payback %s\n", o.cba->npv_eur / 1e6,
                  o.cba->bcr ? std::to_string(*o.cba->bcr).c_str() : "-", o.cba->irr ? std::to_string(*o.cba->irr).c_str() : "-",
                  o.cba->payback_year ? std::to_string(*o.cba->payback_year).c_str() : "none");
    }
    for (const auto& w : o.scenario->transport.warnings) std::printf("warning: %s\n", w.c_str());
    std::printf("  simulation %.2f s of %.2f s\n", o.simulation_s, o.total_s);
  }
};

/// `compare`: KPI and cost-benefit differences of two results folders.
class CompareCommand final : public Command {
 public:
  std::string a, b, out;

  void add_to(CLI::App& app) override {
    auto* cmd = app.add_subcommand("compare", "Print and write the KPI and cost-benefit differences of two results folders "
                                              "(e.g. sofiatwin compare results/baseline results/adaptive-signals)");
    cmd->add_option("a", a, "Results folder A")->required();
    cmd->add_option("b", b, "Results folder B (compared against A)")->required();
    cmd->add_option("--out", out, "CSV file of the differences (default: comparison.csv in folder B)");
    cmd->callback([this] { run(); });
  }

  void run() const {
    const auto c = scenarios::compare_folders(a, b);
    std::fputs(scenarios::comparison_text(c).c_str(), stdout);
    const auto file = out.empty() ? (std::filesystem::path(b) / "comparison.csv").string() : out;
    write_file_atomically(file, scenarios::comparison_csv(c));
    std::printf("-> %s\n", file.c_str());
  }
};

}  // namespace

std::unique_ptr<Command> make_run_command() { return std::make_unique<RunCommand>(); }
std::unique_ptr<Command> make_compare_command() { return std::make_unique<CompareCommand>(); }

}  // namespace sofiatwin::app
