#include "raster_ops.hpp"

#include <gdal_alg.h>
#include <gdal_utils.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sofiatwin::gis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

OGRSpatialReference raster_crs(GDALDataset& dataset, const std::string& path) {
  const OGRSpatialReference* crs = dataset.GetSpatialRef();
  if (!crs || crs->IsEmpty()) throw InputError(path + ": raster has no coordinate reference system");
  return *crs;
}

std::vector<double> read_band(GDALDataset& dataset, const std::string& path, double& nodata, bool& has_nodata) {
  auto* band = dataset.GetRasterBand(1);
  int ok = 0;
  nodata = band->GetNoDataValue(&ok);
  has_nodata = ok != 0;
  const int columns = dataset.GetRasterXSize(), rows = dataset.GetRasterYSize();
  std::vector<double> values(static_cast<std::size_t>(columns) * rows);
  GdalErrorCapture capture;
  if (band->RasterIO(GF_Read, 0, 0, columns, rows, values.data(), columns, rows, GDT_Float64, 0, 0) != CE_None)
    throw InputError(path + ": band 1 cannot be read (" + capture.last_message() + ")");
  return values;
}

bool is_missing(double v, bool has_nodata, double nodata) { return std::isnan(v) || (has_nodata && v == nodata); }

}  // namespace

RasterSampler::RasterSampler(const std::string& path, const ImportContext& ctx) {
  auto dataset = open_raster(path);
  double transform[6];
  if (dataset->GetGeoTransform(transform) != CE_None) throw InputError(path + ": raster has no geotransform");
  if (!GDALInvGeoTransform(transform, inverse_transform_)) throw InputError(path + ": geotransform is not invertible");
  to_raster_ = std::make_unique<Reprojector>(ctx.model_crs, raster_crs(*dataset, path));
  columns_ = dataset->GetRasterXSize();
  rows_ = dataset->GetRasterYSize();
  double nodata = 0;
  bool has_nodata = false;
  values_ = read_band(*dataset, path, nodata, has_nodata);
  for (auto& v : values_)
    if (is_missing(v, has_nodata, nodata)) v = nan;
}

double RasterSampler::cell(int column, int row) const {
  column = std::clamp(column, 0, columns_ - 1);
  row = std::clamp(row, 0, rows_ - 1);
  return values_[static_cast<std::size_t>(row) * columns_ + column];
}

double RasterSampler::sample(Point2 model_point) const {
  double x = model_point.x_m, y = model_point.y_m;
  if (!to_raster_->transform(x, y)) return nan;
  const double* g = inverse_transform_;
  // Pixel coordinates with cell centres at integer + 0.5; bilinear between the 4 nearest centres.
  const double px = g[0] + g[1] * x + g[2] * y - 0.5, py = g[3] + g[4] * x + g[5] * y - 0.5;
  if (px < -0.5 || py < -0.5 || px > columns_ - 0.5 || py > rows_ - 0.5) return nan;
  const int c0 = static_cast<int>(std::floor(px)), r0 = static_cast<int>(std::floor(py));
  const double fx = px - c0, fy = py - r0;
  const double top = cell(c0, r0) * (1 - fx) + cell(c0 + 1, r0) * fx;
  const double bottom = cell(c0, r0 + 1) * (1 - fx) + cell(c0 + 1, r0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

std::vector<double> zonal_sums(const std::string& path, const Zones& zones, const ImportContext& ctx) {
  auto dataset = open_raster(path);
  double transform[6];
  if (dataset->GetGeoTransform(transform) != CE_None) throw InputError(path + ": raster has no geotransform");
  const auto crs = raster_crs(*dataset, path);
  const Reprojector to_raster(ctx.model_crs, crs);
  const int columns = dataset->GetRasterXSize(), rows = dataset->GetRasterYSize();

  auto* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr labels(mem->Create("", columns, rows, 1, GDT_Int32, nullptr));
  labels->SetGeoTransform(transform);
  labels->SetSpatialRef(&crs);
  std::vector<std::unique_ptr<OGRGeometry>> owned;
  std::vector<OGRGeometryH> geometries;
  std::vector<double> burn;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    auto multi = std::make_unique<OGRMultiPolygon>();
    for (const auto& polygon : zones.boundary[z]) {
      auto p = std::make_unique<OGRPolygon>();
      for (const auto& ring : polygon) {
        auto r = std::make_unique<OGRLinearRing>();
        for (auto pt : ring) r->addPoint(pt.x_m, pt.y_m);
        p->addRingDirectly(r.release());
      }
      multi->addGeometryDirectly(p.release());
    }
    multi->transform(to_raster.get());
    geometries.push_back(OGRGeometry::ToHandle(multi.get()));
    owned.push_back(std::move(multi));
    burn.push_back(static_cast<double>(z + 1));
  }
  int band_list[1] = {1};
  GdalErrorCapture capture;
  if (GDALRasterizeGeometries(labels.get(), 1, band_list, static_cast<int>(geometries.size()), geometries.data(), nullptr,
                              nullptr, burn.data(), nullptr, nullptr, nullptr) != CE_None)
    throw InputError(path + ": zones cannot be rasterised onto its grid (" + capture.last_message() + ")");
  std::vector<std::int32_t> label(static_cast<std::size_t>(columns) * rows);
  if (labels->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, columns, rows, label.data(), columns, rows, GDT_Int32, 0, 0) != CE_None)
    throw InputError(path + ": internal error reading the zone labels");

  double nodata = 0;
  bool has_nodata = false;
  const auto values = read_band(*dataset, path, nodata, has_nodata);
  std::vector<double> sums(zones.size(), 0.0);
  std::size_t missing_inside = 0, negative = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (label[i] <= 0) continue;
    if (is_missing(values[i], has_nodata, nodata)) {
      ++missing_inside;
    } else if (values[i] < 0) {
      ++negative;
    } else {
      sums[static_cast<std::size_t>(label[i] - 1)] += values[i];
    }
  }
  if (missing_inside > 0)
    ctx.report->warn(path, "band 1", {}, {}, std::to_string(missing_inside) + " cells inside the zones are NaN or no-data; counted as 0");
  if (negative > 0)
    ctx.report->warn(path, "band 1", {}, {}, std::to_string(negative) + " cells inside the zones are negative; counted as 0");
  return sums;
}

ElevationGrid warp_elevation(const std::string& path, const ImportContext& ctx) {
  auto dataset = open_raster(path);
  (void)raster_crs(*dataset, path);
  char* model_wkt = nullptr;
  ctx.model_crs.exportToWkt(&model_wkt);
  const std::string wkt = model_wkt;
  CPLFree(model_wkt);
  CPLStringList args;
  for (const char* a : {"-of", "MEM", "-r", "bilinear", "-ot", "Float32", "-dstnodata", "nan", "-t_srs"}) args.AddString(a);
  args.AddString(wkt.c_str());
  std::unique_ptr<GDALWarpAppOptions, decltype(&GDALWarpAppOptionsFree)> options(GDALWarpAppOptionsNew(args.List(), nullptr),
                                                                                 GDALWarpAppOptionsFree);
  GdalErrorCapture capture;
  GDALDatasetH source = dataset.get();
  int usage_error = 0;
  GDALDatasetUniquePtr warped(GDALDataset::FromHandle(GDALWarp("", nullptr, 1, &source, options.get(), &usage_error)));
  if (!warped) throw InputError(path + ": cannot be warped into " + ctx.options.model_crs + " (" + capture.last_message() + ")");
  double transform[6];
  warped->GetGeoTransform(transform);
  ElevationGrid grid;
  grid.columns = warped->GetRasterXSize();
  grid.rows = warped->GetRasterYSize();
  grid.origin_x_m = transform[0];
  grid.origin_y_m = transform[3];
  grid.cell_size_m = transform[1];
  grid.height_m.resize(static_cast<std::size_t>(grid.columns) * grid.rows);
  if (warped->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, grid.columns, grid.rows, grid.height_m.data(), grid.columns,
                                         grid.rows, GDT_Float32, 0, 0) != CE_None)
    throw InputError(path + ": warped band cannot be read (" + capture.last_message() + ")");
  return grid;
}

}  // namespace sofiatwin::gis
