// dtype.hpp: the element types a tensor can hold, and the one place that turns a runtime dtype
// into a C++ type.
//
// float32 is the working type; float64 exists for gradient checks (finite differences need it);
// int64 holds token ids and indices; bool holds masks. An op is written once as a template over T,
// and dispatch_float() instantiates it for float and double: one op, not two.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/error.hpp"

namespace sf {

enum class DType : std::uint8_t { Float32, Float64, Int64, Bool };

inline constexpr DType kFloat32 = DType::Float32;
inline constexpr DType kFloat64 = DType::Float64;
inline constexpr DType kInt64 = DType::Int64;
inline constexpr DType kBool = DType::Bool;

/// Bytes per element.
constexpr std::size_t itemsize(DType t) {
  switch (t) {
    case DType::Float32:
      return 4;
    case DType::Float64:
      return 8;
    case DType::Int64:
      return 8;
    case DType::Bool:
      return 1;
  }
  return 0;
}

/// "float32", "float64", "int64", "bool".
constexpr const char* dtype_name(DType t) {
  switch (t) {
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
    case DType::Int64:
      return "int64";
    case DType::Bool:
      return "bool";
  }
  return "?";
}

constexpr bool is_floating(DType t) { return t == DType::Float32 || t == DType::Float64; }

/// The dtype of a C++ element type: dtype_of<float>() == kFloat32. Bool is stored as one byte.
template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::Float32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::Float64;
}
template <>
constexpr DType dtype_of<std::int64_t>() {
  return DType::Int64;
}
template <>
constexpr DType dtype_of<bool>() {
  return DType::Bool;
}

/// Calls f.template operator()<T>() with T = float or double, matching `t`; any other dtype is a
/// TypeError naming `op`. Usage: dispatch_float(x.dtype(), "exp", [&]<class T>() { ... });
template <class F>
decltype(auto) dispatch_float(DType t, const char* op, F&& f) {
  switch (t) {
    case DType::Float32:
      return f.template operator()<float>();
    case DType::Float64:
      return f.template operator()<double>();
    default:
      break;
  }
  fail<TypeError>(op, ": expected a float32 or float64 tensor, got ", dtype_name(t));
}

/// Like dispatch_float, for every dtype (bool as bool, 1 byte).
template <class F>
decltype(auto) dispatch_all(DType t, F&& f) {
  switch (t) {
    case DType::Float32:
      return f.template operator()<float>();
    case DType::Float64:
      return f.template operator()<double>();
    case DType::Int64:
      return f.template operator()<std::int64_t>();
    case DType::Bool:
      break;
  }
  return f.template operator()<bool>();
}

}  // namespace sf
