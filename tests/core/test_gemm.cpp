// test_gemm.cpp: every rung of the matmul ladder against a float64 reference (chapter 3).
//
// Shapes are chosen not to be multiples of any block size (MR, NR, KC, MC, NC of every kernel
// set), every operand is tried transposed and as a sub-matrix of a larger buffer, and beta == 0
// is tried on a C full of NaN. The tolerance grows with K. Bitwise checks (thread counts, ISAs)
// are in test_gemm_determinism.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/gemm/block_sizes.hpp"
#include "core/gemm/gemm.hpp"
#include "core/random.hpp"
#include "support.hpp"

using sf::gemm::Matrix;
using sf::gemm::Variant;
using i64 = std::int64_t;
using sf::test::uniform_floats;

namespace {

const Variant kVariants[] = {Variant::naive,  Variant::loop_order,  Variant::blocked,
                             Variant::packed, Variant::packed_simd, Variant::threaded};

// An M×K (or K×N) operand stored inside a larger buffer: transposed or not, with `pad` unused
// elements at the end of every stored row, and an offset so it does not start at the buffer start.
struct Operand {
  std::vector<float> buffer;
  Matrix<const float> view;
  float at(i64 r, i64 c) const { return view.data[r * view.row_stride + c * view.col_stride]; }
};
Operand make_operand(i64 rows, i64 cols, bool transposed, i64 pad, std::uint64_t seed) {
  const i64 stored_rows = transposed ? cols : rows, stored_cols = transposed ? rows : cols;
  const i64 ld = stored_cols + pad, offset = 3;
  Operand op;
  op.buffer = uniform_floats(offset + stored_rows * ld + 1, seed);
  const float* base = op.buffer.data() + offset;
  op.view = transposed ? Matrix<const float>{base, 1, ld} : Matrix<const float>{base, ld, 1};
  return op;
}

// C = alpha·A·B + beta·C0 in double, and the bound on the float result's error: a float sum of K
// products has error below about K·2⁻²⁴·Σ|products| (plus the roundings of alpha and beta).
struct Reference {
  std::vector<double> value, bound;
};
Reference reference(i64 M, i64 N, i64 K, float alpha, const Operand& A, const Operand& B, float beta,
                    const std::vector<float>& C0, i64 ldc) {
  Reference r{std::vector<double>(M * N), std::vector<double>(M * N)};
  const double eps = std::ldexp(1.0, -24);
  for (i64 i = 0; i < M; ++i)
    for (i64 j = 0; j < N; ++j) {
      double sum = 0, magnitude = 0;
      for (i64 k = 0; k < K; ++k) {
        const double p = double(A.at(i, k)) * double(B.at(k, j));
        sum += p;
        magnitude += std::fabs(p);
      }
      const double c = beta == 0.0f ? 0.0 : double(beta) * C0[i * ldc + j];
      r.value[i * N + j] = double(alpha) * sum + c;
      r.bound[i * N + j] = (K + 3) * eps * (std::fabs(alpha) * magnitude + std::fabs(c)) + 1e-30;
    }
  return r;
}

struct Case {
  i64 M, N, K;
  bool ta = false, tb = false;
  i64 pad = 0;
  float alpha = 1.0f, beta = 0.0f;
};

// Runs one case through `variant` and checks C against the reference, elementwise, and that the
// padding between the rows of C was not touched.
void check_case(Variant variant, const Case& cs) {
  CAPTURE(sf::gemm::variant_name(variant));
  CAPTURE(cs.M);
  CAPTURE(cs.N);
  CAPTURE(cs.K);
  CAPTURE(cs.ta);
  CAPTURE(cs.tb);
  CAPTURE(cs.pad);
  CAPTURE(cs.alpha);
  CAPTURE(cs.beta);
  const Operand A = make_operand(cs.M, cs.K, cs.ta, cs.pad, 1);
  const Operand B = make_operand(cs.K, cs.N, cs.tb, cs.pad, 2);
  const i64 ldc = cs.N + cs.pad;
  std::vector<float> C = uniform_floats(cs.M * ldc, 3);
  if (cs.beta == 0.0f)  // beta == 0 must not read C: fill the real elements with NaN
    for (i64 i = 0; i < cs.M; ++i)
      for (i64 j = 0; j < cs.N; ++j) C[i * ldc + j] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> C0 = C;
  const Reference ref = reference(cs.M, cs.N, cs.K, cs.alpha, A, B, cs.beta, C0, ldc);
  sf::gemm::sgemm(variant, cs.M, cs.N, cs.K, cs.alpha, A.view, B.view, cs.beta, {C.data(), ldc, 1});
  i64 bad = 0;
  for (i64 i = 0; i < cs.M; ++i)
    for (i64 j = 0; j < ldc; ++j) {
      const float got = C[i * ldc + j];
      if (j >= cs.N) {
        bad += got != C0[i * ldc + j];  // padding untouched (compares the NaN-free originals)
      } else if (!(std::fabs(got - ref.value[i * cs.N + j]) <= ref.bound[i * cs.N + j])) {
        if (bad++ < 3) MESSAGE("C[", i, ", ", j, "] = ", got, ", expected ", ref.value[i * cs.N + j]);
      }
    }
  CHECK(bad == 0);
}

// Shapes on both sides of every block edge of every kernel set (the largest MR, NR are 12, 32).
std::vector<Case> awkward_shapes() {
  const i64 KC = sf::gemm::KC, MC = sf::gemm::kAvx512Blocks.mc, NC = sf::gemm::kAvx512Blocks.nc;
  return {{1, 1, 1},
          {7, 13, 5},
          {65, 33, 17},
          {1, 1024, 1},
          {1000, 1, 1000},
          {11, 31, 3},
          {12, 32, 4},
          {13, 33, 2},
          {25, 65, 9},
          {5, 17, 7},
          {3, 5, KC - 1},
          {6, 16, KC},
          {9, 9, KC + 1},
          {2, 3, 2 * KC + 1},
          {MC - 1, 35, 20},
          {MC + 13, 7, 3},
          {4, NC + 1, 3},
          {30, 40, 50},
          {2, 2, 1},
          {MC + 13, 8 * 32 + 7, KC + 9}};  // five loops with packed A (N > 8·NR), every edge at once
}

}  // namespace

TEST_SUITE("ch03-matmul") {
  TEST_CASE("every variant matches the float64 reference on shapes that are not block multiples") {
    for (Variant v : kVariants)
      for (const Case& cs : awkward_shapes()) check_case(v, cs);
  }

  TEST_CASE("every variant handles all four transpose combinations") {
    for (Variant v : kVariants)
      for (int t = 0; t < 4; ++t) {
        const bool ta = t & 1, tb = t & 2;
        for (Case cs : {Case{65, 33, 17}, Case{13, 67, 300}, Case{37, 29, 1}, Case{100, 40, 31}}) {
          cs.ta = ta;
          cs.tb = tb;
          check_case(v, cs);
        }
      }
  }

  TEST_CASE("every variant reads strided sub-matrices and leaves the rest of C alone") {
    for (Variant v : kVariants)
      for (int t = 0; t < 4; ++t) check_case(v, {29, 41, 23, bool(t & 1), bool(t & 2), 5});
  }

  TEST_CASE("alpha and beta: C = alpha·A·B + beta·C and beta == 0 never reads C") {
    for (Variant v : kVariants) {
      check_case(v, {19, 35, 27, false, false, 2, 0.5f, -2.0f});
      check_case(v, {19, 35, 27, true, false, 0, -1.5f, 1.0f});
      check_case(v, {40, 70, 300, false, true, 1, 2.0f, 0.0f});  // C starts as NaN
    }
  }

  TEST_CASE("empty sizes: M or N == 0 does nothing and K == 0 or alpha == 0 gives beta·C") {
    for (Variant v : kVariants) {
      CAPTURE(sf::gemm::variant_name(v));
      std::vector<float> C(6, std::numeric_limits<float>::quiet_NaN());
      const float a = 1.0f;
      sf::gemm::sgemm(v, 2, 3, 0, 1.0f, {&a, 1, 1}, {&a, 1, 1}, 0.0f, {C.data(), 3, 1});
      for (float c : C) CHECK(c == 0.0f);
      std::vector<float> D = {1, 2, 3, 4, 5, 6};
      sf::gemm::sgemm(v, 2, 3, 0, 1.0f, Matrix<const float>{nullptr, 0, 1},
                      Matrix<const float>{nullptr, 0, 1}, 2.0f, {D.data(), 3, 1});
      CHECK(D == std::vector<float>{2, 4, 6, 8, 10, 12});
      const float nan = std::numeric_limits<float>::quiet_NaN();
      sf::gemm::sgemm(v, 2, 3, 1, 0.0f, {&nan, 1, 1}, {&nan, 0, 1}, 0.5f, {D.data(), 3, 1});
      CHECK(D == std::vector<float>{1, 2, 3, 4, 5, 6});
      sf::gemm::sgemm(v, 0, 3, 4, 1.0f, {nullptr, 4, 1}, {nullptr, 3, 1}, 0.0f, {nullptr, 3, 1});
      sf::gemm::sgemm(v, 3, 0, 4, 1.0f, {nullptr, 4, 1}, {nullptr, 0, 1}, 0.0f, {nullptr, 0, 1});
    }
  }

  TEST_CASE("bad arguments throw ValueError naming the rule") {
    float x[4] = {};
    const Matrix<const float> a{x, 2, 1};
    CHECK_THROWS_WITH_AS(sf::gemm::sgemm(-1, 2, 2, 1.0f, a, a, 0.0f, {x, 2, 1}),
                         "sgemm: sizes must not be negative, got M = -1, N = 2, K = 2", sf::ValueError);
    CHECK_THROWS_WITH_AS(sf::gemm::sgemm(2, 2, 2, 1.0f, a, a, 0.0f, {x, 2, 2}),
                         "sgemm: C must have unit column stride, got 2", sf::ValueError);
    CHECK_THROWS_WITH_AS(sf::gemm::sgemm(2, 2, 2, 1.0f, a, {nullptr, 2, 1}, 0.0f, {x, 2, 1}),
                         "sgemm: A or B is null for M = 2, N = 2, K = 2", sf::ValueError);
    CHECK_THROWS_WITH_AS(sf::gemm::sgemm(2, 2, 2, 1.0f, a, a, 0.0f, {x, 1, 1}),
                         "sgemm: rows of C overlap: row stride 1 is smaller than N = 2", sf::ValueError);
    CHECK_THROWS_WITH_AS(sf::gemm::sgemm_batched(-2, 2, 2, 2, 1.0f, a, 0, a, 0, 0.0f, {x, 2, 1}, 0),
                         "sgemm_batched: batch must not be negative, got -2", sf::ValueError);
    double y[4] = {};
    CHECK_THROWS_WITH_AS(sf::gemm::dgemm(2, -2, 2, 1.0, {y, 2, 1}, {y, 2, 1}, 0.0, {y, 2, 1}),
                         "dgemm: sizes must not be negative, got M = 2, N = -2, K = 2", sf::ValueError);
    CHECK_THROWS_WITH_AS(sf::gemm::sgemm_epilogue(2, 2, 2, a, a, {x, 2, 1}, {.columns = 3}),
                         "sgemm_epilogue: the epilogue is for rows of 3 columns, but C has N = 2",
                         sf::ValueError);
  }

  TEST_CASE("sgemm_epilogue by hand, and with K == 0 the epilogue of an empty sum") {
    // [1 2; 3 4]·[1 0; 0 1] = [1 2; 3 4]; + bias [-2, -1] = [-1 1; 1 3]; ReLU = [0 1; 1 3];
    // + residual [10 20; 30 40] = [10 21; 31 43].
    const float A[4] = {1, 2, 3, 4}, I[4] = {1, 0, 0, 1}, bias[2] = {-2, -1}, residual[4] = {10, 20, 30, 40};
    std::vector<float> C(4, std::numeric_limits<float>::quiet_NaN());
    const sf::kernels::Epilogue<float> e{
        .bias = bias, .relu = true, .columns = 2, .residual = residual, .residual_stride = 2};
    sf::gemm::sgemm_epilogue(2, 2, 2, {A, 2, 1}, {I, 2, 1}, {C.data(), 2, 1}, e);
    CHECK(C == std::vector<float>{10, 21, 31, 43});
    sf::gemm::sgemm_epilogue(2, 2, 0, {nullptr, 0, 1}, {nullptr, 2, 1}, {C.data(), 2, 1}, e);
    CHECK(C == std::vector<float>{10, 20, 30, 40});  // relu(0 + bias) = 0, plus the residual
  }

  TEST_CASE("batched products with a batch stride of 0 broadcasting A or B") {
    const i64 batch = 5, M = 14, N = 35, K = 19;
    for (Variant v : kVariants)
      for (int broadcast = 0; broadcast < 3; ++broadcast) {  // 0: none, 1: A shared, 2: B shared
        CAPTURE(sf::gemm::variant_name(v));
        CAPTURE(broadcast);
        const std::vector<float> A = uniform_floats(batch * M * K, 4), B = uniform_floats(batch * K * N, 5);
        std::vector<float> C = uniform_floats(batch * M * N, 6);
        const std::vector<float> C0 = C;
        const i64 sa = broadcast == 1 ? 0 : M * K, sb = broadcast == 2 ? 0 : K * N;
        // B is used transposed (stored N×K), as in attention's Q·Kᵀ.
        sf::gemm::sgemm_batched(v, batch, M, N, K, 0.5f, {A.data(), K, 1}, sa, {B.data(), 1, K}, sb, 1.0f,
                                {C.data(), N, 1}, M * N);
        i64 bad = 0;
        for (i64 p = 0; p < batch; ++p)
          for (i64 i = 0; i < M; ++i)
            for (i64 j = 0; j < N; ++j) {
              double sum = 0;
              for (i64 k = 0; k < K; ++k) sum += double(A[p * sa + i * K + k]) * B[p * sb + j * K + k];
              const double want = 0.5 * sum + C0[(p * M + i) * N + j];
              bad += !(std::fabs(C[(p * M + i) * N + j] - want) <= 1e-5 * (K + 3));
            }
        CHECK(bad == 0);
      }
  }

  TEST_CASE("a batch stride of 0 for C accumulates the products one after the other") {
    const i64 batch = 4, M = 9, N = 20, K = 7;
    const std::vector<float> A = uniform_floats(batch * M * K, 7), B = uniform_floats(batch * K * N, 8);
    std::vector<float> C(M * N, 0.0f);
    sf::gemm::sgemm_batched(batch, M, N, K, 1.0f, {A.data(), K, 1}, M * K, {B.data(), N, 1}, K * N, 1.0f,
                            {C.data(), N, 1}, 0);
    i64 bad = 0;
    for (i64 i = 0; i < M; ++i)
      for (i64 j = 0; j < N; ++j) {
        double sum = 0;
        for (i64 p = 0; p < batch; ++p)
          for (i64 k = 0; k < K; ++k) sum += double(A[(p * M + i) * K + k]) * B[(p * K + k) * N + j];
        bad += !(std::fabs(C[i * N + j] - sum) <= 1e-5 * batch * K);
      }
    CHECK(bad == 0);
  }

  TEST_CASE("dgemm and dgemm_batched match the reference to double precision") {
    for (int t = 0; t < 4; ++t) {
      const bool ta = t & 1, tb = t & 2;
      const i64 M = 23, N = 17, K = 300, batch = 2;
      std::vector<double> A(batch * M * K), B(K * N), C(batch * M * N, 1.0);
      sf::Generator g(9);
      for (auto& x : A) x = g.uniform() - 0.5;
      for (auto& x : B) x = g.uniform() - 0.5;
      const Matrix<const double> a =
          ta ? Matrix<const double>{A.data(), 1, M} : Matrix<const double>{A.data(), K, 1};
      const Matrix<const double> b =
          tb ? Matrix<const double>{B.data(), 1, K} : Matrix<const double>{B.data(), N, 1};
      sf::gemm::dgemm_batched(batch, M, N, K, 2.0, a, M * K, b, 0, -1.0, {C.data(), N, 1}, M * N);
      double worst = 0;
      for (i64 p = 0; p < batch; ++p)
        for (i64 i = 0; i < M; ++i)
          for (i64 j = 0; j < N; ++j) {
            double sum = 0;
            for (i64 k = 0; k < K; ++k)
              sum += a.data[p * M * K + i * a.row_stride + k * a.col_stride] *
                     b.data[k * b.row_stride + j * b.col_stride];
            worst = std::fmax(worst, std::fabs(C[(p * M + i) * N + j] - (2.0 * sum - 1.0)));
          }
      CHECK(worst < 1e-12);
    }
  }
}
