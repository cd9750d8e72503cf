// dropout.cpp: the Dropout module (the dropout ops it calls are in core/ops/dropout.cpp).
#include "nn/dropout.hpp"

#include "core/error.hpp"

namespace sf::nn {

Dropout::Dropout(DropoutConfig config, Generator& gen) : config_(config), gen_(&gen) {
  if (!(config.p >= 0.0 && config.p < 1.0))
    fail<ValueError>("Dropout: probability must be in [0, 1), got ", config.p);
}

}  // namespace sf::nn
