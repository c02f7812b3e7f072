#pragma once
// A GIMP image's top-level layers as the frames of an animation (GIMP's convention: the bottom layer is the first
// frame; each frame is its layer's pixels in canvas position), and the new image the results go into, one layer
// per frame with the frame's name (timing tags such as "(100ms)" kept). libgimp is only touched on the main
// thread: the worker's frame() and put() wait until the main thread's serve() has done them.
#include <libgimp/gimp.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "core/frames.h"

namespace atelier::plugin {

class LayerFrames : public FrameSequence {
 public:
  // Throws atelier::Error for an image with fewer than two layers (no animation).
  explicit LayerFrames(GimpImage* image);
  ~LayerFrames() override;  // deletes the new image unless release()d
  LayerFrames(const LayerFrames&) = delete;
  LayerFrames& operator=(const LayerFrames&) = delete;

  int count() const override { return static_cast<int>(layers_.size()); }
  Image frame(int index) override;                    // worker thread
  void put(int index, const Image& result) override;  // worker thread

  void serve();          // main thread: does the request the worker waits on, if any
  GimpImage* release();  // main thread, after the run: the new image (nullptr when no frame was put)
  GimpLayer* first_frame() const { return layers_.front(); }

 private:
  struct Request {
    bool put = false;
    int index = 0;
    const Image* result = nullptr;
    Image frame;
    std::string error;
    bool pending = false;
  };
  void wait_for(Request request, Image* frame);
  void do_put(int index, const Image& result);

  GimpImage* image_;
  std::vector<GimpLayer*> layers_;  // bottom first
  int width_, height_;
  GimpImage* result_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  Request request_;
};

}  // namespace atelier::plugin
