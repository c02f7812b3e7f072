#include "dialogs/estimate.h"

#include <algorithm>
#include <cmath>

namespace atelier::dialogs {
namespace {

bool has_number(const Filter& filter, const std::string& name) {
  for (const ParamSpec& s : filter.params)
    if (s.name == name && (s.type == ParamType::Int || s.type == ParamType::Double)) return true;
  return false;
}

// Costs on two CPU cores with InceptionV3, measured by `atelier bench` (docs/benchmarks.md).
struct Cost {
  double seconds_per_megapixel_iteration;
  double megabytes_per_megapixel;
};
// Stylize averages two pixel phases: 1.6x the 7.1 s/MP of a plain Gatys iteration at 512 px.
constexpr Cost kStylizeCost{11.5, 3600.0};
constexpr Cost kDreamCost{1.4, 1900.0};  // 370 ms per step at 512x512
constexpr Cost kOtherCost{4.0, 1500.0};
// The Instant method: one tiled pass (1024x768 in about 11 s, memory bounded by the 512 px tiles).
constexpr double kInstantSecondsPerMegapixel = 13.0;
constexpr double kInstantMegabytes = 600.0;
constexpr double kBaseMegabytes = 400.0;  // weights + runtime

const Cost& cost_of(const Filter& filter) {
  if (filter.name == "stylize") return kStylizeCost;
  if (filter.name == "dream") return kDreamCost;
  return kOtherCost;
}

bool is_instant(const Filter& filter, const ParamValues& values) {
  for (const ParamSpec& s : filter.params)
    if (s.name == "method" && s.type == ParamType::Choice) return values.get_text("method") == "feed-forward";
  return false;
}

}  // namespace

Estimate estimate_run(const Filter& filter, const ParamValues& values, int width, int height) {
  Estimate e;
  e.width = std::max(width, 1);
  e.height = std::max(height, 1);
  if (is_instant(filter, values)) {
    const double scale = has_number(filter, "style-scale") ? 1.0 / values.get_double("style-scale") : 1.0;
    e.width = std::max(1, static_cast<int>(std::lround(e.width * scale)));
    e.height = std::max(1, static_cast<int>(std::lround(e.height * scale)));
    e.seconds = e.width * static_cast<double>(e.height) / 1e6 * kInstantSecondsPerMegapixel;
    e.megabytes = kBaseMegabytes + kInstantMegabytes;
    return e;
  }
  if (has_number(filter, "size")) {
    const double side = values.get_double("size");
    const double scale = side > 0 ? std::min(1.0, side / std::max(e.width, e.height)) : 1.0;
    e.width = std::max(1, static_cast<int>(std::lround(e.width * scale)));
    e.height = std::max(1, static_cast<int>(std::lround(e.height * scale)));
  }
  if (has_number(filter, "iterations")) e.iterations = std::max(1, static_cast<int>(values.get_double("iterations")));
  // Multi-scale filters (Dream) run their iterations once per octave, the smaller octaves cheaper: count each as ~1/2.
  if (has_number(filter, "octaves"))
    e.iterations = std::max(e.iterations, static_cast<int>(e.iterations * (1 + values.get_double("octaves")) / 2));
  const double mp = e.width * static_cast<double>(e.height) / 1e6;
  e.seconds = mp * e.iterations * cost_of(filter).seconds_per_megapixel_iteration;
  e.megabytes = kBaseMegabytes + mp * cost_of(filter).megabytes_per_megapixel;
  return e;
}

}  // namespace atelier::dialogs
