// sofiatwin: the command line. Thin: parse flags, set threads once, call the commands.
#include <oneapi/tbb/global_control.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <vector>

#include "app/command.hpp"
#include "sim/core/input_error.hpp"

int main(int argc, char** argv) {
  namespace app = sofiatwin::app;
  CLI::App cli{"sofiatwin - the urban digital twin of Sofia"};
  cli.set_version_flag("--version", app::tool_version);
  cli.require_subcommand(1);
  int threads = 0;
  cli.add_option("--threads", threads, "Worker threads (0 = all cores); before or after the subcommand");
  cli.fallthrough();  // subcommands inherit it: `sofiatwin assign ... --threads 2` works too
  std::vector<std::unique_ptr<app::Command>> commands;
  commands.push_back(app::make_transport_command());
  commands.push_back(app::make_hydraulics_command());
  commands.push_back(app::make_import_command());
  commands.push_back(app::make_info_command());
  commands.push_back(app::make_assign_command());
  commands.push_back(app::make_run_command());
  commands.push_back(app::make_compare_command());
  for (auto& command : commands) command->add_to(cli);
  std::unique_ptr<oneapi::tbb::global_control> thread_limit;
  cli.parse_complete_callback([&] {
    if (threads > 0)
      thread_limit = std::make_unique<oneapi::tbb::global_control>(oneapi::tbb::global_control::max_allowed_parallelism,
                                                                   static_cast<std::size_t>(threads));
  });
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  } catch (const sofiatwin::InputError& e) {
    std::cerr << "sofiatwin: error: " << e.what() << "\n";
    return app::exit_input_error;
  } catch (const std::invalid_argument& e) {
    std::cerr << "sofiatwin: error: " << e.what() << "\n";
    return app::exit_input_error;
  } catch (const std::exception& e) {
    std::cerr << "sofiatwin: internal error: " << e.what() << "\n";
    return app::exit_internal_error;
  }
  for (const auto& command : commands)
    if (command->exit_code() != app::exit_ok) return command->exit_code();  // 4: a solver stopped short of its target
  return app::exit_ok;
}
