// The transport chain on the embedded default model: calibration targets and property checks.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "gis/default_model.hpp"
#include "gis/importer.hpp"
#include "scenarios/transport_run.hpp"
#include "sim/core/input_error.hpp"
#include "test_util.hpp"

using namespace sofiatwin;

namespace {

std::string params_file() { return std::string(SOFIATWIN_SOURCE_DIR) + "/scenarios/sofia/transport.yaml"; }

}  // namespace

class TransportChain : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = new CityModel(gis::build_default_model({}, {}));
    run_ = new scenarios::TransportRun(scenarios::run_transport(*model_, scenarios::load_transport_parameters(params_file())));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete model_;
  }
  static CityModel* model_;
  static scenarios::TransportRun* run_;
};
CityModel* TransportChain::model_ = nullptr;
scenarios::TransportRun* TransportChain::run_ = nullptr;

TEST_F(TransportChain, CalibratedToPublishedSofiaFigures) {
  // PT share of motorised trips: 37.4 / (37.4 + 30.7) = 0.549 (POLIS member profile of Sofia).
  EXPECT_NEAR(run_->demand.pt_share, 0.549, 1e-6);
  // About 1.3 million PT trips a day (Sofia Urban Mobility Centre, 2015): within 15 %.
  EXPECT_NEAR(run_->demand.daily_pt_trips, 1.3e6, 0.15 * 1.3e6);
  // Door-to-door PT trips of 20-60 minutes (a survey gives 22-32 min in vehicle plus 9-13 walking).
  EXPECT_GT(run_->demand.mean_pt_trip_min, 20.0);
  EXPECT_LT(run_->demand.mean_pt_trip_min, 60.0);
}

TEST_F(TransportChain, DemandIsConservedThroughModeSplit) {
  const auto& d = run_->demand;
  double persons = 0, car_persons = 0;
  for (std::size_t i = 0; i < d.person_trips.trips.size(); ++i) {
    persons += d.person_trips.trips[i];
    car_persons += d.car_vehicles.trips[i] * 1.3;
  }
  EXPECT_NEAR(car_persons + d.pt_persons.total(), persons, 1e-6 * persons);
  // the gravity model is doubly constrained: row sums are the productions
  const double rate = 2.7 * 0.685 * 0.09;
  for (std::int32_t o = 0; o < d.person_trips.zone_count; ++o) {
    double row = 0;
    for (std::int32_t k = 0; k < d.person_trips.zone_count; ++k) row += d.person_trips.at(o, k);
    EXPECT_NEAR(row, model_->zones.population[o] * rate, 1e-6 * row);
  }
}

TEST_F(TransportChain, RoadFlowsConserveAtEveryJunction) {
  ASSERT_TRUE(run_->road.converged);
  const auto& net = run_->road_network;
  std::vector<double> balance(static_cast<std::size_t>(net.node_count), 0.0);
  for (std::size_t a = 0; a < net.link_count(); ++a) {
    balance[net.from[a]] -= run_->road.link_flow[a];
    balance[net.to[a]] += run_->road.link_flow[a];
  }
  for (std::int32_t v = net.zone_count; v < net.node_count; ++v) EXPECT_NEAR(balance[v], 0.0, 1e-6) << "node " << v;
  // zones: what leaves minus what arrives = inter-zonal car trips produced minus attracted
  for (std::int32_t z = 0; z < net.zone_count; ++z) {
    double out = 0, in = 0;
    for (std::int32_t k = 0; k < net.zone_count; ++k)
      if (k != z) out += run_->demand.car_vehicles.at(z, k), in += run_->demand.car_vehicles.at(k, z);
    EXPECT_NEAR(-balance[z], out - in, 1e-6 * (out + in + 1));
  }
  EXPECT_GT(run_->kpis.vehicle_km, 0.0);
  EXPECT_GT(run_->kpis.average_speed_kmh, 5.0);
  EXPECT_LT(run_->kpis.average_speed_kmh, 120.0);
}

TEST_F(TransportChain, EveryPublicTransportTripBoardsAtLeastOnce) {
  double inter_zonal = 0, boardings = 0;
  const auto& pt = run_->demand.pt_persons;
  for (std::int32_t o = 0; o < pt.zone_count; ++o)
    for (std::int32_t d = 0; d < pt.zone_count; ++d)
      if (o != d) inter_zonal += pt.at(o, d);
  for (double b : run_->transit.route_boardings) boardings += b;
  EXPECT_EQ(run_->transit.unassigned_trips, 0.0);
  EXPECT_GE(boardings, inter_zonal * (1 - 1e-9));
  EXPECT_LE(boardings, inter_zonal * 4);  // at most a few transfers per trip
  double stop_boardings = 0;
  for (double b : run_->transit.stop_boardings) stop_boardings += b;
  EXPECT_NEAR(stop_boardings, boardings, 1e-6 * boardings);
}

TEST_F(TransportChain, CsvOutputs) {
  const auto dir = test::temp_dir("transport-csv");
  scenarios::write_transport_csv(dir.string(), *model_, *run_);
  for (const char* f : {"road_links.csv", "transit_routes.csv", "transit_stops.csv", "kpis.csv"})
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  std::ifstream in(dir / "road_links.csv");
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(lines, model_->roads.links.size() + 1);
}

TEST(TransportParameters, UnknownKeysAndBadValuesAreErrors) {
  const auto dir = test::temp_dir("params");
  auto error = [&](const std::string& text) -> std::string {
    try {
      scenarios::load_transport_parameters(test::write_file(dir / "p.yaml", text));
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(error("demand:\n  trips_per_person: 2\n").find("line 2: field 'demand.trips_per_person' is not a known parameter"), std::string::npos);
  EXPECT_NE(error("demand:\n  car_occupancy: many\n").find("field 'demand.car_occupancy' is not a number"), std::string::npos);
  EXPECT_NE(error("assignment:\n  algorithm: magic\n").find("'magic' is not one of"), std::string::npos);
  EXPECT_NE(error("weather: sunny\n").find("section 'weather' is not known"), std::string::npos);
  EXPECT_NE(error("demand: [1, 2\n").find("p.yaml: line"), std::string::npos);
  EXPECT_THROW(scenarios::load_transport_parameters((dir / "missing.yaml").string()), InputError);
  const auto p = scenarios::load_transport_parameters(params_file());
  EXPECT_DOUBLE_EQ(p.demand.target_pt_share, 0.549);
  EXPECT_EQ(p.transit.hour, 8);
}

TEST(TransportParameters, SofiaFileEqualsTheBuiltInDefaults) {
  const auto file = scenarios::load_transport_parameters(params_file());
  const scenarios::TransportParameters built_in;
  const auto &a = file.demand, &b = built_in.demand;
  for (auto [x, y] : {std::pair{a.trips_per_person_per_day, b.trips_per_person_per_day}, {a.motorised_share, b.motorised_share},
                      {a.target_pt_share, b.target_pt_share}, {a.peak_hour_share, b.peak_hour_share},
                      {a.centrality_weight, b.centrality_weight}, {a.centrality_radius_m, b.centrality_radius_m},
                      {a.gravity_beta_per_min, b.gravity_beta_per_min}, {a.car_occupancy, b.car_occupancy},
                      {a.value_of_time_eur_per_h, b.value_of_time_eur_per_h}, {a.car_cost_eur_per_km, b.car_cost_eur_per_km},
                      {a.pt_fare_eur, b.pt_fare_eur}, {a.wait_weight, b.wait_weight}, {a.walk_weight, b.walk_weight},
                      {a.logit_scale_per_min, b.logit_scale_per_min}})
    EXPECT_DOUBLE_EQ(x, y);
  EXPECT_EQ(file.transit.hour, built_in.transit.hour);
  EXPECT_DOUBLE_EQ(file.transit.access_radius_m, built_in.transit.access_radius_m);
  EXPECT_DOUBLE_EQ(file.assignment.target_relative_gap, built_in.assignment.target_relative_gap);
}

TEST(TransportOnRealLayers, CentralSofiaRoadsAndTheFullGtfs) {
  if (!test::shared_data_present()) GTEST_SKIP() << "../shared/data is not present";
  gis::ImportSources s;
  s.districts = test::shared_data("sofia/admin/sofia_admin.gpkg") + ":districts";
  s.gtfs = test::shared_data("sofia/transit/sofia_gtfs_20260419.zip");
  s.roads = test::shared_data("sofia/osm_center/sofia_center_osm.gpkg") + ":roads";
  const auto model = gis::import_city(s, {});
  const auto run = scenarios::run_transport(model, {});
  EXPECT_TRUE(run.road.converged);
  EXPECT_NEAR(run.demand.pt_share, 0.549, 1e-6);
  EXPECT_EQ(run.transit.unassigned_trips, 0.0);
  // the four metro lines carry passengers
  for (std::size_t r = 0; r < model.transit.routes.size(); ++r) {
    if (model.transit.routes.gtfs_type[r] == 1) {
      EXPECT_GT(run.transit.route_boardings[r], 100.0) << model.transit.routes.short_name[r];
    }
  }
}

TEST_F(TransportChain, MissingTransitAndIterationLimitAreReported) {
  CityModel no_transit = *model_;
  no_transit.transit = {};
  scenarios::TransportParameters p;
  p.assignment.max_iterations = 3;
  const auto run = scenarios::run_transport(no_transit, p);
  EXPECT_EQ(run.demand.pt_share, 0.0);
  ASSERT_EQ(run.warnings.size(), 2u);
  EXPECT_NE(run.warnings[0].find("public-transport share 0.000 instead of the target 0.549"), std::string::npos);
  EXPECT_NE(run.warnings[1].find("stopped at its iteration limit"), std::string::npos);
  EXPECT_TRUE(run_->warnings.empty());  // the calibrated default run reaches its targets
}
