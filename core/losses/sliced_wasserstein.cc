#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <string>

#include "core/error.h"
#include "core/losses/losses.h"

namespace atelier {
namespace {

std::string shape_of(const at::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? "," : "") + std::to_string(t.size(i));
  return s + "]";
}

void check_inputs(const at::Tensor& features, const at::Tensor& target, const at::Tensor& directions) {
  if (features.dim() != 4 || target.dim() != 4)
    throw Error("sliced Wasserstein loss: features and target must be [N,C,H,W], got " + shape_of(features) + " and " +
                shape_of(target));
  if (directions.dim() != 2)
    throw Error("sliced Wasserstein loss: directions must be [C,D] (see random_directions), got " +
                shape_of(directions));
  const int64_t c = features.size(1);
  if (target.size(1) != c || directions.size(0) != c)
    throw Error("sliced Wasserstein loss: channel counts differ (features " + std::to_string(c) + ", target " +
                std::to_string(target.size(1)) + ", directions " + std::to_string(directions.size(0)) +
                "); take the target from the same layer and draw the directions with that layer's channel count");
  if (target.size(0) != 1 && target.size(0) != features.size(0))
    throw Error("sliced Wasserstein loss: the target batch must be 1 or the features' batch " +
                std::to_string(features.size(0)) + ", got " + std::to_string(target.size(0)));
  if (features.numel() == 0 || target.numel() == 0 || directions.numel() == 0)
    throw Error("sliced Wasserstein loss: empty features, target or directions (" + shape_of(features) + ", " +
                shape_of(target) + ", " + shape_of(directions) + ")");
}

// Projections [N,D,H*W] of features [N,C,H,W] on directions [C,D].
at::Tensor project(const at::Tensor& features, const at::Tensor& directions) {
  at::Tensor f = features.reshape({features.size(0), features.size(1), -1});
  return at::matmul(directions.t(), f);
}

// `sorted` [N,D,M] resampled along its last dimension to `count` values by linear interpolation of its quantile
// function, with value k of n at quantile (k+0.5)/n; clamped at both ends.
at::Tensor resample_sorted(const at::Tensor& sorted, int64_t count) {
  const int64_t m = sorted.size(-1);
  auto index_options = sorted.options().dtype(at::kDouble);
  at::Tensor pos = ((at::arange(count, index_options) + 0.5) * (static_cast<double>(m) / count) - 0.5)
                       .clamp(0, static_cast<double>(m - 1));
  at::Tensor lo = pos.floor();
  at::Tensor weight = (pos - lo).to(sorted.scalar_type());
  at::Tensor lo_index = lo.to(at::kLong);
  at::Tensor hi_index = (lo_index + 1).clamp_max(m - 1);
  at::Tensor a = sorted.index_select(-1, lo_index), b = sorted.index_select(-1, hi_index);
  return a + (b - a) * weight;
}

struct Sliced {
  at::Tensor distance;      // mean squared difference of the sorted projections
  at::Tensor target_power;  // mean squared target projection
};

Sliced sliced(const at::Tensor& features, const at::Tensor& target, const at::Tensor& directions) {
  check_inputs(features, target, directions);
  // fp32 at least, as in gram_matrix: half-precision sums and sorts of projections lose too much.
  const auto type = at::promote_types(features.scalar_type(), at::kFloat);
  at::Tensor dirs = directions.detach().to(features.device(), type);
  at::Tensor f = features.to(type), t = target.detach().to(features.device(), type);

  at::Tensor sorted_f = std::get<0>(project(f, dirs).sort(-1));
  at::Tensor proj_t = project(t, dirs);
  at::Tensor sorted_t = std::get<0>(proj_t.sort(-1));
  if (sorted_t.size(-1) != sorted_f.size(-1)) sorted_t = resample_sorted(sorted_t, sorted_f.size(-1));
  return {(sorted_f - sorted_t).pow(2).mean(), proj_t.pow(2).mean()};
}

}  // namespace

at::Tensor random_directions(int64_t channels, int64_t count, uint64_t seed, c10::Device device) {
  if (channels < 1 || count < 1)
    throw Error("random_directions: need at least 1 channel and 1 direction, got " + std::to_string(channels) +
                " channels and " + std::to_string(count) + " directions");
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  // Normal vectors normalised to unit length are uniform on the sphere.
  at::Tensor d = at::randn({channels, count}, gen, at::TensorOptions().dtype(at::kFloat));
  d = d / d.norm(2, {0}, /*keepdim=*/true).clamp_min(1e-12);
  return d.to(device);
}

at::Tensor sliced_wasserstein_distance(const at::Tensor& features, const at::Tensor& target,
                                       const at::Tensor& directions) {
  return sliced(features, target, directions).distance;
}

at::Tensor sliced_wasserstein_loss(const at::Tensor& features, const at::Tensor& target, const at::Tensor& directions) {
  Sliced s = sliced(features, target, directions);
  return s.distance / (s.target_power + 1e-8);
}

}  // namespace atelier
