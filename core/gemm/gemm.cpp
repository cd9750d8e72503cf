// gemm.cpp: the public entry points of gemm.hpp: argument checks, the empty cases, the choice of
// rung and of thread count, and the batched loops.
//
// The arithmetic lives elsewhere (one rung per file, see gemm.hpp's Variant). What is decided
// here: a product too small to repay waking a thread runs on the caller; a small product skips
// packing (small.cpp), and so does a few rows times a transposed weight (few_rows.cpp); a batch
// of small products (attention's per-head products) is split across threads by product rather
// than inside each one.
#include <algorithm>
#include <cstdlib>

#include "core/error.hpp"
#include "core/gemm/kernels.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf::gemm {
namespace {

// [doc:min-flops]
// Waking a sleeping worker costs 10-30 µs on this machine (a 2-vCPU virtual machine: the wake-up
// is an interrupt through the hypervisor), the time one core needs for 3-8 million flops. Below
// this many flops per thread a product (or a chunk of a batch) runs on the calling thread alone.
constexpr double kMinFlopsPerThread = 8.0e6;
// A small product (small.cpp) does not wait for a sleeping worker: workers help only if they are
// awake (one has just finished a task and still watches for the next). From this many flops on
// (8 µs on one core) it is offered to every thread. Q·Kᵀ at 128×128×64 (2.1 million flops) ran in
// 4.9-5.4 µs with help against 8.2-8.6 alone; in the stretches where the host puts the two vCPUs
// far apart, so that every cache line the two threads share costs more (OpenBLAS on two threads
// took 13-14 µs there, against 7), it still ran in 5.0-6.4 µs. It did not before each thread
// packed the panels of a transposed B it uses itself (small.cpp): reading the caller's packed copy
// from the other core made help 1.7 times slower than one thread there, and help started at 4
// million flops.
constexpr double kMinFlopsShared = 2.0e6;
// [doc:end]

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

// [doc:threads-for]
// How many threads a product of this size deserves.
int threads_for(double flops) {
  const double useful = flops / kMinFlopsPerThread;
  const int n = num_threads();
  return useful >= n ? n : useful < 1 ? 1 : static_cast<int>(useful);
}

// The work of a product, in flops of one core's time: its arithmetic, or, when its operands are too
// big for the L2 cache, the time to read them from memory, whichever is longer. One core reads about
// 15 GB/s from memory while it does about 250 GFLOP/s: a byte costs as much as 16 flops. Decoding one
// sentence multiplies one row by a 4 MiB weight matrix: 2 million flops, but some 300 µs of reading,
// well worth a second core (each core reads its own half of the columns).
double work_of(std::int64_t M, std::int64_t N, std::int64_t K) {
  const double flops = 2.0 * M * N * K;
  const double bytes = 4.0 * (double(M) * K + double(K) * N + double(M) * N);
  constexpr double kL2Bytes = 1 << 20, kFlopsPerByte = 16;
  return bytes > kL2Bytes ? std::max(flops, bytes * kFlopsPerByte) : flops;
}
// [doc:end]

// The default path for one product: a few rows times a transposed weight (decoding) read it in
// place (few_rows.cpp), small products skip packing (small.cpp), and the others go through the five
// loops. All three give the same bits. The small path comes first and costs the least to choose:
// a 32×32×32 product takes 0.3 µs, of which choosing a path had taken a tenth. A small product
// from kMinFlopsShared flops on takes help from awake workers, unless `alone` says it must not.
void best(std::int64_t M, std::int64_t N, std::int64_t K, float alpha, const Matrix<const float>& A,
          const Matrix<const float>& B, float beta, const Matrix<float>& C, bool alone = false) {
  const KernelSet& ks = best_kernels();
  const bool few_rows = few_rows_path_applies(ks, M, B);
  if (!few_rows && small_path_applies(ks, M, N, K)) {
    const int threads = alone || 2.0 * M * N * K < kMinFlopsShared ? 1 : num_threads();
    return gemm_small(ks, threads, M, N, K, alpha, A, B, beta, C);
  }
  const int threads = alone ? 1 : threads_for(work_of(M, N, K));
  if (few_rows) return gemm_few_rows(ks, threads, M, N, K, alpha, A, B, beta, C);
  gemm_packed(ks, threads, M, N, K, alpha, A, B, beta, C);
}

// One product by the chosen rung; the arguments are already checked.
void run(Variant variant, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
         const Matrix<const float>& A, const Matrix<const float>& B, float beta, const Matrix<float>& C) {
  if (M == 0 || N == 0) return;
  if (K == 0 || alpha == 0.0f) return scale(M, N, beta, C);
  switch (variant) {
    case Variant::naive: return sgemm_naive(M, N, K, alpha, A, B, beta, C);
    case Variant::loop_order: return sgemm_loop_order(M, N, K, alpha, A, B, beta, C);
    case Variant::blocked: return gemm_blocked<float>(M, N, K, alpha, A, B, beta, C);
    case Variant::packed: return gemm_packed(scalar_kernels(), 1, M, N, K, alpha, A, B, beta, C);
    case Variant::packed_simd: return gemm_packed(best_kernels(), 1, M, N, K, alpha, A, B, beta, C);
    case Variant::threaded: return best(M, N, K, alpha, A, B, beta, C);
  }
  fail<ValueError>("sgemm: unknown variant ", static_cast<int>(variant));
}

// One product whose arguments are checked: sgemm, and sgemm_batched with a batch of one (as the
// tensor op calls it). The default rung with nothing trivial about it goes straight to best(): one
// call frame and one switch fewer took a 32×32×32 product (0.26 µs) from 1.01-1.02 to 1.02-1.05
// times OpenBLAS.
inline void one_product(Variant variant, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                        const Matrix<const float>& A, const Matrix<const float>& B, float beta,
                        const Matrix<float>& C) {
  if (variant == Variant::threaded && M > 0 && N > 0 && K > 0 && alpha != 0.0f)
    return best(M, N, K, alpha, A, B, beta, C);
  run(variant, M, N, K, alpha, A, B, beta, C);
}

}  // namespace

const char* variant_name(Variant v) {
  switch (v) {
    case Variant::naive: return "naive";
    case Variant::loop_order: return "loop_order";
    case Variant::blocked: return "blocked";
    case Variant::packed: return "packed";
    case Variant::packed_simd: return "packed_simd";
    case Variant::threaded: return "threaded";
  }
  return "unknown";
}

const char* simd_kernel_name() { return best_kernels().name; }

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
  if (batch == 1) return one_product(variant, M, N, K, alpha, A, B, beta, C);  // (a 32³ product: 0.26 µs)
  auto product = [&](Variant v, std::int64_t p) {
    run(v, M, N, K, alpha, {A.data + p * sa, A.row_stride, A.col_stride}, {B.data + p * sb, B.row_stride, B.col_stride},
        beta, {C.data + p * sc, C.row_stride, 1});
  };
  auto product_single_thread = [&](std::int64_t p) {
    if (M == 0 || N == 0) return;
    Matrix<float> c{C.data + p * sc, C.row_stride, 1};
    if (K == 0 || alpha == 0.0f) return scale(M, N, beta, c);
    best(M, N, K, alpha, {A.data + p * sa, A.row_stride, A.col_stride},
         {B.data + p * sb, B.row_stride, B.col_stride}, beta, c, /*alone=*/true);
  };
  // [doc:batched-split]
  // Many small products: share out whole products (each run single-threaded), in runs of about
  // kFlopsPerTake flops (1 µs), taken from a counter by the caller and by any worker that is
  // awake or wakes up in time (parallel_share; the caller does not wait for a sleeping one). Not
  // when C is shared (sc == 0): then the products accumulate into one C, one after the other.
  const double flops = 2.0 * M * N * K;
  const int threads = num_threads();
  if (variant == Variant::threaded && threads > 1 && batch > 1 && sc != 0 && flops > 0 &&
      flops * batch >= kMinFlopsShared && (flops < kMinFlopsPerThread * threads || batch >= 2 * threads)) {
    const std::int64_t run = std::max<std::int64_t>(1, static_cast<std::int64_t>(kFlopsPerTake / flops));
    const std::int64_t runs = (batch + run - 1) / run;
    WorkCounter counter;
    parallel_share(threads, [&](const Team&) {
      for (std::int64_t r = counter.take(); r < runs; r = counter.take())
        for (std::int64_t p = r * run; p < std::min(batch, (r + 1) * run); ++p) product_single_thread(p);
    });
    return;
  }
  for (std::int64_t p = 0; p < batch; ++p) product(variant, p);
  // [doc:end]
}

void sgemm_batched(std::int64_t batch, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                   const Matrix<const float>& A, std::int64_t sa, const Matrix<const float>& B,
                   std::int64_t sb, float beta, const Matrix<float>& C, std::int64_t sc) {
  sgemm_batched(Variant::threaded, batch, M, N, K, alpha, A, sa, B, sb, beta, C, sc);
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
    dgemm(M, N, K, alpha, {A.data + p * sa, A.row_stride, A.col_stride}, {B.data + p * sb, B.row_stride, B.col_stride},
          beta, {C.data + p * sc, C.row_stride, 1});
  }
}

}  // namespace sf::gemm
