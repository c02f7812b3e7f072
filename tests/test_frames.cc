// Stylize Frames' pieces: optical flow and warping (OpenCV), the reliability mask, the temporal terms, the frame
// loop, and animations on disk.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/image_io.h"
#include "core/image_tensor.h"
#include "core/optical_flow.h"
#include "core/video_io.h"
#include "engine/frame_stylize.h"
#include "filters/filter.h"
#include "filters/stylize_frames.h"
#include "models/model_library.h"
#include "test_util.h"

namespace atelier {
namespace {

namespace fs = std::filesystem;

// A smooth random texture (sums of sinusoids), defined everywhere: sampled at (x - ox, y - oy) it is the
// texture moved by (ox, oy), with real content entering at the border.
float texture_value(double x, double y, int c) {
  return static_cast<float>(0.5 + 0.18 * std::sin(0.31 * x + 0.7 * c) * std::cos(0.23 * y - 0.4 * c) +
                            0.12 * std::sin(0.11 * x + 0.17 * y + c) + 0.1 * std::cos(0.53 * x - 0.29 * y + 2 * c));
}
Image moving_texture(int w, int h, double ox, double oy) {
  Image out(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float* p = out.pixel(x, y);
      for (int c = 0; c < 3; ++c) p[c] = texture_value(x - ox, y - oy, c);
      p[3] = 1.f;
    }
  return out;
}

double mean_abs_rgb(const Image& a, const Image& b, int border) {
  double sum = 0;
  int64_t n = 0;
  for (int y = border; y < a.height - border; ++y)
    for (int x = border; x < a.width - border; ++x)
      for (int c = 0; c < 3; ++c) {
        sum += std::abs(a.pixel(x, y)[c] - b.pixel(x, y)[c]);
        ++n;
      }
  return sum / static_cast<double>(n);
}

TEST(Frames, FlowOfAKnownTranslationWarpsIntoTheShiftedImage) {
  const Image before = moving_texture(96, 80, 0, 0), after = moving_texture(96, 80, 3, 2);
  const Flow backward = measure_flow(after, before);  // pixel x of `after` is at x - (3, 2) in `before`
  std::vector<float> dx, dy;
  for (int y = 10; y < 70; ++y)
    for (int x = 10; x < 86; ++x) {
      dx.push_back(backward.dx(x, y));
      dy.push_back(backward.dy(x, y));
    }
  std::nth_element(dx.begin(), dx.begin() + dx.size() / 2, dx.end());
  std::nth_element(dy.begin(), dy.begin() + dy.size() / 2, dy.end());
  EXPECT_NEAR(dx[dx.size() / 2], -3.0, 0.25);
  EXPECT_NEAR(dy[dy.size() / 2], -2.0, 0.25);
  // Warping the earlier image by that flow reproduces the later one inside (the border band is new content).
  const Image warped = warp(before, backward);
  const double moved = mean_abs_rgb(before, after, 8);
  EXPECT_LT(mean_abs_rgb(warped, after, 8), 0.1 * moved) << "unwarped difference " << moved;
}

TEST(Frames, WarpByAnExactFlowIsTheShift) {
  const Image image = moving_texture(40, 30, 0, 0);
  Flow flow;
  flow.width = 40;
  flow.height = 30;
  flow.dxdy.assign(40 * 30 * 2, 0.f);
  for (size_t i = 0; i < flow.dxdy.size(); i += 2) flow.dxdy[i] = -5.f;  // each pixel from 5 px to its left
  const Image warped = warp(image, flow);
  for (int y = 0; y < 30; ++y)
    for (int x = 5; x < 40; ++x)
      for (int c = 0; c < 4; ++c) ASSERT_NEAR(warped.pixel(x, y)[c], image.pixel(x - 5, y)[c], 1e-5f);
}

TEST(Frames, OcclusionMaskOfAPanMasksTheRevealedBorderOnly) {
  // The camera pans: the picture moves 4 px to the right, so frame 1's left band was outside frame 0.
  const Image frame0 = moving_texture(120, 90, 0, 0), frame1 = moving_texture(120, 90, 4, 0);
  const std::vector<float> mask = reliable_mask(measure_flow(frame1, frame0), measure_flow(frame0, frame1));
  double revealed = 0, inside = 0;
  int revealed_n = 0, inside_n = 0;
  for (int y = 0; y < 90; ++y)
    for (int x = 0; x < 120; ++x) {
      const float m = mask[static_cast<size_t>(y) * 120 + x];
      if (x < 3) {
        revealed += m;
        ++revealed_n;
      } else if (x >= 8 && x < 112 && y >= 4 && y < 86) {
        inside += m;
        ++inside_n;
      }
    }
  EXPECT_LT(revealed / revealed_n, 0.1) << "share of the revealed band trusted";
  EXPECT_GT(inside / inside_n, 0.95) << "share of the interior trusted";
}

TEST(Frames, TemporalTermsVanishForAConsistentSequence) {
  const Image a = moving_texture(24, 16, 0, 0);
  TemporalTarget target{a, std::vector<float>(24 * 16, 1.f)};
  const Image blended = blend_toward(a, target, 5.0);
  EXPECT_LT(mean_abs_rgb(blended, a, 0), 1e-6);
  const at::Tensor x = at::rand({1, 3, 16, 24});
  EXPECT_EQ(temporal_loss(x, x.clone(), at::ones({1, 1, 16, 24}), 3.0).item<double>(), 0.0);
  EXPECT_GT(temporal_loss(x, x + 0.1, at::ones({1, 1, 16, 24}), 3.0).item<double>(), 0.0);
  // Unreliable pixels do not count.
  EXPECT_EQ(temporal_loss(x, x + 0.1, at::zeros({1, 1, 16, 24}), 3.0).item<double>(), 0.0);
  // Results that move with the frames have (almost) no warping error.
  const Image f0 = moving_texture(96, 80, 0, 0), f1 = moving_texture(96, 80, 2, 1);
  EXPECT_LT(warping_error(f0, f1, f0, f1).value(), 0.01);
}

// Frames in memory, results kept.
class MemoryFrames : public FrameSequence {
 public:
  explicit MemoryFrames(std::vector<Image> frames) : frames_(std::move(frames)) {}
  int count() const override { return static_cast<int>(frames_.size()); }
  Image frame(int i) override { return frames_[static_cast<size_t>(i)]; }
  void put(int i, const Image& r) override {
    EXPECT_EQ(i, static_cast<int>(results.size()));
    results.push_back(r);
  }
  std::vector<Image> results;

 private:
  std::vector<Image> frames_;
};

// A stand-in for a style network that lands on another texture each frame (the flicker of frame-by-frame
// stylisation): the frame plus fresh noise.
Image flickering_style(const Image& frame, std::mt19937& rng) {
  std::normal_distribution<float> noise(0.f, 0.08f);
  Image out = frame;
  for (size_t i = 0; i < out.rgba.size(); ++i)
    if (i % 4 != 3) out.rgba[i] = std::clamp(out.rgba[i] + noise(rng), 0.f, 1.f);
  return out;
}

double mean_warping_error(const std::vector<Image>& frames, const std::vector<Image>& results) {
  double sum = 0;
  for (size_t t = 1; t < frames.size(); ++t)
    sum += warping_error(frames[t - 1], frames[t], results[t - 1], results[t]).value();
  return sum / static_cast<double>(frames.size() - 1);
}

TEST(Frames, ConsistentResultsFlickerLessThanIndependentFrames) {
  std::vector<Image> clip;
  for (int t = 0; t < 6; ++t) clip.push_back(moving_texture(96, 72, 2.0 * t, 1.0 * t));
  auto run = [&](double weight) {
    MemoryFrames frames(clip);
    std::mt19937 rng(7);
    const FrameStylizer stylize = [&](const Image& frame, const TemporalTarget* target, const Progress&) {
      const Image out = flickering_style(frame, rng);
      return target ? blend_toward(out, *target, weight) : out;
    };
    EXPECT_EQ(stylize_frames(frames, stylize, FramesRun{}, Progress()), 6);
    return mean_warping_error(clip, frames.results);
  };
  const double independent = run(0.0), consistent = run(4.0);
  EXPECT_LT(consistent, 0.5 * independent) << "independent " << independent << ", consistent " << consistent;
}

TEST(Frames, LoopWorksAtTheWorkingSizeAndReturnsTheFramesSize) {
  std::vector<Image> clip = {moving_texture(120, 60, 0, 0), moving_texture(120, 60, 1, 0)};
  MemoryFrames frames(clip);
  FramesRun run;
  run.long_side = 40;
  std::vector<int> seen;
  stylize_frames(
      frames,
      [&](const Image& frame, const TemporalTarget*, const Progress&) {
        seen.push_back(frame.width);
        return frame;
      },
      run, Progress());
  EXPECT_EQ(seen, (std::vector<int>{40, 40}));
  ASSERT_EQ(frames.results.size(), 2u);
  EXPECT_EQ(frames.results[1].width, 120);
  EXPECT_EQ(frames.results[1].height, 60);
  // Full size (Instant): the stylizer gets the frames as they are and a target of their size, the flow measured at
  // the working size and scaled up.
  run.full_size = true;
  MemoryFrames full(clip);
  std::vector<int> target_widths;
  seen.clear();
  stylize_frames(
      full,
      [&](const Image& frame, const TemporalTarget* target, const Progress&) {
        seen.push_back(frame.width);
        if (target) {
          target_widths.push_back(target->picture.width);
          EXPECT_EQ(target->reliable.size(), static_cast<size_t>(frame.width) * frame.height);
        }
        return frame;
      },
      run, Progress());
  EXPECT_EQ(seen, (std::vector<int>{120, 120}));
  EXPECT_EQ(target_widths, (std::vector<int>{120}));
}

TEST(Frames, FlowMeasuredSmallWarpsTheLargeImage) {
  // The flow of a (4, 2) px shift measured on half-size copies carries the full-size picture.
  const Image before = moving_texture(192, 144, 0, 0), after = moving_texture(192, 144, 4, 2);
  const TemporalTarget target = temporal_target(resize_long_side(before, 96), resize_long_side(after, 96), before);
  ASSERT_EQ(target.picture.width, 192);
  EXPECT_LT(mean_abs_rgb(target.picture, after, 16), 0.15 * mean_abs_rgb(before, after, 16));
}

TEST(Frames, WithoutConsistencyEveryFrameIsOnItsOwn) {
  MemoryFrames frames({moving_texture(40, 30, 0, 0), moving_texture(40, 30, 1, 0), moving_texture(40, 30, 2, 0)});
  FramesRun run;
  run.temporal = false;
  int targets = 0, calls = 0;
  stylize_frames(
      frames,
      [&](const Image& frame, const TemporalTarget* target, const Progress&) {
        ++calls;
        targets += target != nullptr;
        return frame;
      },
      run, Progress());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(targets, 0);
  run.temporal = true;
  MemoryFrames again({moving_texture(40, 30, 0, 0), moving_texture(40, 30, 1, 0)});
  stylize_frames(
      again,
      [&](const Image& frame, const TemporalTarget* target, const Progress&) {
        targets += target != nullptr;
        return frame;
      },
      run, Progress());
  EXPECT_EQ(targets, 1);
}

TEST(Frames, AfterASceneCutTheFrameStartsAfresh) {
  // Frame 2 is another picture (the texture's negative): no flow explains it, so nothing carries over.
  Image cut = moving_texture(96, 72, 0, 0);
  for (size_t i = 0; i < cut.rgba.size(); ++i)
    if (i % 4 != 3) cut.rgba[i] = 1.f - cut.rgba[i];
  const Image first = moving_texture(96, 72, 0, 0);
  EXPECT_LT(temporal_target(first, cut, first).trusted_share, kNewShotShare);
  EXPECT_GT(temporal_target(first, moving_texture(96, 72, 2, 1), first).trusted_share, 0.8);
  MemoryFrames frames({first, cut, moving_texture(96, 72, 0, 0)});
  std::vector<bool> had_target;
  stylize_frames(
      frames,
      [&](const Image& frame, const TemporalTarget* target, const Progress&) {
        had_target.push_back(target != nullptr);
        return frame;
      },
      FramesRun{}, Progress());
  EXPECT_EQ(had_target, (std::vector<bool>{false, false, false}));
  // Across the cut no difference is flicker: the warping error measures nothing there.
  EXPECT_FALSE(warping_error(first, cut, first, cut).has_value());
}

// Cancel and Stop and Keep during a clip, through the filter as hosts run it (Instant, so that it is quick): raised
// while frame 2 of 4 is being stylised, Cancel ends the run with no further frame handed over, Stop and Keep
// finishes frame 2 and returns the two frames as a shorter animation.
TEST(StylizeFrames, CancelStopsAndStopAndKeepKeepsTheFinishedFrames) {
  at::set_num_threads(1);
  const Filter& filter = stylize_frames_filter();
  ParamValues v(filter.params);
  v.set_text("method", "feed-forward");
  v.set_text("device", "cpu");
  std::vector<Image> clip;
  for (int t = 0; t < 4; ++t) clip.push_back(moving_texture(64, 48, 2.0 * t, 1.0 * t));
  ModelLibrary library;
  std::atomic<bool> cancel{false}, finish{false};
  auto raise_at_frame_2 = [](std::atomic<bool>& flag) {
    return [&flag](double, const std::string& message) {
      if (message.rfind("frame 2/4", 0) == 0) flag = true;
    };
  };

  MemoryFrames cancelled(clip);
  RunContext ctx{&library, Progress(raise_at_frame_2(cancel), &cancel), {}};
  EXPECT_THROW(run_filter_frames(filter, cancelled, v, ctx), Cancelled);
  EXPECT_EQ(cancelled.results.size(), 1u);

  MemoryFrames kept(clip);
  ctx.progress = Progress(raise_at_frame_2(finish), &cancel).with_finish(&finish);
  cancel = false;
  EXPECT_EQ(run_filter_frames(filter, kept, v, ctx), 2);
  ASSERT_EQ(kept.results.size(), 2u);
  EXPECT_EQ(kept.results[1].width, 64);
  EXPECT_GT(mean_abs_rgb(kept.results[1], clip[1], 0), 0.02) << "frame 2 was stylised, not copied";
}

TEST(Frames, FramesOfDifferentSizesAreRefused) {
  MemoryFrames frames({moving_texture(40, 30, 0, 0), moving_texture(30, 40, 0, 0)});
  const std::string e = test::error_of([&] {
    stylize_frames(
        frames, [](const Image& f, const TemporalTarget*, const Progress&) { return f; }, FramesRun{}, Progress());
  });
  EXPECT_NE(e.find("frame 2 is 30x40 but the first is 40x30"), std::string::npos) << e;
}

TEST(Frames, FolderAndVideoKeepCountAndOrder) {
  const std::string in = test::temp_path("frames-in");
  fs::create_directories(in);
  // Named so that plain text order would be wrong: 2 before 10.
  for (int t : {1, 2, 10}) {
    Image img(32, 24);
    for (size_t i = 0; i < img.rgba.size(); ++i) img.rgba[i] = i % 4 == 3 ? 1.f : static_cast<float>(t) / 10.f;
    save_png(in + "/f" + std::to_string(t) + ".png", img);
  }
  for (const std::string& out :
       std::vector<std::string>{test::temp_path("frames-out"), test::temp_path("frames-out.avi")}) {
    check_frames_output(out, in);
    {
      FrameReader reader(in);
      ASSERT_EQ(reader.count(), 3);
      FrameWriter writer(out, 12);
      for (int t = 0; t < 3; ++t) writer.write(reader.read(t));
      writer.commit();
    }
    FrameReader back(out);
    ASSERT_EQ(back.count(), 3) << out;
    if (fs::is_directory(out)) {
      EXPECT_TRUE(fs::exists(out + "/frame-00003.png"));
    }
    const float expected[] = {0.1f, 0.2f, 1.0f};
    for (int t = 0; t < 3; ++t) EXPECT_NEAR(back.read(t).pixel(16, 12)[1], expected[t], 0.03) << out << " frame " << t;
  }
}

TEST(Frames, OutputsThatWouldDestroySomethingAreRefusedBeforeAnyWork) {
  const std::string in = test::temp_path("frames-refused");
  fs::create_directories(in);
  save_png(in + "/a.png", moving_texture(8, 8, 0, 0));
  EXPECT_NE(test::error_of([&] { check_frames_output(in, in); }).find("is the input"), std::string::npos);
  EXPECT_NE(test::error_of([&] { check_frames_output(in + "/", in); }).find("is the input"), std::string::npos);
  const std::string busy = test::temp_path("frames-busy");
  fs::create_directories(busy);
  save_png(busy + "/keep.png", moving_texture(8, 8, 0, 0));
  EXPECT_NE(test::error_of([&] { check_frames_output(busy, in); }).find("already has files"), std::string::npos);
  EXPECT_NE(test::error_of([&] { check_frames_output(test::temp_path("x.flv"), in); }).find(".avi, .mp4"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] { FrameReader r(test::temp_path("missing-folder")); }).find("do not exist"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] { FrameReader r(busy + "/keep.png"); }).find("is one picture, not an animation"),
            std::string::npos);
  const std::string text = test::temp_path("not-a-video.avi");
  std::ofstream(text) << "not a video";
  EXPECT_NE(test::error_of([&] { FrameReader r(text); }).find("cannot open the video"), std::string::npos);
  // A writer that is not committed leaves nothing behind.
  const std::string abandoned = test::temp_path("frames-abandoned");
  {
    FrameWriter w(abandoned, 12);
    w.write(moving_texture(8, 8, 0, 0));
  }
  EXPECT_FALSE(fs::exists(abandoned));
  for (const auto& e : fs::directory_iterator(test::temp_dir()))
    EXPECT_EQ(e.path().filename().string().find(".frames-abandoned"), std::string::npos) << e.path();
}

}  // namespace
}  // namespace atelier
