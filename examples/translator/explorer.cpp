// explorer.cpp: the attention weights of one translation, and the HTML page that shows them.
#include "examples/translator/explorer.hpp"

#include <cstdio>
#include <iostream>
#include <sstream>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/ops/compare.hpp"
#include "examples/translator/decoding.hpp"
#include "examples/translator/options.hpp"
#include "examples/translator/tokenizer.hpp"
#include "examples/translator/trained_run.hpp"
#include "examples/translator/training.hpp"
#include "nn/attention.hpp"

namespace sf::translator {
namespace {

Tensor ids_tensor(const std::vector<int>& ids) {
  return tensor(std::vector<double>(ids.begin(), ids.end()), {1, static_cast<std::int64_t>(ids.size())},
                {.dtype = kInt64});
}

/// weights [1, heads, Lq, Lk] → [head][query][key].
std::vector<std::vector<std::vector<double>>> per_head(const Tensor& w) {
  const Tensor x = w.to(kFloat64).contiguous();
  const std::int64_t heads = x.size(1), rows = x.size(2), cols = x.size(3);
  const std::vector<double> v = x.to_vector<double>();
  std::vector<std::vector<std::vector<double>>> out(heads, std::vector<std::vector<double>>(rows));
  for (std::int64_t h = 0; h < heads; ++h)
    for (std::int64_t r = 0; r < rows; ++r)
      out[h][r].assign(v.begin() + (h * rows + r) * cols, v.begin() + (h * rows + r + 1) * cols);
  return out;
}

std::vector<std::string> source_pieces(const Tokeniser& tokeniser, const std::vector<int>& ids) {
  std::vector<std::string> out;
  for (int id : ids) out.push_back(tokeniser.source_piece(id));
  return out;
}

std::vector<std::string> target_pieces(const Tokeniser& tokeniser, const std::vector<int>& ids) {
  std::vector<std::string> out;
  for (int id : ids) out.push_back(tokeniser.target_piece(id));
  return out;
}

/// A JSON string literal that is also safe inside <script> (no "<" appears in it).
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string json_strings(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += json_string(v[i]);
  }
  return out + "]";
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

// The page's script: builds the SVG for the chosen view and answers hovering. Hand-written, no
// libraries; `data` is the JSON block above it.
const char* kScript = R"JS(
const data = JSON.parse(document.getElementById('data').textContent);
const NS = 'http://www.w3.org/2000/svg';
const kindSelect = document.getElementById('kind');
const layerSelect = document.getElementById('layer');
const headSelect = document.getElementById('head');
const view = document.getElementById('view');
const status = document.getElementById('status');

function fill(select, count, label) {
  const keep = select.value;
  select.innerHTML = '';
  for (let i = 0; i < count; i++) {
    const option = document.createElement('option');
    option.value = i;
    option.textContent = label(i);
    select.appendChild(option);
  }
  if (keep !== '' && +keep < count) select.value = keep;
}

function kind() { return data.kinds[+kindSelect.value]; }
function weights() { return kind().weights[+layerSelect.value][+headSelect.value]; }

function text(x, y, word, anchor, cls, index) {
  const t = document.createElementNS(NS, 'text');
  t.setAttribute('x', x);
  t.setAttribute('y', y);
  t.setAttribute('text-anchor', anchor);
  t.setAttribute('class', cls);
  t.dataset.index = index;
  t.textContent = word;
  view.appendChild(t);
  return t;
}

function draw() {
  const k = kind(), w = weights(), rowHeight = 26, top = 50;
  fill(layerSelect, k.weights.length, i => 'layer ' + (i + 1));
  fill(headSelect, k.weights[0].length, i => 'head ' + (i + 1));
  view.innerHTML = '';
  const rows = Math.max(k.queries.length, k.keys.length);
  view.setAttribute('height', top + rows * rowHeight);
  text(150, 24, 'queries', 'end', 'heading', -1);
  text(370, 24, 'keys', 'start', 'heading', -1);
  for (let q = 0; q < k.queries.length; q++)
    for (let j = 0; j < k.keys.length; j++) {
      const line = document.createElementNS(NS, 'line');
      line.setAttribute('x1', 160);
      line.setAttribute('y1', top + q * rowHeight - 5);
      line.setAttribute('x2', 360);
      line.setAttribute('y2', top + j * rowHeight - 5);
      line.setAttribute('stroke-opacity', w[q][j].toFixed(3));
      line.setAttribute('class', 'link');
      line.dataset.query = q;
      line.dataset.key = j;
      view.appendChild(line);
    }
  k.queries.forEach((word, q) => {
    const t = text(150, top + q * rowHeight, word, 'end', 'query', q);
    t.addEventListener('mouseover', () => hover(q));
  });
  k.keys.forEach((word, j) => text(370, top + j * rowHeight, word, 'start', 'key', j));
  status.textContent = 'Hover a word on the left to see what it attends to.';
}

function hover(q) {
  const k = kind(), w = weights()[q];
  view.querySelectorAll('line.link').forEach(line => {
    line.setAttribute('stroke-opacity', +line.dataset.query === q ? w[+line.dataset.key].toFixed(3) : '0');
  });
  view.querySelectorAll('text.query').forEach(t => t.classList.toggle('chosen', +t.dataset.index === q));
  view.querySelectorAll('text.key').forEach(t => {
    t.setAttribute('fill-opacity', (0.25 + 0.75 * w[+t.dataset.index]).toFixed(3));
  });
  const order = w.map((v, j) => j).sort((a, b) => w[b] - w[a]);
  status.innerHTML = '';
  status.append('"' + k.queries[q] + '" (query ' + q + ') attends most to ');
  const strongest = document.createElement('b');
  strongest.id = 'strongest';
  strongest.textContent = k.keys[order[0]];
  status.append(strongest, ': ' + order.map(j => k.keys[j] + ' ' + w[j].toFixed(2)).join(', '));
  status.dataset.query = q;
}

function unhover() {
  const w = weights();
  view.querySelectorAll('line.link').forEach(line => {
    line.setAttribute('stroke-opacity', w[+line.dataset.query][+line.dataset.key].toFixed(3));
  });
  view.querySelectorAll('text.query').forEach(t => t.classList.remove('chosen'));
  view.querySelectorAll('text.key').forEach(t => t.removeAttribute('fill-opacity'));
}

fill(kindSelect, data.kinds.length, i => data.kinds[i].name);
view.addEventListener('mouseleave', unhover);
kindSelect.addEventListener('change', draw);
layerSelect.addEventListener('change', draw);
headSelect.addEventListener('change', draw);
draw();

// For the browser test: #test-hover=Q&kind=K&layer=L&head=H selects a view and hovers query Q.
const test = new URLSearchParams(location.hash.slice(1));
if (test.has('test-hover')) {
  for (const [name, select] of [['kind', kindSelect], ['layer', layerSelect], ['head', headSelect]])
    if (test.has(name)) { select.value = test.get(name); draw(); }
  const word = view.querySelector('text.query[data-index="' + test.get('test-hover') + '"]');
  if (word) word.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
}
)JS";

}  // namespace

AttentionMaps attention_maps(const nn::Transformer& model, const Tokeniser& tokeniser,
                             const std::string& sentence, const std::string& given_translation) {
  NoGradGuard no_grad;
  const nn::TransformerConfig& config = model.config();
  const std::vector<int> src_ids = tokeniser.encode_source(sentence);
  const Tensor source = ids_tensor(src_ids);
  std::vector<int> translation;
  if (given_translation.empty()) {
    translation = greedy_decode(model, source, config.max_len - 1)[0];
  } else {
    translation = tokeniser.encode_target(given_translation);
    translation = std::vector<int>(translation.begin() + 1, translation.end() - 1);  // without <s> and </s>
  }
  std::vector<int> target_ids{Vocab::bos_id};
  target_ids.insert(target_ids.end(), translation.begin(), translation.end());
  const Tensor target = ids_tensor(target_ids);

  AttentionMaps maps{sentence, tokeniser.decode_target(target_ids), {}};
  const std::vector<std::string> src_words = source_pieces(tokeniser, src_ids);
  const std::vector<std::string> tgt_words = target_pieces(tokeniser, target_ids);
  AttentionKind encoder{"encoder self-attention", src_words, src_words, {}};
  AttentionKind decoder{"decoder self-attention", tgt_words, tgt_words, {}};
  AttentionKind cross{"cross-attention", tgt_words, src_words, {}};

  // Walk the stacks layer by layer, as Encoder::forward and Decoder::forward do, asking each
  // layer's attention for its weights on the same input the layer gives it (norm1(x) in pre-LN).
  const bool norm_first = config.layer.norm_first;
  const Tensor source_mask = padding_mask(source, config.pad_id);
  Tensor x = model.positional(model.source_embedding(source));
  for (const auto& layer : model.encoder.layers) {
    const Tensor h = norm_first ? layer->norm1(x) : x;
    Tensor w;
    layer->self_attn(h, h, h, source_mask, &w);
    encoder.weights.push_back(per_head(w));
    x = (*layer)(x, source_mask);
  }
  const Tensor memory = model.encoder.norm ? (*model.encoder.norm)(x) : x;
  const Tensor self_mask = logical_or(causal_mask(target.size(1)), padding_mask(target, config.pad_id));
  Tensor y = model.positional(model.target_embedding(target));
  for (const auto& layer : model.decoder.layers) {
    const Tensor h = norm_first ? layer->norm1(y) : y;
    Tensor w, c;
    layer->self_attn(h, h, h, self_mask, &w);
    decoder.weights.push_back(per_head(w));
    y = layer->forward(y, memory, self_mask, source_mask, &c);
    cross.weights.push_back(per_head(c));
  }
  maps.kinds = {std::move(encoder), std::move(decoder), std::move(cross)};
  return maps;
}

std::string explorer_html(const AttentionMaps& maps) {
  std::ostringstream data;
  data << "{\"sentence\":" << json_string(maps.sentence)
       << ",\"translation\":" << json_string(maps.translation) << ",\"kinds\":[";
  char number[32];
  for (std::size_t k = 0; k < maps.kinds.size(); ++k) {
    const AttentionKind& kind = maps.kinds[k];
    data << (k ? "," : "") << "{\"name\":" << json_string(kind.name)
         << ",\"queries\":" << json_strings(kind.queries) << ",\"keys\":" << json_strings(kind.keys)
         << ",\"weights\":[";
    for (std::size_t l = 0; l < kind.weights.size(); ++l) {
      data << (l ? "," : "") << '[';
      for (std::size_t h = 0; h < kind.weights[l].size(); ++h) {
        data << (h ? "," : "") << '[';
        for (std::size_t q = 0; q < kind.weights[l][h].size(); ++q) {
          data << (q ? "," : "") << '[';
          for (std::size_t j = 0; j < kind.weights[l][h][q].size(); ++j) {
            std::snprintf(number, sizeof number, "%.4f", kind.weights[l][h][q][j]);
            data << (j ? "," : "") << number;
          }
          data << ']';
        }
        data << ']';
      }
      data << ']';
    }
    data << "]}";
  }
  data << "]}";

  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<title>Attention explorer: " << html_escape(maps.sentence) << "</title>\n"
       << "<style>\n"
          "body { font-family: sans-serif; margin: 2em; color: #222; }\n"
          "label { margin-right: 1.5em; }\n"
          "svg { display: block; margin: 1em 0; }\n"
          "text { font-size: 15px; cursor: default; }\n"
          "text.heading { font-weight: bold; fill: #666; }\n"
          "text.query:hover, text.query.chosen { fill: #c0392b; font-weight: bold; }\n"
          "line.link { stroke: #2c7fb8; stroke-width: 3; }\n"
          "#status { min-height: 2.5em; max-width: 40em; }\n"
          "</style>\n</head>\n<body>\n"
       << "<h1>Attention explorer</h1>\n"
       << "<p>English: <b id=\"sentence\">" << html_escape(maps.sentence)
       << "</b><br>French (greedy): <b id=\"translation\">" << html_escape(maps.translation) << "</b></p>\n"
       << "<p>Each line joins a query word (left) to a key word (right); the darker it is, the more weight "
          "that "
          "query gives that key. Hover a word on the left to see only its row of the attention matrix.</p>\n"
       << "<p><label>Attention <select id=\"kind\"></select></label><label>Layer <select "
          "id=\"layer\"></select>"
          "</label><label>Head <select id=\"head\"></select></label></p>\n"
       << "<svg id=\"view\" xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"100\"></svg>\n"
       << "<p id=\"status\"></p>\n"
       << "<script id=\"data\" type=\"application/json\">" << data.str() << "</script>\n"
       << "<script>" << kScript << "</script>\n</body>\n</html>\n";
  return html.str();
}

int explore_command(const std::vector<std::string>& args) {
  Options o("translator explore [--run DIR] [--out FILE] \"sentence\"",
            "Writes an attention explorer for one sentence: a self-contained HTML page (no network needed)\n"
            "showing every layer's and head's encoder self-, decoder self- and cross-attention.");
  o.add("run", "DIR", "the training run's output directory", TrainOptions{}.out_dir)
      .add("checkpoint", "NAME", "best or latest", "best")
      .add("out", "FILE", "the HTML file to write (default: DIR/explorer.html)")
      .add_flag("help", "show this help");
  if (!o.parse_unless_help(args)) return 0;
  if (o.positional().size() != 1)
    fail<ValueError>("translator explore: give exactly one sentence in quotes, got ", o.positional().size());
  TrainedRun run = load_trained_run(o.text("run"), o.text("checkpoint"));
  const std::string out = o.given("out") ? o.text("out") : o.text("run") + "/explorer.html";
  const AttentionMaps maps = attention_maps(*run.model, run.tokeniser, o.positional()[0]);
  io::write_file_atomically(out, explorer_html(maps));
  std::cout << maps.sentence << "\n  → " << maps.translation << "\nexplorer: " << out
            << " (open it in a browser)\n";
  return 0;
}

}  // namespace sf::translator
