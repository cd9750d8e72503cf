// Tests for Adam::state_dict / load_state_dict: the names and shapes, an exact resume through a
// safetensors checkpoint, and that a bad state is refused without changing the optimizer.
#include "core/io/safetensors.hpp"
#include "optim/optim.hpp"
#include "support.hpp"

using namespace sf;
using namespace sf::optim;

namespace {

/// A tiny "model" (two parameters) and its loss on fixed data, so that training is reproducible.
struct Toy {
  Tensor w, b;
  explicit Toy(std::uint64_t seed) {
    Generator gen(seed);
    w = randn({3, 2}, gen, {.requires_grad = true});
    b = zeros({2}, {.requires_grad = true});
  }
  Toy(const Toy& other)
      : w(other.w.detach().clone().requires_grad_()), b(other.b.detach().clone().requires_grad_()) {}
  void train_step(AdamW& opt, const NoamSchedule& schedule) const {
    Generator gen(static_cast<std::uint64_t>(opt.steps()));  // the batch depends only on the step
    const Tensor x = randn({4, 3}, gen), target = randn({4, 2}, gen);
    opt.zero_grad();
    const Tensor d = matmul(x, w) + b - target;
    sum(d * d).backward();
    opt.set_lr(schedule.lr(opt.steps() + 1));
    opt.step();
  }
};

}  // namespace

TEST_SUITE("ch12-optim") {
  TEST_CASE("optimizer state: the names, shapes and dtypes of Adam's state dict") {
    Tensor w = zeros({3, 2}, {.requires_grad = true}),
           b = zeros({2}, {.dtype = kFloat64, .requires_grad = true});
    Adam opt({w, b});
    const auto state = opt.state_dict();
    std::vector<std::string> names;
    for (const auto& entry : state) names.push_back(entry.first);
    CHECK(names == std::vector<std::string>{"lr", "param.0.m", "param.0.step", "param.0.v", "param.1.m",
                                            "param.1.step", "param.1.v", "step"});
    CHECK(state.at("param.0.m").shape() == Shape{3, 2});
    CHECK(state.at("param.1.v").dtype() == kFloat64);
    CHECK(state.at("step").dtype() == kInt64);
    CHECK(state.at("lr").item() == 1e-3);
  }

  TEST_CASE("optimizer state: training resumed from a checkpoint continues bit for bit") {
    const NoamSchedule schedule({.d_model = 16, .warmup = 4});
    const Toy start(7);

    Toy straight(start);  // 10 steps without interruption
    AdamW opt_straight({straight.w, straight.b}, {.weight_decay = 0.01});
    for (int i = 0; i < 10; ++i) straight.train_step(opt_straight, schedule);

    Toy first(start);  // 5 steps, then a checkpoint of the model and the optimizer
    AdamW opt_first({first.w, first.b}, {.weight_decay = 0.01});
    for (int i = 0; i < 5; ++i) first.train_step(opt_first, schedule);
    std::map<std::string, Tensor> checkpoint = opt_first.state_dict();
    checkpoint["model.w"] = first.w;
    checkpoint["model.b"] = first.b;
    const SafetensorsFile file = parse_safetensors(serialize_safetensors(checkpoint));

    Toy resumed(99);  // a fresh process: other initial weights, a new optimizer, then the checkpoint
    {
      NoGradGuard no_grad;
      resumed.w.copy_(file.tensors.at("model.w"));
      resumed.b.copy_(file.tensors.at("model.b"));
    }
    AdamW opt_resumed({resumed.w, resumed.b}, {.weight_decay = 0.01});
    std::map<std::string, Tensor> optimizer_state = file.tensors;
    optimizer_state.erase("model.w");
    optimizer_state.erase("model.b");
    opt_resumed.load_state_dict(optimizer_state);
    CHECK(opt_resumed.steps() == 5);
    for (int i = 0; i < 5; ++i) resumed.train_step(opt_resumed, schedule);

    CHECK(test::same_values(resumed.w, straight.w));
    CHECK(test::same_values(resumed.b, straight.b));
    CHECK(opt_resumed.lr() == opt_straight.lr());
  }

  TEST_CASE("optimizer state: a state that does not fit is refused and nothing changes") {
    Tensor w = zeros({3, 2}, {.requires_grad = true});
    Adam opt({w});
    const auto good = opt.state_dict();
    auto with = [&](const std::string& key, const Tensor& t) {
      auto s = good;
      s[key] = t;
      return s;
    };
    auto without = [&](const std::string& key) {
      auto s = good;
      s.erase(key);
      return s;
    };
    CHECK_THROWS_WITH_AS(opt.load_state_dict(without("param.0.v")),
                         "Adam.load_state_dict: the state has no tensor 'param.0.v'", ValueError);
    CHECK_THROWS_WITH_AS(opt.load_state_dict(with("param.0.m", zeros({2, 3}))),
                         "Adam.load_state_dict: tensor 'param.0.m' has shape [2, 3], expected [3, 2]",
                         ShapeError);
    CHECK_THROWS_WITH_AS(opt.load_state_dict(with("param.0.m", zeros({3, 2}, {.dtype = kFloat64}))),
                         "Adam.load_state_dict: tensor 'param.0.m' is float64, expected float32", TypeError);
    CHECK_THROWS_WITH_AS(
        opt.load_state_dict(with("param.1.m", zeros({1}))),
        "Adam.load_state_dict: unexpected tensor 'param.1.m' (this optimizer has 1 parameters)", ValueError);
    CHECK_THROWS_WITH_AS(opt.load_state_dict(with("step", scalar_tensor(-3, {.dtype = kInt64}))),
                         "Adam.load_state_dict: 'step' is -3; a step count is >= 0", ValueError);
    CHECK_THROWS_WITH_AS(opt.load_state_dict(with("lr", scalar_tensor(-1, {.dtype = kFloat64}))),
                         "Adam.load_state_dict: 'lr' is -1, not a learning rate", ValueError);
    // The last entry checked is fine, an earlier one is not: still nothing may change.
    auto bad = with("param.0.v", ones({3, 2}));
    bad["param.0.step"] = scalar_tensor(-1, {.dtype = kInt64});
    bad["lr"] = scalar_tensor(0.5, {.dtype = kFloat64});
    CHECK_THROWS_AS(opt.load_state_dict(bad), ValueError);
    CHECK(opt.lr() == 1e-3);
    CHECK(opt.state_dict().at("param.0.v").to_vector<double>() == std::vector<double>(6, 0.0));
  }
}
