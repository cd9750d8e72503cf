// ch13_translator: chapter 13's worked examples (docs/13-training-a-translator.md).
//
// A small translator trained for a few seconds on the toy grammar, then looked at closely: the
// shifted target of teacher forcing, label smoothing on three numbers, the loss at each position,
// greedy decoding step by step (the lecture's "I → am → a → student" animation), beam search, and
// which English word each French word looked at, and what the model does with inputs longer than any it
// was trained on (chapter 7 reads that part). With --svg DIR it also draws that attention.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <numeric>
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
  TrainedRun run = load_trained_run(dir);
  const nn::Transformer& model = *run.model;
  std::cout << "model: d_model " << config.d_model << ", " << config.heads << " heads, d_ff " << config.d_ff
            << ", " << config.layers << " + " << config.layers << " layers, " << run.tokeniser.source_size()
            << " English + " << run.tokeniser.target_size() << " French words, " << model.parameter_count()
            << " parameters\n";
  for (const HistoryRow& row : trained.history)
    if (row.validated)
      std::cout << "step " << std::setw(3) << row.step << ": training loss " << row.train_loss
                << ", validation loss " << row.val_loss << ", exact match " << std::setprecision(1)
                << 100 * row.val_exact << "%\n"
                << std::setprecision(4);
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
  // model produced, the English word it looked at most, and the one after it.
  std::vector<int> target_in{Vocab::bos_id};
  target_in.insert(target_in.end(), greedy.begin(), greedy.end());
  std::vector<Tensor> cross;
  {
    NoGradGuard no_grad;
    model.decode(ids_tensor(target_in), model.encode(batch.source), batch.source, &cross);
  }
  const Tensor weights = mean(cross.back()[0], 0);  // [T, S]
  const Vocab &french = run.tokeniser.words().target, &english = run.tokeniser.words().source;
  for (std::size_t t = 0; t < greedy.size(); ++t) {
    const Tensor row = weights[static_cast<std::int64_t>(t)];  // [S]: one weight per English token
    const auto w = [&](std::int64_t s) { return row.select(0, s).item(); };
    std::vector<std::int64_t> order(static_cast<std::size_t>(row.numel()));
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + 2, order.end(),
                      [&](std::int64_t a, std::int64_t b) { return w(a) > w(b); });
    const auto word = [&](std::int64_t s) {
      return english.token(encoded[0].source[static_cast<std::size_t>(s)]);
    };
    std::cout << std::setw(10) << french.token(greedy[t]) << "  ←  " << word(order[0]) << "  (" << w(order[0])
              << "), then " << word(order[1]) << " (" << w(order[1]) << ")\n";
  }
  // [doc:end]
}

void section_long_inputs(const TrainedRun& run, const RunData& data, const RunConfig& config) {
  std::cout << "=== long-inputs ===\n";
  const nn::Transformer& model = *run.model;
  std::size_t longest_source = 0, longest_target = 0;  // in the training set, in tokens with <s> and </s>
  for (const EncodedPair& p : encode_pairs(data.train, run.tokeniser, config.max_len)) {
    longest_source = std::max(longest_source, p.source.size());
    longest_target = std::max(longest_target, p.target.size());
  }
  std::cout << "longest training sentence: " << longest_source << " tokens in English, " << longest_target
            << " in French (with <s> and </s>)\n";
  // [doc:long-inputs]
  // Inputs longer than any the model was trained on: k held-out sentences in a row, "a boy does not go
  // to the river . the fathers make …", whose translation is their translations in a row. Every word is
  // known; only the length and the positions are new.
  //   greedy: the translation equals the reference token for token (exact), or only its first
  //     sentence does (first sentence), or it has fewer full stops than the input (stopped early);
  //   teacher forcing: fed the right French words, how often is the most probable next word right,
  //     at the decoder positions training reached (up to the longest French sentence) and beyond?
  const int full_stop = run.tokeniser.words().target.id(".");
  for (const std::size_t k : {1, 2, 3}) {
    std::vector<SentencePair> joined;
    for (std::size_t i = 0; i + k <= data.test.size() && joined.size() < 100; i += k) {
      SentencePair p = data.test[i];
      for (std::size_t j = 1; j < k; ++j) {
        p.source += " " + data.test[i + j].source;
        p.target += " " + data.test[i + j].target;
      }
      joined.push_back(p);
    }
    const std::vector<EncodedPair> encoded = encode_pairs(joined, run.tokeniser, config.max_len);  // ≤ 32
    double exact = 0, first = 0, early = 0, tokens = 0, right[2] = {0, 0}, seen[2] = {0, 0};
    for (std::size_t from = 0; from < encoded.size(); from += 50) {
      std::vector<const EncodedPair*> group;
      for (std::size_t i = from; i < std::min(encoded.size(), from + 50); ++i) group.push_back(&encoded[i]);
      const Batch batch = collate(group);
      const std::vector<std::vector<int>> out = greedy_decode(model, batch.source, config.max_len);
      NoGradGuard no_grad;
      const Tensor predicted = argmax(model(batch.source, batch.target_in), -1);  // [B, T]
      for (std::size_t i = 0; i < group.size(); ++i) {
        const std::vector<int> reference(group[i]->target.begin() + 1, group[i]->target.end() - 1);
        const auto first_stop = std::find(reference.begin(), reference.end(), full_stop) + 1;
        exact += out[i] == reference;
        first += out[i].size() >= static_cast<std::size_t>(first_stop - reference.begin()) &&
                 std::equal(reference.begin(), first_stop, out[i].begin());
        early += std::count(out[i].begin(), out[i].end(), full_stop) < static_cast<std::ptrdiff_t>(k);
        tokens += static_cast<double>(group[i]->source.size());
        for (std::size_t t = 0; t + 1 < group[i]->target.size(); ++t) {  // decoder position t + 1
          const bool beyond = t + 1 >= longest_target;
          seen[beyond] += 1;
          right[beyond] += predicted[static_cast<std::int64_t>(i)][static_cast<std::int64_t>(t)].item() ==
                           group[i]->target[t + 1];
        }
      }
    }
    const double n = static_cast<double>(encoded.size());
    std::cout << k << " in a row: " << encoded.size() << " inputs of " << std::setprecision(1) << tokens / n
              << " tokens on average\n  greedy: exact " << 100 * exact / n << "%, first sentence right "
              << 100 * first / n << "%, stopped early " << 100 * early / n
              << "%\n  teacher forcing: " << 100 * right[0] / seen[0] << "% right at positions 1-"
              << longest_target - 1;
    if (seen[1] > 0) std::cout << ", " << 100 * right[1] / seen[1] << "% beyond";
    std::cout << '\n' << std::setprecision(4);
    if (k == 2) {
      const std::vector<std::vector<int>> out =
          greedy_decode(model, collate({&encoded[0]}).source, config.max_len);
      std::cout << "  e.g. " << joined[0].source << "\n    →  "
                << detokenize(run.tokeniser.words().target.decode(out[0])) << '\n';
    }
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
  section_long_inputs(run, e.data, e.config);
  if (!svg_dir.empty()) draw_cross_attention(*run.model, run.tokeniser, e.pair.source, svg_dir);
  std::filesystem::remove_all(dir);
  return 0;
}
