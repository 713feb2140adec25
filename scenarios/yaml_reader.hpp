// Reading YAML parameter and scenario files strictly: every key must be known, every value of the
// right type and inside its domain, and every error names the file, the line and the key path
// ("transport.yaml: line 12: key 'purposes.home_work.trips_per_person_per_day': -1 is negative").
#pragma once
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/input_error.hpp"

namespace sofiatwin::scenarios {

/// The domain of a number: [min, max] with either end open.
struct Range {
  double min = -1e300, max = 1e300;
  bool min_open = false, max_open = false;
  const char* description = "a number";
  static Range any() { return {}; }
  static Range positive() { return {0.0, 1e300, true, false, "positive"}; }
  static Range non_negative() { return {0.0, 1e300, false, false, "zero or positive"}; }
  static Range share() { return {0.0, 1.0, false, false, "a share between 0 and 1"}; }
  static Range open_share() { return {0.0, 1.0, true, true, "a share strictly between 0 and 1"}; }
  static Range between(double lo, double hi) { return {lo, hi, false, false, "within the allowed range"}; }
  [[nodiscard]] bool holds(double v) const;
};

/// Loads a YAML file; a missing file or a syntax error is an InputError naming the file and line.
YAML::Node load_yaml_file(const std::string& path);

/// A mapping node of a YAML file, with the file name and its key path for error messages.
class YamlMap {
 public:
  /// Throws InputError when `node` is not a mapping (`where` is its key path, empty for the root).
  YamlMap(YAML::Node node, std::string file, std::string where);

  [[nodiscard]] bool has(std::string_view key) const;
  /// Keys in file order.
  [[nodiscard]] std::vector<std::string> keys() const;
  /// Every key not in `allowed` is an error; `what` says what the keys are ("a transport parameter").
  void allow_only(std::initializer_list<std::string_view> allowed, std::string_view what = "a known key") const;
  void allow_only(const std::vector<std::string>& allowed, std::string_view what = "a known key") const;

  [[nodiscard]] double number(std::string_view key, double fallback, Range range = Range::any()) const;
  [[nodiscard]] double required_number(std::string_view key, Range range = Range::any()) const;
  [[nodiscard]] std::optional<double> optional_number(std::string_view key, Range range = Range::any()) const;
  [[nodiscard]] int integer(std::string_view key, int fallback, Range range = Range::any()) const;
  [[nodiscard]] std::string text(std::string_view key, const std::string& fallback) const;
  [[nodiscard]] std::string required_text(std::string_view key) const;
  [[nodiscard]] bool flag(std::string_view key, bool fallback) const;
  /// A string that must be one of `choices`.
  [[nodiscard]] std::string choice(std::string_view key, const std::string& fallback, std::initializer_list<std::string_view> choices) const;
  [[nodiscard]] std::optional<YamlMap> map(std::string_view key) const;
  [[nodiscard]] YamlMap required_map(std::string_view key) const;
  /// A sequence (or nullopt when the key is absent); throws when the value is not a sequence.
  [[nodiscard]] std::optional<YAML::Node> sequence(std::string_view key) const;
  [[nodiscard]] YAML::Node node(std::string_view key) const { return get(key); }

  /// An InputError "FILE: line N: key 'PATH.KEY': MESSAGE" (the line of the key, or of this map).
  [[nodiscard]] InputError error(std::string_view key, const std::string& message) const;
  [[nodiscard]] std::string key_path(std::string_view key) const;
  [[nodiscard]] int line(std::string_view key) const;
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] const std::string& where() const { return where_; }

 private:
  [[nodiscard]] YAML::Node get(std::string_view key) const;
  YAML::Node node_;
  std::string file_, where_;
};

/// "FILE: line N: key 'PATH': MESSAGE" for a node anywhere in a file.
std::string yaml_error_text(const std::string& file, const YAML::Node& node, const std::string& key_path, const std::string& message);

}  // namespace sofiatwin::scenarios
