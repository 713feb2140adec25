// The embedded default Sofia model: authored public facts (assets/sofia/*.csv, embedded in the
// binary) plus deterministic procedural fill, written as in-memory GIS sources and imported through
// the same importer as real data.
#pragma once
#include <cstdint>

#include "gis/importer.hpp"

namespace sofiatwin::gis {

struct DefaultModelOptions {
  std::uint64_t seed = 20260419;
};

CityModel build_default_model(const DefaultModelOptions& options, const ImportOptions& import_options,
                              ProgressSink* progress = nullptr);

}  // namespace sofiatwin::gis
