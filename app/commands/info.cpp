// `sofiatwin info`
#include <gdal_priv.h>

#include <iostream>

#include "app/command.hpp"
#include "gis/default_model.hpp"
#include "gis/errors.hpp"
#include "gis/twin_store.hpp"
#include "scenarios/model_summary.hpp"

namespace sofiatwin::app {
namespace {

class InfoCommand final : public Command {
 public:
  std::string twin;
  bool show_report = false;

  void add_to(CLI::App& app) override {
    auto* cmd = app.add_subcommand("info", "Summarise a twin GeoPackage (or the embedded default model)");
    cmd->add_option("twin", twin, "Twin GeoPackage");
    cmd->add_flag("--report", show_report, "Print the whole import report");
    cmd->callback([this] { run(); });
  }

  void run() const {
    GDALAllRegister();
    if (twin.empty()) {
      const auto model = gis::build_default_model({}, {});
      std::cout << scenarios::model_summary(model, {{"model", "embedded default Sofia model"}});
      print_import_report(model.report, show_report);
      return;
    }
    const auto metadata = gis::read_twin_metadata(twin);
    const auto model = gis::read_twin(twin);
    std::cout << scenarios::model_summary(model, metadata);
    for (const auto& s : model.sources) std::cout << "  source: " << s.role << " " << s.path << " sha256 " << s.sha256 << "\n";
    print_import_report(model.report, show_report);
  }
};

}  // namespace

std::unique_ptr<Command> make_info_command() { return std::make_unique<InfoCommand>(); }

}  // namespace sofiatwin::app
