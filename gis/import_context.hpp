// Shared state of one import run (passed explicitly; no globals).
#pragma once
#include <ogr_spatialref.h>

#include <optional>

#include "gis/gdal_util.hpp"
#include "gis/importer.hpp"

namespace sofiatwin::gis {

struct ImportContext {
  OGRSpatialReference model_crs;
  std::optional<OGRSpatialReference> input_crs;
  ImportOptions options;
  ImportReport* report = nullptr;
};

/// Calls visit(feature, geometry, fid) for each feature of `source`, with the geometry already in
/// the model CRS. Null/empty geometries and failed reprojections are skipped with a warning; invalid
/// polygons are repaired with MakeValid and reported. Returns the number of features visited.
template <class Visit>
long long for_each_feature(VectorLayer& source, const ImportContext& ctx, bool repair_polygons, Visit&& visit);

}  // namespace sofiatwin::gis

#include "gis/import_context_impl.hpp"
