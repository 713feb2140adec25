// EPANET-style CSV reports (the columns of ../shared/data/water/reference).
#include "report_csv.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "sim/core/atomic_file.hpp"
#include "sim/core/input_error.hpp"
#include "sim/water/hydraulics.hpp"
#include "sim/water/simulation.hpp"

namespace sofiatwin::water {

namespace {

const char* node_type_name(NodeType t) {
  return t == NodeType::junction ? "JUNCTION" : t == NodeType::reservoir ? "RESERVOIR" : "TANK";
}

}  // namespace

const char* link_type_name(LinkType t) {
  switch (t) {
    case LinkType::pipe: return "PIPE";
    case LinkType::cv_pipe: return "CVPIPE";
    case LinkType::pump: return "PUMP";
    case LinkType::prv: return "PRV";
    case LinkType::psv: return "PSV";
    case LinkType::pbv: return "PBV";
    case LinkType::fcv: return "FCV";
    case LinkType::tcv: return "TCV";
    case LinkType::gpv: return "GPV";
  }
  return "?";
}

/// A link's setting in the file's units as EPANET reports it (0 for a valve without a setting).
double reported_setting(const WaterNetwork& net, std::size_t k, double setting) {
  return std::isnan(setting) ? 0.0 : setting * setting_scale(net.units, net.link_type[k]);
}

namespace {

/// DIR/<name>, creating DIR when needed.
std::string report_base(const std::string& dir, const std::string& name) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw InputError(dir + ": cannot create the report folder (" + error.message() + ")");
  return (std::filesystem::path(dir) / name).string();
}

}  // namespace

ReportCsv::ReportCsv(const WaterNetwork& net, const std::string& dir)
    : net_(net), base_(report_base(dir, net.name)), nodes_file_(base_ + "_nodes.csv"), links_file_(base_ + "_links.csv"),
      nodes_("time_s,node_id,node_type,head,pressure,demand\n"),
      links_("time_s,link_id,link_type,flow,velocity,headloss,status,setting\n") {}

void ReportCsv::flush(bool always) {
  constexpr std::size_t chunk = std::size_t{1} << 22;  // 4 MB of rows at a time
  if (always || nodes_.size() >= chunk) nodes_file_.append(nodes_), nodes_.clear();
  if (always || links_.size() >= chunk) links_file_.append(links_), links_.clear();
}

namespace {

/// Appends a number as printf's %.10g would write it (std::to_chars, far faster than printf).
void append(std::string& out, double v) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::general, 10).ptr;
  out.append(buffer, end);
}

void append(std::string& out, long v) {
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  out.append(buffer, end);
}

}  // namespace

void ReportCsv::add(long time_s, const HydraulicState& state) {
  const Units& u = net_.units;
  for (std::size_t v = 0; v < net_.node_count(); ++v) {
    const double pressure = net_.node_type[v] == NodeType::reservoir ? 0.0 : (state.head_ft[v] - net_.elevation_ft[v]) * u.pressure_per_ft;
    append(nodes_, time_s);
    nodes_ += ',', nodes_ += net_.node_id[v], nodes_ += ',', nodes_ += node_type_name(net_.node_type[v]), nodes_ += ',';
    append(nodes_, state.head_ft[v] * u.length_per_ft), nodes_ += ',';
    append(nodes_, pressure), nodes_ += ',';
    append(nodes_, outflow(state, v) * u.flow_per_cfs), nodes_ += '\n';
  }
  constexpr double pi = 3.141592653589793;
  for (std::size_t k = 0; k < net_.link_count(); ++k) {
    const bool closed = is_closed(state.status[k]);
    const bool pump = net_.link_type[k] == LinkType::pump;
    const double q = closed ? 0.0 : state.flow_cfs[k];
    const double area = pi * net_.diameter_ft[k] * net_.diameter_ft[k] / 4.0;
    const double dh = state.head_ft[static_cast<std::size_t>(net_.from_node[k])] - state.head_ft[static_cast<std::size_t>(net_.to_node[k])];
    const double headloss = closed ? 0.0 : (pump ? dh : std::abs(dh)) * u.length_per_ft;
    const double velocity = pump || area <= 0 ? 0.0 : std::abs(q) / area * u.velocity_per_fps;
    const int status = closed ? 0 : state.status[k] == LinkStatus::active ? 2 : 1;
    append(links_, time_s);
    links_ += ',', links_ += net_.link_id[k], links_ += ',', links_ += link_type_name(net_.link_type[k]), links_ += ',';
    append(links_, q * u.flow_per_cfs), links_ += ',';
    append(links_, velocity), links_ += ',';
    append(links_, headloss), links_ += ',';
    links_ += static_cast<char>('0' + status), links_ += ',';
    append(links_, reported_setting(net_, k, state.setting[k])), links_ += '\n';
  }
  flush(false);
}

void ReportCsv::commit(const std::vector<HydraulicStep>& steps) {
  std::string text = "step,time_s,next_dt_s,iterations,relative_error\n";
  char row[160];
  for (const auto& s : steps) {
    std::snprintf(row, sizeof row, "%d,%ld,%ld,%d,%.6g\n", s.step, s.time_s, s.next_dt_s, s.iterations, s.relative_error);
    text += row;
  }
  flush(true);
  nodes_file_.commit();
  links_file_.commit();
  write_file_atomically(base_ + "_steps.csv", text);
}

}  // namespace sofiatwin::water
