#pragma once
// Training a feed-forward style network (Johnson et al. 2016, Ulyanov et al. 2016) for one style image: the
// TransformNet learns to turn any photo into an image with the photo's structure (content loss on a feature
// network's deep layers) and the style's textures (Gram loss on its style layers), smooth (total variation): the
// losses of Stylize's Optimise method, learnt once instead of optimised per image.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/progress.h"
#include "core/training.h"

namespace atelier {

class FeatureNetwork;
class TransformNet;

struct StyleTrainSettings {
  int iterations = 1000;
  int batch = 1;                                                  // photos per iteration
  int64_t size = 256;                                             // side of the square photo crops trained on
  double style_weight = 100, content_weight = 1, tv_weight = 10;  // as Stylize's Optimise method weighs them
  double learning_rate = 0.005;                                   // Adam's, decaying tenfold over the iterations
  std::vector<std::string> style_layers, content_layers;          // empty = the network's defaults
  uint64_t seed = 0;                                              // of the crops drawn from the photos
  // Checkpoints and resuming (core/training.h).
  int first_iteration = 1;
  const AdamState* resume = nullptr;
  int checkpoint_every = 0;
  CheckpointFn checkpoint;
};

// The photos as training draws crops from them: RGB [1,3,h,w] on the CPU, scaled so that their short side is
// 1.25 x size (crops of size x size then see most of each photo). Throws atelier::Error for no photos.
std::vector<at::Tensor> prepare_training_photos(const std::vector<Image>& photos, int64_t size);

// The perceptual loss a style network is trained on, and judged by.
class StyleTrainingObjective {
 public:
  // style: [1,3,h,w] in [0,1], seen as it is (scale it first); its Grams are computed once.
  StyleTrainingObjective(FeatureNetwork& net, const at::Tensor& style, const StyleTrainSettings& settings);
  struct Parts {
    at::Tensor content, style, tv;  // scalars, unweighted
    at::Tensor total;               // weighted sum
  };
  // photos: [N,3,H,W] in [0,1] on the network's device; stylised: the network's output for them. phase (0 or 1):
  // both are seen shifted by that many pixels, so that a network cannot learn a pattern tuned to one pixel phase of
  // a strided feature network (InceptionV3's first layer).
  Parts loss(const at::Tensor& photos, const at::Tensor& stylised, int phase = 0) const;

  // The content layers' features of `photos` at `phase`, for loss() with the same photos over many steps (an
  // embedding fitted to one layer): computed once instead of every step.
  using ContentTargets = std::map<std::string, at::Tensor>;
  ContentTargets content_targets(const at::Tensor& photos, int phase) const;
  Parts loss(const ContentTargets& targets, const at::Tensor& stylised, int phase) const;

 private:
  FeatureNetwork& net_;
  std::vector<std::string> style_layers_, content_layers_, all_layers_;
  std::vector<at::Tensor> grams_;
  double style_weight_, content_weight_, tv_weight_;
};

// The long side at which the style image is seen in training: the size of a 4:3 training photo.
int64_t training_style_long_side(int64_t size);

// Trains `net` (fresh, or the checkpoint being resumed; on the feature network's device) to stylise photos like
// `style` ([1,3,h,w] in [0,1], at training_style_long_side). photos: from prepare_training_photos(). Progress:
// "iteration i/N, loss L, 3 min left". Returns the last loss. Throws Cancelled (after the checkpoint callback) or
// atelier::Error when training diverges.
double train_style_network(TransformNet& net, FeatureNetwork& features, const at::Tensor& style,
                           const std::vector<at::Tensor>& photos, const StyleTrainSettings& settings,
                           const Progress& progress);

// A training batch: `batch` random crops (size x size, randomly mirrored) of the photos, from `seed`.
at::Tensor training_batch(const std::vector<at::Tensor>& photos, int batch, int64_t size, uint64_t seed);

}  // namespace atelier
