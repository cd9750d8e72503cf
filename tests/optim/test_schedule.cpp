// Tests for optim/schedule.cpp: the paper's warm-up schedule at the chapter's steps, and the cosine
// schedule's landmarks.
#include "optim/schedule.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::optim;

TEST_SUITE("ch12-optim") {
  TEST_CASE("Noam schedule: the chapter 12 values for d_model 512 and warmup 4000") {
    const NoamSchedule noam({.d_model = 512, .warmup = 4000});
    CHECK(noam.lr(1) == doctest::Approx(1.75e-7).epsilon(2e-3));  // 512^−0.5 · 1 · 4000^−1.5
    CHECK(noam.lr(1000) == doctest::Approx(1.75e-4).epsilon(2e-3));
    CHECK(noam.lr(4000) == doctest::Approx(6.99e-4).epsilon(1e-3));  // the peak
    CHECK(noam.lr(8000) == doctest::Approx(4.94e-4).epsilon(1e-3));
    CHECK(noam.lr(4000) == doctest::Approx(6.987712429686843e-4).epsilon(1e-14));
    CHECK(noam.peak() == noam.lr(4000));
  }

  TEST_CASE("Noam schedule: linear up to the warm-up step, then 1/√step, and the peak is the maximum") {
    const NoamSchedule noam({.d_model = 64, .warmup = 100});
    CHECK(noam.lr(50) == doctest::Approx(noam.lr(100) / 2));  // linear: half the steps, half the rate
    CHECK(noam.lr(400) == doctest::Approx(noam.lr(100) / 2));  // 1/√step: four times the steps, half the rate
    for (std::int64_t s = 1; s <= 1000; ++s) CHECK(noam.lr(s) <= noam.peak());
    const NoamSchedule scaled({.d_model = 64, .warmup = 100, .scale = 2.0});
    CHECK(scaled.lr(7) == doctest::Approx(2 * noam.lr(7)));
  }

  TEST_CASE("Noam schedule: step 0 and bad configurations are errors") {
    const NoamSchedule noam;
    CHECK_THROWS_WITH_AS(noam.lr(0), "NoamSchedule.lr: steps count from 1, got step 0", ValueError);
    CHECK_THROWS_WITH_AS(NoamSchedule({.warmup = 0}),
                         "NoamSchedule: d_model and warmup must be >= 1, got d_model 512 and warmup 0",
                         ValueError);
    CHECK_THROWS_WITH_AS(NoamSchedule({.scale = 0}), "NoamSchedule: scale must be finite and > 0, got 0",
                         ValueError);
  }

  TEST_CASE("cosine schedule: linear warm-up, half a cosine, then the final rate") {
    const CosineSchedule cosine({.peak_lr = 1e-3, .warmup_steps = 10, .total_steps = 110, .final_lr = 1e-4});
    CHECK(cosine.lr(1) == doctest::Approx(1e-4));
    CHECK(cosine.lr(5) == doctest::Approx(5e-4));
    CHECK(cosine.lr(10) == doctest::Approx(1e-3));    // the peak, at the end of the warm-up
    CHECK(cosine.lr(60) == doctest::Approx(5.5e-4));  // half way down: the mean of peak and final
    CHECK(cosine.lr(35) == doctest::Approx(8.681980515339464e-4));
    CHECK(cosine.lr(110) == doctest::Approx(1e-4));
    CHECK(cosine.lr(1000) == 1e-4);
    for (std::int64_t s = 11; s < 110; ++s) CHECK(cosine.lr(s + 1) < cosine.lr(s));
    const CosineSchedule no_warmup({.peak_lr = 1.0, .warmup_steps = 0, .total_steps = 4});
    CHECK(no_warmup.lr(2) == doctest::Approx(0.5));
  }

  TEST_CASE("cosine schedule: bad configurations and step 0 are errors") {
    CHECK_THROWS_WITH_AS(CosineSchedule({.warmup_steps = 100, .total_steps = 100}),
                         "CosineSchedule: need 0 <= warmup_steps < total_steps, got 100 and 100", ValueError);
    CHECK_THROWS_WITH_AS(CosineSchedule({.peak_lr = -1}),
                         "CosineSchedule: peak_lr and final_lr must be finite and >= 0, got -1 and 0",
                         ValueError);
    CHECK_THROWS_WITH_AS(CosineSchedule({}).lr(0), "CosineSchedule.lr: steps count from 1, got step 0",
                         ValueError);
  }
}
