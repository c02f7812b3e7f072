#pragma once
// Statistics that judge texture synthesis and style transfer independently of any network (tests and
// `atelier bench`): colour histograms, texture statistics, edge agreement, and structure-free copies of an image.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace atelier {

// A copy of `image` [N,C,H,W] with its pixels randomly permuted (same colour histogram, no structure).
at::Tensor shuffled_pixels(const at::Tensor& image, uint64_t seed);

// Distance between the colour histograms of two images [1,3,H,W] in [0,1] (any sizes): per channel, a 32-bin
// normalised histogram; the sum over channels of the L1 distances (0 = identical histograms, at most 6).
double colour_histogram_distance(const at::Tensor& a, const at::Tensor& b);

// A texture statistic that no network is part of: the Gram matrices of a fixed filter bank (the three colour
// channels less their means, and the luminance's horizontal, vertical and two diagonal derivatives and Laplacian)
// at three scales (each half the size of the one before). The distance of a's statistics to b's: the mean over
// the scales of ||G_a - G_b|| / ||G_b|| (Frobenius; 0 = the same statistics). Images [1,3,H,W] in [0,1], any sizes.
double filter_bank_texture_distance(const at::Tensor& a, const at::Tensor& b);

// How well a's edges follow b's: the Pearson correlation of their luminance gradient magnitudes (b resized to a's
// size; 1 = the same edges in the same strengths, 0 = unrelated). Images [1,3,H,W] in [0,1] of at least 2 px.
double gradient_correlation(const at::Tensor& a, const at::Tensor& b);

// Crispness: the high-frequency energy of a's luminance over b's, with b resized to a's size first (1 = as much fine
// detail as b; a picture scaled up from a smaller one falls well below 1). The energy is the mean square of the
// luminance less its 3x3 box average. Images [1,3,H,W] in [0,1] of at least 3 px.
double high_frequency_ratio(const at::Tensor& a, const at::Tensor& b);

}  // namespace atelier
