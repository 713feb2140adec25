#include "gdal_util.hpp"

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace sofiatwin::gis {

std::string describe(const std::string& file, const std::string& layer, const std::string& feature,
                     const std::string& field, const std::string& message) {
  std::string out = file;
  if (!layer.empty()) out += (out.empty() ? "" : ": ") + std::string("layer '") + layer + "'";
  if (!feature.empty()) out += std::string(layer.empty() ? ": " : " ") + feature;
  if (!field.empty()) out += ": field '" + field + "'";
  if (!message.empty()) out += (out.empty() ? "" : ": ") + message;
  return out;
}

namespace {

bool path_exists(const std::string& path) {
  VSIStatBufL stat{};
  return VSIStatL(path.c_str(), &stat) == 0;
}

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return EQUAL(std::string(text.substr(text.size() - suffix.size())).c_str(), std::string(suffix).c_str());
}

std::string layer_names(GDALDataset& dataset) {
  std::string names;
  for (auto* layer : dataset.GetLayers()) names += (names.empty() ? "" : ", ") + std::string(layer->GetName());
  return names.empty() ? "(none)" : names;
}

}  // namespace

LayerRef parse_layer_ref(const std::string& text) {
  if (path_exists(text)) return {text, {}};
  const auto colon = text.rfind(':');
  if (colon != std::string::npos && colon > 0 && path_exists(text.substr(0, colon)))
    return {text.substr(0, colon), text.substr(colon + 1)};
  return {text, {}};
}

GdalErrorCapture::GdalErrorCapture() {
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
}
GdalErrorCapture::~GdalErrorCapture() { CPLPopErrorHandler(); }
std::string GdalErrorCapture::last_message() const {
  const char* message = CPLGetLastErrorMsg();
  return message && *message ? message : "no further detail from GDAL";
}

std::string VectorLayer::where(long long feature, const std::string& field) const {
  return describe(path, layer_name, feature >= 0 ? "feature " + std::to_string(feature) : std::string{}, field, {});
}

VectorLayer open_vector_layer(const LayerRef& ref, const std::vector<std::string>& open_options) {
  if (!path_exists(ref.path)) throw InputError(ref.path + ": file not found");
  std::string open_path = ref.path;
  CPLStringList options;
  for (const auto& option : open_options) options.AddString(option.c_str());
  if (ends_with_ci(ref.path, ".csv") || ends_with_ci(ref.path, ".txt")) {
    if (ends_with_ci(ref.path, ".txt")) open_path = "CSV:" + ref.path;
    if (open_options.empty()) {
      options.AddString("X_POSSIBLE_NAMES=lon,longitude,lng,x,stop_lon,easting");
      options.AddString("Y_POSSIBLE_NAMES=lat,latitude,y,stop_lat,northing");
      options.AddString("GEOM_POSSIBLE_NAMES=wkt,geometry,geom");
      options.AddString("KEEP_GEOM_COLUMNS=NO");
    }
  }
  GdalErrorCapture capture;
  VectorLayer out;
  out.path = ref.path;
  out.dataset.reset(GDALDataset::Open(open_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options.List()));
  if (!out.dataset) throw InputError(ref.path + ": cannot be read as a vector dataset (" + capture.last_message() + ")");
  if (ref.layer.empty()) {
    if (out.dataset->GetLayerCount() < 1) throw InputError(ref.path + ": contains no vector layer");
    out.layer = out.dataset->GetLayer(0);
  } else {
    out.layer = out.dataset->GetLayerByName(ref.layer.c_str());
    if (!out.layer)
      throw InputError(ref.path + ": no layer named '" + ref.layer + "' (layers: " + layer_names(*out.dataset) + ")");
  }
  out.layer_name = out.layer->GetName();
  return out;
}

GDALDatasetUniquePtr open_raster(const std::string& path) {
  if (!path_exists(path)) throw InputError(path + ": file not found");
  GdalErrorCapture capture;
  GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!dataset) throw InputError(path + ": cannot be read as a raster (" + capture.last_message() + ")");
  if (dataset->GetRasterCount() < 1) throw InputError(path + ": raster has no band");
  return dataset;
}

Reprojector::Reprojector(const OGRSpatialReference& source, const OGRSpatialReference& target) {
  OGRSpatialReference s(source), t(target);
  s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  t.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  GdalErrorCapture capture;
  transform_.reset(OGRCreateCoordinateTransformation(&s, &t));
  if (!transform_) throw InputError("no coordinate transformation available (" + capture.last_message() + ")");
}

bool Reprojector::transform(double& x, double& y) const {
  return transform_->Transform(1, &x, &y) && std::isfinite(x) && std::isfinite(y);
}

OGRSpatialReference make_crs(const std::string& definition) {
  OGRSpatialReference crs;
  GdalErrorCapture capture;
  if (crs.SetFromUserInput(definition.c_str()) != OGRERR_NONE)
    throw InputError("CRS '" + definition + "' is not a valid coordinate reference system (" + capture.last_message() + ")");
  crs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return crs;
}

OGRSpatialReference layer_crs(const VectorLayer& source, const std::optional<OGRSpatialReference>& fallback) {
  if (const auto* crs = source.layer->GetSpatialRef()) return *crs;
  if (fallback) return *fallback;
  throw InputError(source.where() + ": layer has no coordinate reference system; give one with --input-crs");
}

int find_field(OGRFeatureDefn* definition, const std::vector<std::string>& candidates) {
  for (const auto& name : candidates)
    for (int i = 0; i < definition->GetFieldCount(); ++i)
      if (EQUAL(definition->GetFieldDefn(i)->GetNameRef(), name.c_str())) return i;
  return -1;
}

Polyline to_polyline(const OGRLineString& line) {
  Polyline out;
  out.reserve(static_cast<std::size_t>(line.getNumPoints()));
  for (int i = 0; i < line.getNumPoints(); ++i) out.push_back({line.getX(i), line.getY(i)});
  return out;
}

Polygon to_polygon(const OGRPolygon& polygon) {
  Polygon out;
  if (polygon.IsEmpty()) return out;
  out.push_back(to_polyline(*polygon.getExteriorRing()));
  for (int i = 0; i < polygon.getNumInteriorRings(); ++i) out.push_back(to_polyline(*polygon.getInteriorRing(i)));
  return out;
}

MultiPolygon to_multipolygon(const OGRGeometry& geometry) {
  MultiPolygon out;
  const auto type = wkbFlatten(geometry.getGeometryType());
  if (type == wkbPolygon) {
    out.push_back(to_polygon(*geometry.toPolygon()));
  } else if (type == wkbMultiPolygon || type == wkbGeometryCollection) {
    for (const auto* part : *geometry.toGeometryCollection()) {
      auto sub = to_multipolygon(*part);
      out.insert(out.end(), sub.begin(), sub.end());
    }
  }
  return out;
}

namespace {

/// Feeds chunks from `read` into SHA-256 until it returns 0; returns the hex digest.
template <class Read>
std::string sha256_of(Read&& read) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr);
  std::array<unsigned char, 1 << 16> buffer{};
  std::size_t got = 0;
  while ((got = read(buffer.data(), buffer.size())) > 0) EVP_DigestUpdate(context.get(), buffer.data(), got);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  EVP_DigestFinal_ex(context.get(), digest.data(), &digest_size);
  std::string hex;
  char byte_hex[3];
  for (unsigned int i = 0; i < digest_size; ++i) {
    std::snprintf(byte_hex, sizeof byte_hex, "%02x", digest[i]);
    hex += byte_hex;
  }
  return hex;
}

}  // namespace

std::string file_sha256(const std::string& path) {
  VSIStatBufL stat{};
  if (VSIStatL(path.c_str(), &stat) != 0) throw InputError(path + ": file not found");
  VSILFILE* file = VSIFOpenL(path.c_str(), "rb");
  if (!file) throw InputError(path + ": cannot be opened for reading");
  auto digest = sha256_of([&](unsigned char* data, std::size_t size) { return VSIFReadL(data, 1, size, file); });
  VSIFCloseL(file);
  return digest;
}

std::string sha256_hex(std::string_view bytes) {
  std::size_t offset = 0;
  return sha256_of([&](unsigned char* data, std::size_t size) {
    const std::size_t n = std::min(size, bytes.size() - offset);
    std::memcpy(data, bytes.data() + offset, n);
    offset += n;
    return n;
  });
}

std::optional<double> parse_double(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin) return std::nullopt;
  while (*end == ' ' || *end == '\t') ++end;
  if (*end != '\0' || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::unique_ptr<OGRLineString> make_ogr_line(const Polyline& line) {
  auto out = std::make_unique<OGRLineString>();
  out->setNumPoints(static_cast<int>(line.size()));
  for (std::size_t i = 0; i < line.size(); ++i) out->setPoint(static_cast<int>(i), line[i].x_m, line[i].y_m);
  return out;
}

std::unique_ptr<OGRPolygon> make_ogr_polygon(const Polygon& polygon) {
  auto out = std::make_unique<OGRPolygon>();
  for (const auto& ring : polygon) {
    auto r = std::make_unique<OGRLinearRing>();
    r->setNumPoints(static_cast<int>(ring.size()));
    for (std::size_t i = 0; i < ring.size(); ++i) r->setPoint(static_cast<int>(i), ring[i].x_m, ring[i].y_m);
    out->addRingDirectly(r.release());
  }
  return out;
}

std::unique_ptr<OGRMultiPolygon> make_ogr_multipolygon(const MultiPolygon& shape) {
  auto out = std::make_unique<OGRMultiPolygon>();
  for (const auto& polygon : shape) out->addGeometryDirectly(make_ogr_polygon(polygon).release());
  return out;
}

void write_gpkg_atomically(const std::string& path, const std::function<void(const std::string& temporary)>& write) {
  const std::string temporary = path + ".partial-" + std::to_string(::getpid()) + ".gpkg";
  VSIUnlink(temporary.c_str());
  GdalErrorCapture capture;
  try {
    write(temporary);
  } catch (const InputError& e) {
    VSIUnlink(temporary.c_str());
    const auto gdal = capture.last_message();
    throw InputError(std::string(e.what()) + (gdal.empty() ? "" : " (" + gdal + ")"));
  } catch (...) {
    VSIUnlink(temporary.c_str());
    throw;
  }
  if (VSIRename(temporary.c_str(), path.c_str()) != 0) {
    VSIUnlink(temporary.c_str());
    throw InputError(path + ": cannot be written (rename of the temporary file failed)");
  }
}

}  // namespace sofiatwin::gis
