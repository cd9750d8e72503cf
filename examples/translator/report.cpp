// report.cpp: curves, attention heat maps and report.md.
#include "examples/translator/report.hpp"

#include <filesystem>
#include <iomanip>
#include <sstream>

#include "core/autograd.hpp"
#include "core/io/atomic_file.hpp"
#include "examples/common/svg.hpp"
#include "examples/translator/decoding.hpp"

namespace sf::translator {
namespace {
namespace fs = std::filesystem;
}

std::vector<std::string> draw_cross_attention(const nn::Transformer& model, const Tokeniser& tokeniser,
                                              const std::string& sentence, const std::string& dir) {
  NoGradGuard no_grad;
  const std::vector<int> src_ids = tokeniser.encode_source(sentence);
  const Tensor source = tensor(std::vector<double>(src_ids.begin(), src_ids.end()),
                               {1, static_cast<std::int64_t>(src_ids.size())}, {.dtype = kInt64});
  const std::vector<int> translation = greedy_decode(model, source, model.config().max_len - 1)[0];
  std::vector<int> target_in{Vocab::bos_id};
  target_in.insert(target_in.end(), translation.begin(), translation.end());
  std::vector<Tensor> weights;  // per layer [1, heads, T, S]
  model.decode(tensor(std::vector<double>(target_in.begin(), target_in.end()),
                      {1, static_cast<std::int64_t>(target_in.size())}, {.dtype = kInt64}),
               model.encode(source), source, &weights);
  // Rows: the word each position produced (the next word, or </s>); columns: the source words.
  std::vector<std::string> rows, columns;
  for (int id : translation) rows.push_back(tokeniser.target_piece(id));
  rows.emplace_back("</s>");
  for (int id : src_ids) columns.push_back(tokeniser.source_piece(id));
  std::vector<std::string> files;
  for (std::size_t l = 0; l < weights.size(); ++l)
    for (std::int64_t h = 0; h < weights[l].size(1); ++h) {
      const Tensor w = weights[l][0][h].to(kFloat64).contiguous();
      svg::HeatMap map({.title = "cross-attention, decoder layer " + std::to_string(l + 1) + ", head " +
                                 std::to_string(h + 1),
                        .x_label = "English (keys)",
                        .y_label = "French (queries)",
                        .row_labels = rows,
                        .column_labels = columns,
                        .decimals = 2},
                       w.size(0), w.size(1), w.to_vector<double>());
      const std::string name = "attention_L" + std::to_string(l + 1) + "_H" + std::to_string(h + 1) + ".svg";
      map.save((fs::path(dir) / name).string());
      files.push_back(name);
    }
  return files;
}

std::vector<std::pair<double, double>> validation_bleu_points(const std::vector<HistoryRow>& history) {
  std::vector<std::pair<double, double>> points;
  for (const HistoryRow& r : history)
    if (r.validated) points.emplace_back(r.train_seconds / 60, 100 * r.val_bleu);
  return points;
}

svg::LineChart validation_bleu_chart(const std::vector<HistoryRow>& history) {
  std::vector<double> minutes, bleu;
  for (const auto& [x, y] : validation_bleu_points(history)) {
    minutes.push_back(x);
    bleu.push_back(y);
  }
  svg::LineChart chart({.title = "Validation BLEU as training goes",
                        .x_label = "training time (minutes)",
                        .y_label = "validation BLEU"});
  chart.add_series("BLEU", minutes, bleu);
  return chart;
}

void write_report(const std::string& dir, const ReportContents& c) {
  std::vector<double> steps, losses, val_steps, val_losses, val_exact, val_bleu;
  for (const HistoryRow& r : c.training.history) {
    steps.push_back(static_cast<double>(r.step));
    losses.push_back(r.train_loss);
    if (r.validated) {
      val_steps.push_back(static_cast<double>(r.step));
      val_losses.push_back(r.val_loss);
      val_exact.push_back(100 * r.val_exact);
      val_bleu.push_back(100 * r.val_bleu);
    }
  }
  if (!steps.empty()) {
    svg::LineChart loss({.title = "Loss (training with label smoothing 0.1, validation without)",
                         .x_label = "step",
                         .y_label = "cross-entropy (nats per token)",
                         .log_y = true});
    loss.add_series("training", steps, losses);
    if (!val_steps.empty()) loss.add_series("validation", val_steps, val_losses);
    loss.save((fs::path(dir) / "loss.svg").string());
  }
  if (!val_steps.empty()) {
    svg::LineChart val({.title = "Validation", .x_label = "step", .y_label = "percent"});
    val.add_series("exact match", val_steps, val_exact);
    val.add_series("BLEU", val_steps, val_bleu);
    val.save((fs::path(dir) / "validation.svg").string());
    validation_bleu_chart(c.training.history).save((fs::path(dir) / "validation_bleu.svg").string());
  }
  std::ostringstream md;
  md << std::fixed << std::setprecision(1);
  md << "# Translator run\n\n";
  md << "- Data: " << c.data_description << "\n";
  md << "- Model: preset " << c.config.preset << ", dropout " << c.config.dropout << "\n";
  md << "- Training: " << c.training.steps << " steps of "
     << (c.config.batch_tokens > 0 ? "up to " + std::to_string(c.config.batch_tokens) + " tokens"
                                   : std::to_string(c.config.batch_size) + " sentences")
     << ", " << c.config.schedule << " schedule (peak " << std::defaultfloat << c.config.lr << ", warm-up "
     << c.config.warmup << "), label smoothing " << c.config.label_smoothing << std::fixed << "; "
     << c.training.train_seconds << " s of training (" << c.training.elapsed_seconds
     << " s with setup, validation and saves), " << std::setprecision(0) << c.training.tokens_per_second
     << " target tokens per second\n";
  const char* score = c.config.uses_files() ? "BLEU" : "exact match";
  md << "- Final model: **" << c.training.final_checkpoint << "**";
  if (c.training.averaged_score >= 0) {
    md << " (validation " << score << ": averaged " << std::setprecision(1) << 100 * c.training.averaged_score
       << ", best " << 100 * c.training.best_score << "; averaged the saves of steps";
    for (std::size_t i = 0; i < c.training.averaged_steps.size(); ++i)
      md << (i ? ", " : " ") << c.training.averaged_steps[i];
    md << ")";
  } else {
    md << " (the checkpoint with the best validation " << score << ")";
  }
  md << "\n\n";
  md << std::setprecision(1) << "## Results on the " << c.test_name << "\n\n";
  md << "| sentences | exact match | BLEU | loss |\n|---|---|---|---|\n";
  md << "| " << c.test.sentences << " | " << 100 * c.test.exact_match << "% | " << c.test.bleu.score << " | "
     << std::setprecision(3) << c.test.loss << " |\n\n";
  if (c.test.text_scores)
    md << "Scores (" << c.test.decoding << "):\n\n    " << c.test.bleu.format() << "\n    "
       << c.test.lowercase_bleu.format() << "\n    " << c.test.chrf.format() << "\n\n";
  if (c.test_set) {
    const EvalResult& t = *c.test_set;
    md << "## Test set\n\n"
       << c.test_set_name << ": " << t.sentences << " sentences, " << t.references << " references, "
       << t.decoding << ", scored once after training (never used for a choice).\n\n";
    md << std::setprecision(2);
    if (t.text_scores) {
      md << "| BLEU | BLEU (lowercased) | chrF2 |\n|---|---|---|\n| " << t.bleu.score << " | "
         << t.lowercase_bleu.score << " | " << t.chrf.score << " |\n\n";
      md << "    " << t.bleu.format() << "\n    " << t.lowercase_bleu.format() << "\n    " << t.chrf.format()
         << "\n\n";
    } else {
      md << "| exact match | BLEU (words) |\n|---|---|\n| " << 100 * t.exact_match << "% | " << t.bleu.score
         << " |\n\n";
    }
  }
  md << "## Translations of sentences the model never saw\n\n| English | French (model) |\n|---|---|\n";
  for (const auto& [src, tgt] : c.examples) md << "| " << src << " | " << tgt << " |\n";
  md << "\n## Curves\n\n![loss](loss.svg)\n\n![validation](validation.svg)\n\n"
     << "![validation BLEU against training time](validation_bleu.svg)\n\n";
  if (!c.attention_pictures.empty()) {
    md << "## Cross-attention\n\nFor \"" << c.attention_sentence
       << "\": each row is a French word the decoder produced, each column an English word; a bright cell "
          "means that word was looked at while producing that one.\n\n";
    for (const std::string& f : c.attention_pictures) md << "![" << f << "](" << f << ")\n";
  }
  io::write_file_atomically((fs::path(dir) / "report.md").string(), md.str());
}

}  // namespace sf::translator
