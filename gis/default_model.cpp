#include "default_model.hpp"
#include "gis/errors.hpp"
namespace sofiatwin::gis {
CityModel build_default_model(const DefaultModelOptions&, const ImportOptions&, ProgressSink*) { throw InputError("todo"); }
}
