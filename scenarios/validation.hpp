// Comparison of a transport run with published figures it was not calibrated to
// (scenarios/sofia/validation.yaml): each figure names a measure the model computes.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "scenarios/transport_run.hpp"

namespace sofiatwin::scenarios {

struct ValidationFigure {
  std::string name, measure, unit, source, compared, why;
  double published = 0.0, tolerance = 0.0;  // relative: the model passes within published x (1 +- tolerance)
  int year = 0;
  double radius_m = 5000.0;  // car_minutes_per_10km: links within this distance of the centre
  std::string road;          // road_daily_volume: links whose name contains this
};

struct ValidationResult {
  ValidationFigure figure;
  double model = 0.0;
  bool available = false;  // false where the model has nothing to measure (e.g. no such road)
  [[nodiscard]] double relative_difference() const { return model / figure.published - 1.0; }
  [[nodiscard]] bool within() const { return available && std::abs(relative_difference()) <= figure.tolerance; }
};

/// Reads the figures; unknown keys or measures are InputErrors naming the file, line and key.
std::vector<ValidationFigure> load_validation_figures(const std::string& path);

/// Measures the run against each figure (car_minutes_per_10km around the model's centre).
std::vector<ValidationResult> validate(const CityModel& model, const TransportRun& run, const KpiTable& kpis,
                                       const std::vector<ValidationFigure>& figures);

/// CSV: name, measure, unit, year, published, model, difference, tolerance, within, source.
std::string validation_csv(const std::vector<ValidationResult>& results);

}  // namespace sofiatwin::scenarios
