// Raster work: sampling a DEM at model points, zonal population sums, the model elevation grid.
#pragma once
#include <string>
#include <vector>

#include "gis/import_context.hpp"
#include "sim/core/city_model.hpp"

namespace sofiatwin::gis {

/// Bilinear sampler of band 1 of a raster, queried in model coordinates. NaN where there is no data.
class RasterSampler {
 public:
  RasterSampler(const std::string& path, const ImportContext& ctx);
  [[nodiscard]] double sample(Point2 model_point) const;

 private:
  [[nodiscard]] double cell(int column, int row) const;
  std::vector<double> values_;
  int columns_ = 0, rows_ = 0;
  double inverse_transform_[6]{};
  std::unique_ptr<Reprojector> to_raster_;
};

/// Sum of raster cells whose centre lies inside each zone (GDAL rasterisation in the raster's own
/// grid and CRS). NaN and no-data cells count as 0 and are reported.
std::vector<double> zonal_sums(const std::string& path, const Zones& zones, const ImportContext& ctx);

/// The DEM warped into the model CRS (bilinear, GDAL's suggested resolution).
ElevationGrid warp_elevation(const std::string& path, const ImportContext& ctx);

}  // namespace sofiatwin::gis
