#pragma once
#include <string>

#include "sim/core/input_error.hpp"

namespace sofiatwin::gis {

using sofiatwin::InputError;

/// Builds "file: layer 'L' feature F: field 'X': message", leaving out the parts that are empty.
std::string describe(const std::string& file, const std::string& layer, const std::string& feature,
                     const std::string& field, const std::string& message);

}  // namespace sofiatwin::gis
