// main.cpp: the course's pictures of the model, drawn by our own code from real forward passes.
//
//   pictures model [--out DIR] [--preset base|small]
//       DIR/model_shapes.svg: the whole Transformer with the shapes one forward pass recorded (ch. 0, 10, 11)
//   pictures matrices [--out DIR]
//       DIR/ch06_head_split.svg (ch. 1, 6) and DIR/ch05_qkv_scores.svg (ch. 5)
//   pictures decoding --run RUN [--out DIR]
//       DIR/ch13_decoding.svg: greedy against beam search step by step, and sampling (ch. 13)
//   pictures attention --run RUN [--out DIR] ["sentence"]
//       every layer × head of encoder self-, decoder self- and cross-attention of any trained run (ch. 13)
//   pictures attention-training [--out DIR]
//       one head's cross-attention at a few steps of a short toy training (ch. 13)
//
// docs/images/ holds the committed copies: `build/release/examples/pictures/pictures <command> --out
// docs/images` regenerates them; tests/translator/test_pictures.cpp draws each one and checks its content,
// and ctest regenerates model_shapes.svg and the matrices and compares them with the committed files.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/io/atomic_file.hpp"
#include "examples/pictures/attention_pictures.hpp"
#include "examples/pictures/decoding_picture.hpp"
#include "examples/pictures/matrices.hpp"
#include "examples/pictures/model_figure.hpp"
#include "examples/translator/options.hpp"
#include "examples/translator/trained_run.hpp"

using namespace sf;

namespace {

nn::TransformerConfig preset(const std::string& name) {
  // The paper's base model with its shared 37000-token vocabulary, or the toy translator's size.
  if (name == "base") return nn::TransformerConfig::base(37000, 37000);
  if (name == "small") return nn::TransformerConfig::small(1000, 1000);
  fail<ValueError>("pictures: unknown preset '", name, "' (base or small)");
}

int model_command(const std::vector<std::string>& args) {
  translator::Options o(
      "pictures model [--out DIR] [--preset NAME]",
      "Draws the whole Transformer with the tensor shapes recorded during one forward pass.");
  o.add("out", "DIR", "where model_shapes.svg goes", ".")
      .add("preset", "NAME", "base (the paper's) or small (the toy translator's)", "base")
      .add_flag("help", "show this help");
  if (!o.parse_unless_help(args)) return 0;
  nn::TransformerConfig config = preset(o.text("preset"));
  config.layer.dropout = 0.0;
  nn::Transformer model(config);
  model.eval();
  const std::string path = (std::filesystem::path(o.text("out")) / "model_shapes.svg").string();
  io::write_file_atomically(path, pictures::model_figure_svg(model));
  std::cout << "wrote " << path << '\n';
  return 0;
}

int matrices_command(const std::vector<std::string>& args) {
  translator::Options o("pictures matrices [--out DIR]",
                        "Draws the head split (right and wrong) and Q, K, V with their score matrix.");
  o.add("out", "DIR", "where ch06_head_split.svg and ch05_qkv_scores.svg go", ".")
      .add_flag("help", "show this help");
  if (!o.parse_unless_help(args)) return 0;
  for (const auto& [name, svg] : {std::pair{"ch06_head_split.svg", pictures::head_split_svg()},
                                  std::pair{"ch05_qkv_scores.svg", pictures::qkv_scores_svg()}}) {
    const std::string path = (std::filesystem::path(o.text("out")) / name).string();
    io::write_file_atomically(path, svg);
    std::cout << "wrote " << path << '\n';
  }
  return 0;
}

int decoding_command(const std::vector<std::string>& args) {
  translator::Options o(
      "pictures decoding --run RUN [--out DIR] [--sentence TEXT]",
      "Draws greedy decoding against beam search step by step on a sentence where they disagree\n"
      "(the first of the run's held-out sentences, unless --sentence), and sampling beside them.");
  o.add("run", "DIR", "a trained run (translator train --out DIR)", "runs/translator")
      .add("out", "DIR", "where ch13_decoding.svg goes", ".")
      .add("sentence", "TEXT", "the English sentence (default: the first where greedy and beam disagree)")
      .add("beam", "N", "beam width", "4")
      .add_flag("help", "show this help");
  if (!o.parse_unless_help(args)) return 0;
  translator::TrainedRun run = translator::load_trained_run(o.text("run"));
  const translator::BeamConfig config{.width = o.integer("beam", 1), .max_len = run.config.max_len};
  std::string sentence = o.text("sentence");
  if (sentence.empty()) {
    const translator::RunData data = translator::load_run_data(run.config);
    std::vector<std::string> sources;
    for (const auto& pair : data.test.empty() ? data.validation : data.test)
      if (sources.size() < 300) sources.push_back(pair.source);
    sentence = pictures::sentence_where_searches_disagree(*run.model, run.tokeniser, sources, config);
  }
  const std::string path = (std::filesystem::path(o.text("out")) / "ch13_decoding.svg").string();
  io::write_file_atomically(path, pictures::decoding_svg(*run.model, run.tokeniser, sentence, config));
  std::cout << "wrote " << path << " for \"" << sentence << "\"\n";
  return 0;
}

int attention_command(const std::vector<std::string>& args) {
  translator::Options o(
      "pictures attention --run RUN [--out DIR] [--name NAME] [\"sentence\"]",
      "Draws every layer and head of a trained run's attention for one sentence (default: the\n"
      "first held-out sentence): NAME_encoder_self.svg, NAME_decoder_self.svg, NAME_cross.svg.");
  o.add("run", "DIR", "a trained run (translator train --out DIR)", "runs/translator")
      .add("out", "DIR", "where the pictures go", ".")
      .add("name", "NAME", "file name prefix", "ch13_attention")
      .add_flag("help", "show this help");
  if (!o.parse_unless_help(args)) return 0;
  translator::TrainedRun run = translator::load_trained_run(o.text("run"));
  std::string sentence = o.positional().empty() ? "" : o.positional()[0];
  if (sentence.empty()) {
    const translator::RunData data = translator::load_run_data(run.config);
    const auto& pairs = data.test.empty() ? data.validation : data.test;
    if (pairs.empty()) fail<ValueError>("pictures attention: the run has no held-out sentence; give one");
    sentence = pairs.front().source;
  }
  const translator::AttentionMaps maps = translator::attention_maps(*run.model, run.tokeniser, sentence);
  const char* files[] = {"_encoder_self.svg", "_decoder_self.svg", "_cross.svg"};
  for (std::size_t k = 0; k < maps.kinds.size(); ++k) {
    const std::string path = (std::filesystem::path(o.text("out")) / (o.text("name") + files[k])).string();
    io::write_file_atomically(
        path, pictures::attention_grid_svg(maps.kinds[k],
                                           "\"" + maps.sentence + "\" → \"" + maps.translation + "\""));
    std::cout << "wrote " << path << '\n';
  }
  return 0;
}

int attention_training_command(const std::vector<std::string>& args) {
  translator::Options o(
      "pictures attention-training [--out DIR] [--steps N] [--layer L] [--head H]",
      "Trains the toy translator from scratch (its default settings, --steps steps) and draws one\n"
      "head's cross-attention on the first held-out sentence at six points of the run.");
  o.add("out", "DIR", "where ch13_attention_during_training.svg goes", ".")
      .add("steps", "N", "training steps", "400")
      .add("layer", "L", "decoder layer (from 1; default: the last)", "0")
      .add("head", "H", "head (from 1)", "1")
      .add_flag("help", "show this help");
  if (!o.parse_unless_help(args)) return 0;
  translator::RunConfig config;
  config.steps = o.integer("steps", 1);
  const translator::RunData data = translator::load_run_data(config);
  const std::int64_t n = config.steps;
  const std::vector<std::int64_t> at{0, n / 16, n / 8, n / 4, n / 2, n};
  const std::int64_t layers = config.model_config(10, 10).decoder_layers;
  const std::int64_t layer = o.integer("layer", 0) > 0 ? o.integer("layer", 1) : layers;
  const pictures::Snapshots s =
      pictures::attention_during_training(config, data.test.front(), at, static_cast<std::size_t>(layer - 1),
                                          static_cast<std::size_t>(o.integer("head", 1) - 1));
  const std::string path =
      (std::filesystem::path(o.text("out")) / "ch13_attention_during_training.svg").string();
  io::write_file_atomically(
      path, pictures::attention_snapshots_svg(
                s, "Cross-attention of decoder layer " + std::to_string(layer) + ", head " + o.text("head") +
                       " while the toy model learns: \"" + data.test.front().source + "\""));
  std::cout << "wrote " << path << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string command = args.empty() ? "help" : args[0];
  const std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  try {
    if (command == "model") return model_command(rest);
    if (command == "matrices") return matrices_command(rest);
    if (command == "decoding") return decoding_command(rest);
    if (command == "attention") return attention_command(rest);
    if (command == "attention-training") return attention_training_command(rest);
    std::cout
        << "usage: pictures <command> [options]\n\n"
           "  model       the whole Transformer with the shapes of one forward pass\n"
           "  matrices    the head split, and Q, K, V with their score matrix\n"
           "  decoding    greedy against beam search step by step, and sampling (needs a trained run)\n"
           "  attention   every layer × head of a trained run's attention for one sentence\n"
           "  attention-training   one head's cross-attention at a few steps of a short toy training\n\n"
           "pictures <command> --help lists a command's options.\n";
    return command == "help" || command == "--help" ? 0 : 2;
  } catch (const std::exception& e) {
    std::cerr << "pictures " << command << ": " << e.what() << '\n';
    return 1;
  }
}
