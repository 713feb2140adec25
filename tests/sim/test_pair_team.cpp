// The two-thread fork-join of the water solver's iterations: every piece runs exactly once, with
// or without a helper, many jobs in a row; a second thread only where oneTBB allows one; a piece's
// exception reaches the caller after the other pieces have run.
#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sim/core/pair_team.hpp"

using sofiatwin::parallel::PairTeam;

namespace {

/// Runs `jobs` jobs of every piece count up to PairTeam::max_pieces; returns how often each
/// (job, piece) ran, flattened.
std::vector<int> run_jobs(PairTeam& team, int jobs) {
  std::vector<std::atomic<int>> runs(static_cast<std::size_t>(jobs * PairTeam::max_pieces));
  for (int job = 0; job < jobs; ++job) {
    const int pieces = job % (PairTeam::max_pieces + 1);
    team.run(pieces, [&](int piece) { runs[static_cast<std::size_t>(job * PairTeam::max_pieces + piece)].fetch_add(1); });
  }
  std::vector<int> out;
  for (const auto& r : runs) out.push_back(r.load());
  return out;
}

std::vector<int> expected_runs(int jobs) {
  std::vector<int> out(static_cast<std::size_t>(jobs * PairTeam::max_pieces), 0);
  for (int job = 0; job < jobs; ++job)
    for (int piece = 0; piece < job % (PairTeam::max_pieces + 1); ++piece) out[static_cast<std::size_t>(job * PairTeam::max_pieces + piece)] = 1;
  return out;
}

}  // namespace

TEST(PairTeam, EveryPieceRunsOnceWithOrWithoutAHelper) {
  PairTeam team;
  EXPECT_EQ(run_jobs(team, 500), expected_runs(500));  // no helper: all in the caller
  {
    const PairTeam::Helper helper(team, true);
    EXPECT_EQ(team.helping(), oneapi::tbb::info::default_concurrency() > 1);
    EXPECT_EQ(run_jobs(team, 5000), expected_runs(5000));
  }
  EXPECT_FALSE(team.helping());
  const PairTeam::Helper again(team, true);  // a team can be helped again
  EXPECT_EQ(run_jobs(team, 500), expected_runs(500));
}

TEST(PairTeam, BothThreadsShareTheWorkWhenAllowed) {
  if (oneapi::tbb::info::default_concurrency() < 2) GTEST_SKIP() << "one CPU: nothing to share";
  PairTeam team;
  const PairTeam::Helper helper(team, true);
  ASSERT_TRUE(team.helping());
  // each piece waits (a bounded while) for the other to start: they run on two threads at once
  for (int job = 0; job < 20; ++job) {
    std::atomic<int> arrived{0};
    std::thread::id ran_on[2];
    team.run([&](int piece) {
      ran_on[piece] = std::this_thread::get_id();
      arrived.fetch_add(1);
      for (int spins = 0; arrived.load() < 2 && spins < 20000000; ++spins) std::this_thread::yield();
    });
    EXPECT_NE(ran_on[0], ran_on[1]) << "job " << job;
  }
}

TEST(PairTeam, NoHelperWhereOneThreadIsAllowedOrNoneIsWanted) {
  PairTeam team;
  {
    const PairTeam::Helper unwanted(team, false);
    EXPECT_FALSE(team.helping());
  }
  const oneapi::tbb::global_control one(oneapi::tbb::global_control::max_allowed_parallelism, 1);
  const PairTeam::Helper helper(team, true);
  EXPECT_FALSE(team.helping());
  EXPECT_EQ(run_jobs(team, 200), expected_runs(200));
}

TEST(PairTeam, APiecesExceptionReachesTheCallerAfterTheOtherPiecesRan) {
  PairTeam team;
  const PairTeam::Helper helper(team, true);
  std::atomic<int> ran{0};
  EXPECT_THROW(team.run(8, [&](int piece) {
    if (piece == 3) throw std::runtime_error("piece 3");
    ran.fetch_add(1);
  }),
               std::runtime_error);
  EXPECT_EQ(ran.load(), 7);
  EXPECT_THROW(team.run(PairTeam::max_pieces + 1, [](int) {}), std::invalid_argument);
  EXPECT_EQ(run_jobs(team, 100), expected_runs(100));  // still usable
}

// The chooser measures both ways in blocks, keeps the faster one for a long stretch, then
// measures again; sharing off keeps every piece on the caller.
TEST(PairTeam, ChooserKeepsTheFasterWayAndMeasuresAgain) {
  for (const bool sharing_faster : {true, false}) {
    PairTeam::ShareChooser chooser;
    const auto time_of = [&](bool on) { return on == sharing_faster ? 1e-3 : 2e-3; };
    int on = 0, off = 0;
    for (int i = 0; i < 64; ++i) (chooser.sharing() ? on : off)++, chooser.next(time_of(chooser.sharing()));
    EXPECT_EQ(on, 32);
    EXPECT_EQ(off, 32);
    EXPECT_EQ(chooser.sharing(), sharing_faster);
    int kept = 0;
    while (chooser.sharing() == sharing_faster && kept < 5000) ++kept, chooser.next(time_of(chooser.sharing()));
    EXPECT_EQ(kept, 1024);  // then a block the other way
  }
  PairTeam team;
  const PairTeam::Helper helper(team, true);
  team.share(false);
  std::thread::id ran_on[2];
  team.run([&](int piece) { ran_on[piece] = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on[0], std::this_thread::get_id());
  EXPECT_EQ(ran_on[1], std::this_thread::get_id());
}
