// What an import did: counts, repairs, warnings. Stored in the twin GeoPackage.
#pragma once
#include <string>
#include <vector>

namespace sofiatwin {

enum class Severity { info, warning };

struct ReportEntry {
  Severity severity = Severity::info;
  std::string source;   // file (or "topology", "default-model", ...)
  std::string layer;
  std::string feature;  // feature id or line, may be empty
  std::string field;
  std::string message;
};

struct ImportReport {
  std::vector<ReportEntry> entries;
  void info(std::string source, std::string layer, std::string message) {
    entries.push_back({Severity::info, std::move(source), std::move(layer), {}, {}, std::move(message)});
  }
  void warn(std::string source, std::string layer, std::string feature, std::string field, std::string message) {
    entries.push_back({Severity::warning, std::move(source), std::move(layer), std::move(feature), std::move(field),
                       std::move(message)});
  }
  [[nodiscard]] std::size_t warning_count() const {
    std::size_t n = 0;
    for (const auto& e : entries) n += e.severity == Severity::warning;
    return n;
  }
};

}  // namespace sofiatwin
