// The twin store: one GeoPackage holding the CityModel's layers, metadata and the import report.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/city_model.hpp"

namespace sofiatwin::gis {

inline constexpr int twin_schema_version = 2;

/// Writes the model to `path` through a temporary file renamed at the end; on any failure the
/// temporary file is removed and `path` is left as it was. `metadata` adds key/value rows.
void write_twin(const CityModel& model, const std::string& path, const std::map<std::string, std::string>& metadata);

/// Reads a twin GeoPackage back into a CityModel. Throws InputError naming the layer, feature and
/// field when the store is not a sofiatwin twin or is inconsistent.
CityModel read_twin(const std::string& path);

/// The key/value metadata rows of a twin.
std::map<std::string, std::string> read_twin_metadata(const std::string& path);

}  // namespace sofiatwin::gis
