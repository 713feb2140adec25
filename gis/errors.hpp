#pragma once
#include <stdexcept>
#include <string>

namespace sofiatwin::gis {

/// Fatal input error. The message names the file, the layer/feature and the field where known:
/// "roads.gpkg: layer 'roads' feature 812: field 'lanes' = 'x' is not a number".
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Builds "file: layer 'L' feature F: field 'X': message", leaving out the parts that are empty.
std::string describe(const std::string& file, const std::string& layer, const std::string& feature,
                     const std::string& field, const std::string& message);

}  // namespace sofiatwin::gis
