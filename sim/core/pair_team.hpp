// A two-way fork-join for work that is split in two and repeated thousands of times in tens to
// hundreds of microseconds (the water solver's iterations). A oneTBB algorithm wakes a sleeping
// worker on each call, which costs ~35 us and more on the 2-vCPU CI machine (a syscall and an
// interrupt under its hypervisor): as much as half of a 10k-junction network's factorisation.
// A PairTeam keeps one helper spinning in a oneTBB task while a Helper scope is alive; handing it a
// piece then costs about a microsecond (measured: two 15 us halves of a loop run in 16 us). After
// 200 us without work the helper naps in 50 us steps, so that a long serial stretch of the caller
// (writing reports, say) does not burn the second core. The helper holds a oneTBB worker: work
// that already runs in an outer parallel loop (a batch of scenarios) should not ask for one.
//
// Pieces are claimed one at a time: a caller never waits for a helper that has not started, so
// with one thread, or while every worker is busy elsewhere, it runs every piece itself, in order;
// with more pieces than two, the faster thread takes more of them. What a piece computes must not
// depend on who runs it; results are then the same for any thread count.
#pragma once
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include <oneapi/tbb/task_group.h>

namespace sofiatwin::parallel {

class PairTeam {
 public:
  PairTeam();
  ~PairTeam();
  PairTeam(const PairTeam&) = delete;
  PairTeam& operator=(const PairTeam&) = delete;

  /// Keeps a helper spinning for its lifetime when oneTBB allows a second thread here and `wanted`
  /// (callers decide whether their pieces are worth a spinning core); otherwise does nothing.
  class Helper {
   public:
    Helper(PairTeam& team, bool wanted);
    ~Helper();
    Helper(const Helper&) = delete;
    Helper& operator=(const Helper&) = delete;

   private:
    PairTeam* team_ = nullptr;
  };

  /// The most pieces one run may have.
  static constexpr int max_pieces = 64;

  /// Runs piece(0) ... piece(pieces - 1) and returns when all are done: shared between two
  /// threads while a helper spins, else one after the other. An exception from a piece is
  /// rethrown here (that of the lowest piece).
  template <class Piece>
  void run(int pieces, Piece&& piece) {
    using Plain = std::remove_reference_t<Piece>;
    run_pieces(pieces, [](void* context, int index) { (*static_cast<Plain*>(context))(index); },
               const_cast<std::remove_const_t<Plain>*>(&piece));
  }

  /// Runs piece(0) and piece(1).
  template <class Piece>
  void run(Piece&& piece) {
    run(2, std::forward<Piece>(piece));
  }

  /// Whether a helper is spinning now (for tests).
  [[nodiscard]] bool helping() const { return group_ != nullptr; }

  /// With false, run() keeps every piece on the caller even while a helper spins (a caller that
  /// finds the second core slower than going alone, see ShareChooser). True at first.
  void share(bool on) { share_ = on; }

  /// Decides from measured iteration times whether sharing pays: blocks of iterations with and
  /// without sharing in turn until each way has enough, then the faster way for a long stretch,
  /// then it measures again. The second core of a virtual machine can run much slower than the
  /// first (measured on the CI machine: two single-thread runs side by side, one at 64 % speed),
  /// and then handing it half of each step costs more than it saves. Only the time changes: what a
  /// piece computes does not depend on who runs it.
  class ShareChooser {
   public:
    /// Records one iteration's time (run the way sharing() says) and returns the way for the next.
    bool next(double seconds);
    [[nodiscard]] bool sharing() const { return on_; }

   private:
    static constexpr int block = 16, enough = 32, stretch = 1024;
    bool on_ = true, measuring_ = true;
    int left_ = block;
    double seconds_[2] = {0, 0};
    int count_[2] = {0, 0};
  };

 private:
  void start();
  void stop();
  void run_pieces(int pieces, void (*call)(void*, int), void* context);
  /// Claims and runs pieces of the current job while any is left unclaimed.
  void work_on(std::uint64_t state);
  void helper_loop();

  // job number << 16 | pieces of the job << 8 | pieces claimed so far: one word, so that a claim
  // is always of the job it read
  std::atomic<std::uint64_t> state_{0};
  std::atomic<int> done_{0};
  std::atomic<bool> stop_{false};
  void (*call_)(void*, int) = nullptr;
  void* context_ = nullptr;
  std::exception_ptr error_[max_pieces];
  bool share_ = true;
  std::unique_ptr<oneapi::tbb::task_group> group_;
};

}  // namespace sofiatwin::parallel
