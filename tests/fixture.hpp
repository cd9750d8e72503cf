// fixture.hpp: reading the reference values that scripts beside them produced once with PyTorch
// (tests/fixtures/*.py → *.txt), so the C++ tests compare against PyTorch without needing it.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "core/tensor.hpp"

namespace sf::test {

/// Every line "<name> <shape or -> <values...>" of the file, as float64 tensors.
inline std::map<std::string, Tensor> load_fixture(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail<IOError>("fixture: cannot read ", path);
  std::map<std::string, Tensor> out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string name, dims;
    if (!(words >> name >> dims)) continue;
    Shape shape;
    if (dims != "-") {
      std::istringstream d(dims);
      for (std::string part; std::getline(d, part, ',');) shape.push_back(std::stoll(part));
    }
    std::vector<double> values;
    for (double v; words >> v;) values.push_back(v);
    out[name] = tensor(values, shape, {.dtype = kFloat64});
  }
  return out;
}

}  // namespace sf::test
