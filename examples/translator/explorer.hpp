// explorer.hpp: `translator explore`, an attention explorer a student opens in a browser.
//
// attention_maps() translates one sentence (greedy) and collects every attention weight the model
// computed on the way: encoder self-attention, decoder self-attention (with its causal triangle) and
// cross-attention, for every layer and head. explorer_html() writes them into one self-contained
// HTML page (inline SVG and a little hand-written JavaScript; no libraries, no network): pick the
// kind, layer and head, hover a word on the left and the lines show what it attends to.
//
// For the browser test (./run test browser) the page reads a URL fragment such as
// #test-hover=3&kind=2&layer=0&head=1: it selects that view and hovers query word 3 by itself.
#pragma once

#include <string>
#include <vector>

#include "examples/translator/run_config.hpp"
#include "examples/translator/tokeniser.hpp"
#include "nn/transformer.hpp"

namespace sf::translator {

/// One kind of attention: its query and key words and weights[layer][head][query][key].
struct AttentionKind {
  std::string name;  // "encoder self-attention", "decoder self-attention" or "cross-attention"
  std::vector<std::string> queries, keys;
  std::vector<std::vector<std::vector<std::vector<double>>>> weights;
};

struct AttentionMaps {
  std::string sentence, translation;
  std::vector<AttentionKind> kinds;  // encoder self, decoder self, cross (in that order)
};

/// Translates `sentence` greedily and records every layer's and head's attention weights for it.
/// The decoder's queries are the tokens it was fed: <s> and the translation, or <s> and
/// `translation` if one is given (teacher forcing: the same rows at every point of a training run).
AttentionMaps attention_maps(const nn::Transformer& model, const Tokeniser& tokeniser,
                             const std::string& sentence, const std::string& translation = "");

/// The explorer page for `maps`: one HTML document with the weights embedded as JSON.
std::string explorer_html(const AttentionMaps& maps);

/// `translator explore [--run DIR] [--out FILE] "sentence"`: writes the page (default DIR/explorer.html).
int explore_command(const std::vector<std::string>& args);

}  // namespace sf::translator
