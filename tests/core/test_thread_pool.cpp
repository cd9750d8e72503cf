// test_thread_pool.cpp: the thread pool behind the threaded matmul (and later the elementwise ops).
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/parallel/thread_pool.hpp"

namespace {
struct ThreadCountGuard {
  int saved = sf::num_threads();
  ~ThreadCountGuard() { sf::set_num_threads(saved); }
};
}  // namespace

TEST_SUITE("ch03-matmul") {
  TEST_CASE("parallel_for covers 0..n exactly once in the documented contiguous chunks") {
    ThreadCountGuard guard;
    for (int threads : {1, 2, 3, 4}) {
      sf::set_num_threads(threads);
      for (std::int64_t n : {0, 1, 2, 7, 100, 1001}) {
        for (std::int64_t grain : {1, 3, 64, 5000}) {
          CAPTURE(threads);
          CAPTURE(n);
          CAPTURE(grain);
          std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
          std::mutex mu;
          std::vector<std::pair<std::int64_t, std::int64_t>> chunks;
          sf::parallel_for(n, grain, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i) hits[i].fetch_add(1);
            std::lock_guard lock(mu);
            chunks.emplace_back(begin, end);
          });
          for (const auto& h : hits) CHECK(h.load() == 1);
          // The chunks are the documented ones: c·n/count .. (c+1)·n/count.
          const std::int64_t count = n == 0 ? 0 : std::min<std::int64_t>((n + grain - 1) / grain, threads);
          CHECK(static_cast<std::int64_t>(chunks.size()) == count);
          for (const auto& [begin, end] : chunks) {
            bool documented = false;
            for (std::int64_t c = 0; c < count; ++c)
              documented |= begin == n * c / count && end == n * (c + 1) / count;
            CHECK(documented);
          }
        }
      }
    }
  }

  TEST_CASE("an exception thrown in a task reaches the caller and the pool still works after") {
    ThreadCountGuard guard;
    sf::set_num_threads(2);
    CHECK_THROWS_WITH_AS(sf::parallel_for(100, 1,
                                          [](std::int64_t begin, std::int64_t) {
                                            if (begin > 0) throw std::runtime_error("chunk failed");
                                          }),
                         "chunk failed", std::runtime_error);
    CHECK_THROWS_AS(sf::parallel_for(100, 1, [](std::int64_t, std::int64_t) { throw sf::ValueError("x"); }),
                    sf::ValueError);
    std::atomic<std::int64_t> sum{0};
    sf::parallel_for(1000, 1, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) sum += i;
    });
    CHECK(sum.load() == 999 * 1000 / 2);
  }

  TEST_CASE("a nested parallel_for runs serially on the calling member and covers its range") {
    ThreadCountGuard guard;
    sf::set_num_threads(2);
    std::vector<std::atomic<int>> hits(40 * 30);
    sf::parallel_for(40, 1, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) {
        const auto outer = std::this_thread::get_id();
        sf::parallel_for(30, 1, [&](std::int64_t b2, std::int64_t e2) {
          CHECK(std::this_thread::get_id() == outer);
          for (std::int64_t j = b2; j < e2; ++j) hits[i * 30 + j].fetch_add(1);
        });
      }
    });
    for (const auto& h : hits) CHECK(h.load() == 1);
  }

  TEST_CASE("parallel_team: every member runs once and sync() is a barrier") {
    ThreadCountGuard guard;
    for (int threads : {1, 2, 3}) {
      sf::set_num_threads(threads);
      std::vector<int> stage(threads, 0);
      std::atomic<int> members{0}, violations{0};
      sf::parallel_team(threads, [&](const sf::Team& team) {
        members++;
        for (int round = 1; round <= 50; ++round) {
          stage[team.id()] = round;
          team.sync();
          for (int m = 0; m < team.size(); ++m) violations += stage[m] != round;  // all have written
          team.sync();
        }
      });
      CHECK(members.load() == threads);
      CHECK(violations.load() == 0);
    }
  }

  TEST_CASE("set_num_threads and num_threads") {
    ThreadCountGuard guard;
    sf::set_num_threads(3);
    CHECK(sf::num_threads() == 3);
    std::atomic<int> team_size{0};
    sf::parallel_team(8, [&](const sf::Team& team) { team_size = team.size(); });
    CHECK(team_size.load() == 3);
    sf::set_num_threads(1);
    CHECK(sf::num_threads() == 1);
    sf::parallel_team(8, [&](const sf::Team& team) { team_size = team.size(); });
    CHECK(team_size.load() == 1);
    CHECK_THROWS_WITH_AS(sf::set_num_threads(0),
                         "set_num_threads: the thread count must be at least 1, got 0", sf::ValueError);
    sf::set_num_threads(2);
    CHECK_THROWS_AS(sf::parallel_for(4, 1, [](std::int64_t, std::int64_t) { sf::set_num_threads(1); }),
                    sf::ValueError);
  }

  TEST_CASE("thread counts are bounded: a huge count is refused, never wrapped around (issue 18)") {
    ThreadCountGuard guard;
    CHECK(sf::kMaxThreads == 256);
    sf::set_num_threads(sf::kMaxThreads);  // the limit itself is allowed (the pool is made on first use)
    CHECK(sf::num_threads() == 256);
    CHECK_THROWS_WITH_AS(sf::set_num_threads(257),
                         "set_num_threads: 257 threads is more than the limit of 256", sf::ValueError);
    CHECK_THROWS_WITH_AS(sf::set_num_threads(10000),
                         "set_num_threads: 10000 threads is more than the limit of 256", sf::ValueError);
    // 99999999999 once became int 1215752191 on the way in.
    CHECK_THROWS_WITH_AS(sf::set_num_threads(99999999999),
                         "set_num_threads: 99999999999 threads is more than the limit of 256",
                         sf::ValueError);
    CHECK_THROWS_WITH_AS(sf::set_num_threads(-5),
                         "set_num_threads: the thread count must be at least 1, got -5", sf::ValueError);
    CHECK(sf::num_threads() == 256);  // a refused count changes nothing
  }

  TEST_CASE("SF_NUM_THREADS must be a count from 1 to 256; unset, the cores (at most 256)") {
    CHECK(sf::detail::default_thread_count("3") == 3);
    CHECK(sf::detail::default_thread_count("256") == 256);
    const int cores = sf::detail::default_thread_count(nullptr);
    CHECK(cores >= 1);
    CHECK(cores <= sf::kMaxThreads);
    for (const char* bad : {"0", "257", "99999999999", "-1", "4x", "", " 4", "four"})
      CHECK_THROWS_WITH_AS(
          sf::detail::default_thread_count(bad),
          (std::string("SF_NUM_THREADS is \"") + bad + "\": expected a thread count from 1 to 256").c_str(),
          sf::ValueError);
  }

  TEST_CASE("two threads calling parallel_for at once both get correct results") {
    ThreadCountGuard guard;
    sf::set_num_threads(2);
    std::vector<std::atomic<int>> hits(2 * 5000);
    auto job = [&](std::int64_t offset) {
      for (int rep = 0; rep < 20; ++rep)
        sf::parallel_for(5000, 100, [&](std::int64_t b, std::int64_t e) {
          for (std::int64_t i = b; i < e; ++i) hits[offset + i].fetch_add(1);
        });
    };
    std::thread other(job, 5000);
    job(0);
    other.join();
    for (const auto& h : hits) CHECK(h.load() == 20);
  }

  TEST_CASE("parallel_share: every item once, whoever helps, and the caller never waits for a sleeper") {
    ThreadCountGuard guard;
    for (int threads : {1, 2, 3}) {
      sf::set_num_threads(threads);
      for (int round = 0; round < 200; ++round) {  // workers sometimes awake, sometimes not
        CAPTURE(threads);
        CAPTURE(round);
        constexpr int kItems = 64;
        std::vector<std::atomic<int>> hits(kItems);
        sf::WorkCounter items;
        std::atomic<int> members{0}, wrong_size{0};
        sf::parallel_share(threads, [&](const sf::Team& team) {
          wrong_size += team.size() != threads;
          members++;
          for (std::int64_t i = items.take(); i < kItems; i = items.take()) hits[i]++;
        });
        for (const auto& h : hits) CHECK(h.load() == 1);
        CHECK(wrong_size.load() == 0);
        CHECK(members.load() >= 1);  // the caller, and the workers that came in time
        CHECK(members.load() <= threads);
      }
    }
  }

  TEST_CASE("parallel_share: a shared task has no barrier, and sync() says so") {
    ThreadCountGuard guard;
    sf::set_num_threads(2);
    CHECK_THROWS_WITH_AS(
        sf::parallel_share(2, [](const sf::Team& team) { team.sync(); }),
        "Team::sync: a task run by parallel_share has no barrier (its helpers may never start)",
        sf::ValueError);
    int calls = 0;
    sf::parallel_share(2, [&](const sf::Team& team) {
      if (team.id() == 0) calls++;  // still usable afterwards
    });
    CHECK(calls == 1);
  }
}
