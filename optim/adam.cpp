// adam.cpp: Adam's update, one equation per line, and its state dict.
#include "optim/adam.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/io/state_dict.hpp"
#include "core/parallel/thread_pool.hpp"

namespace sf::optim {

namespace {

void check_config(const AdamConfig& c, const char* name) {
  for (const auto& [value, what] : {std::pair{c.beta1, "beta1"}, std::pair{c.beta2, "beta2"}})
    if (!(value >= 0 && value < 1)) fail<ValueError>(name, ": ", what, " must be in [0, 1), got ", value);
  if (!(c.eps >= 0 && std::isfinite(c.eps)))
    fail<ValueError>(name, ": eps must be finite and >= 0, got ", c.eps);
}

// [doc:adam-update]
/// One Adam step for n weights θ with gradients g, running averages m and v, at step t (from 1).
template <class T>
void adam_update(T* __restrict theta, const T* __restrict g, T* __restrict m, T* __restrict v, std::int64_t n,
                 const AdamConfig& c, double lr, std::int64_t t) {
  const T beta1 = static_cast<T>(c.beta1), one_minus_beta1 = static_cast<T>(1 - c.beta1);
  const T beta2 = static_cast<T>(c.beta2), one_minus_beta2 = static_cast<T>(1 - c.beta2);
  const T bias1 = static_cast<T>(1 - std::pow(c.beta1, static_cast<double>(t)));  // 1 − β1^t
  const T bias2 = static_cast<T>(1 - std::pow(c.beta2, static_cast<double>(t)));  // 1 − β2^t
  const T step = static_cast<T>(lr), eps = static_cast<T>(c.eps);
  for (std::int64_t i = 0; i < n; ++i) {
    m[i] = beta1 * m[i] + one_minus_beta1 * g[i];         // m ← β1·m + (1 − β1)·g
    v[i] = beta2 * v[i] + one_minus_beta2 * g[i] * g[i];  // v ← β2·v + (1 − β2)·g²
    const T m_hat = m[i] / bias1;                         // m̂ = m / (1 − β1^t)
    const T v_hat = v[i] / bias2;                         // v̂ = v / (1 − β2^t)
    theta[i] -= step * m_hat / (std::sqrt(v_hat) + eps);  // θ ← θ − lr·m̂ / (√v̂ + ε)
  }
}
// [doc:end]

std::string key(std::size_t i, const char* what) { return str("param.", i, ".", what); }

/// The fused step's view of one parameter: where its elements start in the combined index space.
struct Segment {
  std::int64_t begin, size;
  std::size_t index;
  Tensor grad;
};

}  // namespace

Adam::Adam(std::vector<Tensor> params, AdamConfig config) : Adam(std::move(params), config, "Adam") {}

void Adam::step_fused() {
  // Every parameter that has a gradient, laid end to end: [0, total) covers all their elements.
  std::vector<Segment> float_segments, double_segments;
  std::int64_t float_total = 0, double_total = 0;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Tensor grad = params_[i].grad();
    if (!grad.defined()) continue;
    ++state_[i].t;
    const bool is_float = params_[i].dtype() == kFloat32;
    std::int64_t& total = is_float ? float_total : double_total;
    (is_float ? float_segments : double_segments)
        .push_back({total, params_[i].numel(), i, grad.contiguous()});
    total += params_[i].numel();
  }
  auto run = [&]<class T>(const std::vector<Segment>& segments, std::int64_t total) {
    parallel_for(total, 1 << 14, [&](std::int64_t b, std::int64_t e) {
      // The first segment that ends after b, then each one that overlaps [b, e).
      auto it = std::upper_bound(segments.begin(), segments.end(), b,
                                 [](std::int64_t x, const Segment& s) { return x < s.begin + s.size; });
      for (; it != segments.end() && it->begin < e; ++it) {
        const std::int64_t from = std::max(b, it->begin) - it->begin,
                           to = std::min(e, it->begin + it->size) - it->begin;
        State& s = state_[it->index];
        adam_update(params_[it->index].template data<T>() + from, it->grad.template data<T>() + from,
                    s.m.template data<T>() + from, s.v.template data<T>() + from, to - from, config_, lr_,
                    s.t);
      }
    });
  };
  run.template operator()<float>(float_segments, float_total);
  run.template operator()<double>(double_segments, double_total);
  for (const auto* segments : {&float_segments, &double_segments})
    for (const Segment& seg : *segments) params_[seg.index].storage()->bump_version();
}

Adam::Adam(std::vector<Tensor> params, AdamConfig config, const char* name)
    : Optimizer(std::move(params), config.lr, name), config_(config) {
  check_config(config_, name);
  for (const Tensor& p : params_) state_.push_back({.m = zeros_like(p), .v = zeros_like(p), .t = 0});
}

// [doc:adam-step]
void Adam::step() {
  NoGradGuard no_grad;  // the update itself is not part of any graph
  ++steps_;
  if (config_.fused)
    step_fused();
  else
    step_one_by_one();
}

void Adam::step_one_by_one() {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor grad = p.grad();
    if (!grad.defined()) continue;       // this parameter took no part in the loss
    const Tensor g = grad.contiguous();  // same shape and dtype as p: set_grad and backward see to that
    State& s = state_[i];
    ++s.t;
    dispatch_float(p.dtype(), name_, [&]<class T>() {
      adam_update(p.data<T>(), g.data<T>(), s.m.data<T>(), s.v.data<T>(), p.numel(), config_, lr_, s.t);
    });
    p.storage()->bump_version();  // raw writes: tell autograd this memory changed
  }
}
// [doc:end]

std::map<std::string, Tensor> Adam::state_dict() const {
  std::map<std::string, Tensor> out;
  out["step"] = scalar_tensor(static_cast<double>(steps_), {.dtype = kInt64});
  out["lr"] = scalar_tensor(lr_, {.dtype = kFloat64});
  for (std::size_t i = 0; i < state_.size(); ++i) {
    out[key(i, "m")] = state_[i].m.clone();  // copies: the dict is a snapshot, not a live view
    out[key(i, "v")] = state_[i].v.clone();
    out[key(i, "step")] = scalar_tensor(static_cast<double>(state_[i].t), {.dtype = kInt64});
  }
  return out;
}

void Adam::load_state_dict(const std::map<std::string, Tensor>& state) {
  const std::string who = str(name_, ".load_state_dict");
  // Check everything first, so that a bad state leaves the optimizer as it was.
  std::set<std::string> expected{"step", "lr"};
  for (std::size_t i = 0; i < params_.size(); ++i)
    for (const char* what : {"m", "v", "step"}) expected.insert(key(i, what));
  if (const auto extra = unexpected_keys(state, expected); !extra.empty())
    fail<ValueError>(who, ": unexpected tensor '", extra.front(), "' (this optimizer has ", params_.size(),
                     " parameters)");
  const auto count = [&](const std::string& name) {
    const std::int64_t value = *expect_tensor(state, name, Shape{}, kInt64, who).data<std::int64_t>();
    if (value < 0) fail<ValueError>(who, ": '", name, "' is ", value, "; a step count is >= 0");
    return value;
  };
  const std::int64_t steps = count("step");
  const double lr = expect_tensor(state, "lr", Shape{}, kFloat64, who).item();
  if (!std::isfinite(lr) || lr < 0) fail<ValueError>(who, ": 'lr' is ", lr, ", not a learning rate");
  std::vector<std::int64_t> t(params_.size());
  for (std::size_t i = 0; i < params_.size(); ++i) {
    expect_tensor(state, key(i, "m"), params_[i].shape(), params_[i].dtype(), who);
    expect_tensor(state, key(i, "v"), params_[i].shape(), params_[i].dtype(), who);
    t[i] = count(key(i, "step"));
  }

  NoGradGuard no_grad;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    state_[i].m.copy_(state.at(key(i, "m")));
    state_[i].v.copy_(state.at(key(i, "v")));
    state_[i].t = t[i];
  }
  steps_ = steps;
  lr_ = lr;
}

}  // namespace sf::optim
