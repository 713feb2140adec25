#include "app/command.hpp"

#include <cstdio>
#include <ctime>
#include <iostream>

#include "gis/errors.hpp"

namespace sofiatwin::app {

void StderrProgress::stage_done(std::string_view stage, std::string_view detail, double seconds) {
  std::fprintf(stderr, "[%6.2f s] %-15.*s %.*s\n", seconds, static_cast<int>(stage.size()), stage.data(),
               static_cast<int>(detail.size()), detail.data());
}

void print_import_report(const ImportReport& report, bool all) {
  for (const auto& e : report.entries) {
    if (!all && e.severity != Severity::warning) continue;
    std::cout << (e.severity == Severity::warning ? "  warning: " : "  info:    ")
              << gis::describe(e.source, e.layer, e.feature, e.field, e.message) << "\n";
  }
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

}  // namespace sofiatwin::app
