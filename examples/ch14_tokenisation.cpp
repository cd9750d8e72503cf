// ch14_tokenisation: chapter 14's worked examples (docs/14-tokenisation.md), and a small tool that drives
// the tokeniser and the scores of text/ on real files.
//
//   ch14_tokenisation                prints the chapter's examples (compared with
//   expected/ch14_tokenisation.txt) ch14_tokenisation learn --vocab-size N --out FILE TEXT...   learns a
//   tokeniser from text files ch14_tokenisation encode --model FILE [--ids]               stdin lines →
//   pieces (or ids), one line each ch14_tokenisation decode --model FILE                       stdin lines of
//   ids → text ch14_tokenisation score --ref FILE [--ref FILE...] [--lowercase]   stdin hypotheses → BLEU and
//   chrF
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "text/text.hpp"

using namespace sf;
using namespace sf::text;

namespace {

// ---- the chapter's examples ------------------------------------------------------------------------------

// Sennrich et al. 2016, section 3.2: low ×5, lower ×2, newest ×6, widest ×3.
std::vector<std::string> toy_corpus() {
  std::vector<std::string> lines;
  for (const auto& [word, count] :
       std::vector<std::pair<std::string, int>>{{"low", 5}, {"lower", 2}, {"newest", 6}, {"widest", 3}})
    for (int i = 0; i < count; ++i) lines.push_back(word);
  return lines;
}

std::string joined(const Bpe& bpe, const std::vector<std::int32_t>& ids, const char* separator = " ") {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? separator : "") + bpe.piece(ids[i]);
  return out;
}

void print_merges() {
  // [doc:toy-merges]
  // Learn 10 merges on the paper's corpus, then replay them one at a time: after each, every word's
  // pieces and every pair's count, recounted from scratch (a check on the incremental counts).
  const std::vector<std::string> words = {"▁low", "▁lower", "▁newest", "▁widest"};
  const std::vector<int> counts = {5, 2, 6, 3};
  std::vector<std::int64_t> merge_counts;
  const Bpe learned = Bpe::learn(toy_corpus(), {.vocab_size = 260 + 11 + 10}, &merge_counts);
  for (std::size_t step = 0; step <= learned.merges().size(); ++step) {
    const std::vector<Bpe::Merge> first(learned.merges().begin(), learned.merges().begin() + step);
    const Bpe bpe(learned.characters(), first);
    std::map<std::string, std::int64_t> pairs;  // "left + right" → count
    std::cout << "after " << step << " merges:";
    for (std::size_t w = 0; w < words.size(); ++w) {
      const auto ids = bpe.encode_pretoken(words[w]);
      std::cout << "  " << joined(bpe, ids, "·") << " ×" << counts[w];
      for (std::size_t i = 0; i + 1 < ids.size(); ++i)
        pairs[bpe.piece(ids[i]) + " + " + bpe.piece(ids[i + 1])] += counts[w];
    }
    std::cout << '\n';
    if (step == learned.merges().size()) break;
    std::int64_t best = 0;
    for (const auto& [pair, n] : pairs) best = std::max(best, n);
    std::cout << "  most frequent (" << best << "):";
    for (const auto& [pair, n] : pairs)  // std::map: the tied pairs in byte order, the winner first
      if (n == best) std::cout << "  " << pair;
    const Bpe::Merge& m = learned.merges()[step];
    std::cout << "\n  merge " << step + 1 << ": " << learned.piece(m.left) << " + " << learned.piece(m.right)
              << " -> " << learned.piece(m.result) << " (count " << merge_counts[step] << ")\n";
  }
  // [doc:end]
}

void print_encoding() {
  // [doc:toy-encode]
  const Bpe bpe = Bpe::learn(toy_corpus(), {.vocab_size = 260 + 11 + 10});
  for (const std::string text : {"lowest", "newer wider", "Low!", "été 😀"}) {
    const auto ids = bpe.encode(text);
    std::cout << '"' << text << "\" -> " << joined(bpe, ids) << "  (" << ids.size() << " ids)  -> decoded: \""
              << bpe.decode(ids) << "\"\n";
  }
  // [doc:end]
}

// A few captions in the style of Multi30k, written for this example.
const std::vector<std::string> captions = {
    "A man in a blue shirt is standing on a ladder cleaning windows.",
    "Un homme en chemise bleue est debout sur une échelle et nettoie des fenêtres.",
    "Two young girls are playing in the sand near the water.",
    "Deux jeunes filles jouent dans le sable près de l'eau.",
    "A brown dog is running through the snow.",
    "Un chien marron court dans la neige.",
    "A woman with a red hat is sitting on a bench.",
    "Une femme avec un chapeau rouge est assise sur un banc.",
    "Three men are working on a building.",
    "Trois hommes travaillent sur un bâtiment.",
    "A little boy in a red shirt is jumping into a swimming pool.",
    "Un petit garçon en chemise rouge saute dans une piscine.",
    "People are walking down a busy street in the city.",
    "Des gens marchent dans une rue animée de la ville.",
    "A black dog and a white dog are playing in the grass.",
    "Un chien noir et un chien blanc jouent dans l'herbe.",
};

void print_sizes() {
  // [doc:vocab-sizes]
  // Fewer ids means longer sequences; more ids means a larger embedding table (V × d_model) and, tied
  // with it, a larger output projection. Here on the 16 captions above, with d_model = 512.
  std::int64_t characters = 0;
  for (const auto& c : captions) characters += static_cast<std::int64_t>(decode_utf8(normalise(c)).size());
  std::cout << "characters per caption: " << static_cast<double>(characters) / captions.size() << '\n';
  const std::int64_t characters_only = Bpe::learn(captions, {.vocab_size = 1000}).characters().size() + 260;
  for (const std::int64_t vocab :
       {characters_only, std::int64_t{330}, std::int64_t{360}, std::int64_t{1000}}) {
    const Bpe bpe = Bpe::learn(captions, {.vocab_size = vocab});
    std::int64_t tokens = 0;
    for (const auto& c : captions) tokens += static_cast<std::int64_t>(bpe.encode(c).size());
    std::cout << "vocab " << bpe.vocab_size() << " (" << bpe.merges().size()
              << " merges): " << static_cast<double>(tokens) / captions.size()
              << " tokens per caption, embedding " << bpe.vocab_size()
              << " x 512 = " << bpe.vocab_size() * 512 << " weights\n";
  }
  const Bpe bpe = Bpe::learn(captions, {.vocab_size = 1000});  // stops at 404: every pair left occurs once
  std::cout << "\"" << captions[1] << "\"\n  -> " << joined(bpe, bpe.encode(captions[1])) << '\n';
  // [doc:end]
}

void print_scores() {
  // [doc:bleu-example]
  // sacreBLEU's README example: three hypotheses, two references each.
  const std::vector<std::string> hyps = {"The dog bit the man.", "It wasn't surprising.",
                                         "The man had just bitten him."};
  const std::vector<std::vector<std::string>> refs = {
      {"The dog bit the man.", "The dog had bit the man."},
      {"It was not unexpected.", "No one was surprised."},
      {"The man bit him first.", "The man had bitten the dog."}};
  std::cout << "13a: \"" << hyps[1] << "\" -> \"" << tokenize_13a(hyps[1]) << "\"\n";
  std::cout << corpus_bleu(hyps, refs).format() << '\n';
  std::cout << corpus_bleu(hyps, refs, {.lowercase = true}).format() << '\n';
  std::vector<std::vector<std::string>> first_only;
  for (const auto& r : refs) first_only.push_back({r[0]});
  std::cout << corpus_bleu(hyps, first_only).format() << '\n';
  std::cout << corpus_chrf(hyps, refs).format() << '\n';
  // The same sentence, cased and not: only the capital differs.
  std::cout << "cased:   " << corpus_bleu({"the dog bit the man."}, {{"The dog bit the man."}}).format()
            << '\n';
  std::cout << "lowered: "
            << corpus_bleu({"the dog bit the man."}, {{"The dog bit the man."}}, {.lowercase = true}).format()
            << '\n';
  // [doc:end]
}

// ---- the tool
// ------------------------------------------------------------------------------------------------

std::vector<std::string> read_lines(std::istream& in) {
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail<IOError>("cannot open ", path);
  return read_lines(in);
}

int usage() {
  std::cerr << "usage: ch14_tokenisation                   (the chapter's examples)\n"
               "       ch14_tokenisation learn --vocab-size N --out FILE TEXT...\n"
               "       ch14_tokenisation encode --model FILE [--ids] < text\n"
               "       ch14_tokenisation decode --model FILE < ids\n"
               "       ch14_tokenisation score --ref FILE [--ref FILE...] [--lowercase] < hypotheses\n";
  return 2;
}

int run_tool(const std::vector<std::string>& args) {
  const std::string command = args[0];
  std::string model, out;
  std::int64_t vocab_size = 8000;
  bool ids = false, lowercase_scores = false;
  std::vector<std::string> inputs, refs;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) fail<ValueError>(args[i], " needs a value");
      return args[++i];
    };
    if (args[i] == "--model")
      model = value();
    else if (args[i] == "--out")
      out = value();
    else if (args[i] == "--vocab-size")
      vocab_size = std::stoll(value());
    else if (args[i] == "--ref")
      refs.push_back(value());
    else if (args[i] == "--ids")
      ids = true;
    else if (args[i] == "--lowercase")
      lowercase_scores = true;
    else if (args[i].rfind("--", 0) == 0)
      return usage();
    else
      inputs.push_back(args[i]);
  }
  if (command == "learn" && !out.empty() && !inputs.empty()) {
    std::vector<std::string> lines;
    for (const auto& path : inputs) {
      const auto more = read_file(path);
      lines.insert(lines.end(), more.begin(), more.end());
    }
    const Bpe bpe = Bpe::learn(lines, {.vocab_size = vocab_size});
    bpe.save(out);
    std::cerr << "learned " << bpe.characters().size() << " characters and " << bpe.merges().size()
              << " merges (vocabulary " << bpe.vocab_size() << ") from " << lines.size() << " lines; wrote "
              << out << '\n';
    return 0;
  }
  if (command == "encode" && !model.empty()) {
    const Bpe bpe = Bpe::load(model);
    std::string line_out;
    for (std::string line; std::getline(std::cin, line);) {
      line_out.clear();
      for (const std::int32_t id : bpe.encode(line)) {
        if (!line_out.empty()) line_out += ' ';
        line_out += ids ? std::to_string(id) : bpe.piece(id);
      }
      line_out += '\n';
      std::cout << line_out;
    }
    return 0;
  }
  if (command == "decode" && !model.empty()) {
    const Bpe bpe = Bpe::load(model);
    for (std::string line; std::getline(std::cin, line);) {
      std::vector<std::int32_t> line_ids;
      std::istringstream in(line);
      for (long long id; in >> id;) line_ids.push_back(static_cast<std::int32_t>(id));
      std::cout << bpe.decode(line_ids) << '\n';
    }
    return 0;
  }
  if (command == "score" && !refs.empty()) {
    const auto hyps = read_lines(std::cin);
    std::vector<std::vector<std::string>> references(hyps.size());
    for (const auto& path : refs) {
      const auto lines = read_file(path);
      if (lines.size() != hyps.size())
        fail<ValueError>(path, " has ", lines.size(), " lines but there are ", hyps.size(), " hypotheses");
      for (std::size_t i = 0; i < lines.size(); ++i) references[i].push_back(lines[i]);
    }
    std::cout << corpus_bleu(hyps, references, {.lowercase = lowercase_scores}).format() << '\n'
              << corpus_chrf(hyps, references, {.lowercase = lowercase_scores}).format() << '\n';
    return 0;
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    std::ios::sync_with_stdio(false);  // the tool streams whole files through std::cin and std::cout
    try {
      return run_tool(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
      std::cerr << "ch14_tokenisation: " << e.what() << '\n';
      return 1;
    }
  }
  std::cout << "=== merges ===\n";
  print_merges();
  std::cout << "=== encode ===\n";
  print_encoding();
  std::cout << "=== sizes ===\n";
  print_sizes();
  std::cout << "=== scores ===\n";
  print_scores();
  return 0;
}
