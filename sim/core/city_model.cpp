#include "sim/core/city_model.hpp"

#include <algorithm>

namespace sofiatwin {

double ParkingZones::rate_at(Point2 p) const {
  double rate = 0.0;
  for (std::size_t z = 0; z < size(); ++z)
    if (contains(boundary[z], p)) rate = std::max(rate, rate_eur_per_h[z]);
  return rate;
}

}  // namespace sofiatwin
