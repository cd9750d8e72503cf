// run_config.cpp: the run's settings as metadata, its data, and its vocabularies.
#include "examples/translator/run_config.hpp"

#include <algorithm>
#include <sstream>

#include "core/error.hpp"
#include "examples/translator/dataset.hpp"
#include "examples/translator/parallel_files.hpp"
#include "examples/translator/tokenizer.hpp"
#include "examples/translator/tsv.hpp"
#include "text/bpe.hpp"

namespace sf::translator {

nn::TransformerConfig RunConfig::model_config(std::int64_t source_vocab, std::int64_t target_vocab) const {
  nn::TransformerConfig c;
  if (preset == "small")
    c = nn::TransformerConfig::small(source_vocab, target_vocab);
  else if (preset == "medium")
    c = nn::TransformerConfig::medium(source_vocab, target_vocab);
  else if (preset == "base")
    c = nn::TransformerConfig::base(source_vocab, target_vocab);
  else
    fail<ValueError>("unknown model preset '", preset, "' (small, medium or base)");
  if (d_model > 0) c.layer.d_model = d_model;
  if (heads > 0) c.layer.heads = heads;
  if (d_ff > 0) c.layer.d_ff = d_ff;
  if (layers > 0) c.encoder_layers = c.decoder_layers = layers;
  c.layer.dropout = dropout;
  c.max_len = max_len;
  c.pad_id = Vocab::pad_id;
  return c;
}

namespace {

// Every field, with a name, a way to write it and a way to read it back.
template <class F>
void for_each_field(RunConfig& c, F&& f) {
  f("data_path", c.data_path);
  f("source_path", c.source_path);
  f("target_path", c.target_path);
  f("valid_source_path", c.valid_source_path);
  f("valid_target_path", c.valid_target_path);
  f("data_seed", c.data_seed);
  f("train_size", c.train_size);
  f("validation_size", c.validation_size);
  f("test_size", c.test_size);
  f("validation_fraction", c.validation_fraction);
  f("tokeniser", c.tokeniser);
  f("vocab_size", c.vocab_size);
  f("min_count", c.min_count);
  f("max_len", c.max_len);
  f("preset", c.preset);
  f("d_model", c.d_model);
  f("heads", c.heads);
  f("d_ff", c.d_ff);
  f("layers", c.layers);
  f("dropout", c.dropout);
  f("steps", c.steps);
  f("minutes", c.minutes);
  f("batch_size", c.batch_size);
  f("batch_tokens", c.batch_tokens);
  f("schedule", c.schedule);
  f("lr", c.lr);
  f("warmup", c.warmup);
  f("label_smoothing", c.label_smoothing);
  f("clip", c.clip);
  f("seed", c.seed);
  f("eval_every", c.eval_every);
  f("average_last", c.average_last);
  f("beam", c.beam);
  f("length_penalty", c.length_penalty);
}

template <class T>
std::string write_value(const T& v) {
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

template <class T>
void read_value(const std::string& key, const std::string& text, T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    v = text;
  } else {
    std::istringstream in(text);
    in >> v;
    if (in.fail() || !in.eof())
      fail<IOError>("run config: '", key, "' has the value '", text, "', not a number");
  }
}

}  // namespace

namespace {

/// The bounds of each number: the checks where numbers enter (the command line and a checkpoint).
struct Bound {
  const char* name;
  double low, high;
};
constexpr Bound kBounds[] = {
    {"train_size", 1, 10'000'000},
    {"validation_size", 0, 1'000'000},
    {"test_size", 0, 1'000'000},
    {"validation_fraction", 0, 1},
    {"vocab_size", 1, 1'000'000},
    {"min_count", 1, 1'000'000'000},
    {"max_len", 3, 4096},
    {"d_model", 0, 8192},
    {"heads", 0, 256},
    {"d_ff", 0, 65536},
    {"layers", 0, 64},
    {"dropout", 0, 0.99},
    {"steps", 1, 1'000'000'000},
    {"minutes", 0, 10'000'000},
    {"batch_size", 1, 65536},
    {"batch_tokens", 0, 10'000'000},
    {"lr", 0, 1e9},
    {"warmup", 0, 1'000'000'000},
    {"label_smoothing", 0, 0.99},
    {"clip", 0, 1e9},
    {"eval_every", 1, 1'000'000'000},
    {"average_last", 0, 100},
    {"beam", 1, 64},
    {"length_penalty", 0, 100},
};

/// The settings added after runs were already being saved: a checkpoint without one did not use it.
bool is_newer_setting(const std::string& name) {
  return name == "batch_tokens" || name == "average_last" || name == "beam" || name == "length_penalty";
}

std::string option_of(const char* name) {
  std::string o = std::string("--") + name;
  std::replace(o.begin(), o.end(), '_', '-');
  return o;
}

}  // namespace

void RunConfig::validate(bool resolved) const {
  RunConfig copy = *this;
  for_each_field(copy, [&](const char* name, const auto& v) {
    if constexpr (!std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
      for (const Bound& b : kBounds) {
        if (std::string(name) != b.name) continue;
        const double value = static_cast<double>(v);
        const bool size = std::string(name) == "d_model" || std::string(name) == "heads" ||
                          std::string(name) == "d_ff" || std::string(name) == "layers";
        const double low = resolved && size ? 1 : b.low;
        if (!(value >= low && value <= b.high))
          fail<ValueError>("run setting '", name, "' (", option_of(name), ") is ", write_value(v),
                           ", outside ", write_value(low), " to ", write_value(b.high));
      }
    }
  });
  if (lr <= 0) fail<ValueError>("run setting 'lr' (--lr) is ", write_value(lr), ", it must be above 0");
  if (tokeniser != "words" && tokeniser != "bpe")
    fail<ValueError>("run setting 'tokeniser' (--tokeniser) is '", tokeniser, "', not words or bpe");
  if (schedule != "cosine" && schedule != "noam")
    fail<ValueError>("run setting 'schedule' (--schedule) is '", schedule, "', not cosine or noam");
  if (preset != "small" && preset != "medium" && preset != "base")
    fail<ValueError>("run setting 'preset' (--preset) is '", preset, "', not small, medium or base");
}

void RunConfig::resolve_sizes() {
  const nn::TransformerConfig c = model_config(1, 1);
  d_model = c.layer.d_model;
  heads = c.layer.heads;
  d_ff = c.layer.d_ff;
  layers = c.encoder_layers;
}

std::map<std::string, std::string> RunConfig::to_metadata() const {
  std::map<std::string, std::string> out;
  RunConfig copy = *this;
  for_each_field(copy,
                 [&](const char* name, const auto& v) { out["run." + std::string(name)] = write_value(v); });
  return out;
}

RunConfig RunConfig::from_metadata(const std::map<std::string, std::string>& metadata) {
  RunConfig c;
  for_each_field(c, [&](const char* name, auto& v) {
    const auto it = metadata.find("run." + std::string(name));
    if (it == metadata.end() && is_newer_setting(name)) return;  // a run saved before it: the default
    if (it == metadata.end()) fail<IOError>("run config: the checkpoint has no '", name, "' setting");
    read_value(name, it->second, v);
  });
  try {
    c.validate(true);
  } catch (const ValueError& e) {
    fail<IOError>("checkpoint: ", e.what(), " (a damaged or edited checkpoint)");
  }
  return c;
}

RunData load_run_data(const RunConfig& c) {
  RunData data;
  std::ostringstream about;
  if (!c.uses_files()) {
    const Dataset d = make_dataset({.seed = c.data_seed,
                                    .train_size = static_cast<std::size_t>(c.train_size),
                                    .validation_size = static_cast<std::size_t>(c.validation_size),
                                    .test_size = static_cast<std::size_t>(c.test_size)});
    data.train = d.train;
    data.validation = d.validation;
    data.test = d.test;
    about << "toy grammar (seed " << c.data_seed << "): " << data.train.size() << " training pairs, "
          << data.validation.size() << " validation pairs, " << data.test.size()
          << " held-out test pairs whose word combinations never occur in training";
  } else if (!c.source_path.empty()) {
    if (!c.data_path.empty())
      fail<ValueError>("give either a TSV file (--data) or parallel files (--src, --tgt)");
    if (c.target_path.empty()) fail<ValueError>("--src ", c.source_path, " needs its translations (--tgt)");
    if (c.valid_source_path.empty() != c.valid_target_path.empty())
      fail<ValueError>("a validation set needs both --valid-src and --valid-tgt");
    data.train = read_parallel_files(c.source_path, c.target_path);
    about << c.source_path << " + " << c.target_path << ": " << data.train.size() << " pairs for training";
    if (!c.valid_source_path.empty()) {
      data.validation = read_parallel_files(c.valid_source_path, c.valid_target_path);
      about << "; " << c.valid_source_path << " + " << c.valid_target_path << ": " << data.validation.size()
            << " for validation";
    } else {
      TrainValidation split = split_by_source(data.train, c.validation_fraction, c.data_seed);
      data.train = std::move(split.train);
      data.validation = std::move(split.validation);
      about << ", split into " << data.train.size() << " for training and " << data.validation.size()
            << " for validation";
    }
    data.test = data.validation;
  } else {
    if (!c.target_path.empty() || !c.valid_source_path.empty() || !c.valid_target_path.empty())
      fail<ValueError>("--tgt, --valid-src and --valid-tgt need --src");
    const TsvData tsv = read_tsv(c.data_path);
    const TrainValidation split = split_by_source(tsv.pairs, c.validation_fraction, c.data_seed);
    data.train = split.train;
    data.validation = split.validation;
    data.test = split.validation;  // a file has no separate held-out set: evaluate on validation
    about << c.data_path << ": " << describe(tsv.stats) << "; " << data.train.size()
          << " pairs for training, " << data.validation.size() << " for validation";
  }
  data.description = about.str();
  if (data.train.empty()) fail<ValueError>("the training data is empty (", data.description, ")");
  return data;
}

Vocabularies build_vocabularies(const std::vector<SentencePair>& train, std::int64_t min_count) {
  std::vector<std::vector<std::string>> src, tgt;
  for (const SentencePair& p : train) {
    src.push_back(tokenize(p.source));
    tgt.push_back(tokenize(p.target));
  }
  return {Vocab::build(src, {.min_count = min_count}), Vocab::build(tgt, {.min_count = min_count})};
}

}  // namespace sf::translator

namespace sf::translator {

Tokeniser build_tokeniser(const RunConfig& config, const std::vector<SentencePair>& train) {
  if (config.tokeniser == "words") return Tokeniser(build_vocabularies(train, config.min_count));
  if (config.tokeniser != "bpe")
    fail<ValueError>("unknown tokeniser '", config.tokeniser, "' (words or bpe)");
  std::vector<std::string> lines;  // both languages: one tokeniser, one set of pieces for names and numbers
  lines.reserve(2 * train.size());
  for (const SentencePair& p : train) lines.push_back(p.source);
  for (const SentencePair& p : train) lines.push_back(p.target);
  return Tokeniser(text::Bpe::learn(lines, {.vocab_size = config.vocab_size}));
}

}  // namespace sf::translator
