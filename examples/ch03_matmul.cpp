// ch03_matmul: the matrix-product examples of chapter 3 (docs/03-matmul.md).
//
// What one attention layer costs in flops (h heads cost what one wide head costs); all the words of
// a sentence in one product; eight per-head products against one wide one; Q·Kᵀ read through
// swapped strides; how packing lays out a panel; every rung of the ladder against the naive loop and
// float64; the same bits on any number of threads and with any microkernel; the backward products
// and the batch fold. Everything it prints is deterministic (the test compares it with
// expected/ch03_matmul.txt). The timings of the same products on this machine are another program,
// ch03_matmul_bench.cpp, because they depend on the machine.
#include "examples/ch03_matmul.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "core/gemm/gemm.hpp"
#include "core/gemm/ladder.hpp"  // internal: the rungs and microkernel sets, to compare them (as the tests do)
#include "core/gemm/pack.hpp"    // internal: the packing template, to show its layout
#include "core/parallel/thread_pool.hpp"
#include "examples/common/measure.hpp"

using namespace sf;
using namespace ch03;
using sf::examples::max_difference;
using sf::gemm::Matrix;

namespace {

bool same_bits(std::span<const float> x, std::span<const float> y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), sizeof(float) * x.size()) == 0;
}

// A check that must hold prints "yes" (or "NO", which the test would catch); a plain property "yes"/"no".
const char* yes_no(bool b) { return b ? "yes" : "NO"; }
const char* yes_no_plain(bool b) { return b ? "yes" : "no"; }

// 37748736 → "37,748,736".
std::string grouped(i64 n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// C = A·B, row-major A [M, K] and B [K, N] (or B stored [N, K] and read transposed), with one rung.
Floats product(Variant v, i64 M, i64 N, i64 K, const Floats& A, const Floats& B, bool b_transposed = false) {
  Floats C(static_cast<std::size_t>(M * N));
  const Matrix<const float> b =
      b_transposed ? Matrix<const float>{B.data(), 1, K} : Matrix<const float>{B.data(), N, 1};
  gemm::sgemm(v, M, N, K, 1.0f, {A.data(), K, 1}, b, 0.0f, {C.data(), N, 1});
  return C;
}

void print_flops() {
  // [doc:flops]
  // One self-attention layer on one sentence of L tokens, d_model = 512, h heads of d_k = 512/h.
  const i64 d = 512;
  for (i64 L : {24, 512})
    for (i64 h : {1, 8}) {
      const i64 d_k = d / h;
      const i64 projections = 3 * flops(L, d, d);  // Q, K, V: [L, d]·[d, d]
      const i64 scores = h * flops(L, L, d_k);     // per head: [L, d_k]·[d_k, L]
      const i64 mixing = h * flops(L, d_k, L);     // per head: [L, L]·[L, d_k]
      const i64 output = flops(L, d, d);           // W^O: [L, d]·[d, d]
      const i64 total = projections + scores + mixing + output;
      std::cout << "L = " << std::setw(3) << L << ", h = " << h << ": projections " << grouped(projections)
                << ", scores " << grouped(scores) << ", A·V " << grouped(mixing) << ", W^O "
                << grouped(output) << ", total " << grouped(total) << " (L² terms " << std::fixed
                << std::setprecision(1) << 100.0 * double(scores + mixing) / double(total) << "%)\n"
                << std::defaultfloat;
    }
  // [doc:end]
}

void print_words() {
  // [doc:words]
  // Lecture 001: all the words at once. Project L = 24 words of d = 512 features with one
  // [24, 512]·[512, 512] product, then again one word at a time (24 products [1, 512]·[512, 512]).
  const i64 L = 24, d = 512;
  const Floats X = random_floats(L * d, 1), W = random_floats(d * d, 2);
  Floats at_once(L * d), word_by_word(L * d);
  gemm::sgemm(L, d, d, 1.0f, {X.data(), d, 1}, {W.data(), d, 1}, 0.0f, {at_once.data(), d, 1});
  for (i64 i = 0; i < L; ++i)  // row i of X·W needs row i of X and nothing else
    gemm::sgemm(1, d, d, 1.0f, {X.data() + i * d, d, 1}, {W.data(), d, 1}, 0.0f,
                {word_by_word.data() + i * d, d, 1});
  std::cout << "one [24, 512]·[512, 512] product and 24 products [1, 512]·[512, 512]: same bits: "
            << yes_no(same_bits(at_once, word_by_word)) << "\nW (" << d * d * 4 / (1 << 20)
            << " MiB) is read "
            << "once instead of " << L << " times; the flops are the same: " << grouped(flops(L, d, d))
            << '\n';
  // [doc:end]
}

void print_heads() {
  // [doc:heads]
  // W^Q is the eight heads' W_i^Q [512, 64] side by side. Product i of the eight small ones reads
  // columns 64i..64i+63 of W^Q (a strided view, no copy) and writes the same columns of Q.
  const i64 d = 512, h = 8, d_k = d / h;
  for (i64 L : {24, 512}) {
    const Floats X = random_floats(L * d, 3), Wq = random_floats(d * d, 4);
    Floats one(L * d), eight(L * d);
    gemm::sgemm(L, d, d, 1.0f, {X.data(), d, 1}, {Wq.data(), d, 1}, 0.0f, {one.data(), d, 1});
    for (i64 i = 0; i < h; ++i)
      gemm::sgemm(L, d_k, d, 1.0f, {X.data(), d, 1}, {Wq.data() + i * d_k, d, 1}, 0.0f,
                  {eight.data() + i * d_k, d, 1});
    std::cout << "L = " << std::setw(3) << L << ": 8 × [" << L
              << ", 512]·[512, 64] = " << grouped(h * flops(L, d_k, d)) << " flops, 1 × [" << L
              << ", 512]·[512, 512] = " << grouped(flops(L, d, d))
              << " flops, same bits: " << yes_no(same_bits(one, eight)) << '\n';
  }
  // [doc:end]
}

void print_transpose() {
  // [doc:transpose]
  // Q·Kᵀ for one head of L = 5 tokens and d_k = 4. K.transpose(0, 1) is a view: the same storage
  // with its two strides swapped, and matmul passes those strides to the kernel.
  Generator gen(5);
  const Tensor Q = rand({5, 4}, gen), K = rand({5, 4}, gen);
  const Tensor Kt = K.transpose(0, 1);  // [4, 5]
  std::cout << "K " << K.shape() << " strides " << K.strides() << "; Kᵀ " << Kt.shape() << " strides "
            << Kt.strides() << ", contiguous: " << yes_no_plain(Kt.is_contiguous())
            << ", same storage as K: " << yes_no(Kt.storage() == K.storage()) << '\n';
  const Tensor S = matmul(Q, Kt), S_copy = matmul(Q, Kt.contiguous());
  std::cout << "Q·Kᵀ " << S.shape() << " read in place and from a contiguous copy of Kᵀ: same bits: "
            << yes_no(same_bits(S.to_vector<float>(), S_copy.to_vector<float>())) << '\n';
  // [doc:end]
}

void print_panels(const Floats& packed, i64 W, i64 kc) {
  for (i64 p = 0; p * W * kc < static_cast<i64>(packed.size()); ++p) {
    std::cout << "  panel " << p << ':';
    for (i64 k = 0; k < kc; ++k) {
      std::cout << "  k=" << k << ':';
      for (i64 i = 0; i < W; ++i)
        std::cout << ' ' << std::setw(2) << int(packed[static_cast<std::size_t>((p * kc + k) * W + i)]);
    }
    std::cout << '\n';
  }
}

void print_pack() {
  // [doc:pack]
  // pack.hpp's pack_panels with panels W = 4 rows high (the real MR is 12, too wide to print).
  // A is 5 × 3, row-major, element (i, k) = 10·(i+1) + (k+1). Two panels: the k-th column of a
  // panel is stored as 4 consecutive floats, and the rows past 5 are zeros.
  constexpr int W = 4;
  const i64 rows = 5, kc = 3;
  Floats A(rows * kc);
  for (i64 i = 0; i < rows; ++i)
    for (i64 k = 0; k < kc; ++k) A[i * kc + k] = float(10 * (i + 1) + (k + 1));
  Floats packed_a(2 * W * kc);
  gemm::pack_panels<W>(rows, kc, A.data(), /*stride_r=*/kc, /*stride_k=*/1, packed_a.data());
  std::cout << "A [5, 3] packed into panels of 4 rows:\n";
  print_panels(packed_a, W, kc);
  // B's columns are packed as if they were rows: pack(n, kc, b, col_stride, row_stride). For
  // Q·Kᵀ, B = Kᵀ and K [5, 3] is stored row-major, so B's column j is K's row j: the same floats as A.
  Floats packed_kt(2 * W * kc), B(kc * rows), packed_b(2 * W * kc);
  const Matrix<const float> Kt{A.data(), 1, kc};  // Kᵀ [3, 5]: row stride 1, column stride 3
  gemm::pack_panels<W>(rows, kc, Kt.data, Kt.col_stride, Kt.row_stride, packed_kt.data());
  for (i64 k = 0; k < kc; ++k)
    for (i64 j = 0; j < rows; ++j) B[k * rows + j] = A[j * kc + k];  // the same Kᵀ, stored row-major
  gemm::pack_panels<W>(rows, kc, B.data(), /*col_stride=*/1, /*row_stride=*/rows, packed_b.data());
  std::cout << "B = Kᵀ read through strides (1, 3), and a row-major copy of it, packed: same bytes: "
            << yes_no(same_bits(packed_kt, packed_b))
            << "; same as A's panels: " << yes_no(same_bits(packed_kt, packed_a)) << '\n';
  // [doc:end]
}

// The largest and the mean |x[i] - y[i]| (y in double).
double max_error(const Floats& x, const std::vector<double>& y) {
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(double(x[i]) - y[i]));
  return worst;
}
double mean_error(const Floats& x, const std::vector<double>& y) {
  double total = 0;
  for (std::size_t i = 0; i < x.size(); ++i) total += std::fabs(double(x[i]) - y[i]);
  return total / double(x.size());
}

void print_ladder_check() {
  // [doc:ladder-check]
  // Every rung on one product that fits no block size (M = 100, N = 70, K = 300, B read transposed
  // as in Q·Kᵀ), against the naive loop and against the same sum done in float64.
  const i64 M = 100, N = 70, K = 300;
  const Floats A = random_floats(M * K, 6), B = random_floats(N * K, 7);  // B stored [N, K]
  std::vector<double> exact(M * N), naive_d(M * N);
  for (i64 i = 0; i < M; ++i)
    for (i64 j = 0; j < N; ++j)
      for (i64 k = 0; k < K; ++k) exact[i * N + j] += double(A[i * K + k]) * double(B[j * K + k]);
  const Floats naive = product(Variant::naive, M, N, K, A, B, true);
  for (std::size_t i = 0; i < naive.size(); ++i) naive_d[i] = naive[i];
  std::vector<Floats> C;
  for (Variant v : kLadder) C.push_back(product(v, M, N, K, A, B, true));
  std::cout << "rung          max |C - naive|   max |C - float64|   mean |C - float64|"
               "   same bits as naive   as packed\n";
  for (std::size_t r = 0; r < C.size(); ++r)
    std::cout << std::left << std::setw(13) << gemm::variant_name(kLadder[r]) << std::right << std::scientific
              << std::setprecision(2) << std::setw(16) << max_error(C[r], naive_d)  //
              << std::setw(20) << max_error(C[r], exact) << std::setw(21) << mean_error(C[r], exact)
              << std::setw(21) << yes_no_plain(same_bits(C[r], C[0]))           // C[0]: naive
              << std::setw(12) << yes_no_plain(same_bits(C[r], C[3])) << '\n';  // C[3]: packed
  std::cout << std::defaultfloat;
  // [doc:end]
}

// The kernel set with this name; the caller has checked that the CPU runs it.
const gemm::Microkernels& kernel_set(const char* name) {
#if defined(__x86_64__)
  if (std::strcmp(name, "avx2") == 0) return gemm::avx2_microkernels();
  if (std::strcmp(name, "avx512") == 0) return gemm::avx512_microkernels();
#endif
  return gemm::scalar_microkernels();
}

void print_threads() {
  // [doc:threads]
  // The threaded rung on 1, 2 and 3 threads: a product large enough to be split among them, and 37
  // attention-sized products, which are shared out whole. Then every microkernel this CPU can run
  // (scalar, AVX2, AVX-512), each with its own tile shape, against the scalar one.
  const int saved = num_threads();
  const i64 M = 301, N = 203, K = 517;
  const Floats A = random_floats(M * K, 8), B = random_floats(K * N, 9);
  const i64 P = 37, L = 24, d_k = 32;
  const Floats Q = random_floats(P * L * d_k, 10), Kh = random_floats(P * L * d_k, 11);
  std::vector<Floats> big, batched;
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    big.push_back(product(Variant::threaded, M, N, K, A, B));
    Floats S(P * L * L);  // S_p = Q_p·K_pᵀ, p = 0..36
    gemm::sgemm_batched(P, L, L, d_k, 1.0f, {Q.data(), d_k, 1}, L * d_k, {Kh.data(), 1, d_k}, L * d_k, 0.0f,
                        {S.data(), L, 1}, L * L);
    batched.push_back(S);
  }
  set_num_threads(saved);
  std::cout << "[301, 517]·[517, 203] on 1, 2, 3 threads: same bits: "
            << yes_no(same_bits(big[0], big[1]) && same_bits(big[0], big[2]))
            << "\n37 × [24, 32]·[32, 24] on 1, 2, 3 threads: same bits: "
            << yes_no(same_bits(batched[0], batched[1]) && same_bits(batched[0], batched[2])) << '\n';
  bool all_same = true;
  Floats reference;
  for (const char* name : {"scalar", "avx2", "avx512"}) {
    if (!gemm::cpu_supports(name)) continue;
    Floats C(M * N);
    gemm::gemm_packed(kernel_set(name), 1, M, N, K, 1.0f, {A.data(), K, 1}, {B.data(), N, 1}, 0.0f,
                      {C.data(), N, 1});
    if (reference.empty()) reference = C;
    all_same = all_same && same_bits(C, reference);
  }
  std::cout << "every microkernel this CPU runs gives the scalar kernel's bits: " << yes_no(all_same) << '\n';
  // [doc:end]
}

void print_backward() {
  // [doc:backward]
  // A Linear-like product on a batch: X [B = 4, L = 6, d = 8] times W [8, 5]. matmul folds the batch
  // into one [24, 8]·[8, 5] product, so the backward's dW = Xᵀ·dY is one [8, 24]·[24, 5] product
  // whose sum over k runs over all 24 rows: the gradient comes out summed over the batch.
  Generator gen(12);
  const Tensor X = rand({4, 6, 8}, gen, {.dtype = kFloat64}).requires_grad_();
  const Tensor W = rand({8, 5}, gen, {.dtype = kFloat64}).requires_grad_();
  const Tensor R = rand({4, 6, 5}, gen, {.dtype = kFloat64});  // a fixed random projection: dY = R
  sum(matmul(X, W) * R).backward();
  Tensor dW_by_sentence = zeros({8, 5}, {.dtype = kFloat64});
  for (i64 b = 0; b < 4; ++b) dW_by_sentence = dW_by_sentence + matmul(X[b].transpose(0, 1), R[b]);
  std::cout << "dX " << X.grad().shape() << " = dY·Wᵀ: max |difference| "
            << max_difference(X.grad(), matmul(R, W.transpose(0, 1))) << "\ndW " << W.grad().shape()
            << " = Xᵀ·dY, against the sum of 4 per-sentence products: max |difference| "
            << max_difference(W.grad(), dW_by_sentence) << '\n';
  // [doc:end]
}

}  // namespace

int main(int argc, char**) {
  if (argc > 1) {
    std::cerr << "usage: ch03_matmul (no arguments; the timings are ch03_matmul_bench)\n";
    return 2;
  }
  std::cout << "=== flops ===\n";
  print_flops();
  std::cout << "=== words ===\n";
  print_words();
  std::cout << "=== heads ===\n";
  print_heads();
  std::cout << "=== transpose ===\n";
  print_transpose();
  std::cout << "=== pack ===\n";
  print_pack();
  std::cout << "=== ladder ===\n";
  print_ladder_check();
  std::cout << "=== threads ===\n";
  print_threads();
  std::cout << "=== backward ===\n";
  print_backward();
  return 0;
}
