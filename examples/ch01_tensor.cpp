// ch01_tensor: the tensor examples of chapter 1 (docs/01-tensor.md).
//
// Storage, shape and strides; the lectures' head split (view → transpose) next to the wrong split
// that mixes tokens; why merging heads back needs contiguous(); TensorFlow's head folding; and
// lecture 003's broadcast trick, which is a matrix product in disguise.
#include <iostream>

#include "core/core.hpp"

using namespace sf;

namespace {

void section_storage() {
  std::cout << "=== storage ===\n";
  // [doc:storage]
  Tensor t = arange(12, {.dtype = kInt64}).view({3, 4});  // 3 tokens, d_model = 4
  std::cout << t << "\nstrides " << t.strides() << '\n';
  Tensor row = t[1];  // a view: same storage, offset 4
  row.fill_(-1);      // writing through the view changes t
  std::cout << "row 1 has offset " << row.offset() << "; after row.fill_(-1):\n" << t << '\n';
  // [doc:end]
}

void section_split() {
  std::cout << "=== split ===\n";
  // [doc:split]
  // One sentence (B = 1) of L = 3 tokens, d_model = 4, split into h = 2 heads of d_k = 2.
  Tensor x = tensor({0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}, {1, 3, 4}, {.dtype = kInt64});
  Tensor v = x.view({1, 3, 2, 2});   // [B, L, h, d_k]: each token's features cut in two
  Tensor heads = v.transpose(1, 2);  // [B, h, L, d_k]: no copy, only strides change
  std::cout << "view " << v.shape() << " strides " << v.strides() << '\n';
  std::cout << "transpose " << heads.shape() << " strides " << heads.strides() << '\n';
  std::cout << "head 0:\n" << heads[0][0] << "\nhead 1:\n" << heads[0][1] << '\n';
  // The wrong split views [B, L, d_model] directly as [B, h, L, d_k]: head 0 gets token 0 and half
  // of token 1.
  Tensor wrong = x.view({1, 2, 3, 2});
  std::cout << "wrong head 0:\n" << wrong[0][0] << '\n';
  // [doc:end]
}

void section_concat() {
  std::cout << "=== concat ===\n";
  // [doc:concat]
  Tensor out = arange(12, {.dtype = kInt64}).view({1, 2, 3, 2});  // attention output per head: [B, h, L, d_k]
  Tensor back = out.transpose(1, 2);                              // [B, L, h, d_k], strides [12, 2, 6, 1]
  std::cout << "transposed back: strides " << back.strides() << ", contiguous: " << back.is_contiguous()
            << '\n';
  try {
    back.view({1, 3, 4});
  } catch (const ShapeError& e) {
    std::cout << "view fails: " << e.what() << '\n';
  }
  Tensor merged = back.contiguous().view({1, 3, 4});  // copy into row-major order, then view
  std::cout << "contiguous().view():\n" << merged << '\n';
  // [doc:end]
}

void section_fold() {
  std::cout << "=== fold ===\n";
  // [doc:fold]
  // TensorFlow's version folds the heads into the batch: split along the features, then concat
  // along axis 0. For N = 2 sentences, h = 2: [2, T, 4] → [4, T, 2], ordered h0b0, h0b1, h1b0, h1b1.
  Tensor q = arange(24, {.dtype = kInt64}).view({2, 3, 4});
  Tensor folded = concat(chunk(q, 2, 2), 0);
  std::cout << "folded " << folded.shape() << "; folded[1] is head 0 of sentence 1:\n" << folded[1] << '\n';
  // [doc:end]
}

void section_broadcast() {
  std::cout << "=== broadcast ===\n";
  // [doc:broadcast]
  // Lecture 003 weights each value row by hand: (3, 3, 1) * (3, 1, 3) → (3, 3, 3), summed over the
  // keys. That is exactly the matrix product A·V. Its unscaled 4 → 3 toy (chapter 5 scales it):
  Tensor scores = tensor({2, 4, 4, 4, 16, 12, 4, 12, 10}, {3, 3});  // Q·Kᵀ
  Tensor V = tensor({1, 2, 3, 2, 8, 0, 2, 6, 3}, {3, 3});
  Tensor A = softmax(scores, -1);
  Tensor weighted = A.transpose(0, 1).unsqueeze(2) * V.unsqueeze(1);  // [key, query, feature]
  std::cout << "broadcast " << weighted.shape() << ", summed over keys:\n" << sum(weighted, 0) << '\n';
  std::cout << "A·V:\n" << matmul(A, V) << '\n';
  // [doc:end]
}

}  // namespace

int main() {
  std::cout << std::boolalpha;
  section_storage();
  section_split();
  section_concat();
  section_fold();
  section_broadcast();
  return 0;
}
