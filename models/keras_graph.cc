#include "models/keras_graph.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/json_checked.h"
#include "core/safetensors.h"

namespace atelier {

namespace {

// torch::conv2d, but never on LibTorch's slow im2col kernels: for one image with a kernel of at most 3x3 and at
// most 20480 input values, LibTorch's CPU heuristic skips oneDNN (at::native ConvParams::use_mkldnn), and its
// fallback is 5-10 times slower in both directions: at 128 px a third of InceptionV3's convolutions took half of
// each evaluation (docs/benchmarks.md). A second, zero image in the batch keeps them on oneDNN; on such small inputs
// that costs less than the fallback.
at::Tensor conv2d_fast_on_cpu(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              at::IntArrayRef stride, at::IntArrayRef padding, int64_t groups) {
  const bool slow_path = x.device().is_cpu() && x.scalar_type() == at::kFloat && x.size(0) == 1 &&
                         (weight.size(-1) <= 3 || weight.size(-2) <= 3) && x.numel() <= 20480;
  if (!slow_path) return torch::conv2d(x, weight, bias, stride, padding, 1, groups);
  return torch::conv2d(at::cat({x, at::zeros_like(x)}), weight, bias, stride, padding, 1, groups).narrow(0, 0, 1);
}

enum class Kind {
  Input,
  Conv,
  BatchNorm,
  Activation,
  Relu,
  ZeroPad,
  Add,
  MaxPool,
  AvgPool,
  Concat,
  GlobalAvgPool,
  Flatten,
  Dense,
  Identity
};
enum class Act { Linear, Relu, Softmax };

// TF's padding of one spatial dimension: {before, after}.
struct Pad1 {
  int64_t before = 0, after = 0;
};

Pad1 tf_padding(const std::string& mode, int64_t in, int64_t k, int64_t stride) {
  if (mode == "valid") return {};
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + k - in, 0);
  return {total / 2, total - total / 2};
}

}  // namespace

struct KerasGraph::Layer {
  std::string name;
  std::string class_name;
  Kind kind = Kind::Identity;
  std::vector<size_t> inputs;
  Act act = Act::Linear;
  // Conv2D / DepthwiseConv2D / Pooling
  int64_t channels = -1;  // InputLayer: expected input channels (-1 = any)
  int64_t kh = 1, kw = 1, sh = 1, sw = 1;
  int64_t groups = 1;  // DepthwiseConv2D: one group per input channel
  std::string padding = "valid";
  // ZeroPadding2D: {left, right, top, bottom}, as torch::constant_pad_nd takes them
  std::vector<int64_t> zero_pad;
  // ReLU layer: f(x) = x for threshold <= x < max, max above (none if infinite), slope * (x - threshold) below
  double relu_max = std::numeric_limits<double>::infinity(), relu_slope = 0, relu_threshold = 0;
  // Conv2D: weight OIHW, optional bias; Dense: weight [out,in], bias; BatchNorm: per-channel scale and shift.
  at::Tensor weight, bias;
  double epsilon = 1e-3;
};

namespace {

// Optional layer settings: the fallback when absent or of another type.
std::string optional_string(const Json& config, const char* key, const char* fallback) {
  const Json& v = json::get(config, key);
  return v.is_string() ? json::string(v) : fallback;
}
bool optional_bool(const Json& config, const char* key, bool fallback) {
  const Json& v = json::get(config, key);
  return v.is_boolean() ? json::boolean(v) : fallback;
}
double optional_number(const Json& config, const char* key, double fallback) {
  const Json& v = json::get(config, key);
  return v.is_number() ? json::number(v, key) : fallback;
}
// A number that is not an integer is an error, not the fallback.
int64_t optional_integer(const Json& config, const char* key, int64_t fallback) {
  const Json& v = json::get(config, key);
  return v.is_number() ? json::integer(v, key) : fallback;
}

std::vector<int64_t> int_pair(const Json& v, const std::string& what) {
  std::vector<int64_t> out;
  for (const auto& x : json::array(v, what.c_str())) out.push_back(json::integer(x, what.c_str()));
  if (out.size() != 2) throw Error(what + " must have two entries");
  return out;
}

Act parse_activation(const std::string& a, const std::string& layer) {
  if (a == "linear") return Act::Linear;
  if (a == "relu") return Act::Relu;
  if (a == "softmax") return Act::Softmax;
  throw Error("layer '" + layer + "': activation '" + a + "' is not supported (relu, softmax, linear are)");
}

at::Tensor apply_activation(const at::Tensor& x, Act a) {
  switch (a) {
    case Act::Relu: return torch::relu(x);
    case Act::Softmax: return torch::softmax(x, 1);
    case Act::Linear: break;
  }
  return x;
}

}  // namespace

// Reads the layers of a model configuration in order, each with its weights (taken from `weights`, which must
// be used up), one reader method per kind of layer.
class KerasGraph::LayerReader {
 public:
  LayerReader(std::string where, TensorMap& weights, const std::map<std::string, size_t>& index)
      : where_(std::move(where)), weights_(weights), index_(index) {}

  // One layer's configuration: its inbound layer, its settings and weights by kind. Throws atelier::Error.
  Layer read(const Json& layer_config) {
    Layer L;
    L.name = json::string(json::at(layer_config, "name"), "layer name");
    L.class_name = json::string(json::at(layer_config, "class_name"), "class_name");
    if (index_.count(L.name)) throw Error(where_ + ": duplicate layer name '" + L.name + "'");
    read_inputs(L, layer_config);
    const Json& c = json::at(layer_config, "config");
    const std::string& cls = L.class_name;
    int64_t out_ch = -1;
    if (cls == "InputLayer") {
      out_ch = read_input(L, c);
    } else if (cls == "Conv2D" || cls == "DepthwiseConv2D") {
      out_ch = read_conv(L, c);
    } else if (cls == "BatchNormalization") {
      out_ch = read_batch_norm(L, c);
    } else if (cls == "Activation") {
      L.kind = Kind::Activation;
      L.act = parse_activation(json::string(json::at(c, "activation"), "activation"), L.name);
      out_ch = in_ch(L);
    } else if (cls == "ReLU") {
      out_ch = read_relu(L, c);
    } else if (cls == "ZeroPadding2D") {
      out_ch = read_zero_padding(L, c);
    } else if (cls == "Add") {
      out_ch = read_add(L);
    } else if (cls == "MaxPooling2D" || cls == "AveragePooling2D") {
      out_ch = read_pooling(L, c);
    } else if (cls == "Concatenate") {
      L.kind = Kind::Concat;
      require_channel_axis(L, c, "concatenates along axis");
      out_ch = 0;
      for (size_t i = 0; i < L.inputs.size(); ++i) out_ch = in_ch(L, i) < 0 || out_ch < 0 ? -1 : out_ch + in_ch(L, i);
    } else if (cls == "GlobalAveragePooling2D") {
      L.kind = Kind::GlobalAvgPool;
      check_format(L, c);
      out_ch = in_ch(L);
    } else if (cls == "Flatten") {
      L.kind = Kind::Flatten;
      check_format(L, c);
      out_ch = -1;  // depends on the spatial size
    } else if (cls == "Dense") {
      out_ch = read_dense(L, c);
    } else if (cls == "Dropout") {
      L.kind = Kind::Identity;
      out_ch = in_ch(L);
    } else {
      throw Error(where_ + ": layer '" + L.name + "' is a " + cls + ", which this program does not support");
    }
    if (L.kind != Kind::Input && L.inputs.empty()) throw Error(where_ + ": layer '" + L.name + "' has no input");
    if (L.kind != Kind::Concat && L.kind != Kind::Add && L.inputs.size() > 1)
      throw Error(where_ + ": layer '" + L.name + "' has " + std::to_string(L.inputs.size()) + " inputs, expected 1");
    channels_.push_back(out_ch);
    return L;
  }

  // Folds each BatchNormalization into the convolution feeding it when nothing else reads the convolution; the
  // others keep their scale and shift as [1,C,1,1] floats.
  static void fold_batch_norms(std::vector<Layer>& layers) {
    std::vector<int> consumers(layers.size(), 0);
    for (const auto& L : layers)
      for (size_t i : L.inputs) ++consumers[i];
    for (auto& L : layers) {
      if (L.kind != Kind::BatchNorm) continue;
      Layer& src = layers[L.inputs[0]];
      if (src.kind == Kind::Conv && consumers[L.inputs[0]] == 1 && src.act == Act::Linear) {
        at::Tensor w = src.weight.to(torch::kDouble) * L.weight.view({-1, 1, 1, 1});
        at::Tensor b = src.bias.defined() ? src.bias.to(torch::kDouble) * L.weight + L.bias : L.bias;
        src.weight = w.to(torch::kFloat).contiguous();
        src.bias = b.to(torch::kFloat).contiguous();
        L.kind = Kind::Identity;
        L.weight = at::Tensor();
        L.bias = at::Tensor();
      } else {
        L.weight = L.weight.to(torch::kFloat).view({1, -1, 1, 1});
        L.bias = L.bias.to(torch::kFloat).view({1, -1, 1, 1});
      }
    }
  }

 private:
  void read_inputs(Layer& L, const Json& layer_config) const {
    const auto& nodes = json::array(json::at(layer_config, "inbound_nodes"), "inbound_nodes");
    if (nodes.size() > 1) throw Error(where_ + ": layer '" + L.name + "' is shared (called twice); unsupported");
    if (nodes.empty()) return;
    for (const auto& in : json::array(nodes[0], "inbound node")) {
      const auto& ref = json::array(in, "inbound tensor");
      if (ref.empty()) throw Error("layer '" + L.name + "' has an empty inbound tensor");
      const std::string src = json::string(ref[0], "inbound layer");
      auto it = index_.find(src);
      if (it == index_.end()) throw Error(where_ + ": layer '" + L.name + "' uses '" + src + "' before it is defined");
      if (ref.size() > 2 && json::integer(ref[2], "tensor index") != 0)
        throw Error(where_ + ": layer '" + L.name + "' uses a second output of '" + src + "'; unsupported");
      L.inputs.push_back(it->second);
    }
  }

  int64_t read_input(Layer& L, const Json& c) const {
    L.kind = Kind::Input;
    const Json& shape = json::get(c, "batch_input_shape");
    if (shape.is_array() && shape.size() == 4 && shape[3].is_number())
      return L.channels = json::integer(shape[3], "batch_input_shape");
    return -1;
  }

  int64_t read_conv(Layer& L, const Json& c) {
    L.kind = Kind::Conv;
    check_format(L, c);
    auto k = int_pair(json::at(c, "kernel_size"), "kernel_size");
    auto s = int_pair(json::at(c, "strides"), "strides");
    if (c.contains("dilation_rate") &&
        int_pair(json::at(c, "dilation_rate"), "dilation_rate") != std::vector<int64_t>{1, 1})
      throw Error(where_ + ": layer '" + L.name + "' uses dilation; unsupported");
    L.kh = k[0], L.kw = k[1], L.sh = s[0], L.sw = s[1];
    read_padding(L, c);
    L.act = parse_activation(optional_string(c, "activation", "linear"), L.name);
    const int64_t cin = in_ch(L);
    if (cin < 0) throw Error(where_ + ": layer '" + L.name + "': unknown input channel count");
    int64_t out_ch = 0;
    if (L.class_name == "DepthwiseConv2D") {
      // Keras' depthwise kernel is [kh, kw, C, M]: output channel c*M + m filters input channel c alone; torch's
      // grouped convolution with one group per input channel orders its outputs the same way.
      const int64_t multiplier = json::integer(json::at(c, "depth_multiplier"), "depth_multiplier");
      if (multiplier < 1) throw Error(where_ + ": layer '" + L.name + "' has depth_multiplier < 1");
      out_ch = cin * multiplier;
      L.groups = cin;
      L.weight = take(L.name + "/depthwise_kernel", {L.kh, L.kw, cin, multiplier})
                     .permute({2, 3, 0, 1})
                     .reshape({out_ch, 1, L.kh, L.kw})
                     .contiguous();
    } else {
      out_ch = json::integer(json::at(c, "filters"), "filters");
      // HWIO -> OIHW
      L.weight = take(L.name + "/kernel", {L.kh, L.kw, cin, out_ch}).permute({3, 2, 0, 1}).contiguous();
    }
    if (optional_bool(c, "use_bias", false)) L.bias = take(L.name + "/bias", {out_ch});
    return out_ch;
  }

  // The scale and shift in double precision, until fold_batch_norms.
  int64_t read_batch_norm(Layer& L, const Json& c) {
    L.kind = Kind::BatchNorm;
    require_channel_axis(L, c, "normalises axis");
    const int64_t out_ch = in_ch(L);
    L.epsilon = optional_number(c, "epsilon", 1e-3);
    const bool center = optional_bool(c, "center", true);
    const bool scale = optional_bool(c, "scale", true);
    auto opt = torch::TensorOptions().dtype(torch::kDouble);
    at::Tensor gamma = scale ? take(L.name + "/gamma", {out_ch}).to(torch::kDouble) : torch::ones({out_ch}, opt);
    at::Tensor beta = center ? take(L.name + "/beta", {out_ch}).to(torch::kDouble) : torch::zeros({out_ch}, opt);
    at::Tensor mean = take(L.name + "/moving_mean", {out_ch}).to(torch::kDouble);
    at::Tensor var = take(L.name + "/moving_variance", {out_ch}).to(torch::kDouble);
    at::Tensor inv = gamma / torch::sqrt(var + L.epsilon);
    L.weight = inv;
    L.bias = beta - mean * inv;
    return out_ch;
  }

  // Keras' ReLU layer (MobileNetV2's ReLU6 is max_value 6).
  int64_t read_relu(Layer& L, const Json& c) const {
    L.kind = Kind::Relu;
    const Json& max = json::get(c, "max_value");
    if (max.is_number()) L.relu_max = json::number(max, "max_value");
    L.relu_slope = optional_number(c, "negative_slope", 0);
    L.relu_threshold = optional_number(c, "threshold", 0);
    if (L.relu_max <= L.relu_threshold)
      throw Error(where_ + ": layer '" + L.name + "' has max_value at or below its threshold");
    return in_ch(L);
  }

  // padding: n (all sides), [h, w] (both sides of each) or [[top, bottom], [left, right]].
  int64_t read_zero_padding(Layer& L, const Json& c) const {
    L.kind = Kind::ZeroPad;
    check_format(L, c);
    const Json& p = json::at(c, "padding");
    int64_t top = 0, bottom = 0, left = 0, right = 0;
    if (p.is_number()) {
      top = bottom = left = right = json::integer(p, "padding");
    } else {
      const auto& hw = json::array(p, "padding");
      if (hw.size() != 2) throw Error(where_ + ": layer '" + L.name + "': padding must have two entries");
      if (hw[0].is_number()) {
        top = bottom = json::integer(hw[0], "padding");
        left = right = json::integer(hw[1], "padding");
      } else {
        const auto h = int_pair(hw[0], "padding"), w = int_pair(hw[1], "padding");
        top = h[0], bottom = h[1], left = w[0], right = w[1];
      }
    }
    if (std::min({top, bottom, left, right}) < 0)
      throw Error(where_ + ": layer '" + L.name + "' has a negative padding");
    L.zero_pad = {left, right, top, bottom};
    return in_ch(L);
  }

  int64_t read_add(Layer& L) const {
    L.kind = Kind::Add;
    if (L.inputs.size() < 2) throw Error(where_ + ": layer '" + L.name + "' adds fewer than two inputs");
    for (size_t i = 1; i < L.inputs.size(); ++i)
      if (in_ch(L, i) != in_ch(L))
        throw Error(where_ + ": layer '" + L.name + "' adds inputs of " + std::to_string(in_ch(L)) + " and " +
                    std::to_string(in_ch(L, i)) + " channels");
    return in_ch(L);
  }

  int64_t read_pooling(Layer& L, const Json& c) const {
    L.kind = L.class_name == "MaxPooling2D" ? Kind::MaxPool : Kind::AvgPool;
    check_format(L, c);
    auto k = int_pair(json::at(c, "pool_size"), "pool_size");
    auto s = json::get(c, "strides").is_array() ? int_pair(json::at(c, "strides"), "strides") : k;
    L.kh = k[0], L.kw = k[1], L.sh = s[0], L.sw = s[1];
    read_padding(L, c);
    return in_ch(L);
  }

  int64_t read_dense(Layer& L, const Json& c) {
    L.kind = Kind::Dense;
    const int64_t out_ch = json::integer(json::at(c, "units"), "units");
    L.act = parse_activation(optional_string(c, "activation", "linear"), L.name);
    auto it = weights_.find(L.name + "/kernel");
    if (it == weights_.end() || it->second.dim() != 2)
      throw Error(where_ + ": weight '" + L.name + "/kernel' is missing or not 2-D; install the model again");
    const int64_t fin = it->second.size(0);
    L.weight = take(L.name + "/kernel", {fin, out_ch}).t().contiguous();
    if (optional_bool(c, "use_bias", true)) L.bias = take(L.name + "/bias", {out_ch});
    return out_ch;
  }

  void read_padding(Layer& L, const Json& c) const {
    L.padding = json::string(json::at(c, "padding"), "padding");
    if (L.padding != "valid" && L.padding != "same")
      throw Error(where_ + ": layer '" + L.name + "' has padding '" + L.padding + "'; unsupported");
  }

  // The output channels of the layer's i-th input; -1 = unknown.
  int64_t in_ch(const Layer& L, size_t i = 0) const {
    if (L.inputs.size() <= i) throw Error(where_ + ": layer '" + L.name + "' has no input");
    return channels_[L.inputs[i]];
  }

  void check_format(const Layer& L, const Json& c) const {
    if (c.contains("data_format") && json::string(json::at(c, "data_format"), "data_format") != "channels_last")
      throw Error(where_ + ": layer '" + L.name + "' is not channels_last; unsupported");
  }

  // NHWC Keras layers acting on the channel axis (-1 or 3) are the only ones NCHW maps onto channels.
  void require_channel_axis(const Layer& L, const Json& c, const char* what) const {
    const int64_t axis = optional_integer(c, "axis", -1);
    if (axis != 3 && axis != -1)
      throw Error(where_ + ": layer '" + L.name + "' " + what + " " + std::to_string(axis) +
                  "; only the channel axis is supported");
  }

  // Removes a weight from the file's tensors, checking its shape.
  at::Tensor take(const std::string& key, const std::vector<int64_t>& shape) {
    auto it = weights_.find(key);
    if (it == weights_.end())
      throw Error(where_ + ": weight '" + key + "' is missing; the file is incomplete, install the model again");
    at::Tensor t = it->second.to(torch::kFloat);
    weights_.erase(it);
    if (t.sizes() != at::IntArrayRef(shape)) {
      std::ostringstream msg;
      msg << where_ << ": weight '" << key << "' has shape " << t.sizes() << ", expected " << at::IntArrayRef(shape);
      throw Error(msg.str());
    }
    return t;
  }

  std::string where_;
  TensorMap& weights_;
  const std::map<std::string, size_t>& index_;
  std::vector<int64_t> channels_;  // output channels (or features) of each layer read; -1 = unknown
};

KerasGraph::KerasGraph(const std::string& model_config_json, TensorMap weights, const std::string& origin)
    : origin_(origin) {
  const std::string where = "Keras model in '" + origin + "'";
  Json cfg;
  try {
    // Strict JSON suffices: models/convert writes the configuration with JSON.stringify, which turns NaN and
    // Infinity into null.
    cfg = json::parse(model_config_json);
  } catch (const Error& e) {
    throw Error(where + ": the model configuration is not valid JSON (" + e.what() +
                "); delete the file and install the model again");
  }
  try {
    if (cfg.contains("config")) cfg = Json(json::at(cfg, "config"));
    LayerReader reader(where, weights, index_);
    for (const auto& layer_config : json::array(json::at(cfg, "layers"), "layers")) {
      Layer L = reader.read(layer_config);
      index_[L.name] = layers_.size();
      layers_.push_back(std::move(L));
    }
    if (layers_.empty() || layers_[0].kind != Kind::Input)
      throw Error(where + ": the first layer is not an InputLayer");
    for (size_t i = 1; i < layers_.size(); ++i)
      if (layers_[i].kind == Kind::Input) throw Error(where + ": models with several inputs are not supported");
  } catch (const Error& e) {
    if (std::string(e.what()).rfind(where, 0) == 0) throw;
    throw Error(where + ": malformed model configuration (" + e.what() + "); delete the file and install it again");
  }
  LayerReader::fold_batch_norms(layers_);
  if (!weights.empty())
    throw Error(where + ": weight '" + weights.begin()->first + "' belongs to no layer; the file does not match " +
                "its model configuration, install the model again");
  // Each layer's (folded) tensors become the parameters of a child module named like the Keras layer, so that
  // parameters() and to(device) see them; Module::to() moves them in place, keeping these handles valid.
  for (auto& L : layers_) {
    if (!L.weight.defined()) continue;
    std::string name = L.name;
    std::replace(name.begin(), name.end(), '.', '_');  // module names may not contain dots
    auto layer = register_module(name, std::make_shared<torch::nn::Module>());
    // Channels-last (NHWC) weights and activations: oneDNN convolves them in place, where NCHW tensors are
    // reordered into its blocked layout and back around every convolution (10-20 % of an InceptionV3 evaluation
    // on two CPU cores, docs/benchmarks.md).
    if (L.kind == Kind::Conv) L.weight = L.weight.contiguous(at::MemoryFormat::ChannelsLast);
    L.weight = layer->register_parameter("weight", L.weight, false);
    if (L.bias.defined()) L.bias = layer->register_parameter("bias", L.bias, false);
  }
}

KerasGraph::~KerasGraph() = default;

c10::Device KerasGraph::device() const {
  for (const auto& L : layers_)
    if (L.weight.defined()) return L.weight.device();
  return c10::kCPU;
}

std::vector<std::string> KerasGraph::layer_names() const {
  std::vector<std::string> out;
  for (const auto& L : layers_) out.push_back(L.name);
  return out;
}

bool KerasGraph::has_layer(const std::string& name) const {
  return index_.count(name) > 0;
}

const std::string& KerasGraph::layer_class(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw Error("the Keras model in '" + origin_ + "' has no layer '" + name + "'");
  return layers_[it->second].class_name;
}

// Evaluates one layer on its inputs' outputs, one method per kind of layer that needs more than a line.
class KerasGraph::LayerRunner {
 public:
  // v: the outputs so far, indexed like the layers; input: the network's input (for messages and InputLayer).
  static at::Tensor run(const Layer& L, const std::vector<at::Tensor>& v, const at::Tensor& input) {
    auto arg = [&](size_t k = 0) -> const at::Tensor& { return v[L.inputs[k]]; };
    switch (L.kind) {
      case Kind::Input:
        if (L.channels > 0 && input.size(1) != L.channels)
          throw Error("the network input must have " + std::to_string(L.channels) + " channels, got " +
                      std::to_string(input.size(1)));
        return input.contiguous(at::MemoryFormat::ChannelsLast);
      case Kind::Identity: return arg();
      case Kind::Conv: return conv(L, arg(), input);
      case Kind::BatchNorm: return arg() * L.weight + L.bias;
      case Kind::Activation: return apply_activation(arg(), L.act);
      case Kind::Relu: return relu(L, arg());
      case Kind::ZeroPad: return torch::constant_pad_nd(arg(), L.zero_pad, 0.0);
      case Kind::Add: {
        at::Tensor sum = arg(0);
        for (size_t k = 1; k < L.inputs.size(); ++k) sum = sum + arg(k);
        return sum;
      }
      case Kind::MaxPool:
      case Kind::AvgPool: return pool(L, arg(), input);
      case Kind::Concat: {
        std::vector<at::Tensor> xs;
        for (size_t k = 0; k < L.inputs.size(); ++k) xs.push_back(arg(k));
        return torch::cat(xs, 1);
      }
      case Kind::GlobalAvgPool: return arg().mean({2, 3});
      case Kind::Flatten: {
        const at::Tensor& x = arg();
        // Keras flattens channels_last tensors in H, W, C order.
        return x.dim() == 4 ? x.permute({0, 2, 3, 1}).reshape({x.size(0), -1}) : x.reshape({x.size(0), -1});
      }
      case Kind::Dense: return dense(L, arg());
    }
    throw Error("internal error: layer '" + L.name + "' of an unknown kind");
  }

 private:
  static Error too_small(const Layer& L, const at::Tensor& x, const at::Tensor& input) {
    std::ostringstream msg;
    msg << "the input " << input.size(2) << "x" << input.size(3) << " is too small for layer '" << L.name
        << "' (its input is " << x.size(2) << "x" << x.size(3) << ", the window " << L.kh << "x" << L.kw
        << "); use a larger image";
    return Error(msg.str());
  }

  static at::Tensor conv(const Layer& L, at::Tensor x, const at::Tensor& input) {
    Pad1 ph = tf_padding(L.padding, x.size(2), L.kh, L.sh), pw = tf_padding(L.padding, x.size(3), L.kw, L.sw);
    std::vector<int64_t> pad{0, 0};
    if (ph.before == ph.after && pw.before == pw.after) {
      pad = {ph.before, pw.before};
    } else {
      x = torch::constant_pad_nd(x, {pw.before, pw.after, ph.before, ph.after}, 0.0);
    }
    if (x.size(2) + 2 * pad[0] < L.kh || x.size(3) + 2 * pad[1] < L.kw) throw too_small(L, x, input);
    return apply_activation(conv2d_fast_on_cpu(x, L.weight, L.bias, {L.sh, L.sw}, pad, L.groups), L.act);
  }

  static at::Tensor relu(const Layer& L, const at::Tensor& x) {
    at::Tensor y = L.relu_slope == 0 && L.relu_threshold == 0
                       ? torch::relu(x)
                       : torch::where(x >= L.relu_threshold, x, (x - L.relu_threshold) * L.relu_slope);
    return std::isinf(L.relu_max) ? y : torch::clamp_max(y, L.relu_max);
  }

  static at::Tensor pool(const Layer& L, at::Tensor x, const at::Tensor& input) {
    Pad1 ph = tf_padding(L.padding, x.size(2), L.kh, L.sh), pw = tf_padding(L.padding, x.size(3), L.kw, L.sw);
    if (x.size(2) + ph.before + ph.after < L.kh || x.size(3) + pw.before + pw.after < L.kw)
      throw too_small(L, x, input);
    const bool symmetric =
        ph.before == ph.after && pw.before == pw.after && 2 * ph.before <= L.kh && 2 * pw.before <= L.kw;
    if (L.kind == Kind::MaxPool) {
      if (symmetric) return torch::max_pool2d(x, {L.kh, L.kw}, {L.sh, L.sw}, {ph.before, pw.before});
      x = torch::constant_pad_nd(x, {pw.before, pw.after, ph.before, ph.after},
                                 -std::numeric_limits<double>::infinity());
      return torch::max_pool2d(x, {L.kh, L.kw}, {L.sh, L.sw});
    }
    // TF's "same" average pooling divides by the number of real (unpadded) pixels in each window.
    if (symmetric)
      return torch::avg_pool2d(x, {L.kh, L.kw}, {L.sh, L.sw}, {ph.before, pw.before}, false,
                               /*count_include_pad=*/false);
    std::vector<int64_t> p{pw.before, pw.after, ph.before, ph.after};
    at::Tensor ones = torch::ones({1, 1, x.size(2), x.size(3)}, x.options());
    at::Tensor sum = torch::avg_pool2d(torch::constant_pad_nd(x, p, 0.0), {L.kh, L.kw}, {L.sh, L.sw});
    at::Tensor cnt = torch::avg_pool2d(torch::constant_pad_nd(ones, p, 0.0), {L.kh, L.kw}, {L.sh, L.sw});
    return sum / cnt;
  }

  static at::Tensor dense(const Layer& L, const at::Tensor& x) {
    if (x.dim() != 2 || x.size(1) != L.weight.size(1)) {
      std::ostringstream msg;
      msg << "layer '" << L.name << "' expects " << L.weight.size(1) << " input features, got " << x.sizes()
          << "; this layer needs the network's native input size";
      throw Error(msg.str());
    }
    return apply_activation(torch::linear(x, L.weight, L.bias), L.act);
  }
};

std::map<std::string, at::Tensor> KerasGraph::forward(const at::Tensor& input,
                                                      const std::vector<std::string>& layers) const {
  std::vector<char> wanted(layers_.size(), 0), needed(layers_.size(), 0);
  for (const auto& n : layers) {
    auto it = index_.find(n);
    if (it == index_.end()) throw Error("the Keras model in '" + origin_ + "' has no layer '" + n + "'");
    wanted[it->second] = needed[it->second] = 1;
  }
  std::map<std::string, at::Tensor> out;
  if (layers.empty()) return out;
  if (input.dim() != 4) throw Error("the network input must be [N,C,H,W]");
  size_t last = 0;
  for (size_t i = layers_.size(); i-- > 0;) {
    if (!needed[i]) continue;
    last = std::max(last, i);
    for (size_t j : layers_[i].inputs) needed[j] = 1;
  }
  // The last layer that reads each layer's output, among those evaluated.
  std::vector<size_t> last_use(layers_.size(), 0);
  for (size_t i = 0; i <= last; ++i)
    if (needed[i])
      for (size_t j : layers_[i].inputs) last_use[j] = i;

  std::vector<at::Tensor> v(last + 1);
  for (size_t i = 0; i <= last; ++i) {
    if (!needed[i]) continue;
    const Layer& L = layers_[i];
    v[i] = LayerRunner::run(L, v, input);
    if (wanted[i]) out[L.name] = v[i];
    for (size_t j : L.inputs)
      if (last_use[j] == i) v[j] = at::Tensor();
  }
  return out;
}

std::shared_ptr<KerasGraph> load_keras_graph(const std::string& safetensors_path, const std::string& install_name) {
  Metadata meta;
  TensorMap weights = load_safetensors(safetensors_path, &meta);
  require_finite_weights(weights, safetensors_path);
  auto it = meta.find("keras_model_config");
  if (it == meta.end())
    throw Error("'" + safetensors_path + "' has no keras_model_config metadata: it is not a model converted by " +
                "atelier; run 'atelier models install " + install_name + "'");
  return std::make_shared<KerasGraph>(it->second, std::move(weights), safetensors_path);
}

}  // namespace atelier
