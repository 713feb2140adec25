// Workplaces and schools of the embedded default model: non-residential buildings whose floor
// space, at published employment densities, holds each district's jobs (768 000 employees in
// Sofia, NSI 2022, spread by assets/sofia/employment.csv), schools for the pupils (118 000, NSI
// 2021/22, spread by residents) and the universities at their sites (assets/sofia/universities.csv,
// scaled to 87 382 students). The transport model finds the jobs again from the floor space alone.
#pragma once
#include <vector>

#include "gis/default_model_parts.hpp"

namespace sofiatwin::gis::default_model {

/// Writes the buildings into `layer` (fields building, building:levels) and returns, per lattice
/// cell, how deep from the cell's southern building line they reach (m; the residential generator
/// builds north of it).
std::vector<double> write_activity_buildings(OGRLayer& layer, const Lattice& lattice, const std::vector<District>& districts,
                                           const EdgeMap& edges, const std::vector<double>& cell_population, Point2 city_centre,
                                           const Reprojector& to_model, Rng& rng);

}  // namespace sofiatwin::gis::default_model
