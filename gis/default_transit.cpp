#include "gis/default_transit.hpp"

#include <cpl_vsi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace sofiatwin::assets {
std::string_view text(std::string_view name);
}

namespace sofiatwin::gis::default_model {
namespace {

// Synthetic buses: the median headways of Sofia's weekday bus route-directions in the 2026 GTFS
// feed (am peak 20.0, inter-peak 26.2, pm peak 22.5, evening 33.3 min), its mean scheduled bus speed
// (20.4 km/h, dwell included) and its service hours; stops every 500 m (the feed: median 435 m).
constexpr std::array<double, 4> bus_headway_min = {20.0, 26.2, 22.5, 33.3};
constexpr double bus_speed_kmh = 20.4;
constexpr int bus_stop_every_steps = 2;        // lattice steps of 250 m
constexpr int bus_line_every_steps = 8;  // the lattice's tertiary and secondary streets, 2 km apart
constexpr double settled_persons_per_cell = 1.0;
constexpr int max_bus_line_steps = 64;          // 16 km

Point2 project(const Reprojector& to_model, double lon, double lat) {
  double x = lon, y = lat;
  if (!to_model.transform(x, y)) throw InputError("embedded assets: coordinate cannot be projected");
  return {x, y};
}

std::array<double, 4> headways(const std::vector<std::string>& row, std::size_t first) {
  return {std::stod(row.at(first)), std::stod(row.at(first + 1)), std::stod(row.at(first + 2)), std::stod(row.at(first + 3))};
}

void metro_lines(const Reprojector& to_model, std::vector<GeneratedLine>& out) {
  const auto stations = parse_csv(assets::text("metro_stations.csv"));  // line, seq, name, lat, lon
  const auto service = parse_csv(assets::text("metro_service.csv"));
  for (std::size_t r = 1; r < service.size(); ++r) {
    const auto& s = service[r];  // line, colour, 4 headways, first, last, speed, dwell
    GeneratedLine line{s[0], s[0], "Метролиния " + s[0], s[1], 1, {}, headways(s, 2), std::stoi(s[6]), std::stoi(s[7]),
                       std::stod(s[8]), std::stod(s[9]), 1.0};
    std::vector<GeneratedLine::Stop> forward;
    for (std::size_t k = 1; k < stations.size(); ++k)
      if (stations[k][0] == s[0]) forward.push_back({stations[k][2], project(to_model, std::stod(stations[k][4]), std::stod(stations[k][3]))});
    line.directions = {forward, std::vector<GeneratedLine::Stop>(forward.rbegin(), forward.rend())};
    out.push_back(std::move(line));
  }
}

void surface_lines(const Reprojector& to_model, std::vector<GeneratedLine>& out) {
  const auto stops = parse_csv(assets::text("surface_lines.csv"));      // line, mode, direction, seq, stop_name, lat, lon
  const auto service = parse_csv(assets::text("surface_service.csv"));  // line, mode, colour, 4 headways, speed, first, last
  for (std::size_t r = 1; r < service.size(); ++r) {
    const auto& s = service[r];
    const bool tram = s[1] == "tram";
    GeneratedLine line{(tram ? "TM" : "TB") + s[0], s[0], (tram ? "Трамвай " : "Тролейбус ") + s[0], s[2], tram ? 0 : 11, {},
                       headways(s, 3), std::stoi(s[8]), std::stoi(s[9]), std::stod(s[7]), 0.0,
                       1.056};  // the feed's median ratio of route length to straight stop-to-stop distance
    line.directions.resize(2);
    for (std::size_t k = 1; k < stops.size(); ++k) {
      const auto& row = stops[k];
      if (row[0] != s[0] || row[1] != s[1]) continue;
      line.directions.at(static_cast<std::size_t>(std::stoi(row[2]))).push_back({row[4], project(to_model, std::stod(row[6]), std::stod(row[5]))});
    }
    line.directions.erase(std::remove_if(line.directions.begin(), line.directions.end(), [](const auto& d) { return d.size() < 2; }),
                          line.directions.end());
    if (!line.directions.empty()) out.push_back(std::move(line));
  }
}

/// A bus line along a chain of lattice nodes, stops every few steps (both ends kept), both directions.
GeneratedLine bus_line(const Lattice& l, const std::vector<std::pair<int, int>>& nodes, const std::string& id, const std::string& name) {
  GeneratedLine line{id, id, name, "B4006F", 3, {}, bus_headway_min, 5, 24, bus_speed_kmh, 0.0, 1.0};
  std::vector<GeneratedLine::Stop> forward;
  for (std::size_t k = 0; k < nodes.size(); ++k)
    if (k % bus_stop_every_steps == 0 || k + 1 == nodes.size())
      forward.push_back({name + " " + std::to_string(forward.size() + 1), l.node(nodes[k].first, nodes[k].second)});
  line.directions = {forward, std::vector<GeneratedLine::Stop>(forward.rbegin(), forward.rend())};
  return line;
}

bool settled(const Lattice& l, const std::vector<double>& cell_population, int i, int j) {
  // a lattice node is settled when one of its four cells has residents
  for (int di = -1; di <= 0; ++di)
    for (int dj = -1; dj <= 0; ++dj) {
      const int ci = i + di, cj = j + dj;
      if (ci >= 0 && cj >= 0 && ci < l.nx && cj < l.ny && cell_population[static_cast<std::size_t>(cj) * l.nx + ci] >= settled_persons_per_cell)
        return true;
    }
  return false;
}

/// Runs of settled nodes along one lattice line, cut into pieces of at most max_bus_line_steps.
void lattice_line_buses(const Lattice& l, const std::vector<double>& population, bool horizontal, int index, std::vector<GeneratedLine>& out) {
  const int length = horizontal ? l.nx : l.ny;
  std::vector<std::pair<int, int>> run;
  int piece = 0;
  auto flush = [&] {
    for (std::size_t start = 0; run.size() >= 8 && start + 1 < run.size(); start += max_bus_line_steps) {
      const auto end = std::min(run.size(), start + max_bus_line_steps + 1);
      if (end - start < 8) break;
      const std::string id = std::string(horizontal ? "BX" : "BY") + std::to_string(index) + "-" + std::to_string(++piece);
      out.push_back(bus_line(l, {run.begin() + static_cast<std::ptrdiff_t>(start), run.begin() + static_cast<std::ptrdiff_t>(end)}, id,
                             "Автобус " + id));
    }
    run.clear();
  };
  for (int k = 0; k <= length; ++k) {
    const int i = horizontal ? k : index, j = horizontal ? index : k;
    if (settled(l, population, i, j)) run.emplace_back(i, j);
    else flush();
  }
  flush();
}

std::string hhmmss(double seconds) {
  const auto s = static_cast<int>(std::lround(seconds));
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return buffer;
}

/// The headway of the period a departure hour falls in; before 07:00 the evening one.
double headway_at(const GeneratedLine& line, int hour) {
  if (hour >= 7 && hour < 9) return line.headway_min[0];
  if (hour >= 9 && hour < 16) return line.headway_min[1];
  if (hour >= 16 && hour < 19) return line.headway_min[2];
  return line.headway_min[3];
}

void write_text(const std::string& path, const std::string& text) {
  VSILFILE* file = VSIFOpenL(path.c_str(), "wb");
  if (!file) throw InputError("default model: cannot write " + path);
  VSIFWriteL(text.data(), 1, text.size(), file);
  VSIFCloseL(file);
}

}  // namespace

std::vector<GeneratedLine> authored_lines(const Reprojector& to_model) {
  std::vector<GeneratedLine> out;
  metro_lines(to_model, out);
  surface_lines(to_model, out);
  return out;
}

std::vector<GeneratedLine> synthetic_bus_lines(const Lattice& lattice, const std::vector<AuthoredRoad>& roads,
                                               const std::vector<double>& cell_population) {
  std::vector<GeneratedLine> out;
  int number = 1;
  for (const auto& road : roads)
    if (road.highway == "primary" || road.highway == "secondary")
      out.push_back(bus_line(lattice, trace_on_lattice(lattice, road.waypoints), "B" + std::to_string(number++), road.name));
  for (int j = 0; j <= lattice.ny; j += bus_line_every_steps) lattice_line_buses(lattice, cell_population, true, j, out);
  for (int i = 0; i <= lattice.nx; i += bus_line_every_steps) lattice_line_buses(lattice, cell_population, false, i, out);
  return out;
}

void write_gtfs(const std::string& folder, const std::vector<GeneratedLine>& lines, const Reprojector& to_wgs84) {
  VSIMkdir(folder.c_str(), 0755);
  std::map<std::pair<std::string, std::pair<long, long>>, int> stop_of;  // (name, position to 10 m) -> id
  std::string stops = "stop_id,stop_name,stop_lat,stop_lon\n";
  std::string routes = "route_id,route_short_name,route_long_name,route_type,route_color\n";
  std::string trips = "route_id,service_id,trip_id,direction_id\n";
  std::string times = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n";
  auto stop_id = [&](const GeneratedLine::Stop& s) {
    const auto key = std::make_pair(s.name, std::make_pair(std::lround(s.position.x_m / 10), std::lround(s.position.y_m / 10)));
    const auto [it, added] = stop_of.emplace(key, static_cast<int>(stop_of.size()));
    if (added) {
      double lon = s.position.x_m, lat = s.position.y_m;
      if (!to_wgs84.transform(lon, lat)) throw InputError("default model: a stop cannot be projected to WGS 84");
      char row[256];
      std::snprintf(row, sizeof row, ",%.6f,%.6f\n", lat, lon);
      stops += "S" + std::to_string(it->second) + ",\"" + s.name + "\"" + row;
    }
    return "S" + std::to_string(it->second);
  };
  int trip = 0;
  for (const auto& line : lines) {
    routes += line.route_id + "," + line.short_name + ",\"" + line.long_name + "\"," + std::to_string(line.route_type) + "," + line.colour + "\n";
    const double speed_ms = line.speed_kmh / 3.6;
    for (std::size_t direction = 0; direction < line.directions.size(); ++direction) {
      const auto& seq = line.directions[direction];
      std::vector<std::string> ids;
      for (const auto& s : seq) ids.push_back(stop_id(s));
      for (double t = line.first_hour * 3600.0; t < line.last_hour * 3600.0; t += headway_at(line, static_cast<int>(t / 3600)) * 60.0) {
        const std::string id = "T" + std::to_string(trip++);
        trips += line.route_id + ",weekday," + id + "," + std::to_string(direction) + "\n";
        double clock = t;
        for (std::size_t k = 0; k < seq.size(); ++k) {
          if (k > 0) clock += distance_m(seq[k - 1].position, seq[k].position) * line.detour / speed_ms;
          times += id + "," + hhmmss(clock) + "," + hhmmss(clock + line.dwell_s) + "," + ids[k] + "," + std::to_string(k + 1) + "\n";
          clock += line.dwell_s;
        }
      }
    }
  }
  write_text(folder + "/stops.txt", stops);
  write_text(folder + "/routes.txt", routes);
  write_text(folder + "/trips.txt", trips);
  write_text(folder + "/stop_times.txt", times);
  write_text(folder + "/calendar.txt",
             "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
             "weekday,1,1,1,1,1,0,0,20260101,20261231\n");
}

}  // namespace sofiatwin::gis::default_model
