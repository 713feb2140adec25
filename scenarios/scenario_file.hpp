// Scenario files (YAML): a scenario is its baseline (the file it `extends:`) plus its own
// interventions. Settings (model, transport parameters, water, economics, outputs) are inherited
// and overridden key by key; interventions add up along the chain. See scenarios/README.md.
#pragma once
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sofiatwin::scenarios {

/// One intervention as written: its type-specific settings stay a YAML map, checked when the
/// intervention is built against the model (interventions.hpp).
struct InterventionSpec {
  std::string id, type;
  double capex_eur = 0.0;
  double opex_eur_per_year = 0.0;
  int lifetime_years = 1;
  int start_year = 0;
  std::string assumptions;
  std::vector<std::string> sources;
  YAML::Node settings;  // the whole entry
  std::string file;     // where it was written
  std::string where;    // its key path, e.g. "interventions[0]"
};

/// A number with the source it came from (economic parameters carry both into cba.json).
struct Sourced {
  double value = 0.0;
  std::string source;
};

struct ScenarioFile {
  std::string name, description;
  std::string file;                    // this scenario's file
  std::vector<std::string> chain;      // the files from the root baseline to this one
  std::string model = "default";       // "default" (the embedded model) or a twin GeoPackage path
  YAML::Node transport_parameters;     // the merged transport parameter document
  std::string transport_parameters_source;  // what it was made of, for the manifest
  YAML::Node water;                    // merged water settings
  YAML::Node economics;                // merged economic parameters
  YAML::Node outputs;                  // merged output settings
  std::vector<InterventionSpec> baseline_interventions;  // those of the files it extends
  std::vector<InterventionSpec> interventions;           // its own
  [[nodiscard]] bool is_root() const { return chain.size() == 1; }
};

/// Reads a scenario and its `extends:` chain. Unknown keys, wrong types, a missing or cyclic
/// `extends:`, an intervention without its costs or with a negative cost or a lifetime of zero:
/// InputError naming the file, the line and the key.
ScenarioFile load_scenario(const std::string& path);

/// The baseline of a scenario: the file it extends, loaded on its own (nullopt for a root).
std::optional<ScenarioFile> load_baseline(const ScenarioFile& scenario);

/// Deep merge: maps merged key by key (`over` wins), everything else replaced.
YAML::Node merge_yaml(const YAML::Node& base, const YAML::Node& over);

}  // namespace sofiatwin::scenarios
