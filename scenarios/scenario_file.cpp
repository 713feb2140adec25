#include "scenarios/scenario_file.hpp"

#include <filesystem>
#include <set>

#include "scenarios/yaml_reader.hpp"
#include "sim/core/input_error.hpp"

namespace sofiatwin::scenarios {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> top_keys = {"name", "description", "extends", "model", "transport", "water",
                                           "economics", "outputs", "interventions"};
const std::vector<std::string> intervention_common = {"id", "type", "capex_eur", "opex_eur_per_year", "lifetime_years",
                                                      "start_year", "assumptions", "sources"};

std::string resolve(const std::string& from_file, const std::string& path) {
  const fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (fs::path(from_file).parent_path() / p).lexically_normal().string();
}

InterventionSpec read_intervention(const YAML::Node& node, const std::string& file, std::size_t index) {
  const YamlMap m(node, file, "interventions[" + std::to_string(index) + "]");
  InterventionSpec s;
  s.file = file;
  s.where = m.where();
  s.settings = node;
  s.id = m.required_text("id");
  s.type = m.required_text("type");
  s.capex_eur = m.required_number("capex_eur", Range::non_negative());
  s.opex_eur_per_year = m.required_number("opex_eur_per_year", Range::non_negative());
  s.lifetime_years = m.integer("lifetime_years", 0, {1, 200, false, false, "a whole number of years from 1 to 200"});
  if (!m.has("lifetime_years")) throw m.error({}, "missing key 'lifetime_years' (a whole number of years from 1 to 200)");
  s.start_year = m.integer("start_year", 0, Range::between(2000, 2100));
  if (!m.has("start_year")) throw m.error({}, "missing key 'start_year'");
  s.assumptions = m.required_text("assumptions");
  if (const auto list = m.sequence("sources")) {
    for (const auto& item : *list) {
      if (!item.IsScalar()) throw InputError(yaml_error_text(file, item, m.key_path("sources"), "each source must be a text"));
      s.sources.push_back(item.as<std::string>());
    }
  }
  if (s.sources.empty()) throw m.error({}, "missing key 'sources' (a list naming where the assumptions come from)");
  return s;
}

ScenarioFile load_chain(const std::string& path, std::vector<std::string> visiting) {
  const auto node = load_yaml_file(path);
  const YamlMap top(node, path, "");
  top.allow_only(top_keys, "a scenario key");
  ScenarioFile out;
  visiting.push_back(path);
  if (top.has("extends")) {
    const auto parent = resolve(path, top.required_text("extends"));
    for (const auto& v : visiting)
      if (fs::weakly_canonical(v) == fs::weakly_canonical(parent)) {
        std::string cycle;
        for (const auto& f : visiting) cycle += f + " -> ";
        throw top.error("extends", "a cycle of extends: " + cycle + parent);
      }
    if (!fs::exists(parent)) throw top.error("extends", "'" + parent + "': file not found");
    const auto base = load_chain(parent, visiting);
    out = base;
    out.baseline_interventions.insert(out.baseline_interventions.end(), base.interventions.begin(), base.interventions.end());
    out.interventions.clear();
  }
  out.file = path;
  out.chain.push_back(path);
  out.name = top.required_text("name");
  out.description = top.required_text("description");
  if (top.has("model")) {
    const auto model = top.required_text("model");
    out.model = model == "default" ? model : resolve(path, model);
  }
  if (const auto t = top.map("transport")) {
    t->allow_only({"parameters", "overrides"}, "a transport key");
    if (t->has("parameters")) {
      const auto file = resolve(path, t->required_text("parameters"));
      out.transport_parameters = load_yaml_file(file);
      out.transport_parameters_source = file;
    }
    if (const auto overrides = t->map("overrides")) {
      out.transport_parameters = merge_yaml(out.transport_parameters, t->node("overrides"));
      out.transport_parameters_source += (out.transport_parameters_source.empty() ? "" : " + ") + std::string("overrides in ") + path;
    }
  }
  if (const auto w = top.map("water")) out.water = merge_yaml(out.water, top.node("water"));
  if (const auto e = top.map("economics")) out.economics = merge_yaml(out.economics, top.node("economics"));
  if (const auto o = top.map("outputs")) out.outputs = merge_yaml(out.outputs, top.node("outputs"));
  if (const auto list = top.sequence("interventions")) {
    std::set<std::string> ids;
    for (const auto& s : out.baseline_interventions) ids.insert(s.id);
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto spec = read_intervention((*list)[i], path, i);
      if (!ids.insert(spec.id).second)
        throw YamlMap((*list)[i], path, spec.where).error("id", "'" + spec.id + "' is used twice in the scenario's chain");
      out.interventions.push_back(std::move(spec));
    }
  }
  return out;
}

}  // namespace

YAML::Node merge_yaml(const YAML::Node& base, const YAML::Node& over) {
  if (!over || over.IsNull()) return YAML::Clone(base);
  if (!base || !base.IsMap() || !over.IsMap()) return YAML::Clone(over);
  YAML::Node out = YAML::Clone(base);
  for (const auto& item : over) {
    const auto key = item.first.as<std::string>();
    const YAML::Node& current = out;
    out[key] = merge_yaml(current[key], item.second);
  }
  return out;
}

ScenarioFile load_scenario(const std::string& path) {
  if (!fs::exists(path)) throw InputError(path + ": file not found");
  return load_chain(fs::path(path).lexically_normal().string(), {});
}

std::optional<ScenarioFile> load_baseline(const ScenarioFile& scenario) {
  if (scenario.is_root()) return std::nullopt;
  return load_scenario(scenario.chain[scenario.chain.size() - 2]);
}

}  // namespace sofiatwin::scenarios
