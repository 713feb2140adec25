// Bad input: a clear InputError naming file, feature and field, or a reported warning - never a crash.
#include <gtest/gtest.h>

#include <gdal_priv.h>

#include "gis/errors.hpp"
#include "gis/importer.hpp"
#include "gis/twin_store.hpp"
#include "test_util.hpp"

using namespace sofiatwin;
using namespace sofiatwin::gis;

namespace {

std::string import_error(const ImportSources& s, const ImportOptions& o = {}) {
  try {
    import_city(s, o);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

bool reported(const CityModel& m, const std::string& text) {
  for (const auto& e : m.report.entries)
    if (e.message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(BadInput, MissingFileIsNamed) {
  ImportSources s;
  s.roads = "/nonexistent/roads.gpkg";
  EXPECT_EQ(import_error(s), "/nonexistent/roads.gpkg: file not found");
}

TEST(BadInput, UnreadableFormat) {
  const auto dir = test::temp_dir("garbage");
  ImportSources s;
  s.districts = test::write_file(dir / "d.gpkg", "this is not a geopackage");
  EXPECT_NE(import_error(s).find("d.gpkg: cannot be read as a vector dataset"), std::string::npos);
}

TEST(BadInput, MissingLayerListsTheLayers) {
  const auto dir = test::temp_dir("layer");
  ImportSources s;
  s.districts = test::write_file(dir / "d.geojson", test::district_geojson()) + ":nope";
  const auto e = import_error(s);
  EXPECT_NE(e.find("no layer named 'nope'"), std::string::npos) << e;
  EXPECT_NE(e.find("layers: d"), std::string::npos) << e;
}

TEST(BadInput, NonNumericPopulationNamesFeatureAndField) {
  const auto dir = test::temp_dir("popfield");
  ImportSources s;
  s.districts = test::write_file(dir / "d.geojson", test::district_geojson("\"many\""));
  const auto e = import_error(s);
  EXPECT_NE(e.find("d.geojson: layer 'd' feature 0: field 'population' = 'many' is not a number"), std::string::npos) << e;
}

TEST(BadInput, MissingPopulationFieldAsked) {
  const auto dir = test::temp_dir("popmissing");
  ImportSources s;
  s.districts = test::write_file(dir / "d.geojson", test::district_geojson());
  ImportOptions o;
  o.population_field = "pop2030";
  EXPECT_NE(import_error(s, o).find("field 'pop2030': no such field"), std::string::npos);
}

TEST(BadInput, EmptyLayerIsAnError) {
  const auto dir = test::temp_dir("empty");
  ImportSources s;
  s.districts = test::write_file(dir / "d.geojson", R"({"type":"FeatureCollection","features":[]})");
  EXPECT_NE(import_error(s).find("holds no usable polygon"), std::string::npos);
}

TEST(BadInput, WrongGeometryTypeForRoads) {
  const auto dir = test::temp_dir("wrongtype");
  ImportSources s;
  s.roads = test::write_file(dir / "r.geojson", test::district_geojson());
  EXPECT_NE(import_error(s).find("roads need lines"), std::string::npos);
}

TEST(BadInput, InvalidPolygonIsRepairedAndReported) {
  const auto dir = test::temp_dir("bowtie");
  ImportSources s;
  s.districts = test::write_file(dir / "d.geojson",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"X","population":5},)"
      R"("geometry":{"type":"Polygon","coordinates":[[[23.30,42.69],[23.33,42.71],[23.33,42.69],[23.30,42.71],[23.30,42.69]]]}}]})");
  const auto m = import_city(s, {});
  ASSERT_EQ(m.zones.size(), 1u);
  EXPECT_TRUE(reported(m, "repaired with MakeValid"));
  EXPECT_GT(area_m2(m.zones.boundary[0]), 1e6);  // both triangles kept
}

TEST(BadInput, FeatureWithoutGeometryIsReportedNotSilentlyDropped) {
  const auto dir = test::temp_dir("nogeom");
  ImportSources s;
  s.roads = test::write_file(dir / "r.geojson",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"highway":"primary"},"geometry":null},)"
      R"({"type":"Feature","properties":{"highway":"primary","lanes":"x"},"geometry":{"type":"LineString","coordinates":[[23.32,42.69],[23.33,42.69]]}}]})");
  const auto m = import_city(s, {});
  EXPECT_TRUE(reported(m, "no geometry; skipped"));
  EXPECT_TRUE(reported(m, "value 'x' not understood"));
  EXPECT_EQ(m.roads.links.size(), 2u);
}

TEST(BadInput, RasterWithoutCrs) {
  const auto dir = test::temp_dir("nocrs");
  const std::string path = (dir / "r.tif").string();
  {
    GDALDatasetUniquePtr ds(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), 2, 2, 1, GDT_Float32, nullptr));
  }
  ImportSources s;
  s.districts = test::write_file(dir / "d.geojson", test::district_geojson());
  s.population = path;
  EXPECT_NE(import_error(s).find("has no geotransform"), std::string::npos);
}

TEST(BadInput, InvalidModelCrs) {
  ImportSources s;
  ImportOptions o;
  o.model_crs = "EPSG:999999";
  EXPECT_NE(import_error(s, o).find("is not a valid coordinate reference system"), std::string::npos);
}

TEST(BadInput, FailedWriteLeavesExistingStoreUntouched) {
  const auto dir = test::temp_dir("atomic");
  const auto target = test::write_file(dir / "twin.gpkg", "previous content");
  CityModel m;
  m.crs = "EPSG:999999";  // makes the writer fail midway
  EXPECT_THROW(write_twin(m, target, {}), InputError);
  std::ifstream in(target);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "previous content");
  for (const auto& entry : std::filesystem::directory_iterator(dir)) EXPECT_EQ(entry.path().filename(), "twin.gpkg");
}

TEST(BadInput, ReadingSomethingThatIsNotATwin) {
  const auto dir = test::temp_dir("notwin");
  EXPECT_THROW(read_twin(test::write_file(dir / "x.gpkg", "nope")), InputError);
  EXPECT_THROW(read_twin((dir / "missing.gpkg").string()), InputError);
}
