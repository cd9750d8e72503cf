// decoding_picture.cpp: greedy, beam search and sampling traced on the real model, then drawn.
#include "examples/pictures/decoding_picture.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/autograd.hpp"
#include "core/ops/softmax.hpp"
#include "examples/common/svg_document.hpp"
#include "examples/translator/tokenizer.hpp"
#include "examples/translator/vocab.hpp"

namespace sf::pictures {
namespace {

using translator::Vocab;

/// Log-probabilities of the next token for each row of logits [R, 1, V] divided by `temperature`;
/// <pad> and <s> get -inf, as in examples/translator/decoding.cpp.
std::vector<std::vector<double>> next_log_probs(const Tensor& logits, double temperature = 1.0) {
  Tensor z = logits.select(1, 0).to(kFloat64).clone();
  {
    NoGradGuard no_grad;
    z.narrow(1, Vocab::pad_id, 1).fill_(-INFINITY);
    z.narrow(1, Vocab::bos_id, 1).fill_(-INFINITY);
  }
  const Tensor lp = log_softmax(z * (1.0 / temperature), -1).contiguous();
  const std::int64_t R = lp.size(0), V = lp.size(1);
  const std::vector<double> p = lp.to_vector<double>();
  std::vector<std::vector<double>> rows(static_cast<std::size_t>(R));
  for (std::int64_t r = 0; r < R; ++r)
    rows[static_cast<std::size_t>(r)].assign(p.begin() + r * V, p.begin() + (r + 1) * V);
  return rows;
}

Tensor column(const std::vector<int>& tokens) {
  return tensor(std::vector<double>(tokens.begin(), tokens.end()),
                {static_cast<std::int64_t>(tokens.size()), 1}, {.dtype = kInt64});
}

Tensor source_ids(const translator::Tokeniser& tokeniser, const std::string& sentence) {
  const std::vector<int> ids = tokeniser.encode_source(sentence);
  return tensor(std::vector<double>(ids.begin(), ids.end()), {1, static_cast<std::int64_t>(ids.size())},
                {.dtype = kInt64});
}

/// Probabilities after temperature and top-k, renormalised: (token, p), best first.
std::vector<std::pair<int, double>> distribution(const std::vector<double>& log_probs, std::int64_t top_k) {
  std::vector<std::pair<int, double>> d;
  for (std::size_t t = 0; t < log_probs.size(); ++t)
    if (std::isfinite(log_probs[t])) d.emplace_back(static_cast<int>(t), std::exp(log_probs[t]));
  std::stable_sort(d.begin(), d.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (top_k > 0 && static_cast<std::size_t>(top_k) < d.size()) d.resize(static_cast<std::size_t>(top_k));
  double total = 0;
  for (const auto& e : d) total += e.second;
  for (auto& e : d) e.second /= total;
  return d;
}

std::string words(const translator::Tokeniser& tokeniser, const std::vector<int>& tokens) {
  std::string s;
  for (int t : tokens) {
    if (!s.empty()) s += ' ';
    s += tokeniser.target_piece(t);
  }
  return s;
}

double sum_log_prob(const nn::Transformer& model, const Tensor& source, const std::vector<int>& tokens) {
  nn::GenerationState state = model.start_generation(source, static_cast<std::int64_t>(tokens.size()) + 2);
  double total = 0;
  int last = Vocab::bos_id;
  for (std::size_t i = 0; i <= tokens.size(); ++i) {
    const auto lp = next_log_probs(model.generation_step(state, column({last})));
    const int next = i < tokens.size() ? tokens[i] : Vocab::eos_id;
    total += lp[0][static_cast<std::size_t>(next)];
    last = next;
  }
  return total;
}

std::string fixed(double v, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << v;
  return out.str();
}

}  // namespace

BeamTrace traced_beam_search(const nn::Transformer& model, const Tensor& source,
                             const translator::BeamConfig& config) {
  NoGradGuard no_grad;
  auto score = [&](double log_prob, std::size_t length) {
    return log_prob / std::pow((5.0 + static_cast<double>(length)) / 6.0, config.length_penalty);
  };
  const auto width = static_cast<std::size_t>(config.width);
  nn::GenerationState state = model.start_generation(source, config.max_len);
  const std::int64_t limit = translator::decoding_limit(source.size(1), config.max_len);  // as beam_search
  struct Hypothesis {
    std::vector<int> tokens;
    double log_prob = 0;
  };
  std::vector<Hypothesis> live{{}};
  std::vector<int> last{Vocab::bos_id};
  std::vector<std::pair<double, std::vector<int>>> finished;
  BeamTrace trace;
  for (std::int64_t step = 0; step < limit; ++step) {
    const auto lp = next_log_probs(model.generation_step(state, column(last)));
    std::vector<BeamCandidate> candidates;
    for (std::size_t b = 0; b < live.size(); ++b)
      for (std::size_t t = 0; t < lp[b].size(); ++t)
        candidates.push_back({{}, static_cast<int>(t), live[b].log_prob + lp[b][t], b});
    const std::size_t keep = std::min(candidates.size(), 2 * width);
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                      candidates.end(), [](const BeamCandidate& a, const BeamCandidate& b) {
                        if (a.log_prob != b.log_prob) return a.log_prob > b.log_prob;
                        return std::pair(a.parent, a.token) < std::pair(b.parent, b.token);
                      });
    candidates.resize(keep);
    std::vector<Hypothesis> next;
    std::vector<double> rows;
    last.clear();
    for (BeamCandidate& c : candidates) {
      c.tokens = live[c.parent].tokens;
      if (next.size() >= width) continue;  // pruned: the beam is full
      if (c.token == Vocab::eos_id) {
        c.fate = BeamCandidate::Fate::finished;
        c.score = score(c.log_prob, c.tokens.size() + 1);
        finished.emplace_back(c.score, c.tokens);
        continue;
      }
      c.fate = BeamCandidate::Fate::kept;
      c.tokens.push_back(c.token);
      next.push_back({c.tokens, c.log_prob});
      rows.push_back(static_cast<double>(c.parent));
      last.push_back(c.token);
    }
    for (BeamCandidate& c : candidates)
      if (c.fate == BeamCandidate::Fate::pruned && c.token != Vocab::eos_id) c.tokens.push_back(c.token);
    trace.steps.push_back(std::move(candidates));
    live = std::move(next);
    if (finished.size() >= width || live.empty()) break;
    state.select_rows(tensor(rows, {.dtype = kInt64}));
  }
  if (!finished.empty()) {
    trace.result = std::max_element(finished.begin(), finished.end(), [](const auto& a, const auto& b) {
                     return a.first < b.first;
                   })->second;
  } else {
    const auto best =
        std::max_element(live.begin(), live.end(), [&](const Hypothesis& a, const Hypothesis& b) {
          return score(a.log_prob, a.tokens.size()) < score(b.log_prob, b.tokens.size());
        });
    if (best != live.end()) trace.result = best->tokens;
  }
  return trace;
}

std::vector<std::pair<int, double>> first_step_distribution(const nn::Transformer& model,
                                                            const Tensor& source, double temperature,
                                                            std::int64_t top_k) {
  NoGradGuard no_grad;
  nn::GenerationState state = model.start_generation(source, 2);
  return distribution(next_log_probs(model.generation_step(state, column({Vocab::bos_id})), temperature)[0],
                      top_k);
}

std::vector<int> sample_decode(const nn::Transformer& model, const Tensor& source, double temperature,
                               std::int64_t top_k, std::int64_t max_len, Generator& gen) {
  NoGradGuard no_grad;
  nn::GenerationState state = model.start_generation(source, max_len);
  std::vector<int> out;
  int last = Vocab::bos_id;
  const std::int64_t limit = translator::decoding_limit(source.size(1), max_len);  // as greedy_decode
  for (std::int64_t step = 0; step < limit; ++step) {
    const auto d =
        distribution(next_log_probs(model.generation_step(state, column({last})), temperature)[0], top_k);
    double u = gen.uniform();
    last = d.back().first;
    for (const auto& [token, p] : d) {
      if (u < p) {
        last = token;
        break;
      }
      u -= p;
    }
    if (last == Vocab::eos_id) break;
    out.push_back(last);
  }
  return out;
}

std::string sentence_where_searches_disagree(const nn::Transformer& model,
                                             const translator::Tokeniser& tokeniser,
                                             const std::vector<std::string>& sentences,
                                             const translator::BeamConfig& config) {
  NoGradGuard no_grad;
  for (const std::string& s : sentences) {
    const Tensor src = source_ids(tokeniser, s);
    if (translator::greedy_decode(model, src, config.max_len)[0] !=
        translator::beam_search(model, src, config))
      return s;
  }
  return sentences.empty() ? std::string() : sentences.front();
}

std::string decoding_svg(const nn::Transformer& model, const translator::Tokeniser& tokeniser,
                         const std::string& sentence, const translator::BeamConfig& config) {
  NoGradGuard no_grad;
  const Tensor src = source_ids(tokeniser, sentence);
  const std::vector<int> greedy = translator::greedy_decode(model, src, config.max_len)[0];
  const BeamTrace beam = traced_beam_search(model, src, config);

  const double column = 170, row = 26, top = 150;
  const std::size_t rows = 2 * static_cast<std::size_t>(config.width);
  const double width = std::max(940.0, 40 + column * static_cast<double>(beam.steps.size()));
  const double beam_bottom = top + row * static_cast<double>(rows) + 20;
  const double height = beam_bottom + 330;
  svg::Document doc(width, height);
  doc.rect(0, 0, width, height, "#ffffff");
  doc.text(20, 28, "Decoding \"" + sentence + "\" step by step", 17, svg::Anchor::start);
  const double greedy_lp = sum_log_prob(model, src, greedy), beam_lp = sum_log_prob(model, src, beam.result);
  doc.text(20, 54, "greedy: " + words(tokeniser, greedy) + "   (log P = " + fixed(greedy_lp, 2) + ")", 13.5,
           svg::Anchor::start, 0, "#c0392b");
  doc.text(20, 74,
           "beam search (width " + std::to_string(config.width) + ", α = " + fixed(config.length_penalty, 1) +
               "): " + words(tokeniser, beam.result) + "   (log P = " + fixed(beam_lp, 2) + ")" +
               (greedy == beam.result ? "   the two agree" : "   the two disagree"),
           13.5, svg::Anchor::start, 0, "#1f6f3f");
  doc.text(20, 96,
           "Each column is one step: the " + std::to_string(rows) +
               " best one-word extensions of the live beams, with log P so far. Green: kept as a beam; gold: "
               "finished (</s>), with its length-penalised score; grey: pruned. Red outline: greedy's path.",
           11.5, svg::Anchor::start, 0, "#444444");
  for (std::size_t s = 0; s < beam.steps.size(); ++s) {
    const double x = 20 + column * static_cast<double>(s);
    doc.text(x + (column - 20) / 2, top - 12, "step " + std::to_string(s + 1), 12.5);
    std::vector<std::size_t> previous_kept;
    if (s > 0)
      for (std::size_t i = 0; i < beam.steps[s - 1].size(); ++i)
        if (beam.steps[s - 1][i].fate == BeamCandidate::Fate::kept) previous_kept.push_back(i);
    for (std::size_t i = 0; i < beam.steps[s].size(); ++i) {
      const BeamCandidate& c = beam.steps[s][i];
      const double y = top + row * static_cast<double>(i);
      const char* fill = c.fate == BeamCandidate::Fate::kept       ? "#c7e9c0"
                         : c.fate == BeamCandidate::Fate::finished ? "#fde49b"
                                                                   : "#e6e6e6";
      std::vector<int> path = c.tokens;
      if (c.token == Vocab::eos_id && c.fate != BeamCandidate::Fate::kept) path.push_back(Vocab::eos_id);
      std::vector<int> greedy_path = greedy;
      greedy_path.push_back(Vocab::eos_id);
      const bool on_greedy =
          path.size() <= greedy_path.size() && std::equal(path.begin(), path.end(), greedy_path.begin());
      doc.rect(x, y, column - 24, row - 5, fill, on_greedy ? "#c0392b" : "#999999");
      const std::string label =
          tokeniser.target_piece(c.token) + "  " +
          (c.fate == BeamCandidate::Fate::finished ? "score " + fixed(c.score, 2) : fixed(c.log_prob, 2));
      doc.text(x + 6, y + 15, label, 11.5, svg::Anchor::start, 0,
               c.fate == BeamCandidate::Fate::pruned ? "#777777" : "#222222");
      if (s > 0 && c.parent < previous_kept.size()) {  // from the beam it extends
        const double py = top + row * static_cast<double>(previous_kept[c.parent]) + (row - 5) / 2;
        doc.line(x - 24, py, x, y + (row - 5) / 2,
                 c.fate == BeamCandidate::Fate::pruned ? "#cccccc" : "#6a9f6a", 1);
      }
    }
  }

  // Sampling: the first word's distribution under each setting, and one sampled translation each.
  struct Setting {
    double temperature;
    std::int64_t top_k;
  };
  const std::vector<Setting> settings{{0.5, 0}, {1.0, 0}, {2.0, 0}, {1.0, 3}};
  const double sy = beam_bottom + 30, panel = (width - 40) / static_cast<double>(settings.size());
  doc.text(20, sy,
           "Sampling instead of searching: the first word's probabilities, and one sampled translation", 14,
           svg::Anchor::start);
  Generator gen(13);
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const Setting& st = settings[i];
    const double x = 20 + panel * static_cast<double>(i);
    const std::string name =
        "temperature " + fixed(st.temperature, 1) + (st.top_k ? ", top-k " + std::to_string(st.top_k) : "");
    doc.text(x, sy + 26, name, 12.5, svg::Anchor::start);
    const auto d = first_step_distribution(model, src, st.temperature, st.top_k);
    for (std::size_t j = 0; j < std::min<std::size_t>(d.size(), 6); ++j) {
      const double y = sy + 38 + 22 * static_cast<double>(j);
      doc.text(x + 70, y + 13, tokeniser.target_piece(d[j].first), 11.5, svg::Anchor::end);
      doc.rect(x + 76, y, std::max(1.0, (panel - 130) * d[j].second), 16, "#6baed6");
      doc.text(x + 80 + (panel - 130) * d[j].second, y + 13, fixed(d[j].second, 2), 11, svg::Anchor::start);
    }
    const std::vector<int> sampled = sample_decode(model, src, st.temperature, st.top_k, config.max_len, gen);
    doc.text(x, sy + 185, "sampled:", 11.5, svg::Anchor::start, 0, "#444444");
    // The sampled sentence, wrapped every four words.
    std::vector<int> line;
    double y = sy + 203;
    for (std::size_t j = 0; j <= sampled.size(); ++j) {
      if (j < sampled.size()) line.push_back(sampled[j]);
      if (line.size() == 4 || (j == sampled.size() && !line.empty())) {
        if (y > sy + 203 + 17 * 4) {  // five lines at most
          doc.text(x, y, "…", 12, svg::Anchor::start, 0, "#1f4e79");
          break;
        }
        doc.text(x, y, words(tokeniser, line), 12, svg::Anchor::start, 0, "#1f4e79");
        y += 17;
        line.clear();
      }
    }
  }
  return doc.str();
}

}  // namespace sf::pictures
