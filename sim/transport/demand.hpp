// Travel demand by trip purpose and time period (a four-step model's first three steps):
// generation (residents x trips per person per purpose), distribution (a gravity model per
// purpose on the logsum of the modes' generalised costs, averaged over the purpose's periods),
// time of day (each purpose's share of trips per period, and the share of them leaving home:
// production-attraction to origin-destination), and a binary logit car / public transport split
// per period with one car constant, calibrated so that the day's public-transport share meets a
// published figure (or given, so that scenarios keep their baseline's behaviour). Mode choice is
// made per production-attraction pair on the mean cost of the two legs, with parking paid at the
// attraction end; travellers without a car at hand take public transport.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/transport/activity.hpp"
#include "sim/transport/network.hpp"

namespace sofiatwin::transport {

struct Period {
  std::string name;
  double start_h = 0.0, end_h = 0.0;  // clock hours; end_h may pass 24 (a night period to 07:00 ends at 31)
  [[nodiscard]] double hours() const { return end_h - start_h; }
};

struct Purpose {
  std::string name;
  double trips_per_person_per_day = 0.0;  // trips (legs) per resident per day, all modes
  double motorised_share = 1.0;           // of those, by car or public transport
  /// Where the trips are produced: home-based purposes at the residents (population weight 1); a
  /// non-home-based purpose where these activities are (the city's trips spread in proportion).
  std::array<double, activity_count> production_weight{1.0, 0.0, 0.0, 0.0, 0.0};
  std::array<double, activity_count> attraction_weight{};  // attraction = sum of weight x activity
  bool doubly_constrained = true;         // else production-constrained (destination choice)
  double gravity_beta_per_min = 0.05;     // f(c) = exp(-beta c)
  double value_of_time_eur_per_h = 5.0;
  double car_occupancy = 1.3;
  double car_available_share = 1.0;       // of motorised trips, by travellers with a car at hand; the rest ride PT
  double paid_parking_hours = 0.0;        // hours paid per visit where the attraction end charges for parking
  std::vector<double> period_share;       // per period, sums to 1
  std::vector<double> from_home_share;    // per period: share of the period's trips leaving home
};

struct ModeChoiceParameters {
  double target_pt_share = 0.549;          // of the day's motorised trips
  std::optional<double> car_constant_min;  // given: no calibration
  double car_cost_eur_per_km = 0.20;
  double pt_fare_eur = 0.82;
  double wait_weight = 2.0, walk_weight = 2.0;
  double logit_scale_per_min = 0.1;
};

struct DemandParameters {
  std::vector<Period> periods;
  std::vector<Purpose> purposes;
  ModeChoiceParameters mode;
};

/// Zone-to-zone level of service of one period (minutes, km), zones x zones, row = origin.
struct Skims {
  std::int32_t zones = 0;
  std::vector<double> car_time_min, car_distance_km;
  std::vector<double> pt_in_vehicle_min, pt_wait_min, pt_walk_min;  // +inf where no PT path
  [[nodiscard]] std::size_t at(std::int32_t o, std::int32_t d) const { return static_cast<std::size_t>(o) * zones + d; }
};

struct DemandInputs {
  std::vector<double> population;                          // residents per zone
  std::array<std::vector<double>, activity_count> activity;  // per activity, per zone
  std::vector<std::vector<double>> production_factor;      // per purpose, per zone; empty = 1
  std::vector<double> car_destination_penalty_min;          // per zone, on car arrivals (parking search); empty = 0
  std::vector<double> parking_eur_per_h;                    // per zone: the paid-parking rate at the attraction end; empty = 0
};

/// A purpose's trips and times per period (motorised trips; times of inter-zonal trips).
struct PurposeSummary {
  double daily_trips = 0.0;            // all modes, the whole day
  std::vector<double> car_trips, pt_trips;         // per period (intra-zonal included)
  std::vector<double> intrazonal_trips;            // per period: within a zone, counted, on no network
  std::vector<double> car_person_km;               // per period, inter-zonal car trips
  std::vector<double> car_person_min, pt_person_min;  // per period: door-to-door minutes of inter-zonal trips
  std::vector<double> inter_zonal_car_trips, inter_zonal_pt_trips;  // per period
  std::vector<double> generalised_person_min;      // per period: the logsum cost over all motorised trips
};

struct DemandResult {
  std::vector<std::vector<OdMatrix>> car_persons, pt_persons;  // [purpose][period]: trips in the period
  std::vector<OdMatrix> car_vehicles_per_hour;                 // [period]: the period's average hour
  std::vector<OdMatrix> pt_persons_per_hour;                   // [period]
  std::vector<std::vector<double>> productions, attractions;   // [purpose][zone], motorised trips per day
  /// [purpose][period]: production-attraction trips and their generalised cost (minutes) per pair,
  /// for the users' benefit of a change (the rule of a half).
  std::vector<std::vector<std::vector<double>>> pa_trips, pa_impedance_min;
  std::vector<PurposeSummary> purpose;                         // [purpose]
  double car_constant_min = 0.0;
  bool calibrated = false;
  double pt_share = 0.0;  // of the day's motorised trips
};

/// Users' benefit (person-hours a day) of going from state 0 to state 1 for one purpose, by the
/// rule of a half over its production-attraction pairs and periods: sum of (T0 + T1) (C0 - C1) / 2;
/// trips that an exogenous change removes (a smaller production factor) save their whole cost.
double user_benefit_hours(const DemandResult& before, const DemandResult& after, std::size_t purpose);

/// `skims` holds one entry per period (car times at that period's conditions). Throws
/// std::invalid_argument when a purpose has no attraction anywhere or the target cannot be met.
DemandResult run_demand(const DemandInputs& inputs, const std::vector<Skims>& skims, const DemandParameters& p);

}  // namespace sofiatwin::transport
