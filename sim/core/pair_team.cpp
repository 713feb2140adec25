#include "pair_team.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace sofiatwin::parallel {
namespace {

constexpr std::uint64_t claim_mask = 0xff;
// An idle helper spins this long, then naps between looks (the caller writing reports between
// steps, say, should not find a core burnt beside it). Within a solve the gaps are far shorter.
constexpr auto spin_before_napping = std::chrono::microseconds(200);
constexpr auto nap = std::chrono::microseconds(50);
constexpr int spins_between_clock_reads = 256;

std::uint64_t claimed(std::uint64_t state) { return state & claim_mask; }
std::uint64_t pieces_of(std::uint64_t state) { return (state >> 8) & claim_mask; }
std::uint64_t job_of(std::uint64_t state) { return state >> 16; }  // numbers the jobs (no ABA)

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

bool second_thread_allowed() {
  const auto allowed = oneapi::tbb::global_control::active_value(oneapi::tbb::global_control::max_allowed_parallelism);
  return allowed > 1 && oneapi::tbb::this_task_arena::max_concurrency() > 1;
}

}  // namespace

PairTeam::PairTeam() = default;

PairTeam::~PairTeam() { stop(); }

PairTeam::Helper::Helper(PairTeam& team, bool wanted) {
  if (!wanted || team.helping() || !second_thread_allowed()) return;
  team.start();
  team_ = &team;
}

PairTeam::Helper::~Helper() {
  if (team_ != nullptr) team_->stop();
}

void PairTeam::start() {
  stop_.store(false, std::memory_order_relaxed);
  group_ = std::make_unique<oneapi::tbb::task_group>();
  group_->run([this] { helper_loop(); });
}

void PairTeam::stop() {
  if (!group_) return;
  stop_.store(true, std::memory_order_release);
  group_->wait();  // runs the helper task here if no worker took it: it sees stop_ and returns
  group_.reset();
}

void PairTeam::work_on(std::uint64_t state) {
  while (claimed(state) < pieces_of(state)) {
    if (state_.compare_exchange_weak(state, state + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
      const auto index = static_cast<int>(claimed(state));
      try {
        call_(context_, index);
      } catch (...) {
        error_[index] = std::current_exception();
      }
      done_.fetch_add(1, std::memory_order_release);
      state = state_.load(std::memory_order_acquire);
    }
  }
}

void PairTeam::helper_loop() {
  auto idle_since = std::chrono::steady_clock::now();
  int spins = 0;
  while (!stop_.load(std::memory_order_acquire)) {
    const auto state = state_.load(std::memory_order_acquire);
    if (claimed(state) < pieces_of(state)) {
      work_on(state);
      spins = 0;
      idle_since = std::chrono::steady_clock::now();
    } else if (++spins < spins_between_clock_reads) {
      cpu_relax();
    } else {
      spins = 0;
      if (std::chrono::steady_clock::now() - idle_since > spin_before_napping) std::this_thread::sleep_for(nap);
    }
  }
}

void PairTeam::run_pieces(int pieces, void (*call)(void*, int), void* context) {
  if (pieces < 0 || pieces > max_pieces) throw std::invalid_argument("PairTeam::run: " + std::to_string(pieces) + " pieces");
  if (!group_ || !share_) {
    for (int piece = 0; piece < pieces; ++piece) call(context, piece);
    return;
  }
  // the previous job is finished (done_ reached its pieces), so nobody reads these now
  call_ = call;
  context_ = context;
  for (int piece = 0; piece < pieces; ++piece) error_[piece] = nullptr;
  done_.store(0, std::memory_order_relaxed);
  const std::uint64_t job = (job_of(state_.load(std::memory_order_relaxed)) + 1) << 16 | static_cast<std::uint64_t>(pieces) << 8;
  state_.store(job, std::memory_order_release);
  work_on(job);
  while (done_.load(std::memory_order_acquire) < pieces) cpu_relax();
  for (int piece = 0; piece < pieces; ++piece)
    if (error_[piece]) std::rethrow_exception(error_[piece]);
}

bool PairTeam::ShareChooser::next(double seconds) {
  seconds_[on_ ? 1 : 0] += seconds;
  ++count_[on_ ? 1 : 0];
  if (--left_ > 0) return on_;
  if (!measuring_) {  // a stretch is over: measure both ways again
    measuring_ = true;
    seconds_[0] = seconds_[1] = 0.0;
    count_[0] = count_[1] = 0;
    on_ = !on_;
    left_ = block;
  } else if (count_[0] < enough || count_[1] < enough) {
    on_ = !on_;
    left_ = block;
  } else {
    on_ = seconds_[1] / count_[1] < seconds_[0] / count_[0];
    measuring_ = false;
    left_ = stretch;
  }
  return on_;
}

}  // namespace sofiatwin::parallel
