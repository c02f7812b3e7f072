// Import of fast-style networks saved as TensorFlow variables (ml5.js / lengstrom fast-style-transfer).
#include <ATen/ATen.h>

#include <bit>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/json_checked.h"
#include "core/safetensors.h"
#include "models/transform_net.h"
#include "models/transform_net_layout.h"

namespace atelier {
namespace {

namespace fs = std::filesystem;
using namespace transform_net_layout;

constexpr size_t kNumVariables = 3 * kLayers;

std::string tf_variable_name(size_t id) {
  return id == 0 ? "Variable" : "Variable_" + std::to_string(id);
}

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw Error("cannot read '" + p.string() + "'");
  std::ostringstream o;
  o << f.rdbuf();
  return o.str();
}

}  // namespace

void import_fast_style(const std::string& tf_variables_dir, const std::string& out_safetensors) {
  static_assert(std::endian::native == std::endian::little, "variable files are little-endian float32");
  const fs::path dir(tf_variables_dir);
  const fs::path manifest_path = dir / "manifest.json";
  const std::string expected_layout =
      "a fast-style network directory holds manifest.json plus the raw float32 files Variable, Variable_1, ... "
      "Variable_" +
      std::to_string(kNumVariables - 1) + " (ml5.js StyleTransfer / lengstrom fast-style-transfer)";
  if (!fs::is_directory(dir)) throw Error("'" + tf_variables_dir + "' is not a directory; " + expected_layout);
  if (!fs::exists(manifest_path)) throw Error("'" + manifest_path.string() + "' not found; " + expected_layout);

  Json manifest;
  try {
    manifest = json::parse(read_text(manifest_path));
  } catch (const Error& e) {
    throw Error("'" + manifest_path.string() + "' is not valid JSON (" + e.what() + "); copy the network again");
  }
  if (!manifest.is_object()) throw Error("'" + manifest_path.string() + "' is not a JSON object; " + expected_layout);
  if (manifest.size() != kNumVariables)
    throw Error("'" + manifest_path.string() + "' lists " + std::to_string(manifest.size()) + " variables, expected " +
                std::to_string(kNumVariables) +
                ": this is not the transform network ml5.js StyleTransfer runs (unexpected architecture)");

  TensorMap tensors;
  for (size_t i = 0; i < kNumVariables; ++i) {
    const LayerSpec& spec = kSpecs[i / 3];
    const size_t part = i % 3;
    const std::string var = tf_variable_name(i);
    const std::string where = "'" + manifest_path.string() + "', variable '" + var + "'";
    if (!manifest.contains(var)) throw Error(where + " is missing: unexpected architecture; " + expected_layout);
    const Json& entry = json::at(manifest, var);
    if (!entry.is_object()) throw Error(where + " is not an object with filename and shape");
    std::vector<int64_t> shape;
    for (const Json& d : json::array(json::at(entry, "shape"), "shape"))
      shape.push_back(json::integer(d, "shape entry"));
    const std::vector<int64_t> want = tf_shape(spec, part);
    if (shape != want)
      throw Error(where + " (" + spec.name + "." + kPartNames[part] + ") has shape " + shape_str(shape) +
                  ", expected " + shape_str(want) + ": unexpected architecture, not an ml5.js StyleTransfer network");
    const std::string filename = json::string(json::at(entry, "filename"), "filename");
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

}  // namespace atelier
