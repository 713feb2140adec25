// Result layers: simulation results keyed by the model's element ids, written as a GeoPackage
// that QGIS opens (each layer carries the element's geometry) and read back by compare and render.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/city_model.hpp"

namespace sofiatwin::gis {

/// What the rows of a result layer are.
enum class ResultElement { none, road_link, transit_stop, transit_route, zone, water_node, water_link };

/// One result layer: row i is element i; numeric and text columns.
struct ResultTable {
  ResultTable() = default;
  ResultTable(std::string layer_name, ResultElement kind, std::string zoning_layer = {})
      : layer(std::move(layer_name)), element(kind), zoning(std::move(zoning_layer)) {}
  std::string layer;
  ResultElement element = ResultElement::none;
  std::string zoning;  // element zone: the twin layer of the zones ("zones", "neighbourhoods", "traffic_zones")
  std::vector<std::string> text_names;
  std::vector<std::vector<std::string>> text_columns;
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
  [[nodiscard]] std::size_t rows() const;
  /// Adds a numeric column (its size must be rows(), or it sets rows() for the first column).
  void add(std::string name, std::vector<double> values);
  void add_text(std::string name, std::vector<std::string> values);
  /// The column of that name, or nullptr.
  [[nodiscard]] const std::vector<double>* column(const std::string& name) const;
};

/// Writes the tables (with geometry from `model`) and `metadata` rows to `path` through a temporary
/// file renamed at the end; throws InputError naming the path on failure and leaves it as it was.
void write_results(const CityModel& model, const std::string& path, const std::map<std::string, std::string>& metadata,
                   const std::vector<ResultTable>& tables);

/// Reads every result layer (geometry is not read back) and the metadata of a results GeoPackage.
struct ResultSet {
  std::map<std::string, std::string> metadata;
  std::vector<ResultTable> tables;
  [[nodiscard]] const ResultTable* table(const std::string& layer) const;
};
ResultSet read_results(const std::string& path);

}  // namespace sofiatwin::gis
