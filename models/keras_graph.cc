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

namespace atelier {

namespace {

// torch::conv2d, but never on LibTorch's slow im2col kernels: for one image with a kernel of at most 3x3 and at
// most 20480 input values, LibTorch's CPU heuristic skips oneDNN (at::native ConvParams::use_mkldnn), and its
// fallback is 5-10 times slower in both directions: at 128 px a third of InceptionV3's convolutions took half of
// each evaluation (docs/benchmarks.md). A second, zero image in the batch keeps them on oneDNN; on such small inputs
// that costs less than the fallback.
at::Tensor conv2d_fast_on_cpu(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              at::IntArrayRef stride, at::IntArrayRef padding) {
  const bool slow_path = x.device().is_cpu() && x.scalar_type() == at::kFloat && x.size(0) == 1 &&
                         (weight.size(-1) <= 3 || weight.size(-2) <= 3) && x.numel() <= 20480;
  if (!slow_path) return torch::conv2d(x, weight, bias, stride, padding);
  return torch::conv2d(at::cat({x, at::zeros_like(x)}), weight, bias, stride, padding).narrow(0, 0, 1);
}

enum class Kind {
  Input,
  Conv,
  BatchNorm,
  Activation,
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
  // Conv2D / Pooling
  int64_t channels = -1;  // InputLayer: expected input channels (-1 = any)
  int64_t kh = 1, kw = 1, sh = 1, sw = 1;
  std::string padding = "valid";
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
    const auto& layer_cfgs = json::array(json::at(cfg, "layers"), "layers");

    auto take = [&](const std::string& key, std::vector<int64_t> shape) {
      auto it = weights.find(key);
      if (it == weights.end())
        throw Error(where + ": weight '" + key + "' is missing; the file is incomplete, install the model again");
      at::Tensor t = it->second.to(torch::kFloat);
      weights.erase(it);
      if (t.sizes() != at::IntArrayRef(shape)) {
        std::ostringstream msg;
        msg << where << ": weight '" << key << "' has shape " << t.sizes() << ", expected " << at::IntArrayRef(shape);
        throw Error(msg.str());
      }
      return t;
    };
    std::vector<int64_t> channels;  // output channels (or features) of each layer; -1 = unknown

    for (const auto& lc : layer_cfgs) {
      Layer L;
      L.name = json::string(json::at(lc, "name"), "layer name");
      L.class_name = json::string(json::at(lc, "class_name"), "class_name");
      const Json& c = json::at(lc, "config");
      if (index_.count(L.name)) throw Error(where + ": duplicate layer name '" + L.name + "'");
      const auto& nodes = json::array(json::at(lc, "inbound_nodes"), "inbound_nodes");
      if (nodes.size() > 1) throw Error(where + ": layer '" + L.name + "' is shared (called twice); unsupported");
      if (!nodes.empty()) {
        for (const auto& in : json::array(nodes[0], "inbound node")) {
          const auto& ref = json::array(in, "inbound tensor");
          if (ref.empty()) throw Error("layer '" + L.name + "' has an empty inbound tensor");
          const std::string src = json::string(ref[0], "inbound layer");
          auto it = index_.find(src);
          if (it == index_.end())
            throw Error(where + ": layer '" + L.name + "' uses '" + src + "' before it is defined");
          if (ref.size() > 2 && json::integer(ref[2], "tensor index") != 0)
            throw Error(where + ": layer '" + L.name + "' uses a second output of '" + src + "'; unsupported");
          L.inputs.push_back(it->second);
        }
      }
      auto in_ch = [&](size_t i = 0) -> int64_t {
        if (L.inputs.size() <= i) throw Error(where + ": layer '" + L.name + "' has no input");
        return channels[L.inputs[i]];
      };
      auto check_format = [&] {
        if (c.contains("data_format") && json::string(json::at(c, "data_format"), "data_format") != "channels_last")
          throw Error(where + ": layer '" + L.name + "' is not channels_last; unsupported");
      };
      // NHWC Keras layers acting on the channel axis (-1 or 3) are the only ones NCHW maps onto channels.
      auto require_channel_axis = [&](const char* what) {
        const int64_t axis = optional_integer(c, "axis", -1);
        if (axis != 3 && axis != -1)
          throw Error(where + ": layer '" + L.name + "' " + what + " " + std::to_string(axis) +
                      "; only the channel axis is supported");
      };
      int64_t out_ch = -1;
      const std::string& cls = L.class_name;
      if (cls == "InputLayer") {
        L.kind = Kind::Input;
        const Json& shape = json::get(c, "batch_input_shape");
        if (shape.is_array() && shape.size() == 4 && shape[3].is_number())
          out_ch = L.channels = json::integer(shape[3], "batch_input_shape");
      } else if (cls == "Conv2D") {
        L.kind = Kind::Conv;
        check_format();
        auto k = int_pair(json::at(c, "kernel_size"), "kernel_size");
        auto s = int_pair(json::at(c, "strides"), "strides");
        if (c.contains("dilation_rate") &&
            int_pair(json::at(c, "dilation_rate"), "dilation_rate") != std::vector<int64_t>{1, 1})
          throw Error(where + ": layer '" + L.name + "' uses dilation; unsupported");
        L.kh = k[0], L.kw = k[1], L.sh = s[0], L.sw = s[1];
        L.padding = json::string(json::at(c, "padding"), "padding");
        if (L.padding != "valid" && L.padding != "same")
          throw Error(where + ": layer '" + L.name + "' has padding '" + L.padding + "'; unsupported");
        L.act = parse_activation(optional_string(c, "activation", "linear"), L.name);
        out_ch = json::integer(json::at(c, "filters"), "filters");
        const int64_t cin = in_ch();
        if (cin < 0) throw Error(where + ": layer '" + L.name + "': unknown input channel count");
        // HWIO -> OIHW
        L.weight = take(L.name + "/kernel", {L.kh, L.kw, cin, out_ch}).permute({3, 2, 0, 1}).contiguous();
        if (optional_bool(c, "use_bias", false)) L.bias = take(L.name + "/bias", {out_ch});
      } else if (cls == "BatchNormalization") {
        L.kind = Kind::BatchNorm;
        require_channel_axis("normalises axis");
        out_ch = in_ch();
        L.epsilon = optional_number(c, "epsilon", 1e-3);
        const bool center = optional_bool(c, "center", true);
        const bool scale = optional_bool(c, "scale", true);
        auto opt = torch::TensorOptions().dtype(torch::kDouble);
        at::Tensor gamma = scale ? take(L.name + "/gamma", {out_ch}).to(torch::kDouble) : torch::ones({out_ch}, opt);
        at::Tensor beta = center ? take(L.name + "/beta", {out_ch}).to(torch::kDouble) : torch::zeros({out_ch}, opt);
        at::Tensor mean = take(L.name + "/moving_mean", {out_ch}).to(torch::kDouble);
        at::Tensor var = take(L.name + "/moving_variance", {out_ch}).to(torch::kDouble);
        at::Tensor inv = gamma / torch::sqrt(var + L.epsilon);
        L.weight = inv;  // double until folded or finalised below
        L.bias = beta - mean * inv;
      } else if (cls == "Activation") {
        L.kind = Kind::Activation;
        L.act = parse_activation(json::string(json::at(c, "activation"), "activation"), L.name);
        out_ch = in_ch();
      } else if (cls == "MaxPooling2D" || cls == "AveragePooling2D") {
        L.kind = cls == "MaxPooling2D" ? Kind::MaxPool : Kind::AvgPool;
        check_format();
        auto k = int_pair(json::at(c, "pool_size"), "pool_size");
        auto s = json::get(c, "strides").is_array() ? int_pair(json::at(c, "strides"), "strides") : k;
        L.kh = k[0], L.kw = k[1], L.sh = s[0], L.sw = s[1];
        L.padding = json::string(json::at(c, "padding"), "padding");
        if (L.padding != "valid" && L.padding != "same")
          throw Error(where + ": layer '" + L.name + "' has padding '" + L.padding + "'; unsupported");
        out_ch = in_ch();
      } else if (cls == "Concatenate") {
        L.kind = Kind::Concat;
        require_channel_axis("concatenates along axis");
        out_ch = 0;
        for (size_t i = 0; i < L.inputs.size(); ++i) out_ch = in_ch(i) < 0 || out_ch < 0 ? -1 : out_ch + in_ch(i);
      } else if (cls == "GlobalAveragePooling2D") {
        L.kind = Kind::GlobalAvgPool;
        check_format();
        out_ch = in_ch();
      } else if (cls == "Flatten") {
        L.kind = Kind::Flatten;
        check_format();
        out_ch = -1;  // depends on the spatial size
      } else if (cls == "Dense") {
        L.kind = Kind::Dense;
        out_ch = json::integer(json::at(c, "units"), "units");
        L.act = parse_activation(optional_string(c, "activation", "linear"), L.name);
        auto it = weights.find(L.name + "/kernel");
        if (it == weights.end() || it->second.dim() != 2)
          throw Error(where + ": weight '" + L.name + "/kernel' is missing or not 2-D; install the model again");
        const int64_t fin = it->second.size(0);
        L.weight = take(L.name + "/kernel", {fin, out_ch}).t().contiguous();
        if (optional_bool(c, "use_bias", true)) L.bias = take(L.name + "/bias", {out_ch});
      } else if (cls == "Dropout") {
        L.kind = Kind::Identity;
        out_ch = in_ch();
      } else {
        throw Error(where + ": layer '" + L.name + "' is a " + cls + ", which this program does not support");
      }
      if (L.kind != Kind::Input && L.inputs.empty()) throw Error(where + ": layer '" + L.name + "' has no input");
      if (L.kind != Kind::Concat && L.inputs.size() > 1)
        throw Error(where + ": layer '" + L.name + "' has " + std::to_string(L.inputs.size()) + " inputs, expected 1");
      index_[L.name] = layers_.size();
      layers_.push_back(std::move(L));
      channels.push_back(out_ch);
    }
    if (layers_.empty() || layers_[0].kind != Kind::Input)
      throw Error(where + ": the first layer is not an InputLayer");
    for (size_t i = 1; i < layers_.size(); ++i)
      if (layers_[i].kind == Kind::Input) throw Error(where + ": models with several inputs are not supported");
  } catch (const Error& e) {
    if (std::string(e.what()).rfind(where, 0) == 0) throw;
    throw Error(where + ": malformed model configuration (" + e.what() + "); delete the file and install it again");
  }

  // Fold each BatchNormalization into the convolution feeding it when nothing else reads the convolution.
  std::vector<int> consumers(layers_.size(), 0);
  for (const auto& L : layers_)
    for (size_t i : L.inputs) ++consumers[i];
  for (auto& L : layers_) {
    if (L.kind != Kind::BatchNorm) continue;
    Layer& src = layers_[L.inputs[0]];
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
  {
    for (size_t i = 0; i <= last; ++i) {
      if (!needed[i]) continue;
      const Layer& L = layers_[i];
      auto arg = [&](size_t k = 0) -> const at::Tensor& { return v[L.inputs[k]]; };
      auto too_small = [&](const at::Tensor& x) {
        std::ostringstream msg;
        msg << "the input " << input.size(2) << "x" << input.size(3) << " is too small for layer '" << L.name
            << "' (its input is " << x.size(2) << "x" << x.size(3) << ", the window " << L.kh << "x" << L.kw
            << "); use a larger image";
        return Error(msg.str());
      };
      switch (L.kind) {
        case Kind::Input:
          if (L.channels > 0 && input.size(1) != L.channels)
            throw Error("the network input must have " + std::to_string(L.channels) + " channels, got " +
                        std::to_string(input.size(1)));
          v[i] = input.contiguous(at::MemoryFormat::ChannelsLast);
          break;
        case Kind::Identity: v[i] = arg(); break;
        case Kind::Conv: {
          at::Tensor x = arg();
          Pad1 ph = tf_padding(L.padding, x.size(2), L.kh, L.sh), pw = tf_padding(L.padding, x.size(3), L.kw, L.sw);
          std::vector<int64_t> pad{0, 0};
          if (ph.before == ph.after && pw.before == pw.after) {
            pad = {ph.before, pw.before};
          } else {
            x = torch::constant_pad_nd(x, {pw.before, pw.after, ph.before, ph.after}, 0.0);
          }
          if (x.size(2) + 2 * pad[0] < L.kh || x.size(3) + 2 * pad[1] < L.kw) throw too_small(x);
          v[i] = apply_activation(conv2d_fast_on_cpu(x, L.weight, L.bias, {L.sh, L.sw}, pad), L.act);
          break;
        }
        case Kind::BatchNorm: v[i] = arg() * L.weight + L.bias; break;
        case Kind::Activation: v[i] = apply_activation(arg(), L.act); break;
        case Kind::MaxPool:
        case Kind::AvgPool: {
          at::Tensor x = arg();
          Pad1 ph = tf_padding(L.padding, x.size(2), L.kh, L.sh), pw = tf_padding(L.padding, x.size(3), L.kw, L.sw);
          if (x.size(2) + ph.before + ph.after < L.kh || x.size(3) + pw.before + pw.after < L.kw) throw too_small(x);
          const bool symmetric =
              ph.before == ph.after && pw.before == pw.after && 2 * ph.before <= L.kh && 2 * pw.before <= L.kw;
          if (L.kind == Kind::MaxPool) {
            if (symmetric) {
              v[i] = torch::max_pool2d(x, {L.kh, L.kw}, {L.sh, L.sw}, {ph.before, pw.before});
            } else {
              x = torch::constant_pad_nd(x, {pw.before, pw.after, ph.before, ph.after},
                                         -std::numeric_limits<double>::infinity());
              v[i] = torch::max_pool2d(x, {L.kh, L.kw}, {L.sh, L.sw});
            }
          } else if (symmetric) {
            // TF's "same" average pooling divides by the number of real (unpadded) pixels in each window.
            v[i] = torch::avg_pool2d(x, {L.kh, L.kw}, {L.sh, L.sw}, {ph.before, pw.before}, false,
                                     /*count_include_pad=*/false);
          } else {
            std::vector<int64_t> p{pw.before, pw.after, ph.before, ph.after};
            at::Tensor ones = torch::ones({1, 1, x.size(2), x.size(3)}, x.options());
            at::Tensor sum = torch::avg_pool2d(torch::constant_pad_nd(x, p, 0.0), {L.kh, L.kw}, {L.sh, L.sw});
            at::Tensor cnt = torch::avg_pool2d(torch::constant_pad_nd(ones, p, 0.0), {L.kh, L.kw}, {L.sh, L.sw});
            v[i] = sum / cnt;
          }
          break;
        }
        case Kind::Concat: {
          std::vector<at::Tensor> xs;
          for (size_t k = 0; k < L.inputs.size(); ++k) xs.push_back(arg(k));
          v[i] = torch::cat(xs, 1);
          break;
        }
        case Kind::GlobalAvgPool: v[i] = arg().mean({2, 3}); break;
        case Kind::Flatten: {
          const at::Tensor& x = arg();
          // Keras flattens channels_last tensors in H, W, C order.
          v[i] = x.dim() == 4 ? x.permute({0, 2, 3, 1}).reshape({x.size(0), -1}) : x.reshape({x.size(0), -1});
          break;
        }
        case Kind::Dense: {
          const at::Tensor& x = arg();
          if (x.dim() != 2 || x.size(1) != L.weight.size(1)) {
            std::ostringstream msg;
            msg << "layer '" << L.name << "' expects " << L.weight.size(1) << " input features, got " << x.sizes()
                << "; this layer needs the network's native input size";
            throw Error(msg.str());
          }
          v[i] = apply_activation(torch::linear(x, L.weight, L.bias), L.act);
          break;
        }
      }
      if (wanted[i]) out[L.name] = v[i];
      for (size_t j : L.inputs)
        if (last_use[j] == i) v[j] = at::Tensor();
    }
  }
  return out;
}

}  // namespace atelier
