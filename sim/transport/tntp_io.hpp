// TNTP benchmark files (network, trips, flows): the one I/O file of sim/transport.
#pragma once
#include <string>

#include "sim/transport/assignment.hpp"
#include "sim/transport/network.hpp"

namespace sofiatwin::transport {

/// Reads a TNTP network; throws InputError naming the file, line and column on bad input.
TrafficNetwork read_tntp_network(const std::string& path);

/// Reads a TNTP trip table for a network with `zone_count` zones.
OdMatrix read_tntp_trips(const std::string& path, std::int32_t zone_count);

/// Reads a TNTP flow file (From To Volume Cost), one row per link in network order.
std::vector<double> read_tntp_flows(const std::string& path, const TrafficNetwork& net);

/// Writes link flows in the TNTP flow layout, through a temporary file renamed at the end.
void write_tntp_flows(const std::string& path, const TrafficNetwork& net, const AssignmentResult& result);

}  // namespace sofiatwin::transport
