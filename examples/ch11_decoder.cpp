// ch11_decoder: the decoder examples of chapter 11 (docs/11-decoder.md).
//
// The target shifted right; the causal 4 × 4 example; one decoder layer end to end, with queries
// from the target and keys and values from the encoder's output; teacher forcing, and what the
// causal mask prevents; generation with the key/value cache against recomputing the prefix, and
// the work each does; the base model's parameters and the tied output projection; masks with
// padding; and the gradient that the encoder's output collects from every decoder layer.
//
//   ch11_decoder                  prints the chapter's numbers
//   ch11_decoder --svg DIR        also writes DIR/ch11_causal_mask.svg and DIR/ch11_self_attention.svg
// The cache's wall-clock time is measured by its own program, ch11_generation_time.cpp.
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "examples/common/measure.hpp"
#include "examples/common/svg.hpp"
#include "nn/nn.hpp"

using namespace sf;
using namespace sf::nn;
using sf::examples::max_difference;
using sf::examples::norm_of;

namespace {

// The toy vocabularies. Id 0 is padding, 1 and 2 start and end a sentence.
const std::vector<std::string> french = {"<pad>", "<s>", "</s>", "je", "suis", "étudiant"};
const std::vector<std::string> english = {"<pad>", "<s>", "</s>", "I", "am", "a", "student"};

std::string words(const Tensor& ids, const std::vector<std::string>& vocab) {
  std::string out;
  for (std::int64_t id : ids.to_vector<std::int64_t>())
    out += (out.empty() ? "" : " ") + vocab[static_cast<std::size_t>(id)];
  return out;
}

// A tiny translator with the base model's structure: d_model 8, 2 heads, d_ff 16, 2 + 2 layers.
TransformerConfig tiny(DType dtype) {
  return {.source_vocab = 6,
          .target_vocab = 7,
          .layer = {.d_model = 8, .heads = 2, .d_ff = 16, .dropout = 0.0, .dtype = dtype},
          .encoder_layers = 2,
          .decoder_layers = 2,
          .max_len = 16,
          .pad_id = 0};
}

const double inf = std::numeric_limits<double>::infinity();

// The decoder's input and labels for `target`.
struct ShiftedTarget {
  Tensor target_in, labels;
};

ShiftedTarget section_shifted(const Tensor& source, const Tensor& target) {
  std::cout << "=== shifted ===\n";
  // [doc:shifted]
  // The decoder's input is the target shifted right by one, behind <s>; the labels are the target.
  const Tensor start = tensor({1}, {1, 1}, {.dtype = kInt64});
  const Tensor target_in = concat({start, target.narrow(1, 0, 4)}, 1);  // [1, 5]
  const Tensor labels = target;                                         // [1, 5]
  std::cout << "source      " << words(source, french) << "\ndecoder in  " << words(target_in, english)
            << "\nlabels      " << words(labels, english) << '\n';
  for (std::int64_t t = 0; t < 5; ++t)
    std::cout << "position " << t << " sees " << words(target_in.narrow(1, 0, t + 1), english)
              << "  → must predict " << english[static_cast<std::size_t>(labels[0][t].item())] << '\n';
  // [doc:end]
  return {target_in, labels};
}

/// Returns the causal weights (for the picture).
Tensor section_causal() {
  std::cout << "=== causal ===\n";
  // [doc:causal]
  // Raw scores S for 4 positions; the 9s are in the future and must not count. With K = I (d_k = 4)
  // and Q = 2·S, the scaled scores Q·Kᵀ/√4 are exactly S.
  Tensor S = tensor({1, 9, 9, 9, 1, 2, 9, 9, 0, 1, 1, 9, 1, 1, 1, 1}, {4, 4});
  Tensor weights = attention_weights(S * 2.0, eye(4), causal_mask(4));
  std::cout << "causal mask (true = hidden):\n" << causal_mask(4) << "\nweights:\n" << weights << '\n';
  // [doc:end]
  return weights;
}

/// Returns the masked self-attention weights (for the picture).
Tensor section_layer(const Transformer& model, const Tensor& source, const Tensor& target_in) {
  std::cout << "=== layer ===\n";
  Tensor self_weights;
  {
    // [doc:layer]
    // The first decoder layer of the tiny model, sub-layer by sub-layer.
    NoGradGuard no_grad;
    const DecoderLayer& layer = model.decoder.layers[0];
    Tensor memory = model.encode(source);                            // [1, 4, 8]: the FINAL encoder output
    Tensor x = model.positional(model.target_embedding(target_in));  // [1, 5, 8]
    Tensor a = layer.self_attn(x, x, x, causal_mask(5), &self_weights);  // masked self-attention
    Tensor y1 = layer.norm1(x + a);
    Tensor cross_weights;
    Tensor c = layer.multihead_attn(y1, memory, memory, {}, &cross_weights);  // Q from y1; K, V from memory
    Tensor y2 = layer.norm2(y1 + c);
    Tensor y3 = layer.norm3(y2 + layer.feed_forward(y2));
    std::cout << "memory " << memory.shape() << ", target x " << x.shape() << '\n';
    std::cout << "masked self-attention " << a.shape() << ", weights " << self_weights.shape() << '\n';
    std::cout << "cross-attention " << c.shape() << ", weights " << cross_weights.shape()
              << " (heads × target positions × source positions)\n";
    std::cout << "feed-forward, after norm3 " << y3.shape() << '\n';
    std::cout << "the layer in one call: max |difference| = "
              << max_difference(y3, layer.forward(x, memory, causal_mask(5))) << '\n';
    std::cout
        << "cross-attention weights of head 0 (rows: <s> I am a student; columns: je suis étudiant </s>):\n"
        << cross_weights[0][0] << "\nrow sums " << sum(cross_weights[0][0], -1) << '\n';
    // [doc:end]
  }
  return self_weights;
}

void section_memory(const Transformer& model, const Tensor& source, const Tensor& target_in) {
  std::cout << "=== memory ===\n";
  // [doc:memory]
  // Every decoder layer gets the same memory: the output of the LAST encoder layer.
  NoGradGuard no_grad;
  Tensor memory = model.encode(source);
  Tensor x = model.positional(model.target_embedding(target_in));  // [1, 5, 8]
  Tensor h = x;
  for (std::size_t l = 0; l < model.decoder.layers.size(); ++l)
    h = model.decoder.layers[l].forward(h, memory, causal_mask(5));
  std::cout << "layer by layer with one memory vs the decoder: max |difference| = "
            << max_difference(model.output_projection(h), model(source, target_in)) << '\n';
  // The output has one row per query (target position), whatever the source's length: a source
  // of 2 tokens gives weights [1, 2, 5, 2] and still 5 rows.
  Tensor cross;
  Tensor short_memory = model.encode(source.narrow(1, 0, 2));
  Tensor out = model.decoder.layers[0].multihead_attn(x, short_memory, short_memory, {}, &cross);
  std::cout << "source of 2 tokens: weights " << cross.shape() << ", output " << out.shape() << '\n';
  // [doc:end]
}

void section_teacher_forcing(const Transformer& model, const Tensor& source, const Tensor& target_in,
                             const Tensor& labels) {
  std::cout << "=== teacher-forcing ===\n";
  // [doc:teacher-forcing]
  // Training: all 5 positions in one pass, each predicting its label.
  Tensor logits = model(source, target_in);  // [1, 5, 7]
  Tensor p = softmax(logits, -1);
  for (std::int64_t t = 0; t < 5; ++t) {
    const auto label = static_cast<std::int64_t>(labels[0][t].item());
    std::cout << "position " << t << " (" << english[static_cast<std::size_t>(target_in[0][t].item())]
              << "): p(" << english[static_cast<std::size_t>(label)] << ") = " << p[0][t][label].item()
              << ", -log p = " << -std::log(p[0][t][label].item()) << '\n';
  }
  std::cout << "loss (their mean) " << cross_entropy(logits, labels).item() << ", ln 7 = " << std::log(7.0)
            << '\n';
  // [doc:end]
}

void section_leak(const Transformer& model, const Tensor& source, const Tensor& target_in) {
  std::cout << "=== leak ===\n";
  // [doc:leak]
  // Change decoder input 3 ("a" → "student") and look at positions 0..2, with and without the mask.
  NoGradGuard no_grad;
  Tensor changed = target_in.clone();
  changed[0][3].fill_(6);
  Tensor memory = model.encode(source);
  auto logits = [&](const Tensor& in, const Tensor& mask) {
    return model.output_projection(
        model.decoder.forward(model.positional(model.target_embedding(in)), memory, mask));
  };
  for (bool masked : {true, false}) {
    const Tensor mask = masked ? causal_mask(5) : Tensor();
    std::cout << (masked ? "causal mask:" : "no mask:    ") << " positions 0..2 change by "
              << max_difference(logits(target_in, mask).narrow(1, 0, 3),
                                logits(changed, mask).narrow(1, 0, 3))
              << '\n';
  }
  // Running each prefix on its own, as generation would, gives the rows of the one masked pass.
  double worst = 0;
  const Tensor full = logits(target_in, causal_mask(5));
  for (std::int64_t t = 1; t <= 5; ++t) {
    const Tensor prefix = logits(target_in.narrow(1, 0, t), causal_mask(t));
    worst = std::max(worst, max_difference(prefix[0][t - 1], full[0][t - 1]));
  }
  std::cout << "5 prefixes run one by one vs one masked pass: max |difference| = " << worst << '\n';
  // [doc:end]
}

void section_cache(const Transformer& model, const Tensor& source, const Tensor& target_in) {
  std::cout << "=== cache ===\n";
  // [doc:cache]
  // Generation feeds one token at a time. With the cache each step projects only the new token
  // and attends over the cached keys and values; compare with the full pass, row by row.
  NoGradGuard no_grad;
  const Tensor full = model(source, target_in);  // [1, 5, 7]
  GenerationState state = model.start_generation(source, 5);
  for (std::int64_t t = 0; t < 5; ++t) {
    const Tensor step = model.generation_step(state, target_in.narrow(1, t, 1));  // [1, 1, 7]
    const KVCache& self = state.caches[0].self;
    std::cout << "step " << t << ": fed " << english[static_cast<std::size_t>(target_in[0][t].item())]
              << ", cached keys " << self.length << " of " << self.key.shape() << ", cross keys "
              << state.caches[0].cross.key.shape() << ", max |step - full row| "
              << max_difference(step[0][0], full[0][t]) << '\n';
  }
  // [doc:end]
}

void section_work() {
  std::cout << "=== work ===\n";
  // [doc:work]
  // Multiply-adds of the decoder (N layers, d_model d, d_ff, source length S) to generate T tokens,
  // recomputing the prefix at every step or using the cache. Row counts × matrix sizes only.
  const std::int64_t N = 6, d = 512, d_ff = 2048, S = 20, V = 37000;
  for (std::int64_t T : {20, 100}) {
    std::int64_t recompute = 0, cached = 0;
    for (std::int64_t t = 1; t <= T; ++t) {  // step t: the prefix has t tokens
      // Without a cache: every layer runs on all t rows, and projects the memory again.
      recompute +=
          N * (4 * t * d * d + 2 * t * t * d  // self-attention: Q, K, V, W^O; scores and A·V
               + 2 * t * d * d + 2 * S * d * d + 2 * t * S * d  // cross: Q, W^O; K, V of memory; attention
               + 2 * t * d * d_ff)                              // feed-forward
          + t * d * V;                                          // output projection
      // With the cache: one new row per layer; the memory's K and V were projected once (below).
      cached += N * (4 * d * d + 2 * t * d + 2 * d * d + 2 * S * d + 2 * d * d_ff) + d * V;
    }
    cached += N * 2 * S * d * d;
    std::cout << "T = " << std::setw(3) << T << ": recompute " << recompute << ", cache " << cached
              << ", ratio " << static_cast<double>(recompute) / static_cast<double>(cached) << '\n';
  }
  // What the cache holds for the base model: K and V, 6 layers × 512 numbers per position, twice.
  std::cout << "self-attention cache per generated token: " << 2 * N * d
            << " numbers; memory cache per source token: " << 2 * N * d << '\n';
  // [doc:end]
}

void section_parameters(Generator& gen) {
  std::cout << "=== parameters ===\n";
  // [doc:parameters]
  DecoderLayer layer({.d_model = 512, .heads = 8, .d_ff = 2048}, gen);
  for (const auto& [name, p] : layer.named_parameters()) std::cout << name << ' ' << p.shape() << '\n';
  std::cout << "one layer: " << layer.self_attn.parameter_count() << " + "
            << layer.multihead_attn.parameter_count() << " + " << layer.feed_forward.parameter_count()
            << " + "
            << layer.norm1.parameter_count() + layer.norm2.parameter_count() + layer.norm3.parameter_count()
            << " = " << layer.parameter_count() << '\n';
  // The whole base model with the paper's shared 37,000-token vocabulary (one table for source,
  // target and the output projection).
  TransformerConfig base = TransformerConfig::base(37000, 37000);
  base.share_embeddings = true;
  Transformer transformer(base, gen);
  const std::int64_t encoder = transformer.encoder.parameter_count(),
                     decoder = transformer.decoder.parameter_count();
  const std::int64_t table = transformer.source_embedding.parameter_count();
  std::cout << "encoder " << encoder << " + decoder " << decoder << " = " << encoder + decoder << '\n';
  std::cout << "+ one table 37000 × 512 = " << table << " → " << encoder + decoder + table << '\n';
  std::cout << "+ the output projection's bias " << transformer.output_projection.bias.numel() << " → "
            << transformer.parameter_count() << " (parameter_count)\n";
  std::int64_t matrices = 0;
  for (const auto& [name, p] : transformer.named_parameters()) matrices += p.dim() == 2;
  std::cout << "stored matrices: " << matrices << " (the shared table counted once)\n";
  std::cout << "output projection is the target embedding: "
            << transformer.output_projection.weight.is_same(transformer.target_embedding.weight)
            << "; target embedding is the source embedding: "
            << transformer.target_embedding.weight.is_same(transformer.source_embedding.weight) << '\n';
  // [doc:end]
}

void section_tied(const Transformer& model, const Tensor& source, const Tensor& target_in) {
  std::cout << "=== tied ===\n";
  // [doc:tied]
  // The logits are the decoder's output against every row of the target embedding (plus a bias):
  // a word scores high when its embedding points the way the output does.
  NoGradGuard no_grad;
  Tensor h = model.decoder.forward(model.positional(model.target_embedding(target_in)), model.encode(source),
                                   causal_mask(5));
  Tensor by_hand = matmul(h, model.target_embedding.weight.transpose(0, 1)) + model.output_projection.bias;
  std::cout << "h " << h.shape() << " · Eᵀ " << model.target_embedding.weight.transpose(0, 1).shape()
            << " + b: max |difference| from the logits = "
            << max_difference(by_hand, model(source, target_in)) << '\n';
  TransformerConfig untied = tiny(kFloat32);
  untied.tie_output = false;
  std::cout << "parameters tied " << model.parameter_count() << ", untied "
            << Transformer(untied).parameter_count() << '\n';
  // [doc:end]
}

void section_padding(Generator& gen) {
  std::cout << "=== padding ===\n";
  // [doc:padding]
  // The decoder's self-attention mask, as Transformer::decode builds it, for a target padded on
  // the right ("<s> I am" + 2 × <pad>) and one padded on the left.
  for (const auto& ids : {tensor({1, 3, 4, 0, 0}, {1, 5}, {.dtype = kInt64}),
                          tensor({0, 0, 1, 3, 4}, {1, 5}, {.dtype = kInt64})}) {
    const Tensor mask = logical_or(causal_mask(5), padding_mask(ids, 0));  // [1, 1, 5, 5]
    std::vector<std::int64_t> visible;
    for (std::int64_t t = 0; t < 5; ++t)
      visible.push_back(5 - static_cast<std::int64_t>(sum(mask[0][0][t].to(kFloat32)).item()));
    std::cout << words(ids, english) << ": visible keys per row";
    for (auto v : visible) std::cout << ' ' << v;
    std::cout << '\n';
  }
  // A row with nothing visible: our −∞ gives zeros, a fill of −10000 a uniform row.
  const Tensor mask =
      logical_or(causal_mask(5), padding_mask(tensor({0, 0, 1, 3, 4}, {1, 5}, {.dtype = kInt64}), 0));
  Tensor scores = randn({1, 1, 5, 5}, gen);
  std::cout << "row 0 with -inf:   " << softmax(masked_fill(scores, mask, -inf), -1)[0][0][0] << '\n';
  std::cout << "row 0 with -10000: " << softmax(masked_fill(scores, mask, -10000), -1)[0][0][0] << '\n';
  // [doc:end]
}

void section_backward() {
  std::cout << "=== backward ===\n";
  {
    // [doc:backward]
    // float64. Two source sentences (the second padded), the loss of teacher forcing.
    Generator g64(12);
    Transformer m(tiny(kFloat64), g64);
    const Tensor src = tensor({3, 4, 5, 2, 3, 5, 2, 0}, {2, 4}, {.dtype = kInt64});  // row 1 ends in <pad>
    const Tensor tgt_in = tensor({1, 3, 4, 5, 6, 1, 3, 6, 2, 0}, {2, 5}, {.dtype = kInt64});
    const Tensor tgt_out = tensor({3, 4, 5, 6, 2, 3, 6, 2, 0, 0}, {2, 5}, {.dtype = kInt64});
    Tensor memory = m.encode(src);  // [2, 4, 8]
    memory.retain_grad();
    cross_entropy(m.decode(tgt_in, memory, src), tgt_out, 0).backward();
    const Tensor dmemory = memory.grad();
    // The same loss with a separate copy of the memory for each decoder layer: their gradients
    // are what each layer sends back, and they add up to dmemory.
    const Tensor self_mask = logical_or(causal_mask(5), padding_mask(tgt_in, 0));
    std::vector<Tensor> copies;
    Tensor h = m.positional(m.target_embedding(tgt_in));
    for (std::size_t l = 0; l < m.decoder.layers.size(); ++l) {
      copies.push_back(memory.detach().requires_grad_());
      h = m.decoder.layers[l].forward(h, copies.back(), self_mask, padding_mask(src, 0));
    }
    cross_entropy(m.output_projection(h), tgt_out, 0).backward();
    Tensor total = zeros_like(dmemory);
    for (std::size_t l = 0; l < copies.size(); ++l) {
      std::cout << "|dmemory| from decoder layer " << l + 1 << ": " << norm_of(copies[l].grad()) << '\n';
      total = total + copies[l].grad();
    }
    std::cout << "|dmemory| " << norm_of(dmemory) << "; max |sum of the layers' parts - dmemory| "
              << max_difference(total, dmemory) << '\n';
    std::cout << "gradient of the padded source position: " << norm_of(dmemory[1][3])
              << "; of the <pad> row of the source embedding: "
              << norm_of(m.source_embedding.weight.grad()[0]) << '\n';
    // The gradient check of the whole model's loss (the tests also check one DecoderLayer).
    const auto whole =
        gradcheck([&](const std::vector<Tensor>&) { return cross_entropy(m(src, tgt_in), tgt_out, 0, 0.1); },
                  m.parameters(), {.name = "Transformer loss"});
    std::cout << "whole-model loss gradcheck over " << m.parameters().size()
              << " parameter tensors: " << (whole.passed ? "passed" : "FAILED") << '\n';
    // [doc:end]
  }
}

// The two heat maps of the chapter: the causal weights, and layer 0's masked self-attention.
void draw_pictures(const std::string& svg_dir, const Tensor& weights, const Tensor& self_weights) {
  const std::vector<std::string> pos = {"0", "1", "2", "3"};
  std::vector<double> shown = weights.to_vector<double>();
  for (std::int64_t i = 0; i < 4; ++i)
    for (std::int64_t j = i + 1; j < 4; ++j)
      shown[static_cast<std::size_t>(i * 4 + j)] = -inf;  // grey: hidden
  svg::HeatMap({.title = "Causal attention weights (grey: score -inf, weight 0)",
                .x_label = "key position",
                .y_label = "query position",
                .row_labels = pos,
                .column_labels = pos,
                .annotate = true,
                .decimals = 4,
                .cell_size = 72},
               4, 4, shown)
      .save(svg_dir + "/ch11_causal_mask.svg");
  const std::vector<std::string> in = {"<s>", "I", "am", "a", "student"};
  std::vector<double> w = self_weights[0][0].to_vector<double>();
  for (std::int64_t i = 0; i < 5; ++i)
    for (std::int64_t j = i + 1; j < 5; ++j) w[static_cast<std::size_t>(i * 5 + j)] = -inf;
  svg::HeatMap({.title = "Decoder layer 0, head 0: masked self-attention (untrained)",
                .x_label = "key",
                .y_label = "query",
                .row_labels = in,
                .column_labels = in,
                .annotate = true,
                .decimals = 2,
                .cell_size = 64},
               5, 5, w)
      .save(svg_dir + "/ch11_self_attention.svg");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string svg_dir = argc == 3 && std::string(argv[1]) == "--svg" ? argv[2] : "";
  std::cout << std::fixed << std::setprecision(4) << std::boolalpha;

  // "je suis étudiant </s>" → "I am a student </s>".
  const Tensor source = tensor({3, 4, 5, 2}, {1, 4}, {.dtype = kInt64});
  const Tensor target = tensor({3, 4, 5, 6, 2}, {1, 5}, {.dtype = kInt64});

  const auto [target_in, labels] = section_shifted(source, target);
  const Tensor weights = section_causal();
  Generator gen(11);
  Transformer model(tiny(kFloat32), gen);
  model.eval();
  const Tensor self_weights = section_layer(model, source, target_in);
  section_memory(model, source, target_in);
  section_teacher_forcing(model, source, target_in, labels);
  section_leak(model, source, target_in);
  section_cache(model, source, target_in);
  section_work();
  section_parameters(gen);
  section_tied(model, source, target_in);
  section_padding(gen);
  section_backward();
  if (!svg_dir.empty()) draw_pictures(svg_dir, weights, self_weights);
  return 0;
}
