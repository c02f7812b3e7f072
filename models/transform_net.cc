#include "models/transform_net.h"

#include <torch/torch.h>

#include <bit>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/json.h"
#include "core/safetensors.h"

namespace atelier {
namespace {

namespace fs = std::filesystem;

// The network, layer by layer, in the order of ml5's StyleTransfer (and of the TF variables: layer i owns
// Variable_{first_var} = filter, +1 = instance-norm shift, +2 = instance-norm scale).
struct LayerSpec {
  const char* name;
  int64_t kernel, in, out, stride;
  bool transposed;
  int64_t scale;  // output resolution = input resolution / scale
};
constexpr LayerSpec kSpecs[TransformNet::kNormLayers] = {
    {"conv1", 9, 3, 32, 1, false, 1},          {"conv2", 3, 32, 64, 2, false, 2},
    {"conv3", 3, 64, 128, 2, false, 4},        {"res1.conv1", 3, 128, 128, 1, false, 4},
    {"res1.conv2", 3, 128, 128, 1, false, 4},  {"res2.conv1", 3, 128, 128, 1, false, 4},
    {"res2.conv2", 3, 128, 128, 1, false, 4},  {"res3.conv1", 3, 128, 128, 1, false, 4},
    {"res3.conv2", 3, 128, 128, 1, false, 4},  {"res4.conv1", 3, 128, 128, 1, false, 4},
    {"res4.conv2", 3, 128, 128, 1, false, 4},  {"res5.conv1", 3, 128, 128, 1, false, 4},
    {"res5.conv2", 3, 128, 128, 1, false, 4},  {"up1", 3, 128, 64, 2, true, 2},
    {"up2", 3, 64, 32, 2, true, 1},            {"conv_out", 9, 32, 3, 1, false, 1},
};
constexpr size_t kNumVariables = 3 * TransformNet::kNormLayers;
constexpr double kEpsilon = 1e-3;  // ml5's instance-norm epsilon

std::string tf_variable_name(size_t id) { return id == 0 ? "Variable" : "Variable_" + std::to_string(id); }

// TF's filter shape: conv2d [k,k,in,out]; conv2d_transpose [k,k,out,in] (for the transposed layer's in/out).
std::vector<int64_t> tf_shape(const LayerSpec& s, size_t part) {
  if (part > 0) return {s.out};
  return s.transposed ? std::vector<int64_t>{s.kernel, s.kernel, s.out, s.in}
                      : std::vector<int64_t>{s.kernel, s.kernel, s.in, s.out};
}
// Ours (PyTorch's): conv2d [out,in,k,k]; conv_transpose2d [in,out,k,k]. Both are TF's permuted by (3,2,0,1).
std::vector<int64_t> torch_shape(const LayerSpec& s, size_t part) {
  if (part > 0) return {s.out};
  return s.transposed ? std::vector<int64_t>{s.in, s.out, s.kernel, s.kernel}
                      : std::vector<int64_t>{s.out, s.in, s.kernel, s.kernel};
}
const char* kPartNames[3] = {"weight", "norm_shift", "norm_scale"};

std::string shape_str(at::IntArrayRef shape) {
  std::ostringstream o;
  o << '[';
  for (size_t i = 0; i < shape.size(); ++i) o << (i ? "," : "") << shape[i];
  o << ']';
  return o.str();
}

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw Error("cannot read '" + p.string() + "'");
  std::ostringstream o;
  o << f.rdbuf();
  return o.str();
}

// Reruns `fn`, turning a device out-of-memory error into atelier::OutOfMemory with advice.
template <class Fn>
auto guard_oom(const at::Tensor& x, const at::Device& device, Fn&& fn) {
  try {
    return fn();
  } catch (const c10::OutOfMemoryError&) {
    throw OutOfMemory("out of memory on " + device.str() + " running the fast-style network on a " +
                      std::to_string(x.size(-1)) + "x" + std::to_string(x.size(-2)) +
                      " image; use a larger style scale, smaller tiles or the CPU");
  }
}

void check_rgb(const at::Tensor& x, const char* what) {
  if (!x.defined() || x.dim() != 4 || x.size(1) != 3 || x.size(2) < 1 || x.size(3) < 1)
    throw Error(std::string(what) + ": expected an RGB batch [N,3,H,W], got " +
                (x.defined() ? shape_str(x.sizes()) : std::string("an undefined tensor")));
}

}  // namespace

// ---- MomentSums ----

void MomentSums::add(size_t layer, const at::Tensor& region) {
  if (sum_.size() < TransformNet::kNormLayers) {
    sum_.resize(TransformNet::kNormLayers);
    sum_sq_.resize(TransformNet::kNormLayers);
    count_.assign(TransformNet::kNormLayers, 0.0);
  }
  TORCH_CHECK(layer < TransformNet::kNormLayers, "MomentSums: layer out of range");
  at::Tensor r = region.to(at::kDouble);
  at::Tensor s = r.sum({2, 3}, true), sq = r.square().sum({2, 3}, true);
  sum_[layer] = sum_[layer].defined() ? sum_[layer] + s : s;
  sum_sq_[layer] = sum_sq_[layer].defined() ? sum_sq_[layer] + sq : sq;
  count_[layer] += static_cast<double>(region.size(2) * region.size(3));
}

NormStats MomentSums::stats() const {
  NormStats st;
  for (size_t i = 0; i < sum_.size(); ++i) {
    if (!sum_[i].defined() || count_[i] <= 0) throw Error("fast-style: no statistics were gathered for layer " +
                                                          std::string(kSpecs[i].name) + " (internal error)");
    at::Tensor mean = sum_[i] / count_[i];
    at::Tensor var = (sum_sq_[i] / count_[i] - mean.square()).clamp_min(0);
    st.mean.push_back(mean.to(at::kFloat));
    st.var.push_back(var.to(at::kFloat));
  }
  if (st.mean.size() != TransformNet::kNormLayers) throw Error("fast-style: no statistics were gathered");
  return st;
}

// ---- TransformNet ----

struct TransformNet::Layer {
  const LayerSpec* spec;
  at::Tensor weight, shift, scale;  // shift/scale: [1,C,1,1]
};

// How a forward pass normalises: with its own statistics (optionally recording them) or fixed ones
// (optionally accumulating the moments inside a tile's core).
struct TransformNet::Norm {
  const NormStats* fixed = nullptr;
  NormStats* record = nullptr;
  MomentSums* sums = nullptr;
  TileCore core;
};

TransformNet::TransformNet(const std::map<std::string, at::Tensor>& weights, const std::string& source,
                           at::Device device)
    : device_(device) {
  for (const LayerSpec& s : kSpecs) {
    at::Tensor parts[3];
    for (size_t p = 0; p < 3; ++p) {
      const std::string key = std::string(s.name) + "." + kPartNames[p];
      auto it = weights.find(key);
      if (it == weights.end())
        throw Error("'" + source + "' lacks tensor '" + key +
                    "': it is not a fast-style network; import one with `atelier models import fast-style DIR`");
      const std::vector<int64_t> want = torch_shape(s, p);
      if (it->second.sizes() != at::IntArrayRef(want))
        throw Error("'" + source + "': tensor '" + key + "' has shape " + shape_str(it->second.sizes()) +
                    ", expected " + shape_str(want) + "; re-import the network");
      parts[p] = it->second.to(device, at::kFloat).contiguous();
    }
    layers_.push_back({&s, parts[0], parts[1].view({1, -1, 1, 1}), parts[2].view({1, -1, 1, 1})});
  }
}

TransformNet::~TransformNet() = default;

void TransformNet::to(at::Device device) {
  for (Layer& l : layers_) {
    l.weight = l.weight.to(device);
    l.shift = l.shift.to(device);
    l.scale = l.scale.to(device);
  }
  device_ = device;
}

at::Tensor TransformNet::forward(const at::Tensor& rgb01, Norm& norm) const {
  size_t index = 0;
  auto layer = [&](const at::Tensor& x, bool relu) {
    const Layer& l = layers_[index];
    const LayerSpec& s = *l.spec;
    at::Tensor y;
    if (s.transposed) {
      // TF conv2d_transpose, SAME, output 2x: the full transposed convolution without its last row/column.
      y = at::conv_transpose2d(x, l.weight, {}, s.stride).slice(2, 0, x.size(2) * 2).slice(3, 0, x.size(3) * 2);
    } else if (s.stride == 1) {
      y = at::conv2d(x, l.weight, {}, 1, (s.kernel - 1) / 2);
    } else {
      // TF SAME padding with stride 2 is asymmetric for even sizes: the extra row/column goes at the end.
      auto pads = [&](int64_t n) {
        const int64_t total = std::max<int64_t>((n + s.stride - 1) / s.stride * s.stride - s.stride + s.kernel - n, 0);
        return std::pair<int64_t, int64_t>{total / 2, total - total / 2};
      };
      auto [top, bottom] = pads(x.size(2));
      auto [left, right] = pads(x.size(3));
      y = at::conv2d(at::constant_pad_nd(x, {left, right, top, bottom}), l.weight, {}, s.stride);
    }
    at::Tensor mean, var;
    if (norm.fixed) {
      mean = norm.fixed->mean[index];
      var = norm.fixed->var[index];
    } else {
      mean = y.mean({2, 3}, true);
      var = (y - mean).square().mean({2, 3}, true);  // biased, as tf.moments
      if (norm.record) {
        norm.record->mean.push_back(mean);
        norm.record->var.push_back(var);
      }
    }
    if (norm.sums) {
      const TileCore& c = norm.core;
      norm.sums->add(index, y.slice(2, c.y0 / s.scale, c.y1 / s.scale).slice(3, c.x0 / s.scale, c.x1 / s.scale));
    }
    y = (y - mean) * at::rsqrt(var + kEpsilon) * l.scale + l.shift;
    ++index;
    return relu ? at::relu(y) : y;
  };

  at::Tensor x = rgb01 * 255.0;
  x = layer(x, true);
  x = layer(x, true);
  x = layer(x, true);
  for (int r = 0; r < 5; ++r) {
    at::Tensor h = layer(x, true);
    x = layer(h, false) + x;
  }
  x = layer(x, true);
  x = layer(x, true);
  x = layer(x, false);
  return (at::tanh(x) * 150.0 + 127.5).clamp(0, 255) / 255.0;
}

at::Tensor TransformNet::stylize(const at::Tensor& rgb01) const {
  check_rgb(rgb01, "fast-style network input");
  c10::InferenceMode guard;
  const int64_t h = rgb01.size(2), w = rgb01.size(3);
  return guard_oom(rgb01, device_, [&] {
    Norm norm;
    at::Tensor x = pad_to_multiple(rgb01.to(device_, at::kFloat), kSizeMultiple);
    return forward(x, norm).slice(2, 0, h).slice(3, 0, w).to(rgb01.device());
  });
}

NormStats TransformNet::norm_stats(const at::Tensor& rgb01) const {
  check_rgb(rgb01, "fast-style network input");
  c10::InferenceMode guard;
  return guard_oom(rgb01, device_, [&] {
    NormStats stats;
    Norm norm;
    norm.record = &stats;
    forward(pad_to_multiple(rgb01.to(device_, at::kFloat), kSizeMultiple), norm);
    return stats;
  });
}

at::Tensor TransformNet::stylize_tile(const at::Tensor& rgb01, const NormStats& stats, MomentSums* sums,
                                      const TileCore& core) const {
  check_rgb(rgb01, "fast-style tile");
  const int64_t h = rgb01.size(2), w = rgb01.size(3);
  if (h % kSizeMultiple || w % kSizeMultiple)
    throw Error("fast-style tile is " + std::to_string(w) + "x" + std::to_string(h) + "; tiles must be multiples of " +
                std::to_string(kSizeMultiple) + " (pad with pad_to_multiple)");
  if (stats.mean.size() != kNormLayers || stats.var.size() != kNormLayers)
    throw Error("fast-style tile: statistics for " + std::to_string(stats.mean.size()) + " layers given, expected " +
                std::to_string(kNormLayers));
  if (sums) {
    const bool ok = core.y0 >= 0 && core.y0 < core.y1 && core.y1 <= h && core.x0 >= 0 && core.x0 < core.x1 &&
                    core.x1 <= w && core.y0 % kSizeMultiple == 0 && core.y1 % kSizeMultiple == 0 &&
                    core.x0 % kSizeMultiple == 0 && core.x1 % kSizeMultiple == 0;
    if (!ok) throw Error("fast-style tile: core region outside the tile or not aligned to 4 pixels");
  }
  c10::InferenceMode guard;
  return guard_oom(rgb01, device_, [&] {
    NormStats on_device;
    for (size_t i = 0; i < kNormLayers; ++i) {
      on_device.mean.push_back(stats.mean[i].to(device_));
      on_device.var.push_back(stats.var[i].to(device_));
    }
    Norm norm;
    norm.fixed = &on_device;
    norm.sums = sums;
    norm.core = core;
    return forward(rgb01.to(device_, at::kFloat), norm).to(rgb01.device());
  });
}

at::Tensor pad_to_multiple(const at::Tensor& x, int64_t multiple) {
  const int64_t h = x.size(-2), w = x.size(-1);
  const int64_t ph = (multiple - h % multiple) % multiple, pw = (multiple - w % multiple) % multiple;
  if (ph == 0 && pw == 0) return x;
  return at::pad(x, {0, pw, 0, ph}, ph < h && pw < w ? "reflect" : "replicate");
}

// ---- import / load ----

void import_fast_style(const std::string& tf_variables_dir, const std::string& out_safetensors) {
  static_assert(std::endian::native == std::endian::little, "variable files are little-endian float32");
  const fs::path dir(tf_variables_dir);
  const fs::path manifest_path = dir / "manifest.json";
  const std::string expected_layout =
      "a fast-style network directory holds manifest.json plus the raw float32 files Variable, Variable_1, ... "
      "Variable_" + std::to_string(kNumVariables - 1) + " (ml5.js StyleTransfer / lengstrom fast-style-transfer)";
  if (!fs::is_directory(dir)) throw Error("'" + tf_variables_dir + "' is not a directory; " + expected_layout);
  if (!fs::exists(manifest_path)) throw Error("'" + manifest_path.string() + "' not found; " + expected_layout);

  json::Value manifest;
  try {
    manifest = json::parse(read_text(manifest_path));
  } catch (const Error& e) {
    throw Error("'" + manifest_path.string() + "' is not valid JSON (" + e.what() + "); copy the network again");
  }
  if (!manifest.is_object()) throw Error("'" + manifest_path.string() + "' is not a JSON object; " + expected_layout);
  if (manifest.object().size() != kNumVariables)
    throw Error("'" + manifest_path.string() + "' lists " + std::to_string(manifest.object().size()) +
                " variables, expected " + std::to_string(kNumVariables) +
                ": this is not the transform network ml5.js StyleTransfer runs (unexpected architecture)");

  TensorMap tensors;
  for (size_t i = 0; i < kNumVariables; ++i) {
    const LayerSpec& spec = kSpecs[i / 3];
    const size_t part = i % 3;
    const std::string var = tf_variable_name(i);
    const std::string where = "'" + manifest_path.string() + "', variable '" + var + "'";
    if (!manifest.contains(var))
      throw Error(where + " is missing: unexpected architecture; " + expected_layout);
    const json::Value& entry = manifest.at(var);
    if (!entry.is_object()) throw Error(where + " is not an object with filename and shape");
    std::vector<int64_t> shape;
    for (const json::Value& d : entry.at("shape").array("shape")) shape.push_back(d.integer("shape entry"));
    const std::vector<int64_t> want = tf_shape(spec, part);
    if (shape != want)
      throw Error(where + " (" + spec.name + "." + kPartNames[part] + ") has shape " + shape_str(shape) +
                  ", expected " + shape_str(want) + ": unexpected architecture, not an ml5.js StyleTransfer network");
    const std::string filename = entry.at("filename").string("filename");
    if (filename.empty() || filename.find('/') != std::string::npos || filename == "." || filename == "..")
      throw Error(where + " has an invalid filename '" + filename + "' (expected a file name inside the directory)");
    const fs::path file = dir / filename;
    int64_t numel = 1;
    for (int64_t d : shape) numel *= d;
    const uintmax_t want_bytes = static_cast<uintmax_t>(numel) * sizeof(float);
    std::error_code ec;
    const uintmax_t have_bytes = fs::file_size(file, ec);
    if (ec) throw Error("variable file '" + file.string() + "' (" + var + ") is missing: copy the whole directory");
    if (have_bytes != want_bytes)
      throw Error("variable file '" + file.string() + "' has " + std::to_string(have_bytes) + " bytes, expected " +
                  std::to_string(want_bytes) + " (float32 " + shape_str(shape) + "): the file is " +
                  (have_bytes < want_bytes ? "truncated" : "too long") + "; copy the network again");
    at::Tensor t = at::empty(shape, at::kFloat);
    std::ifstream f(file, std::ios::binary);
    if (!f.read(reinterpret_cast<char*>(t.data_ptr<float>()), static_cast<std::streamsize>(want_bytes)))
      throw Error("cannot read variable file '" + file.string() + "'");
    if (!at::isfinite(t).all().item<bool>())
      throw Error("variable file '" + file.string() + "' contains NaN or infinite values; copy the network again");
    if (part == 0) t = t.permute({3, 2, 0, 1});
    tensors[std::string(spec.name) + "." + kPartNames[part]] = t.contiguous();
  }

  std::string name = dir.filename().string();
  if (name.empty() || name == ".") name = fs::absolute(dir).lexically_normal().parent_path().filename().string();
  save_safetensors(out_safetensors, tensors,
                   {{"kind", "fast-style"},
                    {"architecture", "johnson-transform-net-ml5"},
                    {"source", name},
                    {"format", "atelier-transform-net-1"}});
}

std::unique_ptr<TransformNet> load_transform_net(const std::string& safetensors, at::Device device) {
  Metadata meta;
  TensorMap weights = load_safetensors(safetensors, &meta);
  auto kind = meta.find("kind");
  if (kind != meta.end() && kind->second != "fast-style")
    throw Error("'" + safetensors + "' holds a '" + kind->second + "' model, not a fast-style network");
  return std::make_unique<TransformNet>(weights, safetensors, device);
}

}  // namespace atelier
