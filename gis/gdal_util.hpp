// Thin RAII helpers over GDAL/OGR: opening layers with clear errors, reprojection, fields, hashes.
#pragma once
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gis/errors.hpp"
#include "sim/core/geometry.hpp"

namespace sofiatwin::gis {

/// "file.gpkg:layer" or "file.gpkg". The layer part is taken only when the whole string is not an
/// existing file and the part before the last ':' is.
struct LayerRef {
  std::string path;
  std::string layer;  // empty = the only (or first) layer
};
LayerRef parse_layer_ref(const std::string& text);

/// Silences GDAL's stderr output while alive and collects error messages instead.
class GdalErrorCapture {
 public:
  GdalErrorCapture();
  ~GdalErrorCapture();
  GdalErrorCapture(const GdalErrorCapture&) = delete;
  GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;
  [[nodiscard]] std::string last_message() const;
};

/// An open vector layer plus where it came from, for error messages.
struct VectorLayer {
  GDALDatasetUniquePtr dataset;
  OGRLayer* layer = nullptr;
  std::string path;
  std::string layer_name;
  [[nodiscard]] std::string where(long long feature = -1, const std::string& field = {}) const;
};

/// Opens a vector layer. CSV files get X/Y or WKT geometry detection. Throws InputError naming the
/// file when it is missing, unreadable, has no such layer or an empty layer name list.
VectorLayer open_vector_layer(const LayerRef& ref, const std::vector<std::string>& open_options = {});

/// Opens a raster, throwing InputError naming the file when it is missing or not a raster.
GDALDatasetUniquePtr open_raster(const std::string& path);

/// Transforms coordinates from a source CRS into the model CRS (traditional lon/lat order).
class Reprojector {
 public:
  Reprojector(const OGRSpatialReference& source, const OGRSpatialReference& target);
  [[nodiscard]] OGRCoordinateTransformation* get() const { return transform_.get(); }
  [[nodiscard]] bool transform(double& x, double& y) const;

 private:
  std::unique_ptr<OGRCoordinateTransformation> transform_;
};

/// The model CRS from a user string ("EPSG:7801", WKT, PROJ string); throws InputError if invalid.
OGRSpatialReference make_crs(const std::string& definition);

/// The layer's CRS, or `fallback` when it has none; throws InputError naming the file if neither.
OGRSpatialReference layer_crs(const VectorLayer& source, const std::optional<OGRSpatialReference>& fallback);

/// Index of the first field whose name matches one of `candidates` (case-insensitive), or -1.
int find_field(OGRFeatureDefn* definition, const std::vector<std::string>& candidates);

/// A geometry converted into model coordinates (already transformed).
Polyline to_polyline(const OGRLineString& line);
Polygon to_polygon(const OGRPolygon& polygon);
MultiPolygon to_multipolygon(const OGRGeometry& geometry);

/// Model geometry as OGR geometry (for writing layers).
std::unique_ptr<OGRLineString> make_ogr_line(const Polyline& line);
std::unique_ptr<OGRPolygon> make_ogr_polygon(const Polygon& polygon);
std::unique_ptr<OGRMultiPolygon> make_ogr_multipolygon(const MultiPolygon& shape);

/// Writes a GeoPackage through `write` into a temporary file beside `path`, renamed over it at
/// the end; on any failure the temporary file is removed, `path` is left as it was, and the
/// InputError names the path and GDAL's message.
void write_gpkg_atomically(const std::string& path, const std::function<void(const std::string& temporary)>& write);

/// SHA-256 of a file read through GDAL's virtual file system (works for /vsimem/ too).
std::string file_sha256(const std::string& path);
/// SHA-256 of bytes in memory, as lower-case hex.
std::string sha256_hex(std::string_view bytes);

/// Parses a double, accepting surrounding blanks; nullopt when it is not a finite number.
std::optional<double> parse_double(const std::string& text);

}  // namespace sofiatwin::gis
