#include <gtest/gtest.h>

#include "sim/core/input_error.hpp"
#include "sim/transport/tntp_io.hpp"
#include "test_util.hpp"

using namespace sofiatwin;
using namespace sofiatwin::transport;

namespace {

const std::string header = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 2\n"
                           "<ORIGINAL HEADER>~ init ~ term; capacity\n<END OF METADATA>\n\n~ comment\n";

std::string error_of(const std::string& net_text, const std::string& trips_text = "") {
  const auto dir = test::temp_dir("tntp");
  try {
    const auto net = read_tntp_network(test::write_file(dir / "n.tntp", net_text));
    if (!trips_text.empty()) read_tntp_trips(test::write_file(dir / "t.tntp", trips_text), net.zone_count);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string read_tntp_trips_error(const std::filesystem::path& dir, const std::string& trips_text) {
  try {
    read_tntp_trips(test::write_file(dir / "bad.tntp", trips_text), 2);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(TntpIo, ParsesTagsCommentsAndIrregularTrips) {
  const auto dir = test::temp_dir("tntp-ok");
  const auto net = read_tntp_network(test::write_file(
      dir / "n.tntp", header + "\t1\t3\t100\t2\t7.01027155201052000000E-1\t0.15\t4\t0\t3\t1\t;\n\t3\t2\t100\t2\t1\t0\t0\t0\t0\t1\t;\n"));
  EXPECT_EQ(net.link_count(), 2u);
  EXPECT_EQ(net.to[0], 2);
  EXPECT_DOUBLE_EQ(net.free_flow_time_min[0], 0.701027155201052);
  EXPECT_DOUBLE_EQ(net.toll[0], 3.0);
  const auto od = read_tntp_trips(test::write_file(dir / "t.tntp", "<NUMBER OF ZONES> 2\n<END OF METADATA>\n\nOrigin  1\n    2 :     5.5;    1 : 0;\nOrigin 2\n1:2;2 :3;\n"), 2);
  EXPECT_DOUBLE_EQ(od.at(0, 1), 5.5);
  EXPECT_DOUBLE_EQ(od.at(1, 0), 2.0);
  EXPECT_DOUBLE_EQ(od.at(1, 1), 3.0);
}

TEST(TntpIo, TripsReaderHandlesLongLinesChunkEdgesAndNoFinalNewline) {
  // The trips reader streams the file in chunks: a line longer than a chunk, many lines crossing
  // chunk boundaries and a last line without a newline must all be read, and line numbers stay right.
  const auto dir = test::temp_dir("tntp-chunks");
  std::string text = "<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n";
  double expected = 0.0;
  for (int i = 0; i < 20000; ++i) text += " 2 : 0.5;", expected += 0.5;  // one 180 kB line
  text += "\n";
  for (int i = 0; i < 20000; ++i) text += "Origin 2\n1 : 0.25;\n";
  text += "Origin 2\n1 : 1;";  // no final newline
  const auto od = read_tntp_trips(test::write_file(dir / "t.tntp", text), 2);
  EXPECT_DOUBLE_EQ(od.at(0, 1), expected);
  EXPECT_DOUBLE_EQ(od.at(1, 0), 20000 * 0.25 + 1.0);
  const auto bad = read_tntp_trips_error(dir, text + "\n 3 : 1;\n");
  EXPECT_NE(bad.find("line 40007: field 'destination' = 3"), std::string::npos) << bad;
}

TEST(TntpIo, ErrorsNameFileLineAndField) {
  EXPECT_NE(error_of(header + "\t1\t3\t100\t2\t1\t0.15\t;\n").find("n.tntp: line 9: field 'power' missing"), std::string::npos);
  EXPECT_NE(error_of(header + "\t1\t9\t100\t2\t1\t0.15\t4\t0\t0\t1\t;\n").find("line 9: field 'term_node' = 9 is not a node id in 1..3"), std::string::npos);
  EXPECT_NE(error_of(header + "\t1\t3\t0\t2\t1\t0.15\t4\t0\t0\t1\t;\n").find("field 'capacity' = 0 must be positive where b > 0"), std::string::npos);
  EXPECT_NE(error_of(header + "\t1\t3\tabc\t2\t1\t0.15\t4\t0\t0\t1\t;\n").find("field 'capacity' = 'abc' is not a number"), std::string::npos);
  EXPECT_NE(error_of(header + "\t1\t3\t100\t2\t1\t0.15\t4\t0\t0\t1\t;\n").find("<NUMBER OF LINKS> says 2, the file holds 1"), std::string::npos);
  EXPECT_NE(error_of("no metadata here\n").find("no <END OF METADATA> line"), std::string::npos);
  const std::string good = header + "\t1\t3\t100\t2\t1\t0.15\t4\t0\t0\t1\t;\n\t3\t2\t100\t2\t1\t0.15\t4\t0\t0\t1\t;\n";
  EXPECT_NE(error_of(good, "<END OF METADATA>\nOrigin 1\n 7 : 5;\n").find("t.tntp: line 3: field 'destination' = 7 is not a zone in 1..2"), std::string::npos);
  EXPECT_NE(error_of(good, "<END OF METADATA>\n 2 : 5;\n").find("demand before any 'Origin' line"), std::string::npos);
  EXPECT_NE(error_of(good, "<END OF METADATA>\nOrigin 1\n 2 : -5;\n").find("field 'trips' = -5.000000 is negative"), std::string::npos);
  EXPECT_NE(error_of("").find("no <END OF METADATA>"), std::string::npos);
}

TEST(TntpIo, MissingFile) {
  EXPECT_THROW(read_tntp_network("/nonexistent/x_net.tntp"), InputError);
}
