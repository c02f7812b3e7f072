#include "filters/machine_speed.h"

#include <ATen/ATen.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/cache_dir.h"
#include "core/device.h"
#include "core/error.h"
#include "core/json_checked.h"
#include "engine/gatys.h"
#include "models/feature_network.h"
#include "models/model_library.h"

namespace atelier {
namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::string entry_key(int threads) {
  return host_name() + "/cpu/" + std::to_string(threads) + " threads";
}

Json read_cache(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Json::object();
  std::stringstream text;
  text << in.rdbuf();
  try {
    Json all = json::parse(text.str());
    return all.is_object() ? all : Json::object();
  } catch (const Error&) {
    return Json::object();  // a damaged cache is measured again
  }
}

// Seconds per evaluation (forward and backward) of `loss` on an image of content's size: the fastest of a few
// after one warm-up (other work on the machine only ever slows a run down).
double time_evaluation(const GatysLoss& loss, const at::Tensor& content, const Progress& progress) {
  using Clock = std::chrono::steady_clock;
  auto evaluate = [&] {
    progress.check_cancel();
    at::Tensor x = content.flip(3).clone().requires_grad_(true);
    const auto t0 = Clock::now();
    loss(x).backward();
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  evaluate();
  double fastest = evaluate();
  for (int i = 0; i < 2; ++i) fastest = std::min(fastest, evaluate());
  return fastest;
}

bool valid_ratio(double ratio) {
  return ratio > 0 && std::isfinite(ratio);
}

// Only the latest kRecentRuns are kept.
void keep_recent(std::vector<double>& ratios) {
  if (ratios.size() > MachineSpeed::kRecentRuns)
    ratios.erase(ratios.begin(),
                 ratios.begin() + static_cast<std::ptrdiff_t>(ratios.size() - MachineSpeed::kRecentRuns));
}

// A damaged list of ratios is dropped, not an error: it only corrects estimates.
std::vector<double> read_ratios(const Json& list) {
  std::vector<double> ratios;
  if (!list.is_array()) return ratios;
  for (const Json& r : list) {
    if (!r.is_number() || !valid_ratio(r.get<double>())) return {};
    ratios.push_back(r.get<double>());
  }
  keep_recent(ratios);
  return ratios;
}

void write_cache(const std::string& path, const Json& all) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  // Written beside and renamed: a dialog opened meanwhile never reads half a file.
  const std::string temporary = path + ".part";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << json::dump(all, 2) << "\n";
    if (!out) throw Error("cannot write " + temporary);
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw Error("cannot write " + path + ": " + ec.message());
}

}  // namespace

double MachineSpeed::run_correction(const std::string& model) const {
  const auto it = run_ratios.find(model);
  if (it == run_ratios.end() || it->second.empty()) return 1.0;
  std::vector<double> sorted = it->second;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  const double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  return std::clamp(median, 0.2, 5.0);
}

double MachineSpeed::relative_to_development(double megapixels) const {
  return evaluation_seconds(megapixels) / MachineSpeed{}.evaluation_seconds(megapixels);
}

std::string machine_speed_cache_path() {
  return (std::filesystem::path(user_cache_dir()) / "machine-speed.json").string();
}

std::optional<MachineSpeed> load_machine_speed(const std::string& path, int threads) {
  const Json cache = read_cache(path);
  const Json& entry = json::get(cache, entry_key(threads));
  if (!entry.is_object()) return std::nullopt;
  try {
    MachineSpeed s;
    s.fixed_seconds = json::number(json::at(entry, "fixed_seconds"));
    s.seconds_per_megapixel = json::number(json::at(entry, "seconds_per_megapixel"));
    s.threads = threads;
    s.measured = true;
    if (!(s.fixed_seconds >= 0) || !(s.seconds_per_megapixel > 0)) return std::nullopt;
    const Json& runs = json::get(entry, "run_ratios");
    if (runs.is_object())
      for (const auto& [model, list] : runs.items())
        if (std::vector<double> ratios = read_ratios(list); !ratios.empty()) s.run_ratios[model] = std::move(ratios);
    return s;
  } catch (const Error&) {
    return std::nullopt;
  }
}

void save_machine_speed(const std::string& path, const MachineSpeed& speed) {
  Json all = read_cache(path);
  Json entry = {{"fixed_seconds", speed.fixed_seconds}, {"seconds_per_megapixel", speed.seconds_per_megapixel}};
  if (!speed.run_ratios.empty()) entry["run_ratios"] = speed.run_ratios;
  all[entry_key(speed.threads)] = std::move(entry);
  write_cache(path, all);
}

void record_run_ratio(const std::string& path, int threads, const std::string& model, double ratio) {
  if (!valid_ratio(ratio)) return;
  std::optional<MachineSpeed> speed = load_machine_speed(path, threads);
  if (!speed) return;
  std::vector<double>& ratios = speed->run_ratios[model];
  ratios.push_back(ratio);
  keep_recent(ratios);
  save_machine_speed(path, *speed);
}

MachineSpeed measure_machine_speed(const std::string& library_dir, const Progress& progress) {
  const int threads = at::get_num_threads();
  const ModelLibrary library(library_dir);
  auto net = load_feature_network("inception_v3", library, at::kCPU);
  GatysSettings settings;
  settings.phase_average = true;
  const GatysLayers layers = gatys_layers(*net, settings, true);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(3);
  const at::Tensor style = at::rand({1, 3, 192, 192}, gen, at::TensorOptions());
  const std::vector<at::Tensor> grams = style_grams(*net, layers.style, {{style, 1.0}});
  double megapixels[2], seconds[2];
  const int64_t sides[2][2] = {{144, 192}, {288, 384}};
  for (int k = 0; k < 2; ++k) {
    const at::Tensor content = at::rand({1, 3, sides[k][0], sides[k][1]}, gen, at::TensorOptions());
    const GatysLoss loss(*net, content, grams, settings);
    megapixels[k] = static_cast<double>(sides[k][0] * sides[k][1]) / 1e6;
    // As the optimisation runs it (core/thread_tuner.h): the faster of the default thread count and one thread.
    seconds[k] = time_evaluation(loss, content, progress);
    if (threads > 1) {
      at::set_num_threads(1);
      seconds[k] = std::min(seconds[k], time_evaluation(loss, content, progress));
      at::set_num_threads(threads);
    }
  }
  MachineSpeed s;
  s.seconds_per_megapixel = std::max(1e-3, (seconds[1] - seconds[0]) / (megapixels[1] - megapixels[0]));
  s.fixed_seconds = std::max(0.0, seconds[0] - megapixels[0] * s.seconds_per_megapixel);
  s.threads = threads;
  s.measured = true;
  return s;
}

MachineSpeedProbe::MachineSpeedProbe(std::string library_dir, std::string cache_path) {
  const int threads = at::get_num_threads();
  cached_ = load_machine_speed(cache_path, threads);
  if (cached_) return;
  task_ = std::make_unique<BackgroundTask<MachineSpeed>>(
      [library_dir = std::move(library_dir), cache_path = std::move(cache_path)](const Progress& progress) {
        MachineSpeed speed;
        try {
          speed = measure_machine_speed(library_dir.empty() ? ModelLibrary().dir() : library_dir, progress);
        } catch (const std::exception&) {
          // Stopped, or no network to measure with: the estimate keeps the development machine's figures.
          return MachineSpeed{};
        }
        try {
          save_machine_speed(cache_path, speed);
        } catch (const std::exception&) {
          // An unwritable cache: measured again next time.
        }
        return speed;
      });
}

MachineSpeedProbe::~MachineSpeedProbe() = default;

bool MachineSpeedProbe::measuring() const {
  return task_ && !task_->done();
}

MachineSpeed MachineSpeedProbe::speed() const {
  if (cached_) return *cached_;
  const MachineSpeed* measured = task_ ? task_->result() : nullptr;
  return measured ? *measured : MachineSpeed{};
}

}  // namespace atelier
