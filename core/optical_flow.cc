#include "core/optical_flow.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace atelier {
namespace {

cv::Mat luminance8(const Image& image) {
  cv::Mat out(image.height, image.width, CV_8UC1);
  for (int y = 0; y < image.height; ++y) {
    auto* row = out.ptr<uint8_t>(y);
    for (int x = 0; x < image.width; ++x) {
      const float* p = image.pixel(x, y);
      const float l = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
      row[x] = static_cast<uint8_t>(std::lround(std::clamp(l, 0.f, 1.f) * 255.f));
    }
  }
  return out;
}

// Bilinear sample of one flow at a real position, the border repeated.
void sample_flow(const Flow& f, float x, float y, float& dx, float& dy) {
  x = std::clamp(x, 0.f, static_cast<float>(f.width - 1));
  y = std::clamp(y, 0.f, static_cast<float>(f.height - 1));
  const int x0 = static_cast<int>(x), y0 = static_cast<int>(y);
  const int x1 = std::min(x0 + 1, f.width - 1), y1 = std::min(y0 + 1, f.height - 1);
  const float ax = x - static_cast<float>(x0), ay = y - static_cast<float>(y0);
  auto mix = [&](auto get) {
    return (1 - ay) * ((1 - ax) * get(x0, y0) + ax * get(x1, y0)) + ay * ((1 - ax) * get(x0, y1) + ax * get(x1, y1));
  };
  dx = mix([&](int i, int j) { return f.dx(i, j); });
  dy = mix([&](int i, int j) { return f.dy(i, j); });
}

}  // namespace

Flow measure_flow(const Image& from, const Image& to) {
  if (from.empty() || to.empty()) throw Error("optical flow: an empty frame");
  if (from.width != to.width || from.height != to.height)
    throw Error("optical flow: the frames differ in size (" + std::to_string(from.width) + "x" +
                std::to_string(from.height) + " and " + std::to_string(to.width) + "x" + std::to_string(to.height) +
                ")");
  // DIS at its medium preset: accurate enough for masks and warping at a fraction of Farneback's time.
  cv::Ptr<cv::DISOpticalFlow> dis = cv::DISOpticalFlow::create(cv::DISOpticalFlow::PRESET_MEDIUM);
  cv::Mat flow;
  dis->calc(luminance8(from), luminance8(to), flow);
  Flow out;
  out.width = from.width;
  out.height = from.height;
  out.dxdy.resize(static_cast<size_t>(out.width) * out.height * 2);
  for (int y = 0; y < out.height; ++y) {
    const auto* row = flow.ptr<cv::Vec2f>(y);
    for (int x = 0; x < out.width; ++x) {
      out.dxdy[(static_cast<size_t>(y) * out.width + x) * 2] = row[x][0];
      out.dxdy[(static_cast<size_t>(y) * out.width + x) * 2 + 1] = row[x][1];
    }
  }
  return out;
}

Flow resize_flow(const Flow& flow, int width, int height) {
  if (flow.width == width && flow.height == height) return flow;
  const cv::Mat source(flow.height, flow.width, CV_32FC2, const_cast<float*>(flow.dxdy.data()));
  Flow out;
  out.width = width;
  out.height = height;
  out.dxdy.resize(static_cast<size_t>(width) * height * 2);
  cv::Mat target(height, width, CV_32FC2, out.dxdy.data());
  cv::resize(source, target, target.size(), 0, 0, cv::INTER_LINEAR);
  const float sx = static_cast<float>(width) / static_cast<float>(flow.width);
  const float sy = static_cast<float>(height) / static_cast<float>(flow.height);
  for (size_t i = 0; i < out.dxdy.size(); i += 2) {
    out.dxdy[i] *= sx;
    out.dxdy[i + 1] *= sy;
  }
  return out;
}

std::vector<float> resize_mask(const std::vector<float>& mask, int from_width, int from_height, int width, int height) {
  if (from_width == width && from_height == height) return mask;
  const cv::Mat source(from_height, from_width, CV_32FC1, const_cast<float*>(mask.data()));
  std::vector<float> out(static_cast<size_t>(width) * height);
  cv::Mat target(height, width, CV_32FC1, out.data());
  cv::resize(source, target, target.size(), 0, 0, cv::INTER_LINEAR);
  return out;
}

Image warp(const Image& image, const Flow& flow) {
  if (image.empty() || flow.width <= 0) throw Error("warp: an empty image or flow");
  cv::Mat map(flow.height, flow.width, CV_32FC2);
  for (int y = 0; y < flow.height; ++y) {
    auto* row = map.ptr<cv::Vec2f>(y);
    for (int x = 0; x < flow.width; ++x)
      row[x] = {static_cast<float>(x) + flow.dx(x, y), static_cast<float>(y) + flow.dy(x, y)};
  }
  // OpenCV reads the image in place (const_cast: remap's source is only read).
  const cv::Mat source(image.height, image.width, CV_32FC4, const_cast<float*>(image.rgba.data()));
  Image out(flow.width, flow.height);
  cv::Mat target(out.height, out.width, CV_32FC4, out.rgba.data());
  cv::remap(source, target, map, cv::noArray(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return out;
}

std::vector<float> reliable_mask(const Flow& backward, const Flow& forward) {
  if (backward.width != forward.width || backward.height != forward.height)
    throw Error("reliable_mask: the two flows differ in size");
  const int w = backward.width, h = backward.height;
  std::vector<float> mask(static_cast<size_t>(w) * h, 1.f);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const float bx = backward.dx(x, y), by = backward.dy(x, y);
      const float sx = static_cast<float>(x) + bx, sy = static_cast<float>(y) + by;
      bool ok = sx >= 0 && sy >= 0 && sx <= static_cast<float>(w - 1) && sy <= static_cast<float>(h - 1);
      if (ok) {
        float fx = 0, fy = 0;
        sample_flow(forward, sx, sy, fx, fy);
        const float ex = bx + fx, ey = by + fy;
        ok = ex * ex + ey * ey <= 0.01f * (bx * bx + by * by + fx * fx + fy * fy) + 0.5f;
      }
      if (ok) {
        // Central differences of the backward flow (one-sided at the border).
        const int xl = std::max(x - 1, 0), xr = std::min(x + 1, w - 1);
        const int yu = std::max(y - 1, 0), yd = std::min(y + 1, h - 1);
        const float sxn = static_cast<float>(std::max(xr - xl, 1)), syn = static_cast<float>(std::max(yd - yu, 1));
        const float ux = (backward.dx(xr, y) - backward.dx(xl, y)) / sxn;
        const float uy = (backward.dx(x, yd) - backward.dx(x, yu)) / syn;
        const float vx = (backward.dy(xr, y) - backward.dy(xl, y)) / sxn;
        const float vy = (backward.dy(x, yd) - backward.dy(x, yu)) / syn;
        ok = ux * ux + uy * uy + vx * vx + vy * vy <= 0.01f * (bx * bx + by * by) + 0.002f;
      }
      mask[static_cast<size_t>(y) * w + x] = ok ? 1.f : 0.f;
    }
  }
  return mask;
}

}  // namespace atelier
