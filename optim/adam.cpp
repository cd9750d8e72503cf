// adam.cpp: Adam's update, one equation per line, and its state dict.
#include "optim/adam.hpp"

#include <cmath>
#include <set>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/io/state_dict.hpp"

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
void adam_update(T* theta, const T* g, T* m, T* v, std::int64_t n, const AdamConfig& c, double lr,
                 std::int64_t t) {
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

}  // namespace

Adam::Adam(std::vector<Tensor> params, AdamConfig config) : Adam(std::move(params), config, "Adam") {}

Adam::Adam(std::vector<Tensor> params, AdamConfig config, const char* name)
    : Optimizer(std::move(params), config.lr, name), config_(config) {
  check_config(config_, name);
  for (const Tensor& p : params_) state_.push_back({.m = zeros_like(p), .v = zeros_like(p), .t = 0});
}

// [doc:adam-step]
void Adam::step() {
  NoGradGuard no_grad;  // the update itself is not part of any graph
  ++steps_;
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
