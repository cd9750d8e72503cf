// exchange.cpp: translator export and translator score (see exchange.hpp).
#include "examples/translator/exchange.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <system_error>
#include <type_traits>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "examples/translator/checkpointing.hpp"
#include "examples/translator/decoding.hpp"
#include "examples/translator/options.hpp"
#include "examples/translator/parallel_files.hpp"
#include "examples/translator/training.hpp"
#include "examples/translator/training_step.hpp"
#include "optim/adam.hpp"

namespace sf::translator {
namespace {

namespace fs = std::filesystem;

/// What export and score need of a run: its settings and its tokeniser (not its weights).
struct RunSettings {
  RunConfig config;
  Tokeniser tokeniser;
};

RunSettings load_run_settings(const std::string& dir) {
  const RunDirectory run(dir);
  if (!fs::exists(fs::path(run.latest()) / "model.safetensors"))
    fail<IOError>("no trained run in ", dir, ": ", (fs::path(run.latest()) / "model.safetensors").string(),
                  " is missing (train one first: translator train --out ", dir, ")");
  const std::map<std::string, std::string> metadata = run.stored_metadata();
  RunConfig config = RunConfig::from_metadata(metadata);
  Tokeniser tokeniser = run.load_tokeniser(config, metadata);
  return {std::move(config), std::move(tokeniser)};
}

void append_ids(std::string& line, const std::vector<int>& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i) (line += i ? " " : "") += std::to_string(ids[i]);
}

/// One line per pair: source ids, a tab, target ids.
std::string pair_lines(const std::vector<EncodedPair>& pairs) {
  std::string text;
  for (const EncodedPair& p : pairs) {
    append_ids(text, p.source);
    text += '\t';
    append_ids(text, p.target);
    text += '\n';
  }
  return text;
}

/// One line per sentence: its source ids, or an empty line for a sentence over max_len (evaluation
/// scores it as an empty translation).
std::string source_lines(const std::vector<std::string>& sentences, const Tokeniser& tokeniser,
                         std::int64_t max_len) {
  std::string text;
  for (const std::string& s : sentences) {
    const std::vector<int> ids = tokeniser.encode_source(s);
    if (static_cast<std::int64_t>(ids.size()) <= max_len) append_ids(text, ids);
    text += '\n';
  }
  return text;
}

/// A setting's value as text: a number in the shortest form that reads back exactly, a bool as 0 or 1.
template <class T>
std::string setting_text(const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return value;
  } else if constexpr (std::is_same_v<T, bool>) {
    return value ? "1" : "0";
  } else {
    char text[32];
    return std::string(text, std::to_chars(text, text + sizeof text, value).ptr);
  }
}

}  // namespace

std::vector<std::vector<std::size_t>> batch_indices(const std::vector<EncodedPair>& pairs,
                                                    const BatchingConfig& config, Generator& gen) {
  // make_batches gives padded tensors, not indices. So it batches stand-ins: each with its pair's
  // lengths (all that batching looks at) and every id equal to the pair's index, which the first
  // source id of each batch row then gives back.
  std::vector<EncodedPair> stand_ins;
  stand_ins.reserve(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const int index = static_cast<int>(i);
    stand_ins.push_back(
        {std::vector<int>(pairs[i].source.size(), index), std::vector<int>(pairs[i].target.size(), index)});
  }
  std::vector<std::vector<std::size_t>> out;
  for (const Batch& batch : make_batches(stand_ins, config, gen)) {
    std::vector<std::size_t> rows;
    for (double index : batch.source.select(1, 0).contiguous().to_vector<double>())
      rows.push_back(static_cast<std::size_t>(index));
    out.push_back(std::move(rows));
  }
  return out;
}

void write_settings(std::ostream& out, const RunConfig& c, const Tokeniser& tokeniser,
                    const ExportOptions& o) {
  const nn::TransformerConfig m = c.model_config(tokeniser.source_size(), tokeniser.target_size());
  const EvalOptions eval_defaults;
  const optim::AdamConfig adam = optim::kPaperAdam;
  const double d_model = static_cast<double>(m.layer.d_model);
  const auto line = [&out](const char* key, const auto& value, const char* comment = "") {
    out << key << '=' << setting_text(value) << (*comment ? "  # " : "") << comment << '\n';
  };
  out << "# The run in " << o.run_dir
      << " as translator export describes it: what the model computes and how\n"
      << "# it is trained, validated and decodes, for a peer that mirrors it "
         "(tests/bench/train_vs_pytorch.py).\n"
      << "# ---- ids (train.ids, valid.ids, *.src.ids; each side framed by <s> ... </s>)\n";
  line("tokeniser", tokeniser.kind());
  line("source_vocab", m.source_vocab);
  line("target_vocab", m.target_vocab);
  line("pad_id", Vocab::pad_id);
  line("bos_id", Vocab::bos_id);
  line("eos_id", Vocab::eos_id);
  line("max_len", c.max_len, "longest sentence in tokens, <s> and </s> included");
  out << "# ---- model (nn/transformer.hpp): dropout(embedding * embedding_scale + sinusoidal PE) into\n"
      << "# torch.nn.Transformer's layers (batch first; dropout on the attention weights, after the\n"
      << "# feed-forward's activation and on each sublayer's output before its residual add), then a linear\n"
      << "# projection to target_vocab. Padding (pad_id) is masked as keys in every attention: the source's\n"
      << "# in encoder self-attention and cross-attention, the target's in decoder self-attention (with the\n"
      << "# causal mask).\n";
  line("d_model", m.layer.d_model);
  line("heads", m.layer.heads);
  line("d_ff", m.layer.d_ff);
  line("encoder_layers", m.encoder_layers);
  line("decoder_layers", m.decoder_layers);
  line("activation", std::string(m.layer.activation == nn::Activation::ReLU ? "relu" : "gelu"));
  line("norm_first", m.layer.norm_first, "0: post-LN (the paper), 1: pre-LN");
  line("final_norm", m.final_norm || m.layer.norm_first,
       "a LayerNorm after each stack (torch.nn.Transformer always has one)");
  line("layer_norm_eps", m.layer.layer_norm_eps);
  line("dropout", m.layer.dropout);
  line("share_embeddings", m.share_embeddings, "one table for the source and the target");
  line("tie_output", m.tie_output, "the output projection's weight is the target embedding's");
  line("output_bias", true);
  line("embedding_scale", std::sqrt(d_model), "sqrt(d_model)");
  line("positional", std::string("sinusoidal"), "PE(p, 2i) = sin(p / 10000^(2i/d_model)), PE(p, 2i+1) = cos");
  line("positional_max_len", m.max_len);
  line("init_embedding_std", 1 / std::sqrt(d_model), "embeddings N(0, 1/d_model)");
  line("init_matrices", std::string("xavier_uniform"),
       "encoder and decoder matrices; biases and LayerNorm as torch's");
  out << "# ---- training (training_step.cpp): label-smoothed cross-entropy averaged over the non-padding\n"
      << "# target tokens, the gradient clipped to a global L2 norm of `clip` (0 = no clipping), Adam at "
         "the\n"
      << "# schedule's rate. A loss or gradient that is not finite, or a loss above divergence_factor times\n"
      << "# the highest of the first step's and the last divergence_window steps', stops training. cosine:\n"
      << "# linear warm-up to lr, then cosine decay to cosine_final_lr at cosine_total_steps; noam:\n"
      << "# d_model^-0.5 * min(step^-0.5, step * warmup^-1.5). Steps count from 1.\n";
  line("label_smoothing", c.label_smoothing);
  line("optimizer", std::string("adam"));
  line("adam_beta1", adam.beta1);
  line("adam_beta2", adam.beta2);
  line("adam_eps", adam.eps);
  line("weight_decay", 0);
  line("schedule", c.schedule);
  line("lr", c.lr);
  line("warmup", c.warmup);
  if (c.schedule == "cosine") {
    const optim::CosineConfig cosine = cosine_schedule(c);
    line("cosine_total_steps", cosine.total_steps);
    line("cosine_final_lr", cosine.final_lr);
  }
  line("clip", c.clip);
  line("steps", c.steps);
  line("minutes", c.minutes, "wall time (validations included; 0 = none); it stops at steps or minutes");
  line("batch_size", c.batch_size, "batches.txt lists the batches themselves");
  line("batch_tokens", c.batch_tokens, "0 = batch_size sentences; else pairs x longest side <= it");
  line("seed", c.seed);
  line("divergence_factor", kDivergenceFactor);
  line("divergence_window", kDivergenceWindow);
  out << "# ---- validation, every eval_every steps and after the last step: the loss (no smoothing) on all\n"
      << "# of valid.ids in batches of eval_batch_size, and the first valid_sentences lines of "
         "valid.src.ids\n"
      << "# decoded and scored (translator score --max-sentences). The best checkpoint has the highest\n"
      << "# selection score, or the same score and a lower loss.\n";
  line("eval_every", c.eval_every);
  line("valid_sentences", kValidationSentences);
  line("eval_batch_size", eval_defaults.batch_size);
  line("valid_beam", o.beam);
  line("valid_length_penalty", o.length_penalty);
  line("selection", std::string(tokeniser.is_bpe() ? "bleu" : "exact_match"));
  out << "# ---- decoding (decoding.cpp): greedy (beam 1, in batches of eval_batch_size), or beam search\n"
      << "# keeping the 2*beam best extensions, ranking finished ones by log P / ((5 + n) / "
         "6)^length_penalty\n"
      << "# (n counts </s>); <pad> and <s> are never chosen; at most decode_max_len tokens fed, <s> "
         "included.\n";
  line("beam", o.beam);
  line("length_penalty", o.length_penalty);
  line("decode_max_len", c.max_len);
  line("decode_per_source_token", kSourceLengthLimit.per_source_token,
       "limit: min(decode_max_len, per_source_token * source words + extra)");
  line("decode_extra", kSourceLengthLimit.extra);
  line("average_last", c.average_last, "the final model: the mean of the last saves, if it validates better");
}

void export_run(const ExportOptions& o) {
  std::ostream& out = o.out ? *o.out : std::cout;
  const RunSettings run = load_run_settings(o.run_dir);
  const RunConfig& c = run.config;
  const RunData data = load_run_data(c);
  std::int64_t dropped = 0;
  const std::vector<EncodedPair> train = encode_pairs(data.train, run.tokeniser, c.max_len, &dropped);
  const std::vector<EncodedPair> valid = encode_pairs(data.validation, run.tokeniser, c.max_len);
  std::error_code error;
  fs::create_directories(o.out_dir, error);
  if (error) fail<IOError>("cannot create ", o.out_dir, ": ", error.message());
  const auto write = [&](const std::string& name, const std::string& text) {
    io::write_file_atomically((fs::path(o.out_dir) / name).string(), text);
  };
  write("train.ids", pair_lines(train));
  write("valid.ids", pair_lines(valid));
  write("valid.src.ids", source_lines(distinct_sources(data.validation), run.tokeniser, c.max_len));
  std::size_t test_sentences = 0;
  if (!o.test_source.empty()) {
    std::vector<SentencePair> test;
    for (std::string& line : read_lines(o.test_source)) test.push_back({std::move(line), ""});
    const std::vector<std::string> sources = distinct_sources(test);
    test_sentences = sources.size();
    write("test.src.ids", source_lines(sources, run.tokeniser, c.max_len));
  }

  const std::int64_t steps = o.steps > 0 ? o.steps : c.steps;
  Generator order = batch_order_generator(c);  // as training: epoch after epoch from one generator
  std::string batches;
  std::int64_t listed = 0, epochs = 0;
  while (listed < steps) {
    const std::vector<std::vector<std::size_t>> epoch = batch_indices(train, batching_config(c), order);
    if (epoch.empty()) fail<ValueError>("export: no training pair is short enough to make a batch");
    ++epochs;
    for (std::size_t b = 0; b < epoch.size() && listed < steps; ++b, ++listed) {
      for (std::size_t i = 0; i < epoch[b].size(); ++i)
        (batches += i ? " " : "") += std::to_string(epoch[b][i]);
      batches += '\n';
    }
  }
  write("batches.txt", batches);
  std::ostringstream settings;
  write_settings(settings, c, run.tokeniser, o);
  settings << "# ---- the files\ntrain_pairs=" << train.size() << "\ndropped_pairs=" << dropped
           << "\nvalid_pairs=" << valid.size() << "\nbatches=" << listed << '\n';
  write("settings.txt", settings.str());

  out << "export: " << o.run_dir << " → " << o.out_dir << ": " << train.size() << " training pairs";
  if (dropped) out << " (" << dropped << " over " << c.max_len << " tokens left out)";
  out << ", " << valid.size() << " validation pairs, " << listed << " batches (" << epochs
      << (epochs == 1 ? " epoch)" : " epochs)");
  if (!o.test_source.empty()) out << ", " << test_sentences << " test sentences";
  out << '\n';
}

std::vector<std::vector<int>> read_id_lines(const std::string& path, std::int64_t vocab_size) {
  std::vector<std::vector<int>> out;
  std::size_t number = 0;
  for (const std::string& line : read_lines(path)) {
    ++number;
    std::vector<int> ids;
    std::istringstream words(line);
    for (std::string word; words >> word;) {
      if (word.size() > 9 || word.find_first_not_of("0123456789") != std::string::npos)
        fail<ValueError>(path, " line ", number, ": '", word,
                         "' is not a token id (each line: whole numbers separated by spaces)");
      const std::int64_t id = std::stoll(word);
      if (id >= vocab_size)
        fail<ValueError>(path, " line ", number, ": id ", id, " is outside the target vocabulary (0 to ",
                         vocab_size - 1, ")");
      ids.push_back(static_cast<int>(id));
    }
    out.push_back(std::move(ids));
  }
  return out;
}

int export_command(const std::vector<std::string>& args) {
  Options o(
      "translator export --run DIR --out DIR2 [--steps N] [--test-src FILE]",
      "Writes a run's data and settings as plain text, for a peer outside scratchformer that trains the\n"
      "same model on the same batches (tests/bench/train_vs_pytorch.py): train.ids and valid.ids (pairs of\n"
      "ids, source<TAB>target, as training feeds them), valid.src.ids (and test.src.ids with --test-src:\n"
      "the distinct sources, in the order eval translates them), batches.txt (the batches training draws,\n"
      "one line of pair indices each) and settings.txt (the model, the recipe and the decoding).");
  o.add("run", "DIR", "the training run's output directory", TrainOptions{}.out_dir)
      .add("out", "DIR2", "where the files go")
      .add("steps", "N", "batches to list (0 = the run's steps)", "0")
      .add("test-src", "FILE", "also write test.src.ids for these sentences (e.g. test_2016_flickr.en)")
      .add("beam", "N", "the decoding the peer uses, written to settings.txt (1 = greedy)",
           std::to_string(kDefaultBeam))
      .add("length-penalty", "A", "beam search length penalty α, written to settings.txt", "0.6")
      .add_flag("help", "show this help");
  if (!o.parse_unless_help(args)) return 0;
  if (!o.given("out")) fail<ValueError>("translator export needs --out DIR2 (where the files go)");
  export_run({.run_dir = o.text("run"),
              .out_dir = o.text("out"),
              .steps = o.integer("steps", 0),
              .test_source = o.text("test-src"),
              .beam = o.integer("beam", 1),
              .length_penalty = o.number("length-penalty")});
  return 0;
}

int score_command(const std::vector<std::string>& args) {
  Options o(
      "translator score --run DIR --hyp-ids FILE --ref FILE [--src FILE]",
      "Scores translations made elsewhere (the PyTorch peer's, say) as `translator eval` scores a bpe\n"
      "run's own: each line of --hyp-ids is one translation as target ids separated by spaces (no <s>,\n"
      "no </s>), turned into text with the run's tokeniser; then BLEU as sacreBLEU computes it, cased\n"
      "and lowercased, and chrF2, against the references. With --src, lines with the same source are one\n"
      "sentence with several references, as in eval, and --hyp-ids has one line per distinct source (the\n"
      "order of translator export's *.src.ids); without it, line i of --hyp-ids translates line i.");
  o.add("run", "DIR", "the run whose tokeniser turns the ids into text", TrainOptions{}.out_dir)
      .add("hyp-ids", "FILE", "the translations as target ids, one per line")
      .add("ref", "FILE", "the reference translations, line by line")
      .add("src", "FILE", "their source sentences, line by line (groups the references by source)")
      .add("max-sentences", "N", "score only the first N distinct sources (0 = all; validation: 200)", "0")
      .add("output", "FILE", "also write the translations (text) there, one per line")
      .add_flag("help", "show this help");
  if (!o.parse_unless_help(args)) return 0;
  if (!o.given("hyp-ids") || !o.given("ref"))
    fail<ValueError>("translator score needs --hyp-ids FILE and --ref FILE");
  const std::int64_t max_sentences = o.integer("max-sentences", 0);
  const RunSettings run = load_run_settings(o.text("run"));
  if (!run.tokeniser.is_bpe())
    fail<ValueError>("the run in ", o.text("run"),
                     " uses word vocabularies (the toy grammar); score scores a bpe run's text translations");
  std::vector<SentencePair> pairs;
  std::string name = o.text("ref");
  if (o.given("src")) {
    pairs = read_parallel_files(o.text("src"), o.text("ref"));
    name = o.text("src") + " → " + o.text("ref");
  } else {
    for (std::string& reference : read_lines(o.text("ref")))
      pairs.push_back({"line " + std::to_string(pairs.size() + 1), std::move(reference)});
  }
  const std::vector<std::vector<int>> ids = read_id_lines(o.text("hyp-ids"), run.tokeniser.target_size());
  const std::size_t wanted = distinct_sources(pairs, max_sentences).size();
  if (ids.size() != wanted)
    fail<ValueError>(o.text("hyp-ids"), " has ", ids.size(), " lines but there are ", wanted,
                     o.given("src") ? " distinct source sentences" : " references",
                     max_sentences > 0 ? " (--max-sentences)" : "", " to translate, one per line");
  std::vector<std::string> hypotheses;
  for (const std::vector<int>& line : ids) hypotheses.push_back(run.tokeniser.decode_target(line));
  const EvalResult r = score_translations(pairs, hypotheses, max_sentences);
  std::cout << std::fixed << std::setprecision(1) << name << ": " << r.sentences << " sentences, "
            << r.references << " references, translations read from " << o.text("hyp-ids") << "\nexact match "
            << 100 * r.exact_match << "%\n"
            << std::defaultfloat << r.bleu.format() << '\n'
            << r.lowercase_bleu.format() << '\n'
            << r.chrf.format() << '\n';
  if (o.given("output")) {
    std::string text;
    for (const std::string& h : r.hypotheses) text += h + '\n';
    io::write_file_atomically(o.text("output"), text);
  }
  return 0;
}

}  // namespace sf::translator
