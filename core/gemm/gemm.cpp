// gemm.cpp: the public entry points of gemm.hpp: argument checks, the empty cases, the choice of
// rung, and the batched loops.
//
// The arithmetic lives elsewhere: the rungs of the ladder one per file (ladder.hpp), and the
// default product, Variant::threaded, in the dispatcher (dispatch.hpp), which picks the path and
// the thread count.
#include "core/gemm/gemm.hpp"

#include <cstdlib>

#include "core/error.hpp"
#include "core/gemm/dispatch.hpp"
#include "core/gemm/ladder.hpp"

namespace sf::gemm {
namespace {

template <class T>
void check_arguments(const char* op, std::int64_t M, std::int64_t N, std::int64_t K, const Matrix<const T>& A,
                     const Matrix<const T>& B, const Matrix<T>& C) {
  if (M < 0 || N < 0 || K < 0)
    fail<ValueError>(op, ": sizes must not be negative, got M = ", M, ", N = ", N, ", K = ", K);
  if (C.col_stride != 1) fail<ValueError>(op, ": C must have unit column stride, got ", C.col_stride);
  if (M == 0 || N == 0) return;
  if (C.data == nullptr) fail<ValueError>(op, ": C is null for a ", M, "x", N, " result");
  if (M > 1 && std::llabs(C.row_stride) < N)
    fail<ValueError>(op, ": rows of C overlap: row stride ", C.row_stride, " is smaller than N = ", N);
  if (K > 0 && (A.data == nullptr || B.data == nullptr))
    fail<ValueError>(op, ": A or B is null for M = ", M, ", N = ", N, ", K = ", K);
}

// C = beta·C (C = 0 when beta == 0, without reading C): the whole product when K == 0 or alpha == 0.
template <class T>
void scale(std::int64_t M, std::int64_t N, T beta, const Matrix<T>& C) {
  if (beta == T(1)) return;
  for (std::int64_t i = 0; i < M; ++i) {
    T* c = C.data + i * C.row_stride;
    for (std::int64_t j = 0; j < N; ++j) c[j] = beta == T(0) ? T(0) : beta * c[j];
  }
}

// One product by the chosen rung; the arguments are already checked.
void run_rung(Variant variant, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
              const Matrix<const float>& A, const Matrix<const float>& B, float beta,
              const Matrix<float>& C) {
  if (M == 0 || N == 0) return;
  if (K == 0 || alpha == 0.0f) return scale(M, N, beta, C);
  switch (variant) {
    case Variant::naive:
      return sgemm_naive(M, N, K, alpha, A, B, beta, C);
    case Variant::loop_order:
      return sgemm_loop_order(M, N, K, alpha, A, B, beta, C);
    case Variant::blocked:
      return gemm_blocked<float>(M, N, K, alpha, A, B, beta, C);
    case Variant::packed:
      return gemm_packed(scalar_microkernels(), 1, M, N, K, alpha, A, B, beta, C);
    case Variant::packed_simd:
      return gemm_packed(best_microkernels(), 1, M, N, K, alpha, A, B, beta, C);
    case Variant::threaded:
      return sgemm_dispatched(M, N, K, alpha, A, B, beta, C);
  }
  fail<ValueError>("sgemm: unknown variant ", static_cast<int>(variant));
}

// One product whose arguments are checked: sgemm, and sgemm_batched with a batch of one (as the
// tensor op calls it). The default rung with nothing trivial about it goes straight to the
// dispatcher, one call frame and one switch fewer: the smallest products are short enough for that
// to show.
inline void one_product(Variant variant, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                        const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                        const Matrix<float>& C) {
  if (variant == Variant::threaded && M > 0 && N > 0 && K > 0 && alpha != 0.0f)
    return sgemm_dispatched(M, N, K, alpha, A, B, beta, C);
  run_rung(variant, M, N, K, alpha, A, B, beta, C);
}

}  // namespace

const char* variant_name(Variant v) {
  switch (v) {
    case Variant::naive:
      return "naive";
    case Variant::loop_order:
      return "loop_order";
    case Variant::blocked:
      return "blocked";
    case Variant::packed:
      return "packed";
    case Variant::packed_simd:
      return "packed_simd";
    case Variant::threaded:
      return "threaded";
  }
  return "unknown";
}

const char* simd_kernel_name() { return best_microkernels().name; }

void sgemm(Variant variant, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
           const Matrix<const float>& A, const Matrix<const float>& B, float beta, const Matrix<float>& C) {
  check_arguments("sgemm", M, N, K, A, B, C);
  one_product(variant, M, N, K, alpha, A, B, beta, C);
}

void sgemm(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, const Matrix<const float>& A,
           const Matrix<const float>& B, float beta, const Matrix<float>& C) {
  sgemm(Variant::threaded, M, N, K, alpha, A, B, beta, C);
}

void sgemm_batched(Variant variant, std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K,
                   float alpha, const Matrix<const float>& A, std::int64_t sa, const Matrix<const float>& B,
                   std::int64_t sb, float beta, const Matrix<float>& C, std::int64_t sc) {
  if (batch < 0) fail<ValueError>("sgemm_batched: batch must not be negative, got ", batch);
  check_arguments("sgemm_batched", M, N, K, A, B, C);
  if (batch == 1) return one_product(variant, M, N, K, alpha, A, B, beta, C);  // the common case
  if (variant == Variant::threaded &&
      sgemm_batched_dispatched(batch, M, N, K, alpha, A, sa, B, sb, beta, C, sc))
    return;
  for (std::int64_t p = 0; p < batch; ++p) {
    run_rung(variant, M, N, K, alpha, {A.data + p * sa, A.row_stride, A.col_stride},
             {B.data + p * sb, B.row_stride, B.col_stride}, beta, {C.data + p * sc, C.row_stride, 1});
  }
}

void sgemm_batched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                   const Matrix<const float>& A, std::int64_t sa, const Matrix<const float>& B,
                   std::int64_t sb, float beta, const Matrix<float>& C, std::int64_t sc) {
  sgemm_batched(Variant::threaded, batch, M, N, K, alpha, A, sa, B, sb, beta, C, sc);
}

void sgemm_epilogue(std::int64_t M, std::int64_t N, std::int64_t K, const Matrix<const float>& A,
                    const Matrix<const float>& B, const Matrix<float>& C,
                    const kernels::Epilogue<float>& epilogue) {
  check_arguments("sgemm_epilogue", M, N, K, A, B, C);
  if (epilogue.columns != N)
    fail<ValueError>("sgemm_epilogue: the epilogue is for rows of ", epilogue.columns,
                     " columns, but C has N = ", N);
  if (M == 0 || N == 0) return;
  if (K > 0) return sgemm_dispatched(M, N, K, 1.0f, A, B, 0.0f, C, /*alone=*/false, &epilogue);
  scale(M, N, 0.0f, C);  // an empty sum: C = epilogue(0)
  kernels::epilogue_bias(epilogue, C.data, C.row_stride, 0, M, N);
  kernels::epilogue_finish(epilogue, C.data, C.row_stride, 0, 0, M, N);
}

// float64: the blocked loops of rung 3, for gradient checks (correct and reasonably fast).
void dgemm(std::int64_t M, std::int64_t N, std::int64_t K, double alpha, const Matrix<const double>& A,
           const Matrix<const double>& B, double beta, const Matrix<double>& C) {
  check_arguments("dgemm", M, N, K, A, B, C);
  if (M == 0 || N == 0) return;
  if (K == 0 || alpha == 0.0) return scale(M, N, beta, C);
  gemm_blocked<double>(M, N, K, alpha, A, B, beta, C);
}

void dgemm_batched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, double alpha,
                   const Matrix<const double>& A, std::int64_t sa, const Matrix<const double>& B,
                   std::int64_t sb, double beta, const Matrix<double>& C, std::int64_t sc) {
  if (batch < 0) fail<ValueError>("dgemm_batched: batch must not be negative, got ", batch);
  check_arguments("dgemm_batched", M, N, K, A, B, C);
  for (std::int64_t p = 0; p < batch; ++p) {
    dgemm(M, N, K, alpha, {A.data + p * sa, A.row_stride, A.col_stride},
          {B.data + p * sb, B.row_stride, B.col_stride}, beta, {C.data + p * sc, C.row_stride, 1});
  }
}

}  // namespace sf::gemm
