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
  bool transposed, relu;
  int64_t in_scale, scale;  // input / output resolution = full resolution / scale
};
constexpr LayerSpec kSpecs[TransformNet::kNormLayers] = {
    {"conv1", 9, 3, 32, 1, false, true, 1, 1},         {"conv2", 3, 32, 64, 2, false, true, 1, 2},
    {"conv3", 3, 64, 128, 2, false, true, 2, 4},       {"res1.conv1", 3, 128, 128, 1, false, true, 4, 4},
    {"res1.conv2", 3, 128, 128, 1, false, false, 4, 4}, {"res2.conv1", 3, 128, 128, 1, false, true, 4, 4},
    {"res2.conv2", 3, 128, 128, 1, false, false, 4, 4}, {"res3.conv1", 3, 128, 128, 1, false, true, 4, 4},
    {"res3.conv2", 3, 128, 128, 1, false, false, 4, 4}, {"res4.conv1", 3, 128, 128, 1, false, true, 4, 4},
    {"res4.conv2", 3, 128, 128, 1, false, false, 4, 4}, {"res5.conv1", 3, 128, 128, 1, false, true, 4, 4},
    {"res5.conv2", 3, 128, 128, 1, false, false, 4, 4}, {"up1", 3, 128, 64, 2, true, true, 4, 2},
    {"up2", 3, 64, 32, 2, true, true, 2, 1},           {"conv_out", 9, 32, 3, 1, false, false, 1, 1},
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

// Runs `fn`, turning a device out-of-memory error into atelier::OutOfMemory with advice.
template <class Fn>
auto guard_oom(const at::Tensor& x, const at::Device& device, Fn&& fn) {
  try {
    return fn();
  } catch (const c10::Error& e) {
    const bool oom = dynamic_cast<const c10::OutOfMemoryError*>(&e) ||
                     std::string(e.what()).find("can't allocate memory") != std::string::npos;  // CPU allocator
    if (!oom) throw;
    throw OutOfMemory("out of memory on " + device.str() + " running the fast-style network on a " +
                      std::to_string(x.size(-1)) + "x" + std::to_string(x.size(-2)) +
                      " input; use a larger style scale or smaller tiles");
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
  st.mean.resize(TransformNet::kNormLayers);
  st.var.resize(TransformNet::kNormLayers);
  for (size_t i = 0; i < sum_.size(); ++i) {
    if (!sum_[i].defined() || count_[i] <= 0) continue;
    at::Tensor mean = sum_[i] / count_[i];
    st.mean[i] = mean.to(at::kFloat);
    st.var[i] = (sum_sq_[i] / count_[i] - mean.square()).clamp_min(0).to(at::kFloat);
  }
  return st;
}

// ---- TransformNet ----

struct TransformNet::Layer {
  const LayerSpec* spec;
  at::Tensor weight, shift, scale;  // shift/scale: [1,C,1,1]
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

namespace {

bool in_residual(size_t i) { return i >= TransformNet::kFirstResidual && i < TransformNet::kFirstUp; }
bool starts_block(size_t i) { return in_residual(i) && (i - TransformNet::kFirstResidual) % 2 == 0; }
bool ends_block(size_t i) { return in_residual(i) && (i - TransformNet::kFirstResidual) % 2 == 1; }

at::Tensor conv(const LayerSpec& s, const at::Tensor& weight, const at::Tensor& x) {
  if (s.transposed)  // TF conv2d_transpose, SAME, output 2x: the full transposed convolution minus its last row/col
    return at::conv_transpose2d(x, weight, {}, s.stride).slice(2, 0, x.size(2) * 2).slice(3, 0, x.size(3) * 2);
  if (s.stride == 1) return at::conv2d(x, weight, {}, 1, (s.kernel - 1) / 2);
  // TF SAME padding with stride 2 is asymmetric for even sizes: the extra row/column goes at the end.
  auto pads = [&](int64_t n) {
    const int64_t total = std::max<int64_t>((n + s.stride - 1) / s.stride * s.stride - s.stride + s.kernel - n, 0);
    return std::pair<int64_t, int64_t>{total / 2, total - total / 2};
  };
  auto [top, bottom] = pads(x.size(2));
  auto [left, right] = pads(x.size(3));
  return at::conv2d(at::constant_pad_nd(x, {left, right, top, bottom}), weight, {}, s.stride);
}

}  // namespace

at::Tensor TransformNet::convolve(size_t layer, const at::Tensor& x) const {
  if (layer >= kNormLayers || !x.defined() || x.dim() != 4 || x.size(1) != layers_[layer].spec->in)
    throw Error("TransformNet::convolve: the input does not fit layer " + std::to_string(layer));
  c10::InferenceMode guard;
  return guard_oom(x, device_, [&] {
    return conv(*layers_[layer].spec, layers_[layer].weight, x.to(device_, at::kFloat)).to(x.device());
  });
}

at::Tensor TransformNet::activate(size_t layer, const at::Tensor& pre, const NormStats& stats) const {
  TORCH_CHECK(layer < kNormLayers && stats.mean.size() == kNormLayers && stats.mean[layer].defined(),
              "TransformNet::activate: no statistics for layer ", layer);
  const Layer& l = layers_[layer];
  const at::Device d = pre.device();
  at::Tensor y = (pre - stats.mean[layer].to(d)) * at::rsqrt(stats.var[layer].to(d) + kEpsilon) * l.scale.to(d) +
                 l.shift.to(d);
  return l.spec->relu ? at::relu(y) : y;
}

at::Tensor TransformNet::run(const at::Tensor& input, const Run& how) const {
  if (how.first != 0 && how.first != kFirstResidual && how.first != kFirstUp)
    throw Error("TransformNet::run: can only start at layer 0, 3 or 13");
  if (how.last < how.first || how.last >= kNormLayers) throw Error("TransformNet::run: bad layer range");
  if (how.fixed && (how.fixed->mean.size() != kNormLayers || how.fixed->var.size() != kNormLayers))
    throw Error("TransformNet::run: statistics for " + std::to_string(how.fixed->mean.size()) +
                " layers given, expected " + std::to_string(kNormLayers));
  if (how.first == 0) check_rgb(input, "fast-style network input");
  if (!input.defined() || input.dim() != 4 || input.size(1) != layers_[how.first].spec->in)
    throw Error("TransformNet::run: the input does not fit layer " + std::to_string(how.first));
  const int64_t full_h = input.size(2) * layers_[how.first].spec->in_scale;
  const int64_t full_w = input.size(3) * layers_[how.first].spec->in_scale;
  if (full_h % kSizeMultiple || full_w % kSizeMultiple)
    throw Error("fast-style tile is " + std::to_string(full_w) + "x" + std::to_string(full_h) +
                "; tiles must be multiples of 4 pixels (pad with pad_to_multiple)");
  if (how.sums) {
    const TileCore& c = how.core;
    const bool ok = c.y0 >= 0 && c.y0 < c.y1 && c.y1 <= full_h && c.x0 >= 0 && c.x0 < c.x1 && c.x1 <= full_w &&
                    c.y0 % kSizeMultiple == 0 && c.y1 % kSizeMultiple == 0 && c.x0 % kSizeMultiple == 0 &&
                    c.x1 % kSizeMultiple == 0;
    if (!ok) throw Error("fast-style tile: core region outside the tile or not aligned to 4 pixels");
  }
  if (how.record) {
    how.record->mean.resize(kNormLayers);
    how.record->var.resize(kNormLayers);
  }
  c10::InferenceMode guard;
  return guard_oom(input, device_, [&] {
    at::Tensor x = input.to(device_, at::kFloat);
    if (how.first == 0) x = x * 255.0;
    at::Tensor block_in;
    for (size_t i = how.first; i <= how.last; ++i) {
      const Layer& l = layers_[i];
      const LayerSpec& s = *l.spec;
      if (starts_block(i)) block_in = x;
      at::Tensor y = conv(s, l.weight, x);
      if (how.sums) {
        const TileCore& c = how.core;
        how.sums->add(i, y.slice(2, c.y0 / s.scale, c.y1 / s.scale).slice(3, c.x0 / s.scale, c.x1 / s.scale));
      }
      at::Tensor mean, var;
      if (how.fixed) {
        mean = how.fixed->mean[i];
        var = how.fixed->var[i];
        if (!mean.defined()) {
          if (i != how.last) throw Error("TransformNet::run: no statistics for layer " + std::to_string(i));
          return y.to(input.device());
        }
        mean = mean.to(device_);
        var = var.to(device_);
      } else {
        mean = y.mean({2, 3}, true);
        var = (y - mean).square().mean({2, 3}, true);  // biased, as tf.moments
        if (how.record) {
          how.record->mean[i] = mean;
          how.record->var[i] = var;
        }
      }
      y = (y - mean) * at::rsqrt(var + kEpsilon) * l.scale + l.shift;
      if (s.relu) y = at::relu(y);
      x = ends_block(i) ? y + block_in : y;
    }
    if (how.last == kNormLayers - 1) x = (at::tanh(x) * 150.0 + 127.5).clamp(0, 255) / 255.0;
    return x.to(input.device());
  });
}

at::Tensor TransformNet::stylize(const at::Tensor& rgb01) const {
  check_rgb(rgb01, "fast-style network input");
  const int64_t h = rgb01.size(2), w = rgb01.size(3);
  return run(pad_to_multiple(rgb01, kSizeMultiple), Run{}).slice(2, 0, h).slice(3, 0, w);
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
  require_finite_weights(weights, safetensors);
  auto kind = meta.find("kind");
  if (kind != meta.end() && kind->second != "fast-style")
    throw Error("'" + safetensors + "' holds a '" + kind->second + "' model, not a fast-style network");
  return std::make_unique<TransformNet>(weights, safetensors, device);
}

}  // namespace atelier
