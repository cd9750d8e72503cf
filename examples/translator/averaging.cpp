// averaging.cpp: the element-wise mean of snapshots (see averaging.hpp).
#include "examples/translator/averaging.hpp"

#include "core/error.hpp"
#include "core/io/safetensors.hpp"

namespace sf::translator {

nn::StateDict average_snapshots(const std::vector<std::string>& paths) {
  if (paths.empty()) fail<ValueError>("average_snapshots: no snapshots to average");
  std::map<std::string, std::vector<double>> sums;
  nn::StateDict first;
  for (const std::string& path : paths) {
    SafetensorsFile file;
    try {
      file = load_safetensors(path);
    } catch (const IOError& e) {
      fail<IOError>("checkpoint averaging: the snapshot ", path, " cannot be used: ", e.what());
    }
    if (first.empty()) {
      first = file.tensors;
      for (const auto& [name, t] : first) sums[name].assign(static_cast<std::size_t>(t.numel()), 0.0);
    }
    if (file.tensors.size() != first.size())
      fail<IOError>("checkpoint averaging: the snapshot ", path, " has ", file.tensors.size(),
                    " tensors, the first (", paths.front(), ") ", first.size());
    for (const auto& [name, t] : file.tensors) {
      const auto it = first.find(name);
      if (it == first.end())
        fail<IOError>("checkpoint averaging: the snapshot ", path, " has a tensor '", name, "' that ",
                      paths.front(), " has not");
      if (t.shape() != it->second.shape())
        fail<IOError>("checkpoint averaging: the tensor '", name, "' is ", t.shape(), " in ", path, " but ",
                      it->second.shape(), " in ", paths.front());
      const std::vector<double> values = t.to_vector<double>();
      std::vector<double>& sum = sums[name];
      for (std::size_t i = 0; i < values.size(); ++i) sum[i] += values[i];
    }
  }
  nn::StateDict mean;
  for (const auto& [name, t] : first) {
    std::vector<double>& sum = sums[name];
    for (double& v : sum) v /= static_cast<double>(paths.size());
    mean.emplace(name, tensor(sum, t.shape(), {.dtype = t.dtype()}));
  }
  return mean;
}

}  // namespace sf::translator
