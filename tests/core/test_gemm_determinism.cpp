// test_gemm_determinism.cpp: sgemm gives the same bits for any thread count and on every ISA.
//
// Each element of C is summed in a fixed order (k ascending within a KC slice, slices in order)
// whatever the team size, and every microkernel uses fused multiply-adds with the same KC, so
// the scalar, AVX2 and AVX-512 kernels agree to the last bit too (chapter 3 explains why this is
// worth having: a training run reproduces exactly on 1 thread or 32).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/gemm/dispatch.hpp"
#include "core/gemm/gemm.hpp"
#include "core/gemm/ladder.hpp"
#include "core/gemm/microkernels.hpp"
#include "core/parallel/thread_pool.hpp"
#include "core/random.hpp"
#include "support.hpp"

using sf::gemm::Matrix;
using i64 = std::int64_t;
using sf::test::uniform_floats;

namespace {

bool same_bits(const std::vector<float>& x, const std::vector<float>& y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), sizeof(float) * x.size()) == 0;
}

// Restores the thread count when a test ends, even when a check throws.
struct ThreadCountGuard {
  int saved = sf::num_threads();
  ~ThreadCountGuard() { sf::set_num_threads(saved); }
};

struct Mnk {
  i64 M, N, K;
  bool ta, tb;
};

// C = 0.75·op(A)·op(B) - 0.5·C with the given function, on fixed random data.
template <class Gemm>
std::vector<float> product(const Mnk& s, Gemm gemm) {
  const std::vector<float> A = uniform_floats(s.M * s.K, 11), B = uniform_floats(s.K * s.N, 12);
  std::vector<float> C = uniform_floats(s.M * s.N, 13);
  const Matrix<const float> a =
      s.ta ? Matrix<const float>{A.data(), 1, s.M} : Matrix<const float>{A.data(), s.K, 1};
  const Matrix<const float> b =
      s.tb ? Matrix<const float>{B.data(), 1, s.K} : Matrix<const float>{B.data(), s.N, 1};
  gemm(s, a, b, Matrix<float>{C.data(), s.N, 1});
  return C;
}

}  // namespace

TEST_SUITE("ch03-matmul") {
  TEST_CASE("sgemm gives the same bits on 1 or 2 or 3 threads") {
    ThreadCountGuard guard;
    // Big enough to be split across threads (above the small-product threshold), with edges.
    // 250³ goes through the unpacked small-product path (dispatch.cpp), the others through the five loops.
    for (const Mnk& s :
         {Mnk{301, 203, 517, false, false}, Mnk{97, 611, 260, true, true}, Mnk{1000, 40, 600, false, true},
          Mnk{25, 900, 700, true, false}, Mnk{250, 250, 250, false, true}}) {
      CAPTURE(s.M);
      CAPTURE(s.N);
      CAPTURE(s.K);
      std::vector<float> first;
      for (int threads : {1, 2, 3}) {
        sf::set_num_threads(threads);
        const auto C = product(s, [](const Mnk& sh, auto a, auto b, auto c) {
          sf::gemm::sgemm(sh.M, sh.N, sh.K, 0.75f, a, b, -0.5f, c);
        });
        if (first.empty()) first = C;
        CHECK(same_bits(C, first));
      }
    }
  }

  TEST_CASE("the ladder's five loops give the same bits on a team of 1 or 2 or 3 threads") {
    // gemm_packed is the lesson's version (five_loops.cpp): the team shares the rows of C.
    const sf::gemm::Microkernels& mk = sf::gemm::best_microkernels();
    for (const Mnk& s :
         {Mnk{301, 203, 517, false, false}, Mnk{97, 611, 260, true, true}, Mnk{5, 40, 600, false, true}}) {
      CAPTURE(s.M);
      CAPTURE(s.N);
      CAPTURE(s.K);
      std::vector<float> first;
      for (int threads : {1, 2, 3}) {
        const auto C = product(s, [&mk, threads](const Mnk& sh, auto a, auto b, auto c) {
          sf::gemm::gemm_packed(mk, threads, sh.M, sh.N, sh.K, 0.75f, a, b, -0.5f, c);
        });
        if (first.empty()) first = C;
        CHECK(same_bits(C, first));
      }
    }
  }

  TEST_CASE("batched sgemm gives the same bits on 1 or 2 or 3 threads") {
    ThreadCountGuard guard;
    const i64 batch = 37, M = 24, N = 24, K = 32;  // attention-sized: split by product
    const std::vector<float> A = uniform_floats(batch * M * K, 14), B = uniform_floats(batch * K * N, 15);
    std::vector<float> first;
    for (int threads : {1, 2, 3}) {
      sf::set_num_threads(threads);
      std::vector<float> C(batch * M * N);
      sf::gemm::sgemm_batched(batch, M, N, K, 1.0f, {A.data(), K, 1}, M * K, {B.data(), 1, K}, K * N, 0.0f,
                              {C.data(), N, 1}, M * N);
      if (first.empty()) first = C;
      CHECK(same_bits(C, first));
    }
  }

  TEST_CASE("the scalar and AVX2 and AVX-512 microkernels give the same bits") {
    std::vector<const sf::gemm::Microkernels*> sets = {&sf::gemm::scalar_microkernels()};
#if defined(__x86_64__)
    if (sf::gemm::cpu_supports("avx2")) sets.push_back(&sf::gemm::avx2_microkernels());
    if (sf::gemm::cpu_supports("avx512")) sets.push_back(&sf::gemm::avx512_microkernels());
#endif
    MESSAGE("kernel sets compared: ", sets.size());
    // N > 256 packs A for every kernel set; 300 and 270 leave 12 and 14 columns in the last
    // micro-panel, which the AVX-512 set computes with its 12×16 edge tile.
    for (const Mnk& s :
         {Mnk{67, 45, 600, false, false}, Mnk{13, 70, 257, true, false}, Mnk{40, 33, 100, false, true},
          Mnk{7, 5, 3, true, true}, Mnk{50, 300, 600, false, false}, Mnk{31, 270, 40, true, true}}) {
      CAPTURE(s.M);
      CAPTURE(s.N);
      CAPTURE(s.K);
      std::vector<float> first;
      for (const sf::gemm::Microkernels* ks : sets) {
        CAPTURE(ks->name);
        const auto C = product(s, [ks](const Mnk& sh, auto a, auto b, auto c) {
          sf::gemm::gemm_packed(*ks, 1, sh.M, sh.N, sh.K, 0.75f, a, b, -0.5f, c);
        });
        if (first.empty()) first = C;
        CHECK(same_bits(C, first));
      }
    }
  }

  TEST_CASE("the packed and packed_simd rungs agree to the bit with the default sgemm") {
    // Small shapes take the unpacked path in the default sgemm; the last one the five loops.
    for (const Mnk& s :
         {Mnk{24, 24, 32, false, true}, Mnk{24, 64, 24, false, false}, Mnk{65, 33, 17, true, false},
          Mnk{13, 40, 512, true, true}, Mnk{130, 70, 700, false, true}}) {
      CAPTURE(s.M);
      CAPTURE(s.N);
      CAPTURE(s.K);
      std::vector<std::vector<float>> results;
      for (auto v :
           {sf::gemm::Variant::packed, sf::gemm::Variant::packed_simd, sf::gemm::Variant::threaded}) {
        results.push_back(product(s, [v](const Mnk& sh, auto a, auto b, auto c) {
          sf::gemm::sgemm(v, sh.M, sh.N, sh.K, 0.75f, a, b, -0.5f, c);
        }));
      }
      CHECK(same_bits(results[0], results[1]));
      CHECK(same_bits(results[0], results[2]));
    }
  }

  TEST_CASE("a few rows times a transposed matrix (decoding's x·Wᵀ) give the five loops' bits") {
    // Decoding multiplies 1 row (or a beam's few) by Wᵀ; sgemm then reads W in place (dispatch.cpp)
    // instead of packing it. Edges: N not a multiple of 16 or of kFewRowsColumns, K not a multiple of 16, K
    // over KC.
    ThreadCountGuard guard;
    const sf::gemm::Microkernels& ks = sf::gemm::best_microkernels();
    const std::string set =
        std::string(ks.name) + (ks.few_rows_nt != nullptr ? " (has the few-rows kernel)" : "");
    MESSAGE("kernel set: ", set);
    for (i64 M = 1; M <= sf::gemm::kFewRows; ++M) {
      // variables, not a structured binding: clang 14 cannot capture one in CAPTURE's lambda
      for (const auto& nk :
           {std::pair<i64, i64>{1, 1}, {17, 15}, {64, 16}, {65, 513}, {1000, 512}, {130, 1100}}) {
        const i64 N = nk.first, K = nk.second;
        for (bool ta : {false, true}) {
          const Mnk s{M, N, K, ta, true};
          CAPTURE(M);
          CAPTURE(N);
          CAPTURE(K);
          CAPTURE(ta);
          const Matrix<const float> b{nullptr, 1, K};
          // (With K == 1, B's strides are {1, 1}: the layout is ambiguous and the other paths serve.)
          if (ks.few_rows_nt != nullptr && K > 1) CHECK(sf::gemm::few_rows_path_applies(ks, M, b));
          const auto packed = product(s, [&ks](const Mnk& sh, auto a, auto b, auto c) {
            sf::gemm::gemm_packed(ks, 1, sh.M, sh.N, sh.K, 0.75f, a, b, -0.5f, c);
          });
          for (int threads : {1, 2, 3}) {
            sf::set_num_threads(threads);
            const auto C = product(s, [](const Mnk& sh, auto a, auto b, auto c) {
              sf::gemm::sgemm(sh.M, sh.N, sh.K, 0.75f, a, b, -0.5f, c);
            });
            CHECK(same_bits(C, packed));
          }
        }
      }
    }
  }

  TEST_CASE("the few-rows path with beta == 0 never reads C") {
    const i64 M = 2, N = 70, K = 40;
    const std::vector<float> A = uniform_floats(M * K, 21), W = uniform_floats(N * K, 22);
    std::vector<float> C(M * N, std::numeric_limits<float>::quiet_NaN()), expected(M * N);
    sf::gemm::sgemm(M, N, K, 1.0f, {A.data(), K, 1}, {W.data(), 1, K}, 0.0f, {C.data(), N, 1});
    sf::gemm::sgemm(sf::gemm::Variant::naive, M, N, K, 1.0f, {A.data(), K, 1}, {W.data(), 1, K}, 0.0f,
                    {expected.data(), N, 1});
    for (i64 i = 0; i < M * N; ++i) {
      CAPTURE(i);
      REQUIRE(std::isfinite(C[i]));
      CHECK(C[i] == doctest::Approx(expected[i]).epsilon(1e-5));
    }
  }

  TEST_CASE("sgemm_epilogue gives the bits of the separate passes, on every path and thread count") {
    // The reference is the unfused linear layer: the bias written into C, the ladder's five loops
    // with beta = 1, then ReLU, dropout and the residual as a pass over the whole of C.
    ThreadCountGuard guard;
    const std::vector<float> bias = uniform_floats(1000, 31), residual = uniform_floats(1000 * 1000, 32);
    struct Case {
      const char* name;
      bool bias, relu;
      float p;
      bool residual;
    };
    const Case cases[] = {{"bias", true, false, 0, false},
                          {"bias, relu, dropout", true, true, 0.3f, false},
                          {"bias, dropout, residual", true, false, 0.1f, true},
                          {"relu alone", false, true, 0, false}};
    // The few-rows path (M <= 4, Wᵀ) with K in one KC slice and in two; the small path; the five
    // loops with A read in place (N <= 256) and packed (N > 256), K over KC.
    for (const Mnk& s :
         {Mnk{2, 70, 100, false, true}, Mnk{3, 130, 600, false, true}, Mnk{24, 24, 32, false, true},
          Mnk{300, 200, 700, false, true}, Mnk{130, 300, 600, true, false}}) {
      for (const Case& c : cases) {
        CAPTURE(s.M);
        CAPTURE(s.N);
        CAPTURE(s.K);
        CAPTURE(c.name);
        sf::kernels::Epilogue<float> e{.bias = c.bias ? bias.data() : nullptr,
                                       .relu = c.relu,
                                       .p = c.p,
                                       .scale = c.p > 0 ? 1.0f / (1.0f - c.p) : 1.0f,
                                       .key = 77,
                                       .start = 1000,
                                       .columns = s.N,
                                       .residual = c.residual ? residual.data() : nullptr,
                                       .residual_stride = s.N};
        const auto separate = product(s, [&e](const Mnk& sh, auto a, auto b, auto C) {
          for (i64 i = 0; i < sh.M; ++i)
            for (i64 j = 0; j < sh.N; ++j) C.data[i * sh.N + j] = e.bias != nullptr ? e.bias[j] : 0.0f;
          sf::gemm::sgemm(sf::gemm::Variant::packed_simd, sh.M, sh.N, sh.K, 1.0f, a, b, 1.0f, C);
          sf::kernels::epilogue_finish(e, C.data, sh.N, 0, 0, sh.M, sh.N);
        });
        for (int threads : {1, 2, 3}) {
          sf::set_num_threads(threads);
          const auto fused = product(s, [&e](const Mnk& sh, auto a, auto b, auto C) {
            sf::gemm::sgemm_epilogue(sh.M, sh.N, sh.K, a, b, C, e);
          });
          CHECK(same_bits(fused, separate));
        }
      }
    }
  }
}
