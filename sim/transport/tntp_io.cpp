#include "tntp_io.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/core/atomic_file.hpp"
#include "sim/core/input_error.hpp"

namespace sofiatwin::transport {
namespace {

std::string where(const std::string& path, int line) { return path + ": line " + std::to_string(line); }

std::ifstream open(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": file not found or not readable");
  return in;
}

/// Value of a "<TAG> value" metadata line, or empty when the line is not that tag.
std::string tag_value(const std::string& line, const std::string& tag) {
  const auto at = line.find(tag);
  if (at == std::string::npos) return {};
  std::string value = line.substr(at + tag.size());
  value.erase(0, value.find_first_not_of(" \t"));
  value.erase(value.find_last_not_of(" \t\r") + 1);
  return value;
}

double number(const std::string& text, const std::string& path, int line, const char* field) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v))
    throw InputError(where(path, line) + ": field '" + field + "' = '" + text + "' is not a number");
  return v;
}

struct Metadata {
  std::int32_t zones = -1, nodes = -1, first_thru = -1, links = -1;
  int end_line = 0;
};

Metadata read_metadata(std::ifstream& in, const std::string& path) {
  Metadata m;
  std::string line;
  int n = 0;
  auto integer = [&](const std::string& v, const char* tag) {
    return static_cast<std::int32_t>(number(v, path, n, tag));
  };
  while (std::getline(in, line)) {
    ++n;
    const auto comment = line.find('~');
    const std::string head = comment == std::string::npos ? line : line.substr(0, comment);
    if (auto v = tag_value(head, "<NUMBER OF ZONES>"); !v.empty()) m.zones = integer(v, "NUMBER OF ZONES");
    else if (auto v2 = tag_value(head, "<NUMBER OF NODES>"); !v2.empty()) m.nodes = integer(v2, "NUMBER OF NODES");
    else if (auto v3 = tag_value(head, "<FIRST THRU NODE>"); !v3.empty()) m.first_thru = integer(v3, "FIRST THRU NODE");
    else if (auto v4 = tag_value(head, "<NUMBER OF LINKS>"); !v4.empty()) m.links = integer(v4, "NUMBER OF LINKS");
    else if (line.find("<END OF METADATA>") != std::string::npos) {
      m.end_line = n;
      return m;
    }
  }
  throw InputError(path + ": no <END OF METADATA> line");
}

std::vector<std::string> tokens(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string t;
  while (in >> t)
    if (t != ";") out.push_back(t.back() == ';' ? t.substr(0, t.size() - 1) : t);
  return out;
}

}  // namespace

TrafficNetwork read_tntp_network(const std::string& path) {
  auto in = open(path);
  const Metadata m = read_metadata(in, path);
  if (m.zones < 0 || m.nodes <= 0 || m.links < 0)
    throw InputError(path + ": metadata needs <NUMBER OF ZONES>, <NUMBER OF NODES> and <NUMBER OF LINKS>");
  TrafficNetwork net;
  net.node_count = m.nodes;
  net.zone_count = m.zones;
  net.first_thru_node = m.first_thru > 0 ? m.first_thru - 1 : 0;
  static const char* columns[] = {"init_node", "term_node", "capacity", "length", "free_flow_time", "b", "power", "speed", "toll", "link_type"};
  std::string line;
  int n = m.end_line;
  while (std::getline(in, line)) {
    ++n;
    const auto comment = line.find('~');
    const auto t = tokens(comment == std::string::npos ? line : line.substr(0, comment));
    if (t.empty()) continue;
    if (t.size() < 10) throw InputError(where(path, n) + ": field '" + columns[t.size()] + "' missing (a link has 10 columns)");
    double v[10];
    for (int c = 0; c < 10; ++c) v[c] = number(t[static_cast<std::size_t>(c)], path, n, columns[c]);
    for (int c = 0; c < 2; ++c)
      if (v[c] < 1 || v[c] > m.nodes || v[c] != std::floor(v[c]))
        throw InputError(where(path, n) + ": field '" + columns[c] + "' = " + t[static_cast<std::size_t>(c)] +
                         " is not a node id in 1.." + std::to_string(m.nodes));
    if (v[5] > 0 && v[6] > 0 && v[4] > 0 && v[2] <= 0)
      throw InputError(where(path, n) + ": field 'capacity' = " + t[2] + " must be positive where b > 0");
    for (int c : {3, 4, 5, 6})
      if (v[c] < 0) throw InputError(where(path, n) + ": field '" + columns[c] + "' = " + t[static_cast<std::size_t>(c)] + " is negative");
    net.from.push_back(static_cast<std::int32_t>(v[0]) - 1);
    net.to.push_back(static_cast<std::int32_t>(v[1]) - 1);
    net.capacity_veh_h.push_back(v[2]);
    net.length.push_back(v[3]);
    net.free_flow_time_min.push_back(v[4]);
    net.b.push_back(v[5]);
    net.power.push_back(v[6]);
    net.toll.push_back(v[8]);
    net.link_type.push_back(static_cast<std::int32_t>(v[9]));
  }
  if (static_cast<std::int32_t>(net.link_count()) != m.links)
    throw InputError(path + ": <NUMBER OF LINKS> says " + std::to_string(m.links) + ", the file holds " +
                     std::to_string(net.link_count()));
  return net;
}

namespace {

/// Parses the body of a trips file one line at a time: "Origin r" lines and "d : v;" items.
class TripsParser {
 public:
  TripsParser(const std::string& path, OdMatrix& od) : path_(path), od_(od) {}

  void line(const char* p, const char* end, int n) {
    line_ = n;
    while (true) {
      p = skip_blanks(p, end);
      if (p == end || *p == '~') return;
      if (end - p >= 6 && std::strncmp(p, "Origin", 6) == 0) {
        origin_ = zone(number(p + 6, end, p, "origin"), "origin");
        continue;
      }
      if (origin_ < 0) throw InputError(where(path_, line_) + ": demand before any 'Origin' line");
      const auto d = zone(number(p, end, p, "destination"), "destination");
      p = skip_blanks(p, end);
      if (p == end || *p != ':') throw InputError(where(path_, line_) + ": field 'destination : trips' malformed (no ':')");
      const double v = number(p + 1, end, p, "trips");
      if (v < 0) throw InputError(where(path_, line_) + ": field 'trips' = " + std::to_string(v) + " is negative");
      od_.trips[static_cast<std::size_t>(origin_) * od_.zone_count + d] += v;
    }
  }

 private:
  static const char* skip_blanks(const char* p, const char* end) {
    while (p != end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == ';')) ++p;
    return p;
  }

  /// Reads a number at `p` (after blanks); `next` is set past it.
  double number(const char* p, const char* end, const char*& next, const char* field) const {
    p = skip_blanks(p, end);
    if (p != end && *p == '+') ++p;  // from_chars takes no leading '+'
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || ptr == p || !std::isfinite(v))
      throw InputError(where(path_, line_) + ": field '" + field + "' = '" + std::string(p, std::min<std::size_t>(20, static_cast<std::size_t>(end - p))) +
                       "' is not a number");
    next = ptr;
    return v;
  }

  std::int32_t zone(double v, const char* field) const {
    if (v < 1 || v > od_.zone_count || v != std::floor(v))
      throw InputError(where(path_, line_) + ": field '" + field + "' = " + std::to_string(static_cast<long long>(v)) +
                       " is not a zone in 1.." + std::to_string(od_.zone_count));
    return static_cast<std::int32_t>(v) - 1;
  }

  const std::string& path_;
  OdMatrix& od_;
  std::int32_t origin_ = -1;
  int line_ = 0;
};

}  // namespace

OdMatrix read_tntp_trips(const std::string& path, std::int32_t zone_count) {
  auto in = open(path);
  const Metadata m = read_metadata(in, path);
  if (m.zones >= 0 && m.zones != zone_count)
    throw InputError(path + ": <NUMBER OF ZONES> " + std::to_string(m.zones) + " differs from the network's " +
                     std::to_string(zone_count));
  OdMatrix od;
  od.zone_count = zone_count;
  od.trips.assign(static_cast<std::size_t>(zone_count) * zone_count, 0.0);
  // The rest of the file in fixed chunks (no copy of the whole file: trip tables run to many MB);
  // complete lines are parsed, a partial last line is carried to the next chunk.
  TripsParser parser(path, od);
  std::vector<char> chunk(1 << 16);
  std::size_t kept = 0;
  int n = m.end_line;
  while (true) {
    if (kept == chunk.size()) chunk.resize(chunk.size() * 2);  // a line longer than the chunk
    in.read(chunk.data() + kept, static_cast<std::streamsize>(chunk.size() - kept));
    const auto filled = kept + static_cast<std::size_t>(in.gcount());
    const bool at_end = filled == kept;
    const char* p = chunk.data();
    const char* const stop = chunk.data() + filled;
    while (p != stop) {
      const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(stop - p)));
      if (!eol && !at_end) break;
      parser.line(p, eol ? eol : stop, ++n);
      p = eol ? eol + 1 : stop;
    }
    if (at_end) break;
    kept = static_cast<std::size_t>(stop - p);
    std::memmove(chunk.data(), p, kept);
  }
  return od;
}

std::vector<double> read_tntp_flows(const std::string& path, const TrafficNetwork& net) {
  auto in = open(path);
  std::string line;
  std::vector<double> flow;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto t = tokens(line);
    if (t.empty() || t[0] == "From") continue;
    if (t.size() < 3) throw InputError(where(path, n) + ": field 'Volume' missing");
    const auto a = flow.size();
    if (a >= net.link_count()) throw InputError(where(path, n) + ": more rows than the network has links");
    if (number(t[0], path, n, "From") != net.from[a] + 1 || number(t[1], path, n, "To") != net.to[a] + 1)
      throw InputError(where(path, n) + ": link " + t[0] + " -> " + t[1] + " is not link " + std::to_string(a + 1) + " of the network");
    flow.push_back(number(t[2], path, n, "Volume"));
  }
  if (flow.size() != net.link_count()) throw InputError(path + ": fewer rows than the network has links");
  return flow;
}

void write_tntp_flows(const std::string& path, const TrafficNetwork& net, const AssignmentResult& result) {
  std::string text = "From \tTo \tVolume \tCost \n";
  char row[128];
  for (std::size_t a = 0; a < net.link_count(); ++a) {
    std::snprintf(row, sizeof row, "%d \t%d \t%.17g \t%.17g \n", net.from[a] + 1, net.to[a] + 1, result.link_flow[a], result.link_cost[a]);
    text += row;
  }
  write_file_atomically(path, text);
}

}  // namespace sofiatwin::transport
