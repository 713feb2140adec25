// GTFS through GDAL's CSV driver (GDAL 3.6 has no GTFS driver): /vsizip/ for zipped feeds.
#include <cpl_vsi.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "gis/readers.hpp"

namespace sofiatwin::gis {
namespace {

struct GtfsTable {
  VectorLayer source;
  std::string file;  // e.g. "feed.zip/stops.txt", for messages

  int column(const char* name, bool required) const {
    const int index = source.layer->GetLayerDefn()->GetFieldIndex(name);
    if (index < 0 && required) throw InputError(describe(file, {}, {}, name, "required column missing"));
    return index;
  }
  std::string where(long long fid, const char* field) const { return describe(file, {}, "line " + std::to_string(fid + 1), field, {}); }
};

std::string feed_root(const std::string& path) {
  VSIStatBufL stat{};
  if (VSIStatL(path.c_str(), &stat) != 0) throw InputError(path + ": file not found");
  if (VSI_ISDIR(stat.st_mode)) return path;
  return "/vsizip/" + path;
}

std::optional<GtfsTable> open_table(const std::string& root, const std::string& path, const char* name, bool required) {
  const std::string file = root + "/" + name;
  VSIStatBufL stat{};
  if (VSIStatL(file.c_str(), &stat) != 0) {
    if (required) throw InputError(path + ": GTFS feed has no " + name);
    return std::nullopt;
  }
  return GtfsTable{open_vector_layer({file, {}}, {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO"}), path + "/" + name};
}

std::string field(OGRFeature& f, int index) { return index >= 0 ? f.GetFieldAsString(index) : std::string{}; }

double required_number(OGRFeature& f, int index, const GtfsTable& t, const char* name) {
  const std::string text = field(f, index);
  const auto value = parse_double(text);
  if (!value) throw InputError(t.where(f.GetFID(), name) + " = '" + text + "' is not a number");
  return *value;
}

/// "HH:MM:SS" (hours may pass 24) -> seconds after midnight of the service day.
int parse_gtfs_time(const std::string& text, const GtfsTable& t, long long fid, const char* name) {
  int h = 0, m = 0, s = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%d:%d:%d%c", &h, &m, &s, &extra) != 3 || h < 0 || m < 0 || m > 59 || s < 0 || s > 59)
    throw InputError(t.where(fid, name) + " = '" + text + "' is not a GTFS time HH:MM:SS");
  return h * 3600 + m * 60 + s;
}

void read_stops(const GtfsTable& t, const ImportContext& ctx, TransitStops& stops,
                std::unordered_map<std::string, std::int32_t>& index) {
  const int id = t.column("stop_id", true), name = t.column("stop_name", false);
  const int lat = t.column("stop_lat", true), lon = t.column("stop_lon", true);
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  const Reprojector reproject(wgs84, ctx.model_crs);
  for (auto& f : *t.source.layer) {
    double x = required_number(*f, lon, t, "stop_lon"), y = required_number(*f, lat, t, "stop_lat");
    if (std::abs(y) > 90 || std::abs(x) > 180 || !reproject.transform(x, y))
      throw InputError(t.where(f->GetFID(), "stop_lat") + ": coordinates out of range");
    const std::string stop_id = field(*f, id);
    if (!index.emplace(stop_id, static_cast<std::int32_t>(stops.size())).second)
      throw InputError(t.where(f->GetFID(), "stop_id") + " = '" + stop_id + "' is defined twice");
    stops.gtfs_id.push_back(stop_id);
    stops.name.push_back(field(*f, name));
    stops.position.push_back({x, y});
  }
}

void read_routes(const GtfsTable& t, TransitRoutes& routes, std::unordered_map<std::string, std::int32_t>& index) {
  const int id = t.column("route_id", true), short_name = t.column("route_short_name", false);
  const int long_name = t.column("route_long_name", false), type = t.column("route_type", true);
  const int colour = t.column("route_color", false);
  for (auto& f : *t.source.layer) {
    const std::string route_id = field(*f, id);
    if (!index.emplace(route_id, static_cast<std::int32_t>(routes.size())).second)
      throw InputError(t.where(f->GetFID(), "route_id") + " = '" + route_id + "' is defined twice");
    routes.gtfs_id.push_back(route_id);
    routes.short_name.push_back(field(*f, short_name));
    routes.long_name.push_back(field(*f, long_name));
    routes.gtfs_type.push_back(static_cast<std::int32_t>(required_number(*f, type, t, "route_type")));
    routes.colour.push_back(field(*f, colour));
  }
}

/// Services running on a Tuesday per calendar.txt; empty optional = no calendar, all services count.
std::optional<std::vector<std::string>> weekday_services(const std::optional<GtfsTable>& calendar) {
  if (!calendar) return std::nullopt;
  const int id = calendar->column("service_id", true), tuesday = calendar->column("tuesday", true);
  std::vector<std::string> services;
  for (auto& f : *calendar->source.layer)
    if (field(*f, tuesday) == "1") services.push_back(field(*f, id));
  return services;
}

struct Trip {
  std::int32_t route = -1;
  std::int32_t direction = -1;
  bool runs_on_day = false;
  std::vector<std::tuple<int, std::int32_t, int, int>> calls;  // sequence, stop, arrival s, departure s
};

std::vector<Trip> read_trips(const GtfsTable& t, const std::unordered_map<std::string, std::int32_t>& routes,
                             const std::optional<std::vector<std::string>>& services,
                             std::unordered_map<std::string, std::int32_t>& index) {
  const int id = t.column("trip_id", true), route = t.column("route_id", true);
  const int service = t.column("service_id", true), direction = t.column("direction_id", false);
  std::vector<Trip> trips;
  for (auto& f : *t.source.layer) {
    const auto r = routes.find(field(*f, route));
    if (r == routes.end()) throw InputError(t.where(f->GetFID(), "route_id") + " = '" + field(*f, route) + "' is not in routes.txt");
    Trip trip;
    trip.route = r->second;
    const std::string dir = field(*f, direction);
    trip.direction = dir.empty() ? -1 : std::atoi(dir.c_str());
    trip.runs_on_day = !services || std::find(services->begin(), services->end(), field(*f, service)) != services->end();
    if (!index.emplace(field(*f, id), static_cast<std::int32_t>(trips.size())).second)
      throw InputError(t.where(f->GetFID(), "trip_id") + " = '" + field(*f, id) + "' is defined twice");
    trips.push_back(std::move(trip));
  }
  return trips;
}

void read_stop_times(const GtfsTable& t, const std::unordered_map<std::string, std::int32_t>& trips_index,
                     const std::unordered_map<std::string, std::int32_t>& stops_index, std::vector<Trip>& trips) {
  const int trip = t.column("trip_id", true), stop = t.column("stop_id", true), seq = t.column("stop_sequence", true);
  const int arrival = t.column("arrival_time", false), departure = t.column("departure_time", false);
  if (arrival < 0 && departure < 0) throw InputError(describe(t.file, {}, {}, "departure_time", "required column missing"));
  for (auto& f : *t.source.layer) {
    const auto tr = trips_index.find(field(*f, trip));
    if (tr == trips_index.end()) throw InputError(t.where(f->GetFID(), "trip_id") + " = '" + field(*f, trip) + "' is not in trips.txt");
    const auto st = stops_index.find(field(*f, stop));
    if (st == stops_index.end()) throw InputError(t.where(f->GetFID(), "stop_id") + " = '" + field(*f, stop) + "' is not in stops.txt");
    const std::string arr = field(*f, arrival), dep = field(*f, departure);
    if (arr.empty() && dep.empty()) continue;  // untimed stop: GTFS allows it; it has no time to count
    const int arr_s = parse_gtfs_time(arr.empty() ? dep : arr, t, f->GetFID(), "arrival_time");
    const int dep_s = parse_gtfs_time(dep.empty() ? arr : dep, t, f->GetFID(), "departure_time");
    trips[tr->second].calls.emplace_back(static_cast<int>(required_number(*f, seq, t, "stop_sequence")), st->second, arr_s, dep_s);
  }
}

/// Groups trips into patterns (route, direction, stop sequence) and counts departures per hour.
void build_patterns(std::vector<Trip>& trips, TransitPatterns& patterns) {
  std::map<std::tuple<std::int32_t, std::int32_t, std::vector<std::int32_t>>, std::int32_t> index;
  std::vector<std::vector<double>> time_sum;
  std::vector<int> time_count;
  for (auto& trip : trips) {
    if (trip.calls.size() < 2) continue;
    std::sort(trip.calls.begin(), trip.calls.end());
    std::vector<std::int32_t> stops;
    for (const auto& call : trip.calls) stops.push_back(std::get<1>(call));
    auto [it, added] = index.emplace(std::make_tuple(trip.route, trip.direction, stops), static_cast<std::int32_t>(patterns.size()));
    if (added) {
      patterns.route.push_back(trip.route);
      patterns.direction.push_back(trip.direction);
      patterns.stops.push_back(stops);
      patterns.departures_per_hour.push_back({});
      time_sum.emplace_back(stops.size() - 1, 0.0);
      time_count.push_back(0);
    }
    const auto p = static_cast<std::size_t>(it->second);
    for (std::size_t k = 1; k < trip.calls.size(); ++k)
      time_sum[p][k - 1] += (std::get<2>(trip.calls[k]) - std::get<3>(trip.calls[k - 1])) / 60.0;
    ++time_count[p];
    if (trip.runs_on_day) {
      const int hour = std::clamp(std::get<3>(trip.calls.front()) / 3600, 0, service_hours - 1);
      ++patterns.departures_per_hour[p][static_cast<std::size_t>(hour)];
    }
  }
  for (std::size_t p = 0; p < time_sum.size(); ++p) {
    for (auto& v : time_sum[p]) v /= time_count[p];
    patterns.segment_time_min.push_back(std::move(time_sum[p]));
  }
}

}  // namespace

TransitNetwork read_gtfs(const std::string& path, const ImportContext& ctx) {
  const std::string root = feed_root(path);
  TransitNetwork net;
  std::unordered_map<std::string, std::int32_t> stop_index, route_index, trip_index;
  read_stops(*open_table(root, path, "stops.txt", true), ctx, net.stops, stop_index);
  read_routes(*open_table(root, path, "routes.txt", true), net.routes, route_index);
  const auto services = weekday_services(open_table(root, path, "calendar.txt", false));
  net.service_day = services ? "weekday (services running on Tuesday in calendar.txt)" : "all services (no calendar.txt)";
  if (!services) ctx.report->warn(path, "calendar.txt", {}, {}, "no calendar.txt; frequencies count every trip in the feed");
  auto trips = read_trips(*open_table(root, path, "trips.txt", true), route_index, services, trip_index);
  read_stop_times(*open_table(root, path, "stop_times.txt", true), trip_index, stop_index, trips);
  build_patterns(trips, net.patterns);
  if (net.stops.size() == 0) throw InputError(path + "/stops.txt: no stops");
  return net;
}

}  // namespace sofiatwin::gis
