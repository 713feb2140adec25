#pragma once
#include <memory>

namespace sofiatwin::gis {

template <class Visit>
long long for_each_feature(VectorLayer& source, const ImportContext& ctx, bool repair_polygons, Visit&& visit) {
  const Reprojector reproject(layer_crs(source, ctx.input_crs), ctx.model_crs);
  long long visited = 0;
  source.layer->ResetReading();
  GdalErrorCapture capture;
  for (auto& feature : *source.layer) {
    const long long fid = feature->GetFID();
    const std::string feature_name = "feature " + std::to_string(fid);
    const OGRGeometry* original = feature->GetGeometryRef();
    if (!original || original->IsEmpty()) {
      ctx.report->warn(source.path, source.layer_name, feature_name, {}, "no geometry; skipped");
      continue;
    }
    std::unique_ptr<OGRGeometry> geometry(original->clone());
    const auto type = wkbFlatten(geometry->getGeometryType());
    const bool polygonal = type == wkbPolygon || type == wkbMultiPolygon;
    if (repair_polygons && polygonal && !geometry->IsValid()) {
      std::unique_ptr<OGRGeometry> repaired(geometry->MakeValid());
      if (!repaired || repaired->IsEmpty())
        throw InputError(source.where(fid) + ": invalid polygon that MakeValid could not repair");
      ctx.report->warn(source.path, source.layer_name, feature_name, {},
                       "invalid polygon (self-intersection) repaired with MakeValid");
      geometry = std::move(repaired);
    }
    if (geometry->transform(reproject.get()) != OGRERR_NONE) {
      ctx.report->warn(source.path, source.layer_name, feature_name, {},
                       "coordinates cannot be reprojected into " + ctx.options.model_crs + "; skipped");
      continue;
    }
    visit(*feature, *geometry, fid);
    ++visited;
  }
  return visited;
}

}  // namespace sofiatwin::gis
