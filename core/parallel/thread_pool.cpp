// thread_pool.cpp: the persistent worker threads behind parallel_for and parallel_team.
//
// One job at a time: the caller publishes the task under a mutex, bumps a generation counter and
// wakes the workers through a condition variable; each worker runs its member of the team and
// reports back; the caller runs member 0 itself and then waits for the rest. Idle workers are
// blocked in condition_variable::wait (they use no CPU). Threads that wait for busy team mates
// (at Team::sync, or the caller at the end of a task) spin for up to 200 µs before sleeping,
// because on this machine a wake-up costs ~15-30 µs, as long as a 2·128³ product on one core.
// A worker that has just finished a task watches for the next one for 100 µs before it sleeps.
// parallel_share tasks do not wait for sleeping workers at all: the caller does the work if no
// worker is free to help before it is done.
#include "core/parallel/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace sf {
namespace {

thread_local bool t_inside_task = false;  // true while this thread runs a team member

// Waits, without sleeping, until done() or until about `microseconds` have passed; returns done().
// Used only where a thread waits for team mates that are working right now (a barrier, the end of
// a task): they usually finish within microseconds, while a sleeping thread takes tens of
// microseconds to wake up again (an inter-processor interrupt; worse in a virtual machine).
// Idle workers sleep on a condition variable (after at most kLingerMicroseconds of watching).
template <class Done>
bool spin_until(Done done, int microseconds) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::microseconds(microseconds);
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
#if defined(__x86_64__)
      __builtin_ia32_pause();
#endif
    }
    if (clock::now() > deadline) return done();
  }
}
constexpr int kSpinMicroseconds = 200;

// Locks mu, spinning first. The pool's mutex is only ever held for a few dozen instructions, by a
// thread that is running; std::mutex would put a thread that finds it taken to sleep, and on this
// machine sleeping for 100 ns costs a 10-30 µs wake-up.
std::unique_lock<std::mutex> lock_spinning(std::mutex& mu) {
  std::unique_lock<std::mutex> lock(mu, std::defer_lock);
  if (!spin_until([&] { return lock.try_lock(); }, kSpinMicroseconds)) lock.lock();
  return lock;
}
// How long a worker that has finished a task keeps watching for the next one before it sleeps.
// Within a training step the next parallel loop usually starts a few microseconds later; catching
// it without a wake-up made the small preset's 2-thread step 4% faster (42.1 against 44.1 ms,
// interleaved runs). Bounded, so an idle pool still sleeps: nothing spins between steps.
constexpr int kLingerMicroseconds = 100;

// A reusable barrier for `size` threads. The last thread to arrive resets the count and moves the
// phase on; the others wait for the phase to change (spinning briefly, then sleeping).
struct Barrier {
  explicit Barrier(int n) : size(n) {}
  void arrive_and_wait() {
    const std::uint32_t phase_now = phase.load(std::memory_order_acquire);
    if (arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == size) {
      arrived.store(0, std::memory_order_relaxed);
      phase.fetch_add(1, std::memory_order_release);
      phase.notify_all();
      return;
    }
    auto moved_on = [&] { return phase.load(std::memory_order_acquire) != phase_now; };
    if (spin_until(moved_on, kSpinMicroseconds)) return;
    while (!moved_on()) phase.wait(phase_now, std::memory_order_acquire);
  }
  int size;
  std::atomic<int> arrived{0};
  std::atomic<std::uint32_t> phase{0};
};

}  // namespace

namespace detail {
int default_thread_count(const char* text) {
  if (text) {
    const std::string_view s(text);
    int n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < 1 || n > kMaxThreads)
      fail<ValueError>("SF_NUM_THREADS is \"", s, "\": expected a thread count from 1 to ", kMaxThreads);
    return n;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min<unsigned>(hw, kMaxThreads));
}
}  // namespace detail

namespace {

// The count set by set_num_threads, or 0 before the first use: then it comes from the environment
// (read again on every call while SF_NUM_THREADS is invalid, so that every call reports it).
std::atomic<int> g_configured_threads{0};

}  // namespace

void Team::sync() const {
  if (size_ <= 1) return;
  if (barrier_ == nullptr)
    fail<ValueError>("Team::sync: a task run by parallel_share has no barrier (its helpers may never start)");
  static_cast<Barrier*>(barrier_)->arrive_and_wait();
}

class ThreadPool {
 public:
  explicit ThreadPool(int workers) {
    for (int id = 1; id <= workers; ++id) threads_.emplace_back([this, id] { worker_loop(id); });
  }
  ~ThreadPool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int capacity() const { return static_cast<int>(threads_.size()) + 1; }

  // [doc:pool-run]
  // Runs task on members 0..size-1 (size <= capacity()); member 0 is the calling thread.
  // helpers_only (parallel_share): once member 0 has returned, the task is closed; a worker that
  // has not joined by then skips it, and only the workers that joined are waited for.
  void run(int size, detail::TeamTask task, bool helpers_only) {
    Barrier barrier(size);
    {
      auto lock = lock_spinning(mu_);
      task_ = task;
      size_ = size;
      barrier_ = helpers_only ? nullptr : &barrier;
      helpers_only_ = helpers_only;
      closed_ = false;
      joined_ = 0;
      pending_.store(size - 1, std::memory_order_relaxed);
      error_ = nullptr;
      error_member_ = INT_MAX;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    run_member(0);
    if (helpers_only) {
      auto lock = lock_spinning(mu_);
      closed_ = true;
      pending_.fetch_sub(size - 1 - joined_, std::memory_order_acq_rel);  // those that never joined
    }
    auto finished = [this] { return pending_.load(std::memory_order_acquire) == 0; };
    if (!spin_until(finished, kSpinMicroseconds)) {
      std::unique_lock lock(mu_);
      done_.wait(lock, finished);
    }
    if (error_) std::rethrow_exception(error_);
  }
  // [doc:end]

 private:
  void run_member(int id) {
    t_inside_task = true;
    try {
      task_.call(task_.object, Team(id, size_, barrier_));
    } catch (...) {
      // Keep the exception of the lowest member, so the caller sees the same one on every run.
      std::lock_guard lock(mu_);
      if (id < error_member_) {
        error_ = std::current_exception();
        error_member_ = id;
      }
    }
    t_inside_task = false;
  }

  void worker_loop(int id) {
    std::uint64_t seen = 0;
    for (;;) {
      // A training step runs thousands of short parallel loops back to back, so a worker that has
      // just finished one waits briefly for the next before it goes to sleep (see kLinger...).
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; }, kLingerMicroseconds);
      {
        auto lock = lock_spinning(mu_);
        wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
        if (stop_) return;
        seen = generation_.load(std::memory_order_relaxed);
        if (id >= size_) continue;  // this job needs fewer members
        if (helpers_only_) {
          if (closed_) continue;  // the caller has finished it already
          ++joined_;
        }
      }
      run_member(id);
      auto lock = lock_spinning(mu_);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable wake_;  // workers wait here for a new generation (or stop)
  std::condition_variable done_;  // the caller waits here for pending_ == 0
  detail::TeamTask task_{nullptr, nullptr};
  int size_ = 0;
  void* barrier_ = nullptr;
  bool helpers_only_ = false;    // a parallel_share task: workers may skip it (these three under mu_)
  bool closed_ = false;          // ... and it is closed once the caller's member has returned
  int joined_ = 0;               // ... workers that started it before then
  std::atomic<int> pending_{0};  // members still running; changed under mu_, also read without it
  std::atomic<std::uint64_t> generation_{0};  // changed under mu_; workers also read it while lingering
  bool stop_ = false;
  std::exception_ptr error_;
  int error_member_ = INT_MAX;
};

namespace {
std::mutex g_pool_mu;  // held by whoever is running a team on the pool, and by set_num_threads
std::unique_ptr<ThreadPool> g_pool;
}  // namespace

void set_num_threads(std::int64_t n) {
  if (n < 1) fail<ValueError>("set_num_threads: the thread count must be at least 1, got ", n);
  if (n > kMaxThreads)
    fail<ValueError>("set_num_threads: ", n, " threads is more than the limit of ", kMaxThreads);
  if (t_inside_task) fail<ValueError>("set_num_threads: cannot be called from inside a parallel task");
  std::lock_guard lock(g_pool_mu);  // waits for a running team to finish
  g_configured_threads.store(static_cast<int>(n));
  if (g_pool && g_pool->capacity() != n) g_pool.reset();  // re-created on next use
}

int num_threads() {
  int n = g_configured_threads.load();
  if (n == 0) {
    n = detail::default_thread_count(std::getenv("SF_NUM_THREADS"));
    int unset = 0;  // a set_num_threads that came first wins
    if (!g_configured_threads.compare_exchange_strong(unset, n)) n = unset;
  }
  return n;
}

namespace detail {

void run_team(int size, TeamTask task, bool helpers_only) {
  if (size > 1 && !t_inside_task) {
    std::unique_lock lock(g_pool_mu, std::try_to_lock);
    if (lock.owns_lock()) {
      const int n = num_threads();
      if (size > n) size = n;
      if (size > 1) {
        if (!g_pool || g_pool->capacity() != n) {
          g_pool.reset();
          g_pool = std::make_unique<ThreadPool>(n - 1);
        }
        g_pool->run(size, task, helpers_only);
        return;
      }
    }
  }
  // Nested, busy, or a team of one: the calling thread is the whole team.
  task.call(task.object, Team(0, 1, nullptr));
}

}  // namespace detail
}  // namespace sf
