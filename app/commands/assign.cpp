// `sofiatwin assign`
#include <cstdio>

#include "app/command.hpp"
#include "sim/core/input_error.hpp"
#include "sim/transport/assignment.hpp"
#include "sim/transport/tntp_io.hpp"

namespace sofiatwin::app {
namespace {

/// `assign`: TNTP benchmark mode.
class AssignCommand final : public Command {
 public:
  std::string net, trips, flows_out, algorithm = "gp";
  transport::AssignmentOptions options;
  bool converged = true;

  [[nodiscard]] int exit_code() const override { return converged ? exit_ok : exit_not_converged; }

  void add_to(CLI::App& app) override {
    auto* cmd = app.add_subcommand("assign", "Static user-equilibrium assignment of a TNTP network (benchmark mode)");
    cmd->add_option("--net", net, "TNTP network file (X_net.tntp)")->required();
    cmd->add_option("--trips", trips, "TNTP trip table (X_trips.tntp)")->required();
    cmd->add_option("--algorithm", algorithm, "fw, cfw, bfw or gp (gradient projection)")->capture_default_str();
    cmd->add_option("--gap", options.target_relative_gap, "Target relative gap")->capture_default_str();
    cmd->add_option("--max-iterations", options.max_iterations, "Iteration limit")->capture_default_str();
    cmd->add_option("--toll-factor", options.weights.toll_factor, "Generalised cost: minutes per toll unit")->capture_default_str();
    cmd->add_option("--distance-factor", options.weights.distance_factor, "Generalised cost: minutes per length unit")->capture_default_str();
    cmd->add_option("--flows-out", flows_out, "Write link flows in the TNTP flow layout");
    cmd->callback([this] { run(); });
  }

  void run() {
    namespace tr = transport;
    const auto chosen = tr::parse_algorithm(algorithm);
    if (!chosen) throw InputError("--algorithm: '" + algorithm + "' is not one of fw, cfw, bfw, gp");
    options.algorithm = *chosen;
    const auto network = tr::read_tntp_network(net);
    const auto od = tr::read_tntp_trips(trips, network.zone_count);
    std::printf("%-9s %-12s %-22s %-22s %s\n", "iteration", "relative_gap", "tstt", "beckmann", "elapsed_s");
    const auto result = tr::assign(network, od, options, [](const tr::IterationStats& s) {
      std::printf("%-9d %-12.4e %-22.10f %-22.10f %.3f\n", s.iteration, s.relative_gap, s.total_cost, s.beckmann, s.elapsed_s);
      std::fflush(stdout);
    });
    if (result.unassigned_trips > 0)
      std::printf("warning: %.6g trips between zone pairs with no path were not assigned\n", result.unassigned_trips);
    if (!flows_out.empty()) tr::write_tntp_flows(flows_out, network, result);
    converged = result.converged;
    if (!converged)
      std::printf("not converged: relative gap %.4e after %zu iterations (target %.1e)\n",
                  result.iterations.empty() ? 0.0 : result.iterations.back().relative_gap, result.iterations.size(),
                  options.target_relative_gap);
  }
};

}  // namespace

std::unique_ptr<Command> make_assign_command() { return std::make_unique<AssignCommand>(); }

}  // namespace sofiatwin::app
