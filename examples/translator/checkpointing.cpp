// checkpointing.cpp: the run directory's files (see checkpointing.hpp).
#include "examples/translator/checkpointing.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iomanip>
#include <sstream>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/fault_injection.hpp"
#include "core/io/safetensors.hpp"
#include "core/io/state_dict.hpp"
#include "examples/translator/parallel_files.hpp"
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
  m["progress.elapsed_seconds"] = exact(p.elapsed_seconds);
  m["progress.best_exact"] = exact(p.best_score);  // the key's name from when the score was exact match
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
  // Whole numbers from 0 to `limit`; numbers as written by exact() (best_loss may be inf).
  auto count = [&](const std::string& key, std::int64_t limit) {
    const std::string text = get(key);
    std::istringstream in(text);
    std::int64_t v = 0;
    in >> v;
    if (in.fail() || !in.eof())
      fail<IOError>("resume: '", key, "' has the value '", text, "', not a whole number");
    if (v < 0 || v > limit)
      fail<IOError>("resume: '", key, "' is ", v, ", outside 0 to ", limit, " (a damaged checkpoint)");
    return v;
  };
  auto number = [&](const std::string& key, bool may_be_infinite) {
    const std::string text = get(key);
    std::istringstream in(text);
    double v = 0;
    if (text == "inf")
      v = INFINITY;
    else {
      in >> v;
      if (in.fail() || !in.eof())
        fail<IOError>("resume: '", key, "' has the value '", text, "', not a number");
    }
    if (std::isnan(v) || (std::isinf(v) && !may_be_infinite))
      fail<IOError>("resume: '", key, "' is ", text, ", not a finite number (a damaged checkpoint)");
    return v;
  };
  constexpr std::int64_t kMaxCount = std::int64_t{1} << 53;
  Progress p;
  p.epoch = count("progress.epoch", kMaxCount);
  p.batch_in_epoch = count("progress.batch_in_epoch", kMaxCount);
  p.tokens = count("progress.tokens", kMaxCount);
  p.train_seconds = number("progress.train_seconds", false);
  if (p.train_seconds < 0)
    fail<IOError>("resume: 'progress.train_seconds' is negative (a damaged checkpoint)");
  if (m.contains("progress.elapsed_seconds")) {  // absent from checkpoints saved before it was kept
    p.elapsed_seconds = number("progress.elapsed_seconds", false);
    if (p.elapsed_seconds < 0)
      fail<IOError>("resume: 'progress.elapsed_seconds' is negative (a damaged checkpoint)");
  }
  p.best_score = number("progress.best_exact", false);
  p.best_loss = number("progress.best_loss", true);
  p.order_at_epoch_start = get_generator_state(m, "progress.order_at_epoch_start");
  model_generator.set_state(get_generator_state(m, "progress.model_generator"));
  return p;
}

/// The first parameter with a value that is not finite ("" if none).
std::string first_non_finite(const nn::Module& model) {
  for (const auto& [name, tensor] : model.state_dict())
    for (double v : tensor.to_vector<double>())
      if (!std::isfinite(v)) return name;
  return "";
}

std::string temporary_name(const std::string& path) {
  static std::atomic<int> counter{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

void sync_directory(const std::string& dir, const std::string& what) {
  io::file_operation("sync the directory", what);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) fail<IOError>("cannot open the directory ", dir, ": ", std::strerror(errno));
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (result != 0 && error != EINVAL)
    fail<IOError>("cannot sync the directory ", dir, ": ", std::strerror(error));
}

/// Puts the complete directory `fresh` in place of `target`, atomically; returns where the old one
/// now is ("" if there was none).
std::string swap_in(const std::string& fresh, const std::string& target) {
  namespace fs = std::filesystem;
  io::file_operation("rename", target);
  if (!fs::exists(target)) {
    if (std::rename(fresh.c_str(), target.c_str()) != 0)
      fail<IOError>("cannot rename ", fresh, " to ", target, ": ", std::strerror(errno));
    return "";
  }
  if (::renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) return fresh;
  if (errno != EINVAL && errno != ENOSYS)
    fail<IOError>("cannot exchange ", fresh, " and ", target, ": ", std::strerror(errno));
  // A file system without the exchange: move the old one aside first (remove_leftovers puts it
  // back if a crash comes between the two renames).
  const std::string aside = target + ".old";
  fs::remove_all(aside);
  if (std::rename(target.c_str(), aside.c_str()) != 0 || std::rename(fresh.c_str(), target.c_str()) != 0)
    fail<IOError>("cannot rename ", fresh, " to ", target, ": ", std::strerror(errno));
  return aside;
}

/// The pictures the report draws (loss.svg, validation.svg, validation_bleu.svg,
/// attention_L<l>_H<h>.svg).
bool is_report_picture(const std::string& name) {
  return name == "loss.svg" || name == "validation.svg" || name == "validation_bleu.svg" ||
         (name.starts_with("attention_") && name.ends_with(".svg"));
}

/// The files and directories a run writes here (a leftover's name is one of these + ".tmp-...").
bool is_run_file(const std::string& name) {
  for (const char* file : {"latest", "best", "averaged", "snapshots", "history.tsv", "tokeniser.bpe",
                           "vocab.source.txt", "vocab.target.txt", "report.md"})
    if (name == file) return true;
  return is_report_picture(name);
}

}  // namespace

bool RunDirectory::holds_run() const {
  namespace fs = std::filesystem;
  for (const char* name : {"latest", "best", "averaged", "snapshots", "history.tsv", "tokeniser.bpe",
                           "vocab.source.txt", "vocab.target.txt"})
    if (fs::exists(dir_ / name)) return true;
  return false;
}

void RunDirectory::remove_run() const {
  namespace fs = std::filesystem;
  for (const char* name :
       {"latest", "best", "averaged", "latest.old", "best.old", "averaged.old", "snapshots", "history.tsv",
        "tokeniser.bpe", "vocab.source.txt", "vocab.target.txt", "report.md"})
    fs::remove_all(dir_ / name);
  std::vector<fs::path> pictures;  // the old run's report pictures (the new run may draw fewer)
  for (const fs::directory_entry& e : fs::directory_iterator(dir_))
    if (is_report_picture(e.path().filename().string())) pictures.push_back(e.path());
  for (const fs::path& p : pictures) fs::remove(p);
}

void RunDirectory::remove_leftovers() const {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir_)) return;
  for (const char* name : {"latest", "best", "averaged"})
    if (!fs::exists(dir_ / name) && fs::exists(dir_ / (std::string(name) + ".old")))
      fs::rename(dir_ / (std::string(name) + ".old"), dir_ / name);
  std::vector<fs::path> leftovers;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_)) {
    const std::string name = e.path().filename().string();
    const std::size_t tmp = name.find(".tmp-");
    if ((tmp != std::string::npos && is_run_file(name.substr(0, tmp))) || name == "latest.old" ||
        name == "best.old" || name == "averaged.old")
      leftovers.push_back(e.path());  // only the run's own: --out may be a folder with other files
  }
  if (fs::is_directory(dir_ / "snapshots"))
    for (const fs::directory_entry& e : fs::directory_iterator(dir_ / "snapshots"))
      if (e.path().filename().string().find(".tmp-") != std::string::npos) leftovers.push_back(e.path());
  for (const fs::path& p : leftovers) fs::remove_all(p);
}

std::map<std::string, std::string> RunDirectory::stored_metadata() const {
  return optim::read_checkpoint_metadata(latest());
}

RunConfig RunDirectory::stored_config() const { return RunConfig::from_metadata(stored_metadata()); }

std::string RunDirectory::tokeniser_fingerprint(const RunConfig& config) const {
  std::uint32_t crc = 0;
  const std::vector<const char*> files =
      config.tokeniser == "bpe" ? std::vector<const char*>{"tokeniser.bpe"}
                                : std::vector<const char*>{"vocab.source.txt", "vocab.target.txt"};
  for (const char* name : files) crc = crc32(io::read_file((dir_ / name).string()), crc);
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", crc);
  return hex;
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

Tokeniser RunDirectory::load_tokeniser(const RunConfig& config,
                                       const std::map<std::string, std::string>& checkpoint) const {
  const auto stored = checkpoint.find("tokeniser.crc32");
  if (stored == checkpoint.end())
    fail<IOError>("the checkpoint in ", dir_.string(),
                  " has no 'tokeniser.crc32' to verify the tokeniser with");
  if (config.tokeniser == "bpe" || config.tokeniser == "words") {
    const std::string now = tokeniser_fingerprint(config);
    if (now != stored->second)
      fail<IOError>("the tokeniser's files in ", dir_.string(),
                    config.tokeniser == "bpe" ? " (tokeniser.bpe)" : " (vocab.source.txt, vocab.target.txt)",
                    " changed after the checkpoint was written: their CRC-32 is ", now, ", the checkpoint's ",
                    stored->second, "; the model would translate differently (train again, or restore them)");
  }
  if (config.tokeniser == "bpe") return Tokeniser(text::Bpe::load(dir_ / "tokeniser.bpe"));
  if (config.tokeniser != "words")
    fail<IOError>("run config: unknown tokeniser '", config.tokeniser, "' in ", dir_.string());
  return Tokeniser(Vocabularies{Vocab::load((dir_ / "vocab.source.txt").string()),
                                Vocab::load((dir_ / "vocab.target.txt").string())});
}

void RunDirectory::write_unit(const std::string& checkpoint,
                              const std::function<void(const std::string&)>& write) const {
  namespace fs = std::filesystem;
  const std::string fresh = temporary_name(checkpoint);
  io::file_operation("create the directory", fresh);
  fs::create_directories(fresh);
  write(fresh);
  sync_directory(fresh, fresh);
  const std::string old = swap_in(fresh, checkpoint);
  sync_directory(dir_.string(), checkpoint);
  if (!old.empty()) {
    io::file_operation("remove", old);
    fs::remove_all(old);
  }
}

void RunDirectory::save(const std::string& checkpoint, const TrainingState& state) const {
  namespace fs = std::filesystem;
  if (const std::string bad = first_non_finite(state.model); !bad.empty())
    fail<ValueError>("checkpoint: the weight '", bad, "' is not finite at step ", state.adam.steps(),
                     "; not saved (", checkpoint, " keeps the previous checkpoint)");
  write_unit(checkpoint, [&](const std::string& fresh) {
    optim::Metadata metadata = progress_metadata(state);
    metadata["tokeniser.crc32"] = tokeniser_fingerprint(state.config);
    optim::save_checkpoint(fresh, state.model, &state.adam, metadata);
    write_history((fs::path(fresh) / "history.tsv").string(), state.history);
  });
  write_history((dir_ / "history.tsv").string(), state.history);
}

void RunDirectory::save_averaged(const nn::Module& model, const RunConfig& config,
                                 const std::map<std::string, std::string>& extra) const {
  if (const std::string bad = first_non_finite(model); !bad.empty())
    fail<ValueError>("checkpoint averaging: the weight '", bad, "' is not finite; not saved");
  write_unit(averaged(), [&](const std::string& fresh) {
    optim::Metadata metadata = config.to_metadata();
    metadata.insert(extra.begin(), extra.end());
    metadata["tokeniser.crc32"] = tokeniser_fingerprint(config);
    optim::save_checkpoint(fresh, model, nullptr, metadata);
  });
}

namespace {

/// The step of a snapshot's file name ("step-<step>.safetensors", the step in 9 digits), or -1 for another
/// file.
std::int64_t snapshot_step(const std::string& name) {
  if (!name.starts_with("step-") || !name.ends_with(".safetensors")) return -1;
  const std::string digits = name.substr(5, name.size() - 5 - 12);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 15)
    return -1;
  return std::stoll(digits);
}

}  // namespace

void RunDirectory::save_snapshot(const nn::Module& model, std::int64_t step, std::int64_t keep) const {
  namespace fs = std::filesystem;
  if (const std::string bad = first_non_finite(model); !bad.empty())
    fail<ValueError>("checkpoint: the weight '", bad, "' is not finite at step ", step,
                     "; no snapshot saved");
  fs::create_directories(dir_ / "snapshots");
  char name[64];
  std::snprintf(name, sizeof name, "step-%09lld.safetensors", static_cast<long long>(step));
  io::write_file_atomically(
      (dir_ / "snapshots" / name).string(),
      serialize_safetensors(model.state_dict(), {{"snapshot.step", std::to_string(step)}}));
  std::vector<std::string> all = snapshots();
  for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < all.size(); ++i) {
    io::file_operation("remove", all[i]);
    fs::remove(all[i]);
  }
}

std::vector<std::string> RunDirectory::snapshots() const {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::int64_t, std::string>> found;
  if (fs::is_directory(dir_ / "snapshots"))
    for (const fs::directory_entry& e : fs::directory_iterator(dir_ / "snapshots"))
      if (const std::int64_t step = snapshot_step(e.path().filename().string()); step >= 0)
        found.emplace_back(step, e.path().string());
  std::sort(found.begin(), found.end());
  std::vector<std::string> paths;
  for (auto& [step, path] : found) paths.push_back(std::move(path));
  return paths;
}

void RunDirectory::resume(const TrainingState& state) const {
  state.progress =
      read_progress(optim::load_checkpoint(latest(), state.model, &state.adam), state.model_generator);
  state.history = read_history((std::filesystem::path(latest()) / "history.tsv").string());
  std::erase_if(state.history, [&](const HistoryRow& r) { return r.step > state.adam.steps(); });
  if (state.history.size() != static_cast<std::size_t>(state.adam.steps()))
    fail<IOError>("resume: ", latest(), "/history.tsv has ", state.history.size(), " rows for ",
                  state.adam.steps(), " steps (a damaged checkpoint)");
  for (const std::string& path : snapshots())  // written before a latest/ that was never saved
    if (snapshot_step(std::filesystem::path(path).filename().string()) > state.adam.steps())
      std::filesystem::remove(path);
}

}  // namespace sf::translator
