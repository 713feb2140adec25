// Each reader on a tiny map anchored in central Sofia, written by the test in that format.
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <gdal_priv.h>

#include "gis/errors.hpp"
#include "gis/importer.hpp"
#include "gis/readers.hpp"
#include "test_util.hpp"

using namespace sofiatwin;
using namespace sofiatwin::gis;

namespace {

const char* osm_xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="42.6970" lon="23.3200"/>
  <node id="2" lat="42.6970" lon="23.3250"/>
  <node id="3" lat="42.6970" lon="23.3300"/>
  <node id="4" lat="42.7000" lon="23.3250"/>
  <node id="10" lat="42.6980" lon="23.3210"/>
  <node id="11" lat="42.6980" lon="23.3212"/>
  <node id="12" lat="42.6982" lon="23.3212"/>
  <node id="13" lat="42.6982" lon="23.3210"/>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/><tag k="lanes" v="4"/><tag k="maxspeed" v="60"/></way>
  <way id="101"><nd ref="2"/><nd ref="4"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
  <way id="102"><nd ref="3"/><nd ref="4"/><tag k="highway" v="footway"/></way>
  <way id="200"><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/><tag k="building" v="apartments"/><tag k="building:levels" v="5"/></way>
</osm>
)";

}  // namespace

TEST(Formats, OsmXmlRoadsAndBuildings) {
  const auto dir = test::temp_dir("osm");
  ImportSources s;
  s.osm = test::write_file(dir / "tiny.osm", osm_xml);
  const auto m = import_city(s, {});
  // primary 1-2-3 split at 2 (two-way: 4 links), residential 2->4 one-way (1 link); footway ignored
  EXPECT_EQ(m.roads.links.size(), 5u);
  int oneway = 0;
  for (std::size_t i = 0; i < m.roads.links.size(); ++i) {
    if (m.roads.links.road_class[i] == RoadClass::primary) {
      EXPECT_DOUBLE_EQ(m.roads.links.lanes[i], 2.0);       // 4 lanes, two directions
      EXPECT_DOUBLE_EQ(m.roads.links.speed_kmh[i], 60.0);  // maxspeed tag
      EXPECT_DOUBLE_EQ(m.roads.links.capacity_veh_h[i], 3000.0);
    } else {
      ++oneway;
    }
  }
  EXPECT_EQ(oneway, 1);
  ASSERT_EQ(m.buildings.size(), 1u);
  EXPECT_EQ(m.buildings.height_source[0], HeightSource::levels);
  EXPECT_DOUBLE_EQ(m.buildings.height_m[0], 15.0);  // 5 levels x 3 m
}

TEST(Formats, GeoJsonZonesReprojectedToMetres) {
  const auto dir = test::temp_dir("geojson");
  ImportSources s;
  s.districts = test::write_file(dir / "d.geojson", test::district_geojson());
  const auto m = import_city(s, {});
  ASSERT_EQ(m.zones.size(), 1u);
  EXPECT_EQ(m.zones.code[0], "01");
  EXPECT_DOUBLE_EQ(m.zones.population[0], 100000.0);
  // 0.03 deg x 0.02 deg at 42.7 N: about 2.455 km x 2.224 km
  EXPECT_NEAR(area_m2(m.zones.boundary[0]) / 1e6, 5.46, 0.05);
  // EPSG:7801 puts central Sofia near E 321 559, N 4 731 436 (FACTS.md)
  EXPECT_NEAR(m.zones.centroid[0].x_m, 321000, 3000);
  EXPECT_NEAR(m.zones.centroid[0].y_m, 4731000, 3000);
}

TEST(Formats, CsvWithWktNeedsAndUsesInputCrs) {
  const auto dir = test::temp_dir("csv");
  const auto path = test::write_file(dir / "roads.csv",
                                     "id,highway,WKT\n1,secondary,\"LINESTRING (23.32 42.69,23.33 42.69)\"\n"
                                     "2,secondary,\"LINESTRING (23.33 42.69,23.33 42.70)\"\n");
  ImportSources s;
  s.roads = path;
  EXPECT_THROW(import_city(s, {}), InputError);  // no CRS in a CSV
  ImportOptions o;
  o.input_crs = "EPSG:4326";
  const auto m = import_city(s, o);
  EXPECT_EQ(m.roads.links.size(), 4u);
  EXPECT_EQ(m.roads.nodes.size(), 3u);
}

TEST(Formats, ShapefileBuildingsWithHeightLevelsAndDefault) {
  const auto dir = test::temp_dir("shp");
  const std::string path = (dir / "buildings.shp").string();
  {
    auto* driver = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference crs;
    crs.importFromEPSG(7801);
    auto* layer = ds->CreateLayer("buildings", &crs, wkbPolygon, nullptr);
    OGRFieldDefn h("height", OFTReal), l("levels", OFTInteger), b("building", OFTString);
    ASSERT_EQ(layer->CreateField(&h), OGRERR_NONE);
    ASSERT_EQ(layer->CreateField(&l), OGRERR_NONE);
    ASSERT_EQ(layer->CreateField(&b), OGRERR_NONE);
    for (int k = 0; k < 3; ++k) {
      OGRFeature f(layer->GetLayerDefn());
      if (k == 0) f.SetField("height", 42.0);
      if (k == 1) f.SetField("levels", 4);
      f.SetField("building", "house");
      OGRLinearRing ring;
      const double x = 321000 + k * 50, y = 4731000;
      for (auto [dx, dy] : {std::pair{0, 0}, {20, 0}, {20, 20}, {0, 20}, {0, 0}}) ring.addPoint(x + dx, y + dy);
      OGRPolygon p;
      p.addRing(&ring);
      f.SetGeometry(&p);
      ASSERT_EQ(layer->CreateFeature(&f), OGRERR_NONE);
    }
  }
  ImportSources s;
  s.buildings = path;
  ImportOptions o;
  o.storey_height_m = 3.5;
  const auto m = import_city(s, o);
  ASSERT_EQ(m.buildings.size(), 3u);
  EXPECT_DOUBLE_EQ(m.buildings.height_m[0], 42.0);
  EXPECT_DOUBLE_EQ(m.buildings.height_m[1], 14.0);
  EXPECT_DOUBLE_EQ(m.buildings.height_m[2], 7.0);  // class default for a house
  EXPECT_NEAR(polygon_area_m2(m.buildings.footprint[0]), 400.0, 1e-6);
}

TEST(Formats, GeoTiffPopulationZonalSumAndDemSampling) {
  const auto dir = test::temp_dir("tif");
  const std::string path = (dir / "grid.tif").string();
  {
    // 10 x 10 cells of 0.003 deg over the test district, value 5 each, one NaN cell inside.
    auto* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 10, 10, 1, GDT_Float64, nullptr));
    double gt[6] = {23.30, 0.003, 0, 42.71, 0, -0.002};
    ds->SetGeoTransform(gt);
    OGRSpatialReference crs;
    crs.importFromEPSG(4326);
    ds->SetSpatialRef(&crs);
    std::vector<double> v(100, 5.0);
    v[55] = std::numeric_limits<double>::quiet_NaN();
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 10, 10, v.data(), 10, 10, GDT_Float64, 0, 0), CE_None);
  }
  ImportSources s;
  s.districts = test::write_file(dir / "d.geojson", test::district_geojson());
  s.population = path;
  s.dem = path;
  const auto m = import_city(s, {});
  EXPECT_NEAR(m.zones.population[0], 99 * 5.0, 1e-9);  // every cell centre is inside; the NaN cell counts 0
  bool nan_reported = false;
  for (const auto& e : m.report.entries) nan_reported |= e.message.find("NaN") != std::string::npos;
  EXPECT_TRUE(nan_reported);
  EXPECT_FALSE(m.elevation.empty());
}

TEST(Formats, ModelCrsIsConfigurable) {
  const auto dir = test::temp_dir("crs");
  ImportSources s;
  s.districts = test::write_file(dir / "d.geojson", test::district_geojson());
  ImportOptions utm;
  utm.model_crs = "EPSG:7803";  // BGS2005 / UTM zone 34N: central Sofia near E 690 184, N 4 729 860 (FACTS.md)
  const auto m = import_city(s, utm);
  EXPECT_EQ(m.crs, "EPSG:7803");
  EXPECT_NEAR(m.zones.centroid[0].x_m, 689500, 3000);
  EXPECT_NEAR(m.zones.centroid[0].y_m, 4729900, 3000);
  const auto cadastral = import_city(s, {});
  EXPECT_NEAR(area_m2(m.zones.boundary[0]), area_m2(cadastral.zones.boundary[0]), 0.01 * area_m2(cadastral.zones.boundary[0]));
}
