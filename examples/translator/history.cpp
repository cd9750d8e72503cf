// history.cpp: history.tsv read and written (see history.hpp).
#include "examples/translator/history.hpp"

#include <iomanip>
#include <sstream>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "examples/translator/parallel_files.hpp"

namespace sf::translator {

std::vector<HistoryRow> read_history(const std::string& path) {
  std::istringstream in(file_text(path));
  std::vector<HistoryRow> rows;
  std::string line;
  std::getline(in, line);  // header
  for (int number = 2; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    HistoryRow r;
    if (!(fields >> r.step >> r.train_loss >> r.lr)) fail<IOError>(path, ":", number, ": not a history row");
    if (fields >> r.val_loss >> r.val_exact >> r.val_bleu) r.validated = true;
    if (r.validated && !(fields >> r.train_seconds)) r.train_seconds = 0;  // a history written before it
    rows.push_back(r);
  }
  return rows;
}

void write_history(const std::string& path, const std::vector<HistoryRow>& rows) {
  std::ostringstream os;
  os << "step\ttrain_loss\tlr\tval_loss\tval_exact_match\tval_bleu\ttrain_seconds\n"
     << std::setprecision(17);  // exact
  for (const HistoryRow& r : rows) {
    os << r.step << '\t' << r.train_loss << '\t' << r.lr;
    if (r.validated)
      os << '\t' << r.val_loss << '\t' << r.val_exact << '\t' << r.val_bleu << '\t' << r.train_seconds;
    os << '\n';
  }
  io::write_file_atomically(path, os.str());
}

}  // namespace sf::translator
