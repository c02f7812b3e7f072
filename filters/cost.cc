#include "filters/cost.h"

#include <algorithm>
#include <cmath>

#include "filters/filter.h"

namespace atelier {
namespace {

constexpr double kBaseMegabytes = 400.0;  // weights + runtime

bool has_number(const ParamValues& values, const std::string& name) {
  for (const ParamSpec& s : values.specs())
    if (s.name == name && (s.type == ParamType::Int || s.type == ParamType::Double)) return true;
  return false;
}

}  // namespace

CostEstimate iterative_cost(int width, int height, int long_side, int iterations, double seconds_per_megapixel,
                            double megabytes_per_megapixel) {
  CostEstimate e;
  e.width = std::max(width, 1);
  e.height = std::max(height, 1);
  if (long_side > 0) {
    const double scale = std::min(1.0, static_cast<double>(long_side) / std::max(e.width, e.height));
    e.width = std::max(1, static_cast<int>(std::lround(e.width * scale)));
    e.height = std::max(1, static_cast<int>(std::lround(e.height * scale)));
  }
  e.iterations = std::max(1, iterations);
  const double megapixels = e.width * static_cast<double>(e.height) / 1e6;
  e.seconds = megapixels * e.iterations * seconds_per_megapixel;
  e.megabytes = kBaseMegabytes + megapixels * megabytes_per_megapixel;
  return e;
}

CostEstimate estimate_cost(const Filter& filter, const ParamValues& values, int width, int height,
                           const MachineSpeed& speed) {
  CostEstimate e;
  if (filter.estimate) {
    e = filter.estimate(values, width, height);
  } else {
    // Unknown filters: 4 s per megapixel and iteration, 1.5 GB per megapixel.
    const int size = has_number(values, "size") ? static_cast<int>(values.get_double("size")) : 0;
    const int iterations = has_number(values, "iterations") ? static_cast<int>(values.get_double("iterations")) : 1;
    e = iterative_cost(width, height, size, iterations, 4.0, 1500.0);
  }
  e.seconds *= speed.relative_to_development(static_cast<double>(e.width) * e.height / 1e6);
  e.measured_speed = speed.measured;
  return e;
}

}  // namespace atelier
