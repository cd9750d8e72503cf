// shape.hpp: shapes and strides, and the rules that relate them (contiguity, broadcasting).
//
// A tensor of shape [d0, d1, ..., dn-1] keeps element (i0, ..., in-1) at
//     storage[offset + i0·s0 + i1·s1 + ... + in-1·sn-1]
// where (s0, ..., sn-1) are its strides, in elements. Row-major ("contiguous") strides are
// s_{n-1} = 1 and s_k = s_{k+1}·d_{k+1}. Views (transpose, narrow, expand, ...) only change
// shape, strides and offset; broadcasting gives a dimension stride 0.
//
// Dims is a small fixed-capacity array (at most 8 dimensions), so shapes never touch the heap.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>

namespace sf {

class Dims {
 public:
  static constexpr int kMaxDims = 8;

  Dims() = default;
  Dims(std::initializer_list<std::int64_t> values);
  /// n dimensions, each equal to `value`.
  static Dims filled(std::int64_t n, std::int64_t value);

  std::int64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::int64_t& operator[](std::int64_t i) { return data_[static_cast<std::size_t>(i)]; }
  std::int64_t operator[](std::int64_t i) const { return data_[static_cast<std::size_t>(i)]; }
  std::int64_t back() const { return data_[static_cast<std::size_t>(size_ - 1)]; }
  const std::int64_t* begin() const { return data_.data(); }
  const std::int64_t* end() const { return data_.data() + size_; }
  std::int64_t* begin() { return data_.data(); }
  std::int64_t* end() { return data_.data() + size_; }

  void push_back(std::int64_t value);
  /// Inserts `value` before position `pos` (0 ≤ pos ≤ size()).
  void insert(std::int64_t pos, std::int64_t value);
  /// Removes the dimension at `pos`.
  void erase(std::int64_t pos);

  friend bool operator==(const Dims& a, const Dims& b);

 private:
  std::array<std::int64_t, kMaxDims> data_{};
  std::int64_t size_ = 0;
};

using Shape = Dims;
using Strides = Dims;

/// Prints [2, 3, 4].
std::ostream& operator<<(std::ostream& os, const Dims& d);

/// The most elements a tensor may have: 2^40 (about 1.1 · 10^12; 4 TiB of float32, far beyond any
/// memory this code runs in). Every shape that becomes a tensor's is checked against it where it
/// enters (the creation functions, broadcasting, view, reshape, expand), so sizes, strides and byte
/// counts of a tensor always fit in 64 bits with room to spare. The product of the sizes with zeros
/// skipped is what is bounded: an empty tensor's strides are such products too.
inline constexpr std::int64_t kMaxNumel = std::int64_t{1} << 40;

/// Checks a shape about to become a tensor's: every size >= 0, and the product of the sizes (zeros
/// skipped) at most kMaxNumel, computed without overflow. Returns the number of elements. Throws
/// ShapeError naming `op`, the shape, the product and the limit:
///   zeros: shape [1099511627776, 1099511627776] has 1.20893e+24 elements, more than the limit of
///   1099511627776 (2^40)
std::int64_t check_shape(const Shape& shape, const char* op);

/// Number of elements: the product of the sizes (1 for a scalar of shape []). A product that would
/// overflow, be negative or exceed kMaxNumel throws check_shape's ShapeError (op "numel").
std::int64_t numel(const Shape& shape);

/// Row-major strides of `shape`: contiguous_strides({2, 3, 4}) == {12, 4, 1}.
Strides contiguous_strides(const Shape& shape);

/// True when `strides` are the row-major strides of `shape` (dimensions of size 1 may have any stride).
bool is_contiguous(const Shape& shape, const Strides& strides);

/// The broadcast shape of a and b (NumPy rules: align on the right; sizes equal or one of them 1).
/// Throws ShapeError naming `op`, both shapes and the dimension that breaks the rule.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

/// True when `from` broadcasts to exactly `to` (so `to` is the broadcast of the two).
bool broadcasts_to(const Shape& from, const Shape& to);

/// Turns a possibly negative axis into 0..ndim-1; throws IndexError naming `op` if out of range.
std::int64_t normalize_axis(std::int64_t axis, std::int64_t ndim, const char* op);

}  // namespace sf
