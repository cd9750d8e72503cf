// ch13_translator: chapter 13's worked examples (docs/13-training-a-translator.md).
//
// A small translator trained for a few seconds on the toy grammar, then looked at closely: the
// shifted target of teacher forcing, label smoothing on three numbers, the loss at each position,
// greedy decoding step by step (the lecture's "I → am → a → student" animation), beam search, and
// which English word each French word looked at. With --svg DIR it also draws that attention.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "core/core.hpp"
#include "examples/common/svg.hpp"
#include "examples/translator/batching.hpp"
#include "examples/translator/decoding.hpp"
#include "examples/translator/evaluation.hpp"
#include "examples/translator/report.hpp"
#include "examples/translator/tokenizer.hpp"
#include "examples/translator/trained_run.hpp"
#include "examples/translator/training.hpp"
#include "nn/loss.hpp"

using namespace sf;
using namespace sf::translator;

namespace {

std::string words(const Vocab& vocab, const std::vector<int>& ids) {
  std::string out;
  for (int id : ids) out += (out.empty() ? "" : " ") + vocab.token(id);
  return out;
}

Tensor ids_tensor(const std::vector<int>& ids) {
  return tensor(std::vector<double>(ids.begin(), ids.end()), {1, static_cast<std::int64_t>(ids.size())},
                {.dtype = kInt64});
}

// The run's settings and data, and the held-out pair that the later sections follow, encoded.
struct Example {
  RunConfig config;
  RunData data;
  SentencePair pair;
  std::vector<EncodedPair> encoded;
  Batch batch;
  std::vector<int> out_ids;  // the words the decoder must answer
};

Example section_teacher_forcing() {
  std::cout << "=== teacher-forcing ===\n";
  // [doc:teacher-forcing]
  RunConfig config;  // the toy grammar, a small model: d_model 64, 4 heads, 2 + 2 layers
  config.train_size = 20000;
  config.d_model = 64;
  config.heads = 4;
  config.d_ff = 256;
  config.layers = 2;
  config.steps = 600;
  config.warmup = 100;
  config.lr = 3e-3;
  config.eval_every = 200;
  const RunData data = load_run_data(config);
  const Tokeniser tokeniser(build_vocabularies(data.train, config.min_count));
  const Vocabularies& vocabs = tokeniser.words();
  const SentencePair& pair = data.test[0];  // a held-out sentence: its word combinations were never seen
  const std::vector<EncodedPair> encoded = encode_pairs({pair}, tokeniser, config.max_len);
  const Batch batch = collate({&encoded[0]});
  std::cout << "English:    " << pair.source << "\nFrench:     " << pair.target
            << "\nsource ids: " << words(vocabs.source, encoded[0].source) << "\ndecoder in:  "
            << words(vocabs.target, {encoded[0].target.begin(), encoded[0].target.end() - 1})
            << "   (the target shifted right: it starts with <s>)\n";
  const std::vector<int> out_ids(encoded[0].target.begin() + 1, encoded[0].target.end());
  std::cout << "must answer: " << words(vocabs.target, out_ids) << "   (the same, one position on)\n";
  // [doc:end]
  return {config, data, pair, encoded, batch, out_ids};
}

void section_label_smoothing() {
  std::cout << "=== label-smoothing ===\n";
  // [doc:label-smoothing]
  // Three words, logits (2, 1, 0.1), the right one is word 0. Plain cross-entropy asks for
  // p_0 = 1; with ε = 0.1 the target is q = (0.9 + 0.1/3, 0.1/3, 0.1/3).
  const Tensor logits = tensor({2.0, 1.0, 0.1}, {1, 3});
  const Tensor right = tensor({0}, {1}, {.dtype = kInt64});
  std::cout << "softmax = " << softmax(logits, -1)[0]
            << "\nplain loss    = -log p_0 = " << nn::cross_entropy(logits, right).item()
            << "\nsmoothed loss (eps 0.1) = " << nn::cross_entropy(logits, right, -100, 0.1).item() << '\n';
  // [doc:end]
}

/// Trains the translator into `dir` and returns its best checkpoint.
TrainedRun section_training(const RunConfig& config, const RunData& data, const std::string& dir) {
  std::cout << "=== training ===\n";
  std::ostringstream log;  // the training loop's own output is long: print a summary
  const TrainResult trained = train(config, {.out_dir = dir, .out = &log});
  for (const HistoryRow& row : trained.history)
    if (row.validated)
      std::cout << "step " << std::setw(3) << row.step << ": training loss " << row.train_loss
                << ", validation loss " << row.val_loss << ", exact match " << std::setprecision(1)
                << 100 * row.val_exact << "%\n"
                << std::setprecision(4);
  TrainedRun run = load_trained_run(dir);
  const nn::Transformer& model = *run.model;
  const EvalResult held_out = evaluate(model, data.test, run.tokeniser, {.max_len = config.max_len});
  std::cout << std::setprecision(1) << "held-out test set: exact match " << 100 * held_out.exact_match
            << "%, BLEU " << held_out.bleu.score << std::setprecision(4) << '\n';
  return run;
}

void section_loss_per_position(const TrainedRun& run, const Batch& batch, const std::vector<int>& out_ids) {
  std::cout << "=== loss-per-position ===\n";
  const nn::Transformer& model = *run.model;
  // [doc:loss-per-position]
  // Teacher forcing on the held-out pair: at each position, the probability the model gives the
  // right next word, and the loss -log p there. The sentence's loss is their mean.
  {
    NoGradGuard no_grad;
    const Tensor log_p = log_softmax(model(batch.source, batch.target_in), -1)[0];  // [T, V]
    for (std::size_t t = 0; t < out_ids.size(); ++t) {
      const double lp = log_p[static_cast<std::int64_t>(t)][out_ids[t]].item();
      std::cout << std::setw(10) << run.tokeniser.words().target.token(out_ids[t]) << "  p = " << std::exp(lp)
                << "  loss = " << -lp << '\n';
    }
  }
  // [doc:end]
}

/// Returns the greedy translation, which the next sections compare and look into.
std::vector<int> section_greedy(const TrainedRun& run, const Batch& batch, const RunConfig& config) {
  std::cout << "=== greedy ===\n";
  const nn::Transformer& model = *run.model;
  // [doc:greedy-trace]
  std::vector<TraceStep> trace;
  const std::vector<int> greedy = greedy_decode(model, batch.source, config.max_len, &trace)[0];
  for (const TraceStep& s : trace) {
    std::cout << words(run.tokeniser.words().target, s.prefix) << "  →  "
              << run.tokeniser.words().target.token(s.chosen) << "   (";
    for (std::size_t k = 0; k < s.top_candidates.size(); ++k)
      std::cout << (k ? ", " : "") << run.tokeniser.words().target.token(s.top_candidates[k].first) << ' '
                << s.top_candidates[k].second;
    std::cout << ")\n";
  }
  // [doc:end]
  return greedy;
}

void section_beam(const TrainedRun& run, const Batch& batch, const std::vector<int>& greedy) {
  std::cout << "=== beam ===\n";
  const nn::Transformer& model = *run.model;
  // [doc:beam-vs-greedy]
  const std::vector<int> beam =
      beam_search(model, batch.source, {.width = 4, .length_penalty = 0.6, .max_len = 32});
  std::cout << "greedy:       " << detokenize(run.tokeniser.words().target.decode(greedy))
            << "\nbeam of 4:    " << detokenize(run.tokeniser.words().target.decode(beam))
            << "\nbeam of 1 = greedy: "
            << (beam_search(model, batch.source, {.width = 1, .max_len = 32}) == greedy ? "yes" : "no")
            << '\n';
  // [doc:end]
}

void section_attention(const TrainedRun& run, const Batch& batch, const std::vector<EncodedPair>& encoded,
                       const std::vector<int>& greedy) {
  std::cout << "=== attention ===\n";
  const nn::Transformer& model = *run.model;
  // [doc:attention-argmax]
  // The last decoder layer's cross-attention, averaged over its heads: for each French word the
  // model produced, the English word it looked at most.
  std::vector<int> target_in{Vocab::bos_id};
  target_in.insert(target_in.end(), greedy.begin(), greedy.end());
  std::vector<Tensor> cross;
  {
    NoGradGuard no_grad;
    model.decode(ids_tensor(target_in), model.encode(batch.source), batch.source, &cross);
  }
  const Tensor weights = mean(cross.back()[0], 0);  // [T, S]
  for (std::size_t t = 0; t < greedy.size(); ++t) {
    const auto source_word = argmax(weights[static_cast<std::int64_t>(t)], 0).item();
    std::cout
        << std::setw(10) << run.tokeniser.words().target.token(greedy[t]) << "  ←  "
        << run.tokeniser.words().source.token(encoded[0].source[static_cast<std::size_t>(source_word)])
        << "  ("
        << weights[static_cast<std::int64_t>(t)].select(0, static_cast<std::int64_t>(source_word)).item()
        << ")\n";
  }
  // [doc:end]
}

}  // namespace

int main(int argc, char** argv) {
  const std::string svg_dir = argc == 3 && std::string(argv[1]) == "--svg" ? argv[2] : "";
  std::cout << std::fixed << std::setprecision(4);
  // The run's directory, one per process (two builds may run this example at the same time).
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("sf_ch13_translator-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);

  const Example e = section_teacher_forcing();
  section_label_smoothing();
  const TrainedRun run = section_training(e.config, e.data, dir);
  section_loss_per_position(run, e.batch, e.out_ids);
  const std::vector<int> greedy = section_greedy(run, e.batch, e.config);
  section_beam(run, e.batch, greedy);
  section_attention(run, e.batch, e.encoded, greedy);
  if (!svg_dir.empty()) draw_cross_attention(*run.model, run.tokeniser, e.pair.source, svg_dir);
  std::filesystem::remove_all(dir);
  return 0;
}
