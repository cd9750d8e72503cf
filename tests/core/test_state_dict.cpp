// Tests for core/io/state_dict.cpp and the loaders built on it: a state dict that does not fit a model
// names every tensor that breaks a rule (missing, unexpected, undefined, shape, dtype); a file whose
// checksums were removed loads only through the explicit import; a directory where a file belongs is
// an error naming the path.
#include <unistd.h>

#include <filesystem>

#include "core/io/atomic_file.hpp"
#include "core/io/safetensors.hpp"
#include "core/io/state_dict.hpp"
#include "nn/linear.hpp"
#include "optim/checkpoint.hpp"
#include "support.hpp"

using namespace sf;
namespace fs = std::filesystem;
using test::message_of;
using test::TempDir;

TEST_SUITE("checkpoints") {
  TEST_CASE("load_state_dict: a dtype mismatch says dtype, not shape (issue 18)") {
    Generator gen(1);
    nn::Linear lin({.in_features = 2, .out_features = 2}, gen);
    const auto before = lin.weight.to_vector<double>();
    nn::StateDict state = lin.state_dict();
    state["weight"] = zeros({2, 2}, {.dtype = kInt64});
    // Once: "Wrong shape: weight ([2, 2] in the state dict, [2, 2] in the model)".
    CHECK_THROWS_WITH_AS(lin.load_state_dict(state),
                         "load_state_dict: the state dict does not fit this model. "
                         "Wrong dtype: weight (int64 in the state dict, float32 in the model).",
                         Error);
    CHECK(lin.weight.to_vector<double>() == before);  // nothing changed
    // Floating point loads into any floating-point dtype (a float64 state into a float32 model).
    state["weight"] = ones({2, 2}, {.dtype = kFloat64});
    lin.load_state_dict(state);
    CHECK(lin.weight.dtype() == kFloat32);
    CHECK(lin.weight.to_vector<double>() == std::vector<double>{1, 1, 1, 1});
  }

  TEST_CASE("check_state_dict names every missing, unexpected, undefined and mismatched tensor") {
    const std::map<std::string, Tensor> model{{"a", zeros({2})},
                                              {"b", zeros({3})},
                                              {"c", zeros({2, 2})},
                                              {"d", zeros({1}, {.dtype = kBool})},
                                              {"e", zeros({1})}};
    const std::map<std::string, Tensor> state{{"b", Tensor()},
                                              {"c", zeros({4}, {.dtype = kInt64})},
                                              {"d", zeros({1}, {.dtype = kInt64})},
                                              {"e", zeros({1}, {.dtype = kFloat64})},
                                              {"x", zeros({1})},
                                              {"y", zeros({1})}};
    CHECK_THROWS_WITH_AS(check_state_dict(state, model, "Model.load"),
                         "Model.load: the state dict does not fit this model. Missing: a. Unexpected: x, y. "
                         "Undefined: b. Wrong shape: c ([4] in the state dict, [2, 2] in the model). "
                         "Wrong dtype: c (int64 in the state dict, float32 in the model), "
                         "d (int64 in the state dict, bool in the model).",
                         Error);
    check_state_dict(model, model, "Model.load");  // a state dict fits the model it came from
  }

  TEST_CASE("reading a directory where a checkpoint file belongs is an error naming the path") {
    TempDir dir;
    fs::create_directories(dir / "model.safetensors");
    CHECK(message_of([&] { load_safetensors(dir / "model.safetensors"); }) ==
          "cannot read '" + (dir / "model.safetensors") + "': it is a directory");
    Generator gen(2);
    nn::Linear lin({.in_features = 2, .out_features = 2}, gen);
    CHECK(message_of([&] { optim::load_checkpoint(dir.path.string(), lin, nullptr); }) ==
          "cannot read '" + (dir / "model.safetensors") + "': it is a directory");
    CHECK(message_of([&] { optim::import_weights(dir.path.string(), lin); }) ==
          "cannot read '" + dir.path.string() + "': it is a directory");
  }

  TEST_CASE("weights without checksums load through import_weights only, never as a checkpoint") {
    TempDir dir;
    Generator gen(3);
    nn::Linear source({.in_features = 3, .out_features = 2}, gen),
        target({.in_features = 3, .out_features = 2}, gen);
    optim::save_checkpoint(dir.path.string(), source, nullptr, {{"step", "5"}});
    // A framework-written checkpoint has its checksums: the checked load takes it.
    CHECK(optim::load_checkpoint(dir.path.string(), target, nullptr).at("step") == "5");
    CHECK(test::same_values(target.weight, source.weight));

    // The same weights as PyTorch would write them: a hand-made file with no checksums.
    const std::vector<float> w = source.weight.to_vector<float>(), b = source.bias.to_vector<float>();
    std::string header = R"({"bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                         R"("weight":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]}})";
    header.append((8 - header.size() % 8) % 8, ' ');
    std::vector<std::byte> file(8);
    for (int i = 0; i < 8; ++i)
      file[static_cast<std::size_t>(i)] = static_cast<std::byte>(header.size() >> (8 * i));
    for (char c : header) file.push_back(static_cast<std::byte>(c));
    for (const std::vector<float>* v : {&b, &w})
      for (float x : *v) {
        const auto* p = reinterpret_cast<const std::byte*>(&x);
        file.insert(file.end(), p, p + sizeof(float));
      }
    const std::string foreign = dir / "model.safetensors";
    io::write_file_atomically(foreign, file);

    nn::Linear fresh({.in_features = 3, .out_features = 2}, gen);
    CHECK(message_of([&] {
            optim::load_checkpoint(dir.path.string(), fresh, nullptr);
          }).starts_with("safetensors: '" + foreign + "': tensor 'bias' has no checksum"));
    CHECK(
        message_of([&] { load_safetensors(foreign); }).starts_with("safetensors: '" + foreign + "': tensor"));
    CHECK_FALSE(test::same_values(fresh.weight, source.weight));
    CHECK(optim::import_weights(foreign, fresh).empty());
    CHECK(test::same_values(fresh.weight, source.weight));
    CHECK(test::same_values(fresh.bias, source.bias));
  }
}
