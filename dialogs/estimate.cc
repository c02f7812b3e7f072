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

// Measured orders of magnitude for an InceptionV3/VGG-19 forward+backward pass on two CPU cores.
constexpr double kSecondsPerMegapixelIteration = 4.0;
constexpr double kMegabytesPerMegapixel = 1500.0;
constexpr double kBaseMegabytes = 400.0;  // weights + runtime

}  // namespace

Estimate estimate_run(const Filter& filter, const ParamValues& values, int width, int height) {
  Estimate e;
  e.width = std::max(width, 1);
  e.height = std::max(height, 1);
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
  e.seconds = mp * e.iterations * kSecondsPerMegapixelIteration;
  e.megabytes = kBaseMegabytes + mp * kMegabytesPerMegapixel;
  return e;
}

}  // namespace atelier::dialogs
