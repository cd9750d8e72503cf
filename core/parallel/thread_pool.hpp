// thread_pool.hpp: a small persistent pool of std::threads, and the three ways to use it.
//
// What it is: `num_threads() - 1` worker threads, created once and kept, that sleep on a condition
// variable while there is nothing to do. The calling thread always takes part, so a "team" of
// `num_threads()` threads runs a task: member 0 is the caller, members 1.. are workers. A thread
// that waits for busy team mates (at a barrier, or the caller at the end of a task) spins for up
// to 200 µs before it sleeps, because waking a sleeping thread costs 10-30 µs on this machine.
//
//   parallel_for(n, grain, fn)   calls fn(begin, end) on contiguous chunks that cover [0, n) once.
//                                 The split depends only on n, grain and num_threads(), never on
//                                 timing, so code that writes disjoint ranges is deterministic.
//   parallel_team(size, fn)       calls fn(team) once on each member; team.sync() is a barrier.
//                                 The gemm uses it to pack a panel together and then share it.
//   parallel_share(size, fn)      the caller runs fn, and so does each worker that is free to start
//                                 before the caller has finished: fn takes work items from a shared
//                                 counter, so it does not matter who helps. The caller never waits
//                                 for a worker to wake up (small products: 2-30 µs of work).
//
// What it is not: a work-stealing scheduler or a task graph. A call from inside a task (nesting),
// or from a second thread while the pool is busy, runs on the calling thread alone (a team of 1),
// which is always correct because every task is written for whatever team size it is given.
// An exception thrown by a task is caught, the others finish, and it is rethrown to the caller.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace sf {

/// The most threads parallel code may use. Every thread beyond the cores only waits its turn (and
/// spins first: see above), and a count from a typo (--threads 10000) would spend minutes creating
/// threads and starve the machine; 256 is far beyond the cores of any machine this code targets.
inline constexpr int kMaxThreads = 256;

/// Sets how many threads (the caller included) parallel code may use: 1 <= n <= kMaxThreads, else a
/// ValueError naming n and the limit (n is 64-bit, so a huge count is refused, not wrapped around).
/// Default: the environment variable SF_NUM_THREADS, which must then be such a count (anything else
/// makes num_threads(), and so every parallel op, throw a ValueError naming it), else
/// std::thread::hardware_concurrency() capped at kMaxThreads.
/// Example: sf::set_num_threads(1) makes everything serial.
void set_num_threads(std::int64_t n);
/// The number of threads parallel code uses (the caller included).
int num_threads();

class Team;
namespace detail {
/// The count num_threads() starts with when SF_NUM_THREADS holds `text` (null: not set). Throws
/// ValueError naming the variable, the text and the limit when it is not a count from 1 to kMaxThreads.
int default_thread_count(const char* text);
/// A non-owning reference to a callable `void(const Team&)`: no allocation per call.
struct TeamTask {
  void* object;
  void (*call)(void* object, const Team& team);
};
void run_team(int size, TeamTask task, bool helpers_only = false);
/// The TeamTask that calls fn (a callable `void(const Team&)`, which must outlive the task).
template <class F>
TeamTask task_of(F& fn) {
  return {const_cast<void*>(static_cast<const void*>(&fn)),
          [](void* object, const Team& team) { (*static_cast<F*>(object))(team); }};
}
}  // namespace detail

/// One member's view of a running team.
class Team {
 public:
  int id() const { return id_; }      // 0 = the calling thread
  int size() const { return size_; }  // how many members run the task
  /// Barrier: returns once every member of the team has called sync() the same number of times.
  /// Every member must reach every sync() (do not call it on a path that only some members take).
  void sync() const;

 private:
  friend class ThreadPool;
  friend void detail::run_team(int size, detail::TeamTask task, bool helpers_only);
  Team(int id, int size, void* barrier) : id_(id), size_(size), barrier_(barrier) {}
  int id_;
  int size_;
  void* barrier_;
};

/// Runs fn(team) on a team of min(size, num_threads()) threads (1 when nested or busy).
/// Example: sf::parallel_team(2, [&](const sf::Team& t) { work(t.id(), t.size()); });
template <class F>
void parallel_team(int size, F&& fn) {
  detail::run_team(size, detail::task_of(fn));
}

/// The shared counter of a parallel_share task: take() returns 0, 1, 2, ... across all threads.
/// It has a cache line to itself, since that line travels between the cores on every take and
/// must not drag anything else along (or be dragged by writes to a neighbour).
struct alignas(64) WorkCounter {
  std::int64_t take() { return next.fetch_add(1, std::memory_order_relaxed); }
  std::atomic<std::int64_t> next{0};
};

/// Runs fn(team) on the calling thread and on each of up to min(size, num_threads()) - 1 workers
/// that picks the task up before the caller's own fn(team) has returned; a worker that comes later
/// (it was asleep: waking takes 10-30 µs here) skips it, and the caller waits only for the workers
/// that did start. So fn must share its work dynamically, for example by taking items from an
/// atomic counter until none is left, must give the same result whoever helps, and must not call
/// team.sync() (sync() throws in a shared task). team.size() is the largest possible team.
/// Example: sf::WorkCounter items; sf::parallel_share(2, [&](const sf::Team&) {
///            for (std::int64_t i = items.take(); i < n; i = items.take()) work(i); });
template <class F>
void parallel_share(int size, F&& fn) {
  detail::run_team(size, detail::task_of(fn), /*helpers_only=*/true);
}

/// Calls fn(begin, end) over [0, n) split into at most num_threads() contiguous chunks of at
/// least `grain` elements (one chunk when n <= grain). Chunk c is [n·c/chunks, n·(c+1)/chunks).
/// Example: sf::parallel_for(n, 4096, [&](int64_t b, int64_t e) { for (i = b; i < e; ++i) y[i] = 2 * x[i];
/// });
template <class F>
void parallel_for(std::int64_t n, std::int64_t grain, F&& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  const std::int64_t by_grain = (n + grain - 1) / grain;
  const std::int64_t chunks = by_grain < num_threads() ? by_grain : num_threads();
  if (chunks == 1) {
    fn(std::int64_t{0}, n);
    return;
  }
  parallel_team(static_cast<int>(chunks), [&](const Team& team) {
    // A smaller team than asked for (nesting) runs several chunks per member; the chunk
    // boundaries stay the same.
    for (std::int64_t c = team.id(); c < chunks; c += team.size()) fn(n * c / chunks, n * (c + 1) / chunks);
  });
}

}  // namespace sf
