#include <gtest/gtest.h>

#include <gdal_priv.h>

#include "gis/errors.hpp"
#include "gis/importer.hpp"
#include "test_util.hpp"

using namespace sofiatwin;
using namespace sofiatwin::gis;

namespace {

std::filesystem::path tiny_feed(const std::string& name, const std::string& bad_time = "08:05:00") {
  const auto dir = test::temp_dir(name);
  test::write_file(dir / "stops.txt", "stop_id,stop_name,stop_lat,stop_lon\nA,Alpha,42.69,23.32\nB,Beta,42.70,23.33\n");
  test::write_file(dir / "routes.txt", "route_id,route_short_name,route_type,route_color\nR1,1,3,FF0000\n");
  test::write_file(dir / "trips.txt", "route_id,service_id,trip_id\nR1,wk,t1\nR1,wk,t2\nR1,we,t3\n");
  test::write_file(dir / "calendar.txt",
                   "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                   "wk,1,1,1,1,1,0,0,20260101,20261231\nwe,0,0,0,0,0,1,1,20260101,20261231\n");
  test::write_file(dir / "stop_times.txt",
                   "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                   "t1,08:00:00,08:00:00,A,1\nt1," + bad_time + "," + bad_time + ",B,2\n"
                   "t2,25:10:00,25:10:00,A,1\nt2,25:16:00,25:16:00,B,2\n"
                   "t3,09:00:00,09:00:00,A,1\nt3,09:05:00,09:05:00,B,2\n");
  return dir;
}

}  // namespace

TEST(Gtfs, PatternsAndWeekdayDeparturesPerHour) {
  ImportSources s;
  s.gtfs = tiny_feed("gtfs").string();
  const auto m = import_city(s, {});
  ASSERT_EQ(m.transit.stops.size(), 2u);
  ASSERT_EQ(m.transit.routes.size(), 1u);
  ASSERT_EQ(m.transit.patterns.size(), 1u);
  const auto& d = m.transit.patterns.departures_per_hour[0];
  EXPECT_EQ(d[8], 1);   // t1
  EXPECT_EQ(d[25], 1);  // t2 runs past midnight
  EXPECT_EQ(d[9], 0);   // t3 is a weekend trip
  EXPECT_NEAR(m.transit.patterns.segment_time_min[0][0], (5.0 + 6.0 + 5.0) / 3.0, 1e-12);
}

TEST(Gtfs, MalformedTimeNamesFileLineAndField) {
  ImportSources s;
  s.gtfs = tiny_feed("gtfsbad", "8h05").string();
  try {
    import_city(s, {});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("stop_times.txt: line 3: field 'arrival_time' = '8h05' is not a GTFS time"),
              std::string::npos) << e.what();
  }
}

TEST(Gtfs, MissingTableIsNamed) {
  const auto dir = tiny_feed("gtfsmissing");
  std::filesystem::remove(dir / "trips.txt");
  ImportSources s;
  s.gtfs = dir.string();
  EXPECT_THROW(import_city(s, {}), InputError);
}
