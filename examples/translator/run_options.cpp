// run_options.cpp: one table binds each option to its RunConfig field (see run_options.hpp).
#include "examples/translator/run_options.hpp"

#include <cstdint>
#include <sstream>
#include <variant>

#include "text/bpe.hpp"

namespace sf::translator {

namespace {

struct RunOption {
  const char* name;
  const char* value_name;
  const char* help;
  std::variant<std::string RunConfig::*, std::int64_t RunConfig::*, std::uint64_t RunConfig::*,
               double RunConfig::*>
      field;
  std::int64_t at_least = 0;  // for whole numbers
};

const RunOption kRunOptions[] = {
    {"data", "FILE", "pairs 'english<TAB>french' per line (Tatoeba/Anki format); default: the toy grammar",
     &RunConfig::data_path},
    {"src", "FILE", "or: English sentences, one per line (e.g. Multi30k's train.en)",
     &RunConfig::source_path},
    {"tgt", "FILE", "their French translations, line by line (train.fr)", &RunConfig::target_path},
    {"valid-src", "FILE", "validation English (val.en); default: a share of --src",
     &RunConfig::valid_source_path},
    {"valid-tgt", "FILE", "validation French (val.fr)", &RunConfig::valid_target_path},
    {"tokeniser", "KIND", "words or bpe (with --data or --src: bpe unless given)", &RunConfig::tokeniser},
    {"vocab-size", "N", "bpe: pieces of the tokeniser learned from both languages", &RunConfig::vocab_size,
     text::Bpe::first_character_id + 1},
    {"max-len", "N", "longest sentence in tokens with <s> and </s> (bpe runs: 256 unless given)",
     &RunConfig::max_len, 3},
    {"preset", "NAME", "model size: small, medium or base", &RunConfig::preset},
    {"d-model", "N", "d_model instead of the preset's, if not 0", &RunConfig::d_model, 2},
    {"heads", "N", "heads instead of the preset's, if not 0", &RunConfig::heads, 1},
    {"d-ff", "N", "feed-forward size instead of the preset's, if not 0", &RunConfig::d_ff, 1},
    {"layers", "N", "encoder (and decoder) layers instead of the preset's, if not 0", &RunConfig::layers, 1},
    {"dropout", "P", "dropout probability", &RunConfig::dropout},
    {"steps", "N", "optimizer steps", &RunConfig::steps, 1},
    {"minutes", "M", "stop after this much wall time (0 = no limit; validations count)", &RunConfig::minutes},
    {"batch-size", "N", "sentences per batch (unless --batch-tokens is given)", &RunConfig::batch_size, 1},
    {"batch-tokens", "N",
     "or: as many pairs per batch as fit in N padded tokens (pairs x longest side; 0 = off)",
     &RunConfig::batch_tokens, 0},
    {"schedule", "NAME", "learning-rate schedule: cosine, or noam (the paper's)", &RunConfig::schedule},
    {"lr", "RATE", "peak learning rate of the cosine schedule", &RunConfig::lr},
    {"warmup", "N", "warm-up steps", &RunConfig::warmup, 0},
    {"label-smoothing", "E", "label smoothing", &RunConfig::label_smoothing},
    {"train-size", "N", "toy grammar: training pairs", &RunConfig::train_size, 1},
    {"min-count", "N", "words: words seen fewer times become <unk>", &RunConfig::min_count, 1},
    {"eval-every", "N", "steps between validations", &RunConfig::eval_every, 1},
    {"average-last", "N", "at the end, average the last N validations' weights; final if better (0 = off)",
     &RunConfig::average_last, 0},
    {"seed", "N", "seed of the weights, dropout and batch order", &RunConfig::seed, 0},
};

template <class T>
std::string as_text(const T& value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

template <class T>
void set_from(const Options& options, const RunOption& o, T& field) {
  if constexpr (std::is_same_v<T, std::string>)
    field = options.text(o.name);
  else if constexpr (std::is_same_v<T, double>)
    field = options.number(o.name);
  else
    field = static_cast<T>(options.integer(o.name, o.at_least));
}

}  // namespace

void add_run_options(Options& options, const RunConfig& defaults) {
  for (const RunOption& o : kRunOptions)
    std::visit([&](auto field) { options.add(o.name, o.value_name, o.help, as_text(defaults.*field)); },
               o.field);
}

RunConfig read_run_options(const Options& options, RunConfig c) {
  for (const RunOption& o : kRunOptions)
    if (options.given(o.name))  // otherwise the default stays exactly (no trip through text)
      std::visit([&](auto field) { set_from(options, o, c.*field); }, o.field);
  if (!options.given("tokeniser") && c.uses_files()) c.tokeniser = "bpe";
  if (c.tokeniser == "bpe" && !options.given("max-len")) c.max_len = kBpeMaxLen;
  c.validate();  // every number within its bound, named with its option
  return c;
}

}  // namespace sf::translator
