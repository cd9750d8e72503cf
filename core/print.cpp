// print.cpp: printing tensors the way PyTorch does, so a student can compare the two side by side.
//
//   tensor([[ 0.2000,  0.1000],
//           [ 0.9000, -0.4000]], shape=[2, 2], dtype=float32, requires_grad=true)
//
// Every element gets the same width; tensors with more than 1000 elements show only the first
// and last three entries of each axis, with "..." in between.
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <vector>

#include "core/autograd.hpp"
#include "core/tensor.hpp"

namespace sf {
namespace {

constexpr std::int64_t kSummarizeAbove = 1000;
constexpr std::int64_t kEdgeItems = 3;

struct Printer {
  const Tensor& t;
  int precision;
  bool summarize;
  bool scientific = false;
  std::size_t width = 0;

  double value(std::int64_t offset) const {
    return dispatch_all(t.dtype(), [&]<class T>() {
      return static_cast<double>(static_cast<T*>(t.storage()->data())[t.offset() + offset]);
    });
  }

  std::string format(double v) const {
    std::ostringstream os;
    if (t.dtype() == kBool) {
      os << (v != 0 ? "true" : "false");
    } else if (t.dtype() == kInt64) {
      os << static_cast<std::int64_t>(v);
    } else if (scientific) {
      os << std::scientific << std::setprecision(precision) << v;
    } else {
      os << std::fixed << std::setprecision(precision) << v;
    }
    return os.str();
  }

  /// Calls f(offset) for every element that will be shown.
  template <class F>
  void visit(std::int64_t dim, std::int64_t offset, F& f) const {
    if (dim == t.dim()) {
      f(offset);
      return;
    }
    const std::int64_t n = t.size(dim);
    for (std::int64_t i = 0; i < n; ++i) {
      if (summarize && n > 2 * kEdgeItems && i == kEdgeItems) i = n - kEdgeItems;
      visit(dim + 1, offset + i * t.strides()[dim], f);
    }
  }

  void prepare() {
    double largest = 0, smallest = INFINITY;
    auto scan = [&](std::int64_t off) {
      const double v = std::fabs(value(off));
      if (std::isfinite(v)) {
        largest = std::max(largest, v);
        if (v > 0) smallest = std::min(smallest, v);
      }
    };
    visit(0, 0, scan);
    scientific = is_floating(t.dtype()) && (largest >= 1e8 || (smallest < 1e-4 && smallest > 0));
    auto measure = [&](std::int64_t off) { width = std::max(width, format(value(off)).size()); };
    visit(0, 0, measure);
  }

  void print(std::ostream& os, std::int64_t dim, std::int64_t offset, int indent) const {
    if (dim == t.dim()) {
      const std::string s = format(value(offset));
      os << std::string(width - s.size(), ' ') << s;
      return;
    }
    os << '[';
    const std::int64_t n = t.size(dim);
    for (std::int64_t i = 0; i < n; ++i) {
      if (summarize && n > 2 * kEdgeItems && i == kEdgeItems) {
        os << (dim + 1 == t.dim() ? "..., "
                                  : "...,\n" + std::string(static_cast<std::size_t>(indent + 1), ' '));
        i = n - kEdgeItems;
      }
      print(os, dim + 1, offset + i * t.strides()[dim], indent + 1);
      if (i + 1 < n) {
        if (dim + 1 == t.dim()) {
          os << ", ";
        } else {
          // A blank line between blocks of 3-D and higher tensors, as PyTorch prints them.
          os << ',' << std::string(static_cast<std::size_t>(t.dim() - dim - 1), '\n')
             << std::string(static_cast<std::size_t>(indent + 1), ' ');
        }
      }
    }
    os << ']';
  }
};

}  // namespace

std::string to_string(const Tensor& t, int precision) {
  if (!t.defined()) return "tensor(undefined)";
  std::ostringstream os;
  os << "tensor(";
  Printer p{t, precision, t.numel() > kSummarizeAbove};
  if (t.numel() == 0) {
    os << "[]";
  } else {
    p.prepare();
    p.print(os, 0, 0, static_cast<int>(std::string("tensor(").size()));
  }
  os << ", shape=" << t.shape() << ", dtype=" << dtype_name(t.dtype());
  if (t.grad_fn()) {
    os << ", grad_fn=<" << t.grad_fn()->name() << '>';
  } else if (t.requires_grad()) {
    os << ", requires_grad=true";
  }
  os << ')';
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << to_string(t); }

}  // namespace sf
