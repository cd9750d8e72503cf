// checkpointing.cpp: the run directory's files (see checkpointing.hpp).
#include "examples/translator/checkpointing.hpp"

#include <fstream>
#include <iomanip>
#include <sstream>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/state_dict.hpp"
#include "optim/checkpoint.hpp"

namespace sf::translator {

namespace {

std::string exact(double x) {
  std::ostringstream os;
  os << std::setprecision(17) << x;
  return os.str();
}

optim::Metadata progress_metadata(const TrainingState& s) {
  const Progress& p = s.progress;
  optim::Metadata m = s.config.to_metadata();
  m["progress.step"] = std::to_string(s.adam.steps());
  m["progress.epoch"] = std::to_string(p.epoch);
  m["progress.batch_in_epoch"] = std::to_string(p.batch_in_epoch);
  m["progress.tokens"] = std::to_string(p.tokens);
  m["progress.train_seconds"] = exact(p.train_seconds);
  m["progress.best_exact"] = exact(p.best_exact);
  m["progress.best_loss"] = exact(p.best_loss);
  put_generator_state(m, "progress.order_at_epoch_start", p.order_at_epoch_start);
  put_generator_state(m, "progress.model_generator", s.model_generator.state());
  return m;
}

Progress read_progress(const optim::Metadata& m, Generator& model_generator) {
  auto get = [&](const std::string& key) {
    const auto it = m.find(key);
    if (it == m.end()) fail<IOError>("resume: the checkpoint has no '", key, "'");
    return it->second;
  };
  Progress p;
  p.epoch = std::stoll(get("progress.epoch"));
  p.batch_in_epoch = std::stoll(get("progress.batch_in_epoch"));
  p.tokens = std::stoll(get("progress.tokens"));
  p.train_seconds = std::stod(get("progress.train_seconds"));
  p.best_exact = std::stod(get("progress.best_exact"));
  p.best_loss = std::stod(get("progress.best_loss"));
  p.order_at_epoch_start = get_generator_state(m, "progress.order_at_epoch_start");
  model_generator.set_state(get_generator_state(m, "progress.model_generator"));
  return p;
}

}  // namespace

RunConfig RunDirectory::stored_config() const {
  return RunConfig::from_metadata(optim::read_checkpoint_metadata(latest()));
}

void RunDirectory::save_tokeniser(const Tokeniser& tokeniser) const {
  std::filesystem::create_directories(dir_);
  if (tokeniser.is_bpe()) {
    tokeniser.bpe().save(dir_ / "tokeniser.bpe");
    return;
  }
  tokeniser.words().source.save((dir_ / "vocab.source.txt").string());
  tokeniser.words().target.save((dir_ / "vocab.target.txt").string());
}

Tokeniser RunDirectory::load_tokeniser(const RunConfig& config) const {
  if (config.tokeniser == "bpe") return Tokeniser(text::Bpe::load(dir_ / "tokeniser.bpe"));
  if (config.tokeniser != "words")
    fail<IOError>("run config: unknown tokeniser '", config.tokeniser, "' in ", dir_.string());
  return Tokeniser(Vocabularies{Vocab::load((dir_ / "vocab.source.txt").string()),
                                Vocab::load((dir_ / "vocab.target.txt").string())});
}

void RunDirectory::save(const std::string& checkpoint, const TrainingState& state) const {
  optim::save_checkpoint(checkpoint, state.model, &state.adam, progress_metadata(state));
  write_history((dir_ / "history.tsv").string(), state.history);
}

void RunDirectory::resume(const TrainingState& state) const {
  state.progress =
      read_progress(optim::load_checkpoint(latest(), state.model, &state.adam), state.model_generator);
  state.history = read_history((dir_ / "history.tsv").string());
  std::erase_if(state.history, [&](const HistoryRow& r) { return r.step > state.adam.steps(); });
}

std::vector<HistoryRow> read_history(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail<IOError>("cannot read ", path);
  std::vector<HistoryRow> rows;
  std::string line;
  std::getline(in, line);  // header
  for (int number = 2; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    HistoryRow r;
    if (!(fields >> r.step >> r.train_loss >> r.lr)) fail<IOError>(path, ":", number, ": not a history row");
    if (fields >> r.val_loss >> r.val_exact >> r.val_bleu) r.validated = true;
    rows.push_back(r);
  }
  return rows;
}

void write_history(const std::string& path, const std::vector<HistoryRow>& rows) {
  std::ostringstream os;
  os << "step\ttrain_loss\tlr\tval_loss\tval_exact_match\tval_bleu\n" << std::setprecision(17);  // exact
  for (const HistoryRow& r : rows) {
    os << r.step << '\t' << r.train_loss << '\t' << r.lr;
    if (r.validated) os << '\t' << r.val_loss << '\t' << r.val_exact << '\t' << r.val_bleu;
    os << '\n';
  }
  io::write_file_atomically(path, os.str());
}

}  // namespace sf::translator
