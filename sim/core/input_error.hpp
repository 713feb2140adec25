#pragma once
#include <stdexcept>

namespace sofiatwin {

/// Fatal input error, raised once at the boundary. The message names the file, the line or
/// feature, and the field: "roads.gpkg: layer 'roads' feature 812: field 'lanes' = 'x' is not a number".
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sofiatwin
