// module.hpp: Module, the base of every layer: named parameters, submodules, train/eval, state dicts.
//
// A module owns its parameters as Tensor members and its submodules as members (or unique_ptrs),
// and registers each one under a name in its constructor:
//
//   class Linear : public Module {
//     Tensor weight, bias;
//     Linear(...) { weight = ...; register_parameter("weight", weight); ... }
//   };
//
// Names compose with dots, as in PyTorch: layers.0.self_attn.out_proj.weight. A submodule
// registered under the empty name lends its parameters to its parent without a prefix, which is
// how EncoderLayer keeps PyTorch's flat names (linear1, norm1) while FeedForward stays its own
// class. A Module is neither copyable nor movable (registrations point at members); hold modules
// by value inside their parent, or by std::unique_ptr in lists.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.hpp"

namespace sf::nn {

/// Parameter (and persistent buffer) name → tensor, sorted by name. The tensors are the live ones:
/// writing into them changes the module.
using StateDict = std::map<std::string, Tensor>;

class Module;

/// One tensor a module made during a recorded forward pass: which module, what it is, its shape.
struct RecordedShape {
  const Module* module;
  std::string what;  // "output" for a module's result; "Q", "K", "V" for attention's per-head inputs
  Shape shape;
};

/// Records the shapes of a real forward pass, for the whole-model figure (examples/pictures/). While
/// one is alive on a thread, the modules that report (Embedding, Linear, LayerNorm, Dropout and
/// MultiHeadAttention's Q, K, V) append what they make; when none is, reporting costs one branch.
///
///   ShapeRecording recording;
///   model(source, target_in);
///   for (const RecordedShape& r : recording.shapes()) ...  // names: model.named_modules()
class ShapeRecording {
 public:
  ShapeRecording();  // installs itself on this thread (one at a time: ValueError otherwise)
  ~ShapeRecording();
  ShapeRecording(const ShapeRecording&) = delete;
  ShapeRecording& operator=(const ShapeRecording&) = delete;
  const std::vector<RecordedShape>& shapes() const { return shapes_; }

 private:
  friend class Module;
  static constinit thread_local ShapeRecording* current_;
  std::vector<RecordedShape> shapes_;
};

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = delete;
  Module& operator=(Module&&) = delete;

  // [doc:module-api]
  /// Every parameter with its dotted name, in registration order (depth first).
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  /// Every parameter: the handles an optimizer updates.
  std::vector<Tensor> parameters() const;
  /// Total number of parameter elements (the "65M" of the paper's base model).
  std::int64_t parameter_count() const;
  /// Every submodule (this one first, named ""), with dotted names.
  std::vector<std::pair<std::string, const Module*>> named_modules() const;

  /// Zeroes every parameter's gradient in place (keeping the buffers for the next step).
  void zero_grad();
  /// Training mode (dropout active) or evaluation mode, for this module and every submodule.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  /// Parameters and persistent buffers by name.
  StateDict state_dict() const;
  /// Copies values from `state` into this module's tensors (converting the dtype if needed).
  /// Every name must match and every shape agree; otherwise nothing is changed and an Error lists
  /// the missing, unexpected and mismatched names.
  void load_state_dict(const StateDict& state);
  // [doc:end]

  /// Converts every parameter and buffer to `dtype` (float64 for gradient checks). The parameters
  /// become new tensors: create optimizers after calling this.
  void to(DType dtype);

 protected:
  /// Reports `t` to the thread's ShapeRecording, if any, and returns it: `return recorded(y);`.
  Tensor recorded(Tensor t, const char* what = "output") const {
    record_shape(t.shape(), what);
    return t;
  }
  /// Reports a shape alone: that of a tensor the module's work makes only conceptually (the attention
  /// weights that flash_attention drops out block by block, never storing them).
  void record_shape(const Shape& shape, const char* what = "output") const {
    if (ShapeRecording::current_) [[unlikely]]
      ShapeRecording::current_->shapes_.push_back({this, what, shape});
  }

  /// Registers a member tensor as a parameter (it gets requires_grad).
  void register_parameter(const std::string& name, Tensor& slot);
  /// Registers a member tensor that is state but not a parameter (no gradient). Persistent buffers
  /// are part of the state dict.
  void register_buffer(const std::string& name, Tensor& slot, bool persistent = true);
  /// Registers a member module; an empty name merges its names into this module's.
  void register_module(const std::string& name, Module& child);

 private:
  struct Slot {
    std::string name;
    Tensor* tensor;
    bool persistent;
  };
  template <class F>
  void visit_parameters(const std::string& prefix, F&& f) const;
  template <class F>
  void visit_buffers(const std::string& prefix, F&& f) const;

  std::vector<Slot> parameters_;
  std::vector<Slot> buffers_;
  std::vector<std::pair<std::string, Module*>> children_;
  bool training_ = true;
};

}  // namespace sf::nn
