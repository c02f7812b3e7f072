#pragma once
// An animation as the engine sees it: frames read one at a time from the host (the layers of a GIMP image, a
// folder of pictures, a video file) and results handed back one at a time, so that memory holds one frame, not
// the clip (torch-free header).
#include "core/image.h"

namespace atelier {

class FrameSequence {
 public:
  virtual ~FrameSequence() = default;
  virtual int count() const = 0;
  // Frame `index` (0 = the first), RGBA as Image says. The engine asks for the frames in order.
  virtual Image frame(int index) = 0;
  // The result for frame `index`, of that frame's size, given in order. The host stores or writes it at once.
  virtual void put(int index, const Image& result) = 0;
};

}  // namespace atelier
