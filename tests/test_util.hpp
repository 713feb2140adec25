// Helpers for tests: temporary folders and tiny maps anchored at Sofia (lon 23.32, lat 42.70).
#pragma once
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace sofiatwin::test {

inline std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("sofiatwin-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

inline std::string shared_data(const std::string& relative) { return std::string(SOFIATWIN_SHARED_DATA) + "/" + relative; }
inline bool shared_data_present() { return std::filesystem::exists(shared_data("sofia/FACTS.md")); }

/// A 2 x 2 km square district at the centre of Sofia, as GeoJSON (lon/lat).
inline std::string district_geojson(const std::string& population = "100000") {
  return R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"01","name":"Test","population":)" +
         population + R"(},"geometry":{"type":"Polygon","coordinates":[[[23.30,42.69],[23.33,42.69],[23.33,42.71],[23.30,42.71],[23.30,42.69]]]}}]})";
}

}  // namespace sofiatwin::test
