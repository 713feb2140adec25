// The pieces every subcommand of the `sofiatwin` executable shares: how a command registers itself,
// the stage-progress printer, and the program's version. Commands stay thin: parse flags, call the
// modules, print.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/import_report.hpp"
#include "sim/core/progress.hpp"

namespace sofiatwin::app {

inline constexpr const char* tool_version = "sofiatwin 0.1.0";

/// Exit codes shared by every command (CLI11's own codes cover usage errors).
enum ExitCode : int { exit_ok = 0, exit_input_error = 1, exit_internal_error = 3, exit_not_converged = 4 };

/// A subcommand: adds its options and callback to the application, and says how it ended.
class Command {
 public:
  virtual ~Command() = default;
  virtual void add_to(CLI::App& app) = 0;
  /// exit_ok, or exit_not_converged when a solver stopped short of its target.
  [[nodiscard]] virtual int exit_code() const { return exit_ok; }
};

/// One line per finished stage on stderr (TTY or CI log alike).
class StderrProgress final : public ProgressSink {
 public:
  void stage_done(std::string_view stage, std::string_view detail, double seconds) override;
};

/// The import report on stdout: its warnings, or with `all` every entry.
void print_import_report(const ImportReport& report, bool all);

/// The current time as ISO 8601 UTC (twin metadata).
std::string utc_now();

std::unique_ptr<Command> make_import_command();
std::unique_ptr<Command> make_info_command();
std::unique_ptr<Command> make_assign_command();
std::unique_ptr<Command> make_transport_command();
std::unique_ptr<Command> make_hydraulics_command();
std::unique_ptr<Command> make_run_command();
std::unique_ptr<Command> make_compare_command();

}  // namespace sofiatwin::app
