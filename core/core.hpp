// core.hpp: everything in core/ with one include: the tensor, autograd, every op, gradcheck.
#pragma once

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/gradcheck.hpp"
#include "core/graph.hpp"
#include "core/ops/compare.hpp"
#include "core/ops/elementwise.hpp"
#include "core/ops/index.hpp"
#include "core/ops/join.hpp"
#include "core/ops/matmul.hpp"
#include "core/ops/reduce.hpp"
#include "core/ops/softmax.hpp"
#include "core/random.hpp"
#include "core/tensor.hpp"
