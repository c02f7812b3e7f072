// import_vgg19: torchvision's vgg19 .pth -> the model library's safetensors, refusing other models by name.
#include <ATen/ATen.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/numbers.h"
#include "models/pth_loader.h"
#include "models/vgg19.h"

namespace atelier {
namespace {

bool has_key(const TensorMap& sd, const std::string& k) {
  return sd.count(k) > 0;
}

bool has_key_containing(const TensorMap& sd, const std::string& part) {
  for (const auto& kv : sd)
    if (kv.first.find(part) != std::string::npos) return true;
  return false;
}

std::string shape_string(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// Indices N of 4-D tensors features.N.weight (VGG convolutions, in order).
std::vector<int> feature_conv_indices(const TensorMap& sd) {
  std::set<int> idx;
  for (const auto& [k, t] : sd) {
    if (k.rfind("features.", 0) != 0 || t.dim() != 4) continue;
    const std::string rest = k.substr(9);
    const auto dot = rest.find('.');
    if (dot == std::string::npos || rest.substr(dot) != ".weight") continue;
    const std::optional<long long> n = parse_int(rest.substr(0, dot));
    if (n && *n >= 0 && *n < 100000) idx.insert(static_cast<int>(*n));
  }
  return {idx.begin(), idx.end()};
}

// What the state dict looks like, for the error message when it is not VGG-19 ("" = no idea).
std::string guess_model(const TensorMap& sd) {
  if (has_key(sd, "layer1.0.conv1.weight") && has_key(sd, "fc.weight")) return "a ResNet";
  if (has_key(sd, "Conv2d_1a_3x3.conv.weight")) return "an Inception v3";
  if (has_key_containing(sd, "features.denseblock")) return "a DenseNet";
  if (has_key_containing(sd, ".squeeze.weight")) return "a SqueezeNet";
  if (has_key_containing(sd, "encoder.layers.")) return "a Vision Transformer";
  if (has_key_containing(sd, ".block.") && has_key_containing(sd, "features.")) return "an EfficientNet/MobileNetV3";
  if (has_key_containing(sd, ".conv.0.0.weight")) return "a MobileNetV2";
  if (auto it = sd.find("features.0.weight"); it != sd.end() && it->second.dim() == 4 && it->second.size(2) == 11)
    return "an AlexNet";
  const auto convs = feature_conv_indices(sd);
  if (!convs.empty()) {
    const bool bn = has_key_containing(sd, "running_mean");
    const char* name = nullptr;
    switch (convs.size()) {
      case 8: name = "VGG-11"; break;
      case 10: name = "VGG-13"; break;
      case 13: name = "VGG-16"; break;
      case 16: name = "VGG-19"; break;
      default: break;
    }
    if (name)
      return std::string("a ") + name + (bn ? " with batch normalisation (" : " (") + std::to_string(convs.size()) +
             " convolutions)";
  }
  return "";
}

}  // namespace

void import_vgg19(const std::string& pth_path, const std::string& out_safetensors) {
  TensorMap sd = load_pth_state_dict(pth_path);
  // nn.DataParallel checkpoints prefix every key with "module.".
  if (std::all_of(sd.begin(), sd.end(), [](const auto& kv) { return kv.first.rfind("module.", 0) == 0; })) {
    TensorMap stripped;
    for (auto& [k, t] : sd) stripped.emplace(k.substr(7), t);
    sd = std::move(stripped);
  }
  const std::string expected =
      "expected torchvision's VGG-19 weights (vgg19-dcbb9e9d.pth, features.N for 16 "
      "convolutions)";
  const std::string base = std::filesystem::path(pth_path).filename().string();
  const auto& indices = vgg19_conv_indices();
  const bool layout_ok = feature_conv_indices(sd) == std::vector<int>(indices.begin(), indices.end()) &&
                         !has_key_containing(sd, "running_mean");
  if (!layout_ok) {
    const std::string guess = guess_model(sd);
    const std::string what = guess.empty() ? "this is not a VGG-19 state dict" : "this looks like " + guess + " file";
    throw Error("cannot import '" + base + "': " + what + "; " + expected);
  }

  TensorMap features;
  int64_t in_channels = 3;
  for (size_t i = 0; i < indices.size(); ++i) {
    const std::string prefix = "features." + std::to_string(indices[i]) + ".";
    const int64_t width = vgg19_widths()[i];
    const std::vector<std::pair<std::string, std::vector<int64_t>>> wanted = {
        {prefix + "weight", {width, in_channels, 3, 3}}, {prefix + "bias", {width}}};
    for (const auto& [key, shape] : wanted) {
      auto it = sd.find(key);
      if (it == sd.end()) throw Error("cannot import '" + base + "': '" + key + "' is missing; " + expected);
      if (it->second.sizes() != at::IntArrayRef(shape))
        throw Error("cannot import '" + base + "': '" + key + "' has shape " + shape_string(it->second.sizes()) +
                    " instead of " + shape_string(shape) + " (a VGG-19 of another width, or another network); " +
                    expected);
      if (!at::isFloatingType(it->second.scalar_type()))
        throw Error("cannot import '" + base + "': '" + key + "' is not floating-point; " + expected);
      at::Tensor t = it->second.to(at::kFloat).contiguous();
      if (!at::isfinite(t).all().item<bool>())
        throw Error("cannot import '" + base + "': '" + key + "' contains NaN or infinity (a corrupt file?)");
      features.emplace(key, std::move(t));
    }
    in_channels = width;
  }
  for (const auto& kv : sd)
    if (kv.first.rfind("features.", 0) == 0 && !features.count(kv.first))
      throw Error("cannot import '" + base + "': unexpected tensor '" + kv.first + "'; " + expected);

  const auto dir = std::filesystem::path(out_safetensors).parent_path();
  std::error_code ec;
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("cannot create the directory '" + dir.string() + "': " + ec.message());
  save_safetensors(out_safetensors, features,
                   {{"model", "vgg19"}, {"source", "imported from " + base}, {"layout", "torchvision features"}});
}

}  // namespace atelier
