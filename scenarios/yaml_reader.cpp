#include "scenarios/yaml_reader.hpp"

#include <cmath>
#include <cstdio>

#include "sim/core/input_error.hpp"

namespace sofiatwin::scenarios {
namespace {

std::string format_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

}  // namespace

bool Range::holds(double v) const {
  if (!std::isfinite(v)) return false;
  if (min_open ? v <= min : v < min) return false;
  return max_open ? v < max : v <= max;
}

YAML::Node load_yaml_file(const std::string& path) {
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw InputError(path + ": file not found or not readable");
  } catch (const YAML::Exception& e) {
    throw InputError(path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

std::string yaml_error_text(const std::string& file, const YAML::Node& node, const std::string& key_path, const std::string& message) {
  std::string text = file + ": ";
  if (node.IsDefined() && node.Mark().line >= 0) text += "line " + std::to_string(node.Mark().line + 1) + ": ";
  if (!key_path.empty()) text += "key '" + key_path + "': ";
  return text + message;
}

YamlMap::YamlMap(YAML::Node node, std::string file, std::string where)
    : node_(std::move(node)), file_(std::move(file)), where_(std::move(where)) {
  if (node_.IsNull()) node_ = YAML::Node(YAML::NodeType::Map);
  if (!node_.IsMap()) throw InputError(yaml_error_text(file_, node_, where_, "must be a mapping of keys to values"));
}

std::string YamlMap::key_path(std::string_view key) const {
  if (key.empty()) return where_;
  return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
}

int YamlMap::line(std::string_view key) const {
  for (const auto& item : node_)
    if (item.first.as<std::string>() == key) return item.first.Mark().line + 1;
  return node_.Mark().line + 1;
}

InputError YamlMap::error(std::string_view key, const std::string& message) const {
  std::string text = file_ + ": ";
  const int l = line(key);
  if (l > 0) text += "line " + std::to_string(l) + ": ";
  const auto path = key_path(key);
  if (!path.empty()) text += "key '" + path + "': ";
  return InputError(text + message);
}

YAML::Node YamlMap::get(std::string_view key) const {
  const YAML::Node& map = node_;  // const access never inserts a key
  return map[std::string(key)];
}

bool YamlMap::has(std::string_view key) const { return static_cast<bool>(get(key)); }

std::vector<std::string> YamlMap::keys() const {
  std::vector<std::string> out;
  for (const auto& item : node_) {
    if (!item.first.IsScalar()) throw InputError(yaml_error_text(file_, item.first, where_, "keys must be plain names"));
    out.push_back(item.first.as<std::string>());
  }
  return out;
}

void YamlMap::allow_only(const std::vector<std::string>& allowed, std::string_view what) const {
  for (const auto& key : keys()) {
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (known) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw error(key, "is not " + std::string(what) + " (expected one of: " + list + ")");
  }
}

void YamlMap::allow_only(std::initializer_list<std::string_view> allowed, std::string_view what) const {
  allow_only(std::vector<std::string>(allowed.begin(), allowed.end()), what);
}

std::optional<double> YamlMap::optional_number(std::string_view key, Range range) const {
  const auto value = get(key);
  if (!value) return std::nullopt;
  double v = 0;
  try {
    if (!value.IsScalar()) throw YAML::Exception(value.Mark(), "not a scalar");
    v = value.as<double>();
  } catch (const YAML::Exception&) {
    throw InputError(yaml_error_text(file_, value, key_path(key), "must be a number"));
  }
  if (!range.holds(v)) throw InputError(yaml_error_text(file_, value, key_path(key), format_number(v) + " is not " + range.description));
  return v;
}

double YamlMap::number(std::string_view key, double fallback, Range range) const {
  return optional_number(key, range).value_or(fallback);
}

double YamlMap::required_number(std::string_view key, Range range) const {
  const auto v = optional_number(key, range);
  if (!v) throw error({}, "missing key '" + std::string(key) + "' (" + range.description + ")");
  return *v;
}

int YamlMap::integer(std::string_view key, int fallback, Range range) const {
  const auto v = optional_number(key, range);
  if (!v) return fallback;
  if (*v != std::floor(*v) || std::abs(*v) > 2e9)
    throw InputError(yaml_error_text(file_, get(key), key_path(key), format_number(*v) + " is not a whole number"));
  return static_cast<int>(*v);
}

std::string YamlMap::text(std::string_view key, const std::string& fallback) const {
  const auto value = get(key);
  if (!value) return fallback;
  if (!value.IsScalar()) throw InputError(yaml_error_text(file_, value, key_path(key), "must be a text value"));
  return value.as<std::string>();
}

std::string YamlMap::required_text(std::string_view key) const {
  if (!has(key)) throw error({}, "missing key '" + std::string(key) + "'");
  return text(key, {});
}

bool YamlMap::flag(std::string_view key, bool fallback) const {
  const auto value = get(key);
  if (!value) return fallback;
  try {
    return value.as<bool>();
  } catch (const YAML::Exception&) {
    throw InputError(yaml_error_text(file_, value, key_path(key), "must be true or false"));
  }
}

std::string YamlMap::choice(std::string_view key, const std::string& fallback, std::initializer_list<std::string_view> choices) const {
  const auto value = text(key, fallback);
  std::string list;
  for (auto c : choices) {
    if (c == value) return value;
    list += (list.empty() ? "" : ", ") + std::string(c);
  }
  throw InputError(yaml_error_text(file_, get(key), key_path(key), "'" + value + "' is not one of " + list));
}

std::optional<YamlMap> YamlMap::map(std::string_view key) const {
  const auto value = get(key);
  if (!value) return std::nullopt;
  return YamlMap(value, file_, key_path(key));
}

YamlMap YamlMap::required_map(std::string_view key) const {
  auto m = map(key);
  if (!m) throw error({}, "missing section '" + std::string(key) + "'");
  return *m;
}

std::optional<YAML::Node> YamlMap::sequence(std::string_view key) const {
  const auto value = get(key);
  if (!value) return std::nullopt;
  if (!value.IsSequence()) throw InputError(yaml_error_text(file_, value, key_path(key), "must be a list"));
  return value;
}

}  // namespace sofiatwin::scenarios
