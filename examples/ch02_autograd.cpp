// ch02_autograd: the autograd examples of chapter 2 (docs/02-autograd.md).
//
// A small graph and its gradients; the softmax Jacobian on the lecture's scores, scaled (14, 12)
// and unscaled (112, 96); a gradient check of self-attention on "I am good"; and an op written with
// a wrong backward, caught by the check.
#include <cmath>
#include <iomanip>
#include <iostream>

#include "core/core.hpp"

using namespace sf;

// [doc:wrong-op]
// A matmul whose backward forgets a transpose (dA = dC·B instead of dC·Bᵀ). Written exactly like
// the real ops in core/ops/: saved tensors as fields, the forward records the node, backward below.
struct SloppyMatMul final : Node {
  SavedTensor a{this}, b{this};
  const char* name() const override { return "sloppy_matmul"; }
  std::vector<Tensor> backward(const Tensor& dout) override {
    return {matmul(dout, b.get()), matmul(a.get().transpose(0, 1), dout)};  // first term is wrong
  }
};

Tensor sloppy_matmul(const Tensor& a, const Tensor& b) {
  Tensor out;
  {
    NoGradGuard no_grad;  // compute the value without recording the real matmul
    out = matmul(a, b);
  }
  if (auto node = record<SloppyMatMul>(out, {a, b})) {
    node->a.save(a);
    node->b.save(b);
  }
  return out;
}
// [doc:end]

namespace {

void section_graph() {
  std::cout << "=== graph ===\n";
  // [doc:graph]
  Tensor w = scalar_tensor(2.0, {.requires_grad = true}).set_name("w");
  Tensor b = scalar_tensor(1.0, {.requires_grad = true}).set_name("b");
  Tensor x = scalar_tensor(3.0).set_name("x");  // an input: no gradient wanted
  Tensor h = (w * x + b).set_name("h");         // h = 7
  Tensor loss = (h * h).set_name("loss");       // h is used twice: its gradients add up
  loss.backward();
  std::cout << "loss = " << loss.item() << ", dloss/dw = " << w.grad().item()
            << ", dloss/db = " << b.grad().item() << '\n';
  // [doc:end]
  std::cout << "=== mermaid ===\n" << to_mermaid(loss);
}

void section_jacobian() {
  std::cout << "=== jacobian ===\n";
  // [doc:jacobian]
  // The Jacobian of p = softmax(s) is J = diag(p) - p·pᵀ. Autograd gives it row by row: the
  // gradient of p_i with respect to s is row i of J.
  for (const std::vector<double>& raw : {std::vector<double>{14, 12}, std::vector<double>{112, 96}}) {
    Tensor s = tensor(raw, {.dtype = kFloat64, .requires_grad = true});
    Tensor p = softmax(s, 0);
    std::cout << std::defaultfloat << std::setprecision(7) << "scores (" << raw[0] << ", " << raw[1]
              << ") → p = (" << p[0].item() << ", " << p[1].item() << ")\n";
    for (int i = 0; i < 2; ++i) {
      s.set_grad(Tensor());  // start each row from zero
      p[i].backward({}, /*retain_graph=*/true);
      const auto row = s.grad().to_vector<double>();
      std::cout << std::scientific << std::setprecision(4) << "  J[" << i << "] = (" << row[0] << ", "
                << row[1] << ")\n"
                << std::fixed;
    }
  }
  // [doc:end]
}

/// Returns the generator, as the next section goes on drawing from it.
Generator section_gradcheck() {
  std::cout << "=== gradcheck ===\n";
  // [doc:gradcheck]
  // Self-attention on "I am good" (3 tokens × 2 features) with learned W_q, W_k, W_v, checked
  // against finite differences with respect to the input and all three weights.
  Generator gen(2);
  Tensor X = tensor({0.2, 0.1, 0.9, 0.4, 0.7, 0.8}, {3, 2}, {.dtype = kFloat64, .requires_grad = true});
  Tensor Wq = randn({2, 2}, gen, {.dtype = kFloat64, .requires_grad = true});
  Tensor Wk = randn({2, 2}, gen, {.dtype = kFloat64, .requires_grad = true});
  Tensor Wv = randn({2, 2}, gen, {.dtype = kFloat64, .requires_grad = true});
  auto attention = [](const std::vector<Tensor>& in) {
    const Tensor q = matmul(in[0], in[1]), k = matmul(in[0], in[2]), v = matmul(in[0], in[3]);
    return matmul(softmax(matmul(q, k.transpose(0, 1)) / std::sqrt(2.0), -1), v);
  };
  GradcheckResult r = gradcheck(attention, {X, Wq, Wk, Wv}, {.name = "self-attention"});
  std::cout << "self-attention: " << (r.passed ? "passed" : "FAILED") << '\n';
  // [doc:end]
  return gen;
}

// The same check catches a wrong backward.
void section_caught(Generator& gen) {
  std::cout << "=== caught ===\n";
  GradcheckResult r;
  // [doc:caught]
  Tensor A = randn({3, 3}, gen, {.dtype = kFloat64, .requires_grad = true}).set_name("A");
  Tensor B = randn({3, 3}, gen, {.dtype = kFloat64, .requires_grad = true}).set_name("B");
  r = gradcheck([](const std::vector<Tensor>& in) { return sloppy_matmul(in[0], in[1]); }, {A, B},
                {.name = "sloppy_matmul"});
  std::cout << r.report << '\n';
  // [doc:end]
}

}  // namespace

int main() {
  std::cout << std::fixed << std::setprecision(4);

  section_graph();
  section_jacobian();
  Generator gen = section_gradcheck();
  section_caught(gen);
  return 0;
}
