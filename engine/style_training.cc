#include "engine/style_training.h"

#include <ATen/ATen.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/image_tensor.h"
#include "core/losses/losses.h"
#include "models/feature_network.h"
#include "models/transform_net.h"

namespace atelier {
namespace {

// Photos are kept with their short side this much larger than the crops: a crop sees most of a photo, at
// varying places.
constexpr double kPhotoMargin = 1.25;

std::vector<std::string> union_of(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> all = a;
  for (const std::string& s : b)
    if (std::find(all.begin(), all.end(), s) == all.end()) all.push_back(s);
  return all;
}

at::Tensor shifted(const at::Tensor& x, int phase) {
  if (phase == 0) return x;
  return x.slice(2, phase).slice(3, phase);
}

}  // namespace

std::vector<at::Tensor> prepare_training_photos(const std::vector<Image>& photos, int64_t size) {
  if (photos.empty()) throw Error("no photos to train on");
  const auto short_side = static_cast<int64_t>(std::ceil(size * kPhotoMargin));
  std::vector<at::Tensor> out;
  for (const Image& photo : photos) {
    at::Tensor t = image_rgb_to_tensor(photo);
    const int64_t h = t.size(2), w = t.size(3);
    const double f = static_cast<double>(short_side) / std::min(h, w);
    t = resize(t, std::max<int64_t>(short_side, std::llround(h * f)),
               std::max<int64_t>(short_side, std::llround(w * f)));
    out.push_back(t.clamp(0, 1).contiguous());
  }
  return out;
}

int64_t training_style_long_side(int64_t size) {
  return std::llround(size * kPhotoMargin * 4.0 / 3.0);
}

at::Tensor training_batch(const std::vector<at::Tensor>& photos, int batch, int64_t size, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto draw = [&gen](int64_t n) {  // uniform in [0, n)
    return n <= 1 ? int64_t{0} : at::randint(n, {1}, gen, at::kLong).item<int64_t>();
  };
  std::vector<at::Tensor> crops;
  for (int b = 0; b < batch; ++b) {
    const at::Tensor& p = photos[static_cast<size_t>(draw(static_cast<int64_t>(photos.size())))];
    const int64_t y = draw(p.size(2) - size + 1), x = draw(p.size(3) - size + 1);
    at::Tensor crop = p.slice(2, y, y + size).slice(3, x, x + size);
    if (draw(2) == 1) crop = crop.flip({3});
    crops.push_back(crop);
  }
  return at::cat(crops, 0).contiguous();
}

StyleTrainingObjective::StyleTrainingObjective(FeatureNetwork& net, const at::Tensor& style,
                                               const StyleTrainSettings& s)
    : net_(net),
      style_layers_(s.style_layers.empty() ? net.default_style_layers() : s.style_layers),
      content_layers_(s.content_layers.empty() ? net.default_content_layers() : s.content_layers),
      all_layers_(union_of(style_layers_, content_layers_)),
      style_weight_(s.style_weight),
      content_weight_(s.content_weight),
      tv_weight_(s.tv_weight) {
  torch::NoGradGuard no_grad;
  const at::Tensor seen = ensure_min_side(style, net.min_input_size()).to(net.device());
  const auto feats = net.extract(seen, style_layers_);
  for (const std::string& layer : style_layers_) grams_.push_back(gram_matrix(feats.at(layer)));
}

StyleTrainingObjective::ContentTargets StyleTrainingObjective::content_targets(const at::Tensor& photos,
                                                                               int phase) const {
  torch::NoGradGuard no_grad;
  return net_.extract(shifted(photos, phase), content_layers_);
}

StyleTrainingObjective::Parts StyleTrainingObjective::loss(const at::Tensor& photos, const at::Tensor& stylised,
                                                           int phase) const {
  return loss(content_targets(photos, phase), stylised, phase);
}

StyleTrainingObjective::Parts StyleTrainingObjective::loss(const ContentTargets& targets, const at::Tensor& stylised,
                                                           int phase) const {
  const auto feats = net_.extract(shifted(stylised, phase), all_layers_);
  const double batch = static_cast<double>(stylised.size(0));
  Parts parts;
  parts.style = torch::zeros({}, stylised.options().dtype(torch::kFloat32));
  for (size_t i = 0; i < style_layers_.size(); ++i)
    parts.style = parts.style + gram_loss(feats.at(style_layers_[i]), grams_[i]) / batch;
  parts.style = parts.style / static_cast<double>(style_layers_.size());
  parts.content = torch::zeros({}, stylised.options().dtype(torch::kFloat32));
  for (const std::string& layer : content_layers_)
    parts.content = parts.content + content_loss(feats.at(layer), targets.at(layer));
  parts.content = parts.content / static_cast<double>(content_layers_.size());
  parts.tv = tv_loss(stylised);
  parts.total = parts.style * style_weight_ + parts.content * content_weight_ + parts.tv * tv_weight_;
  return parts;
}

double train_style_network(TransformNet& net, FeatureNetwork& features, const at::Tensor& style,
                           const std::vector<at::Tensor>& photos, const StyleTrainSettings& s,
                           const Progress& progress) {
  if (photos.empty()) throw Error("no photos to train on");
  if (s.batch < 1) throw Error("training: the batch must hold at least one photo");
  for (const at::Tensor& p : photos)
    if (p.size(2) < s.size || p.size(3) < s.size) throw Error("training: a photo is smaller than the training size");
  if (s.size - 1 < features.min_input_size())  // the shifted pixel phase sees one pixel less
    throw Error("the training size must be at least " + std::to_string(features.min_input_size() + 1) + " px for " +
                features.name() + ", got " + std::to_string(s.size));
  const StyleTrainingObjective objective(features, style, s);
  net.train();
  TrainSettings train;
  train.iterations = s.iterations;
  train.learning_rate = s.learning_rate;
  train.final_learning_rate = s.learning_rate / 10;
  train.first_iteration = s.first_iteration;
  train.resume = s.resume;
  train.checkpoint_every = s.checkpoint_every;
  train.checkpoint = s.checkpoint;
  auto loss_fn = [&](int iteration) {
    const uint64_t step = s.seed * 1000003ull + static_cast<uint64_t>(iteration);
    const at::Tensor batch = training_batch(photos, s.batch, s.size, step).to(features.device());
    return objective.loss(batch, net.forward(batch), static_cast<int>(step % 2)).total;
  };
  const double loss = train_parameters(net.parameters(), loss_fn, train, progress);
  net.eval();
  return loss;
}

}  // namespace atelier
