// graph.cpp: walking an autograd graph once and writing it as DOT or Mermaid (see graph.hpp).
#include "core/graph.hpp"

#include <iomanip>
#include <map>
#include <sstream>
#include <vector>

#include "core/autograd.hpp"

namespace sf {
namespace {

std::string values(const Tensor& t, const DotOptions& opt) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(opt.precision);
  const auto v = t.to_vector<double>();
  for (std::size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
  return os.str();
}

/// Label lines for a tensor: "name [2, 3]", then "data: ..." and "grad: ..." when tiny.
std::vector<std::string> describe(const Tensor& t, const std::string& title, const DotOptions& opt) {
  std::ostringstream head;
  head << title << ' ' << t.shape();
  std::vector<std::string> lines{head.str()};
  if (t.numel() <= opt.max_values && is_floating(t.dtype())) {
    lines.push_back("data: " + values(t, opt));
    if (t.grad().defined()) lines.push_back("grad: " + values(t.grad(), opt));
  }
  return lines;
}

/// The graph as plain data: one entry per node, edges from input to consumer.
struct Drawing {
  struct Item {
    bool leaf = false;
    std::vector<std::string> label;
  };
  std::vector<Item> items;
  std::vector<std::pair<int, int>> edges;
};

Drawing draw(const Tensor& root, const DotOptions& opt) {
  Drawing d;
  std::map<const Node*, int> ids;
  std::vector<const Node*> order;
  auto id_of = [&](const Node* n) {
    auto [it, added] = ids.try_emplace(n, static_cast<int>(ids.size()));
    if (added) order.push_back(n);
    return it->second;
  };
  if (!root.grad_fn() && !root.requires_grad()) return d;
  const std::shared_ptr<Node> start = root.grad_fn() ? root.grad_fn() : grad_accumulator(root);
  id_of(start.get());
  for (std::size_t i = 0; i < order.size(); ++i)  // breadth-first; `order` grows as we go
    for (const auto& next : order[i]->next)
      if (next) d.edges.emplace_back(id_of(next.get()), static_cast<int>(i));
  for (const Node* n : order) {
    Drawing::Item item;
    if (const auto* acc = dynamic_cast<const AccumulateGrad*>(n)) {
      const Tensor leaf(acc->leaf());
      item = {true, describe(leaf, leaf.name().empty() ? "leaf" : leaf.name(), opt)};
    } else {
      std::ostringstream head;
      head << n->name() << ' ' << n->out_shape;
      item.label = {head.str()};
      if (auto out = n->output.lock()) {  // still alive: show its name and tiny values
        const Tensor t(out);
        if (!t.name().empty() || t.numel() <= opt.max_values)
          item.label = describe(t, std::string(n->name()) + (t.name().empty() ? "" : " → " + t.name()), opt);
      }
    }
    d.items.push_back(item);
  }
  return d;
}

std::string joined(const std::vector<std::string>& lines, const std::string& separator) {
  std::string s;
  for (std::size_t i = 0; i < lines.size(); ++i) s += (i ? separator : "") + lines[i];
  return s;
}

}  // namespace

std::string to_dot(const Tensor& root, const DotOptions& opt) {
  const Drawing d = draw(root, opt);
  std::ostringstream dot;
  dot << "digraph autograd {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  for (std::size_t i = 0; i < d.items.size(); ++i) {
    const auto& item = d.items[i];
    dot << "  n" << i
        << (item.leaf ? " [shape=box, style=filled, fillcolor=\"#dbeafe\", label=\""
                      : " [shape=ellipse, label=\"")
        << joined(item.label, "\\n") << "\"];\n";
  }
  for (const auto& [from, to] : d.edges) dot << "  n" << from << " -> n" << to << ";\n";
  dot << "}\n";
  return dot.str();
}

std::string to_mermaid(const Tensor& root, const DotOptions& opt) {
  const Drawing d = draw(root, opt);
  std::ostringstream m;
  m << "flowchart LR\n";
  for (std::size_t i = 0; i < d.items.size(); ++i) {
    const auto& item = d.items[i];
    m << "  n" << i << (item.leaf ? "[\"" : "([\"") << joined(item.label, "<br/>")
      << (item.leaf ? "\"]" : "\"])") << '\n';
  }
  for (const auto& [from, to] : d.edges) m << "  n" << from << " --> n" << to << '\n';
  return m.str();
}

}  // namespace sf
