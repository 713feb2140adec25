// GIS water layers: an EPANET network through the layers and back, a utility's layer set with
// missing node ids, lengths and elevations, and bad input named by layer, feature and field.
#include <gtest/gtest.h>

#include <cmath>

#include "gis/errors.hpp"
#include "gis/gdal_util.hpp"
#include "gis/raster_ops.hpp"
#include "gis/water_layers.hpp"
#include "sim/water/inp_io.hpp"
#include "sim/water/simulation.hpp"
#include "test_util.hpp"
#include "water_compare.hpp"

using namespace sofiatwin;
using namespace sofiatwin::gis;

namespace {

struct Context {
  ImportReport report;
  ImportContext ctx;
  Context() : ctx{make_crs("EPSG:7801"), std::nullopt, {}, &report} {}
};

/// A network from an .inp file, with made-up positions (EPSG:7801 metres around Sofia).
WaterModel with_positions(water::WaterNetwork net) {
  WaterModel w;
  for (std::size_t v = 0; v < net.node_count(); ++v)
    w.node_position.push_back({321000.0 + 37.0 * static_cast<double>(v % 53), 4729000.0 + 41.0 * static_cast<double>(v / 53)});
  w.pressure_zone.assign(net.node_count(), "");
  w.network = std::move(net);
  return w;
}

std::string write_layers(const WaterModel& w, const std::string& path) {
  auto* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  const auto crs = make_crs("EPSG:7801");
  ds->StartTransaction();
  write_water_layers(*ds, crs, w);
  ds->CommitTransaction();
  return path;
}

/// Every hydraulic step's heads and flows, for comparing two networks.
std::vector<std::vector<double>> run(const water::WaterNetwork& net) {
  std::vector<std::vector<double>> out;
  water::simulate(net, [&](long, const water::HydraulicState& s) {
    out.push_back(s.head_ft);
    out.back().insert(out.back().end(), s.flow_cfs.begin(), s.flow_cfs.end());
  });
  return out;
}

class WaterLayersRoundTrip : public ::testing::TestWithParam<const char*> {};

}  // namespace

// An SI network with pumps, tanks, valves, patterns, curves and controls goes into the GIS layers
// and comes back as the same network, which simulates to the same heads and flows at every step.
TEST_P(WaterLayersRoundTrip, SameNetworkAndSameSolution) {
  if (!test::shared_data_present()) GTEST_SKIP() << "../shared/data is not present";
  const auto original = with_positions(water::read_inp(test::shared_data(std::string("water/networks/") + GetParam() + ".inp")));
  const auto dir = test::temp_dir(std::string("water_layers_") + GetParam());
  Context c;
  const auto path = write_layers(original, (dir / "water.gpkg").string());
  const auto back = read_water_layers(path, original.network.name, c.ctx, nullptr);
  test::expect_same_water_network(original.network, back.network, 1e-9);
  EXPECT_EQ(back.node_position, original.node_position);
  ASSERT_EQ(back.link_shape.size(), original.network.link_count());
  const auto a = run(original.network), b = run(back.network);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t t = 0; t < a.size(); ++t)
    for (std::size_t i = 0; i < a[t].size(); ++i) ASSERT_NEAR(a[t][i], b[t][i], 1e-6 * (1 + std::abs(a[t][i]))) << "report " << t << " value " << i;
  // a second generation writes the same values again
  const auto again = read_water_layers(write_layers(back, (dir / "water2.gpkg").string()), back.network.name, c.ctx, nullptr);
  EXPECT_EQ(again.network.elevation_ft, back.network.elevation_ft);
  EXPECT_EQ(again.network.length_ft, back.network.length_ft);
  EXPECT_EQ(again.network.demand_cfs, back.network.demand_cfs);
}

INSTANTIATE_TEST_SUITE_P(SiNetworks, WaterLayersRoundTrip, ::testing::Values("Richmond_standard", "ZJ_PDA", "exnet-3"));

// EPANET 2.3 pipe leakage goes through the layers (fields of water_pipes) and back.
TEST(WaterLayers, PipeLeakageComesBack) {
  if (!test::shared_data_present()) GTEST_SKIP() << "../shared/data is not present";
  auto net = water::read_inp(test::shared_data("water/networks/ZJ_PDA.inp"));
  net.leak_area.assign(net.link_count(), 0.0);
  net.leak_expansion.assign(net.link_count(), 0.0);
  for (std::size_t k = 0; k < net.link_count(); k += 3) net.leak_area[k] = 0.5 + 0.01 * static_cast<double>(k), net.leak_expansion[k] = 0.02;
  const auto original = with_positions(std::move(net));
  const auto dir = test::temp_dir("water_layers_leakage");
  Context c;
  const auto path = write_layers(original, (dir / "water.gpkg").string());
  {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    OGRLayer* pipes = ds->GetLayerByName("water_pipes");
    ASSERT_NE(pipes, nullptr);
    const int area = pipes->GetLayerDefn()->GetFieldIndex("leak_area_mm2_per_100m");
    const int expansion = pipes->GetLayerDefn()->GetFieldIndex("leak_expansion_mm2_per_m_per_100m");
    ASSERT_GE(area, 0);
    ASSERT_GE(expansion, 0);
    pipes->ResetReading();
    const OGRFeatureUniquePtr first(pipes->GetNextFeature());
    EXPECT_EQ(first->GetFieldAsDouble(area), 0.5);  // the first link is a pipe with a leak
    EXPECT_EQ(first->GetFieldAsDouble(expansion), 0.02);
    OGRLayer* table = ds->GetLayerByName("water_inp");
    ASSERT_NE(table, nullptr);
    table->SetAttributeFilter("section = 'LEAKAGE'");
    EXPECT_EQ(table->GetFeatureCount(), 0);  // on the pipes, not in the table
  }
  const auto back = read_water_layers(path, original.network.name, c.ctx, nullptr);
  test::expect_same_water_network(original.network, back.network, 1e-12);
  const auto a = water::solve_steady(original.network), b = water::solve_steady(back.network);
  double leakage = 0.0;
  for (std::size_t j = 0; j < a.leak_fixed_cfs.size(); ++j) {
    EXPECT_NEAR(water::leakage_cfs(a, j), water::leakage_cfs(b, j), 1e-9) << j;
    leakage += water::leakage_cfs(a, j);
  }
  EXPECT_GT(leakage, 0.0);
}

TEST(WaterLayers, UsUnitsAreRefusedByName) {
  water::WaterNetwork net;
  net.name = "usnet";
  WaterModel w;
  w.network = net;
  auto* driver = GetGDALDriverManager()->GetDriverByName("Memory");
  GDALDatasetUniquePtr ds(driver->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  try {
    write_water_layers(*ds, make_crs("EPSG:7801"), w);
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'usnet' is in GPM"), std::string::npos) << e.what();
  }
}

namespace {

/// A utility-style layer set: junction points (one without elevation), a reservoir, pipes as lines
/// without node ids or lengths, an optional water_inp row; and a flat DEM at 600 m.
struct UtilityLayers {
  std::filesystem::path dir;
  std::string gpkg, dem;

  explicit UtilityLayers(const std::string& name, const std::string& pipe_diameter = "150", const std::string& units_row = "",
                         double far_end_offset_m = 0.0) {
    dir = test::temp_dir(name);
    gpkg = (dir / "utility.gpkg").string();
    dem = (dir / "dem.tif").string();
    const auto crs = make_crs("EPSG:7801");
    auto* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(driver->Create(gpkg.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    auto field = [](OGRLayer* l, const char* n, OGRFieldType t) {
      OGRFieldDefn d(n, t);
      l->CreateField(&d);
    };
    OGRLayer* j = ds->CreateLayer("water_junctions", const_cast<OGRSpatialReference*>(&crs), wkbPoint, nullptr);
    field(j, "id", OFTString), field(j, "elevation_m", OFTReal), field(j, "demand_lps", OFTReal);
    const double x0 = 321000, y0 = 4729000;
    const std::pair<double, double> at[] = {{x0 + 100, y0}, {x0 + 200, y0}, {x0 + 200, y0 + 100}};
    for (int i = 0; i < 3; ++i) {
      OGRFeature f(j->GetLayerDefn());
      f.SetField("id", ("J" + std::to_string(i + 1)).c_str());
      if (i != 2) f.SetField("elevation_m", 590.0);  // J3 takes its elevation from the DEM
      f.SetField("demand_lps", 2.0);
      f.SetGeometryDirectly(new OGRPoint(at[i].first, at[i].second));
      EXPECT_EQ(j->CreateFeature(&f), OGRERR_NONE);
    }
    OGRLayer* r = ds->CreateLayer("water_reservoirs", const_cast<OGRSpatialReference*>(&crs), wkbPoint, nullptr);
    field(r, "id", OFTString), field(r, "head_m", OFTReal);
    OGRFeature rf(r->GetLayerDefn());
    rf.SetField("id", "SRC");
    rf.SetField("head_m", 650.0);
    rf.SetGeometryDirectly(new OGRPoint(x0, y0));
    EXPECT_EQ(r->CreateFeature(&rf), OGRERR_NONE);
    OGRLayer* p = ds->CreateLayer("water_pipes", const_cast<OGRSpatialReference*>(&crs), wkbLineString, nullptr);
    field(p, "id", OFTString), field(p, "diameter_mm", OFTString), field(p, "roughness", OFTReal);
    // ends 0.5 m off the nodes (within the 2 m snap tolerance); P3 drawn from J3 back to J1
    const std::array<std::pair<int, int>, 3> ends = {{{-1, 0}, {0, 1}, {2, 0}}};
    for (int i = 0; i < 3; ++i) {
      auto pos = [&](int n) { return n < 0 ? std::make_pair(x0, y0) : at[n]; };
      const auto a = pos(ends[static_cast<std::size_t>(i)].first), b = pos(ends[static_cast<std::size_t>(i)].second);
      OGRFeature f(p->GetLayerDefn());
      f.SetField("id", ("P" + std::to_string(i + 1)).c_str());
      f.SetField("diameter_mm", i == 1 ? pipe_diameter.c_str() : "150");
      f.SetField("roughness", 120.0);
      auto* line = new OGRLineString;
      line->addPoint(a.first + 0.5, a.second);
      line->addPoint((a.first + b.first) / 2, (a.second + b.second) / 2 + 10);
      line->addPoint(b.first - 0.5 + (i == 2 ? far_end_offset_m : 0.0), b.second);
      f.SetGeometryDirectly(line);
      EXPECT_EQ(p->CreateFeature(&f), OGRERR_NONE);
    }
    if (!units_row.empty()) {
      OGRLayer* t = ds->CreateLayer("water_inp", nullptr, wkbNone, nullptr);
      field(t, "section", OFTString), field(t, "line", OFTString);
      OGRFeature f(t->GetLayerDefn());
      f.SetField("section", "OPTIONS");
      f.SetField("line", units_row.c_str());
      EXPECT_EQ(t->CreateFeature(&f), OGRERR_NONE);
    }
    ds.reset();
    auto* tiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr raster(tiff->Create(dem.c_str(), 10, 10, 1, GDT_Float32, nullptr));
    double transform[6] = {x0 - 500, 100, 0, y0 + 500, 0, -100};
    raster->SetGeoTransform(transform);
    raster->SetSpatialRef(&crs);
    std::vector<float> flat(100, 600.0f);
    EXPECT_EQ(raster->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 10, 10, flat.data(), 10, 10, GDT_Float32, 0, 0), CE_None);
  }
};

std::string error_of(const UtilityLayers& layers) {
  Context c;
  const RasterSampler dem(layers.dem, c.ctx);
  try {
    read_water_layers(layers.gpkg, "utility", c.ctx, &dem);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(WaterLayers, UtilityLayersSnapEndsMeasureLengthsAndTakeElevationsFromTheDem) {
  const UtilityLayers layers("water_utility");
  Context c;
  const RasterSampler dem(layers.dem, c.ctx);
  const auto w = read_water_layers(layers.gpkg, "utility", c.ctx, &dem);
  const auto& n = w.network;
  ASSERT_EQ(n.node_count(), 4u);
  ASSERT_EQ(n.link_count(), 3u);
  EXPECT_NEAR(n.elevation_ft[2] * 0.3048, 600.0, 1e-3);  // J3 from the DEM
  EXPECT_NEAR(n.elevation_ft[0] * 0.3048, 590.0, 1e-9);
  // P3 was drawn from J3 to J1: its ends snap to J3 and J1 and its shape runs from J3
  EXPECT_EQ(n.node_id[static_cast<std::size_t>(n.from_node[2])], "J3");
  EXPECT_EQ(n.node_id[static_cast<std::size_t>(n.to_node[2])], "J1");
  EXPECT_NEAR(distance_m(w.link_shape[2].front(), w.node_position[2]), 0.5, 1e-9);
  // lengths are the drawn lines' lengths
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(n.length_ft[k] * 0.3048, length_m(w.link_shape[k]), 1e-9);
  // the network solves: 6 L/s delivered from the reservoir, heads below 650 m
  water::HydraulicState last;
  water::simulate(n, [&](long, const water::HydraulicState& s) { last = s; });
  ASSERT_TRUE(last.converged);
  double inflow_cfs = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    if (n.from_node[k] == 3) inflow_cfs += last.flow_cfs[k];
    if (n.to_node[k] == 3) inflow_cfs -= last.flow_cfs[k];
  }
  EXPECT_NEAR(inflow_cfs * 28.317, 6.0, 1e-6);
  bool reported = false;
  for (const auto& e : c.report.entries) reported = reported || e.message.find("6 line ends snapped") != std::string::npos;
  EXPECT_TRUE(reported);
}

TEST(WaterLayers, BadInputIsNamedByLayerFeatureAndField) {
  const auto negative = error_of(UtilityLayers("water_bad_diameter", "-150"));
  EXPECT_NE(negative.find("water_pipes"), std::string::npos) << negative;
  EXPECT_NE(negative.find("'P2'"), std::string::npos) << negative;
  EXPECT_NE(negative.find("diameter"), std::string::npos) << negative;
  const auto text = error_of(UtilityLayers("water_bad_number", "wide"));
  EXPECT_NE(text.find("'wide' is not a number"), std::string::npos) << text;
  const auto units = error_of(UtilityLayers("water_bad_units", "150", "UNITS GPM"));
  EXPECT_NE(units.find("water_inp"), std::string::npos) << units;
  EXPECT_NE(units.find("UNITS must be LPS"), std::string::npos) << units;
  const auto far = error_of(UtilityLayers("water_far_end", "150", "", 30.0));
  EXPECT_NE(far.find("water_pipes"), std::string::npos) << far;
  EXPECT_NE(far.find("node2"), std::string::npos) << far;
  EXPECT_NE(far.find("no node lies within"), std::string::npos) << far;
  // a layer without a required field says so
  const UtilityLayers no_roughness("water_no_roughness");
  {
    GDALDatasetUniquePtr ds(GDALDataset::Open(no_roughness.gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    OGRLayer* pipes = ds->GetLayerByName("water_pipes");
    EXPECT_EQ(pipes->DeleteField(pipes->GetLayerDefn()->GetFieldIndex("roughness")), OGRERR_NONE);
  }
  const auto missing_field = error_of(no_roughness);
  EXPECT_NE(missing_field.find("field 'roughness': missing"), std::string::npos) << missing_field;
  // a pipe without geometry cannot be left out of a water network
  const UtilityLayers no_geometry("water_no_geometry");
  {
    GDALDatasetUniquePtr ds(GDALDataset::Open(no_geometry.gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    OGRLayer* pipes = ds->GetLayerByName("water_pipes");
    OGRFeature f(pipes->GetLayerDefn());
    f.SetField("id", "P9");
    f.SetField("diameter_mm", "100");
    f.SetField("roughness", 120.0);
    EXPECT_EQ(pipes->CreateFeature(&f), OGRERR_NONE);
  }
  const auto missing = error_of(no_geometry);
  EXPECT_NE(missing.find("water_pipes"), std::string::npos) << missing;
  EXPECT_NE(missing.find("1 feature(s) without usable geometry"), std::string::npos) << missing;
  // a negative leak area on a pipe is named by layer, feature and field
  const UtilityLayers leaky("water_negative_leak");
  {
    GDALDatasetUniquePtr ds(GDALDataset::Open(leaky.gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    OGRLayer* pipes = ds->GetLayerByName("water_pipes");
    OGRFieldDefn d("leak_area_mm2_per_100m", OFTReal);
    ASSERT_EQ(pipes->CreateField(&d), OGRERR_NONE);
    pipes->SetAttributeFilter("id = 'P2'");
    const OGRFeatureUniquePtr f(pipes->GetNextFeature());
    ASSERT_NE(f, nullptr);
    f->SetField("leak_area_mm2_per_100m", -1.0);
    ASSERT_EQ(pipes->SetFeature(f.get()), OGRERR_NONE);
  }
  const auto negative_leak = error_of(leaky);
  EXPECT_NE(negative_leak.find("water_pipes"), std::string::npos) << negative_leak;
  EXPECT_NE(negative_leak.find("'P2': field 'leak area' is negative"), std::string::npos) << negative_leak;
}
