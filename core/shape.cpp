// shape.cpp: Dims, strides and the broadcasting rule.
#include "core/shape.hpp"

#include <algorithm>
#include <ostream>
#include <string>

#include "core/error.hpp"

namespace sf {

Dims::Dims(std::initializer_list<std::int64_t> values) {
  if (values.size() > kMaxDims)
    fail<ShapeError>("shape: at most ", kMaxDims, " dimensions, got ", values.size());
  for (std::int64_t v : values) data_[static_cast<std::size_t>(size_++)] = v;
}

Dims Dims::filled(std::int64_t n, std::int64_t value) {
  if (n < 0 || n > kMaxDims) fail<ShapeError>("shape: at most ", kMaxDims, " dimensions, got ", n);
  Dims d;
  for (std::int64_t i = 0; i < n; ++i) d.push_back(value);
  return d;
}

void Dims::push_back(std::int64_t value) {
  if (size_ == kMaxDims) fail<ShapeError>("shape: tensors have at most ", kMaxDims, " dimensions");
  data_[static_cast<std::size_t>(size_++)] = value;
}

void Dims::insert(std::int64_t pos, std::int64_t value) {
  if (size_ == kMaxDims) fail<ShapeError>("shape: tensors have at most ", kMaxDims, " dimensions");
  for (std::int64_t i = size_; i > pos; --i) (*this)[i] = (*this)[i - 1];
  (*this)[pos] = value;
  ++size_;
}

void Dims::erase(std::int64_t pos) {
  for (std::int64_t i = pos; i + 1 < size_; ++i) (*this)[i] = (*this)[i + 1];
  --size_;
}

bool operator==(const Dims& a, const Dims& b) {
  if (a.size_ != b.size_) return false;
  for (std::int64_t i = 0; i < a.size_; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

std::ostream& operator<<(std::ostream& os, const Dims& d) {
  os << '[';
  for (std::int64_t i = 0; i < d.size(); ++i) os << (i ? ", " : "") << d[i];
  return os << ']';
}

std::int64_t check_shape(const Shape& shape, const char* op) {
  std::int64_t extent = 1;  // the product of the sizes, zeros skipped
  bool overflow = false, has_zero = false;
  for (std::int64_t d : shape) {
    if (d < 0) fail<ShapeError>(op, ": shape ", shape, " has a negative size");
    if (d == 0) has_zero = true;
    overflow = overflow || __builtin_mul_overflow(extent, std::max<std::int64_t>(d, 1), &extent);
  }
  if (overflow || extent > kMaxNumel) {
    double product = 1;  // only for the message: the exact product may not fit in 64 bits
    for (std::int64_t d : shape) product *= static_cast<double>(std::max<std::int64_t>(d, 1));
    const std::string value = overflow ? str(product) : str(extent);
    if (has_zero)
      fail<ShapeError>(op, ": shape ", shape, " has sizes whose product (zeros skipped) is ", value,
                       ", more than the limit of ", kMaxNumel,
                       " (2^40) elements, which bounds the strides of an empty tensor too");
    fail<ShapeError>(op, ": shape ", shape, " has ", value, " elements, more than the limit of ", kMaxNumel,
                     " (2^40)");
  }
  return has_zero ? 0 : extent;
}

std::int64_t numel(const Shape& shape) {
  // As cheap as a plain product (it runs for every op): the full check only when something is off.
  std::int64_t n = 1;
  bool overflow = false;
  for (std::int64_t d : shape) overflow |= __builtin_mul_overflow(n, d, &n);
  if (overflow || n < 0 || n > kMaxNumel) check_shape(shape, "numel");  // throws, naming what is wrong
  return n;
}

Strides contiguous_strides(const Shape& shape) {
  Strides s = Dims::filled(shape.size(), 1);
  for (std::int64_t i = shape.size() - 2; i >= 0; --i)
    s[i] = s[i + 1] * std::max<std::int64_t>(shape[i + 1], 1);
  return s;
}

bool is_contiguous(const Shape& shape, const Strides& strides) {
  if (numel(shape) == 0)
    return true;  // nothing to lay out (contiguous_strides gives such shapes any strides)
  std::int64_t expected = 1;
  for (std::int64_t i = shape.size() - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    if (strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const std::int64_t n = std::max(a.size(), b.size());
  Shape out = Dims::filled(n, 1);
  for (std::int64_t i = 1; i <= n; ++i) {
    const std::int64_t da = i <= a.size() ? a[a.size() - i] : 1;
    const std::int64_t db = i <= b.size() ? b[b.size() - i] : 1;
    if (da != db && da != 1 && db != 1)
      fail<ShapeError>(op, ": shapes ", a, " and ", b, " cannot be broadcast: at dimension ", -i, " sizes ",
                       da, " and ", db, " differ and neither is 1");
    out[n - i] = da == 1 ? db : da;
  }
  check_shape(out, op);  // two shapes within the limit can broadcast to one beyond it
  return out;
}

bool broadcasts_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  for (std::int64_t i = 1; i <= from.size(); ++i) {
    const std::int64_t f = from[from.size() - i];
    if (f != 1 && f != to[to.size() - i]) return false;
  }
  return true;
}

std::int64_t normalize_axis(std::int64_t axis, std::int64_t ndim, const char* op) {
  const std::int64_t lo = ndim == 0 ? -1 : -ndim;
  const std::int64_t hi = ndim == 0 ? 0 : ndim - 1;
  if (axis < lo || axis > hi)
    fail<IndexError>(op, ": axis ", axis, " is out of range for a tensor with ", ndim, " dimension",
                     ndim == 1 ? "" : "s", " (expected ", lo, " to ", hi, ")");
  return axis < 0 ? axis + std::max<std::int64_t>(ndim, 1) : axis;
}

}  // namespace sf
