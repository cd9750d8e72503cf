// module_list.hpp: ModuleList, a numbered list of submodules (layers.0, layers.1, ...), as
// torch.nn.ModuleList names them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace sf::nn {

template <class M>
class ModuleList : public Module {
 public:
  /// Appends a module; it is registered under its index ("0", "1", ...).
  M& push_back(std::unique_ptr<M> module) {
    items_.push_back(std::move(module));
    register_module(std::to_string(items_.size() - 1), *items_.back());
    return *items_.back();
  }
  std::size_t size() const { return items_.size(); }
  M& operator[](std::size_t i) { return *items_[i]; }
  const M& operator[](std::size_t i) const { return *items_[i]; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  std::vector<std::unique_ptr<M>> items_;
};

}  // namespace sf::nn
