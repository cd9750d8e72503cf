// compare.cpp: comparisons and logic on tensors, giving bool masks.
#include "core/ops/compare.hpp"

#include "core/error.hpp"
#include "core/ops/loops.hpp"

namespace sf {
namespace {

template <class F>
Tensor compare(const Tensor& a, const Tensor& b, const char* op, F f) {
  if (a.dtype() != b.dtype())
    fail<TypeError>(op, ": dtypes differ: ", dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  return dispatch_all(a.dtype(), [&]<class T>() { return detail::map_binary<bool, T, T>(a, b, shape, f); });
}

using detail::scalar_like;

void check_bool(const Tensor& t, const char* op) {
  if (t.dtype() != kBool)
    fail<TypeError>(op, ": expected a bool tensor (a mask), got ", dtype_name(t.dtype()));
}

}  // namespace

Tensor eq(const Tensor& a, const Tensor& b) {
  return compare(a, b, "eq", [](auto x, auto y) { return x == y; });
}
Tensor ne(const Tensor& a, const Tensor& b) {
  return compare(a, b, "ne", [](auto x, auto y) { return x != y; });
}
Tensor lt(const Tensor& a, const Tensor& b) {
  return compare(a, b, "lt", [](auto x, auto y) { return x < y; });
}
Tensor le(const Tensor& a, const Tensor& b) {
  return compare(a, b, "le", [](auto x, auto y) { return x <= y; });
}
Tensor gt(const Tensor& a, const Tensor& b) {
  return compare(a, b, "gt", [](auto x, auto y) { return x > y; });
}
Tensor ge(const Tensor& a, const Tensor& b) {
  return compare(a, b, "ge", [](auto x, auto y) { return x >= y; });
}
Tensor eq(const Tensor& a, double b) { return eq(a, scalar_like(a, b)); }
Tensor ne(const Tensor& a, double b) { return ne(a, scalar_like(a, b)); }
Tensor lt(const Tensor& a, double b) { return lt(a, scalar_like(a, b)); }
Tensor le(const Tensor& a, double b) { return le(a, scalar_like(a, b)); }
Tensor gt(const Tensor& a, double b) { return gt(a, scalar_like(a, b)); }
Tensor ge(const Tensor& a, double b) { return ge(a, scalar_like(a, b)); }

Tensor logical_and(const Tensor& a, const Tensor& b) {
  check_bool(a, "logical_and");
  check_bool(b, "logical_and");
  return compare(a, b, "logical_and", [](bool x, bool y) { return x && y; });
}
Tensor logical_or(const Tensor& a, const Tensor& b) {
  check_bool(a, "logical_or");
  check_bool(b, "logical_or");
  return compare(a, b, "logical_or", [](bool x, bool y) { return x || y; });
}
Tensor logical_not(const Tensor& a) {
  check_bool(a, "logical_not");
  return detail::map_unary<bool, bool>(a, [](bool x) { return !x; });
}

bool any(const Tensor& mask) {
  check_bool(mask, "any");
  for (double v : mask.to_vector<double>())
    if (v != 0) return true;
  return false;
}
bool all(const Tensor& mask) {
  check_bool(mask, "all");
  for (double v : mask.to_vector<double>())
    if (v == 0) return false;
  return true;
}

}  // namespace sf
