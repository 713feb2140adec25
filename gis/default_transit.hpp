// Public transport of the embedded default model, written as a GTFS feed that the importer reads
// like a real one: the metro (stations from the facts), the trams and trolleybuses (their real main
// stop sequences, headways and speeds from the 2026 GTFS feed of Sofia, typed into assets/sofia/),
// and synthetic bus lines along the authored boulevards and the secondary-street lattice, with the
// feed's median bus headways (Sofia has no public bus network description to author them from).
#pragma once
#include <array>
#include <string>
#include <vector>

#include "gis/default_model_parts.hpp"

namespace sofiatwin::gis::default_model {

/// One line of the generated feed: its stops in running order for each direction.
struct GeneratedLine {
  std::string route_id, short_name, long_name, colour;
  int route_type = 3;  // GTFS: 0 tram, 1 metro, 3 bus, 11 trolleybus
  struct Stop {
    std::string name;
    Point2 position;  // model CRS
  };
  std::vector<std::vector<Stop>> directions;
  std::array<double, 4> headway_min{};  // am peak (07-09), inter-peak (09-16), pm peak (16-19), evening (19-): minutes
  int first_hour = 5, last_hour = 24;
  double speed_kmh = 20.0;  // running speed between stops ...
  double dwell_s = 0.0;     // ... plus a dwell at each stop (0 where the speed includes it)
  double detour = 1.0;      // track length / straight stop-to-stop distance
};

struct AuthoredRoad {
  std::string name, highway;
  Polyline waypoints;
};

/// The metro, tram and trolleybus lines of the assets (positions projected with `to_model`).
std::vector<GeneratedLine> authored_lines(const Reprojector& to_model);

/// Bus lines: one along each authored primary or secondary road, and one along every tertiary and
/// secondary lattice line (2 km apart) where it crosses settled land (split into pieces of at
/// most 16 km), with stops every 500 m.
std::vector<GeneratedLine> synthetic_bus_lines(const Lattice& lattice, const std::vector<AuthoredRoad>& roads,
                                               const std::vector<double>& cell_population);

/// Writes stops.txt, routes.txt, trips.txt, stop_times.txt and calendar.txt (one weekday service)
/// into `folder` (a GDAL path, e.g. under /vsimem/); `to_wgs84` projects model points back.
void write_gtfs(const std::string& folder, const std::vector<GeneratedLine>& lines, const Reprojector& to_wgs84);

}  // namespace sofiatwin::gis::default_model
