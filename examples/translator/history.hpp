// history.hpp: history.tsv, a training run's log: the training loss of every step and each
// validation's results with the training time so far. A checkpoint keeps the history up to its step
// (checkpointing.hpp), and the run directory holds a copy of the latest one, for reading and plotting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sf::translator {

/// One row of history.tsv.
struct HistoryRow {
  std::int64_t step = 0;
  double train_loss = 0, lr = 0;
  bool validated = false;
  double val_loss = 0, val_exact = 0, val_bleu = 0;
  double train_seconds = 0;  // validated rows: the training time so far (added up across --resume)
};

/// Reads and writes history.tsv.
std::vector<HistoryRow> read_history(const std::string& path);
void write_history(const std::string& path, const std::vector<HistoryRow>& rows);

}  // namespace sf::translator
