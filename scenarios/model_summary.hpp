// Human summaries of a CityModel (the `info` command) - figures, not formats.
#pragma once
#include <map>
#include <string>

#include "sim/core/city_model.hpp"

namespace sofiatwin::scenarios {

std::string model_summary(const CityModel& model, const std::map<std::string, std::string>& metadata);

}  // namespace sofiatwin::scenarios
